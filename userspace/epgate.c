// SPDX-License-Identifier: GPL-2.0
/*
 * epgate: control the epgate kernel module.  A dispatcher over the
 * subcommands; each lives in a file of its own as <name>_main().
 */

#include <stdio.h>
#include <string.h>

#include "subcommands.h"

const char *prog;

static const struct {
	const char *name;
	int (*main)(int argc, const char *argv[]);
	const char *description;
} subcommands[] = {
	{ "status", status_main, "Show the module's mode, scope, table and counters" },
	{ "stats", stats_main, "Show the counters per profile and per flow; reset or watch them" },
	{ "mode", mode_main, "Set the mode: off, monitor or enforce" },
	{ "config", config_main, "Set the hooks, interface scope, fwmark or drop logging" },
	{ "load", load_main, "Replace the flow set with a flow list file" },
	{ "profile", profile_main, "List, show and check vendor profiles" },
	{ "enable", enable_main, "Enable vendor profiles: replace their flows in one transaction" },
	{ "disable", disable_main, "Disable vendor profiles" },
	{ "lookup", lookup_main, "Which enabled flows allow a protocol and port" },
};

static void show_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s <cmd> [<args>]\n\n", prog);
	fprintf(f, "Available subcommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name,
			subcommands[i].description);
}

int main(int argc, const char *argv[])
{
	size_t i;

	prog = "epgate";
	if (argc < 2) {
		show_usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		show_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("epgate %s\n", EPGATE_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].main(argc - 1, argv + 1);
	}
	fprintf(stderr, "%s: unknown command '%s' (try: %s help)\n", prog,
		argv[1], prog);
	return 1;
}
