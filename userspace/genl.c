// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink plumbing over libmnl: family resolution by name
 * (CTRL_CMD_GETFAMILY) and request/reply loops that keep the kernel's
 * extended ACK message for the error line.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/epgate.h>

#include "genl.h"

/* Large enough for the biggest message the kernel builds (a dump skb). */
#define EPGATE_RECV_SIZE 32768

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

struct family_info {
	uint16_t id;
	uint32_t version;
	int found;
};

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family_info *fi = data;

	/* Skip what we do not know before validating: forward compatible. */
	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		fi->id = mnl_attr_get_u16(attr);
		fi->found = 1;
		break;
	case CTRL_ATTR_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		fi->version = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb,
			      data);
}

/*
 * libmnl hands control callbacks the same pointer as the data callback, so
 * both go through one context.
 */
struct talk_ctx {
	struct epgate_genl *g;
	mnl_cb_t cb;
	void *data;
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;

	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

/*
 * Keep the extack message in the TLVs that follow @off bytes of the
 * payload of an NLMSG_ERROR or NLMSG_DONE.
 */
static void get_ext_msg(struct epgate_genl *g, const struct nlmsghdr *nlh,
			size_t off)
{
	const struct nlattr *attr;
	const void *tlvs;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off > nlh->nlmsg_len ||
	    mnl_nlmsg_size(off) > nlh->nlmsg_len)
		return;
	tlvs = (const char *)mnl_nlmsg_get_payload(nlh) + off;
	mnl_attr_for_each_payload(tlvs, nlh->nlmsg_len - mnl_nlmsg_size(off)) {
		if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			break;
		snprintf(g->ext_msg, sizeof(g->ext_msg), "%s",
			 mnl_attr_get_str(attr));
	}
}

/*
 * NLMSG_DONE ends a dump.  It carries the dump's error: a dumpit that
 * failed half-way ends with a negative errno here, not with NLMSG_ERROR,
 * and taking it for success would show a truncated list as complete.
 */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;
	int err;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(err)))
		return MNL_CB_STOP;	/* old kernels: no errno */
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err >= 0)
		return MNL_CB_STOP;
	get_ext_msg(ctx->g, nlh, sizeof(err));
	errno = -err;
	return MNL_CB_ERROR;
}

/* NLMSG_ERROR: keep errno and the extack message, if the kernel sent one. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct epgate_genl *g = ((struct talk_ctx *)data)->g;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error == 0)
		return MNL_CB_STOP;

	/* With NLM_F_CAPPED the request is not echoed; else skip it. */
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    err->msg.nlmsg_len >= sizeof(err->msg))
		off += err->msg.nlmsg_len - sizeof(err->msg);
	get_ext_msg(g, nlh, off);
	errno = -err->error;
	return MNL_CB_ERROR;
}

/*
 * netlink_sendmsg() refuses a message longer than the socket's send buffer
 * (less 32 bytes): raise it for a large request.  Best effort: FORCE works
 * with CAP_NET_ADMIN, which a mutating request needs anyway; plain SNDBUF
 * is capped by net.core.wmem_max.  If both fall short, the send fails with
 * EMSGSIZE and talk() says why.
 */
static void fit_sndbuf(struct epgate_genl *g, size_t len)
{
	int fd = mnl_socket_get_fd(g->nl);
	socklen_t sl;
	int cur, want;

	sl = sizeof(cur);
	if (!getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &sl) &&
	    (size_t)cur >= len + 64)
		return;
	want = len + 4096;	/* the kernel doubles it for overhead */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
}

/* Whether @buf holds the end of the request @seq: NLMSG_DONE or ERROR. */
static int request_ends(const void *buf, size_t len, uint32_t seq)
{
	const struct nlmsghdr *nlh = buf;
	int rem = len;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_seq == seq &&
		    (nlh->nlmsg_type == NLMSG_DONE ||
		     nlh->nlmsg_type == NLMSG_ERROR))
			return 1;
	}
	return 0;
}

