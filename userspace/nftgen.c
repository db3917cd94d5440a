// SPDX-License-Identifier: GPL-2.0
/*
 * The epgate policy as an nftables ruleset (nftgen.h): build, and print as
 * `nft -f` text or nftables JSON.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>

#include "json.h"
#include "nftgen.h"

static const char * const chain_names[NFTGEN_NCHAINS] = {
	[NFTGEN_JUDGE] = "judge",
	[NFTGEN_JUDGE_UNTRACKED] = "judge-untracked",
	[NFTGEN_FORWARD] = "forward",
	[NFTGEN_INPUT] = "input",
	[NFTGEN_OUTPUT] = "output",
};

const char *nftgen_hooks(uint32_t hooks, char *buf, size_t len)
{
	static const char * const names[] = { "forward", "input", "output" };
	size_t n = 0, i;

	buf[0] = '\0';
	for (i = 0; i < 3; i++) {
		if (hooks & 1u << i)
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s",
				      n ? "," : "", names[i]);
	}
	if (!n)
		snprintf(buf, len, "none");
	return buf;
}

void nftgen_free(struct nftgen *g)
{
	size_t i;

	for (i = 0; i < g->nsets; i++)
		free(g->sets[i].ranges);
	free(g->sets);
	for (i = 0; i < g->naddrsets; i++)
		free(g->addrsets[i].ranges);
	free(g->addrsets);
	for (i = 0; i < NFTGEN_NCHAINS; i++)
		free(g->chains[i].rules);
	memset(g, 0, sizeof(*g));
}

/* ---- building ---------------------------------------------------------- */

static int add_range(struct nftgen_set *s, uint16_t lo, uint16_t hi)
{
	struct flowlist_range *r;

	if (s->n == s->alloc) {
		size_t alloc = s->alloc ? s->alloc * 2 : 8;

		r = realloc(s->ranges, alloc * sizeof(*r));
		if (!r)
			return -ENOMEM;
		s->ranges = r;
		s->alloc = alloc;
	}
	s->ranges[s->n].lo = lo;
	s->ranges[s->n].hi = hi;
	s->n++;
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct flowlist_range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

/* Sort, and merge overlapping and adjacent ranges (nft sets refuse overlaps). */
static void normalize(struct nftgen_set *s)
{
	size_t i, j = 0;

	if (!s->n)
		return;
	qsort(s->ranges, s->n, sizeof(*s->ranges), cmp_range);
	for (i = 1; i < s->n; i++) {
		struct flowlist_range *last = &s->ranges[j];

		if ((uint32_t)s->ranges[i].lo <= (uint32_t)last->hi + 1) {
			if (s->ranges[i].hi > last->hi)
				last->hi = s->ranges[i].hi;
		} else {
			s->ranges[++j] = s->ranges[i];
		}
	}
	s->n = j + 1;
	s->interval = false;
	for (i = 0; i < s->n; i++) {
		if (s->ranges[i].lo != s->ranges[i].hi)
			s->interval = true;
	}
}

static bool same_prefix(const struct flowlist_prefix *a,
			const struct flowlist_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/*
 * One group: the flows of one protocol between the same two roles, each a
 * prefix (from_set/to_set 0) or a set of the flow list, by identity.
 */
struct group {
	uint8_t proto;
	struct flowlist_prefix from, to;
	uint32_t from_set, to_set;
	unsigned int families;	/* both roles can hold: bit 0 v4, bit 1 v6 */
	struct nftgen_set ports;
};

struct builder {
	struct nftgen *g;
	const struct flowlist *fl;
	struct group *groups;
	size_t ngroups;
	/* Per protocol (0 tcp, 1 udp): ports of enforced and monitored flows. */
	uint8_t *used[2][2];
	/* Per set of the flow list: 1 + index in g->addrsets, v4 and v6. */
	size_t (*addrset)[2];
	unsigned int anonymous;	/* addr-N given so far */
};

/* ---- address sets ------------------------------------------------------ */

static unsigned int addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

static bool all_ones(const uint8_t *a, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		if (a[i] != 0xff)
			return false;
	}
	return true;
}

/* @a + 1 into @out (@a not all ones). */
static void addr_next(const uint8_t *a, unsigned int len, uint8_t *out)
{
	unsigned int i = len;

	memcpy(out, a, len);
	while (i-- && ++out[i] == 0)
		;
}

static int cmp_addr_range(const void *a, const void *b)
{
	const struct nftgen_addr_range *x = a, *y = b;
	int c = memcmp(x->lo, y->lo, sizeof(x->lo));

	return c ? c : memcmp(x->hi, y->hi, sizeof(x->hi));
}

/* The prefixes of @family in @s, as sorted, merged intervals in @a. */
static int addr_ranges(struct nftgen_addrset *a, const struct flowlist_set *s,
		       uint8_t family)
{
	unsigned int alen = addr_len(family), b;
	struct nftgen_addr_range *r;
	uint8_t next[16];
	size_t i, n = 0, j;

	for (i = 0; i < s->n; i++)
		n += s->prefixes[i].family == family;
	a->ranges = calloc(n ? n : 1, sizeof(*a->ranges));
	if (!a->ranges)
		return -ENOMEM;
	for (i = 0; i < s->n; i++) {
		const struct flowlist_prefix *p = &s->prefixes[i];

		if (p->family != family)
			continue;
		r = &a->ranges[a->n++];
		memcpy(r->lo, p->addr, alen);
		memcpy(r->hi, p->addr, alen);
		for (b = p->len; b < alen * 8; b++)
			r->hi[b / 8] |= 0x80 >> (b % 8);
	}
	if (!a->n)
		return 0;
	qsort(a->ranges, a->n, sizeof(*a->ranges), cmp_addr_range);
	for (i = 1, j = 0; i < a->n; i++) {
		r = &a->ranges[j];
		/* Overlapping or adjacent: r reaches the top or next >= lo. */
		if (!all_ones(r->hi, alen)) {
			addr_next(r->hi, alen, next);
			if (memcmp(a->ranges[i].lo, next, alen) > 0) {
				a->ranges[++j] = a->ranges[i];
				continue;
			}
		}
		if (memcmp(a->ranges[i].hi, r->hi, alen) > 0)
			memcpy(r->hi, a->ranges[i].hi, alen);
	}
	a->n = j + 1;
	return 0;
}

/* An epgate set name nft takes as an identifier, as it is. */
static bool nft_name_ok(const char *s)
{
	size_t i;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (i = 1; s[i]; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '_'))
			return false;
	}
	return true;
}

