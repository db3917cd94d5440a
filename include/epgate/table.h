/* SPDX-License-Identifier: GPL-2.0 */
/*
 * epgate flow table: which enabled flow, if any, allows a connection.
 *
 * Compiled into epgate.ko and into the userspace tests and benchmarks, so
 * the code measured and fuzzed on the host is the code the hook runs.  The
 * builder lives in lib/table.c; the lookup is here, inline, because it is
 * the packet path.
 *
 * Input: flow specs, in priority order.  A spec is a protocol (TCP or UDP),
 * up to EPG_MAX_RANGES destination-port ranges, an initiator and a
 * responder prefix (family 0 = any address), a counter id and a flags byte
 * that the table carries without looking at it.
 *
 * Lookup: the destination port gives a "class", the set of rules that use
 * that port; ports with the same rules share a class.  The class's rules
 * (at most EPG_MAX_RULES_PER_CLASS) are scanned in priority order against
 * the addresses and the first that matches is returned.  The cost does not
 * depend on how many flows or ports the table holds: four dependent loads
 * (top, block, class, rule), a fifth for a rule bound to addresses, and a
 * bounded scan.
 *
 * Layout, one allocation (so the kernel frees it with one kvfree_rcu()):
 *
 *   +----------------------------+ 0
 *   | header                     |   76 bytes in the kernel (rcu_head,
 *   |                            |   sizes, offsets), 60 in userspace
 *   | top[TCP][256]    u16       |  512 bytes: block number of port >> 8
 *   | top[UDP][256]    u16       |  512 bytes
 *   +----------------------------+ offsetof(blocks): 1100 (kernel)
 *   | blocks[0][256]   u16       |  all 0: class 0, "no flow"; every
 *   | blocks[1][256]   u16       |  unused stretch of 256 ports points here
 *   | ...                        |  class number of port & 0xff; identical
 *   |                            |  blocks are stored once, for both protos
 *   +----------------------------+ classes_off (8-aligned)
 *   | classes[]        u32       |  class c of proto p at class_base[p] + c:
 *   |                            |  first rule << 5 | number of rules
 *   +----------------------------+ rules_off (8-aligned)
 *   | rules[]    12 bytes each   |  each class's rules, contiguous, in
 *   |                            |  priority order: id, flags, family, and
 *   |                            |  for a bound rule its address words
 *   +----------------------------+ addrs_off (8-aligned)
 *   | addrs[]    64 bytes each   |  address words, once per bound spec
 *   +----------------------------+ sets_off
 *   | sets[]      8 bytes each   |  per distinct set: its families' offsets
 *   | pairs[]    16 bytes each   |  per set rule: its roles' family offsets
 *   | empty family   24 bytes    |  nb 0, for sets without that family
 *   | per set, per family:       |
 *   |   intervals  8 or 32 bytes |  sorted, merged: IPv4 lo, hi (u32);
 *   |                            |  IPv6 lo, hi (2 x u64 each)
 *   |   header        24 bytes   |  base, shift, nb, n, iv_off
 *   |   index   (nb + 1) x u32   |  bucket -> first candidate, pure, in
 *   +----------------------------+ bytes
 *
 *   tcp/443: top[TCP][443 >> 8 = 1] = 2 -> blocks[2][443 & 0xff = 187] = 5
 *            -> classes[class_base[TCP] + 5] = 3 << 5 | 2 -> rules[3..4]
 *
 * Class 0 of each protocol has no rules, so an unused port costs the same
 * loads as a used one and scans nothing.  Rules are small and unbound ones
 * read nothing else because the packet path at large tables is bounded by
 * how much memory it touches at random, not by instructions: a rule is 12
 * bytes, not the 72 it would be with its addresses inline.
 *
 * Address sets.  A role bound to a set of several prefixes makes its rule
 * a set rule (family EPG_RULE_SET_FROM or EPG_RULE_SETS): the rule's addr
 * is the offset of a pair, per role and family the offset of the set's
 * compiled family (0 when unbound; a plain prefix of the other role is a
 * set of one).  Each distinct set is compiled once per family into sorted,
 * merged intervals and a bucket index over the set's span, a word a
 * bucket; buckets no interval begins or ends in are pure and answered by
 * their word (lib/table.c sizes buckets to the set's grain when that costs
 * fewer than eight an interval: a list of /24s is all pure).  A lookup is
 * a subtraction, a shift, a bound check and one word, then, in a mixed
 * bucket, the word's interval and, past it, a search out of line.
 * A set of one prefix compiles as before, with no set at all.
 *
 * Memory, exactly:
 *
 *   bytes = align8(offsetof(blocks) + nblocks * 512)
 *         + align8(nclasses * 4) + align8(nrules * 12) + naddrs * 64
 *         + nsets * 8 + npairs * 16 + (nsets ? 24 : 0)
 *         + for each set and family present:
 *             align8(nintervals * (8 IPv4 | 32 IPv6))
 *             + align8(24 + (nb + 1) * 4)
 *
 *   nb: a power of two, 2..EPG_SET_BUCKETS, below 8 per interval.  At most
 *   65,536 prefixes: 65,536 IPv4 intervals are 524,288 + 1,048,608 bytes,
 *   the same IPv6 ones 2,097,152 + 1,048,608; 1,024 sets add 8 KiB.
 *
 * where nclasses counts the two classes 0, naddrs the bound specs left
 * after merging, and offsetof(blocks) is 1100 in the kernel (1084 in
 * userspace, no rcu_head).  Kernel figures:
 *
 *   - empty table: align8(1100 + 512 (block 0)) + 8 = 1,624 bytes;
 *   - one vendor, ~20 ports in 10 blocks, 20 classes, 30 unbound rules:
 *     align8(1100 + 11 * 512) + 88 + 360 = 7,184 bytes;
 *   - five vendors, 60 flows on 100 ports plus 1024-65535, 20000-20099
 *     and three more ranges (test_table's synthetic policy): 43 blocks,
 *     58 classes, 92 rules: 27,144 bytes;
 *   - all 65,536 ports of both protocols, every block distinct, 1,024
 *     classes of 2 rules per protocol, one of them bound (bench_lookup's
 *     largest table): align8(1100 + 513 * 512) + 2,050 * 4 + 4,096 * 12 +
 *     2,048 * 64 = 452,184 bytes;
 *   - worst case of the index: 513 blocks and 2 x 65,536 class words,
 *     align8(1100 + 262,656) + 524,288 = 788,048 bytes; with EPG_MAX_RULES rules
 *     and EPG_MAX_FLOWS address words on top, 788,048 + 3,145,728 +
 *     1,048,576 = 4,982,352 bytes (4.8 MiB), the most a table can take
 *     without sets (sets add at most 3.1 MiB, above).
 *
 * Merging at build time keeps the scan short when many profiles share a
 * port (443 is in every vendor's list): a rule is dropped from a class when
 * an earlier rule of the class with the same flags matches every
 * connection it matches (same or wider initiator and responder prefixes;
 * an unbound role is wider than any prefix).  First match wins, so the
 * dropped rule could never be returned: verdicts and counters do not
 * change.  Rules with other flags are kept even when covered, so that a
 * datapath that walks a class with epg_table_rules() looking for, say, the
 * first rule without a monitor bit finds the same rule as in the specs.
 */
