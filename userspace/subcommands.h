/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EPGATE_SUBCOMMANDS_H
#define EPGATE_SUBCOMMANDS_H

extern const char *prog;

/*
 * A usage error of command @cmd: "epgate: CMD: what was wrong" and the
 * command's usage line, on stderr.
 */
__attribute__((format(printf, 2, 3)))
void usage_error(const char *cmd, const char *fmt, ...);

int status_main(int argc, const char *argv[]);
int stats_main(int argc, const char *argv[]);
int mode_main(int argc, const char *argv[]);
int config_main(int argc, const char *argv[]);
int load_main(int argc, const char *argv[]);
int enable_main(int argc, const char *argv[]);
int disable_main(int argc, const char *argv[]);
int lookup_main(int argc, const char *argv[]);
int profile_main(int argc, const char *argv[]);
int export_main(int argc, const char *argv[]);
int save_main(int argc, const char *argv[]);
int restore_main(int argc, const char *argv[]);
int apply_main(int argc, const char *argv[]);
int metrics_main(int argc, const char *argv[]);
int confirm_main(int argc, const char *argv[]);
int rollback_main(int argc, const char *argv[]);
int refresh_main(int argc, const char *argv[]);

#endif
