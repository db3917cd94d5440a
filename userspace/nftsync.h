/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `epgate refresh` keeps an installed `export nft` in step with the
 * module (issue 17).  When the table `export nft --apply` installs by
 * default (`inet epgate`) exists, the elements of each of its sets that
 * follow hostnames (nftgen_addrset: the comment `follows ...`) are made
 * the ones the module holds, leaving addresses in their grace included,
 * in ONE nf_tables transaction: each set that differs is flushed and
 * filled again.  Chains, rules (so their counters) and every other set
 * are not touched, and a packet sees the old elements or the new ones,
 * never an empty set or no table.
 *
 * What the kernel holds is read back and compared first: nothing is sent
 * when the elements are right already, and a table an earlier update
 * could not change (or `epgate confirm` copied from a pending change) is
 * brought in step by the next refresh.  No table, or nf_tables not in
 * the kernel (not loaded, not built in: asking would load it), is no
 * export: nothing to do, nothing said.  A table that lacks one of the
 * sets was exported from another policy (or by an older epgate): that is
 * an error, and nothing is changed.
 */
#ifndef EPGATE_NFTSYNC_H
#define EPGATE_NFTSYNC_H

#include <stddef.h>

#include "nftgen.h"

struct nftsync_result {
	unsigned int nsets;	/* sets whose elements were replaced */
	char sets[256];		/* their names, ", "-joined, cut with "..." */
};

/*
 * Bring the sets of @g that follow hostnames to @g's elements in table
 * g->cfg.family g->cfg.table.  0 (done, or nothing to do; @res says what
 * changed), or -errno with a one-line reason in @err (about the table:
 * it does not name it), nothing changed.
 */
int nftsync_sets(const struct nftgen *g, struct nftsync_result *res,
		 char *err, size_t errlen);

#endif