#ifndef _EPGATE_TABLE_H
#define _EPGATE_TABLE_H

#include <epgate/compat.h>

/* Protocol indexes, not IPPROTO_* numbers: they index top[]. */
enum {
	EPG_PROTO_TCP,
	EPG_PROTO_UDP,
	EPG_NPROTO
};

/*
 * Limits.  Flows and ranges bound the work of one build; the per-class
 * limit bounds the per-packet scan (16 rules of 12 bytes, 3 cache lines,
 * plus 16 address words of 64 bytes in the worst case; one rule and no
 * words in practice after merging); classes are u16 numbers with 0
 * reserved; the rule limit bounds the allocation (3 MiB of rules at most).
 */
#define EPG_MAX_FLOWS			16384
#define EPG_MAX_RANGES			64
#define EPG_MAX_RULES_PER_CLASS		16
#define EPG_MAX_CLASSES			65535	/* per protocol, besides 0 */
#define EPG_MAX_RULES			(1U << 18)
#define EPG_MAX_SETS			1024	/* distinct address sets */
#define EPG_MAX_PREFIXES		65536	/* over all of them */
#define EPG_SET_BUCKETS			262144	/* index of one set's family */

#define EPG_BLOCK_SHIFT		8
#define EPG_BLOCK_PORTS		(1U << EPG_BLOCK_SHIFT)
#define EPG_TOP_SIZE		(65536U >> EPG_BLOCK_SHIFT)