int epgate_genl_run(struct epgate_genl *g, const void *buf, size_t len,
		    uint32_t seq, mnl_cb_t cb, void *data)
{
	static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	struct talk_ctx ctx = { .g = g, .cb = cb, .data = data };
	int ret;

	if (!g->dump_intr) {
		ret = mnl_cb_run2(buf, len, seq, g->portid, data_cb, &ctx,
				  ctl_cb, NLMSG_MIN_TYPE);
		if (ret >= 0)
			return ret;
		if (errno != EINTR)
			return -errno;
		g->dump_intr = 1;
	}
	/*
	 * libmnl stops at the first part flagged NLM_F_DUMP_INTR (the DONE
	 * included).  What follows is of no use, but it must be read away up
	 * to the end of the dump, or a retry on this socket would get it.
	 */
	return request_ends(buf, len, seq) ? MNL_CB_STOP : MNL_CB_OK;
}

static int talk(struct epgate_genl *g, struct nlmsghdr *nlh, mnl_cb_t cb,
		void *data)
{
	char buf[EPGATE_RECV_SIZE];
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t len;
	int ret;

	g->ext_msg[0] = '\0';
	g->dump_intr = 0;
	if (nlh->nlmsg_len > MNL_SOCKET_BUFFER_SIZE)
		fit_sndbuf(g, nlh->nlmsg_len);
	if (mnl_socket_sendto(g->nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		if (ret == -EMSGSIZE)
			snprintf(g->ext_msg, sizeof(g->ext_msg),
				 "request of %u bytes exceeds the socket send buffer (see net.core.wmem_max)",
				 nlh->nlmsg_len);
		return ret;
	}

	for (;;) {
		len = mnl_socket_recvfrom(g->nl, buf, sizeof(buf));
		if (len < 0)
			return -errno;
		ret = epgate_genl_run(g, buf, len, seq, cb, data);
		if (ret <= MNL_CB_STOP)
			break;
	}
	if (ret < 0)
		return ret;
	/* The whole dump was read: the caller may start it over. */
	return g->dump_intr ? -EINTR : 0;
}

int epgate_genl_open(struct epgate_genl *g)
{
	/* Zeroed below: libmnl 1.0.4 does not clear attribute padding. */
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct family_info fi = { 0 };
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	int one = 1;
	int ret;

	memset(g, 0, sizeof(*g));
	memset(buf, 0, sizeof(buf));
	g->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!g->nl)
		return -errno;
	if (mnl_socket_bind(g->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto err;
	}
	/* Best effort: old kernels lack extack, the errno still tells. */
	mnl_socket_setsockopt(g->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	/*
	 * An error must not echo the request: a large SET_FLOWS echoed back
	 * would not fit the receive buffer and the error would be lost.
	 */
	mnl_socket_setsockopt(g->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	g->portid = mnl_socket_get_portid(g->nl);
	g->seq = time(NULL);

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++g->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, EPGATE_GENL_NAME);

	ret = talk(g, nlh, family_cb, &fi);
	if (ret)
		goto err;
	if (!fi.found) {
		ret = -ENOENT;
		goto err;
	}
	g->family_id = fi.id;
	g->family_version = fi.version;
	return 0;
err:
	mnl_socket_close(g->nl);
	g->nl = NULL;
	return ret;
}

void epgate_genl_close(struct epgate_genl *g)
{
	if (g->nl)
		mnl_socket_close(g->nl);
	g->nl = NULL;
}

struct nlmsghdr *epgate_genl_msg(struct epgate_genl *g, void *buf,
				 uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = g->family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++g->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = EPGATE_GENL_VERSION;
	return nlh;
}

int epgate_genl_talk(struct epgate_genl *g, struct nlmsghdr *nlh,
		     mnl_cb_t cb, void *data)
{
	return talk(g, nlh, cb, data);
}

const char *epgate_genl_strerror(const struct epgate_genl *g, int err)
{
	static char line[320];

	/* ENOENT while resolving the family: nobody registered it. */
	if (err == -ENOENT && (!g || !g->family_id))
		return "kernel module not loaded (try: modprobe epgate)";
	switch (err) {
	case -EPERM:
		return "permission denied (CAP_NET_ADMIN needed)";
	}
	if (g && g->ext_msg[0])
		snprintf(line, sizeof(line), "%s (%s)", g->ext_msg,
			 strerror(-err));
	else
		snprintf(line, sizeof(line), "%s", strerror(-err));
	return line;
}

unsigned int epgate_confirm_secs;

void epgate_genl_put_confirm(struct nlmsghdr *nlh)
{
	if (epgate_confirm_secs)
		mnl_attr_put_u32(nlh, EPGATE_A_CONFIRM_SECS,
				 epgate_confirm_secs);
}
