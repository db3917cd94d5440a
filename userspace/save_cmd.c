// SPDX-License-Identifier: GPL-2.0
/*
 * epgate save [FILE|-]
 * epgate restore [--unchecked] [FILE|-]
 *
 * The two commands over save.c, the save file's library (format, parser,
 * writer; save.h): save writes through a temporary file renamed over
 * FILE, with the hostnames' addresses from the names state file (hosts.h);
 * restore parses the whole file first, then replaces the flow set in one
 * transaction, seeds the names state with the hostnames' saved addresses
 * and sets the mode and configuration.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flowset.h"
#include "guard.h"
#include "hosts.h"
#include "save.h"
#include "statusmsg.h"
#include "subcommands.h"

static int write_file(const char *path, const struct epgate_status *st,
		      const struct flowset *fs, const struct names *ns)
{
	char tmp[4096], dir[4096], *slash;
	FILE *f;
	int fd, ret;

	if (!strcmp(path, "-")) {
		ret = save_write(stdout, st, fs, ns, stderr);
		fflush(stdout);
		return ret;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp)) {
		fprintf(stderr, "%s: save: %s: name too long\n", prog, path);
		return -ENAMETOOLONG;
	}
	/* The default /etc/epgate may not exist yet. */
	if (!strcmp(path, SAVE_DEFAULT_FILE)) {
		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		*slash = '\0';
		mkdir(dir, 0755);
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		fprintf(stderr, "%s: save: %s: %s\n", prog, tmp,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	ret = save_write(f, st, fs, ns, stderr);
	if (!ret && (fflush(f) || fsync(fileno(f))))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		fprintf(stderr, "%s: save: %s: %s\n", prog, path,
			strerror(-ret));
		unlink(tmp);
	}
	return ret;
}

int save_main(int argc, const char *argv[])
{
	const char *path = SAVE_DEFAULT_FILE;
	struct epgate_status st;
	struct epgate_genl g;
	struct flowset fs;
	struct names ns;
	char err[512];
	int ret;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
		if (argc > 2)
			fprintf(stderr, "%s: save: one file at most: unexpected '%s'\n",
				prog, argv[2]);
		else
			fprintf(stderr, "%s: save: unknown option '%s'\n", prog,
				argv[1]);
		fprintf(stderr, "Usage: %s save [FILE|-]\n", prog);
		return 1;
	}
	if (argc == 2)
		path = argv[1];
	if (status_connect(&g, "save"))
		return 1;
	ret = status_fetch(&g, &st);
	if (!ret)
		ret = flowset_read(&g, &fs);
	if (ret) {
		fprintf(stderr, "%s: save: %s\n", prog,
			epgate_genl_strerror(&g, ret));
		epgate_genl_close(&g);
		return 1;
	}
	epgate_genl_close(&g);
	/* The addresses of the hostnames, as enable and refresh keep them. */
	names_init(&ns, NULL);
	if (hosts_state_load(&ns, err, sizeof(err))) {
		fprintf(stderr, "%s: save: warning: %s (profiles bound to hostnames are saved as their flows)\n",
			prog, err);
		names_free(&ns);
		names_init(&ns, NULL);
	}
	ret = write_file(path, &st, &fs, &ns);
	names_free(&ns);
	flowset_free(&fs);
	return ret ? 1 : 0;
}

/*
 * The hostnames restore bound to the file's addresses, seeded into the
 * names state as their last good (stale) answer: `status` shows them,
 * and `refresh` keeps them while DNS fails and lets them leave with their
 * grace when DNS answers otherwise.  A warning at worst: the module has
 * the file's flows either way, and refresh follows the names without it.
 */
static void seed_names(const struct saveconf *sc)
{
	struct names ns;
	char err[512];
	size_t i;

	for (i = 0; i < sc->nhosts && !sc->hosts[i].used; i++)
		;
	if (i == sc->nhosts)
		return;
	names_init(&ns, NULL);
	if (hosts_state_load(&ns, err, sizeof(err))) {
		fprintf(stderr, "%s: restore: warning: %s (starting afresh)\n",
			prog, err);
		names_free(&ns);
		names_init(&ns, NULL);
	}
	if (save_seed_names(sc, &ns, time(NULL), err, sizeof(err)) ||
	    hosts_state_write(&ns, err, sizeof(err)))
		fprintf(stderr, "%s: restore: warning: the names state: %s\n",
			prog, err);
	names_free(&ns);
}

int restore_main(int argc, const char *argv[])
{
	const char *path = SAVE_DEFAULT_FILE;
	unsigned int flags = 0;
	struct saveconf sc;
	struct epgate_genl g;
	int i, nfiles = 0, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--unchecked")) {
			flags |= SAVE_UNCHECKED;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "%s: restore: unknown option '%s'\n",
				prog, argv[i]);
			goto usage;
		} else if (nfiles++) {
			fprintf(stderr, "%s: restore: one file at most, got '%s' and '%s'\n",
				prog, path, argv[i]);
			goto usage;
		} else {
			path = argv[i];
		}
	}
	if (save_load_file(path, flags, &sc, "restore"))
		return 1;
	if (flags & SAVE_UNCHECKED)
		save_lint_profiles(&sc);
	if (status_connect(&g, "restore")) {
		save_free(&sc);
		return 1;
	}
	/*
	 * The state the file leaves, judged before the flows go: they are
	 * written first, the mode and configuration after.
	 */
	if (guard_change(&g, "restore", &sc.cfg, &sc.fs.fl)) {
		epgate_genl_close(&g);
		save_free(&sc);
		return 1;
	}
	ret = flowset_write_retry(&g, &sc.fs);
	if (ret)
		fprintf(stderr, "%s: restore: %s\n", prog,
			epgate_genl_strerror(&g, ret));
	else
		status_report_change(&g, "restore");
	epgate_genl_close(&g);
	if (!ret)
		seed_names(&sc);
	if (!ret && sc.cfg.set)
		ret = config_send(&sc.cfg, "restore");
	if (!ret)
		printf("%s: restored %zu profile%s, %zu flows%s\n", path,
		       sc.fs.nprofiles, sc.fs.nprofiles == 1 ? "" : "s",
		       sc.fs.fl.n, sc.cfg.set ? ", mode and config" : "");
	save_free(&sc);
	return ret ? 1 : 0;
usage:
	fprintf(stderr, "Usage: %s restore [--unchecked] [FILE|-]\n", prog);
	return 1;
}
