/* SPDX-License-Identifier: GPL-2.0 */
/*
 * epgate confirm and rollback of the nftables changes that await their
 * confirm (export nft --apply --confirm, nftpending.h).
 */
#ifndef EPGATE_NFTCONFIRM_H
#define EPGATE_NFTCONFIRM_H

#include <stdbool.h>

/*
 * Keep (@confirm) or roll back every such change, whatever its family
 * and table, each in one batch; a line per table on stdout, or on stderr
 * for what failed (a confirm after the deadline fails, the leftovers
 * cleaned up).  Returns the number of changes done, or -1.
 */
int nftconfirm_finish(const char *cmd, bool confirm);

#endif
