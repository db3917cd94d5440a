// SPDX-License-Identifier: GPL-2.0
/*
 * epgate: control the epgate kernel module.  A dispatcher over the
 * subcommands; each lives in a file of its own as <name>_main().
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/epgate.h>

#include "genl.h"
#include "guard.h"
#include "subcommands.h"

const char *prog;

static int version_main(int argc, const char *argv[]);

/* usage: the grammar, as each command's own usage line prints it. */
static const struct {
	const char *name;
	int (*main)(int argc, const char *argv[]);
	const char *description;
	const char *usage;
} subcommands[] = {
	{ "status", status_main, "Show the module's mode, scope, table and counters",
	  "status [-j]" },
	{ "stats", stats_main, "Show the counters per profile and per flow; reset or watch them",
	  "stats [-j] [--reset] | --watch [-i SECONDS] [-n COUNT]" },
	{ "metrics", metrics_main, "The counters in the Prometheus text format, or to a textfile collector's folder",
	  "metrics [--textfile DIR]" },
	{ "mode", mode_main, "Set the mode: off, monitor or enforce",
	  "mode off|monitor|enforce" },
	{ "config", config_main, "Set the hooks, interface scope, fwmark, drop logging, hook priority or other protocols",
	  "config [hooks HOOK[,HOOK...]] [in IF[,IF...]|any] [out IF[,IF...]|any] [mark VALUE/MASK|none] [log off|kernel|nflog GROUP|kernel,nflog GROUP] [priority N] [other accept|drop]" },
	{ "load", load_main, "Replace the flow set with a flow list file",
	  "load [--repeat N] FILE|-..." },
	{ "profile", profile_main, "List, show and check vendor profiles",
	  "profile list [-j] | show NAME [-j] | check FILE|-... [-q]" },
	{ "enable", enable_main, "Enable vendor profiles: replace their flows in one transaction",
	  "enable NAME... [ROLE=PREFIX|@SET|HOSTNAME[,...]...] [--bind-hosts] [--with OPTION[,OPTION...]]... [--monitor]" },
	{ "disable", disable_main, "Disable vendor profiles",
	  "disable NAME..." },
	{ "lookup", lookup_main, "Which enabled flows allow a protocol and port",
	  "lookup tcp|udp PORT [from ADDR] [to ADDR] [-j]" },
	{ "export", export_main, "The enabled policy as an nftables ruleset (text, JSON, or applied)",
	  "export nft [-j | --apply [--confirm SECONDS]] [--table NAME] [--from-profiles NAME... [ROLE=PREFIX...] [--with OPTION[,OPTION...]]... [--monitor] | --from-file FILE]" },
	{ "refresh", refresh_main, "Ask DNS again for the hostnames roles are bound to; push what changed",
	  "refresh [--daemon [--ttl-min SECONDS] [--ttl-max SECONDS] [--grace SECONDS] [--retry-max SECONDS]]" },
	{ "save", save_main, "Write mode, config and enabled profiles to a file",
	  "save [FILE|-]" },
	{ "restore", restore_main, "Apply a file written by save, all at once",
	  "restore [--unchecked] [FILE|-]" },
	{ "apply", apply_main, "Reach the state a file describes, in one transaction; --check shows the difference",
	  "apply [--check] [-j] [--unchecked] FILE|-" },
	{ "version", version_main, "Print the version of the tool",
	  "version" },
	{ "confirm", confirm_main, "Keep the change that awaits its confirm (--confirm)",
	  "confirm" },
	{ "rollback", rollback_main, "Restore the state before the change that awaits its confirm, now",
	  "rollback" },
};

/*
 * The commands that change the policy: they take --confirm and --force.
 * export takes --confirm only (with --apply: the module's lock-out guard
 * does not judge an nftables table).
 */
static const struct {
	const char *name;
	bool force;
} confirmable[] = {
	{ "mode", true }, { "config", true }, { "load", true },
	{ "enable", true }, { "disable", true }, { "restore", true },
	{ "apply", true }, { "export", false },
};

/* The value of --confirm into epgate_confirm_secs. */
static int set_confirm(const char *cmd, const char *val)
{
	unsigned long v;
	char *end;

	if (epgate_confirm_secs) {
		fprintf(stderr, "%s: %s: --confirm given twice\n", prog, cmd);
		return -1;
	}
	v = strtoul(val, &end, 10);
	if (*val < '0' || *val > '9' || *end || !v || v > EPGATE_CONFIRM_MAX) {
		fprintf(stderr, "%s: %s: bad --confirm '%s' (seconds, 1 to %d)\n",
			prog, cmd, val, EPGATE_CONFIRM_MAX);
		return -1;
	}
	epgate_confirm_secs = v;
	return 0;
}

