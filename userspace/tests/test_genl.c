// SPDX-License-Identifier: GPL-2.0
/*
 * The request/reply plumbing: the receive half against crafted replies
 * (multi-part dumps, NLMSG_DONE with an errno, NLM_F_DUMP_INTR, extack in
 * capped and echoed errors), then the whole loop against the host's real
 * generic netlink controller: a multi-part dump, and a request larger than
 * the default socket send buffer.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "genl.h"
#include "tap.h"

#define PORTID 4242
#define SEQ 77

static char rbuf[8192];
static size_t rlen;

static struct nlmsghdr *msg(uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rbuf + rlen);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORTID;
	return nlh;
}

static void done(struct nlmsghdr *nlh)
{
	rlen += nlh->nlmsg_len;
}

static void data(uint16_t flags)
{
	struct nlmsghdr *nlh = msg(0x20, NLM_F_MULTI | flags, SEQ);
	struct genlmsghdr *genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));

	genl->cmd = 4;
	mnl_attr_put_u32(nlh, 1, 42);
	done(nlh);
}

static void dump_done(int err, const char *ext)
{
	struct nlmsghdr *nlh = msg(NLMSG_DONE, NLM_F_MULTI, SEQ);
	int *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	*e = err;
	if (ext) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, ext);
	}
	done(nlh);
}

/* An NLMSG_ERROR; @echo bytes of request echoed unless 0 (capped). */
static void error(int err, const char *ext, int echo)
{
	struct nlmsghdr *nlh = msg(NLMSG_ERROR, 0, SEQ);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = err;
	e->msg.nlmsg_len = sizeof(e->msg) + echo;
	e->msg.nlmsg_seq = SEQ;
	if (echo)
		memset(mnl_nlmsg_put_extra_header(nlh, echo), 0xaa, echo);
	else
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	if (ext) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, ext);
	}
	done(nlh);
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(int *)data)++;
	return MNL_CB_OK;
}

static int run(struct epgate_genl *g, int *n)
{
	int ret;

	*n = 0;
	g->ext_msg[0] = '\0';
	g->dump_intr = 0;
	ret = epgate_genl_run(g, rbuf, rlen, SEQ, count_cb, n);
	rlen = 0;
	return ret;
}

static void test_crafted(void)
{
	struct epgate_genl g = { .portid = PORTID, .family_id = 0x20 };
	struct nlmsghdr *last;
	int n, ret;

	data(0);
	data(0);
	ok(run(&g, &n) == MNL_CB_OK && n == 2,
	   "parts without NLMSG_DONE: more to come");

	data(0);
	data(0);
	dump_done(0, NULL);
	ret = run(&g, &n);
	ok(ret == MNL_CB_STOP && n == 2 && !g.dump_intr,
	   "NLMSG_DONE ends the dump");

	data(0);
	data(NLM_F_DUMP_INTR);
	data(0);
	dump_done(0, NULL);
	ret = run(&g, &n);
	ok(ret == MNL_CB_STOP && n == 1 && g.dump_intr,
	   "NLM_F_DUMP_INTR is noticed and the dump read to its end");

	data(NLM_F_DUMP_INTR);
	n = 0;
	g.dump_intr = 0;
	ret = epgate_genl_run(&g, rbuf, rlen, SEQ, count_cb, &n);
	rlen = 0;
	data(0);
	dump_done(0, NULL);
	ok(ret == MNL_CB_OK && g.dump_intr &&
	   epgate_genl_run(&g, rbuf, rlen, SEQ, count_cb, &n) == MNL_CB_STOP &&
	   n == 0,
	   "... across buffers, without running the callback again");
	rlen = 0;

	data(0);
	last = (struct nlmsghdr *)(rbuf + rlen);
	dump_done(0, NULL);
	last->nlmsg_flags |= NLM_F_DUMP_INTR;
	ret = run(&g, &n);
	ok(ret == MNL_CB_STOP && n == 1 && g.dump_intr,
	   "NLM_F_DUMP_INTR on NLMSG_DONE alone");

	data(0);
	dump_done(-ENOBUFS, "dump failed half-way");
	ret = run(&g, &n);
	ok(ret == -ENOBUFS && n == 1 &&
	   !strcmp(g.ext_msg, "dump failed half-way"),
	   "NLMSG_DONE with an errno is an error, with its extack message");
	ok(!strcmp(epgate_genl_strerror(&g, ret),
		   "dump failed half-way (No buffer space available)"),
	   "... and the error line says both");

	error(-EINVAL, "Unknown attribute type", 0);
	ret = run(&g, &n);
	ok(ret == -EINVAL && !strcmp(g.ext_msg, "Unknown attribute type"),
	   "capped NLMSG_ERROR: errno and extack message");

	error(-ERANGE, "Value out of range", 36);
	ret = run(&g, &n);
	ok(ret == -ERANGE && !strcmp(g.ext_msg, "Value out of range"),
	   "NLMSG_ERROR echoing the request: the message is found past it");

	error(0, NULL, 0);
	ret = run(&g, &n);
	ok(ret == MNL_CB_STOP && !g.ext_msg[0], "an ACK ends the request");

	done(msg(NLMSG_DONE, NLM_F_MULTI, SEQ + 1));
	ret = run(&g, &n);
	ok(ret == -EPROTO, "a reply to another request is refused");
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;
	int *found = data;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_NAME &&
		    !strcmp(mnl_attr_get_str(attr), "nlctrl"))
			found[1] = 1;
	}
	found[0]++;
	return MNL_CB_OK;
}

static int ctrl_open(struct epgate_genl *g)
{
	int one = 1;

	memset(g, 0, sizeof(*g));
	g->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!g->nl || mnl_socket_bind(g->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -1;
	mnl_socket_setsockopt(g->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(g->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	g->portid = mnl_socket_get_portid(g->nl);
	g->family_id = GENL_ID_CTRL;
	g->seq = 1000;
	return 0;
}

static void test_kernel(void)
{
	static const char pad[60000];
	const size_t big = 300 * 1024;
	struct epgate_genl g;
	struct nlmsghdr *nlh;
	int found[2] = { 0 };
	char *buf;
	int ret;

	buf = calloc(1, big + sizeof(pad) + 4096);
	if (ctrl_open(&g) || !buf) {
		ok(1, "# SKIP no generic netlink here");
		ok(1, "# SKIP no generic netlink here");
		goto out;
	}
	nlh = epgate_genl_msg(&g, buf, CTRL_CMD_GETFAMILY, NLM_F_DUMP);
	ret = epgate_genl_talk(&g, nlh, family_cb, found);
	ok(ret == 0 && found[0] > 1 && found[1],
	   "a real multi-part dump (%d families, nlctrl among them) ends at NLMSG_DONE",
	   found[0]);

	/*
	 * GETFAMILY is laxly validated: the padding attributes are ignored
	 * and the family is answered.  What counts is that 300 KiB went out.
	 */
	memset(found, 0, sizeof(found));
	nlh = epgate_genl_msg(&g, buf, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	while (nlh->nlmsg_len < big)
		mnl_attr_put(nlh, 0x3ff, sizeof(pad), pad);
	ret = epgate_genl_talk(&g, nlh, family_cb, found);
	ok(ret == 0 && found[1],
	   "a %u-byte request goes out (send buffer raised) and is answered (%s)",
	   nlh->nlmsg_len, ret ? epgate_genl_strerror(&g, ret) : "ok");
out:
	epgate_genl_close(&g);
	free(buf);
}

int main(void)
{
	tap_plan(13);
	test_crafted();
	test_kernel();
	return tap_exit();
}
