// SPDX-License-Identifier: GPL-2.0
/*
 * Builder of the epgate flow table; the layout and the lookup are in
 * include/epgate/table.h.
 *
 * Runs off the packet path and may sleep.  It works per protocol in four
 * passes, all bounded by the limits of table.h:
 *
 *  1. segments: the range boundaries cut the 65,536 ports into segments
 *     whose ports are used by the same flows; seg[port] numbers them;
 *  2. rules: each spec is added, in priority order, to the rule list of
 *     every segment its ranges cover, unless an earlier rule of the list
 *     covers it (the merge that keeps 443 short); list versions let one
 *     coverage check serve every segment whose list is the same;
 *  3. classes: segments with equal rule lists get one class number;
 *  4. blocks: the per-port class numbers, 256 at a time, each distinct
 *     block kept once.
 *
 * Then the table is sized exactly, allocated and filled.  Scratch memory is
 * heap, never stack, and all of it is freed before returning.
 *
 * Cost: pass 2 dominates, one step per (spec, segment spanned).  The worst
 * input, 16,384 specs whose 64 ranges each span all 65,536 ports, cut into
 * 65,536 segments, and all merging into one rule (more distinct rules hit
 * EPG_MAX_RULES_PER_CLASS and fail early), took 2.2 s on the 2-core build
 * host (0.54 s at 4,096 specs); the loop yields with cond_resched().  Real
 * policies and bench_lookup's 65,536-port tables take milliseconds.
 */
#include <epgate/table.h>

/* table.h's memory formula, and the class word's two fields. */
_Static_assert(sizeof(struct epg_rule) == 12, "epg_rule size");
_Static_assert(sizeof(struct epg_rule_addr) == 64, "epg_rule_addr size");
_Static_assert((u64)EPG_MAX_RULES << EPG_CLASS_COUNT_BITS <= 0xffffffffULL + 1,
	       "rule index overflows a class word");
_Static_assert(EPG_MAX_RULES_PER_CLASS <= EPG_CLASS_COUNT_MASK,
	       "rule count overflows a class word");

#define EPG_NPORTS	65536U
#define EPG_MAX_BLOCKS	(1 + EPG_NPROTO * EPG_TOP_SIZE)
#define EPG_NO_SEG	0xffffffffU
#define EPG_MEMO_SIZE	64

/*
 * What adding the current spec did to a list of version from: version to,
 * to == from when an earlier rule covered the spec.  Direct-mapped by from.
 */
struct memo {
	u32 stamp;		/* spec index + 1, 0 never */
	u32 from;
	u32 to;
};

#define EPG_SET_ANY	0xffffffffU	/* a set rule's unbound role */

/* A compiled spec while building: the emitted rule and its address words. */
struct brule {
	u32 id;
	u16 spec;
	u8 family;		/* EPG_RULE_SETS: sfrom and sto, not w */
	u8 flags;
	u32 sfrom, sto;		/* set rules: index into sets, or EPG_SET_ANY */
	struct epg_rule_word w[4];
};

/*
 * A distinct address set of the build: a caller's epg_addrset, or the one
 * prefix of a role that a set rule holds as a set of one.
 */
struct bset {
	const struct epg_addrset *as;	/* NULL: the prefix one */
	struct epg_prefix one;
	u32 first;			/* the first spec naming it, for errors */
	u8 fams;			/* 1: has IPv4, 2: has IPv6 */
	/* compiled */
	u32 n[2];			/* intervals per family */
	void *iv[2];			/* struct epg_iv4 / epg_iv6 */
	u32 nb[2], shift[2];
	u64 base[2];
};

struct builder {
	const struct epg_flow_spec *specs;
	unsigned int n;
	char *err;
	size_t errlen;

	struct brule *rules;		/* spec i compiled, before merging */
	u16 *seg[EPG_NPROTO];		/* port -> segment of the protocol */
	u32 nseg[EPG_NPROTO];
	u32 seg_base[EPG_NPROTO];	/* segments of both protos in one space */
	u16 (*list)[EPG_MAX_RULES_PER_CLASS];	/* segment -> spec indexes */
	u8 *count;			/* segment -> length of its list */
	u32 *ver;			/* segment -> list version: equal
					 * versions, equal lists */
	u32 nver;
	struct memo memo[EPG_MEMO_SIZE];
	u16 *seg_class;			/* segment -> class in its protocol */
	u32 *class_seg;			/* class (both protos) -> a segment */
	u32 *slots;			/* hash of rule lists, pass 3 */
	u32 nslots;
	u32 nclasses;
	u32 class_base[EPG_NPROTO];
	u32 nrules;
	u16 (*blocks)[EPG_BLOCK_PORTS];
	u32 *block_hash;
	u32 nblocks;
	u16 top[EPG_NPROTO][EPG_TOP_SIZE];

	struct bset *sets;		/* distinct sets, in order of use */
	u32 nsets;
	u32 nprefixes;			/* given, over the distinct sets */
	u32 *set_slots;			/* hash: set index + 1, 0 free */
	u32 nset_slots;
};

static const char *const proto_name[EPG_NPROTO] = { "tcp", "udp" };

