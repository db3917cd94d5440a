// SPDX-License-Identifier: GPL-2.0
/*
 * The confirm deadline of export nft --apply, without the module: read
 * back what the kernel holds and build the two gates (nftpending.h).
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
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nftpending.h"

#define TYPE_NFPROTO	2	/* nft's datatype of meta nfproto */

/*
 * The string of comment @type in user data @ud of @len bytes (TLVs of a
 * type byte, a length byte, the value), or NULL.
 */
static const char *udata_comment(const void *ud, uint32_t len, uint8_t type)
{
	const uint8_t *p = ud, *end = p + len;

	while (p && p + 2 <= end && p + 2 + p[1] <= end) {
		if (p[0] == type && p[1] && p[2 + p[1] - 1] == '\0')
			return (const char *)p + 2;
		p += 2 + p[1];
	}
	return NULL;
}

/* ---- reading ---------------------------------------------------------- */

struct table_scan {
	struct nftpending_state *st;	/* one table named: R and P */
	struct nftpending_state **all;	/* or every marked table */
	size_t n;
	int err;
};

static bool is_marked(struct nftnl_table *t)
{
	const char *name = nftnl_table_get_str(t, NFTNL_TABLE_NAME);
	size_t n = strlen(name), k = strlen(NFTPENDING_SUFFIX);
	const char *c;
	const void *ud;
	uint32_t len;

	if (n <= k || n - k >= NFTGEN_NAME_MAX ||
	    strcmp(name + n - k, NFTPENDING_SUFFIX) ||
	    !nftnl_table_is_set(t, NFTNL_TABLE_USERDATA))
		return false;
	ud = nftnl_table_get_data(t, NFTNL_TABLE_USERDATA, &len);
	c = udata_comment(ud, len, NFTNL_UDATA_TABLE_COMMENT);
	return c && !strcmp(c, NFTPENDING_MARK);
}

static int table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct table_scan *s = data;
	struct nftpending_state *st = s->st, *more;
	struct nftnl_table *t = nftnl_table_alloc();
	const char *name;
	uint16_t family;

	if (!t || nftnl_table_nlmsg_parse(nlh, t) < 0) {
		nftnl_table_free(t);
		s->err = -ENOMEM;
		return MNL_CB_OK;
	}
	name = nftnl_table_get_str(t, NFTNL_TABLE_NAME);
	family = nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY);
	if (st) {
		if (family == st->family && !strcmp(name, st->table))
			st->has_table = true;
		else if (family == st->family && !strcmp(name, st->pending))
			st->has_pending = is_marked(t);
	} else if (is_marked(t)) {
		more = realloc(*s->all, (s->n + 1) * sizeof(**s->all));
		if (!more) {
			s->err = -ENOMEM;
		} else {
			*s->all = more;
			memset(&more[s->n], 0, sizeof(more[s->n]));
			more[s->n].family = family;
			snprintf(more[s->n].table, sizeof(more[s->n].table),
				 "%.*s", (int)(strlen(name) -
					       strlen(NFTPENDING_SUFFIX)), name);
			s->n++;
		}
	}
	nftnl_table_free(t);
	return MNL_CB_OK;
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftpending_state *st = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	char (*more)[NFTGEN_NAME_MAX];

	if (!c || nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		nftnl_chain_free(c);
		return MNL_CB_ERROR;
	}
	if (!strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), st->table) &&
	    nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY) == st->family &&
	    nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
		more = realloc(st->chains, (st->nchains + 1) * sizeof(*more));
		if (!more) {
			nftnl_chain_free(c);
			return MNL_CB_ERROR;
		}
		st->chains = more;
		snprintf(more[st->nchains++], NFTGEN_NAME_MAX, "%s",
			 nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
	}
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftpending_state *st = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftpending_gate *more;
	const char *comment = NULL;
	const void *ud;
	uint32_t len;

	if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		return MNL_CB_ERROR;
	}
	if (nftnl_rule_is_set(r, NFTNL_RULE_USERDATA)) {
		ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
		comment = udata_comment(ud, len, NFTNL_UDATA_RULE_COMMENT);
	}
	if (comment && !strcmp(comment, NFTPENDING_GATE_OLD) &&
	    !strcmp(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), st->table) &&
	    nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY) == st->family) {
		more = realloc(st->gates, (st->ngates + 1) * sizeof(*more));
		if (!more) {
			nftnl_rule_free(r);
			return MNL_CB_ERROR;
		}
		st->gates = more;
		snprintf(more[st->ngates].chain, NFTGEN_NAME_MAX, "%s",
			 nftnl_rule_get_str(r, NFTNL_RULE_CHAIN));
		more[st->ngates++].handle =
			nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftpending_state *st = data;
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s || nftnl_set_nlmsg_parse(nlh, s) < 0) {
		nftnl_set_free(s);
		return MNL_CB_ERROR;
	}
	if (!strcmp(nftnl_set_get_str(s, NFTNL_SET_TABLE), st->table) &&
	    nftnl_set_get_u32(s, NFTNL_SET_FAMILY) == st->family &&
	    !strcmp(nftnl_set_get_str(s, NFTNL_SET_NAME), "suspend"))
		st->has_suspend = true;
	nftnl_set_free(s);
	return MNL_CB_OK;
}

