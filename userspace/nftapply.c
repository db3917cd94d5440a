// SPDX-License-Identifier: GPL-2.0
/*
 * `epgate export nft --apply`: install the ruleset of nftgen.c through
 * libnftnl, the way nft itself does, in ONE nfnetlink batch:
 *
 *   NEWTABLE (create if absent), DELTABLE, NEWTABLE,
 *   NEWSET + NEWSETELEM... per set, NEWCHAIN per chain, NEWRULE per rule
 *
 * With --confirm SECONDS the table goes in under its pending name, gated,
 * and the old table gets its own gate, in the same batch (nftpending.h).
 * nf_tables commits a batch as one transaction: a packet sees the old
 * table or the new one, and an error anywhere aborts everything.  The
 * expressions are the ones nft 1.0 generates for the text of
 * nftgen_print(), so that `nft list table` shows the same ruleset.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nftbatch.h"
#include "nftgen.h"
#include "nftpending.h"

/* nft's datatype numbers (set key types). */
#define TYPE_IPADDR		7
#define TYPE_IP6ADDR		8
#define TYPE_INET_PROTOCOL	12
#define TYPE_INET_SERVICE	13
#define TYPE_IFNAME		41

/*
 * A set: @keys holds @n keys of @klen bytes; with @interval, @keys are
 * (first, last) pairs of big-endian keys (ports, addresses), sorted,
 * disjoint and not adjacent, turned into the interval elements nft sends
 * (nftbatch_intervals()).  Returns the set id.
 */
static uint32_t set_msgs(struct nftbatch *x, const char *name, bool anonymous,
			 bool interval, uint32_t key_type, uint32_t klen,
			 const void *keys, size_t n, uint8_t meta_key,
			 const char *comment)
{
	/*
	 * The user data nft keeps with a set, for `nft list`: the key's byte
	 * order (big endian ports, host-endian names), for an anonymous set
	 * on a meta key the "typeof" of its key (meta, key), and the
	 * set's comment (a string with its NUL), as nft 1.0 writes them.
	 */
	uint8_t ud[24 + 2 + NFTGEN_COMMENT_MAX + 1] = {
		NFTNL_UDATA_SET_KEYBYTEORDER, 4,
		key_type == TYPE_INET_SERVICE || key_type == TYPE_IPADDR ||
		key_type == TYPE_IP6ADDR ? 2 : 1, 0, 0, 0,
		NFTNL_UDATA_SET_KEY_TYPEOF, 14,
		NFTNL_UDATA_SET_TYPEOF_EXPR, 4, 9 /* meta */, 0, 0, 0,
		NFTNL_UDATA_SET_TYPEOF_DATA, 6, 0, 4, meta_key, 0, 0, 0,
	};
	const uint8_t *k = keys;
	struct nftbatch_elem *elems;
	struct nftnl_set *s;
	size_t m, udlen = meta_key ? 22 : 6, clen;
	uint32_t id = ++x->set_id;

	if (comment && comment[0]) {
		clen = strnlen(comment, NFTGEN_COMMENT_MAX) + 1;
		ud[udlen] = NFTNL_UDATA_SET_COMMENT;
		ud[udlen + 1] = clen;
		memcpy(ud + udlen + 2, comment, clen - 1);
		ud[udlen + 2 + clen - 1] = '\0';
		udlen += 2 + clen;
	}

	s = nftnl_set_alloc();
	if (!s) {
		x->err = -ENOMEM;
		return id;
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, x->table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, x->family);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, klen);
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS,
			  (anonymous ? NFT_SET_ANONYMOUS | NFT_SET_CONSTANT : 0) |
			  (interval ? NFT_SET_INTERVAL : 0));
	if (anonymous)
		nftnl_set_set_u32(s, NFTNL_SET_DESC_SIZE, n);
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, ud, udlen);
	nftnl_set_nlmsg_build_payload(nftbatch_msg(x, NFT_MSG_NEWSET, NLM_F_CREATE), s);
	nftbatch_next(x);
	nftnl_set_free(s);

	elems = calloc(interval ? 2 * n + 1 : n ? n : 1, sizeof(*elems));
	if (!elems) {
		x->err = -ENOMEM;
		return id;
	}
	if (interval) {
		m = nftbatch_intervals(keys, n, klen, elems);
	} else {
		for (m = 0; m < n; m++)
			memcpy(elems[m].key, k + m * klen, klen);
	}
	nftbatch_elems(x, name, id, klen, elems, m);
	free(elems);
	return id;
}