/* A class word: index of its first rule << 5 | its number of rules. */
#define EPG_CLASS_COUNT_BITS	5
#define EPG_CLASS_COUNT_MASK	((1U << EPG_CLASS_COUNT_BITS) - 1)

/*
 * family 0: any address, len and addr must be 0.  AF_INET: len 0..32,
 * address in addr[0].  AF_INET6: len 0..128.  Network byte order; bits
 * beyond len must be 0 (a typo like 10.0.0.5/8 is rejected, not widened).
 */
struct epg_prefix {
	u8 family;
	u8 len;
	__be32 addr[4];
};

/* Word (0..3) of the mask of a len-bit prefix, network order. */
static inline __be32 epg_prefix_mask(unsigned int len, unsigned int word)
{
	unsigned int bits = len > 32 * word ? len - 32 * word : 0;

	if (bits >= 32)
		return cpu_to_be32(0xffffffffU);
	if (!bits)
		return 0;
	return cpu_to_be32(0xffffffffU << (32 - bits));
}

/* Are address bits set beyond the prefix length (10.0.0.5/8)? */
static inline bool epg_prefix_host_bits(const struct epg_prefix *p)
{
	unsigned int w;

	for (w = 0; w < 4; w++) {
		if (p->addr[w] & ~epg_prefix_mask(p->len, w))
			return true;
	}
	return false;
}

/* Destination ports lo..hi, inclusive, host byte order. */
struct epg_range {
	u16 lo;
	u16 hi;
};

/*
 * An address set: 1..EPG_MAX_PREFIXES prefixes of either family, in any
 * order, overlapping or not.  An address is in the set when a prefix
 * holds it.  Specs that point at the same epg_addrset share its compiled
 * form; the distinct sets of one build count against EPG_MAX_SETS and
 * their prefixes against EPG_MAX_PREFIXES.
 */
struct epg_addrset {
	u32 n;
	const struct epg_prefix *prefixes;
};

struct epg_flow_spec {
	u32 id;			/* returned on a match, e.g. a counter index */
	u8 proto;		/* EPG_PROTO_* */
	u8 flags;		/* returned on a match, opaque to the table */
	u16 nranges;		/* 1..EPG_MAX_RANGES */
	struct epg_prefix from;	/* initiator */
	struct epg_prefix to;	/* responder */
	const struct epg_range *ranges;
	/* Not NULL: the role is bound to this set, and from/to is family 0. */
	const struct epg_addrset *from_set;
	const struct epg_addrset *to_set;
};

/*
 * One address word of a compiled rule, the four values side by side: an
 * IPv4 check reads w[0] only, 16 contiguous bytes.
 */
struct epg_rule_word {
	__be32 saddr;
	__be32 smask;
	__be32 daddr;
	__be32 dmask;
};

/* The address words of a bound rule, IPv4 in w[0] only. */
struct epg_rule_addr {
	struct epg_rule_word w[4];
};