static int elem_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_set *s = data;

	return nftnl_set_elems_nlmsg_parse(nlh, s) < 0 ? MNL_CB_ERROR :
							  MNL_CB_OK;
}

static void table_req(struct nlmsghdr *nlh, const void *arg)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	/* Rules are dumped for one table when the request names it. */
	if (!r)
		return;
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, arg);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
}

static void set_req(struct nlmsghdr *nlh, const void *arg)
{
	nftnl_set_elems_nlmsg_build_payload(nlh, (struct nftnl_set *)arg);
}

static int deadline_cb(struct nftnl_set_elem *e, void *data)
{
	uint64_t *left = data, ms;

	ms = nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_EXPIRATION) ?
	     nftnl_set_elem_get_u64(e, NFTNL_SET_ELEM_EXPIRATION) : 0;
	if (ms < *left)
		*left = ms;
	return 0;
}

/*
 * The elements of P's set `confirm`: live while the kernel dumps any
 * (it leaves expired ones out), and the seconds left.
 */
static int read_deadline(struct nftpending_state *st)
{
	struct nftnl_set *s = nftnl_set_alloc();
	uint64_t left = UINT64_MAX;
	int ret;

	if (!s)
		return -ENOMEM;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, st->pending);
	nftnl_set_set_str(s, NFTNL_SET_NAME, "confirm");
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, st->family);
	ret = nftbatch_dump(NFT_MSG_GETSETELEM, st->family, set_req, s,
			    elem_cb, s);
	if (ret == -ENOENT)	/* no set: nothing lives */
		ret = 0;
	if (!ret)
		nftnl_set_elem_foreach(s, deadline_cb, &left);
	if (left != UINT64_MAX) {
		st->live = true;
		st->secs_left = (left + 999) / 1000;
	}
	nftnl_set_free(s);
	return ret;
}

int nftpending_read(uint16_t family, const char *table,
		    struct nftpending_state *st)
{
	struct table_scan scan = { .st = st };
	int ret;

	memset(st, 0, sizeof(*st));
	st->family = family;
	snprintf(st->table, sizeof(st->table), "%s", table);
	snprintf(st->pending, sizeof(st->pending), "%s%s", table,
		 NFTPENDING_SUFFIX);
	ret = nftbatch_dump(NFT_MSG_GETTABLE, family, NULL, NULL, table_cb,
			    &scan);
	if (!ret)
		ret = scan.err;
	if (!ret && st->has_table)
		ret = nftbatch_dump(NFT_MSG_GETCHAIN, family, NULL, NULL,
				    chain_cb, st);
	if (!ret && st->has_table)
		ret = nftbatch_dump(NFT_MSG_GETRULE, family, table_req,
				    st->table, rule_cb, st);
	if (!ret && st->has_table)
		ret = nftbatch_dump(NFT_MSG_GETSET, family, NULL, NULL,
				    set_cb, st);
	if (!ret && st->has_pending)
		ret = read_deadline(st);
	return ret;
}

void nftpending_free(struct nftpending_state *st)
{
	free(st->chains);
	free(st->gates);
	st->chains = NULL;
	st->gates = NULL;
	st->nchains = st->ngates = 0;
}

int nftpending_find(struct nftpending_state **out, size_t *n)
{
	struct table_scan scan = { .all = out };
	struct nftpending_state *found;
	size_t i;
	int ret;

	*out = NULL;
	*n = 0;
	ret = nftbatch_dump(NFT_MSG_GETTABLE, NFPROTO_UNSPEC, NULL, NULL,
			    table_cb, &scan);
	if (!ret)
		ret = scan.err;
	found = *out;
	for (i = 0; !ret && i < scan.n; i++) {
		char table[NFTGEN_NAME_MAX];

		memcpy(table, found[i].table, sizeof(table));
		ret = nftpending_read(found[i].family, table, &found[i]);
	}
	if (ret) {
		for (i = 0; i < scan.n; i++)
			nftpending_free(&found[i]);
		free(found);
		*out = NULL;
		return ret;
	}
	*n = scan.n;
	return 0;
}

/* ---- the gates -------------------------------------------------------- */