/* ---- expressions ------------------------------------------------------- */

static struct nftnl_expr *expr(struct nftbatch *x, struct nftnl_rule *r,
			       const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (!e) {
		x->err = -ENOMEM;
		return NULL;
	}
	nftnl_rule_add_expr(r, e);
	return e;
}

static void meta_load(struct nftbatch *x, struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = expr(x, r, "meta");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

/* @dir: CT_ANY (no direction), or IP_CT_DIR_ORIGINAL / _REPLY (0, 1). */
#define CT_ANY	-1

static void ct_load(struct nftbatch *x, struct nftnl_rule *r, uint32_t key,
		    int dir)
{
	struct nftnl_expr *e = expr(x, r, "ct");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	if (dir != CT_ANY)
		nftnl_expr_set_u8(e, NFTNL_EXPR_CT_DIR, dir);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
}

static void payload_load(struct nftbatch *x, struct nftnl_rule *r,
			 uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr *e = expr(x, r, "payload");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
}

static void cmp(struct nftbatch *x, struct nftnl_rule *r, uint32_t op,
		const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr(x, r, "cmp");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

static void bitwise(struct nftbatch *x, struct nftnl_rule *r, const void *mask,
		    const void *xor, uint32_t len)
{
	struct nftnl_expr *e = expr(x, r, "bitwise");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, xor, len);
}

static void lookup(struct nftbatch *x, struct nftnl_rule *r, const char *set,
		   uint32_t id)
{
	struct nftnl_expr *e = expr(x, r, "lookup");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, id);
}

static void cmp_u8(struct nftbatch *x, struct nftnl_rule *r, uint8_t v)
{
	cmp(x, r, NFT_CMP_EQ, &v, 1);
}

/* A set of the port ranges of @s, in the batch; its id. */
static uint32_t port_set(struct nftbatch *x, const struct nftgen_set *s)
{
	uint16_t *keys;
	uint32_t id;
	size_t i;

	keys = calloc(s->n ? s->n * 2 : 1, sizeof(*keys));
	if (!keys) {
		x->err = -ENOMEM;
		return 0;
	}
	for (i = 0; i < s->n; i++) {
		keys[2 * i] = htons(s->ranges[i].lo);
		keys[2 * i + 1] = htons(s->ranges[i].hi);
	}
	if (s->interval) {
		id = set_msgs(x, s->name, false, true, TYPE_INET_SERVICE, 2,
			      keys, s->n, 0, NULL);
	} else {
		for (i = 0; i < s->n; i++)
			keys[i] = htons(s->ranges[i].lo);
		id = set_msgs(x, s->name, false, false, TYPE_INET_SERVICE, 2,
			      keys, s->n, 0, NULL);
	}
	free(keys);
	return id;
}

/* The (first, last) keys of @a's ranges, malloc()ed (NULL: no memory). */
static uint8_t *addr_keys(const struct nftgen_addrset *a, uint32_t klen)
{
	uint8_t *keys = calloc(a->n ? a->n : 1, 2 * klen);
	size_t i;

	for (i = 0; keys && i < a->n; i++) {
		memcpy(keys + 2 * i * klen, a->ranges[i].lo, klen);
		memcpy(keys + (2 * i + 1) * klen, a->ranges[i].hi, klen);
	}
	return keys;
}

int nftgen_addrset_elems(const struct nftgen_addrset *a,
			 struct nftbatch_elem **out, size_t *n)
{
	uint32_t klen = a->family == AF_INET ? 4 : 16;
	uint8_t *keys = addr_keys(a, klen);