/*
 * A compiled flow spec, as the lookup reads it: 12 bytes.  family is that
 * of the bound prefixes, 0 when both roles are unbound: such a rule matches
 * any address and has no address words.  A bound rule's words are
 * epg_table_addrs(t)[addr], shared by every class the spec is in (an
 * unbound role of a bound rule has mask 0).
 */
struct epg_rule {
	u32 id;
	u16 spec;		/* index of the flow spec in the build input */
	u8 family;
	u8 flags;
	u32 addr;		/* bound rules: index of its address words */
};

/*
 * A rule whose roles are address sets (struct epg_rule.family): its addr is
 * the offset from the table start of its struct epg_set_pair, the sets of
 * its two roles.  EPG_RULE_SET_FROM: the initiator is bound to a set and
 * the responder is unbound, the common case, which the packet path answers
 * inline; EPG_RULE_SETS: any other.
 */
#define EPG_RULE_SETS		0xff
#define EPG_RULE_SET_FROM	0xfe

/*
 * A set rule's two roles, per family: the offset from the table start of
 * the role's struct epg_set_fam, or 0 when the role is unbound.  A set
 * without prefixes of a family points at the table's empty one (nb 0).
 */
struct epg_set_pair {
	u32 from[2];		/* IPv4, IPv6 */
	u32 to[2];
};

/*
 * A word of a bucket index: the first interval that can hold a key of the
 * bucket, and whether the bucket is pure, that is no interval begins or
 * ends inside it, so that all its keys are in the set (EPG_SET_IN) or none
 * is.  A pure bucket is answered by its word alone.
 */
#define EPG_SET_PURE	0x80000000U
#define EPG_SET_IN	0x40000000U
#define EPG_SET_CAND	0x3fffffffU

/*
 * One family of a compiled set: its prefixes as sorted, disjoint, merged
 * intervals of host-order keys (IPv4: the address; IPv6: two u64 halves),
 * and a bucket index over the keys from base up, right behind this header
 * so that the packet path finds a word with one load.  Bucket b holds keys
 * base + (b << shift) .. + (1 << shift) - 1; the interval holding a key of
 * bucket b, if any, is one of idx[b] .. idx[b + 1] (EPG_SET_CAND bits; nb
 * + 1 words).  nb = 0: the set has no prefix of the family.
 */
struct epg_set_fam {
	u64 base;		/* IPv4: lowest key; IPv6: its high half */
	u32 shift;
	u32 nb;			/* buckets */
	u32 n;			/* intervals */
	u32 iv_off;		/* from the table start: the intervals */
	u32 idx[];
};

/* A distinct set: where its families are (for tools and tests). */
struct epg_set {
	u32 fam[2];		/* IPv4, IPv6: offsets, as in a pair */
};

struct epg_iv4 {
	u32 lo;
	u32 hi;
};

struct epg_iv6 {
	u64 lo[2];		/* high half, low half */
	u64 hi[2];
};

struct epg_table {
#ifdef __KERNEL__
	struct rcu_head rcu;	/* for kvfree_rcu(t, rcu) */
#endif
	u32 bytes;		/* the whole allocation */
	u32 nrules;
	u32 nclasses;		/* both protocols, classes 0 included */
	u32 class_base[EPG_NPROTO];
	u32 classes_off;	/* from the start of the table */
	u32 rules_off;
	u32 addrs_off;
	u32 naddrs;
	u32 sets_off;		/* struct epg_set[nsets] */
	u32 nsets;
	u32 pairs_off;		/* struct epg_set_pair[npairs], 8-aligned */
	u32 npairs;
	u32 prefixes;		/* over the distinct sets, as given */
	u16 nblocks;
	u16 reserved;
	u16 top[EPG_NPROTO][EPG_TOP_SIZE];
	u16 blocks[][EPG_BLOCK_PORTS];
};

/*
 * Build a table from n specs (n may be 0: an empty table).  Returns 0 and
 * sets *out, or a negative errno: -EINVAL for a malformed spec, -E2BIG for
 * a limit, -ENOMEM.  When err is not NULL it receives a one-line reason
 * naming the flow index or the protocol and port.  May sleep.
 */