__attribute__((format(printf, 3, 4)))
static int fail(struct builder *b, int ret, const char *fmt, ...)
{
	va_list ap;

	if (b->err && b->errlen) {
		va_start(ap, fmt);
		vsnprintf(b->err, b->errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static int check_prefix(struct builder *b, unsigned int i, const char *role,
			const struct epg_prefix *p)
{
	unsigned int max;

	switch (p->family) {
	case 0:
		max = 0;
		break;
	case AF_INET:
		max = 32;
		break;
	case AF_INET6:
		max = 128;
		break;
	default:
		return fail(b, -EINVAL, "flow %u: %s: bad address family %u",
			    i, role, p->family);
	}
	if (p->len > max)
		return fail(b, -EINVAL, "flow %u: %s: prefix length %u > %u",
			    i, role, p->len, max);
	/* Words beyond the family (IPv4 words 1-3, all of "any") have mask 0. */
	if (epg_prefix_host_bits(p))
		return fail(b, -EINVAL, "flow %u: %s: address bits set beyond /%u",
			    i, role, p->len);
	return 0;
}

static int check_spec(struct builder *b, unsigned int i)
{
	const struct epg_flow_spec *s = &b->specs[i];
	unsigned int r;
	int ret;

	if (s->proto >= EPG_NPROTO)
		return fail(b, -EINVAL, "flow %u: bad protocol %u", i, s->proto);
	if (!s->nranges || !s->ranges)
		return fail(b, -EINVAL, "flow %u: no port range", i);
	if (s->nranges > EPG_MAX_RANGES)
		return fail(b, -E2BIG, "flow %u: %u port ranges, limit %u",
			    i, s->nranges, EPG_MAX_RANGES);
	for (r = 0; r < s->nranges; r++) {
		if (s->ranges[r].lo > s->ranges[r].hi)
			return fail(b, -EINVAL, "flow %u: port range %u-%u",
				    i, s->ranges[r].lo, s->ranges[r].hi);
	}
	if ((s->from_set && s->from.family) || (s->to_set && s->to.family))
		return fail(b, -EINVAL, "flow %u: %s bound to a prefix and a set",
			    i, s->from_set && s->from.family ? "initiator" :
							      "responder");
	ret = check_prefix(b, i, "initiator", &s->from);
	if (!ret)
		ret = check_prefix(b, i, "responder", &s->to);
	return ret;
}

static void compile_spec(struct builder *b, unsigned int i,
			 const struct epg_prefix *from,
			 const struct epg_prefix *to);

/* A family, as the bit of a set's family mask; 3 for "any address". */
static u8 fam_bit(u8 family)
{
	return family == AF_INET ? 1 : family == AF_INET6 ? 2 : 3;
}

/*
 * A set of one prefix is that prefix: such a role compiles as before.
 * Returns the role's prefix, or NULL for a set of several.
 */
static const struct epg_prefix *role_prefix(const struct epg_prefix *p,
					    const struct epg_addrset *as)
{
	if (!as)
		return p;
	return as->n == 1 && as->prefixes ? &as->prefixes[0] : NULL;
}

static u32 set_hash(const struct epg_addrset *as, const struct epg_prefix *one)
{
	const u8 *k = (const u8 *)one;
	u32 h = 2166136261U;
	unsigned int j;

	if (as)
		return (u32)(((unsigned long)as >> 4) * 2654435761UL);
	for (j = 0; j < sizeof(*one); j++)
		h = (h ^ k[j]) * 16777619U;
	return h;
}

/* Check a caller's set, the first time a spec names it. */
static int check_set(struct builder *b, unsigned int i, const char *role,
		     const struct epg_addrset *as, u8 *fams)
{
	char what[48];
	u32 k;
	int ret;

	if (!as->n || !as->prefixes)
		return fail(b, -EINVAL, "flow %u: %s set is empty", i, role);
	if (as->n > EPG_MAX_PREFIXES - b->nprefixes)
		return fail(b, -E2BIG, "flow %u: %s set: more than %u prefixes in the table",
			    i, role, EPG_MAX_PREFIXES);
	*fams = 0;
	for (k = 0; k < as->n; k++) {
		snprintf(what, sizeof(what), "%s set, prefix %u", role, k);
		if (!as->prefixes[k].family)
			return fail(b, -EINVAL, "flow %u: %s: no address family",
				    i, what);
		ret = check_prefix(b, i, what, &as->prefixes[k]);
		if (ret)
			return ret;
		*fams |= fam_bit(as->prefixes[k].family);
	}
	b->nprefixes += as->n;
	return 0;
}

/*
 * The index of the set of a role of spec i (a caller's set, or the one
 * prefix in one), registering it when new.  Sets are shared by pointer,
 * prefixes by value.
 */
static int add_set(struct builder *b, unsigned int i, const char *role,
		   const struct epg_addrset *as, const struct epg_prefix *one,
		   u32 *out)
{
	struct epg_prefix key;
	struct bset *e;
	u32 h, idx;
	int ret;

	if (!as)
		key = *one;
	else
		memset(&key, 0, sizeof(key));
	h = set_hash(as, &key);
	for (;; h++) {
		h &= b->nset_slots - 1;
		if (!b->set_slots[h])
			break;
		e = &b->sets[b->set_slots[h] - 1];
		if (e->as == as && (as || !memcmp(&e->one, &key, sizeof(key)))) {
			*out = b->set_slots[h] - 1;
			return 0;
		}
	}
	if (b->nsets == EPG_MAX_SETS)
		return fail(b, -E2BIG, "flow %u: more than %u address sets",
			    i, EPG_MAX_SETS);
	idx = b->nsets;
	e = &b->sets[idx];
	e->as = as;
	e->one = key;
	e->first = i;
	if (as) {
		ret = check_set(b, i, role, as, &e->fams);
		if (ret)
			return ret;
	} else {
		if (b->nprefixes == EPG_MAX_PREFIXES)
			return fail(b, -E2BIG, "flow %u: more than %u prefixes in the table",
				    i, EPG_MAX_PREFIXES);
		b->nprefixes++;
		e->fams = fam_bit(key.family);
	}
	b->set_slots[h] = idx + 1;
	b->nsets++;
	*out = idx;
	return 0;
}

static u8 role_fams(const struct builder *b, u32 set)
{
	return set == EPG_SET_ANY ? 3 : b->sets[set].fams;
}

/*
 * Spec i's roles, once every spec passed check_spec(): a rule of prefixes
 * as before, or, when a role is a set of several prefixes, a set rule.
 */
static int check_one(struct builder *b, unsigned int i, const char *role,
		     const struct epg_addrset *as, const struct epg_prefix *p)
{
	char what[48];

	/* A plain prefix passed check_spec(); a set of several, check_set(). */
	if (!as || !p)
		return 0;
	snprintf(what, sizeof(what), "%s set, prefix 0", role);
	if (!p->family)
		return fail(b, -EINVAL, "flow %u: %s: no address family", i,
			    what);
	return check_prefix(b, i, what, p);
}

static int compile_roles(struct builder *b, unsigned int i)
{
	const struct epg_flow_spec *s = &b->specs[i];
	const struct epg_prefix *from = role_prefix(&s->from, s->from_set);
	const struct epg_prefix *to = role_prefix(&s->to, s->to_set);
	struct brule *r = &b->rules[i];
	int ret;

	ret = check_one(b, i, "initiator", s->from_set, from);
	if (!ret)
		ret = check_one(b, i, "responder", s->to_set, to);
	if (ret)
		return ret;
	if (from && to) {
		/* Such a flow could match nothing: surely a mistake. */
		if (from->family && to->family && from->family != to->family)
			return fail(b, -EINVAL,
				    "flow %u: initiator and responder of different families",
				    i);
		compile_spec(b, i, from, to);
		return 0;
	}

	r->id = s->id;
	r->spec = i;
	r->family = EPG_RULE_SETS;
	r->flags = s->flags;
	r->sfrom = r->sto = EPG_SET_ANY;
	if (!b->set_slots) {
		/* Two roles a spec: a load factor of at most one half. */
		for (b->nset_slots = 16; b->nset_slots < 4 * b->n;
		     b->nset_slots <<= 1)
			;
		b->set_slots = kvzalloc(b->nset_slots * sizeof(u32),
					GFP_KERNEL_ACCOUNT);
		b->sets = kvzalloc((2 * b->n < EPG_MAX_SETS ? 2 * b->n :
				    EPG_MAX_SETS) * sizeof(*b->sets),
				   GFP_KERNEL_ACCOUNT);
		if (!b->set_slots || !b->sets)
			return fail(b, -ENOMEM, "out of memory");
	}
	if (s->from_set || s->from.family) {
		ret = add_set(b, i, "initiator", from ? NULL : s->from_set,
			      from, &r->sfrom);
		if (ret)
			return ret;
	}
	if (s->to_set || s->to.family) {
		ret = add_set(b, i, "responder", to ? NULL : s->to_set, to,
			      &r->sto);
		if (ret)
			return ret;
	}
	if (!(role_fams(b, r->sfrom) & role_fams(b, r->sto)))
		return fail(b, -EINVAL,
			    "flow %u: initiator and responder of different families",
			    i);
	return 0;
}

static void compile_spec(struct builder *b, unsigned int i,
			 const struct epg_prefix *from,
			 const struct epg_prefix *to)
{
	const struct epg_flow_spec *s = &b->specs[i];
	struct brule *r = &b->rules[i];
	unsigned int w;

	r->id = s->id;
	r->spec = i;
	r->family = from->family ? from->family : to->family;
	r->flags = s->flags;
	/* An unbound role keeps mask 0: in a bound rule it is "family/0". */
	for (w = 0; w < 4; w++) {
		if (from->family) {
			r->w[w].saddr = from->addr[w];
			r->w[w].smask = epg_prefix_mask(from->len, w);
		}
		if (to->family) {
			r->w[w].daddr = to->addr[w];
			r->w[w].dmask = epg_prefix_mask(to->len, w);
		}
	}
}

/*
 * Does a match every connection that b matches, with b's flags?  Then b,
 * later in a class, can go.  A covered rule with other flags stays: a
 * datapath scanning a class itself (epg_table_rules) may look past the
 * first match for a rule with other flags, and must find it.
 */
static bool rule_covers(const struct brule *a, const struct brule *b)
{
	const struct epg_rule_word *x, *y;
	unsigned int w;

	if (a->flags != b->flags)
		return false;
	/* Sets are not compared prefix by prefix: only the same pair covers. */
	if (a->family == EPG_RULE_SETS)
		return b->family == EPG_RULE_SETS && a->sfrom == b->sfrom &&
		       a->sto == b->sto;
	if (a->family && a->family != b->family)
		return false;
	for (w = 0; w < 4; w++) {
		x = &a->w[w];
		y = &b->w[w];
		/* a's prefix no longer than b's, and b's inside it */
		if ((x->smask & ~y->smask) || (x->dmask & ~y->dmask))
			return false;
		if ((y->saddr & x->smask) != x->saddr ||
		    (y->daddr & x->dmask) != x->daddr)
			return false;
	}
	return true;
}

/* Pass 1: number the segments of protocol p. */
static void make_segments(struct builder *b, unsigned int p)
{
	const struct epg_flow_spec *s;
	u16 *seg = b->seg[p];
	unsigned int i, r;
	u32 port, nseg = 0;

	/* First mark where a segment starts, then number in place. */
	seg[0] = 1;
	for (i = 0; i < b->n; i++) {
		s = &b->specs[i];
		if (s->proto != p)
			continue;
		for (r = 0; r < s->nranges; r++) {
			seg[s->ranges[r].lo] = 1;
			if (s->ranges[r].hi < EPG_NPORTS - 1)
				seg[s->ranges[r].hi + 1] = 1;
		}
	}
	for (port = 0; port < EPG_NPORTS; port++) {
		nseg += seg[port];
		seg[port] = nseg - 1;
	}
	b->nseg[p] = nseg;
}

static u32 first_port(const struct builder *b, unsigned int p, u32 s)
{
	u32 port;

	for (port = 0; port < EPG_NPORTS - 1; port++) {
		if (b->seg[p][port] == s)
			break;
	}
	return port;
}

/*
 * Pass 2, one segment: append spec i unless an earlier rule covers it.
 * The first segment of a list version runs the coverage check; the others
 * of the same version, usually all the segments a range spans, reuse it.
 */
static int add_rule(struct builder *b, u32 g, unsigned int i)
{
	struct memo *m = &b->memo[b->ver[g] % EPG_MEMO_SIZE];
	unsigned int k, c = b->count[g];
	u16 *list = b->list[g];

	if (m->stamp != i + 1 || m->from != b->ver[g]) {
		m->stamp = i + 1;
		m->from = b->ver[g];
		m->to = m->from;
		for (k = 0; k < c; k++) {
			if (rule_covers(&b->rules[list[k]], &b->rules[i]))
				return 0;
		}
		if (c == EPG_MAX_RULES_PER_CLASS) {
			m->stamp = 0;
			return -E2BIG;
		}
		m->to = ++b->nver;
	}
	if (m->to != b->ver[g]) {
		list[c] = i;
		b->count[g] = c + 1;
		b->ver[g] = m->to;
	}
	return 0;
}

/* Pass 2: fill the rule list of every segment, specs in priority order. */
static int fill_lists(struct builder *b)
{
	const struct epg_flow_spec *s;
	unsigned int i, r, p;
	u32 g, first, last;

	for (i = 0; i < b->n; i++) {
		s = &b->specs[i];
		p = s->proto;
		for (r = 0; r < s->nranges; r++) {
			first = b->seg[p][s->ranges[r].lo];
			last = b->seg[p][s->ranges[r].hi];
			for (g = first; g <= last; g++) {
				if (add_rule(b, b->seg_base[p] + g, i))
					return fail(b, -E2BIG,
						    "%s port %u: more than %u rules after merging (at flow %u)",
						    proto_name[p],
						    first_port(b, p, g),
						    EPG_MAX_RULES_PER_CLASS, i);
			}
		}
		/* Up to 64 ranges x 65,536 segments per spec. */
		cond_resched();
	}
	return 0;
}

static u32 hash_words(const u16 *v, unsigned int n, u32 h)
{
	unsigned int k;

	/* FNV-1a over 16-bit words: enough to spread equal-length lists. */
	for (k = 0; k < n; k++)
		h = (h ^ v[k]) * 16777619U;
	return h;
}

/* Pass 3: one class per distinct rule list of protocol p. */
static int make_classes(struct builder *b, unsigned int p)
{
	u32 s, g, h, other, nclasses = 1;
	u32 mask = b->nslots - 1;

	memset(b->slots, 0, b->nslots * sizeof(*b->slots));
	b->class_base[p] = b->nclasses;
	b->class_seg[b->nclasses] = EPG_NO_SEG;	/* class 0 */
	for (s = 0; s < b->nseg[p]; s++) {
		g = b->seg_base[p] + s;
		b->seg_class[g] = 0;
		if (!b->count[g])
			continue;
		h = hash_words(b->list[g], b->count[g], 2166136261U ^ b->count[g]);
		for (;;) {
			h &= mask;
			if (!b->slots[h])
				break;
			other = b->slots[h] - 1;
			if (b->count[other] == b->count[g] &&
			    !memcmp(b->list[other], b->list[g],
				    b->count[g] * sizeof(u16)))
				break;
			h++;
		}
		if (b->slots[h]) {
			b->seg_class[g] = b->seg_class[b->slots[h] - 1];
			continue;
		}
		if (nclasses > EPG_MAX_CLASSES)
			return fail(b, -E2BIG, "%s: more than %u port classes",
				    proto_name[p], EPG_MAX_CLASSES);
		b->nrules += b->count[g];
		if (b->nrules > EPG_MAX_RULES)
			return fail(b, -E2BIG, "more than %u rules in the table",
				    EPG_MAX_RULES);
		b->slots[h] = g + 1;
		b->seg_class[g] = nclasses;
		b->class_seg[b->nclasses + nclasses] = g;
		nclasses++;
	}
	b->nclasses += nclasses;
	return 0;
}

/* Pass 4: the blocks of protocol p, block 0 and duplicates shared. */
static void make_blocks(struct builder *b, unsigned int p)
{
	u16 *blk;
	u32 hi, lo, j, h, any;

	for (hi = 0; hi < EPG_TOP_SIZE; hi++) {
		/* Built in the next free slot, kept only if new. */
		blk = b->blocks[b->nblocks];
		any = 0;
		for (lo = 0; lo < EPG_BLOCK_PORTS; lo++) {
			u32 port = hi << EPG_BLOCK_SHIFT | lo;

			blk[lo] = b->seg_class[b->seg_base[p] + b->seg[p][port]];
			any |= blk[lo];
		}
		b->top[p][hi] = 0;
		if (!any)
			continue;
		h = hash_words(blk, EPG_BLOCK_PORTS, 2166136261U);
		for (j = 1; j < b->nblocks; j++) {
			if (b->block_hash[j] == h &&
			    !memcmp(b->blocks[j], blk, sizeof(b->blocks[j])))
				break;
		}
		b->top[p][hi] = j;
		if (j == b->nblocks) {
			b->block_hash[j] = h;
			b->nblocks++;
		}
	}
}

static size_t align8(size_t x)
{
	return (x + 7) & ~(size_t)7;
}

/* ---- address sets: sorted merged intervals and their bucket index ---- */

static int cmp_iv4(const void *a, const void *b)
{
	const struct epg_iv4 *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int cmp_iv6(const void *a, const void *b)
{
	const struct epg_iv6 *x = a, *y = b;

	if (x->lo[0] != y->lo[0])
		return x->lo[0] < y->lo[0] ? -1 : 1;
	return x->lo[1] < y->lo[1] ? -1 : x->lo[1] > y->lo[1];
}

/*
 * Buckets: a power of two, at least twice the intervals (so that a bucket
 * holds one or two candidates when they spread: at most one search step),
 * and at least 2 so that the shift stays below 64.  Then more, up to the
 * power of two at or above four times the intervals (fewer than eight
 * buckets an interval) and EPG_SET_BUCKETS, while a bucket is still wider
 * than the grain (2^grain: every interval begins and ends on a multiple of
 * it, so that buckets no wider are all pure: a list of /24s in 10.0.0.0/8
 * needs no search at all).  The shift is the least that puts the highest
 * key of the set in the last bucket or before.
 */
static void set_buckets(struct bset *e, unsigned int f, u64 span,
			unsigned int grain)
{
	u32 nb = 2, shift = 0, cap;

	while (nb < 2 * e->n[f] && nb < EPG_SET_BUCKETS)
		nb <<= 1;
	cap = nb;
	while (cap < 4 * e->n[f] && cap < EPG_SET_BUCKETS)
		cap <<= 1;
	while (nb < cap && grain < 64 && (span >> grain) >= nb)
		nb <<= 1;
	while ((span >> shift) >= nb)
		shift++;
	/*
	 * IPv4 buckets are computed in 32 bits: they must end at 2^32 or
	 * before, so that a key below base wraps to a bucket beyond nb.
	 * Lowering base by whole buckets keeps them aligned; when that is
	 * not enough, buckets start at 0 and nothing wraps.
	 */
	if (!f && ((u64)nb << shift) > (1ULL << 32) - e->base[0]) {
		if (((u64)nb << shift) <= (1ULL << 32)) {
			e->base[0] = (1ULL << 32) - ((u64)nb << shift);
		} else {
			span += e->base[0];
			e->base[0] = 0;
			for (shift = 0; (span >> shift) >= nb; shift++)
				;
		}
	}
	e->nb[f] = nb;
	e->shift[f] = shift;
}

/*
 * The grain of keys [lo, hi] of a bits-wide space: the largest g <= bits
 * with lo and hi + 1 multiples of 2^g (hi + 1 past the space counts as 0).
 */
static unsigned int grain(u64 lo, u64 hi, unsigned int bits)
{
	u64 end = hi + 1;
	unsigned int g = bits, z;

	if (bits < 64 && end == 1ULL << bits)
		end = 0;
	if (lo) {
		z = __builtin_ctzll(lo);
		g = z < g ? z : g;
	}
	if (end) {
		z = __builtin_ctzll(end);
		g = z < g ? z : g;
	}
	return g;
}

static u32 merge4(struct epg_iv4 *v, u32 n)
{
	u32 k, m = 0;

	sort(v, n, sizeof(*v), cmp_iv4, NULL);
	for (k = 1; k < n; k++) {
		if (v[m].hi == 0xffffffffU || v[k].lo <= v[m].hi + 1) {
			if (v[k].hi > v[m].hi)
				v[m].hi = v[k].hi;
		} else {
			v[++m] = v[k];
		}
	}
	return m + 1;
}

/* a <= b + 1, on (high, low) pairs */
static bool touches6(const u64 *a, const u64 *b)
{
	u64 h = b[0], l = b[1] + 1;

	if (!l) {
		if (!++h)
			return true;	/* b is the last address */
	}
	return a[0] < h || (a[0] == h && a[1] <= l);
}

static bool above6(const u64 *a, const u64 *b)
{
	return a[0] > b[0] || (a[0] == b[0] && a[1] > b[1]);
}

static u32 merge6(struct epg_iv6 *v, u32 n)
{
	u32 k, m = 0;

	sort(v, n, sizeof(*v), cmp_iv6, NULL);
	for (k = 1; k < n; k++) {
		if (touches6(v[k].lo, v[m].hi)) {
			if (above6(v[k].hi, v[m].hi))
				memcpy(v[m].hi, v[k].hi, sizeof(v[m].hi));
		} else {
			v[++m] = v[k];
		}
	}
	return m + 1;
}

static void prefix_iv4(const struct epg_prefix *p, struct epg_iv4 *v)
{
	v->lo = be32_to_cpu(p->addr[0]);
	v->hi = v->lo | (p->len >= 32 ? 0 : 0xffffffffU >> p->len);
}

static void prefix_iv6(const struct epg_prefix *p, struct epg_iv6 *v)
{
	unsigned int len = p->len;

	v->lo[0] = (u64)be32_to_cpu(p->addr[0]) << 32 | be32_to_cpu(p->addr[1]);
	v->lo[1] = (u64)be32_to_cpu(p->addr[2]) << 32 | be32_to_cpu(p->addr[3]);
	if (len < 64) {
		v->hi[0] = v->lo[0] | (~0ULL >> len);
		v->hi[1] = ~0ULL;
	} else {
		v->hi[0] = v->lo[0];
		v->hi[1] = v->lo[1] | (len >= 128 ? 0 : ~0ULL >> (len - 64));
	}
}

static int compile_set(struct bset *e)
{
	const struct epg_prefix *p = e->as ? e->as->prefixes : &e->one;
	u32 np = e->as ? e->as->n : 1, k, n4 = 0, n6 = 0;
	unsigned int g, z;
	struct epg_iv4 *v4;
	struct epg_iv6 *v6;

	for (k = 0; k < np; k++) {
		if (p[k].family == AF_INET)
			n4++;
		else
			n6++;
	}
	if (n4) {
		v4 = kvzalloc(n4 * sizeof(*v4), GFP_KERNEL_ACCOUNT);
		if (!v4)
			return -ENOMEM;
		e->iv[0] = v4;
		for (k = 0, n4 = 0; k < np; k++) {
			if (p[k].family == AF_INET)
				prefix_iv4(&p[k], &v4[n4++]);
		}
		e->n[0] = merge4(v4, n4);
		e->base[0] = v4[0].lo;
		for (k = 0, g = 32; k < e->n[0]; k++) {
			z = grain(v4[k].lo, v4[k].hi, 32);
			g = z < g ? z : g;
		}
		set_buckets(e, 0, (u64)v4[e->n[0] - 1].hi - v4[0].lo, g);
	}
	if (n6) {
		v6 = kvzalloc(n6 * sizeof(*v6), GFP_KERNEL_ACCOUNT);
		if (!v6)
			return -ENOMEM;
		e->iv[1] = v6;
		for (k = 0, n6 = 0; k < np; k++) {
			if (p[k].family == AF_INET6)
				prefix_iv6(&p[k], &v6[n6++]);
		}
		e->n[1] = merge6(v6, n6);
		e->base[1] = v6[0].lo[0];
		/* on the high halves: a bucket is a range of them */
		for (k = 0, g = 64; k < e->n[1]; k++) {
			z = grain(v6[k].lo[0], v6[k].hi[0], 64);
			g = z < g ? z : g;
		}
		set_buckets(e, 1, v6[e->n[1] - 1].hi[0] - v6[0].lo[0], g);
	}
	return 0;
}

static int compile_sets(struct builder *b)
{
	u32 k;

	for (k = 0; k < b->nsets; k++) {
		if (compile_set(&b->sets[k]))
			return fail(b, -ENOMEM, "out of memory");
		cond_resched();
	}
	return 0;
}

/* Interval k of family f: its first and last key (IPv6: high halves). */
static void iv_bounds(const struct bset *e, unsigned int f, u32 k, u64 *lo,
		      u64 *hi)
{
	const struct epg_iv4 *v4 = e->iv[0];
	const struct epg_iv6 *v6 = e->iv[1];

	*lo = f ? v6[k].lo[0] : v4[k].lo;
	*hi = f ? v6[k].hi[0] : v4[k].hi;
}

/*
 * Does interval k hold every key of [start, end] (IPv6: every address
 * whose high half is in it)?
 */
static bool iv_covers(const struct bset *e, unsigned int f, u32 k, u64 start,
		      u64 end)
{
	const struct epg_iv6 *v6 = e->iv[1];
	u64 lo, hi;

	iv_bounds(e, f, k, &lo, &hi);
	if (!f)
		return lo <= start && hi >= end;
	return (lo < start || (lo == start && !v6[k].lo[1])) &&
	       (hi > end || (hi == end && v6[k].hi[1] == ~0ULL));
}

/*
 * idx[b]: the first interval that ends at or after bucket b's first key,
 * so that the interval holding a key of bucket b, if any, is the first of
 * idx[b] .. idx[b + 1] that ends at or after the key; idx[nb] is the last
 * interval.  A bucket no interval begins or ends in is EPG_SET_PURE, and
 * EPG_SET_IN when an interval covers it.
 */
static void fill_index(const struct bset *e, unsigned int f, u32 *idx)
{
	u32 bkt, k = 0, n = e->n[f], w;
	u64 off, start, end, lo = 0, hi = 0, last = f ? ~0ULL : 0xffffffffULL;
	u64 width = e->shift[f] ? ~0ULL >> (64 - e->shift[f]) : 0;

	for (bkt = 0; bkt < e->nb[f]; bkt++) {
		off = (u64)bkt << e->shift[f];
		if ((e->shift[f] && bkt > (~0ULL >> e->shift[f])) ||
		    off > last - e->base[f]) {
			/* the bucket starts beyond every key */
			idx[bkt] = (n - 1) | EPG_SET_PURE;
			continue;
		}
		start = e->base[f] + off;
		end = width > last - start ? last : start + width;
		while (k < n) {
			iv_bounds(e, f, k, &lo, &hi);
			if (hi >= start)
				break;
			k++;
		}
		if (k == n) {
			idx[bkt] = (n - 1) | EPG_SET_PURE;
			continue;
		}
		w = k;
		if (iv_covers(e, f, k, start, end))
			w |= EPG_SET_PURE | EPG_SET_IN;
		else if (lo > end)
			w |= EPG_SET_PURE;
		idx[bkt] = w;
	}
	idx[e->nb[f]] = n - 1;
}

static size_t set_fam_bytes(const struct bset *e, unsigned int f)
{
	size_t iv = f ? sizeof(struct epg_iv6) : sizeof(struct epg_iv4);

	if (!e->n[f])
		return 0;
	return align8(e->n[f] * iv) +
	       align8(sizeof(struct epg_set_fam) + (e->nb[f] + 1) * sizeof(u32));
}

/*
 * Set s's compiled form at off; returns the offset after it.  empty: the
 * table's family without prefixes, for the families s has none of.
 */
static size_t emit_set(struct epg_table *t, const struct bset *e,
		       struct epg_set *out, u32 empty, size_t off)
{
	struct epg_set_fam *sf;
	unsigned int f;
	size_t iv;

	for (f = 0; f < 2; f++) {
		if (!e->n[f]) {
			out->fam[f] = empty;
			continue;
		}
		iv = e->n[f] * (f ? sizeof(struct epg_iv6) :
				    sizeof(struct epg_iv4));
		memcpy((u8 *)t + off, e->iv[f], iv);
		sf = (struct epg_set_fam *)((u8 *)t + off + align8(iv));
		sf->iv_off = off;
		off += align8(iv);
		out->fam[f] = off;
		sf->n = e->n[f];
		sf->nb = e->nb[f];
		sf->shift = e->shift[f];
		sf->base = e->base[f];
		fill_index(e, f, sf->idx);
		off += align8(sizeof(*sf) + (e->nb[f] + 1) * sizeof(u32));
	}
	return off;
}

/*
 * Address words are stored once per bound spec that survived merging, in
 * spec order, and so are the set pairs of set rules; slot[i] is spec i's
 * word or pair, or EPG_NO_SEG.  Returns the counts.
 */
static void number_slots(struct builder *b, u32 *slot, u32 *naddrs,
			 u32 *npairs)
{
	u32 c, g, k, i;

	for (i = 0; i < b->n; i++)
		slot[i] = EPG_NO_SEG;
	for (c = 0; c < b->nclasses; c++) {
		g = b->class_seg[c];
		if (g == EPG_NO_SEG)
			continue;
		for (k = 0; k < b->count[g]; k++) {
			i = b->list[g][k];
			if (b->rules[i].family)
				slot[i] = 0;
		}
	}
	*naddrs = 0;
	*npairs = 0;
	for (i = 0; i < b->n; i++) {
		if (slot[i] == EPG_NO_SEG)
			continue;
		if (b->rules[i].family == EPG_RULE_SETS)
			slot[i] = (*npairs)++;
		else
			slot[i] = (*naddrs)++;
	}
}

static struct epg_table *emit(struct builder *b)
{
	size_t blocks_end, classes_end, rules_end, addrs_end, size, off;
	struct epg_set_pair *pairs;
	struct epg_rule_addr *addrs;
	struct epg_table *t = NULL;
	struct epg_rule *rules;
	struct epg_set *sets;
	u32 *classes, *slot;
	u32 c, g, k, i, naddrs, npairs, empty, first = 0;

	slot = kvzalloc((b->n ? b->n : 1) * sizeof(*slot), GFP_KERNEL_ACCOUNT);
	if (!slot)
		return NULL;
	number_slots(b, slot, &naddrs, &npairs);

	blocks_end = offsetof(struct epg_table, blocks) +
		     b->nblocks * sizeof(b->blocks[0]);
	classes_end = align8(blocks_end) + b->nclasses * sizeof(u32);
	rules_end = align8(classes_end) + b->nrules * sizeof(struct epg_rule);
	addrs_end = align8(rules_end) + naddrs * sizeof(struct epg_rule_addr);
	size = addrs_end + b->nsets * sizeof(struct epg_set) +
	       npairs * sizeof(struct epg_set_pair) +
	       (b->nsets ? sizeof(struct epg_set_fam) : 0);
	for (k = 0; k < b->nsets; k++)
		size += set_fam_bytes(&b->sets[k], 0) +
			set_fam_bytes(&b->sets[k], 1);
	t = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!t)
		goto out;
	t->bytes = size;
	t->nrules = b->nrules;
	t->nclasses = b->nclasses;
	t->naddrs = naddrs;
	memcpy(t->class_base, b->class_base, sizeof(t->class_base));
	t->classes_off = align8(blocks_end);
	t->rules_off = align8(classes_end);
	t->addrs_off = align8(rules_end);
	t->sets_off = addrs_end;
	t->nsets = b->nsets;
	t->pairs_off = addrs_end + b->nsets * sizeof(struct epg_set);
	t->npairs = npairs;
	t->prefixes = b->nprefixes;
	t->nblocks = b->nblocks;
	memcpy(t->top, b->top, sizeof(t->top));
	memcpy(t->blocks, b->blocks, b->nblocks * sizeof(b->blocks[0]));

	classes = (u32 *)((u8 *)t + t->classes_off);
	rules = (struct epg_rule *)((u8 *)t + t->rules_off);
	addrs = (struct epg_rule_addr *)((u8 *)t + t->addrs_off);
	sets = (struct epg_set *)((u8 *)t + t->sets_off);
	pairs = (struct epg_set_pair *)((u8 *)t + t->pairs_off);
	for (c = 0; c < b->nclasses; c++) {
		g = b->class_seg[c];
		if (g == EPG_NO_SEG)
			continue;	/* class 0: no rules, word 0 */
		classes[c] = first << EPG_CLASS_COUNT_BITS | b->count[g];
		for (k = 0; k < b->count[g]; k++) {
			const struct brule *br = &b->rules[b->list[g][k]];
			struct epg_rule *r = &rules[first++];

			r->id = br->id;
			r->spec = br->spec;
			r->family = br->family;
			r->flags = br->flags;
			r->addr = br->family ? slot[br->spec] : 0;
			if (br->family == EPG_RULE_SETS) {
				r->addr = t->pairs_off + r->addr *
					  sizeof(struct epg_set_pair);
				if (br->sto == EPG_SET_ANY)
					r->family = EPG_RULE_SET_FROM;
			}
		}
	}
	for (i = 0; i < b->n; i++) {
		if (slot[i] == EPG_NO_SEG)
			continue;
		/* set rules' pairs below, once the sets have offsets */
		if (b->rules[i].family != EPG_RULE_SETS)
			memcpy(addrs[slot[i]].w, b->rules[i].w,
			       sizeof(addrs[0].w));
	}
	/*
	 * Sets: 8 bytes each, then the pairs, the empty family (zeroed, nb 0)
	 * and each set's families.
	 */
	empty = t->pairs_off + npairs * sizeof(struct epg_set_pair);
	off = empty + sizeof(struct epg_set_fam);
	for (k = 0; k < b->nsets; k++)
		off = emit_set(t, &b->sets[k], &sets[k], empty, off);
	for (i = 0; i < b->n; i++) {
		const struct brule *br = &b->rules[i];
		struct epg_set_pair *pr;

		if (slot[i] == EPG_NO_SEG || br->family != EPG_RULE_SETS)
			continue;
		pr = &pairs[slot[i]];
		for (k = 0; k < 2; k++) {
			pr->from[k] = br->sfrom == EPG_SET_ANY ? 0 :
				      sets[br->sfrom].fam[k];
			pr->to[k] = br->sto == EPG_SET_ANY ? 0 :
				    sets[br->sto].fam[k];
		}
	}
out:
	kvfree(slot);
	return t;
}

static void builder_free(struct builder *b)
{
	unsigned int p;

	kvfree(b->rules);
	for (p = 0; p < EPG_NPROTO; p++)
		kvfree(b->seg[p]);
	kvfree(b->list);
	kvfree(b->count);
	kvfree(b->ver);
	kvfree(b->seg_class);
	kvfree(b->class_seg);
	kvfree(b->slots);
	kvfree(b->blocks);
	kvfree(b->block_hash);
	for (p = 0; p < b->nsets; p++) {
		kvfree(b->sets[p].iv[0]);
		kvfree(b->sets[p].iv[1]);
	}
	kvfree(b->sets);
	kvfree(b->set_slots);
	kvfree(b);
}

/* Scratch sized by the segment counts, once pass 1 has run. */
static int alloc_scratch(struct builder *b)
{
	u32 nseg = b->nseg[0] + b->nseg[1];
	u32 most = b->nseg[0] > b->nseg[1] ? b->nseg[0] : b->nseg[1];

	b->seg_base[1] = b->nseg[0];
	for (b->nslots = 2; b->nslots < 2 * most; b->nslots <<= 1)
		;
	b->list = kvzalloc(nseg * sizeof(*b->list), GFP_KERNEL_ACCOUNT);
	b->count = kvzalloc(nseg, GFP_KERNEL_ACCOUNT);
	b->ver = kvzalloc(nseg * sizeof(u32), GFP_KERNEL_ACCOUNT);
	b->seg_class = kvzalloc(nseg * sizeof(u16), GFP_KERNEL_ACCOUNT);
	b->class_seg = kvzalloc((nseg + EPG_NPROTO) * sizeof(u32),
				GFP_KERNEL_ACCOUNT);
	b->slots = kvzalloc(b->nslots * sizeof(u32), GFP_KERNEL_ACCOUNT);
	b->blocks = kvzalloc(EPG_MAX_BLOCKS * sizeof(*b->blocks),
			     GFP_KERNEL_ACCOUNT);
	b->block_hash = kvzalloc(EPG_MAX_BLOCKS * sizeof(u32),
				 GFP_KERNEL_ACCOUNT);
	if (!b->list || !b->count || !b->ver || !b->seg_class || !b->class_seg ||
	    !b->slots || !b->blocks || !b->block_hash)
		return fail(b, -ENOMEM, "out of memory");
	b->nblocks = 1;		/* block 0: all class 0 */
	return 0;
}

int epg_table_build(const struct epg_flow_spec *specs, unsigned int n,
		    struct epg_table **out, char *err, size_t errlen)
{
	struct builder *b;
	unsigned int i, p;
	int ret;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	b = kvzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	b->specs = specs;
	b->n = n;
	b->err = err;
	b->errlen = errlen;

	ret = -E2BIG;
	if (n > EPG_MAX_FLOWS) {
		fail(b, ret, "%u flows, limit %u", n, EPG_MAX_FLOWS);
		goto out;
	}
	ret = -EINVAL;
	if (n && !specs) {
		fail(b, ret, "no flow array");
		goto out;
	}
	for (i = 0; i < n; i++) {
		ret = check_spec(b, i);
		if (ret)
			goto out;
	}

	b->rules = kvzalloc((n ? n : 1) * sizeof(*b->rules), GFP_KERNEL_ACCOUNT);
	b->seg[0] = kvzalloc(EPG_NPORTS * sizeof(u16), GFP_KERNEL_ACCOUNT);
	b->seg[1] = kvzalloc(EPG_NPORTS * sizeof(u16), GFP_KERNEL_ACCOUNT);
	if (!b->rules || !b->seg[0] || !b->seg[1]) {
		ret = fail(b, -ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		ret = compile_roles(b, i);
		if (ret)
			goto out;
	}
	ret = compile_sets(b);
	if (ret)
		goto out;
	for (p = 0; p < EPG_NPROTO; p++)
		make_segments(b, p);

	ret = alloc_scratch(b);
	if (ret)
		goto out;
	ret = fill_lists(b);
	if (ret)
		goto out;
	for (p = 0; p < EPG_NPROTO; p++) {
		ret = make_classes(b, p);
		if (ret)
			goto out;
	}
	for (p = 0; p < EPG_NPROTO; p++)
		make_blocks(b, p);

	*out = emit(b);
	ret = *out ? 0 : fail(b, -ENOMEM, "out of memory");
out:
	builder_free(b);
	return ret;
}

void epg_table_free(struct epg_table *t)
{
	kvfree(t);
}