	*out = calloc(2 * a->n + 1, sizeof(**out));
	if (!keys || !*out) {
		free(keys);
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	*n = nftbatch_intervals(keys, a->n, klen, *out);
	free(keys);
	return 0;
}

/* An address set of @g: its intervals as (first, last) keys; its id. */
static uint32_t addr_set(struct nftbatch *x, const struct nftgen_addrset *a)
{
	uint32_t klen = a->family == AF_INET ? 4 : 16, id;
	uint8_t *keys = addr_keys(a, klen);

	if (!keys) {
		x->err = -ENOMEM;
		return 0;
	}
	id = set_msgs(x, a->name, false, true,
		      a->family == AF_INET ? TYPE_IPADDR : TYPE_IP6ADDR, klen,
		      keys, a->n, 0, a->comment);
	free(keys);
	return id;
}

/* The address of @p against a register of the full address, loaded. */
static void prefix_cmp(struct nftbatch *x, struct nftnl_rule *r,
		       const struct flowlist_prefix *p, bool shortened)
{
	uint32_t full = p->family == AF_INET ? 4 : 16;
	uint8_t mask[16], zero[16];
	unsigned int i;

	if (p->len == full * 8 || (p->len % 8 == 0 && !shortened)) {
		cmp(x, r, NFT_CMP_EQ, p->addr, p->len == full * 8 ?
		    full : p->len / 8u);
		return;
	}
	if (p->len % 8 == 0) {
		cmp(x, r, NFT_CMP_EQ, p->addr, p->len / 8u);
		return;
	}
	memset(zero, 0, sizeof(zero));
	for (i = 0; i < full; i++) {
		unsigned int bits = p->len > i * 8 ? p->len - i * 8 : 0;

		mask[i] = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
	}
	bitwise(x, r, mask, zero, full);
	cmp(x, r, NFT_CMP_EQ, p->addr, full);
}

struct rule_ctx {
	const struct nftgen *g;
	const uint32_t *set_ids;	/* of g->sets */
	const uint32_t *addrset_ids;	/* of g->addrsets */
	bool nfproto;			/* dependency already in the rule */
};

static void names_match(struct nftbatch *x, struct nftnl_rule *r,
			const struct nftgen_match *m, uint8_t meta_key)
{
	char keys[EPGATE_MAX_IFACES][16];
	unsigned int i;
	uint32_t id;

	memset(keys, 0, sizeof(keys));
	for (i = 0; i < m->nnames; i++)
		strncpy(keys[i], m->names[i], 16);
	if (m->nnames == 1) {
		cmp(x, r, NFT_CMP_EQ, keys[0], 16);
		return;
	}
	id = set_msgs(x, "__set%d", true, false, TYPE_IFNAME, 16, keys,
		      m->nnames, meta_key, NULL);
	lookup(x, r, "__set%d", id);
}

static void port_value(struct nftbatch *x, struct nftnl_rule *r,
		       const struct rule_ctx *c, const struct nftgen_match *m)
{
	uint16_t lo = htons(m->lo), hi = htons(m->hi);

	switch (m->val) {
	case NV_PORT:
		cmp(x, r, NFT_CMP_EQ, &lo, 2);
		break;
	case NV_RANGE:
		cmp(x, r, NFT_CMP_GTE, &lo, 2);
		cmp(x, r, NFT_CMP_LTE, &hi, 2);
		break;
	case NV_SET:
		lookup(x, r, c->g->sets[m->set].name, c->set_ids[m->set]);
		break;
	}
}

static void put_match(struct nftbatch *x, struct nftnl_rule *r,
		      struct rule_ctx *c, const struct nftgen_match *m)
{
	static const uint8_t protos[2] = { IPPROTO_TCP, IPPROTO_UDP };
	bool v4 = m->pfx.family == AF_INET;
	uint32_t state = 0, mask, id;
	uint8_t reply = 1;	/* IP_CT_DIR_REPLY */

