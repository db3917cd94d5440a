/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `epgate export nft --apply --confirm SECONDS`: a change of an nftables
 * table that the KERNEL takes back when no `epgate confirm` comes in
 * time, without the epgate module and without any process of ours alive.
 * nf_tables has no deadline of its own but set elements time out, and a
 * rule can test for them:
 *
 *   table inet epgate-pending   the new ruleset, under a name of its own
 *     set confirm { type nf_proto; flags timeout;
 *                   elements = { ipv4 timeout Ns, ipv6 timeout Ns } }
 *     every base chain starts: meta nfproto != @confirm accept
 *
 *   table inet epgate           the table before the change, if any
 *     set suspend { the same, the same timeout }
 *     every base chain starts: meta nfproto @suspend accept
 *
 * all in ONE batch.  While the elements live, the old table accepts at
 * once and the new one judges; at the deadline the elements expire and
 * both gates turn round by themselves: the old table is whole again, the
 * new one inert.  `accept` ends only the chain it is in: other tables'
 * chains at the hook still run, and the generated base chains are
 * filter chains that mark or drop nothing before their gate, so an
 * inert table changes no packet (no verdict, no mark).
 *
 * The old table's elements go first in the batch: each element's
 * deadline is counted from the moment the kernel adds it, so at the
 * deadline the old table is back no later than the new one goes (for at
 * most a jiffy both judge: closed, never open).
 *
 * `epgate confirm` copies the pending table under the real name without
 * its gate and deletes the pending one; `epgate rollback` deletes the
 * pending table and the old table's gate; both in one batch.  A spent
 * change (deadline passed) is cleaned up by the next of export nft
 * --apply, confirm and rollback.  As with the module, a change while one
 * is pending needs --confirm too and joins it: the old table stays the
 * one before the first.
 */
#ifndef EPGATE_NFTPENDING_H
#define EPGATE_NFTPENDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nftbatch.h"
#include "nftgen.h"

#define NFTPENDING_SUFFIX	"-pending"
/* The pending table's comment: how confirm and rollback know it. */
#define NFTPENDING_MARK		"epgate: a change that awaits 'epgate confirm'"
#define NFTPENDING_TABLE_MAX	(NFTGEN_NAME_MAX + sizeof(NFTPENDING_SUFFIX))

struct nftpending_gate {
	char chain[NFTGEN_NAME_MAX];
	uint64_t handle;
};

/* What the kernel has of table @table (R) and its pending twin (P). */
struct nftpending_state {
	uint16_t family;
	char table[NFTGEN_NAME_MAX];
	char pending[NFTPENDING_TABLE_MAX];
	bool has_table;			/* R */
	bool has_pending;		/* P, with the mark */
	bool live;			/* P's confirm elements not expired */
	unsigned int secs_left;		/* with live: the earliest, rounded up */
	bool has_suspend;		/* R's set `suspend` */
	char (*chains)[NFTGEN_NAME_MAX];	/* R's base chains */
	size_t nchains;
	struct nftpending_gate *gates;	/* R's gate rules */
	size_t ngates;
};

/* Read the state of @table in @family; 0 or a negative errno. */
int nftpending_read(uint16_t family, const char *table,
		    struct nftpending_state *st);
void nftpending_free(struct nftpending_state *st);

/*
 * The tables of any family that carry NFTPENDING_MARK, each read as
 * above into @out (*n of them, free each and the array).
 */
int nftpending_find(struct nftpending_state **out, size_t *n);

/*
 * Into @x, x->table being R: the gate of the old table that suspends it
 * for @secs (a spent or live gate of an earlier change replaced).
 */
void nftpending_suspend(struct nftbatch *x, const struct nftpending_state *st,
			unsigned int secs);

/* Into @x, x->table being R: delete the old table's gate, if any. */
void nftpending_ungate(struct nftbatch *x, const struct nftpending_state *st);

/* Into @x, x->table being P: the set `confirm` that lives @secs. */
void nftpending_confirm_set(struct nftbatch *x, unsigned int secs);

/* Into @x, x->table being P: base chain @chain's first rule, the gate. */
void nftpending_confirm_gate(struct nftbatch *x, const char *chain);

/* Rule comments of the two gates (how they are found again). */
#define NFTPENDING_GATE_NEW	"epgate: judges only until the confirm deadline"
#define NFTPENDING_GATE_OLD	"epgate: suspended until the confirm deadline"

#endif
