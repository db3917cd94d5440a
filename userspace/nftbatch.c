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
#include <libnftnl/set.h>
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

static bool all_bytes(const uint8_t *k, uint32_t len, uint8_t b)
{
	uint32_t i;

	for (i = 0; i < len; i++) {
		if (k[i] != b)
			return false;
	}
	return true;
}

size_t nftbatch_intervals(const void *keys, size_t n, uint32_t klen,
			  struct nftbatch_elem *out)
{
	const uint8_t *k = keys;
	size_t i, m = 0;
	int j;

	for (i = 0; i < n; i++) {
		const uint8_t *first = k + i * 2 * klen;
		const uint8_t *last = first + klen;

		if (!i && !all_bytes(first, klen, 0)) {
			memset(&out[m], 0, sizeof(out[m]));
			out[m++].flags = NFT_SET_ELEM_INTERVAL_END;
		}
		memset(&out[m], 0, sizeof(out[m]));
		memcpy(out[m].key, first, klen);
		out[m].open = all_bytes(last, klen, 0xff);
		if (out[m++].open)
			continue;
		/* last + 1, big endian */
		memset(&out[m], 0, sizeof(out[m]));
		memcpy(out[m].key, last, klen);
		for (j = klen - 1; j >= 0 && ++out[m].key[j] == 0; j--)
			;
		out[m++].flags = NFT_SET_ELEM_INTERVAL_END;
	}
	return m;
}

/* A set of x->table named @name, as element messages name it. */
static struct nftnl_set *elem_list(struct nftbatch *x, const char *name,
				   uint32_t id)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s) {
		x->err = -ENOMEM;
		return NULL;
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, x->table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	if (id)
		nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	return s;
}

void nftbatch_elems(struct nftbatch *x, const char *name, uint32_t id,
		    uint32_t klen, const struct nftbatch_elem *e, size_t n)
{
	/* What nft keeps with the start of a range that reaches the top. */
	static const uint8_t open_ud[6] = {
		NFTNL_UDATA_SET_ELEM_FLAGS, 4, NFTNL_SET_ELEM_F_INTERVAL_OPEN,
	};
	struct nftnl_set_elem *ne;
	struct nftnl_set *s;
	size_t i = 0, k;

	while (i < n && !x->err) {
		s = elem_list(x, name, id);
		if (!s)
			return;
		for (k = 0; i < n && k < NFTBATCH_ELEMS_PER_MSG; i++, k++) {
			ne = nftnl_set_elem_alloc();
			if (!ne) {
				nftnl_set_free(s);
				x->err = -ENOMEM;
				return;
			}
			nftnl_set_elem_set(ne, NFTNL_SET_ELEM_KEY, e[i].key, klen);
			if (e[i].flags)
				nftnl_set_elem_set_u32(ne, NFTNL_SET_ELEM_FLAGS,
						       e[i].flags);
			if (e[i].open)
				nftnl_set_elem_set(ne, NFTNL_SET_ELEM_USERDATA,
						   open_ud, sizeof(open_ud));
			nftnl_set_elem_add(s, ne);
		}
		nftnl_set_elems_nlmsg_build_payload(
			nftbatch_msg(x, NFT_MSG_NEWSETELEM, NLM_F_CREATE), s);
		nftnl_set_free(s);
		nftbatch_next(x);
	}
}

void nftbatch_flush_set(struct nftbatch *x, const char *name)
{
	struct nftnl_set *s = elem_list(x, name, 0);

	if (!s)
		return;
	nftnl_set_elems_nlmsg_build_payload(
		nftbatch_msg(x, NFT_MSG_DELSETELEM, 0), s);
	nftnl_set_free(s);
	nftbatch_next(x);
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
