// SPDX-License-Identifier: GPL-2.0
/*
 * nf_tables batches and dumps over nfnetlink (nftbatch.h), for export nft
 * --apply (nftapply.c) and its confirm deadline (nftpending.c).
 *
 * A batch is BATCH_BEGIN, the messages, BATCH_END: nf_tables commits it
 * as one transaction, so a packet sees the state before it or after it,
 * never a part, and an error anywhere aborts everything.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nftbatch.h"

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

int nftbatch_start(struct nftbatch *x, size_t limit, uint16_t family)
{
	memset(x, 0, sizeof(*x));
	x->family = family;
	x->limit = limit;
	x->buf = calloc(2, limit);
	if (!x->buf)
		return -ENOMEM;
	x->b = mnl_nlmsg_batch_start(x->buf, limit);
	if (!x->b) {
		free(x->buf);
		x->buf = NULL;
		return -ENOMEM;
	}
	x->seq = time(NULL);
	nftnl_batch_begin(mnl_nlmsg_batch_current(x->b), x->seq++);
	nftbatch_next(x);
	return 0;
}

void nftbatch_free(struct nftbatch *x)
{
	if (x->b)
		mnl_nlmsg_batch_stop(x->b);
	free(x->buf);
	x->b = NULL;
	x->buf = NULL;
}

struct nlmsghdr *nftbatch_msg(struct nftbatch *x, uint16_t type,
			      uint16_t flags)
{
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(x->b), type,
				     x->family, flags, x->seq++);
}

void nftbatch_next(struct nftbatch *x)
{
	if (!mnl_nlmsg_batch_next(x->b) && !x->err)
		x->err = -EMSGSIZE;
}

void nftbatch_table(struct nftbatch *x, uint16_t type, uint16_t flags,
		    const char *comment)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_udata_buf *ud = NULL;

	if (!t) {
		x->err = -ENOMEM;
		return;
	}
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, x->family);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, x->table);
	if (comment) {
		ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
		if (!ud || !nftnl_udata_put_strz(ud, NFTNL_UDATA_TABLE_COMMENT,
						 comment)) {
			nftnl_udata_buf_free(ud);
			nftnl_table_free(t);
			x->err = ud ? -EINVAL : -ENOMEM;
			return;
		}
		nftnl_table_set_data(t, NFTNL_TABLE_USERDATA,
				     nftnl_udata_buf_data(ud),
				     nftnl_udata_buf_len(ud));
	}
	nftnl_table_nlmsg_build_payload(nftbatch_msg(x, type, flags), t);
	nftnl_udata_buf_free(ud);
	nftnl_table_free(t);
	nftbatch_next(x);
}

void nftbatch_drop_table(struct nftbatch *x)
{
	nftbatch_table(x, NFT_MSG_NEWTABLE, NLM_F_CREATE, NULL);
	nftbatch_table(x, NFT_MSG_DELTABLE, 0, NULL);
}

void nftbatch_replace_table(struct nftbatch *x, const char *comment)
{
	nftbatch_drop_table(x);
	nftbatch_table(x, NFT_MSG_NEWTABLE, NLM_F_CREATE, comment);
}

/* Set NLM_F_ACK on the last message before the batch end. */
static void ack_last(struct nftbatch *x)
{
	struct nlmsghdr *nlh = mnl_nlmsg_batch_head(x->b), *last = NULL;
	int len = mnl_nlmsg_batch_size(x->b);

	while (mnl_nlmsg_ok(nlh, len)) {
		if (nlh->nlmsg_type != NFNL_MSG_BATCH_END)
			last = nlh;
		nlh = mnl_nlmsg_next(nlh, &len);
	}
	if (last)
		last->nlmsg_flags |= NLM_F_ACK;
}

static struct mnl_socket *open_nl(int sndbuf)
{
	struct mnl_socket *nl;
	int one = 1, err;

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl)
		return NULL;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		mnl_socket_close(nl);
		errno = err;
		return NULL;
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	if (sndbuf &&
	    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE,
		       &sndbuf, sizeof(sndbuf)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUF,
			   &sndbuf, sizeof(sndbuf));
	return nl;
}

/* Run the replies to what was sent on @nl until the end; 0 or -errno. */
static int talk(struct mnl_socket *nl, uint32_t seq, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;
	int ret;

	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, n, seq, mnl_socket_get_portid(nl), cb,
				 data);
		if (ret < 0)
			return errno ? -errno : -EIO;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

int nftbatch_send(struct nftbatch *x, char *err, size_t errlen)
{
	struct mnl_socket *nl;
	int ret;

	if (!x->err) {
		nftnl_batch_end(mnl_nlmsg_batch_current(x->b), x->seq++);
		nftbatch_next(x);
	}
	if (x->err) {
		snprintf(err, errlen, "cannot build the batch: %s",
			 strerror(-x->err));
		return x->err;
	}
	ack_last(x);
	nl = open_nl(mnl_nlmsg_batch_size(x->b) + 65536);
	if (!nl) {
		ret = -errno;
		snprintf(err, errlen, "cannot open a netfilter netlink socket: %s",
			 strerror(errno));
		return ret;
	}
	if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(x->b),
			      mnl_nlmsg_batch_size(x->b)) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot send the ruleset: %s",
			 strerror(errno));
		mnl_socket_close(nl);
		return ret;
	}
	ret = talk(nl, 0, NULL, NULL);
	if (ret < 0)
		snprintf(err, errlen, "nf_tables refused the ruleset: %s",
			 strerror(-ret));
	mnl_socket_close(nl);
	return ret;
}

int nftbatch_dump(uint16_t type, uint16_t family,
		  void (*build)(struct nlmsghdr *nlh, const void *arg),
		  const void *arg, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	uint32_t seq = time(NULL);
	int ret;

	nl = open_nl(0);
	if (!nl)
		return -errno;
	memset(buf, 0, sizeof(buf));	/* no stack byte in the padding */
	nlh = nftnl_nlmsg_build_hdr(buf, type, family, NLM_F_DUMP, seq);
	if (build)
		build(nlh, arg);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		ret = -errno;
	else
		ret = talk(nl, seq, cb, data);
	mnl_socket_close(nl);
	return ret;
}
