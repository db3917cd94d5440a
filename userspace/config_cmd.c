// SPDX-License-Identifier: GPL-2.0
/*
 * epgate config [SETTING...]: change the module's settings (SET_CONFIG)
 * after the lock-out guard has judged them.  Parsing and sending are in
 * config.c, shared with mode, apply and export.
 */

#include <stdio.h>

#include "config.h"
#include "guard.h"
#include "subcommands.h"

static void usage(void)
{
	fprintf(stderr,
		"Usage: %s config [hooks HOOK[,HOOK...]] [in IF[,IF...]|any] [out IF[,IF...]|any] [mark VALUE/MASK|none] [log off|kernel|nflog GROUP|kernel,nflog GROUP] [priority N] [other accept|drop]\n",
		prog);
}

int config_main(int argc, const char *argv[])
{
	struct epgate_config cfg;
	char err[160];
	int ret;

	ret = config_parse(argc - 1, argv + 1, &cfg, err, sizeof(err));
	if (ret) {
		if (err[0])
			fprintf(stderr, "%s: config: %s\n", prog, err);
		else
			usage();
		return 1;
	}
	if (guard_change(NULL, "config", &cfg, NULL))
		return 1;
	return config_send(&cfg, "config") ? 1 : 0;
}