	switch (m->key) {
	case NK_L4PROTO:
		meta_load(x, r, NFT_META_L4PROTO);
		if (m->val == NV_U8) {
			cmp_u8(x, r, m->u8);
			break;
		}
		id = set_msgs(x, "__set%d", true, false, TYPE_INET_PROTOCOL, 1,
			      protos, 2, NFT_META_L4PROTO, NULL);
		lookup(x, r, "__set%d", id);
		break;
	case NK_NFPROTO:
		meta_load(x, r, NFT_META_NFPROTO);
		cmp_u8(x, r, m->u8);
		break;
	case NK_CT_STATE:
		/* invalid (bit 0) and untracked (bit 6) */
		mask = 0x41;
		ct_load(x, r, NFT_CT_STATE, CT_ANY);
		bitwise(x, r, &mask, &state, 4);
		cmp(x, r, NFT_CMP_NEQ, &state, 4);
		break;
	case NK_CT_DIRECTION:
		ct_load(x, r, NFT_CT_DIRECTION, CT_ANY);
		cmp(x, r, NFT_CMP_EQ, &reply, 1);
		break;
	case NK_CT_DPORT:
		/* The responder's port: the reply's source, after DNAT. */
		ct_load(x, r, NFT_CT_PROTO_SRC, 1 /* IP_CT_DIR_REPLY */);
		port_value(x, r, c, m);
		break;
	case NK_TH_DPORT:
		payload_load(x, r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
		port_value(x, r, c, m);
		break;
	case NK_CT_SADDR:
	case NK_CT_DADDR:
		/* The initiator before SNAT, the responder after DNAT. */
		ct_load(x, r, v4 ? NFT_CT_SRC_IP : NFT_CT_SRC_IP6,
			m->key == NK_CT_SADDR ? 0 /* ORIGINAL */ : 1 /* REPLY */);
		if (m->val == NV_ADDRSET)
			lookup(x, r, c->g->addrsets[m->set].name,
			       c->addrset_ids[m->set]);
		else
			prefix_cmp(x, r, &m->pfx, false);
		break;
	case NK_SADDR:
	case NK_DADDR: {
		uint32_t full = v4 ? 4 : 16;
		uint32_t off = v4 ? (m->key == NK_SADDR ? 12 : 16) :
				    (m->key == NK_SADDR ? 8 : 24);

		if (!c->nfproto) {
			meta_load(x, r, NFT_META_NFPROTO);
			cmp_u8(x, r, v4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
			c->nfproto = true;
		}
		if (m->val == NV_ADDRSET) {
			payload_load(x, r, NFT_PAYLOAD_NETWORK_HEADER, off,
				     full);
			lookup(x, r, c->g->addrsets[m->set].name,
			       c->addrset_ids[m->set]);
			break;
		}
		payload_load(x, r, NFT_PAYLOAD_NETWORK_HEADER, off,
			     m->pfx.len % 8 ? full : m->pfx.len / 8u);
		prefix_cmp(x, r, &m->pfx, true);
		break;
	}
	case NK_IIFNAME:
	case NK_OIFNAME:
		meta_load(x, r, m->key == NK_IIFNAME ? NFT_META_IIFNAME :
			  NFT_META_OIFNAME);
		names_match(x, r, m, m->key == NK_IIFNAME ? NFT_META_IIFNAME :
			    NFT_META_OIFNAME);
		break;
	}
}

/* The drop logging of a rule, as nftgen_print() writes it. */
static void put_log(struct nftbatch *x, struct nftnl_rule *r,
		    const struct nftgen *g, const struct nftgen_rule *rule)
{
	const char *prefix = rule->would_drop ? "epgate would-drop " :
				"epgate drop ";
	struct nftnl_expr *e;

	if (rule->log_kernel) {
		e = expr(x, r, "limit");
		if (!e)
			return;
		nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_RATE, 2);
		nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_UNIT, 1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_BURST, 10);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_FLAGS, 0);
	}
	if (!rule->log_kernel && !rule->log_group)
		return;
	e = expr(x, r, "log");
	if (!e)
		return;
	nftnl_expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, prefix);
	if (rule->log_kernel)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOG_LEVEL, 6);	/* info */
	else
		nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_GROUP, g->cfg.log_group);
}