int epg_table_build(const struct epg_flow_spec *specs, unsigned int n,
		    struct epg_table **out, char *err, size_t errlen);

/* Frees at once; a table readers may still see goes to kvfree_rcu(). */
void epg_table_free(struct epg_table *t);

static inline size_t epg_table_bytes(const struct epg_table *t)
{
	return t->bytes;
}

/* The rules of the class of (proto, dport); proto must be < EPG_NPROTO. */
static inline const struct epg_rule *
epg_table_rules(const struct epg_table *t, u8 proto, u16 dport,
		unsigned int *count)
{
	const u8 *base = (const u8 *)t;
	const u32 *classes = (const u32 *)(base + t->classes_off);
	const struct epg_rule *rules;
	u32 c, v;

	c = t->blocks[t->top[proto][dport >> EPG_BLOCK_SHIFT]]
		     [dport & (EPG_BLOCK_PORTS - 1)];
	v = classes[t->class_base[proto] + c];
	rules = (const struct epg_rule *)(base + t->rules_off);
	*count = v & EPG_CLASS_COUNT_MASK;
	return rules + (v >> EPG_CLASS_COUNT_BITS);
}

/* Does any flow of the table use (proto, dport)? */
static inline bool epg_table_port_used(const struct epg_table *t, u8 proto,
				       u16 dport)
{
	if (unlikely(proto >= EPG_NPROTO))
		return false;
	return t->blocks[t->top[proto][dport >> EPG_BLOCK_SHIFT]]
			[dport & (EPG_BLOCK_PORTS - 1)] != 0;
}

static inline const struct epg_rule_addr *
epg_table_addrs(const struct epg_table *t)
{
	return (const struct epg_rule_addr *)((const u8 *)t + t->addrs_off);
}

static __always_inline const struct epg_set_pair *
epg_table_pairs(const struct epg_table *t)
{
	return (const struct epg_set_pair *)((const u8 *)t + t->pairs_off);
}

static __always_inline const struct epg_set *epg_table_sets(const struct epg_table *t)
{
	return (const struct epg_set *)((const u8 *)t + t->sets_off);
}

static __always_inline const struct epg_set_fam *
epg_set_fam_at(const struct epg_table *t, u32 off)
{
	return (const struct epg_set_fam *)((const u8 *)t + off);
}

/* Family f (0: IPv4, 1: IPv6) of distinct set i, for tools and tests. */
static inline const struct epg_set_fam *
epg_table_set_fam(const struct epg_table *t, u32 i, unsigned int f)
{
	return epg_set_fam_at(t, epg_table_sets(t)[i].fam[f]);
}

/*
 * A mixed bucket b: the first of its candidate intervals idx[b] ..
 * idx[b + 1] that ends at or after key, and whether it starts at or below
 * key.  Out of line: the packet path checks the first candidate inline and
 * comes here only when the key is beyond it.
 */
static noinline bool epg_set_search4(const struct epg_table *t,
				     const struct epg_set_fam *f, u32 b,
				     u32 key)
{
	const struct epg_iv4 *iv =
		(const struct epg_iv4 *)((const u8 *)t + f->iv_off);
	u32 i = f->idx[b] & EPG_SET_CAND, half;
	u32 len = (f->idx[b + 1] & EPG_SET_CAND) - i + 1;

	while (len > 1) {
		half = len >> 1;
		if (iv[i + half - 1].hi < key)
			i += half;
		len -= half;
	}
	return iv[i].lo <= key && key <= iv[i].hi;
}

static __always_inline bool epg_key6_le(const u64 *a, u64 kh, u64 kl)
{
	return a[0] < kh || (a[0] == kh && a[1] <= kl);
}

static __always_inline bool epg_key6_ge(const u64 *a, u64 kh, u64 kl)
{
	return a[0] > kh || (a[0] == kh && a[1] >= kl);
}

