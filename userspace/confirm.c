// SPDX-License-Identifier: GPL-2.0
/*
 * epgate confirm: keep the change that awaits its confirm.
 * epgate rollback: restore the state before it, now.
 *
 * A change made with --confirm SECONDS is rolled back by the kernel itself
 * when no confirm comes in time (include/uapi/linux/epgate.h), and so is
 * one of export nft --apply --confirm SECONDS (nftpending.h): both kinds
 * are confirmed or rolled back here, the nftables one without the module.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/epgate.h>

#include "genl.h"
#include "nftconfirm.h"
#include "statusmsg.h"
#include "subcommands.h"

/*
 * The module's change and the nftables ones.  @nft: what
 * nftconfirm_finish() did; when it did something, neither the module's
 * absence nor "no change awaits its confirm" there is an error.
 */
static int send_cmd(const char *cmd, uint8_t genl_cmd, const char *done,
		    int nft)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct epgate_genl g;
	struct nlmsghdr *nlh;
	int ret;

	if (nft) {
		memset(&g, 0, sizeof(g));
		ret = epgate_genl_open(&g);
		epgate_genl_close(&g);
		if (ret == -ENOENT)
			return nft < 0;
	}
	ret = status_connect(&g, cmd);
	if (ret)
		return 1;
	memset(buf, 0, sizeof(buf));
	nlh = epgate_genl_msg(&g, buf, genl_cmd, 0);
	ret = epgate_genl_talk(&g, nlh, NULL, NULL);
	if (ret == -ENOENT && nft)
		ret = 0;
	else if (ret)
		fprintf(stderr, "%s: %s: %s\n", prog, cmd,
			epgate_genl_strerror(&g, ret));
	else
		printf("%s: %s\n", prog, done);
	epgate_genl_close(&g);
	return ret || nft < 0 ? 1 : 0;
}

int confirm_main(int argc, const char *argv[])
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "%s: confirm: takes no arguments\nUsage: %s confirm\n",
			prog, prog);
		return 1;
	}
	return send_cmd("confirm", EPGATE_CMD_CONFIRM,
			"the pending change is kept",
			nftconfirm_finish("confirm", true));
}

int rollback_main(int argc, const char *argv[])
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "%s: rollback: takes no arguments\nUsage: %s rollback\n",
			prog, prog);
		return 1;
	}
	return send_cmd("rollback", EPGATE_CMD_ROLLBACK,
			"rolled back to the state before the pending change",
			nftconfirm_finish("rollback", false));
}