static void put_verdict(struct nftbatch *x, struct nftnl_rule *r,
			const struct nftgen *g, const struct nftgen_rule *rule)
{
	struct nftnl_expr *e;
	uint32_t v;

	switch (rule->verdict) {
	case NFTGEN_ACCEPT:
		v = NF_ACCEPT;
		break;
	case NFTGEN_DROP:
		v = NF_DROP;
		break;
	case NFTGEN_RETURN:
		v = NFT_RETURN;
		break;
	case NFTGEN_GOTO:
		v = NFT_GOTO;
		break;
	default:
		return;
	}
	e = expr(x, r, "immediate");
	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, v);
	if (rule->verdict == NFTGEN_GOTO)
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN,
				   g->chains[rule->target].name);
}

static void put_mark(struct nftbatch *x, struct nftnl_rule *r,
		     const struct nftgen_config *cfg)
{
	uint32_t mask = ~cfg->mark_mask, value = cfg->mark_value;
	struct nftnl_expr *e;

	if (cfg->mark_mask == 0xffffffff) {
		e = expr(x, r, "immediate");
		if (!e)
			return;
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
		nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &value, 4);
	} else {
		meta_load(x, r, NFT_META_MARK);
		bitwise(x, r, &mask, &value, 4);
	}
	e = expr(x, r, "meta");
	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_MARK);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
}

static void rule_msg(struct nftbatch *x, const struct nftgen *g,
		     const uint32_t *set_ids, const uint32_t *addrset_ids,
		     const struct nftgen_chain *ch,
		     const struct nftgen_rule *rule)
{
	struct rule_ctx c = { .g = g, .set_ids = set_ids,
			      .addrset_ids = addrset_ids };
	struct nftnl_rule *r = nftnl_rule_alloc();
	unsigned int i;

	if (!r) {
		x->err = -ENOMEM;
		return;
	}
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, x->family);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, x->table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, ch->name);
	/*
	 * Anonymous sets go in the batch before the rule that uses them:
	 * put_match() may emit NEWSET messages, so the rule message is
	 * started only after all its expressions are built.
	 */
	for (i = 0; i < rule->nm; i++)
		put_match(x, r, &c, &rule->m[i]);
	if (rule->mark)
		put_mark(x, r, &g->cfg);
	put_log(x, r, g, rule);
	if (rule->counter)
		expr(x, r, "counter");
	put_verdict(x, r, g, rule);
	if (!x->err) {
		nftnl_rule_nlmsg_build_payload(
			nftbatch_msg(x, NFT_MSG_NEWRULE,
			    NLM_F_CREATE | NLM_F_APPEND), r);
		nftbatch_next(x);
	}
	nftnl_rule_free(r);
}

static void chain_msg(struct nftbatch *x, const struct nftgen_chain *ch)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	uint32_t hook;

	if (!c) {
		x->err = -ENOMEM;
		return;
	}
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, x->family);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, x->table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, ch->name);
	if (ch->hook) {
		hook = !strcmp(ch->hook, "forward") ? NF_INET_FORWARD :
		       !strcmp(ch->hook, "input") ? NF_INET_LOCAL_IN :
						    NF_INET_LOCAL_OUT;
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, x->priority);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nftnl_chain_nlmsg_build_payload(nftbatch_msg(x, NFT_MSG_NEWCHAIN, NLM_F_CREATE),
					c);
	nftnl_chain_free(c);
	nftbatch_next(x);
}

/*
 * A generous bound of the batch's size: an interval is at most two
 * elements (about 40 bytes each for IPv6 keys), a message of the
 * elements of a set per NFTBATCH_ELEMS_PER_MSG.
 */
static size_t batch_size(const struct nftgen *g)
{
	size_t n = 16384, i;

	for (i = 0; i < g->nsets; i++)
		n += 1024 + g->sets[i].n * 2 * 64;
	for (i = 0; i < g->naddrsets; i++)
		n += 1024 + g->addrsets[i].n * 2 * 96;
	for (i = 0; i < NFTGEN_NCHAINS; i++)
		n += 1024 + g->chains[i].n * 4096;
	return n;
}

/*
 * The sets, chains and rules of @g into x->table, which is empty; with
 * @secs, gated by the set `confirm` (nftpending.h).
 */