static noinline bool epg_set_search6(const struct epg_table *t,
				     const struct epg_set_fam *f, u32 b,
				     u64 kh, u64 kl)
{
	const struct epg_iv6 *iv =
		(const struct epg_iv6 *)((const u8 *)t + f->iv_off);
	u32 i = f->idx[b] & EPG_SET_CAND, half;
	u32 len = (f->idx[b + 1] & EPG_SET_CAND) - i + 1;

	while (len > 1) {
		half = len >> 1;
		if (!epg_key6_ge(iv[i + half - 1].hi, kh, kl))
			i += half;
		len -= half;
	}
	return epg_key6_le(iv[i].lo, kh, kl) && epg_key6_ge(iv[i].hi, kh, kl);
}

/*
 * The bucket of an IPv4 address (host order), or nb and beyond when the
 * address is outside every bucket: IPv4 buckets end at 2^32 or before
 * (lib/table.c), so an address below base wraps beyond them.
 */
static __always_inline u32 epg_set_bucket4(const struct epg_set_fam *f,
					   u32 key)
{
	return (key - (u32)f->base) >> f->shift;
}

/* The same for the high half of an IPv6 address. */
static __always_inline u64 epg_set_bucket6(const struct epg_set_fam *f,
					   u64 kh)
{
	return kh < f->base ? ~0ULL : (kh - f->base) >> f->shift;
}

static __always_inline u64 epg_key6_high(const __be32 *a)
{
	return (u64)be32_to_cpu(a[0]) << 32 | be32_to_cpu(a[1]);
}

/*
 * Is the IPv4 address *a in family f?  1: yes, 0: no, -1: it is in a mixed
 * bucket beyond the bucket's first candidate, for epg_set_search4().  A
 * bucket word >= PURE | IN: in; >= PURE: out; below: mixed.  The key is
 * read again for the mixed bucket (READ_ONCE: not the value above), which
 * spares the pure path a store of it to the stack (hooks.o).
 */
static __always_inline int epg_set_in4(const struct epg_table *t,
				       const struct epg_set_fam *f,
				       const __be32 *a)
{
	const struct epg_iv4 *iv;
	u32 b, e, key;

	b = epg_set_bucket4(f, be32_to_cpu(a[0]));
	if (b >= f->nb)
		return 0;
	e = f->idx[b];
	if (likely(e >= (EPG_SET_PURE | EPG_SET_IN)))
		return 1;
	if (e & EPG_SET_PURE)
		return 0;
	key = be32_to_cpu(READ_ONCE(a[0]));
	iv = (const struct epg_iv4 *)((const u8 *)t + f->iv_off) + e;
	if (key <= iv->hi)
		return key >= iv->lo;
	return -1;
}

/* Is the address in the set family at off?  Any bucket. */
static __always_inline bool epg_set_has(const struct epg_table *t, u32 off,
					u8 family, const __be32 *a)
{
	const struct epg_set_fam *f = epg_set_fam_at(t, off);
	u64 kh, b;
	u32 e;
	int m;

	if (family == AF_INET) {
		m = epg_set_in4(t, f, a);
		if (m >= 0)
			return m;
		return epg_set_search4(t, f, epg_set_bucket4(f, be32_to_cpu(a[0])),
				       be32_to_cpu(a[0]));
	}
	kh = epg_key6_high(a);
	b = epg_set_bucket6(f, kh);
	if (b >= f->nb)
		return false;
	e = f->idx[b];
	if (e & EPG_SET_PURE)
		return e & EPG_SET_IN;
	return epg_set_search6(t, f, b, kh, epg_key6_high(a + 2));
}

/* A set rule, whatever the family and buckets. */
static noinline bool epg_sets_match(const struct epg_table *t,
				    const struct epg_set_pair *p, u8 family,
				    const __be32 *saddr, const __be32 *daddr)
{
	unsigned int fi = family == AF_INET6;

	return (!p->from[fi] || epg_set_has(t, p->from[fi], family, saddr)) &&
	       (!p->to[fi] || epg_set_has(t, p->to[fi], family, daddr));
}

