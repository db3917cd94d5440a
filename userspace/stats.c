// SPDX-License-Identifier: GPL-2.0
/*
 * epgate stats [-j] [--reset]: every enabled profile and every flow of the
 * active set with their counters (GET_PROFILES and GET_FLOWS dumps), and
 * the global counters (GET_STATUS); --reset zeroes them all and shows
 * them.  Reading and printing are in statsmsg.c, --watch in watch.c.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/epgate.h>

#include "genl.h"
#include "statsmsg.h"
#include "statusmsg.h"
#include "subcommands.h"
#include "watch.h"

static void usage(void)
{
	fprintf(stderr,
		"Usage: %s stats [-j] [--reset] | --watch [-i SECONDS] [-n COUNT]\n",
		prog);
}

static int reset(struct epgate_genl *g)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = epgate_genl_msg(g, buf, EPGATE_CMD_RESET_COUNTERS, NLM_F_ACK);
	return epgate_genl_talk(g, nlh, NULL, NULL);
}

int stats_main(int argc, const char *argv[])
{
	const char *interval = NULL, *count = NULL;
	int json = 0, do_reset = 0, watch = 0;
	struct stats s = { 0 };
	struct watch_opts wo;
	struct epgate_genl g;
	char err[160];
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") && !json) {
			json = 1;
		} else if (!strcmp(argv[i], "--reset") && !do_reset) {
			do_reset = 1;
		} else if (!strcmp(argv[i], "--watch") && !watch) {
			watch = 1;
		} else if (!strcmp(argv[i], "-i") && !interval &&
			   i + 1 < argc) {
			interval = argv[++i];
		} else if (!strcmp(argv[i], "-n") && !count && i + 1 < argc) {
			count = argv[++i];
		} else {
			fprintf(stderr, "%s: stats: unexpected '%s'\n", prog,
				argv[i]);
			usage();
			return 1;
		}
	}
	if (watch ? json || do_reset : interval || count) {
		fprintf(stderr, "%s: stats: %s\n", prog, watch ?
			"--watch goes without -j and --reset" :
			"-i and -n go with --watch");
		usage();
		return 1;
	}
	if (watch) {
		if (watch_parse_opts(interval, count, &wo, err, sizeof(err))) {
			fprintf(stderr, "%s: stats: %s\n", prog, err);
			return 1;
		}
		return watch_run(&wo);
	}

	if (status_connect(&g, "stats"))
		return 1;
	ret = stats_read(&g, &s, 1);
	if (ret == -EINTR)
		fprintf(stderr,
			"%s: stats: the flow set changed during each of %d dumps; try again\n",
			prog, STATS_DUMP_TRIES);
	else if (ret)
		fprintf(stderr, "%s: stats: %s\n", prog,
			epgate_genl_strerror(&g, ret));
	/*
	 * With --reset the values read are printed once the reset is done:
	 * a refused reset (EPERM) is then one line on stderr and nothing else.
	 */
	if (!ret && do_reset) {
		ret = reset(&g);
		if (ret)
			fprintf(stderr, "%s: stats: reset: %s\n", prog,
				epgate_genl_strerror(&g, ret));
	}
	if (!ret) {
		if (json)
			stats_print_json(&s, stdout);
		else
			stats_print(&s, stdout);
		if (fflush(stdout)) {
			ret = -errno;
			fprintf(stderr, "%s: stats: %s\n", prog,
				strerror(-ret));
		}
	}
	epgate_genl_close(&g);
	stats_free(&s);
	return ret ? 1 : 0;
}