static void add_ruleset(struct nftbatch *x, const struct nftgen *g,
			unsigned int secs)
{
	uint32_t *set_ids, *addrset_ids;
	size_t i, k;

	set_ids = calloc(g->nsets + 1, sizeof(*set_ids));
	addrset_ids = calloc(g->naddrsets + 1, sizeof(*addrset_ids));
	if (!set_ids || !addrset_ids) {
		free(set_ids);
		free(addrset_ids);
		x->err = -ENOMEM;
		return;
	}
	if (secs)
		nftpending_confirm_set(x, secs);
	for (i = 0; i < g->nsets && !x->err; i++)
		set_ids[i] = port_set(x, &g->sets[i]);
	for (i = 0; i < g->naddrsets && !x->err; i++)
		addrset_ids[i] = addr_set(x, &g->addrsets[i]);
	for (i = 0; i < NFTGEN_NCHAINS && !x->err; i++) {
		if (g->chains[i].used)
			chain_msg(x, &g->chains[i]);
	}
	for (i = 0; secs && i < NFTGEN_NCHAINS && !x->err; i++) {
		if (g->chains[i].used && g->chains[i].hook)
			nftpending_confirm_gate(x, g->chains[i].name);
	}
	for (i = 0; i < NFTGEN_NCHAINS && !x->err; i++) {
		const struct nftgen_chain *ch = &g->chains[i];

		for (k = 0; ch->used && k < ch->n && !x->err; k++)
			rule_msg(x, g, set_ids, addrset_ids, ch,
				 &ch->rules[k]);
	}
	free(set_ids);
	free(addrset_ids);
}

/*
 * Without @secs: drop a pending twin (spent: a live one refuses the
 * change, as the module does) and replace the table.  With @secs: the
 * old table's gate first (nftpending.h: closed at the deadline), then
 * the pending table.
 */
static void add_change(struct nftbatch *x, const struct nftgen *g,
		       const struct nftpending_state *st, unsigned int secs)
{
	if (secs) {
		if (st->has_table) {
			x->table = st->table;
			nftpending_suspend(x, st, secs);
		}
		x->table = st->pending;
		nftbatch_replace_table(x, NFTPENDING_MARK);
		add_ruleset(x, g, secs);
		return;
	}
	if (st->has_pending) {
		x->table = st->pending;
		nftbatch_drop_table(x);
	}
	x->table = st->table;
	nftbatch_replace_table(x, NULL);
	add_ruleset(x, g, 0);
}

int nftgen_apply(const struct nftgen *g, unsigned int secs,
		 struct nftpending_state *st, char *err, size_t errlen)
{
	struct nftbatch x;
	uint16_t family;
	int ret;

	memset(st, 0, sizeof(*st));
	if (strcmp(g->cfg.family, "inet") && strcmp(g->cfg.family, "ip") &&
	    strcmp(g->cfg.family, "ip6")) {
		snprintf(err, errlen, "family '%s': inet, ip or ip6",
			 g->cfg.family);
		return -EINVAL;
	}
	family = !strcmp(g->cfg.family, "inet") ? NFPROTO_INET :
		 !strcmp(g->cfg.family, "ip") ? NFPROTO_IPV4 : NFPROTO_IPV6;
	ret = nftpending_read(family, g->cfg.table, st);
	if (ret) {
		snprintf(err, errlen, "cannot read the tables: %s",
			 strerror(-ret));
		return ret;
	}
	if (st->live && !secs) {
		snprintf(err, errlen, "a change of table %s %s awaits its confirm: confirm or roll back first, or join it with --confirm SECONDS",
			 g->cfg.family, g->cfg.table);
		return -EALREADY;
	}
	ret = nftbatch_start(&x, batch_size(g) + 4096 * (st->nchains +
							 st->ngates),
			     family);
	if (ret) {
		snprintf(err, errlen, "%s", strerror(-ret));
		return ret;
	}
	x.priority = g->cfg.priority;
	add_change(&x, g, st, secs);
	ret = nftbatch_send(&x, err, errlen);
	nftbatch_free(&x);
	return ret;
}
