// SPDX-License-Identifier: GPL-2.0
/*
 * epgate confirm and rollback of a change of export nft --apply
 * --confirm (nftpending.h), without the module.
 *
 * Confirm: nf_tables cannot rename a table, so the pending table is read
 * back (sets with their elements, chains, rules in order, counters
 * included) and written again under the real name without its gate, and
 * the pending table deleted, in one batch: the old table, its gate and
 * the pending one go in the same transaction the final table comes in.
 * Anonymous sets keep their names (`__set0`, ...: the new table is
 * empty), so the rules' lookups find them as they are.
 *
 * Rollback: the pending table and the old table's gate deleted, in one
 * batch.  A spent change (deadline passed) is cleaned up the same way,
 * and confirm then fails: what it would keep is gone already.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "nftconfirm.h"
#include "nftpending.h"
#include "subcommands.h"

/* The pending table, read back. */
struct copy {
	const struct nftpending_state *st;
	struct nftnl_set_list *sets;
	struct nftnl_chain_list *chains;
	struct nftnl_rule_list *rules;
	struct nftbatch *x;
	size_t bytes;			/* of the dump: the copy's size */
};

static bool mine(const char *table, uint32_t family, const struct copy *c)
{
	return family == c->st->family && !strcmp(table, c->st->pending);
}

static int set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct copy *c = data;
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s || nftnl_set_nlmsg_parse(nlh, s) < 0) {
		nftnl_set_free(s);
		return MNL_CB_ERROR;
	}
	c->bytes += nlh->nlmsg_len;
	if (mine(nftnl_set_get_str(s, NFTNL_SET_TABLE),
		 nftnl_set_get_u32(s, NFTNL_SET_FAMILY), c) &&
	    strcmp(nftnl_set_get_str(s, NFTNL_SET_NAME), "confirm"))
		nftnl_set_list_add_tail(s, c->sets);
	else
		nftnl_set_free(s);
	return MNL_CB_OK;
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct copy *c = data;
	struct nftnl_chain *ch = nftnl_chain_alloc();

	if (!ch || nftnl_chain_nlmsg_parse(nlh, ch) < 0) {
		nftnl_chain_free(ch);
		return MNL_CB_ERROR;
	}
	c->bytes += nlh->nlmsg_len;
	if (mine(nftnl_chain_get_str(ch, NFTNL_CHAIN_TABLE),
		 nftnl_chain_get_u32(ch, NFTNL_CHAIN_FAMILY), c))
		nftnl_chain_list_add_tail(ch, c->chains);
	else
		nftnl_chain_free(ch);
	return MNL_CB_OK;
}

static bool is_gate(const struct nftnl_rule *r)
{
	const uint8_t *ud;
	uint32_t len;

	if (!nftnl_rule_is_set(r, NFTNL_RULE_USERDATA))
		return false;
	ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
	/* One comment TLV: type, length, the string with its NUL. */
	return len == 2 + sizeof(NFTPENDING_GATE_NEW) &&
	       ud[0] == NFTNL_UDATA_RULE_COMMENT &&
	       ud[1] == sizeof(NFTPENDING_GATE_NEW) &&
	       !memcmp(ud + 2, NFTPENDING_GATE_NEW,
		       sizeof(NFTPENDING_GATE_NEW));
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct copy *c = data;
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		return MNL_CB_ERROR;
	}
	c->bytes += nlh->nlmsg_len;
	if (mine(nftnl_rule_get_str(r, NFTNL_RULE_TABLE),
		 nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY), c) && !is_gate(r))
		nftnl_rule_list_add_tail(r, c->rules);
	else
		nftnl_rule_free(r);
	return MNL_CB_OK;
}

struct elems {
	struct copy *c;
	struct nftnl_set *s;
};

static int elem_cb(const struct nlmsghdr *nlh, void *data)
{
	struct elems *e = data;

	e->c->bytes += nlh->nlmsg_len;
	return nftnl_set_elems_nlmsg_parse(nlh, e->s) < 0 ? MNL_CB_ERROR :
							     MNL_CB_OK;
}

static void elems_req(struct nlmsghdr *nlh, const void *arg)
{
	nftnl_set_elems_nlmsg_build_payload(nlh, (struct nftnl_set *)arg);
}

static void table_req(struct nlmsghdr *nlh, const void *arg)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		return;
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, arg);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
}

static int elems_of(struct nftnl_set *s, void *data)
{
	struct elems e = { .c = data, .s = s };

	return nftbatch_dump(NFT_MSG_GETSETELEM, e.c->st->family, elems_req,
			     s, elem_cb, &e);
}

