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

/* A compiled spec while building: the emitted rule and its address words. */
struct brule {
	u32 id;
	u16 spec;
	u8 family;
	u8 flags;
	struct epg_rule_word w[4];
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

/* The bits of word (0..3) of a len-bit prefix mask. */
static __be32 mask_word(unsigned int len, unsigned int word)
{
	unsigned int bits = len > 32 * word ? len - 32 * word : 0;

	if (bits >= 32)
		return cpu_to_be32(0xffffffffU);
	if (!bits)
		return 0;
	return cpu_to_be32(0xffffffffU << (32 - bits));
}

static int check_prefix(struct builder *b, unsigned int i, const char *role,
			const struct epg_prefix *p)
{
	unsigned int w, max;

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
	for (w = 0; w < 4; w++) {
		if (p->addr[w] & ~mask_word(p->len, w))
			return fail(b, -EINVAL,
				    "flow %u: %s: address bits set beyond /%u",
				    i, role, p->len);
	}
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
	ret = check_prefix(b, i, "initiator", &s->from);
	if (!ret)
		ret = check_prefix(b, i, "responder", &s->to);
	if (ret)
		return ret;
	/* Such a flow could match nothing: surely a mistake of the caller. */
	if (s->from.family && s->to.family && s->from.family != s->to.family)
		return fail(b, -EINVAL,
			    "flow %u: initiator and responder of different families",
			    i);
	return 0;
}

static void compile_spec(struct builder *b, unsigned int i)
{
	const struct epg_flow_spec *s = &b->specs[i];
	struct brule *r = &b->rules[i];
	unsigned int w;

	r->id = s->id;
	r->spec = i;
	r->family = s->from.family ? s->from.family : s->to.family;
	r->flags = s->flags;
	/* An unbound role keeps mask 0: in a bound rule it is "family/0". */
	for (w = 0; w < 4; w++) {
		if (s->from.family) {
			r->w[w].saddr = s->from.addr[w];
			r->w[w].smask = mask_word(s->from.len, w);
		}
		if (s->to.family) {
			r->w[w].daddr = s->to.addr[w];
			r->w[w].dmask = mask_word(s->to.len, w);
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

/*
 * Address words are stored once per bound spec that survived merging, in
 * spec order; addr[i] is spec i's slot or EPG_NO_SEG.  Returns the count.
 */
static u32 number_addrs(struct builder *b, u32 *addr)
{
	u32 c, g, k, i, naddrs = 0;

	for (i = 0; i < b->n; i++)
		addr[i] = EPG_NO_SEG;
	for (c = 0; c < b->nclasses; c++) {
		g = b->class_seg[c];
		if (g == EPG_NO_SEG)
			continue;
		for (k = 0; k < b->count[g]; k++) {
			i = b->list[g][k];
			if (b->rules[i].family && addr[i] == EPG_NO_SEG)
				addr[i] = 0;
		}
	}
	for (i = 0; i < b->n; i++) {
		if (addr[i] != EPG_NO_SEG)
			addr[i] = naddrs++;
	}
	return naddrs;
}

static struct epg_table *emit(struct builder *b)
{
	size_t blocks_end, classes_end, rules_end, size;
	struct epg_rule_addr *addrs;
	struct epg_table *t = NULL;
	struct epg_rule *rules;
	u32 *classes, *addr;
	u32 c, g, k, i, naddrs, first = 0;

	addr = kvzalloc((b->n ? b->n : 1) * sizeof(*addr), GFP_KERNEL_ACCOUNT);
	if (!addr)
		return NULL;
	naddrs = number_addrs(b, addr);

	blocks_end = offsetof(struct epg_table, blocks) +
		     b->nblocks * sizeof(b->blocks[0]);
	classes_end = align8(blocks_end) + b->nclasses * sizeof(u32);
	rules_end = align8(classes_end) + b->nrules * sizeof(struct epg_rule);
	size = align8(rules_end) + naddrs * sizeof(struct epg_rule_addr);
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
	t->nblocks = b->nblocks;
	memcpy(t->top, b->top, sizeof(t->top));
	memcpy(t->blocks, b->blocks, b->nblocks * sizeof(b->blocks[0]));

	classes = (u32 *)((u8 *)t + t->classes_off);
	rules = (struct epg_rule *)((u8 *)t + t->rules_off);
	addrs = (struct epg_rule_addr *)((u8 *)t + t->addrs_off);
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
			r->addr = br->family ? addr[br->spec] : 0;
		}
	}
	for (i = 0; i < b->n; i++) {
		if (addr[i] != EPG_NO_SEG)
			memcpy(addrs[addr[i]].w, b->rules[i].w,
			       sizeof(addrs[0].w));
	}
out:
	kvfree(addr);
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
	for (i = 0; i < n; i++)
		compile_spec(b, i);
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
