// SPDX-License-Identifier: GPL-2.0
/*
 * epgate load [--repeat N] FILE|-...: replace the whole flow set with the
 * flows of a low-level flow list (format in flowlist.h), in one SET_FLOWS
 * request per file.
 *
 * The file is parsed and the request sized completely before the socket is
 * even opened: any error in the list means nothing is sent, so the kernel
 * keeps the set it had.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/epgate.h>

#include "flowlist.h"
#include "flowmsg.h"
#include "flowset.h"
#include "genl.h"
#include "guard.h"
#include "statusmsg.h"
#include "subcommands.h"

/* Far more than EPGATE_MAX_FLOWS lines: anything bigger is a mistake. */
#define LOAD_FILE_MAX (64U << 20)

static int read_all(const char *path, char **text, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t alloc = 0, n;
	char *buf = NULL, *nbuf;
	int ret = 0;

	*len = 0;
	if (!f)
		return -errno;
	do {
		if (*len == alloc) {
			alloc = alloc ? alloc * 2 : 65536;
			if (alloc > LOAD_FILE_MAX) {
				ret = -EFBIG;
				break;
			}
			nbuf = realloc(buf, alloc);
			if (!nbuf) {
				ret = -ENOMEM;
				break;
			}
			buf = nbuf;
		}
		n = fread(buf + *len, 1, alloc - *len, f);
		*len += n;
	} while (n);
	if (!ret && ferror(f))
		ret = -EIO;
	if (f != stdin)
		fclose(f);
	if (ret) {
		free(buf);
		buf = NULL;
	}
	*text = buf;
	return ret;
}

/* Most files per command line, and most rounds of --repeat. */
#define LOAD_FILES_MAX	16
#define LOAD_REPEAT_MAX	10000000

struct load_file {
	const char *shown;	/* the name in messages: "<stdin>" for - */
	struct flowlist fl;
	void *buf;		/* the SET_FLOWS request */
};

/* Read, parse and size-check one file: prints the error line. */
static int prepare(const char *path, struct load_file *lf)
{
	struct flowlist_error err;
	char *text = NULL;
	size_t len, size;
	int ret;

	lf->shown = strcmp(path, "-") ? path : "<stdin>";
	ret = read_all(path, &text, &len);
	if (ret) {
		fprintf(stderr, "%s: load: cannot read '%s': %s\n", prog, path,
			strerror(-ret));
		return ret;
	}
	ret = flowlist_parse(text, len, &lf->fl, &err);
	free(text);
	if (ret) {
		fprintf(stderr, "%s: %s:%u:%u: %s\n", prog, lf->shown, err.line,
			err.col, err.msg);
		return ret;
	}
	/*
	 * A multi-message transaction (flowset_write()) when the flows do not
	 * fit one nest, or when a role is bound to an address set: the sets
	 * go first, in EPGATE_A_SETS, which flowmsg_put() does not write.
	 */
	size = flowmsg_flows_size(&lf->fl);
	if (size > FLOWMSG_NEST_MAX || lf->fl.nsets)
		return 0;
	lf->buf = calloc(1, flowmsg_size(&lf->fl) + EPGATE_CONFIRM_ATTR_SIZE);
	if (!lf->buf) {
		fprintf(stderr, "%s: load: %s\n", prog, strerror(ENOMEM));
		return -ENOMEM;
	}
	return 0;
}

/* Decimal 1..LOAD_REPEAT_MAX. */
static int parse_repeat(const char *s, unsigned long *n)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*n = strtoul(s, &end, 10);
	if (*end || errno || !*n || *n > LOAD_REPEAT_MAX)
		return -EINVAL;
	return 0;
}

/*
 * epgate load [--repeat N] FILE|-...: every file is read, parsed and its
 * request sized before the socket is opened, so that an error in any of
 * them sends nothing.  The files are then loaded in order, N times over
 * (a table-swap stress test); the last file's set is the one that stays.
 */
int load_main(int argc, const char *argv[])
{
	struct load_file files[LOAD_FILES_MAX] = { 0 };
	unsigned long repeat = 1, r;
	struct nlmsghdr *nlh;
	struct epgate_genl g;
	int i, nfiles, stdin_seen = 0;
	int ret = 0;

	argc--;
	argv++;
	if (argc >= 2 && !strcmp(argv[0], "--repeat")) {
		if (parse_repeat(argv[1], &repeat)) {
			fprintf(stderr,
				"%s: load: bad repeat count '%s' (1..%d)\n",
				prog, argv[1], LOAD_REPEAT_MAX);
			return 1;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc < 1 || argc > LOAD_FILES_MAX) {
		if (argc < 1)
			usage_error("load", "missing a file (- is standard input)");
		else
			usage_error("load", "more than %d files", LOAD_FILES_MAX);
		return 1;
	}
	/* An option where a file should be: a misplaced or unknown one. */
	for (i = 0; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			usage_error("load", "unknown or misplaced option '%s'",
				    argv[i]);
			return 1;
		}
	}
	nfiles = argc;
	for (i = 0; i < nfiles; i++) {
		/* stdin can be read once only: a second - would be empty. */
		if (!strcmp(argv[i], "-") && stdin_seen++) {
			fprintf(stderr, "%s: load: '-' given twice\n", prog);
			ret = -EINVAL;
			goto out;
		}
		ret = prepare(argv[i], &files[i]);
		if (ret)
			goto out;
	}

	ret = status_connect(&g, "load");
	if (ret)
		goto out;
	/* The set that stays is the last file's: that is the one to judge. */
	ret = guard_change(&g, "load", NULL, &files[nfiles - 1].fl);
	if (ret) {
		epgate_genl_close(&g);
		goto out;
	}
	for (i = 0; i < nfiles; i++) {
		if (!files[i].buf)
			continue;
		nlh = epgate_genl_msg(&g, files[i].buf, EPGATE_CMD_SET_FLOWS, 0);
		/*
		 * Sized and checked in prepare(); a failure here would send
		 * a request without EPGATE_A_FLOWS, which empties the set.
		 */
		ret = flowmsg_put(nlh, &files[i].fl);
		if (ret) {
			fprintf(stderr, "%s: load: %s: %s\n", prog,
				files[i].shown, strerror(-ret));
			epgate_genl_close(&g);
			goto out;
		}
		epgate_genl_put_confirm(nlh);
	}
	for (r = 0; r < repeat && !ret; r++) {
		for (i = 0; i < nfiles && !ret; i++) {
			struct flowset fs = { .fl = files[i].fl };

			unsigned int attempt = 0;

			if (!files[i].buf) {
				ret = flowset_write_retry(&g, &fs);
				continue;
			}
			/* Another socket's transaction: wait for it (EBUSY). */
			nlh = files[i].buf;
			do {
				nlh->nlmsg_seq = ++g.seq;
				ret = epgate_genl_talk(&g, nlh, NULL, NULL);
			} while (ret == -EBUSY && flowset_retry(ret, attempt++));
		}
	}
	if (ret)
		fprintf(stderr, "%s: load: %s\n", prog,
			epgate_genl_strerror(&g, ret));
	else
		status_report_change(&g, "load");
	epgate_genl_close(&g);
out:
	for (i = 0; i < LOAD_FILES_MAX; i++) {
		free(files[i].buf);
		flowlist_free(&files[i].fl);
	}
	return ret ? 1 : 0;
}