static int read_pending(struct copy *c)
{
	uint16_t f = c->st->family;
	int ret;

	c->sets = nftnl_set_list_alloc();
	c->chains = nftnl_chain_list_alloc();
	c->rules = nftnl_rule_list_alloc();
	if (!c->sets || !c->chains || !c->rules)
		return -ENOMEM;
	ret = nftbatch_dump(NFT_MSG_GETSET, f, NULL, NULL, set_cb, c);
	if (!ret)
		ret = nftnl_set_list_foreach(c->sets, elems_of, c);
	if (!ret)
		ret = nftbatch_dump(NFT_MSG_GETCHAIN, f, NULL, NULL, chain_cb,
				    c);
	if (!ret)
		ret = nftbatch_dump(NFT_MSG_GETRULE, f, table_req,
				    c->st->pending, rule_cb, c);
	return ret;
}

/* ---- writing it under the real name ----------------------------------- */

struct chunk {
	struct nftbatch *x;
	struct nftnl_set *to;		/* the elements of one message */
	const char *name;
	uint32_t id;
	size_t n;
};

static void chunk_send(struct chunk *k)
{
	if (!k->to)
		return;
	if (k->n)
		nftnl_set_elems_nlmsg_build_payload(
			nftbatch_msg(k->x, NFT_MSG_NEWSETELEM, NLM_F_CREATE),
			k->to);
	if (k->n)
		nftbatch_next(k->x);
	nftnl_set_free(k->to);
	k->to = NULL;
	k->n = 0;
}

/* libnftnl declares nftnl_set_elem_clone() but does not export it. */
static struct nftnl_set_elem *elem_dup(struct nftnl_set_elem *e)
{
	static const uint16_t attrs[] = {
		NFTNL_SET_ELEM_KEY, NFTNL_SET_ELEM_KEY_END,
		NFTNL_SET_ELEM_FLAGS, NFTNL_SET_ELEM_DATA,
		NFTNL_SET_ELEM_USERDATA,
	};
	struct nftnl_set_elem *dup = nftnl_set_elem_alloc();
	const void *p;
	uint32_t len;
	size_t i;

	for (i = 0; dup && i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		if (!nftnl_set_elem_is_set(e, attrs[i]))
			continue;
		p = nftnl_set_elem_get(e, attrs[i], &len);
		if (nftnl_set_elem_set(dup, attrs[i], p, len) < 0) {
			nftnl_set_elem_free(dup);
			return NULL;
		}
	}
	return dup;
}

static int elem_copy(struct nftnl_set_elem *e, void *data)
{
	struct chunk *k = data;
	struct nftnl_set_elem *dup;

	if (!k->to) {
		k->to = nftnl_set_alloc();
		if (!k->to)
			return -1;
		nftnl_set_set_str(k->to, NFTNL_SET_TABLE, k->x->table);
		nftnl_set_set_str(k->to, NFTNL_SET_NAME, k->name);
		nftnl_set_set_u32(k->to, NFTNL_SET_ID, k->id);
	}
	dup = elem_dup(e);
	if (!dup)
		return -1;
	nftnl_set_elem_add(k->to, dup);
	if (++k->n == NFTBATCH_ELEMS_PER_MSG)
		chunk_send(k);
	return 0;
}

static int set_copy(struct nftnl_set *s, void *data)
{
	struct nftbatch *x = ((struct copy *)data)->x;
	struct chunk k = { .x = x };

	k.id = ++x->set_id;
	k.name = nftnl_set_get_str(s, NFTNL_SET_NAME);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, x->table);
	nftnl_set_set_u32(s, NFTNL_SET_ID, k.id);
	nftnl_set_unset(s, NFTNL_SET_HANDLE);
	nftnl_set_nlmsg_build_payload(nftbatch_msg(x, NFT_MSG_NEWSET,
						   NLM_F_CREATE), s);
	nftbatch_next(x);
	if (nftnl_set_elem_foreach(s, elem_copy, &k) < 0) {
		nftnl_set_free(k.to);
		return -1;
	}
	chunk_send(&k);
	return x->err ? -1 : 0;
}

static int chain_copy(struct nftnl_chain *ch, void *data)
{
	struct nftbatch *x = ((struct copy *)data)->x;

	nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, x->table);
	nftnl_chain_unset(ch, NFTNL_CHAIN_HANDLE);
	nftnl_chain_unset(ch, NFTNL_CHAIN_FLAGS);
	nftnl_chain_unset(ch, NFTNL_CHAIN_USE);
	nftnl_chain_unset(ch, NFTNL_CHAIN_BYTES);
	nftnl_chain_unset(ch, NFTNL_CHAIN_PACKETS);
	nftnl_chain_nlmsg_build_payload(nftbatch_msg(x, NFT_MSG_NEWCHAIN,
						     NLM_F_CREATE), ch);
	nftbatch_next(x);
	return x->err ? -1 : 0;
}