/* Whether @fl has a set whose nft name would be @base-v4/-v6. */
static bool name_taken(const struct flowlist *fl, const char *base)
{
	size_t i;

	for (i = 0; i < fl->nsets; i++) {
		if (nft_name_ok(fl->sets[i].name) &&
		    !strcmp(fl->sets[i].name, base))
			return true;
	}
	return false;
}

/*
 * The address families a role may hold, as flowlist_role_families() says,
 * but both for a set that follows hostnames: what its names resolve to
 * may change, its rules may not (nftgen_addrset).
 */
static unsigned int role_families(const struct flowlist *fl,
				  const struct flowlist_prefix *p, uint32_t ref)
{
	const struct flowlist_set *s = flowlist_set_of(fl, ref);

	return s && s->hosts ? 3 : flowlist_role_families(fl, p, ref);
}

/*
 * `follows NAME, NAME` of the comma-joined @hosts into @buf, cut at a
 * name with ` and N more` so that it fits nft's comments.
 */
static void follows_comment(const char *hosts, char *buf, size_t len)
{
	static const char head[] = "follows ";
	size_t n = 0, shown = 0, o, i;
	const char *p, *end;
	char more[32];

	buf[0] = '\0';
	if (!hosts || !*hosts)
		return;
	for (p = hosts; p; p = strchr(p + 1, ','))
		n++;
	o = snprintf(buf, len, "%s", head);
	for (p = hosts; p && *p; p = end ? end + 1 : NULL, shown++) {
		end = strchr(p, ',');
		i = end ? (size_t)(end - p) : strlen(p);
		/* Room for this name and, unless it is the last, " and N more". */
		snprintf(more, sizeof(more), " and %zu more", n - shown - 1);
		if (o + (shown ? 2 : 0) + i + (end ? strlen(more) : 0) >= len) {
			if (!shown)	/* not even one name fits */
				snprintf(buf, len, "follows %zu hostname%s", n,
					 n == 1 ? "" : "s");
			else
				snprintf(buf + o, len - o, " and %zu more",
					 n - shown);
			return;
		}
		o += snprintf(buf + o, len - o, "%s%.*s", shown ? ", " : "",
			      (int)i, p);
	}
}

/*
 * The nft sets of set @ref of the flow list, made on its first use: one
 * per family it holds (both for hostnames).  0 or -ENOMEM.
 */
static int addrsets_of(struct builder *b, uint32_t ref)
{
	const struct flowlist_set *s = flowlist_set_of(b->fl, ref);
	static const uint8_t families[2] = { AF_INET, AF_INET6 };
	struct nftgen *g = b->g;
	struct flowlist_prefix none = { 0 };
	char base[NFTGEN_NAME_MAX - 4];
	struct nftgen_addrset *na;
	unsigned int fams, f;
	int ret;

	if (!s || b->addrset[ref - 1][0] || b->addrset[ref - 1][1])
		return 0;
	fams = role_families(b->fl, &none, ref);
	if (nft_name_ok(s->name)) {
		snprintf(base, sizeof(base), "%s", s->name);
	} else {
		do
			snprintf(base, sizeof(base), "addr-%u", ++b->anonymous);
		while (name_taken(b->fl, base));
	}
	for (f = 0; f < 2; f++) {
		if (!(fams & 1u << f))
			continue;
		na = realloc(g->addrsets, (g->naddrsets + 1) * sizeof(*na));
		if (!na)
			return -ENOMEM;
		g->addrsets = na;
		na = &g->addrsets[g->naddrsets];
		memset(na, 0, sizeof(*na));
		snprintf(na->name, sizeof(na->name), "%s-v%c", base,
			 f ? '6' : '4');
		flowlist_role_str(b->fl, &none, ref, 3, na->role,
				  sizeof(na->role));
		follows_comment(s->hosts, na->comment, sizeof(na->comment));
		na->ref = ref;
		na->family = families[f];
		g->naddrsets++;
		ret = addr_ranges(na, s, families[f]);
		if (ret)
			return ret;
		b->addrset[ref - 1][f] = g->naddrsets;
	}
	return 0;
}

static struct nftgen_rule *new_rule(struct nftgen *g, unsigned int chain)
{
	struct nftgen_chain *c = &g->chains[chain];
	struct nftgen_rule *r;

	if (c->n == c->alloc) {
		size_t alloc = c->alloc ? c->alloc * 2 : 16;

		r = realloc(c->rules, alloc * sizeof(*r));
		if (!r)
			return NULL;
		c->rules = r;
		c->alloc = alloc;
	}
	r = &c->rules[c->n++];
	memset(r, 0, sizeof(*r));
	c->used = true;
	return r;
}

static struct nftgen_match *add_match(struct nftgen_rule *r, uint8_t key,
				      uint8_t val)
{
	struct nftgen_match *m = &r->m[r->nm++];

	memset(m, 0, sizeof(*m));
	m->key = key;
	m->val = val;
	return m;
}

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

/*
 * The port match of @s: nothing for every port, a comparison, a range or
 * a new named set.  Returns the set index used, or -1.
 */
static int port_match(struct nftgen *g, const struct nftgen_set *s,
		      const char *name, struct nftgen_match *m)
{
	struct nftgen_set *ns;

	if (s->n == 1 && s->ranges[0].lo == 0 && s->ranges[0].hi == 65535)
		return -2;	/* any port */
	if (s->n == 1) {
		m->lo = s->ranges[0].lo;
		m->hi = s->ranges[0].hi;
		m->val = m->lo == m->hi ? NV_PORT : NV_RANGE;
		return -1;
	}
	ns = realloc(g->sets, (g->nsets + 1) * sizeof(*g->sets));
	if (!ns)
		return -ENOMEM;
	g->sets = ns;
	ns = &g->sets[g->nsets];
	*ns = *s;
	snprintf(ns->name, sizeof(ns->name), "%s", name);
	ns->ranges = malloc(s->n * sizeof(*s->ranges));
	if (!ns->ranges)
		return -ENOMEM;
	memcpy(ns->ranges, s->ranges, s->n * sizeof(*s->ranges));
	ns->alloc = s->n;
	m->val = NV_SET;
	m->set = g->nsets++;
	return m->set;
}

static void addr_match(struct nftgen_rule *r, bool ct, bool src,
		       const struct flowlist_prefix *p, bool *nfproto)
{
	struct nftgen_match *m;

	if (!p->family)
		return;
	if (!p->len) {
		/* Every address of one family. */
		if (!*nfproto) {
			m = add_match(r, NK_NFPROTO, NV_U8);
			m->u8 = p->family == AF_INET ? NFPROTO_IPV4 :
						       NFPROTO_IPV6;
			*nfproto = true;
		}
		return;
	}
	m = add_match(r, ct ? (src ? NK_CT_SADDR : NK_CT_DADDR) :
			      (src ? NK_SADDR : NK_DADDR), NV_PREFIX);
	m->pfx = *p;
}

