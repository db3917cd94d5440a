// SPDX-License-Identifier: GPL-2.0
/*
 * The GET_STATUS reply parser against messages built as the kernel builds
 * them, and family resolution against the host's real generic netlink
 * (which has no "epgate" family: the host kernel cannot load modules).
 */

#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/epgate.h>

#include "genl.h"
#include "status.h"
#include "tap.h"

const char *prog = "epgate";

static struct nlmsghdr *reply(char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = 0x20;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = EPGATE_CMD_GET_STATUS;
	genl->version = EPGATE_GENL_VERSION;
	return nlh;
}

int main(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct epgate_status st;
	struct epgate_genl g;
	struct nlmsghdr *nlh;
	int ret;

	tap_plan(6);

	memset(&st, 0, sizeof(st));
	nlh = reply(buf);
	mnl_attr_put_strz(nlh, EPGATE_A_VERSION, "9.8.7");
	mnl_attr_put_u32(nlh, EPGATE_A_ABI_VERSION, EPGATE_ABI_VERSION);
	mnl_attr_put_u8(nlh, EPGATE_A_MODE, EPGATE_MODE_ENFORCE);
	ret = status_parse(nlh, &st);
	ok(ret == MNL_CB_OK && !strcmp(st.version, "9.8.7") &&
	   st.abi_version == EPGATE_ABI_VERSION &&
	   st.mode == EPGATE_MODE_ENFORCE,
	   "a complete reply is parsed");

	memset(&st, 0, sizeof(st));
	nlh = reply(buf);
	mnl_attr_put_u32(nlh, __EPGATE_A_MAX + 5, 42);
	mnl_attr_put_u8(nlh, EPGATE_A_MODE, EPGATE_MODE_MONITOR);
	ret = status_parse(nlh, &st);
	ok(ret == MNL_CB_OK && st.mode == EPGATE_MODE_MONITOR &&
	   st.seen == 1u << EPGATE_A_MODE,
	   "unknown attributes from a newer module are skipped");

	memset(&st, 0, sizeof(st));
	nlh = reply(buf);
	mnl_attr_put_u32(nlh, EPGATE_A_MODE, EPGATE_MODE_MONITOR);
	ok(status_parse(nlh, &st) == MNL_CB_ERROR,
	   "a known attribute with the wrong length is refused");

	memset(&st, 0, sizeof(st));
	nlh = reply(buf);
	mnl_attr_put(nlh, EPGATE_A_VERSION, 3, "abc");
	ok(status_parse(nlh, &st) == MNL_CB_ERROR,
	   "a version string without NUL is refused");

	ok(!strcmp(mode_name(EPGATE_MODE_MAX + 1), "unknown") &&
	   !strcmp(mode_name(EPGATE_MODE_OFF), "off"),
	   "mode names, out of range included");

	ret = epgate_genl_open(&g);
	ok(ret == -ENOENT &&
	   !strcmp(epgate_genl_strerror(&g, ret),
		   "kernel module not loaded (try: modprobe epgate)"),
	   "resolving the absent family gives ENOENT and the clear message (ret %d)",
	   ret);
	epgate_genl_close(&g);
	return tap_exit();
}