static int rule_copy(struct nftnl_rule *r, void *data)
{
	struct copy *c = data;
	struct nftbatch *x = c->x;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, x->table);
	nftnl_rule_unset(r, NFTNL_RULE_HANDLE);
	nftnl_rule_unset(r, NFTNL_RULE_POSITION);
	nftnl_rule_nlmsg_build_payload(
		nftbatch_msg(x, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND),
		r);
	nftbatch_next(x);
	return x->err ? -1 : 0;
}

/* ---- confirm and rollback --------------------------------------------- */

static const char *family_name(uint16_t family)
{
	return family == NFPROTO_IPV4 ? "ip" : family == NFPROTO_IPV6 ? "ip6" :
	       family == NFPROTO_INET ? "inet" : "?";
}

/* Into @x: the pending table and the old table's gate deleted. */
static void add_rollback(struct nftbatch *x, const struct nftpending_state *st)
{
	x->table = st->pending;
	nftbatch_drop_table(x);
	if (st->has_table) {
		x->table = st->table;
		nftpending_ungate(x, st);
	}
}

static int rollback(const struct nftpending_state *st, char *err,
		    size_t errlen)
{
	struct nftbatch x;
	int ret;

	ret = nftbatch_start(&x, 16384 + 1024 * st->ngates, st->family);
	if (ret) {
		snprintf(err, errlen, "%s", strerror(-ret));
		return ret;
	}
	add_rollback(&x, st);
	ret = nftbatch_send(&x, err, errlen);
	nftbatch_free(&x);
	return ret;
}

static int keep(const struct nftpending_state *st, char *err, size_t errlen)
{
	struct copy c = { .st = st };
	struct nftbatch x;
	int ret;

	ret = read_pending(&c);
	if (ret) {
		snprintf(err, errlen, "cannot read table %s %s: %s",
			 family_name(st->family), st->pending, strerror(-ret));
		goto out;
	}
	ret = nftbatch_start(&x, 2 * c.bytes + 65536, st->family);
	if (ret) {
		snprintf(err, errlen, "%s", strerror(-ret));
		goto out;
	}
	c.x = &x;
	x.table = st->table;
	nftbatch_replace_table(&x, NULL);
	if (nftnl_set_list_foreach(c.sets, set_copy, &c) < 0 ||
	    nftnl_chain_list_foreach(c.chains, chain_copy, &c) < 0 ||
	    nftnl_rule_list_foreach(c.rules, rule_copy, &c) < 0) {
		if (!x.err)
			x.err = -ENOMEM;
	}
	x.table = st->pending;
	nftbatch_table(&x, NFT_MSG_DELTABLE, 0, NULL);
	ret = nftbatch_send(&x, err, errlen);
	nftbatch_free(&x);
out:
	if (c.sets)
		nftnl_set_list_free(c.sets);
	if (c.chains)
		nftnl_chain_list_free(c.chains);
	if (c.rules)
		nftnl_rule_list_free(c.rules);
	return ret;
}

/* Confirm or roll back the change of @st; 0 or -1 (said why). */
static int finish(const char *cmd, const struct nftpending_state *st,
		  bool confirm)
{
	const char *fam = family_name(st->family);
	char err[256];
	int ret;

	if (confirm && st->live) {
		ret = keep(st, err, sizeof(err));
		if (!ret)
			printf("%s: table %s %s: the pending change is kept\n",
			       prog, fam, st->table);
	} else {
		ret = rollback(st, err, sizeof(err));
	}
	if (ret) {
		fprintf(stderr, "%s: %s: table %s %s: %s\n", prog, cmd, fam,
			st->table, err);
		return -1;
	}
	if (confirm && !st->live) {
		fprintf(stderr, "%s: %s: table %s %s: too late, the deadline passed: the change is rolled back already\n",
			prog, cmd, fam, st->table);
		return -1;
	}
	if (!confirm && !st->live)
		printf("%s: table %s %s: the deadline had passed, the change was rolled back already\n",
		       prog, fam, st->table);
	else if (!confirm)
		printf("%s: table %s %s: rolled back to %s\n", prog, fam,
		       st->table, st->has_table ?
		       "the table before the pending change" :
		       "no table (there was none before the change)");
	return 0;
}

int nftconfirm_finish(const char *cmd, bool confirm)
{
	struct nftpending_state *all;
	bool failed = false;
	size_t n, i;
	int ret;

	ret = nftpending_find(&all, &n);
	if (ret) {
		/* No nf_tables in this kernel: nothing can be pending. */
		if (ret == -EPROTONOSUPPORT || ret == -ENOENT)
			return 0;
		fprintf(stderr, "%s: %s: cannot read the nftables tables: %s\n",
			prog, cmd, strerror(-ret));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (finish(cmd, &all[i], confirm))
			failed = true;
		nftpending_free(&all[i]);
	}
	free(all);
	return failed ? -1 : (int)n;
}