/*
 * Does rule r of table t hold the connection saddr -> daddr?  1: yes,
 * 0: no, -1: a set rule this inline check does not answer.  An unbound
 * rule holds every connection and reads nothing more; a bound one reads
 * its address words only as far as the family goes: saddr[0] and daddr[0]
 * for AF_INET, so a caller may pass &iph->saddr.  A set rule is answered
 * here in the common case only: an IPv4 initiator bound to a set (a set
 * rule has a set on one role at least), the responder unbound, and the
 * address in a pure bucket.
 */
static __always_inline int epg_rule_match_fast(const struct epg_table *t,
					       const struct epg_rule *r,
					       u8 family, const __be32 *saddr,
					       const __be32 *daddr)
{
	const struct epg_rule_word *w;
	const struct epg_set_pair *p;
	__be32 diff;
	unsigned int i;

	if (!r->family)
		return 1;
	if (r->family != family) {	/* a set rule's family never is */
		if (r->family != EPG_RULE_SET_FROM || family != AF_INET)
			return r->family >= EPG_RULE_SET_FROM ? -1 : 0;
		p = (const struct epg_set_pair *)((const u8 *)t + r->addr);
		return epg_set_in4(t, epg_set_fam_at(t, p->from[0]), saddr);
	}
	w = epg_table_addrs(t)[r->addr].w;
	diff = ((saddr[0] ^ w[0].saddr) & w[0].smask) |
	       ((daddr[0] ^ w[0].daddr) & w[0].dmask);
	if (family == AF_INET6) {
		for (i = 1; i < 4; i++)
			diff |= ((saddr[i] ^ w[i].saddr) & w[i].smask) |
				((daddr[i] ^ w[i].daddr) & w[i].dmask);
	}
	return !diff;
}

/* The same, every rule answered. */
static inline bool epg_rule_match(const struct epg_table *t,
				  const struct epg_rule *r, u8 family,
				  const __be32 *saddr, const __be32 *daddr)
{
	if (r->family >= EPG_RULE_SET_FROM)
		return epg_sets_match(t, (const struct epg_set_pair *)
					 ((const u8 *)t + r->addr), family,
				      saddr, daddr);
	return epg_rule_match_fast(t, r, family, saddr, daddr);
}

/*
 * The rest of a scan, from rule r on (n rules), out of line: the inline
 * scan hands over at a set rule it cannot answer and is done, so that it
 * keeps nothing across a call.
 */
static noinline const struct epg_rule *
epg_table_scan(const struct epg_table *t, const struct epg_rule *r,
	       unsigned int n, u8 family, const __be32 *saddr,
	       const __be32 *daddr)
{
	for (; n; n--, r++) {
		if (epg_rule_match(t, r, family, saddr, daddr))
			return r;
	}
	return NULL;
}

/*
 * The first rule, in spec order, whose port ranges hold dport and whose
 * prefixes hold saddr and daddr (the connection's original direction), or
 * NULL.  family is AF_INET or AF_INET6.
 */
static inline const struct epg_rule *
epg_table_match(const struct epg_table *t, u8 proto, u16 dport, u8 family,
		const __be32 *saddr, const __be32 *daddr)
{
	const struct epg_rule *r;
	unsigned int n;
	int m;

	if (unlikely(proto >= EPG_NPROTO))
		return NULL;
	r = epg_table_rules(t, proto, dport, &n);
	for (; n; n--, r++) {
		m = epg_rule_match_fast(t, r, family, saddr, daddr);
		if (m > 0)
			return r;
		if (unlikely(m < 0))
			return epg_table_scan(t, r, n, family, saddr, daddr);
	}
	return NULL;
}

#endif /* _EPGATE_TABLE_H */
