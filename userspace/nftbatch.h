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

/* One element of a set as nf_tables takes it: a key and its flags. */
struct nftbatch_elem {
	uint8_t key[16];
	uint32_t flags;		/* NFT_SET_ELEM_INTERVAL_END or 0 */
	bool open;		/* the start of a range that reaches the top */
};

/*
 * The elements nft sends for @n ranges of @klen-byte big-endian keys
 * (ports, addresses; @keys holds (first, last) pairs, sorted, disjoint,
 * not adjacent): an end element at 0 first (unless the first range starts
 * there), a start per range and an end at last + 1 after it, unless the
 * range reaches the top (then the start is "open", nft's user data).
 * Into @out, room for 2 * @n + 1, in key order; returns how many.
 */
size_t nftbatch_intervals(const void *keys, size_t n, uint32_t klen,
			  struct nftbatch_elem *out);

/*
 * NEWSETELEM messages that add @e[0..@n) (keys of @klen bytes) to set
 * @name of x->table; @id is the set's id when the set itself comes in
 * this batch, else 0.  At most NFTBATCH_ELEMS_PER_MSG elements a message.
 */
#define NFTBATCH_ELEMS_PER_MSG	800	/* an attribute nest holds 64 KiB */
void nftbatch_elems(struct nftbatch *x, const char *name, uint32_t id,
		    uint32_t klen, const struct nftbatch_elem *e, size_t n);

/* DELSETELEM without elements: every element of set @name goes. */
void nftbatch_flush_set(struct nftbatch *x, const char *name);

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