/*
 * Take --confirm SECONDS (or --confirm=SECONDS) and --force out of a
 * changing command's words, anywhere among them, into epgate_confirm_secs
 * and epgate_force (the lock-out guard's ways past, guard.h).
 */
static int take_change_options(const char *cmd, int *argc, const char *argv[])
{
	size_t i;
	int k, n;

	for (i = 0; i < sizeof(confirmable) / sizeof(confirmable[0]); i++) {
		if (!strcmp(cmd, confirmable[i].name))
			break;
	}
	if (i == sizeof(confirmable) / sizeof(confirmable[0]))
		return 0;
	for (k = 1; k < *argc; k++) {
		if (!strcmp(argv[k], "--force") && confirmable[i].force) {
			if (epgate_force) {
				fprintf(stderr, "%s: %s: --force given twice\n",
					prog, cmd);
				return -1;
			}
			epgate_force = true;
			n = 1;
		} else if (!strcmp(argv[k], "--confirm")) {
			if (k + 1 == *argc) {
				fprintf(stderr, "%s: %s: --confirm needs a number of seconds\n",
					prog, cmd);
				return -1;
			}
			if (set_confirm(cmd, argv[k + 1]))
				return -1;
			n = 2;
		} else if (!strncmp(argv[k], "--confirm=", 10)) {
			if (set_confirm(cmd, argv[k] + 10))
				return -1;
			n = 1;
		} else {
			continue;
		}
		memmove(&argv[k], &argv[k + n], (*argc - k - n + 1) * sizeof(*argv));
		*argc -= n;
		k--;
	}
	return 0;
}

#define NCMDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void show_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s <cmd> [<args>]\n\n", prog);
	fprintf(f, "Available subcommands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name,
			subcommands[i].description);
}

static int version_main(int argc, const char *argv[])
{
	if (argc > 1) {
		usage_error("version", "unexpected '%s'", argv[1]);
		return 1;
	}
	printf("epgate %s\n", EPGATE_VERSION);
	return 0;
}

static void print_usage(FILE *f, size_t i)
{
	fprintf(f, "Usage: %s %s\n", prog, subcommands[i].usage);
}

void usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	size_t i;

	fprintf(stderr, "%s: %s: ", prog, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	for (i = 0; i < NCMDS; i++) {
		if (!strcmp(cmd, subcommands[i].name))
			print_usage(stderr, i);
	}
}

/*
 * The spellings users bring from other tools, turned into the tool's own
 * before any command sees them: --json is -j, --with=OPTION is --with
 * OPTION.  Returns a new argv (NULL-terminated) or NULL on no memory.
 */
static const char **normalize(int *argc, const char *argv[])
{
	const char **v = calloc(2 * *argc + 1, sizeof(*v));
	int i, n = 0;

	if (!v)
		return NULL;
	for (i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			v[n++] = "-j";
		} else if (!strncmp(argv[i], "--with=", 7)) {
			v[n++] = "--with";
			v[n++] = argv[i] + 7;
		} else {
			v[n++] = argv[i];
		}
	}
	*argc = n;
	return v;
}

int main(int argc, const char *argv[])
{
	const char **args;
	size_t i;
	int k, ret;

	prog = "epgate";
	if (argc < 2) {
		show_usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "help") && argc == 3) {
		for (i = 0; i < NCMDS; i++) {
			if (strcmp(argv[2], subcommands[i].name))
				continue;
			print_usage(stdout, i);
			printf("\n%s.\n", subcommands[i].description);
			return 0;
		}
		fprintf(stderr, "%s: help: unknown command '%s' (try: %s help)\n",
			prog, argv[2], prog);
		return 1;
	}
	if ((!strcmp(argv[1], "help") && argc == 2) ||
	    !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		show_usage(stdout);
		printf("\n'%s help COMMAND' shows a command's grammar; man epgate has it all.\n",
		       prog);
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		return version_main(1, argv + 1);
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(argv[1], subcommands[i].name))
			continue;
		/* COMMAND ... --help: its grammar on stdout, as nft and ufw do. */
		for (k = 2; k < argc; k++) {
			if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
				print_usage(stdout, i);
				printf("\n%s.\n", subcommands[i].description);
				return 0;
			}
		}
		argc--;
		args = normalize(&argc, argv + 1);
		if (!args) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return 1;
		}
		if (take_change_options(args[0], &argc, args)) {
			free(args);
			return 1;
		}
		ret = subcommands[i].main(argc, args);
		free(args);
		return ret;
	}
	fprintf(stderr, "%s: unknown command '%s' (try: %s help)\n", prog,
		argv[1], prog);
	return 1;
}
