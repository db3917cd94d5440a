// SPDX-License-Identifier: GPL-2.0
/*
 * epgate mode off|monitor|enforce: a SET_CONFIG with EPGATE_A_MODE alone,
 * so scope, mark and flows stay as they are.  Refused when it would cut
 * the SSH session it came in by (guard.h).
 */

#include <stdio.h>

#include "config.h"
#include "guard.h"
#include "subcommands.h"

int mode_main(int argc, const char *argv[])
{
	struct epgate_config cfg = { .set = CONFIG_MODE };

	if (argc != 2) {
		if (argc < 2)
			usage_error("mode", "missing the mode (off, monitor or enforce)");
		else
			usage_error("mode", "one mode only: unexpected '%s'", argv[2]);
		return 1;
	}
	if (config_parse_mode(argv[1], &cfg.mode)) {
		fprintf(stderr,
			"%s: mode: unknown mode '%s' (off, monitor, enforce)\n",
			prog, argv[1]);
		return 1;
	}
	if (guard_change(NULL, "mode", &cfg, NULL))
		return 1;
	return config_send(&cfg, "mode") ? 1 : 0;
}