/* A role bound to a set: its nft set of family @f (0 IPv4, 1 IPv6). */
static void addrset_match(struct builder *b, struct nftgen_rule *r, bool ct,
			  bool src, uint32_t ref, unsigned int f)
{
	struct nftgen_match *m;

	m = add_match(r, ct ? (src ? NK_CT_SADDR : NK_CT_DADDR) :
			      (src ? NK_SADDR : NK_DADDR), NV_ADDRSET);
	m->set = b->addrset[ref - 1][f] - 1;
	m->pfx.family = f ? AF_INET6 : AF_INET;
}

/*
 * The rule of group @gr in @chain; with @f (1 IPv4, 2 IPv6) for a group
 * with a set role: the rule of that family (a set match implies its
 * family: no `meta nfproto` for a /0 prefix beside it).
 */
static int flow_rule(struct builder *b, unsigned int chain, bool ct,
		     const struct group *gr, int set, unsigned int f)
{
	struct nftgen *g = b->g;
	struct nftgen_rule *r = new_rule(g, chain);
	struct nftgen_match *m;
	bool nfproto = f != 0;

	if (!r)
		return -ENOMEM;
	m = add_match(r, NK_L4PROTO, NV_U8);
	m->u8 = gr->proto;
	if (set != -2) {
		m = add_match(r, ct ? NK_CT_DPORT : NK_TH_DPORT, NV_PORT);
		if (set >= 0) {
			m->val = NV_SET;
			m->set = set;
		} else {
			m->lo = gr->ports.ranges[0].lo;
			m->hi = gr->ports.ranges[0].hi;
			m->val = m->lo == m->hi ? NV_PORT : NV_RANGE;
		}
	}
	if (gr->from_set)
		addrset_match(b, r, ct, true, gr->from_set, f - 1);
	else
		addr_match(r, ct, true, &gr->from, &nfproto);
	if (gr->to_set)
		addrset_match(b, r, ct, false, gr->to_set, f - 1);
	else
		addr_match(r, ct, false, &gr->to, &nfproto);
	r->mark = g->cfg.mark_mask != 0;
	r->verdict = NFTGEN_ACCEPT;
	return 0;
}

static int find_group(struct builder *b, const struct flowlist_flow *f,
		      unsigned int families)
{
	struct group *ng;
	size_t i;

	for (i = 0; i < b->ngroups; i++) {
		if (b->groups[i].proto == f->proto &&
		    same_prefix(&b->groups[i].from, &f->from) &&
		    same_prefix(&b->groups[i].to, &f->to) &&
		    b->groups[i].from_set == f->from_set &&
		    b->groups[i].to_set == f->to_set)
			return (int)i;
	}
	ng = realloc(b->groups, (b->ngroups + 1) * sizeof(*ng));
	if (!ng)
		return -ENOMEM;
	b->groups = ng;
	ng = &b->groups[b->ngroups];
	memset(ng, 0, sizeof(*ng));
	ng->proto = f->proto;
	ng->from = f->from;
	ng->to = f->to;
	ng->from_set = f->from_set;
	ng->to_set = f->to_set;
	ng->families = families;
	return (int)b->ngroups++;
}

/* Ports of @proto that only monitored flows use, as ranges in @s. */
static int monitored_only(struct builder *b, int p, struct nftgen_set *s)
{
	uint32_t port, start = 0;
	bool in = false;
	int ret;

	for (port = 0; port <= 65536; port++) {
		bool mon = port < 65536 && b->used[p][1][port] &&
			   !b->used[p][0][port];

		if (mon && !in) {
			start = port;
			in = true;
		} else if (!mon && in) {
			ret = add_range(s, start, port - 1);
			if (ret)
				return ret;
			in = false;
		}
	}
	normalize(s);
	return 0;
}

static bool bad_name(const char *s)
{
	return strpbrk(s, "\"\\") != NULL;
}

/* In-scope rules of base chain @c (enum nftgen_chain_id) */
static int scope_rules(struct nftgen *g, unsigned int c)
{
	static const uint32_t bit[NFTGEN_NCHAINS][2] = {
		[NFTGEN_FORWARD] = { EPGATE_HOOK_FORWARD, EPGATE_HOOK_FORWARD },
		[NFTGEN_INPUT] = { EPGATE_HOOK_INPUT, EPGATE_HOOK_OUTPUT },
		[NFTGEN_OUTPUT] = { EPGATE_HOOK_OUTPUT, EPGATE_HOOK_INPUT },
	};
	const struct nftgen_config *cfg = &g->cfg;
	bool has_iif = c != NFTGEN_OUTPUT, has_oif = c != NFTGEN_INPUT;
	bool active[2];
	struct nftgen_rule *r;
	struct nftgen_match *m;
	int d;

	/*
	 * Direction 0 original (and untracked), 1 reply.  The connection's
	 * ingress is the packet's iif for originals and its oif for replies;
	 * a hook without that device puts nothing in scope for a list.
	 */
	for (d = 0; d < 2; d++) {
		bool ingress = d ? has_oif : has_iif;
		bool egress = d ? has_iif : has_oif;

		active[d] = (cfg->hooks & bit[c][d]) &&
			    (!cfg->nin || ingress) && (!cfg->nout || egress);
	}
	if (!active[0] && !active[1])
		return 0;
	g->chains[c].used = true;
	if (active[0] && active[1] && !cfg->nin && !cfg->nout) {
		r = new_rule(g, c);
		if (!r)
			return -ENOMEM;
		r->verdict = NFTGEN_GOTO;
		r->target = NFTGEN_JUDGE;
		return 0;
	}
	for (d = 1; d >= 0; d--) {
		if (!d && active[0]) {
			/* Replies not sent to judge must not reach the next rule. */
			r = new_rule(g, c);
			if (!r)
				return -ENOMEM;
			add_match(r, NK_CT_DIRECTION, NV_REPLY);
			r->verdict = NFTGEN_RETURN;
		}
		if (!active[d])
			continue;
		r = new_rule(g, c);
		if (!r)
			return -ENOMEM;
		if (d)
			add_match(r, NK_CT_DIRECTION, NV_REPLY);
		/* IN lists the connection's ingress: iif, or oif of a reply. */
		if (cfg->nin) {
			m = add_match(r, d ? NK_OIFNAME : NK_IIFNAME, NV_NAMES);
			m->names = cfg->in;
			m->nnames = cfg->nin;
		}
		if (cfg->nout) {
			m = add_match(r, d ? NK_IIFNAME : NK_OIFNAME, NV_NAMES);
			m->names = cfg->out;
			m->nnames = cfg->nout;
		}
		r->verdict = NFTGEN_GOTO;
		r->target = NFTGEN_JUDGE;
	}
	return 0;
}