/* Set @name: `type nf_proto; flags timeout`, ipv4 and ipv6 for @secs. */
static void gate_set(struct nftbatch *x, const char *name, unsigned int secs)
{
	static const uint8_t protos[2] = { NFPROTO_IPV4, NFPROTO_IPV6 };
	/* nft's user data: the key in host byte order. */
	static const uint8_t ud[6] = { NFTNL_UDATA_SET_KEYBYTEORDER, 4,
				       1, 0, 0, 0 };
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elem *e;
	unsigned int i;

	if (!s) {
		x->err = -ENOMEM;
		return;
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, x->table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, x->family);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, TYPE_NFPROTO);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, 1);
	nftnl_set_set_u32(s, NFTNL_SET_ID, ++x->set_id);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_TIMEOUT);
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, ud, sizeof(ud));
	nftnl_set_nlmsg_build_payload(nftbatch_msg(x, NFT_MSG_NEWSET,
						   NLM_F_CREATE), s);
	nftbatch_next(x);
	for (i = 0; i < 2; i++) {
		e = nftnl_set_elem_alloc();
		if (!e) {
			nftnl_set_free(s);
			x->err = -ENOMEM;
			return;
		}
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &protos[i], 1);
		nftnl_set_elem_set_u64(e, NFTNL_SET_ELEM_TIMEOUT,
				       secs * 1000ULL);
		nftnl_set_elem_add(s, e);
	}
	nftnl_set_elems_nlmsg_build_payload(
		nftbatch_msg(x, NFT_MSG_NEWSETELEM, NLM_F_CREATE), s);
	nftbatch_next(x);
	nftnl_set_free(s);
}

/*
 * `meta nfproto [!=] @set accept comment "..."`, first in @chain (the
 * old table's chains have rules already: no NLM_F_APPEND puts it at the
 * head) or appended to the new, still empty chain.
 */
static void gate_rule(struct nftbatch *x, const char *chain, const char *set,
		      bool inv, const char *comment)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	struct nftnl_expr *e;

	if (!r || !ud)
		goto nomem;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, x->family);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, x->table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	e = nftnl_expr_alloc("meta");
	if (!e)
		goto nomem;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_NFPROTO);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("lookup");
	if (!e)
		goto nomem;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	/* By name: the set is added earlier in the same batch. */
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	if (inv)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS,
				   NFT_LOOKUP_F_INV);
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("immediate");
	if (!e)
		goto nomem;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_ACCEPT);
	nftnl_rule_add_expr(r, e);
	if (!nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, comment))
		goto nomem;
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
			    nftnl_udata_buf_len(ud));
	nftnl_rule_nlmsg_build_payload(
		nftbatch_msg(x, NFT_MSG_NEWRULE,
			     NLM_F_CREATE | (inv ? NLM_F_APPEND : 0)), r);
	nftbatch_next(x);
	nftnl_udata_buf_free(ud);
	nftnl_rule_free(r);
	return;
nomem:
	nftnl_udata_buf_free(ud);
	nftnl_rule_free(r);
	x->err = -ENOMEM;
}

void nftpending_ungate(struct nftbatch *x, const struct nftpending_state *st)
{
	struct nftnl_rule *r;
	struct nftnl_set *s;
	size_t i;

	for (i = 0; i < st->ngates && !x->err; i++) {
		r = nftnl_rule_alloc();
		if (!r) {
			x->err = -ENOMEM;
			return;
		}
		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, x->family);
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, x->table);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, st->gates[i].chain);
		nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, st->gates[i].handle);
		nftnl_rule_nlmsg_build_payload(
			nftbatch_msg(x, NFT_MSG_DELRULE, 0), r);
		nftbatch_next(x);
		nftnl_rule_free(r);
	}
	if (!st->has_suspend || x->err)
		return;
	s = nftnl_set_alloc();
	if (!s) {
		x->err = -ENOMEM;
		return;
	}
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, x->family);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, x->table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, "suspend");
	nftnl_set_nlmsg_build_payload(nftbatch_msg(x, NFT_MSG_DELSET, 0), s);
	nftbatch_next(x);
	nftnl_set_free(s);
}

void nftpending_suspend(struct nftbatch *x, const struct nftpending_state *st,
			unsigned int secs)
{
	size_t i;

	nftpending_ungate(x, st);
	gate_set(x, "suspend", secs);
	for (i = 0; i < st->nchains && !x->err; i++)
		gate_rule(x, st->chains[i], "suspend", false,
			  NFTPENDING_GATE_OLD);
}

void nftpending_confirm_set(struct nftbatch *x, unsigned int secs)
{
	gate_set(x, "confirm", secs);
}

void nftpending_confirm_gate(struct nftbatch *x, const char *chain)
{
	gate_rule(x, chain, "confirm", true, NFTPENDING_GATE_NEW);
}
