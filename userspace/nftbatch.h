/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_tables over nfnetlink, the way nft talks to it: a batch of messages
 * that the kernel commits as ONE transaction (all of it or nothing), and
 * dumps that read tables, chains, rules, sets and elements back.
 */
#ifndef EPGATE_NFTBATCH_H
#define EPGATE_NFTBATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

struct nftbatch {
	char *buf;
	size_t limit;
	struct mnl_nlmsg_batch *b;
	uint32_t seq;
	uint16_t family;		/* NFPROTO_INET, _IPV4, _IPV6 */
	int32_t priority;		/* of the base chains nftapply.c adds */
	const char *table;		/* the messages' table */
	uint32_t set_id;		/* last one given */
	int err;			/* -ENOMEM, -EMSGSIZE: the first */
};

/* A batch of at most @limit bytes, its begin message written. */
int nftbatch_start(struct nftbatch *x, size_t limit, uint16_t family);
void nftbatch_free(struct nftbatch *x);

/* The header of the next message, then nftbatch_next() once it is built. */
struct nlmsghdr *nftbatch_msg(struct nftbatch *x, uint16_t type,
			      uint16_t flags);
void nftbatch_next(struct nftbatch *x);

/*
 * NEWTABLE or DELTABLE of x->table; @comment (or NULL) as the table's
 * comment (`nft list` shows it).
 */
void nftbatch_table(struct nftbatch *x, uint16_t type, uint16_t flags,
		    const char *comment);

/* Replace x->table: create it if absent, delete it, create it again. */
void nftbatch_replace_table(struct nftbatch *x, const char *comment);

/* Delete x->table if it exists (the same trick, without the last step). */
void nftbatch_drop_table(struct nftbatch *x);

/* End the batch and send it; 0 or a negative errno with @err set. */
int nftbatch_send(struct nftbatch *x, char *err, size_t errlen);

/*
 * Dump the objects of message @type (NFT_MSG_GETTABLE, ...) of @family;
 * @build (or NULL) adds the request's payload (GETSETELEM names its set).
 * @cb gets each reply message; it returns MNL_CB_OK or MNL_CB_ERROR.
 * Returns 0 or a negative errno.
 */
int nftbatch_dump(uint16_t type, uint16_t family,
		  void (*build)(struct nlmsghdr *nlh, const void *arg),
		  const void *arg, mnl_cb_t cb, void *data);

#endif