static int build(struct builder *b, const struct flowlist *fl)
{
	struct nftgen *g = b->g;
	struct nftgen_rule *r;
	struct nftgen_match *m;
	char name[NFTGEN_NAME_MAX];
	unsigned int nset[2] = { 0, 0 };
	int *sets, ret, p, ct;
	size_t i, k;

	for (i = 0; i < fl->n; i++) {
		const struct flowlist_flow *f = &fl->flows[i];
		unsigned int fams;
		int gi;

		fams = role_families(fl, &f->from, f->from_set) &
		       role_families(fl, &f->to, f->to_set);
		if (!fams)
			continue;	/* matches nothing */
		ret = addrsets_of(b, f->from_set);
		if (!ret)
			ret = addrsets_of(b, f->to_set);
		if (ret)
			return ret;
		p = f->proto == IPPROTO_UDP;
		for (k = 0; k < f->nranges; k++)
			memset(b->used[p][f->mode == EPGATE_MODE_MONITOR] +
			       f->ranges[k].lo, 1,
			       f->ranges[k].hi - f->ranges[k].lo + 1);
		gi = find_group(b, f, fams);
		if (gi < 0)
			return gi;
		for (k = 0; k < f->nranges; k++) {
			ret = add_range(&b->groups[gi].ports, f->ranges[k].lo,
					f->ranges[k].hi);
			if (ret)
				return ret;
		}
		g->nflows++;
	}

	g->chains[NFTGEN_JUDGE].used = true;
	g->chains[NFTGEN_JUDGE_UNTRACKED].used = true;
	r = new_rule(g, NFTGEN_JUDGE);
	if (!r)
		return -ENOMEM;
	add_match(r, NK_CT_STATE, NV_UNTRACKED);
	r->verdict = NFTGEN_GOTO;
	r->target = NFTGEN_JUDGE_UNTRACKED;

	sets = calloc(b->ngroups + 1, sizeof(*sets));
	if (!sets)
		return -ENOMEM;
	for (i = 0; i < b->ngroups; i++) {
		struct group *gr = &b->groups[i];
		struct nftgen_match tmp;

		normalize(&gr->ports);
		p = gr->proto == IPPROTO_UDP;
		memset(&tmp, 0, sizeof(tmp));
		snprintf(name, sizeof(name), "%s-%u", proto_name(gr->proto),
			 nset[p] + 1);
		sets[i] = port_match(g, &gr->ports, name, &tmp);
		if (sets[i] == -ENOMEM) {
			free(sets);
			return -ENOMEM;
		}
		if (sets[i] >= 0)
			nset[p]++;
	}
	for (ct = 1; ct >= 0; ct--) {
		unsigned int chain = ct ? NFTGEN_JUDGE : NFTGEN_JUDGE_UNTRACKED;

		for (i = 0; i < b->ngroups; i++) {
			const struct group *gr = &b->groups[i];
			unsigned int f;

			ret = 0;
			for (f = 1; f <= 2; f++) {
				if (!gr->from_set && !gr->to_set)
					f = 0;	/* one rule, as the prefixes say */
				else if (!(gr->families & f))
					continue;
				ret = flow_rule(b, chain, ct, gr, sets[i], f);
				if (ret || !f)
					break;
			}
			if (ret) {
				free(sets);
				return ret;
			}
		}
	}
	free(sets);

	/* What is left: monitored-only ports, then the mode's verdict. */
	for (p = 0; p < 2 && g->cfg.mode == EPGATE_MODE_ENFORCE; p++) {
		struct nftgen_set s;
		struct group gr;
		int set;

		memset(&s, 0, sizeof(s));
		ret = monitored_only(b, p, &s);
		if (ret || !s.n) {
			free(s.ranges);
			if (ret)
				return ret;
			continue;
		}
		memset(&gr, 0, sizeof(gr));
		gr.proto = p ? IPPROTO_UDP : IPPROTO_TCP;
		gr.ports = s;
		snprintf(name, sizeof(name), "%s-monitored",
			 proto_name(gr.proto));
		m = &(struct nftgen_match){ 0 };
		set = port_match(g, &s, name, m);
		if (set == -ENOMEM) {
			free(s.ranges);
			return set;
		}
		for (ct = 1; ct >= 0; ct--) {
			ret = flow_rule(b, ct ? NFTGEN_JUDGE :
					NFTGEN_JUDGE_UNTRACKED, ct, &gr, set, 0);
			if (ret) {
				free(s.ranges);
				return ret;
			}
			r = &g->chains[ct ? NFTGEN_JUDGE :
				       NFTGEN_JUDGE_UNTRACKED].rules[
				g->chains[ct ? NFTGEN_JUDGE :
					  NFTGEN_JUDGE_UNTRACKED].n - 1];
			r->mark = false;
			r->counter = true;
		}
		free(s.ranges);
	}
	for (ct = 1; ct >= 0; ct--) {
		r = new_rule(g, ct ? NFTGEN_JUDGE : NFTGEN_JUDGE_UNTRACKED);
		if (!r)
			return -ENOMEM;
		add_match(r, NK_L4PROTO, NV_TCPUDP);
		r->counter = true;
		r->verdict = g->cfg.mode == EPGATE_MODE_ENFORCE ?
			     NFTGEN_DROP : NFTGEN_NONE;
	}

	for (i = NFTGEN_FORWARD; i <= NFTGEN_OUTPUT; i++) {
		ret = scope_rules(g, i);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Drop logging on every rule that counts a miss (the monitored-only ports
 * and the mode's verdict): NFLOG in the rule itself, the kernel log in a
 * rule of its own just before it, with the same matches and a limit
 * (which, as a match, would otherwise keep the rule from counting).
 */
static int add_logging(struct nftgen *g)
{
	unsigned int chain;
	size_t i;

	if (!(g->cfg.log_flags & EPGATE_LOG_ALL))
		return 0;
	for (chain = NFTGEN_JUDGE; chain <= NFTGEN_JUDGE_UNTRACKED; chain++) {
		struct nftgen_chain *c = &g->chains[chain];

		for (i = 0; i < c->n; i++) {
			struct nftgen_rule *r = &c->rules[i];

			if (!r->counter || r->log_kernel)
				continue;
			r->would_drop = r->verdict != NFTGEN_DROP;
			r->log_group = g->cfg.log_flags & EPGATE_LOG_NFLOG;
			if (!(g->cfg.log_flags & EPGATE_LOG_KERNEL))
				continue;
			/* A copy before it, that logs and goes on. */
			if (!new_rule(g, chain))
				return -ENOMEM;
			r = &c->rules[i];
			memmove(r + 1, r, (c->n - 1 - i) * sizeof(*r));
			r->counter = false;
			r->log_group = false;
			r->mark = false;
			r->verdict = NFTGEN_NONE;
			r->log_kernel = true;
			i++;	/* past the original */
		}
	}
	return 0;
}

int nftgen_build(const struct flowlist *fl, const struct nftgen_config *cfg,
		 struct nftgen *g, char *err, size_t errlen)
{
	struct builder b = { .g = g, .fl = fl };
	unsigned int i;
	int ret = 0, p, k;

	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	for (i = 0; i < NFTGEN_NCHAINS; i++)
		g->chains[i].name = chain_names[i];
	g->chains[NFTGEN_FORWARD].hook = "forward";
	g->chains[NFTGEN_INPUT].hook = "input";
	g->chains[NFTGEN_OUTPUT].hook = "output";
	for (i = 0; i < cfg->nin + cfg->nout; i++) {
		const char *n = i < cfg->nin ? cfg->in[i] :
					       cfg->out[i - cfg->nin];

		if (bad_name(n)) {
			snprintf(err, errlen,
				 "interface name '%s' cannot be quoted for nft",
				 n);
			return -EINVAL;
		}
	}
	if (bad_name(cfg->table) || bad_name(cfg->family)) {
		snprintf(err, errlen, "bad table name '%s %s'", cfg->family,
			 cfg->table);
		return -EINVAL;
	}
	if (cfg->mode == EPGATE_MODE_OFF)
		return 0;	/* the module judges nothing: no chains */
	for (p = 0; p < 2; p++) {
		for (k = 0; k < 2; k++) {
			b.used[p][k] = calloc(65536, 1);
			if (!b.used[p][k])
				ret = -ENOMEM;
		}
	}
	b.addrset = calloc(fl->nsets + 1, sizeof(*b.addrset));
	if (!b.addrset)
		ret = -ENOMEM;
	if (!ret)
		ret = build(&b, fl);
	if (!ret)
		ret = add_logging(g);
	for (p = 0; p < 2; p++)
		for (k = 0; k < 2; k++)
			free(b.used[p][k]);
	for (i = 0; i < b.ngroups; i++)
		free(b.groups[i].ports.ranges);
	free(b.groups);
	free(b.addrset);
	if (ret) {
		nftgen_free(g);
		snprintf(err, errlen, "%s", strerror(-ret));
	}
	return ret;
}

/* ---- nft -f text ------------------------------------------------------- */

static void print_prefix(FILE *f, const struct flowlist_prefix *p)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(p->family, p->addr, buf, sizeof(buf));
	if (p->len == (p->family == AF_INET ? 32 : 128))
		fprintf(f, "%s", buf);
	else
		fprintf(f, "%s/%u", buf, p->len);
}

/* The prefix length of @r if it is exactly a prefix, else -1. */
static int range_prefix(const struct nftgen_addr_range *r, uint8_t family)
{
	unsigned int bits = addr_len(family) * 8, len, i;

#define BIT(a, i) ((a)[(i) / 8] >> (7 - (i) % 8) & 1)
	for (len = bits; len > 0; len--) {
		if (BIT(r->lo, len - 1) || !BIT(r->hi, len - 1))
			break;	/* not a host bit */
	}
	for (i = 0; i < len; i++) {
		if (BIT(r->lo, i) != BIT(r->hi, i))
			return -1;
	}
#undef BIT
	return (int)len;
}

/* An element of an address set: a prefix, an address or a range a-b. */
static void print_addr_range(FILE *f, const struct nftgen_addr_range *r,
			     uint8_t family)
{
	struct flowlist_prefix p = { .family = family };
	char lo[INET6_ADDRSTRLEN], hi[INET6_ADDRSTRLEN];
	int len = range_prefix(r, family);

	if (len >= 0) {
		p.len = len;
		memcpy(p.addr, r->lo, sizeof(p.addr));
		print_prefix(f, &p);
		return;
	}
	inet_ntop(family, r->lo, lo, sizeof(lo));
	inet_ntop(family, r->hi, hi, sizeof(hi));
	fprintf(f, "%s-%s", lo, hi);
}

static void print_range(FILE *f, const struct flowlist_range *r)
{
	if (r->lo == r->hi)
		fprintf(f, "%u", r->lo);
	else
		fprintf(f, "%u-%u", r->lo, r->hi);
}

static const char *ip_kw(const struct flowlist_prefix *p)
{
	return p->family == AF_INET ? "ip" : "ip6";
}

static void print_match(const struct nftgen *g, const struct nftgen_match *m,
			FILE *f)
{
	unsigned int i;

	switch (m->key) {
	case NK_L4PROTO:
		fputs("meta l4proto ", f);
		break;
	case NK_NFPROTO:
		fputs("meta nfproto ", f);
		break;
	case NK_CT_STATE:
		fputs("ct state ", f);
		break;
	case NK_CT_DIRECTION:
		fputs("ct direction ", f);
		break;
	case NK_CT_DPORT:
		fputs("ct reply proto-src ", f);
		break;
	case NK_TH_DPORT:
		fputs("th dport ", f);
		break;
	case NK_CT_SADDR:
		fprintf(f, "ct original %s saddr ", ip_kw(&m->pfx));
		break;
	case NK_CT_DADDR:
		fprintf(f, "ct reply %s saddr ", ip_kw(&m->pfx));
		break;
	case NK_SADDR:
		fprintf(f, "%s saddr ", ip_kw(&m->pfx));
		break;
	case NK_DADDR:
		fprintf(f, "%s daddr ", ip_kw(&m->pfx));
		break;
	case NK_IIFNAME:
		fputs("iifname ", f);
		break;
	case NK_OIFNAME:
		fputs("oifname ", f);
		break;
	}
	switch (m->val) {
	case NV_U8:
		if (m->key == NK_NFPROTO)
			fputs(m->u8 == NFPROTO_IPV4 ? "ipv4" : "ipv6", f);
		else
			fputs(proto_name(m->u8), f);
		break;
	case NV_TCPUDP:
		fputs("{ tcp, udp }", f);
		break;
	case NV_UNTRACKED:
		fputs("invalid,untracked", f);
		break;
	case NV_REPLY:
		fputs("reply", f);
		break;
	case NV_PORT:
		fprintf(f, "%u", m->lo);
		break;
	case NV_RANGE:
		fprintf(f, "%u-%u", m->lo, m->hi);
		break;
	case NV_SET:
		fprintf(f, "@%s", g->sets[m->set].name);
		break;
	case NV_ADDRSET:
		fprintf(f, "@%s", g->addrsets[m->set].name);
		break;
	case NV_PREFIX:
		print_prefix(f, &m->pfx);
		break;
	case NV_NAMES:
		if (m->nnames == 1) {
			fprintf(f, "\"%s\"", m->names[0]);
			break;
		}
		fputs("{ ", f);
		for (i = 0; i < m->nnames; i++)
			fprintf(f, "%s\"%s\"", i ? ", " : "", m->names[i]);
		fputs(" }", f);
		break;
	}
}

static void print_rule(const struct nftgen *g, const struct nftgen_rule *r,
		       FILE *f)
{
	const char *sep = "";
	unsigned int i;

	fputs("\t\t", f);
	for (i = 0; i < r->nm; i++) {
		fputs(sep, f);
		print_match(g, &r->m[i], f);
		sep = " ";
	}
	if (r->mark) {
		if (g->cfg.mark_mask == 0xffffffff)
			fprintf(f, "%smeta mark set 0x%08x", sep,
				g->cfg.mark_value);
		else
			fprintf(f, "%smeta mark set meta mark & 0x%08x | 0x%08x",
				sep, ~g->cfg.mark_mask, g->cfg.mark_value);
		sep = " ";
	}
	if (r->log_kernel) {
		fprintf(f, "%slimit rate 2/second burst 10 packets log prefix \"epgate %s \" level info",
			sep, r->would_drop ? "would-drop" : "drop");
		sep = " ";
	}
	if (r->log_group) {
		fprintf(f, "%slog prefix \"epgate %s \" group %u", sep,
			r->would_drop ? "would-drop" : "drop", g->cfg.log_group);
		sep = " ";
	}
	if (r->counter) {
		fprintf(f, "%scounter", sep);
		sep = " ";
	}
	switch (r->verdict) {
	case NFTGEN_ACCEPT:
		fprintf(f, "%saccept", sep);
		break;
	case NFTGEN_DROP:
		fprintf(f, "%sdrop", sep);
		break;
	case NFTGEN_RETURN:
		fprintf(f, "%sreturn", sep);
		break;
	case NFTGEN_GOTO:
		fprintf(f, "%sgoto %s", sep, g->chains[r->target].name);
		break;
	}
	fputc('\n', f);
}

static void print_comment(const struct nftgen *g, FILE *f)
{
	const struct nftgen_config *c = &g->cfg;
	static const char * const modes[] = { "off", "monitor", "enforce" };
	char hooks[32];
	unsigned int i;

	fprintf(f, "# epgate policy: mode %s, hooks %s",
		c->mode <= EPGATE_MODE_MAX ? modes[c->mode] : "?",
		nftgen_hooks(c->hooks, hooks, sizeof(hooks)));
	fputs(", in ", f);
	for (i = 0; i < c->nin; i++)
		fprintf(f, "%s%s", i ? "," : "", c->in[i]);
	fputs(c->nin ? ", out " : "any, out ", f);
	for (i = 0; i < c->nout; i++)
		fprintf(f, "%s%s", i ? "," : "", c->out[i]);
	fputs(c->nout ? "" : "any", f);
	if (c->mark_mask)
		fprintf(f, ", mark 0x%x/0x%x", c->mark_value, c->mark_mask);
	fprintf(f, ", %zu flow%s\n", g->nflows, g->nflows == 1 ? "" : "s");
	/* Which nft sets each address set became (its halves are adjacent). */
	for (i = 0; i < g->naddrsets; i++) {
		const struct nftgen_addrset *a = &g->addrsets[i];
		bool two = i + 1 < g->naddrsets && g->addrsets[i + 1].ref == a->ref;

		fprintf(f, "# address set %s: nft set%s %s", a->role,
			two ? "s" : "", a->name);
		if (two)
			fprintf(f, ", %s", g->addrsets[++i].name);
		fputc('\n', f);
	}
}

void nftgen_print(const struct nftgen *g, FILE *f)
{
	const struct nftgen_config *c = &g->cfg;
	size_t i, k;
	bool first = true;

	fputs("#!/usr/sbin/nft -f\n", f);
	print_comment(g, f);
	fprintf(f, "# Written by `epgate export nft`: replaces table %s %s in one transaction.\n",
		c->family, c->table);
	/* What epgate-export cannot express, as epgate(8) promises. */
	fputs("# Differences from the module: no per-flow counters (one counter per rule);\n"
	      "# a connection a conntrack helper expects (FTP data) is judged by its own\n"
	      "# tuple, not its master's; an ICMP error related to an allowed connection\n"
	      "# passes unmarked; a logged drop carries no reason (no-flow, no-match).\n", f);
	fprintf(f, "table %s %s\ndelete table %s %s\ntable %s %s {\n",
		c->family, c->table, c->family, c->table, c->family, c->table);
	for (i = 0; i < g->nsets; i++) {
		const struct nftgen_set *s = &g->sets[i];

		fprintf(f, "%s\tset %s {\n\t\ttype inet_service\n",
			first ? "" : "\n", s->name);
		if (s->interval)
			fputs("\t\tflags interval\n", f);
		fputs("\t\telements = { ", f);
		for (k = 0; k < s->n; k++) {
			fputs(k ? ", " : "", f);
			print_range(f, &s->ranges[k]);
		}
		fputs(" }\n\t}\n", f);
		first = false;
	}
	for (i = 0; i < g->naddrsets; i++) {
		const struct nftgen_addrset *a = &g->addrsets[i];

		fprintf(f, "%s\tset %s {\n\t\ttype %s\n\t\tflags interval\n",
			first ? "" : "\n", a->name,
			a->family == AF_INET ? "ipv4_addr" : "ipv6_addr");
		if (a->comment[0])
			fprintf(f, "\t\tcomment \"%s\"\n", a->comment);
		/* nft takes no empty `elements = { }`: an empty set has none. */
		for (k = 0; k < a->n; k++) {
			fputs(k ? ", " : "\t\telements = { ", f);
			print_addr_range(f, &a->ranges[k], a->family);
		}
		fputs(a->n ? " }\n\t}\n" : "\t}\n", f);
		first = false;
	}
	for (i = 0; i < NFTGEN_NCHAINS; i++) {
		const struct nftgen_chain *ch = &g->chains[i];

		if (!ch->used)
			continue;
		fprintf(f, "%s\tchain %s {\n", first ? "" : "\n", ch->name);
		if (ch->hook)
			fprintf(f, "\t\ttype filter hook %s priority filter %c %d; policy accept;\n",
				ch->hook, g->cfg.priority < 0 ? '-' : '+',
				abs(g->cfg.priority));
		for (k = 0; k < ch->n; k++)
			print_rule(g, &ch->rules[k], f);
		fputs("\t}\n", f);
		first = false;
	}
	fputs("}\n", f);
}

/* ---- nftables JSON ----------------------------------------------------- */

static void json_table_ref(struct json *j, const struct nftgen_config *c)
{
	json_string(j, "family", c->family);
	json_string(j, "table", c->table);
}

static void json_prefix(struct json *j, const struct flowlist_prefix *p)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(p->family, p->addr, buf, sizeof(buf));
	if (p->len == (p->family == AF_INET ? 32 : 128)) {
		json_string(j, "right", buf);
		return;
	}
	json_object_begin(j, "right");
	json_object_begin(j, "prefix");
	json_string(j, "addr", buf);
	json_u64(j, "len", p->len);
	json_object_end(j);
	json_object_end(j);
}

/* An element of an address set, as print_addr_range() writes it. */
static void json_addr_range(struct json *j, const struct nftgen_addr_range *r,
			    uint8_t family)
{
	char lo[INET6_ADDRSTRLEN], hi[INET6_ADDRSTRLEN];
	int len = range_prefix(r, family);

	inet_ntop(family, r->lo, lo, sizeof(lo));
	if (len == (int)addr_len(family) * 8) {
		json_string(j, NULL, lo);
		return;
	}
	json_object_begin(j, NULL);
	if (len >= 0) {
		json_object_begin(j, "prefix");
		json_string(j, "addr", lo);
		json_u64(j, "len", len);
		json_object_end(j);
	} else {
		inet_ntop(family, r->hi, hi, sizeof(hi));
		json_array_begin(j, "range");
		json_string(j, NULL, lo);
		json_string(j, NULL, hi);
		json_array_end(j);
	}
	json_object_end(j);
}

static void json_range(struct json *j, const char *key,
		       const struct flowlist_range *r)
{
	if (r->lo == r->hi) {
		json_u64(j, key, r->lo);
		return;
	}
	json_object_begin(j, key);
	json_array_begin(j, "range");
	json_u64(j, NULL, r->lo);
	json_u64(j, NULL, r->hi);
	json_array_end(j);
	json_object_end(j);
}

static void json_left(struct json *j, const struct nftgen_match *m)
{
	const char *ip = m->pfx.family == AF_INET ? "ip" : "ip6";
	char key[16];

	json_object_begin(j, "left");
	switch (m->key) {
	case NK_L4PROTO:
	case NK_NFPROTO:
	case NK_IIFNAME:
	case NK_OIFNAME:
		json_object_begin(j, "meta");
		json_string(j, "key", m->key == NK_L4PROTO ? "l4proto" :
			    m->key == NK_NFPROTO ? "nfproto" :
			    m->key == NK_IIFNAME ? "iifname" : "oifname");
		json_object_end(j);
		break;
	case NK_CT_STATE:
	case NK_CT_DIRECTION:
		json_object_begin(j, "ct");
		json_string(j, "key", m->key == NK_CT_STATE ? "state" :
							      "direction");
		json_object_end(j);
		break;
	case NK_CT_DPORT:
	case NK_CT_SADDR:
	case NK_CT_DADDR:
		json_object_begin(j, "ct");
		if (m->key == NK_CT_DPORT)
			snprintf(key, sizeof(key), "proto-src");
		else
			snprintf(key, sizeof(key), "%s saddr", ip);
		json_string(j, "key", key);
		json_string(j, "dir", m->key == NK_CT_SADDR ? "original" :
							      "reply");
		json_object_end(j);
		break;
	case NK_TH_DPORT:
	case NK_SADDR:
	case NK_DADDR:
		json_object_begin(j, "payload");
		json_string(j, "protocol", m->key == NK_TH_DPORT ? "th" : ip);
		json_string(j, "field", m->key == NK_TH_DPORT ? "dport" :
			    m->key == NK_SADDR ? "saddr" : "daddr");
		json_object_end(j);
		break;
	}
	json_object_end(j);
}

static void json_match(struct json *j, const struct nftgen *g,
		       const struct nftgen_match *m)
{
	struct flowlist_range r = { m->lo, m->hi };
	char set[NFTGEN_NAME_MAX + 1];
	unsigned int i;

	json_object_begin(j, NULL);
	json_object_begin(j, "match");
	json_string(j, "op", m->key == NK_CT_STATE ? "in" : "==");
	json_left(j, m);
	switch (m->val) {
	case NV_U8:
		if (m->key == NK_NFPROTO)
			json_string(j, "right", m->u8 == NFPROTO_IPV4 ?
				    "ipv4" : "ipv6");
		else
			json_string(j, "right", proto_name(m->u8));
		break;
	case NV_TCPUDP:
		json_object_begin(j, "right");
		json_array_begin(j, "set");
		json_string(j, NULL, "tcp");
		json_string(j, NULL, "udp");
		json_array_end(j);
		json_object_end(j);
		break;
	case NV_UNTRACKED:
		json_array_begin(j, "right");
		json_string(j, NULL, "invalid");
		json_string(j, NULL, "untracked");
		json_array_end(j);
		break;
	case NV_REPLY:
		json_string(j, "right", "reply");
		break;
	case NV_PORT:
	case NV_RANGE:
		json_range(j, "right", &r);
		break;
	case NV_SET:
		snprintf(set, sizeof(set), "@%s", g->sets[m->set].name);
		json_string(j, "right", set);
		break;
	case NV_ADDRSET:
		snprintf(set, sizeof(set), "@%s", g->addrsets[m->set].name);
		json_string(j, "right", set);
		break;
	case NV_PREFIX:
		json_prefix(j, &m->pfx);
		break;
	case NV_NAMES:
		if (m->nnames == 1) {
			json_string(j, "right", m->names[0]);
			break;
		}
		json_object_begin(j, "right");
		json_array_begin(j, "set");
		for (i = 0; i < m->nnames; i++)
			json_string(j, NULL, m->names[i]);
		json_array_end(j);
		json_object_end(j);
		break;
	}
	json_object_end(j);
	json_object_end(j);
}

static void json_mark(struct json *j, const struct nftgen_config *c)
{
	json_object_begin(j, NULL);
	json_object_begin(j, "mangle");
	json_object_begin(j, "key");
	json_object_begin(j, "meta");
	json_string(j, "key", "mark");
	json_object_end(j);
	json_object_end(j);
	if (c->mark_mask == 0xffffffff) {
		json_u64(j, "value", c->mark_value);
	} else {
		json_object_begin(j, "value");
		json_array_begin(j, "|");
		json_object_begin(j, NULL);
		json_array_begin(j, "&");
		json_object_begin(j, NULL);
		json_object_begin(j, "meta");
		json_string(j, "key", "mark");
		json_object_end(j);
		json_object_end(j);
		json_u64(j, NULL, (uint32_t)~c->mark_mask);
		json_array_end(j);
		json_object_end(j);
		json_u64(j, NULL, c->mark_value);
		json_array_end(j);
		json_object_end(j);
	}
	json_object_end(j);
	json_object_end(j);
}

static void json_rule(struct json *j, const struct nftgen *g,
		      const struct nftgen_chain *ch,
		      const struct nftgen_rule *r)
{
	static const char * const verdicts[] = {
		[NFTGEN_ACCEPT] = "accept",
		[NFTGEN_DROP] = "drop",
		[NFTGEN_RETURN] = "return",
	};
	unsigned int i;

	json_object_begin(j, NULL);
	json_object_begin(j, "add");
	json_object_begin(j, "rule");
	json_table_ref(j, &g->cfg);
	json_string(j, "chain", ch->name);
	json_array_begin(j, "expr");
	for (i = 0; i < r->nm; i++)
		json_match(j, g, &r->m[i]);
	if (r->mark)
		json_mark(j, &g->cfg);
	if (r->log_kernel) {
		json_object_begin(j, NULL);
		json_object_begin(j, "limit");
		json_u64(j, "rate", 2);
		json_string(j, "per", "second");
		json_u64(j, "burst", 10);
		json_object_end(j);
		json_object_end(j);
	}
	if (r->log_kernel || r->log_group) {
		json_object_begin(j, NULL);
		json_object_begin(j, "log");
		json_string(j, "prefix", r->would_drop ? "epgate would-drop " :
			    "epgate drop ");
		if (r->log_kernel)
			json_string(j, "level", "info");
		else
			json_u64(j, "group", g->cfg.log_group);
		json_object_end(j);
		json_object_end(j);
	}
	if (r->counter) {
		json_object_begin(j, NULL);
		json_null(j, "counter");
		json_object_end(j);
	}
	if (r->verdict == NFTGEN_GOTO) {
		json_object_begin(j, NULL);
		json_object_begin(j, "goto");
		json_string(j, "target", g->chains[r->target].name);
		json_object_end(j);
		json_object_end(j);
	} else if (r->verdict != NFTGEN_NONE) {
		json_object_begin(j, NULL);
		json_null(j, verdicts[r->verdict]);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
	json_object_end(j);
	json_object_end(j);
}

static void json_table_cmd(struct json *j, const struct nftgen_config *c,
			   const char *cmd)
{
	json_object_begin(j, NULL);
	json_object_begin(j, cmd);
	json_object_begin(j, "table");
	json_string(j, "family", c->family);
	json_string(j, "name", c->table);
	json_object_end(j);
	json_object_end(j);
	json_object_end(j);
}

void nftgen_print_json(const struct nftgen *g, FILE *f)
{
	const struct nftgen_config *c = &g->cfg;
	struct json j;
	size_t i, k;

	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "nftables");
	json_object_begin(&j, NULL);
	json_object_begin(&j, "metainfo");
	json_u64(&j, "json_schema_version", 1);
	json_object_end(&j);
	json_object_end(&j);
	json_table_cmd(&j, c, "add");
	json_table_cmd(&j, c, "delete");
	json_table_cmd(&j, c, "add");
	for (i = 0; i < g->nsets; i++) {
		const struct nftgen_set *s = &g->sets[i];

		json_object_begin(&j, NULL);
		json_object_begin(&j, "add");
		json_object_begin(&j, "set");
		json_table_ref(&j, c);
		json_string(&j, "name", s->name);
		json_string(&j, "type", "inet_service");
		if (s->interval) {
			json_array_begin(&j, "flags");
			json_string(&j, NULL, "interval");
			json_array_end(&j);
		}
		json_array_begin(&j, "elem");
		for (k = 0; k < s->n; k++)
			json_range(&j, NULL, &s->ranges[k]);
		json_array_end(&j);
		json_object_end(&j);
		json_object_end(&j);
		json_object_end(&j);
	}
	for (i = 0; i < g->naddrsets; i++) {
		const struct nftgen_addrset *a = &g->addrsets[i];

		json_object_begin(&j, NULL);
		json_object_begin(&j, "add");
		json_object_begin(&j, "set");
		json_table_ref(&j, c);
		json_string(&j, "name", a->name);
		json_string(&j, "type", a->family == AF_INET ? "ipv4_addr" :
							       "ipv6_addr");
		if (a->comment[0])
			json_string(&j, "comment", a->comment);
		json_array_begin(&j, "flags");
		json_string(&j, NULL, "interval");
		json_array_end(&j);
		if (a->n) {
			json_array_begin(&j, "elem");
			for (k = 0; k < a->n; k++)
				json_addr_range(&j, &a->ranges[k], a->family);
			json_array_end(&j);
		}
		json_object_end(&j);
		json_object_end(&j);
		json_object_end(&j);
	}
	for (i = 0; i < NFTGEN_NCHAINS; i++) {
		const struct nftgen_chain *ch = &g->chains[i];

		if (!ch->used)
			continue;
		json_object_begin(&j, NULL);
		json_object_begin(&j, "add");
		json_object_begin(&j, "chain");
		json_table_ref(&j, c);
		json_string(&j, "name", ch->name);
		if (ch->hook) {
			json_string(&j, "type", "filter");
			json_string(&j, "hook", ch->hook);
			json_i64(&j, "prio", g->cfg.priority);
			json_string(&j, "policy", "accept");
		}
		json_object_end(&j);
		json_object_end(&j);
		json_object_end(&j);
	}
	for (i = 0; i < NFTGEN_NCHAINS; i++) {
		const struct nftgen_chain *ch = &g->chains[i];

		for (k = 0; ch->used && k < ch->n; k++)
			json_rule(&j, g, ch, &ch->rules[k]);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}
