// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the flow table (include/epgate/table.h, lib/table.c): edge
 * cases one by one, then a randomized differential test that checks every
 * lookup against a deliberately naive scan of the flow specs.  Prints TAP;
 * exit 0 when all passed, 1 otherwise.
 */
#include <epgate/table.h>
#include <time.h>

/* ---- TAP: each test is one function and one line ---- */

static char why[256];

__attribute__((format(printf, 1, 2)))
static bool failed(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return false;
}

#define CHECK(cond, ...) do { if (!(cond)) return failed(__VA_ARGS__); } while (0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- building blocks ---- */

static struct epg_prefix any;

static struct epg_prefix v4(u32 host, u8 len)
{
	struct epg_prefix p = { .family = AF_INET, .len = len };

	p.addr[0] = htonl(host);
	return p;
}

static struct epg_prefix v6(u32 w0, u32 w1, u32 w2, u32 w3, u8 len)
{
	struct epg_prefix p = { .family = AF_INET6, .len = len };

	p.addr[0] = htonl(w0);
	p.addr[1] = htonl(w1);
	p.addr[2] = htonl(w2);
	p.addr[3] = htonl(w3);
	return p;
}

static struct epg_flow_spec flow(u32 id, u8 proto, const struct epg_range *r,
				 u16 nr, struct epg_prefix from,
				 struct epg_prefix to)
{
	struct epg_flow_spec s = {
		.id = id, .proto = proto, .nranges = nr, .ranges = r,
		.from = from, .to = to,
	};
	return s;
}

static const struct epg_range r443[] = { { 443, 443 } };
static const struct epg_range r_all[] = { { 0, 65535 } };

/* Lookup of an IPv4 packet, addresses in host order; -1 for no match. */
static long long look4(const struct epg_table *t, u8 proto, u16 port,
		       u32 s, u32 d)
{
	/* Exactly one word each: ASan catches a read of words 1-3. */
	__be32 *sa = malloc(sizeof(*sa)), *da = malloc(sizeof(*da));
	const struct epg_rule *r;

	*sa = htonl(s);
	*da = htonl(d);
	r = epg_table_match(t, proto, port, AF_INET, sa, da);
	free(sa);
	free(da);
	return r ? (long long)r->id : -1;
}

static long long look6(const struct epg_table *t, u8 proto, u16 port,
		       const struct epg_prefix *s, const struct epg_prefix *d)
{
	const struct epg_rule *r;

	r = epg_table_match(t, proto, port, AF_INET6, s->addr, d->addr);
	return r ? (long long)r->id : -1;
}

/* The same, for host-order words. */
static long long look6w(const struct epg_table *t, u8 proto, u16 port,
			const u32 *s, const u32 *d)
{
	struct epg_prefix a = v6(s[0], s[1], s[2], s[3], 128);
	struct epg_prefix b = v6(d[0], d[1], d[2], d[3], 128);

	return look6(t, proto, port, &a, &b);
}

static unsigned int class_rules(const struct epg_table *t, u8 proto, u16 port)
{
	unsigned int n;

	epg_table_rules(t, proto, port, &n);
	return n;
}

static size_t align8(size_t x)
{
	return (x + 7) & ~(size_t)7;
}

/* off is 0 (unbound), the empty family or family f of a set. */
static bool fam_known(const struct epg_table *t, u32 off, unsigned int f)
{
	u32 empty = t->pairs_off + t->npairs * 16, i;

	if (!off || off == empty)
		return true;
	for (i = 0; i < t->nsets; i++)
		if (epg_table_sets(t)[i].fam[f] == off)
			return true;
	return false;
}

/* Is key (IPv4, or the high half of an IPv6 address with low half lo) in f? */
static bool fam_holds(const struct epg_table *t, const struct epg_set_fam *f,
		      unsigned int v6, u64 key, u64 lo)
{
	const struct epg_iv4 *a = (const void *)((const u8 *)t + f->iv_off);
	const struct epg_iv6 *b = (const void *)((const u8 *)t + f->iv_off);
	u32 l = 0, h = f->n;

	while (h - l > 1) {	/* the last interval starting at or below key */
		u32 m = (l + h) / 2;

		if (v6 ? (b[m].lo[0] < key ||
			  (b[m].lo[0] == key && b[m].lo[1] <= lo)) :
			 a[m].lo <= key)
			l = m;
		else
			h = m;
	}
	if (v6)
		return (b[l].lo[0] < key || (b[l].lo[0] == key &&
					      b[l].lo[1] <= lo)) &&
		       (b[l].hi[0] > key || (b[l].hi[0] == key &&
					      b[l].hi[1] >= lo));
	return a[l].lo <= key && key <= a[l].hi;
}

/*
 * A compiled set family: sorted disjoint intervals, not even adjacent (they
 * would have been merged), a power-of-two bucket count within the limit,
 * an index that never steps back, and pure buckets that are: their first,
 * middle and last keys are in the set exactly when the word says in.
 */
static bool set_fam_sane(const struct epg_table *t, const struct epg_set_fam *f,
			 unsigned int v6)
{
	const struct epg_iv4 *a = (const void *)((const u8 *)t + f->iv_off);
	const struct epg_iv6 *b = (const void *)((const u8 *)t + f->iv_off);
	const u32 *idx = f->idx;
	unsigned int k;

	if (!f->nb)
		return true;
	CHECK(f->n && f->nb >= 2 && f->nb <= EPG_SET_BUCKETS &&
	      !(f->nb & (f->nb - 1)), "%u intervals, %u buckets", f->n, f->nb);
	CHECK(f->shift < (v6 ? 64U : 33U), "shift %u", f->shift);
	for (k = 0; k < f->n; k++) {
		if (v6) {
			CHECK(b[k].lo[0] < b[k].hi[0] || (b[k].lo[0] == b[k].hi[0] &&
			      b[k].lo[1] <= b[k].hi[1]), "interval %u reversed", k);
			if (k) {
				/* next.lo > prev.hi + 1 */
				u64 h = b[k - 1].hi[0], l = b[k - 1].hi[1] + 1;

				h += !l;
				CHECK(h >= b[k - 1].hi[0] &&
				      (b[k].lo[0] > h ||
				       (b[k].lo[0] == h && b[k].lo[1] > l)),
				      "intervals %u, %u touch", k - 1, k);
			}
		} else {
			CHECK(a[k].lo <= a[k].hi, "interval %u reversed", k);
			if (k)
				CHECK((u64)a[k - 1].hi + 1 < a[k].lo,
				      "intervals %u, %u touch", k - 1, k);
		}
	}
	for (k = 0; k < f->nb; k++)
		CHECK((idx[k] & EPG_SET_CAND) <= (idx[k + 1] & EPG_SET_CAND),
		      "index steps back at %u", k);
	CHECK(idx[f->nb] == f->n - 1, "index ends at %u of %u", idx[f->nb], f->n);
	if (!v6)
		CHECK(((u64)f->nb << f->shift) <= (1ULL << 32) - f->base,
		      "IPv4 buckets end beyond 2^32");
	for (k = 0; k < f->nb; k++) {
		u64 last = v6 ? ~0ULL : 0xffffffffULL, start, end, w;
		bool in = idx[k] & EPG_SET_IN;

		if (!(idx[k] & EPG_SET_PURE))
			continue;
		w = f->shift ? ~0ULL >> (64 - f->shift) : 0;
		start = f->base + ((u64)k << f->shift);
		if (((u64)k << f->shift) > last - f->base) {
			CHECK(!in, "bucket %u beyond every key is in", k);
			continue;
		}
		end = w > last - start ? last : start + w;
		CHECK(fam_holds(t, f, v6, start, 0) == in &&
		      fam_holds(t, f, v6, end, ~0ULL) == in &&
		      fam_holds(t, f, v6, start + (end - start) / 2, 1) == in,
		      "pure bucket %u (%#llx..%#llx) is not %s", k,
		      (unsigned long long)start, (unsigned long long)end,
		      in ? "in" : "out");
	}
	return true;
}

/* The structure is consistent and its size is the documented formula. */
static bool sane(const struct epg_table *t)
{
	const u32 *classes = (const u32 *)((const u8 *)t + t->classes_off);
	size_t bytes;
	unsigned int p, i, j;

	bytes = align8(offsetof(struct epg_table, blocks) + t->nblocks * 512) +
		align8(t->nclasses * 4) + align8(t->nrules * 12) +
		t->naddrs * 64 + t->nsets * 8 + t->npairs * 16 +
		(t->nsets ? 24 : 0);
	for (i = 0; i < t->nsets; i++)
		for (p = 0; p < 2; p++) {
			const struct epg_set_fam *f = epg_table_set_fam(t, i, p);

			if (f->nb)
				bytes += align8(f->n * (p ? 32 : 8)) +
					 align8(24 + (f->nb + 1) * 4);
			if (!set_fam_sane(t, f, p))
				return failed("set %u family %u: %s", i, p, why);
		}
	for (i = 0; i < t->npairs; i++) {
		const struct epg_set_pair *pr = &epg_table_pairs(t)[i];

		for (p = 0; p < 2; p++)
			CHECK(fam_known(t, pr->from[p], p) &&
			      fam_known(t, pr->to[p], p) &&
			      (pr->from[p] || pr->to[p]),
			      "pair %u family %u: %u, %u", i, p, pr->from[p],
			      pr->to[p]);
	}
	for (i = 0; i < t->nrules; i++) {
		const struct epg_rule *r = &((const struct epg_rule *)
					     ((const u8 *)t + t->rules_off))[i];
		const struct epg_set_pair *pr =
			(const void *)((const u8 *)t + r->addr);

		if (r->family < EPG_RULE_SET_FROM)
			continue;
		CHECK(r->addr >= t->pairs_off &&
		      r->addr < t->pairs_off + t->npairs * 16 &&
		      !((r->addr - t->pairs_off) % 16), "rule %u: pair at %u",
		      i, r->addr);
		CHECK((r->family == EPG_RULE_SET_FROM) ==
		      (pr->from[0] && !pr->to[0] && !pr->to[1]),
		      "rule %u: family %#x, pair %u %u", i, r->family,
		      pr->from[0], pr->to[0]);
	}
	CHECK(sizeof(struct epg_rule) == 12, "rule is %zu bytes",
	      sizeof(struct epg_rule));
	CHECK(epg_table_bytes(t) == bytes, "bytes %zu, formula %zu",
	      epg_table_bytes(t), bytes);
	for (i = 0; i < 256; i++)
		CHECK(!t->blocks[0][i], "block 0 not empty");
	for (p = 0; p < EPG_NPROTO; p++) {
		CHECK(!classes[t->class_base[p]], "class 0 has rules");
		for (i = 0; i < 256; i++)
			CHECK(t->top[p][i] < t->nblocks, "top out of range");
	}
	for (i = 1; i < t->nblocks; i++)
		for (j = 0; j < i; j++)
			CHECK(memcmp(t->blocks[i], t->blocks[j], 512),
			      "blocks %u and %u equal", j, i);
	for (i = 0; i < t->nclasses; i++) {
		u32 n = classes[i] & EPG_CLASS_COUNT_MASK;

		CHECK(n <= EPG_MAX_RULES_PER_CLASS, "class of %u rules", n);
		CHECK((classes[i] >> EPG_CLASS_COUNT_BITS) + n <= t->nrules,
		      "class %u beyond the rules", i);
	}
	return true;
}

/* ---- edge cases ---- */

static bool test_empty(void)
{
	struct epg_table *t;
	u32 port;
	u8 p;

	CHECK(!epg_table_build(NULL, 0, &t, NULL, 0), "build failed");
	for (p = 0; p < EPG_NPROTO; p++)
		for (port = 0; port < 65536; port++)
			CHECK(!epg_table_port_used(t, p, port) &&
			      look4(t, p, port, 1, 2) < 0, "port %u used", port);
	CHECK(t->nblocks == 1 && t->nrules == 0, "not empty");
	if (!sane(t))
		return false;
	printf("# empty table: %zu bytes\n", epg_table_bytes(t));
	epg_table_free(t);
	return true;
}

static bool test_port_0_65535(void)
{
	static const struct epg_range r[] = { { 0, 0 }, { 65535, 65535 } };
	struct epg_flow_spec s = flow(7, EPG_PROTO_TCP, r, 2, any, any);
	struct epg_table *t;
	u32 port;

	CHECK(!epg_table_build(&s, 1, &t, NULL, 0), "build failed");
	for (port = 0; port < 65536; port++)
		CHECK(epg_table_port_used(t, EPG_PROTO_TCP, port) ==
		      (port == 0 || port == 65535), "port %u", port);
	CHECK(look4(t, EPG_PROTO_TCP, 0, 1, 2) == 7, "port 0");
	CHECK(look4(t, EPG_PROTO_TCP, 65535, 1, 2) == 7, "port 65535");
	CHECK(look4(t, EPG_PROTO_UDP, 0, 1, 2) < 0, "udp 0");
	CHECK(t->nblocks == 3, "%u blocks", t->nblocks);
	if (!sane(t))
		return false;
	epg_table_free(t);
	return true;
}

static bool test_full_range(void)
{
	struct epg_flow_spec s = flow(3, EPG_PROTO_UDP, r_all, 1, any, any);
	struct epg_table *t;
	u32 port;

	CHECK(!epg_table_build(&s, 1, &t, NULL, 0), "build failed");
	for (port = 0; port < 65536; port++)
		CHECK(epg_table_port_used(t, EPG_PROTO_UDP, port) &&
		      !epg_table_port_used(t, EPG_PROTO_TCP, port),
		      "port %u", port);
	/* All 256 blocks of UDP are one shared block. */
	CHECK(t->nblocks == 2, "%u blocks, want 2", t->nblocks);
	CHECK(look4(t, EPG_PROTO_UDP, 32768, 1, 2) == 3, "udp 32768");
	if (!sane(t))
		return false;
	epg_table_free(t);
	return true;
}

static bool test_overlap(void)
{
	static const struct epg_range ra[] = { { 10, 20 }, { 15, 30 } };
	static const struct epg_range rb[] = { { 25, 40 } };
	static const struct epg_range rc[] = { { 5, 12 }, { 38, 50 } };
	struct epg_flow_spec s[] = {
		flow(1, EPG_PROTO_TCP, ra, 2, v4(0x0a000000, 8), any),
		flow(2, EPG_PROTO_TCP, rb, 1, any, any),
		flow(3, EPG_PROTO_TCP, rc, 2, any, any),
	};
	static const struct { u16 port; long long in10, out; } want[] = {
		{ 4, -1, -1 }, { 5, 3, 3 }, { 9, 3, 3 }, { 10, 1, 3 },
		{ 12, 1, 3 }, { 13, 1, -1 }, { 20, 1, -1 }, { 24, 1, -1 },
		{ 25, 1, 2 }, { 30, 1, 2 }, { 31, 2, 2 }, { 40, 2, 2 },
		{ 41, 3, 3 }, { 50, 3, 3 }, { 51, -1, -1 },
	};
	struct epg_table *t;
	unsigned int i;

	CHECK(!epg_table_build(s, 3, &t, NULL, 0), "build failed");
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		CHECK(look4(t, EPG_PROTO_TCP, want[i].port, 0x0a010203, 1) ==
		      want[i].in10, "port %u from 10/8", want[i].port);
		CHECK(look4(t, EPG_PROTO_TCP, want[i].port, 0x0b010203, 1) ==
		      want[i].out, "port %u from 11/8", want[i].port);
	}
	/* In 25-30 flow 2 (any) comes after flow 1 (10/8): two rules. */
	CHECK(class_rules(t, EPG_PROTO_TCP, 27) == 2, "port 27");
	/* Ports 10-12 and 38-40: flow 3 is covered by flow 2 only in 38-40. */
	CHECK(class_rules(t, EPG_PROTO_TCP, 39) == 1, "port 39");
	if (!sane(t))
		return false;
	epg_table_free(t);
	return true;
}

static bool test_443_50_profiles(void)
{
	struct epg_flow_spec s[50];
	struct epg_table *t;
	unsigned int i;

	for (i = 0; i < 50; i++)
		s[i] = flow(100 + i, EPG_PROTO_TCP, r443, 1, any, any);
	CHECK(!epg_table_build(s, 50, &t, NULL, 0), "build failed");
	CHECK(class_rules(t, EPG_PROTO_TCP, 443) == 1, "%u rules",
	      class_rules(t, EPG_PROTO_TCP, 443));
	CHECK(look4(t, EPG_PROTO_TCP, 443, 1, 2) == 100, "not the first");
	CHECK(t->nrules == 1, "%u rules in all", t->nrules);
	epg_table_free(t);

	/* 50 agent -> server flows to the same server, then one unbound. */
	for (i = 0; i < 50; i++)
		s[i] = flow(100 + i, EPG_PROTO_TCP, r443, 1,
			    v4(0x0a000000 | i << 16, 16), v4(0x0a000005, 32));
	s[0] = flow(100, EPG_PROTO_TCP, r443, 1, v4(0x0a000000, 8),
		    v4(0x0a000005, 32));
	s[49] = flow(149, EPG_PROTO_TCP, r443, 1, any, any);
	CHECK(!epg_table_build(s, 50, &t, NULL, 0), "build 2 failed");
	CHECK(class_rules(t, EPG_PROTO_TCP, 443) == 2, "%u rules",
	      class_rules(t, EPG_PROTO_TCP, 443));
	CHECK(look4(t, EPG_PROTO_TCP, 443, 0x0a070001, 0x0a000005) == 100,
	      "to the server");
	CHECK(look4(t, EPG_PROTO_TCP, 443, 0x0a070001, 0x0a000006) == 149,
	      "elsewhere");
	if (!sane(t))
		return false;
	epg_table_free(t);
	return true;
}

static bool test_merge_order(void)
{
	struct epg_flow_spec s[] = {
		flow(1, EPG_PROTO_TCP, r443, 1, v4(0x0a000000, 8), any),
		flow(2, EPG_PROTO_TCP, r443, 1, v4(0x0a010000, 16), any),
		flow(3, EPG_PROTO_TCP, r443, 1, any, any),
		flow(4, EPG_PROTO_TCP, r443, 1, v4(0xc0a80000, 16), any),
		flow(5, EPG_PROTO_TCP, r443, 1, v4(0xc0a80000, 16), any),
		/* narrower first, wider later: both stay */
		flow(6, EPG_PROTO_UDP, r443, 1, v4(0x0a010000, 16), any),
		flow(7, EPG_PROTO_UDP, r443, 1, v4(0x0a000000, 8), any),
	};
	static const u8 flags[] = { 1, 1, 1, 1, 2, 0, 0 };
	const struct epg_rule *r;
	struct epg_table *t;
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(s); i++)
		s[i].flags = flags[i];
	CHECK(!epg_table_build(s, ARRAY_SIZE(s), &t, NULL, 0), "build failed");
	/* 2 and 4 covered by 1 and 3; 5 too, but with other flags it stays */
	r = epg_table_rules(t, EPG_PROTO_TCP, 443, &n);
	CHECK(n == 3 && r[0].id == 1 && r[1].id == 3 && r[2].id == 5,
	      "tcp rules");
	CHECK(r[0].flags == 1 && r[1].flags == 1 && r[2].flags == 2 &&
	      r[1].spec == 2 && r[2].spec == 4, "flags");
	CHECK(look4(t, EPG_PROTO_TCP, 443, 0x0a010203, 1) == 1, "10.1/16");
	CHECK(look4(t, EPG_PROTO_TCP, 443, 0xc0a80001, 1) == 3, "192.168/16");
	CHECK(class_rules(t, EPG_PROTO_UDP, 443) == 2, "udp rules");
	CHECK(look4(t, EPG_PROTO_UDP, 443, 0x0a010203, 1) == 6, "udp 10.1");
	CHECK(look4(t, EPG_PROTO_UDP, 443, 0x0a020203, 1) == 7, "udp 10.2");
	CHECK(look4(t, EPG_PROTO_UDP, 443, 0x0b020203, 1) < 0, "udp 11.2");
	epg_table_free(t);
	return true;
}

/* A spec covered on part of its ports only, then one that relies on it. */
static bool test_partly_covered(void)
{
	static const struct epg_range r100[] = { { 100, 150 } };
	static const struct epg_range r200[] = { { 100, 200 } };
	struct epg_flow_spec s[] = {
		flow(0, EPG_PROTO_TCP, r100, 1, any, any),
		flow(1, EPG_PROTO_TCP, r200, 1, v4(0x0a000000, 8), any),
		flow(2, EPG_PROTO_TCP, r200, 1, v4(0x0b000000, 8), any),
		flow(3, EPG_PROTO_TCP, r200, 1, v4(0x0a010000, 16), any),
	};
	struct epg_table *t;

	CHECK(!epg_table_build(s, 4, &t, NULL, 0), "build failed");
	CHECK(class_rules(t, EPG_PROTO_TCP, 120) == 1, "port 120");
	CHECK(class_rules(t, EPG_PROTO_TCP, 170) == 2, "port 170");
	CHECK(look4(t, EPG_PROTO_TCP, 170, 0x0b000001, 1) == 2, "11/8");
	CHECK(look4(t, EPG_PROTO_TCP, 170, 0x0a010001, 1) == 1, "10.1/16");
	CHECK(look4(t, EPG_PROTO_TCP, 120, 0x0b000001, 1) == 0, "port 120");
	epg_table_free(t);
	return true;
}

static bool test_prefix_0(void)
{
	struct epg_flow_spec s[] = {
		flow(4, EPG_PROTO_TCP, r443, 1, v4(0, 0), any),
		flow(6, EPG_PROTO_TCP, r443, 1, any, v6(0, 0, 0, 0, 0)),
		flow(9, EPG_PROTO_UDP, r443, 1, any, any),
	};
	struct epg_prefix a = v6(0x20010db8, 1, 2, 3, 128);
	struct epg_prefix b = v6(0xfe800000, 0, 0, 9, 128);
	struct epg_table *t;

	CHECK(!epg_table_build(s, 3, &t, NULL, 0), "build failed");
	CHECK(look4(t, EPG_PROTO_TCP, 443, 0xffffffff, 0) == 4, "v4 /0");
	CHECK(look4(t, EPG_PROTO_TCP, 443, 0, 0xffffffff) == 4, "v4 /0 b");
	CHECK(look6(t, EPG_PROTO_TCP, 443, &a, &b) == 6, "v6 /0");
	CHECK(look4(t, EPG_PROTO_UDP, 443, 1, 2) == 9, "any v4");
	CHECK(look6(t, EPG_PROTO_UDP, 443, &b, &a) == 9, "any v6");
	epg_table_free(t);
	return true;
}

static bool test_prefix_32_128(void)
{
	struct epg_prefix h6 = v6(0x20010db8, 0, 0, 5, 128);
	struct epg_prefix n6 = v6(0x20010db8, 0, 0, 4, 128);
	struct epg_prefix hi6 = v6(0xa0010db8, 0, 0, 5, 128);
	struct epg_flow_spec s[] = {
		flow(1, EPG_PROTO_TCP, r443, 1, any, v4(0x0a000005, 32)),
		flow(2, EPG_PROTO_TCP, r443, 1, any, h6),
		flow(3, EPG_PROTO_TCP, r443, 1, v4(0x80000000, 1), any),
	};
	struct epg_table *t;

	CHECK(!epg_table_build(s, 3, &t, NULL, 0), "build failed");
	CHECK(look4(t, EPG_PROTO_TCP, 443, 7, 0x0a000005) == 1, "/32");
	CHECK(look4(t, EPG_PROTO_TCP, 443, 7, 0x0a000004) < 0, "/32 -1");
	CHECK(look4(t, EPG_PROTO_TCP, 443, 7, 0x8a000005) < 0, "/32 top");
	CHECK(look4(t, EPG_PROTO_TCP, 443, 0x80000000, 1) == 3, "/1");
	CHECK(look6(t, EPG_PROTO_TCP, 443, &n6, &h6) == 2, "/128");
	CHECK(look6(t, EPG_PROTO_TCP, 443, &h6, &n6) < 0, "/128 -1");
	CHECK(look6(t, EPG_PROTO_TCP, 443, &h6, &hi6) < 0, "/128 top");
	epg_table_free(t);
	return true;
}

static bool test_protocols(void)
{
	static const struct epg_range r53[] = { { 53, 53 } };
	static const struct epg_range r80[] = { { 80, 80 } };
	struct epg_flow_spec s[] = {
		flow(1, EPG_PROTO_TCP, r53, 1, any, any),
		flow(2, EPG_PROTO_UDP, r53, 1, any, any),
		flow(3, EPG_PROTO_TCP, r80, 1, any, any),
	};
	struct epg_table *t;

	CHECK(!epg_table_build(s, 3, &t, NULL, 0), "build failed");
	CHECK(look4(t, EPG_PROTO_TCP, 53, 1, 2) == 1, "tcp 53");
	CHECK(look4(t, EPG_PROTO_UDP, 53, 1, 2) == 2, "udp 53");
	CHECK(look4(t, EPG_PROTO_TCP, 80, 1, 2) == 3, "tcp 80");
	CHECK(look4(t, EPG_PROTO_UDP, 80, 1, 2) < 0, "udp 80");
	CHECK(!epg_table_port_used(t, EPG_PROTO_UDP, 80), "udp 80 used");
	CHECK(!epg_table_port_used(t, EPG_NPROTO, 53) &&
	      !epg_table_match(t, EPG_NPROTO, 53, AF_INET, s[0].from.addr,
			       s[0].to.addr), "proto 2");
	epg_table_free(t);
	return true;
}

/* Expect build to fail with ret and a message containing what. */
static bool rejects(const struct epg_flow_spec *s, unsigned int n, int ret,
		    const char *what)
{
	struct epg_table *t = (struct epg_table *)&t;
	char err[128];
	int r;

	r = epg_table_build(s, n, &t, err, sizeof(err));
	CHECK(r == ret, "returned %d, want %d (%s)", r, ret, err);
	CHECK(!t, "table set on error");
	CHECK(strstr(err, what), "message \"%s\" lacks \"%s\"", err, what);
	return true;
}

static bool test_invalid(void)
{
	static const struct epg_range bad[] = { { 1, 1 }, { 20, 10 } };
	struct epg_flow_spec ok_spec = flow(1, EPG_PROTO_TCP, r443, 1, any, any);
	struct epg_flow_spec s[3] = { ok_spec, ok_spec, ok_spec };

	s[2].ranges = bad;
	s[2].nranges = 2;
	if (!rejects(s, 3, -EINVAL, "flow 2: port range 20-10"))
		return false;
	s[2] = ok_spec;
	s[1].proto = 2;
	if (!rejects(s, 3, -EINVAL, "flow 1: bad protocol"))
		return false;
	s[1] = ok_spec;
	s[1].nranges = 0;
	if (!rejects(s, 3, -EINVAL, "flow 1: no port range"))
		return false;
	s[1] = ok_spec;
	s[1].to.family = 7;
	if (!rejects(s, 3, -EINVAL, "flow 1: responder: bad address family"))
		return false;
	s[1] = ok_spec;
	s[1].from = v4(0, 33);
	if (!rejects(s, 3, -EINVAL, "flow 1: initiator: prefix length 33"))
		return false;
	s[1].from = v6(0, 0, 0, 0, 129);
	if (!rejects(s, 3, -EINVAL, "flow 1: initiator: prefix length 129"))
		return false;
	s[1].from = any;
	s[1].from.len = 1;
	if (!rejects(s, 3, -EINVAL, "flow 1: initiator: prefix length 1"))
		return false;
	s[1] = ok_spec;
	s[0].from = v4(0x0a000000, 8);
	s[0].to = v6(0x20010db8, 0, 0, 0, 32);
	if (!rejects(s, 3, -EINVAL, "flow 0: initiator and responder"))
		return false;
	return true;
}

static bool test_host_bits(void)
{
	struct epg_flow_spec s = flow(1, EPG_PROTO_TCP, r443, 1, any, any);

	s.from = v4(0x0a000005, 8);	/* 10.0.0.5/8 */
	if (!rejects(&s, 1, -EINVAL, "flow 0: initiator: address bits set beyond /8"))
		return false;
	s.from = v4(0x0a000000, 8);
	s.from.addr[2] = htonl(1);	/* IPv4 with a stray word */
	if (!rejects(&s, 1, -EINVAL, "flow 0: initiator: address bits"))
		return false;
	s.from = any;
	s.to = v6(0x20010db8, 0, 0, 1, 64);
	if (!rejects(&s, 1, -EINVAL, "flow 0: responder: address bits set beyond /64"))
		return false;
	s.to = v6(0x20010db8, 0x80000000, 0, 0, 32);
	if (!rejects(&s, 1, -EINVAL, "beyond /32"))
		return false;
	s.to = any;
	s.to.addr[3] = htonl(1);	/* "any" with an address */
	if (!rejects(&s, 1, -EINVAL, "flow 0: responder: address bits set beyond /0"))
		return false;
	return true;
}

static bool limits(struct epg_flow_spec *s)
{
	static struct epg_range many[EPG_MAX_RANGES + 1];
	struct epg_table *t;
	char err[8], want[48];
	unsigned int i;

	for (i = 0; i <= EPG_MAX_FLOWS; i++)
		s[i] = flow(i, EPG_PROTO_TCP, r443, 1, any, any);
	for (i = 0; i <= EPG_MAX_RANGES; i++)
		many[i].lo = many[i].hi = 1000 + 2 * i;
	CHECK(!epg_table_build(s, EPG_MAX_FLOWS, &t, NULL, 0), "%u flows",
	      EPG_MAX_FLOWS);
	epg_table_free(t);
	snprintf(want, sizeof(want), "%u flows, limit %u", EPG_MAX_FLOWS + 1,
		 EPG_MAX_FLOWS);
	if (!rejects(s, EPG_MAX_FLOWS + 1, -E2BIG, want))
		return false;
	s[5].ranges = many;
	s[5].nranges = EPG_MAX_RANGES;
	CHECK(!epg_table_build(s, 10, &t, NULL, 0), "64 ranges");
	CHECK(class_rules(t, EPG_PROTO_TCP, 1126) == 1, "port 1126");
	epg_table_free(t);
	s[5].nranges = EPG_MAX_RANGES + 1;
	if (!rejects(s, 10, -E2BIG, "flow 5: 65 port ranges, limit 64"))
		return false;
	/* A short buffer truncates, and no buffer is fine. */
	CHECK(epg_table_build(s, 10, &t, err, sizeof(err)) == -E2BIG &&
	      strlen(err) == sizeof(err) - 1, "short buffer");
	CHECK(epg_table_build(s, 10, &t, NULL, 0) == -E2BIG, "no buffer");
	return true;
}

static bool test_limits(void)
{
	struct epg_flow_spec *s = calloc(EPG_MAX_FLOWS + 1, sizeof(*s));
	bool ret;

	CHECK(s, "calloc");
	ret = limits(s);
	free(s);
	return ret;
}

static bool test_rules_per_class(void)
{
	struct epg_flow_spec s[EPG_MAX_RULES_PER_CLASS + 1];
	struct epg_table *t;
	unsigned int i;

	/* 16 disjoint servers on 443: 16 rules, the limit. */
	for (i = 0; i <= EPG_MAX_RULES_PER_CLASS; i++)
		s[i] = flow(i, EPG_PROTO_TCP, r443, 1, any,
			    v4(0x0a000000 + i, 32));
	CHECK(!epg_table_build(s, EPG_MAX_RULES_PER_CLASS, &t, NULL, 0),
	      "16 rules rejected");
	CHECK(class_rules(t, EPG_PROTO_TCP, 443) == 16, "not 16");
	CHECK(look4(t, EPG_PROTO_TCP, 443, 1, 0x0a00000f) == 15, "last");
	epg_table_free(t);
	s[EPG_MAX_RULES_PER_CLASS].proto = EPG_PROTO_UDP;
	s[EPG_MAX_RULES_PER_CLASS].ranges = r_all;
	CHECK(!epg_table_build(s, EPG_MAX_RULES_PER_CLASS + 1, &t, NULL, 0),
	      "udp counted with tcp");
	epg_table_free(t);
	s[EPG_MAX_RULES_PER_CLASS].proto = EPG_PROTO_TCP;
	/* 16 merge into the 17th's class only where they overlap: 443. */
	return rejects(s, EPG_MAX_RULES_PER_CLASS + 1, -E2BIG,
		       "tcp port 443: more than 16 rules after merging (at flow 16)");
}

/*
 * 2,048 flows putting every TCP port in a class of its own: flow A_i holds
 * ports 64i..64i+63, flow B_j the ports p with p % 64 == j % 64 and
 * p / 4096 == j / 64; each has its own /32, so nothing merges.  extra
 * flows over ports 0-65534 add a rule to every class.
 */
static struct epg_flow_spec *distinct_classes(u32 nports, unsigned int extra,
					      unsigned int *n)
{
	static struct epg_range ra[1024], rb[1024][64], all = { 0, 65534 };
	struct epg_flow_spec *s = calloc(2048 + extra, sizeof(*s));
	unsigned int i, j, m, k = 0;

	if (!s)
		return NULL;
	for (i = 0; i < 1024; i++) {
		ra[i].lo = 64 * i;
		ra[i].hi = 64 * i + 63 < nports ? 64 * i + 63 : nports - 1;
		s[k] = flow(k, EPG_PROTO_TCP, &ra[i], 1, v4(0x0a000000 + i, 32),
			    any);
		k++;
	}
	for (j = 0; j < 1024; j++) {
		for (m = 0, i = 0; m < 64; m++) {
			u32 p = 64 * (64 * (j / 64) + m) + j % 64;

			if (p < nports) {
				rb[j][i].lo = rb[j][i].hi = p;
				i++;
			}
		}
		s[k] = flow(k, EPG_PROTO_TCP, rb[j], i, v4(0x0b000000 + j, 32),
			    any);
		k++;
	}
	for (i = 0; i < extra; i++) {
		s[k] = flow(k, EPG_PROTO_TCP, &all, 1, v4(0x0c000000 + i, 32),
			    any);
		k++;
	}
	*n = k;
	return s;
}

static bool test_max_classes(void)
{
	struct epg_flow_spec *s;
	struct epg_table *t;
	unsigned int n;
	int ret;

	s = distinct_classes(65536, 0, &n);
	CHECK(s, "calloc");
	ret = rejects(s, n, -E2BIG, "tcp: more than 65535 port classes");
	free(s);
	if (!ret)
		return false;
	s = distinct_classes(65535, 0, &n);
	CHECK(s, "calloc");
	ret = epg_table_build(s, n, &t, NULL, 0);
	free(s);
	CHECK(!ret, "65535 classes rejected: %d", ret);
	CHECK(t->nclasses == 65536 + 1, "%u classes", t->nclasses);
	CHECK(look4(t, EPG_PROTO_TCP, 4097, 0x0b000001 + 64, 0) == 1024 + 65,
	      "port 4097");
	CHECK(!epg_table_port_used(t, EPG_PROTO_TCP, 65535), "port 65535");
	printf("# 65,535 TCP classes of 2 rules: %zu bytes, %u blocks\n",
	       epg_table_bytes(t), t->nblocks);
	ret = sane(t);
	epg_table_free(t);
	return ret;
}

static bool test_max_rules(void)
{
	struct epg_flow_spec *s;
	struct epg_table *t;
	unsigned int n;
	bool ret;

	/* 65,535 classes x 4 rules fit, x 5 do not. */
	s = distinct_classes(65535, 2, &n);
	CHECK(s, "calloc");
	CHECK(!epg_table_build(s, n, &t, NULL, 0), "x 4 rejected");
	CHECK(t->nrules == 4 * 65535, "%u rules", t->nrules);
	epg_table_free(t);
	free(s);
	s = distinct_classes(65535, 3, &n);
	CHECK(s, "calloc");
	ret = rejects(s, n, -E2BIG, "more than 262144 rules");
	free(s);
	return ret;
}

/* ---- a realistic policy, and the largest index ---- */

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u32 rnd(u32 n)
{
	/* xorshift64*: deterministic, good enough to spread test inputs. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (u32)((rng_state * 0x2545f4914f6cdd1dULL) >> 32) % n;
}

static u32 rnd32(void)
{
	return rnd(0x10000) << 16 | rnd(0x10000);
}


static struct epg_range *add_ports(struct epg_range *r, const u16 *ports,
				   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		r[i].lo = r[i].hi = ports[i];
	return r;
}

static bool test_five_vendors(void)
{
	/* Ports of the kind the vendor documents list, 12 flows a vendor. */
	static const u16 ports[5][20] = {
		{ 443, 80, 2222, 2223, 8883, 3128, 53, 8080, 1237, 1238,
		  2225, 2226, 2227, 135, 139, 445, 6554, 9963, 8443, 22 },
		{ 443, 80, 2221, 2222, 2223, 10443, 14443, 5432, 8084, 2000,
		  3000, 4000, 2224, 3389, 445, 137, 138, 139, 9999, 53 },
		{ 443, 80, 8014, 8443, 8445, 1433, 9090, 8446, 2967, 2968,
		  8005, 8444, 8447, 445, 139, 137, 4343, 8765, 5300, 53 },
		{ 443, 80, 13000, 14000, 13291, 13292, 13295, 15000, 13111,
		  17000, 8060, 8061, 15111, 7271, 19170, 13299, 17100, 135,
		  445, 53 },
		{ 443, 80, 4118, 4119, 4120, 4122, 4121, 8080, 8443, 3306,
		  1433, 5432, 514, 162, 8181, 25, 4123, 4124, 4125, 53 },
	};
	static const struct epg_range wide[] = {
		{ 1024, 65535 }, { 20000, 20099 }, { 49152, 65535 },
		{ 6000, 6099 }, { 33434, 33534 },
	};
	static struct epg_range r[5][12][4];
	struct epg_prefix server = v4(0x0a000005, 32), agents = v4(0x0a000000, 8);
	struct epg_flow_spec s[60];
	struct epg_table *t;
	unsigned int v, f, k = 0, nports = 0;
	u32 port;

	for (v = 0; v < 5; v++) {
		for (f = 0; f < 12; f++) {
			unsigned int first = f * 20 / 12;
			unsigned int n = (f + 1) * 20 / 12 - first;
			u8 proto = f % 4 == 3 ? EPG_PROTO_UDP : EPG_PROTO_TCP;

			add_ports(r[v][f], &ports[v][first], n);
			if (f == 11) {	/* one wide range per vendor */
				r[v][f][n++] = wide[v];
				proto = v == 1 ? EPG_PROTO_UDP : EPG_PROTO_TCP;
			}
			s[k] = flow(k, proto, r[v][f], n,
				    f & 1 ? agents : any, f & 2 ? server : any);
			s[k].flags = v == 3;	/* say, one vendor in monitor */
			k++;
		}
	}
	CHECK(!epg_table_build(s, k, &t, NULL, 0), "build failed");
	for (port = 0; port < 65536; port++)
		nports += epg_table_port_used(t, EPG_PROTO_TCP, port) +
			  epg_table_port_used(t, EPG_PROTO_UDP, port);
	printf("# 5 vendors, 60 flows, %u used ports: %zu bytes (%u blocks, %u classes, %u rules)\n",
	       nports, epg_table_bytes(t), t->nblocks, t->nclasses, t->nrules);
	CHECK(epg_table_bytes(t) < 64 * 1024, "%zu bytes", epg_table_bytes(t));
	v = sane(t);
	epg_table_free(t);
	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool test_all_ports(void)
{
	/* Every port of both protocols, 1,024 flows per protocol. */
	static struct epg_range r[2048][64];
	static struct epg_flow_spec s[2048];
	static u16 perm[65536];
	struct epg_table *t;
	unsigned int f, i, j;
	double t0;
	u32 port;

	for (f = 0; f < 2048; f++) {
		if (f % 1024 == 0) {
			/* ports dealt to flows at random, anew per protocol */
			for (i = 0; i < 65536; i++)
				perm[i] = i;
			for (i = 65535; i > 0; i--) {
				j = rnd(i + 1);
				port = perm[i];
				perm[i] = perm[j];
				perm[j] = port;
			}
		}
		for (i = 0; i < 64; i++)
			r[f][i].lo = r[f][i].hi = perm[(f % 1024) * 64 + i];
		s[f] = flow(f, f < 1024 ? EPG_PROTO_TCP : EPG_PROTO_UDP, r[f],
			    64, v4(0x0a000000 + f, 32), any);
	}
	t0 = now();
	CHECK(!epg_table_build(s, 2048, &t, NULL, 0), "build failed");
	t0 = now() - t0;
	printf("# 65,536 ports x 2: built in %.3f s, %zu bytes, %u blocks\n",
	       t0, epg_table_bytes(t), t->nblocks);
	CHECK(t->nblocks == 513, "%u blocks", t->nblocks);
	CHECK(t0 < 1.0, "%.3f s", t0);
	for (port = 0; port < 65536; port++)
		CHECK(epg_table_port_used(t, EPG_PROTO_TCP, port) &&
		      epg_table_port_used(t, EPG_PROTO_UDP, port), "port %u", port);
	f = sane(t);
	epg_table_free(t);
	return f;
}

/* ---- randomized differential test ---- */

/* A few base addresses so that prefixes nest and packets hit them. */
static const u32 base4[] = { 0x0a000000, 0x0a010000, 0x0a010203, 0xc0a80100,
			     0xac100504, 0x00000000, 0xffffffff };
static const u32 base6[][4] = {
	{ 0x20010db8, 0, 0, 0 }, { 0x20010db8, 1, 0, 5 },
	{ 0x20010db8, 0x00010000, 0xffff0000, 0 }, { 0xfe800000, 0, 0, 9 },
};

/* The mask of a len-bit prefix in word w, host order. */
static u32 host_mask(unsigned int len, unsigned int w)
{
	unsigned int bits = len > 32 * w ? len - 32 * w : 0;

	return bits >= 32 ? 0xffffffff : bits ? 0xffffffffU << (32 - bits) : 0;
}

static void rand_addr(u8 family, __be32 *a)
{
	unsigned int w, keep = rnd(family == AF_INET ? 33 : 129);
	const u32 *b6 = base6[rnd(ARRAY_SIZE(base6))];
	u32 b, m;

	for (w = 0; w < 4; w++)
		a[w] = htonl(rnd32());
	if (rnd(4) == 0)
		return;		/* anywhere */
	/* a base address with its low bits randomized */
	for (w = 0; w < 4; w++) {
		if (family == AF_INET && w)
			break;
		b = family == AF_INET ? base4[rnd(ARRAY_SIZE(base4))] : b6[w];
		m = host_mask(keep, w);
		a[w] = htonl((b & m) | (ntohl(a[w]) & ~m));
	}
}

static struct epg_prefix rand_prefix(u8 family)
{
	static const u8 lens4[] = { 0, 8, 16, 24, 32, 31, 12 };
	static const u8 lens6[] = { 0, 32, 48, 64, 128, 127, 96 };
	struct epg_prefix p = { .family = family };
	unsigned int w;

	if (!family || rnd(3) == 0)
		return family && rnd(2) ? p : any;	/* family/0 or unbound */
	p.len = family == AF_INET ? (rnd(2) ? lens4[rnd(7)] : rnd(33))
				  : (rnd(2) ? lens6[rnd(7)] : rnd(129));
	rand_addr(family, p.addr);
	for (w = 0; w < 4; w++)
		p.addr[w] = htonl(ntohl(p.addr[w]) & host_mask(p.len, w));
	return p;
}

static const u16 popular[] = { 0, 1, 22, 53, 80, 135, 255, 256, 443, 445,
			       1023, 1024, 8080, 8443, 20000, 65279, 65280,
			       65534, 65535 };

static u16 clamp_port(u32 port)
{
	return port > 65535 ? 65535 : port;
}

static void rand_ranges(struct epg_range *r, unsigned int n)
{
	unsigned int i, k;

	for (i = 0; i < n; i++) {
		k = rnd(20);
		if (k < 9) {		/* one port, often a popular one */
			r[i].lo = rnd(3) ? popular[rnd(ARRAY_SIZE(popular))]
					 : rnd(65536);
			r[i].hi = r[i].lo;
		} else if (k < 15) {	/* a short range */
			r[i].lo = rnd(65536);
			r[i].hi = clamp_port(r[i].lo + rnd(600));
		} else if (k < 18) {	/* whole blocks */
			r[i].lo = rnd(256) * 256;
			r[i].hi = clamp_port(r[i].lo + 256 * (1 + rnd(8)) - 1);
		} else if (k < 19) {	/* anything */
			r[i].lo = rnd(65536);
			r[i].hi = r[i].lo + rnd(65536 - r[i].lo);
		} else {
			r[i].lo = 0;
			r[i].hi = 65535;
		}
	}
}

static bool naive_prefix(const struct epg_prefix *p, u8 family,
			 const __be32 *a)
{
	unsigned int bit, sh;

	if (!p->family)
		return true;
	if (p->family != family)
		return false;
	for (bit = 0; bit < p->len; bit++) {
		sh = 31 - bit % 32;
		if ((ntohl(p->addr[bit / 32]) >> sh & 1) !=
		    (ntohl(a[bit / 32]) >> sh & 1))
			return false;
	}
	return true;
}

static bool naive_port(const struct epg_flow_spec *s, u8 proto, u16 port)
{
	unsigned int r;

	if (s->proto != proto)
		return false;
	for (r = 0; r < s->nranges; r++)
		if (s->ranges[r].lo <= port && port <= s->ranges[r].hi)
			return true;
	return false;
}

/* A role: its prefix, or any prefix of its set. */
static bool naive_role(const struct epg_prefix *p, const struct epg_addrset *as,
		       u8 family, const __be32 *a)
{
	unsigned int k;

	if (!as)
		return naive_prefix(p, family, a);
	for (k = 0; k < as->n; k++)
		if (naive_prefix(&as->prefixes[k], family, a))
			return true;
	return false;
}

/* The first spec that matches, among those with flags (-1: any). */
static int naive_match(const struct epg_flow_spec *s, unsigned int n,
		       u8 proto, u16 port, u8 family, const __be32 *sa,
		       const __be32 *da, int flags)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if ((flags < 0 || s[i].flags == flags) &&
		    naive_port(&s[i], proto, port) &&
		    naive_role(&s[i].from, s[i].from_set, family, sa) &&
		    naive_role(&s[i].to, s[i].to_set, family, da))
			return i;
	return -1;
}

static u16 rand_port(const struct epg_flow_spec *s, unsigned int n)
{
	const struct epg_range *r;

	if (rnd(10) < 4)
		return rnd(5) ? rnd(65536) : popular[rnd(ARRAY_SIZE(popular))];
	s += rnd(n);
	r = &s->ranges[rnd(s->nranges)];
	switch (rnd(5)) {
	case 0: return r->lo;
	case 1: return r->hi;
	case 2: return r->lo - 1;	/* wraps at 0: fine, any port */
	case 3: return r->hi + 1;
	default: return r->lo + rnd(r->hi - r->lo + 1);
	}
}

static const struct epg_rule *
first_with_flags(const struct epg_table *t, u8 proto, u16 port, u8 family,
		 const __be32 *sa, const __be32 *da, u8 flags)
{
	const struct epg_rule *r;
	unsigned int n;

	for (r = epg_table_rules(t, proto, port, &n); n; n--, r++)
		if (r->flags == flags && epg_rule_match(t, r, family, sa, da))
			return r;
	return NULL;
}

#define RAND_TABLES	400
#define RAND_PACKETS	1000
#define RAND_MAX_FLOWS	120
#define RAND_SETS	6
#define RAND_SET_MAX	64

static struct epg_prefix set_pfx[RAND_SETS][RAND_SET_MAX];
static struct epg_addrset set_pool[RAND_SETS];

/* Sets of 1 to RAND_SET_MAX prefixes of either family, some of one only. */
static void rand_sets(void)
{
	unsigned int i, k, fams;

	for (i = 0; i < RAND_SETS; i++) {
		fams = rnd(3);	/* 0: both, 1: IPv4 only, 2: IPv6 only */
		set_pool[i].n = 1 + rnd(rnd(3) ? 8 : RAND_SET_MAX);
		set_pool[i].prefixes = set_pfx[i];
		for (k = 0; k < set_pool[i].n; k++) {
			u8 fam = fams == 1 ? AF_INET : fams == 2 ? AF_INET6 :
				 rnd(2) ? AF_INET : AF_INET6;

			do
				set_pfx[i][k] = rand_prefix(fam);
			while (!set_pfx[i][k].family);
		}
	}
}

/* An address at or next to a boundary of a prefix of a random set. */
static bool near_set(u8 family, __be32 *a)
{
	const struct epg_addrset *as = &set_pool[rnd(RAND_SETS)];
	const struct epg_prefix *p = &as->prefixes[rnd(as->n)];
	unsigned int w, words = family == AF_INET ? 1 : 4;
	int step = (int)rnd(4) - 1;	/* -1, 0, +1 and +2 */
	bool top = rnd(2);

	if (p->family != family)
		return false;
	for (w = 0; w < words; w++)
		a[w] = htonl(ntohl(p->addr[w]) | (top ? ~host_mask(p->len, w) : 0));
	/* add step to the address as a big number */
	for (w = words; w-- > 0 && step;) {
		u32 v = ntohl(a[w]);

		a[w] = htonl(v + step);
		if (step > 0 && v + step >= v)
			break;
		if (step < 0 && v != 0)
			break;
		step = step > 0 ? 1 : -1;
	}
	return true;
}

/* A role for a random spec: one of the pool's sets now and then. */
static const struct epg_addrset *rand_set_role(struct epg_prefix *p)
{
	if (rnd(3))
		return NULL;
	*p = any;
	return &set_pool[rnd(RAND_SETS)];
}

static bool test_random(void)
{
	static struct epg_range ranges[RAND_MAX_FLOWS][8];
	static struct epg_flow_spec s[RAND_MAX_FLOWS];
	unsigned int round, i, n, built = 0, big = 0;
	unsigned long checks = 0, hits = 0, merged = 0;
	struct epg_table *t;
	double t0 = now();
	char err[128];
	int ret;

	for (round = 0; round < RAND_TABLES; round++) {
		n = 1 + rnd(round % 2 ? 16 : RAND_MAX_FLOWS);
		rand_sets();
		for (i = 0; i < n; i++) {
			static const u8 fams[] = { 0, AF_INET, AF_INET6 };
			u8 fam = fams[rnd(3)];
			u16 nr = 1 + rnd(rnd(4) ? 3 : 8);

			rand_ranges(ranges[i], nr);
			s[i] = flow(rnd32(), rnd(2), ranges[i], nr,
				    rand_prefix(fam), rand_prefix(fam));
			s[i].flags = rnd(4);
			if (round % 4 == 3)
				continue;	/* a quarter without sets */
			s[i].from_set = rand_set_role(&s[i].from);
			s[i].to_set = rand_set_role(&s[i].to);
		}
		/* A set role of the other family: that spec's sets go. */
		while ((ret = epg_table_build(s, n, &t, err, sizeof(err))) ==
		       -EINVAL && strstr(err, "different families") &&
		       sscanf(err, "flow %u:", &i) == 1 && i < n &&
		       (s[i].from_set || s[i].to_set)) {
			if (s[i].from_set)
				s[i].from = rand_prefix(s[i].to.family);
			s[i].from_set = s[i].to_set = NULL;
			if (s[i].from.family && s[i].to.family &&
			    s[i].from.family != s[i].to.family)
				s[i].from = any;
		}
		if (ret == -E2BIG) {
			big++;
			continue;
		}
		CHECK(!ret, "round %u: build returned %d: %s", round, ret, err);
		built++;
		if (!sane(t))
			return failed("round %u: %s", round, why);
		for (i = 0; i < RAND_PACKETS; i++) {
			u8 proto = rnd(2), family = rnd(2) ? AF_INET : AF_INET6;
			u16 port = rand_port(s, n);
			const struct epg_rule *r;
			__be32 sa[4], da[4];
			int want, flags;

			/* for IPv4, words 1-3 are garbage the table must ignore */
			rand_addr(family, sa);
			rand_addr(family, da);
			if (rnd(2))
				near_set(family, rnd(2) ? sa : da);
			r = epg_table_match(t, proto, port, family, sa, da);
			want = naive_match(s, n, proto, port, family, sa, da, -1);
			CHECK(want < 0 ? !r :
			      r && r->spec == want && r->id == s[want].id &&
			      r->flags == s[want].flags,
			      "round %u: %s %u: table %d, naive %d", round,
			      proto ? "udp" : "tcp", port, r ? r->spec : -1, want);
			hits += want >= 0;
			/* merging kept the first match of every flags value */
			flags = rnd(4);
			r = first_with_flags(t, proto, port, family, sa, da, flags);
			want = naive_match(s, n, proto, port, family, sa, da, flags);
			CHECK(want < 0 ? !r : r && r->spec == want,
			      "round %u: %s %u flags %u: table %d, naive %d",
			      round, proto ? "udp" : "tcp", port, flags,
			      r ? r->spec : -1, want);
			want = 0;
			for (unsigned int k = 0; k < n; k++)
				want += naive_port(&s[k], proto, port);
			CHECK(epg_table_port_used(t, proto, port) == !!want,
			      "round %u: port %u used", round, port);
			merged += want > (int)class_rules(t, proto, port);
			checks += 3;
		}
		epg_table_free(t);
	}
	printf("# %u tables (%u over a limit), %lu checks, %lu matches, %lu on merged classes, %.2f s\n",
	       built, big, checks, hits, merged, now() - t0);
	CHECK(built >= RAND_TABLES * 7 / 10, "only %u tables built", built);
	return true;
}


/* ---- address sets ---- */

static bool test_set_edges(void)
{
	struct epg_prefix p[] = {
		v4(0x0a000000, 8), v4(0xc0a80100, 24), v4(0, 32),
		v4(0xffffffff, 32), v4(0x0a400000, 10),	/* inside 10/8 */
		v6(0xfd000000, 0, 0, 0, 8), v6(0x20010db8, 0, 0, 5, 128),
		v6(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 128),
	};
	struct epg_addrset as = { ARRAY_SIZE(p), p };
	struct epg_flow_spec sp = flow(9, EPG_PROTO_TCP, r443, 1, any, any);
	static const struct { u32 a; bool in; } c4[] = {
		{ 0x09ffffff, false }, { 0x0a000000, true }, { 0x0affffff, true },
		{ 0x0b000000, false }, { 0xc0a800ff, false }, { 0xc0a80100, true },
		{ 0xc0a801ff, true }, { 0xc0a80200, false }, { 0, true },
		{ 1, false }, { 0xfffffffe, false }, { 0xffffffff, true },
	};
	static const struct { u32 a[4]; bool in; } c6[] = {
		{ { 0xfcffffff, ~0U, ~0U, ~0U }, false },
		{ { 0xfd000000, 0, 0, 0 }, true },
		{ { 0xfdffffff, ~0U, ~0U, ~0U }, true },
		{ { 0xfe000000, 0, 0, 0 }, false },
		{ { 0x20010db8, 0, 0, 4 }, false },
		{ { 0x20010db8, 0, 0, 5 }, true },
		{ { 0x20010db8, 0, 0, 6 }, false },
		{ { ~0U, ~0U, ~0U, ~0U }, true },
		{ { ~0U, ~0U, ~0U, ~0U - 1 }, false },
		{ { 0, 0, 0, 0 }, false },
	};
	struct epg_table *t;
	unsigned int k;

	sp.from_set = &as;
	CHECK(!epg_table_build(&sp, 1, &t, NULL, 0), "build failed");
	if (!sane(t))
		return false;
	CHECK(t->nsets == 1 && t->npairs == 1 && t->prefixes == ARRAY_SIZE(p),
	      "%u sets, %u pairs, %u prefixes", t->nsets, t->npairs,
	      t->prefixes);
	/* 10.64/10 merged into 10/8 */
	CHECK(epg_table_set_fam(t, 0, 0)->n == 4 &&
	      epg_table_set_fam(t, 0, 1)->n == 3, "%u and %u intervals",
	      epg_table_set_fam(t, 0, 0)->n, epg_table_set_fam(t, 0, 1)->n);
	for (k = 0; k < ARRAY_SIZE(c4); k++)
		CHECK((look4(t, EPG_PROTO_TCP, 443, c4[k].a, 7) == 9) == c4[k].in,
		      "%08x: %s", c4[k].a, c4[k].in ? "missed" : "matched");
	for (k = 0; k < ARRAY_SIZE(c6); k++)
		CHECK((look6w(t, EPG_PROTO_TCP, 443, c6[k].a, c6[k].a) == 9) ==
		      c6[k].in, "IPv6 case %u: %s", k,
		      c6[k].in ? "missed" : "matched");
	/* the responder is unbound: any address of either family */
	CHECK(look4(t, EPG_PROTO_TCP, 443, 0x0a010203, 0x01020304) == 9,
	      "responder not any");
	epg_table_free(t);
	return true;
}

/* Adjacent prefixes merge: 0/1 and 128/1 are every IPv4 address. */
static bool test_set_merge(void)
{
	struct epg_prefix p[] = { v4(0x80000000, 1), v4(0, 1), v4(0x0a000000, 8) };
	struct epg_prefix q[] = { v6(0, 0, 0, 0, 1), v6(0x80000000, 0, 0, 0, 1) };
	struct epg_addrset a = { ARRAY_SIZE(p), p }, b = { ARRAY_SIZE(q), q };
	struct epg_flow_spec sp[] = {
		flow(1, EPG_PROTO_UDP, r443, 1, any, any),
		flow(2, EPG_PROTO_UDP, r443, 1, any, any),
		flow(3, EPG_PROTO_UDP, r443, 1, any, any),
	};
	u32 all[4] = { ~0U, ~0U, ~0U, ~0U }, none[4] = { 0 };
	struct epg_table *t;

	sp[0].from_set = &a;
	sp[1].to_set = &b;
	sp[2].from_set = &a;	/* the same set pair as flow 0: merged */
	CHECK(!epg_table_build(sp, 3, &t, NULL, 0), "build failed");
	if (!sane(t))
		return false;
	CHECK(epg_table_set_fam(t, 0, 0)->n == 1, "%u IPv4 intervals",
	      epg_table_set_fam(t, 0, 0)->n);
	CHECK(epg_table_set_fam(t, 1, 1)->n == 1, "%u IPv6 intervals",
	      epg_table_set_fam(t, 1, 1)->n);
	CHECK(class_rules(t, EPG_PROTO_UDP, 443) == 2, "%u rules",
	      class_rules(t, EPG_PROTO_UDP, 443));
	CHECK(look4(t, EPG_PROTO_UDP, 443, 0, 0) == 1 &&
	      look4(t, EPG_PROTO_UDP, 443, 0xffffffff, 0) == 1,
	      "IPv4 extremes");
	CHECK(look6w(t, EPG_PROTO_UDP, 443, all, all) == 2 &&
	      look6w(t, EPG_PROTO_UDP, 443, none, none) == 2, "IPv6 extremes");
	epg_table_free(t);
	return true;
}

static bool test_set_invalid(void)
{
	struct epg_prefix good = v4(0x0a000000, 8), bad = v4(0x0a000001, 24);
	struct epg_prefix mixed[] = { good, good, bad };
	struct epg_prefix only6[] = { v6(0xfd000000, 0, 0, 0, 8),
				      v6(0x20010db8, 0, 0, 0, 32) };
	struct epg_prefix nofam[] = { good, any };
	struct epg_addrset empty = { 0, &good }, null = { 2, NULL };
	struct epg_addrset hb = { 3, mixed }, v6s = { 2, only6 };
	struct epg_addrset nf = { 2, nofam };
	struct epg_flow_spec sp = flow(1, EPG_PROTO_TCP, r443, 1, any, any);

	sp.from_set = &empty;
	if (!rejects(&sp, 1, -EINVAL, "flow 0: initiator set is empty"))
		return false;
	sp.from_set = &null;
	if (!rejects(&sp, 1, -EINVAL, "flow 0: initiator set is empty"))
		return false;
	sp.from_set = NULL;
	sp.to_set = &hb;
	if (!rejects(&sp, 1, -EINVAL,
		     "flow 0: responder set, prefix 2: address bits set beyond /24"))
		return false;
	sp.to_set = &nf;
	if (!rejects(&sp, 1, -EINVAL,
		     "flow 0: responder set, prefix 1: no address family"))
		return false;
	sp.to_set = &v6s;
	sp.from = good;
	if (!rejects(&sp, 1, -EINVAL,
		     "flow 0: initiator and responder of different families"))
		return false;
	sp.from_set = &v6s;
	if (!rejects(&sp, 1, -EINVAL,
		     "flow 0: initiator bound to a prefix and a set"))
		return false;
	return true;
}

static bool test_set_limits(void)
{
	static struct epg_prefix p[EPG_MAX_PREFIXES + 1];
	static struct epg_addrset sets[EPG_MAX_SETS + 1];
	static struct epg_flow_spec sp[EPG_MAX_SETS + 1];
	struct epg_addrset big = { EPG_MAX_PREFIXES, p };
	struct epg_table *t;
	char err[128];
	unsigned int k;
	int ret;

	for (k = 0; k <= EPG_MAX_PREFIXES; k++)
		p[k] = v4(0x0a000000 + k * 512, 24);	/* none merge */
	sp[0] = flow(1, EPG_PROTO_TCP, r443, 1, any, any);
	sp[0].from_set = &big;
	ret = epg_table_build(sp, 1, &t, err, sizeof(err));
	CHECK(!ret, "%u prefixes: %d %s", EPG_MAX_PREFIXES, ret, err);
	if (!sane(t))
		return false;
	CHECK(look4(t, EPG_PROTO_TCP, 443, 0x0a000000 + 65535 * 512 + 7, 1) == 1 &&
	      look4(t, EPG_PROTO_TCP, 443, 0x0a000000 + 65535 * 512 + 256, 1) < 0 &&
	      look4(t, EPG_PROTO_TCP, 443, 0x0a000000 + 300 * 512 + 255, 1) == 1,
	      "last prefix");
	printf("# %u prefixes: %zu bytes\n", EPG_MAX_PREFIXES,
	       epg_table_bytes(t));
	epg_table_free(t);
	big.n++;
	if (!rejects(sp, 1, -E2BIG,
		     "flow 0: initiator set: more than 65536 prefixes in the table"))
		return false;
	/* sets: EPG_MAX_SETS distinct ones, and one more */
	for (k = 0; k <= EPG_MAX_SETS; k++) {
		sets[k].n = 2;
		sets[k].prefixes = &p[2 * k];
		sp[k] = flow(k, EPG_PROTO_TCP, r443, 1, any, any);
		sp[k].to_set = &sets[k];
		sp[k].flags = k;	/* keeps every rule: no merging */
	}
	/* 1,025 rules on port 443 exceed the class; spread them */
	{
		static struct epg_range r[EPG_MAX_SETS + 1];

		for (k = 0; k <= EPG_MAX_SETS; k++) {
			r[k].lo = r[k].hi = 1000 + k;
			sp[k].ranges = &r[k];
		}
		ret = epg_table_build(sp, EPG_MAX_SETS, &t, err, sizeof(err));
		CHECK(!ret, "%u sets: %d %s", EPG_MAX_SETS, ret, err);
		CHECK(t->nsets == EPG_MAX_SETS, "%u sets", t->nsets);
		if (!sane(t))
			return false;
		epg_table_free(t);
		if (!rejects(sp, EPG_MAX_SETS + 1, -E2BIG,
			     "flow 1024: more than 1024 address sets"))
			return false;
	}
	return true;
}

/* 10,000 prefixes in one role: build time, size, and every answer. */
static bool test_set_10000(void)
{
	static struct epg_prefix p[10000];
	struct epg_addrset as = { ARRAY_SIZE(p), p };
	struct epg_flow_spec sp = flow(5, EPG_PROTO_TCP, r443, 1, any, any);
	struct epg_table *t;
	unsigned int k, hits = 0;
	double t0;

	/* scattered /24s in 10/8 and elsewhere, some /16s and /32s */
	for (k = 0; k < ARRAY_SIZE(p); k++) {
		u32 a = (k % 3 ? 0x0a000000 : 0) | (rnd32() & 0x00ffffff);

		p[k] = k % 50 ? v4(a & 0xffffff00, 24) : k % 100 ?
		       v4(a & 0xffff0000, 16) : v4(a, 32);
	}
	sp.from_set = &as;
	t0 = now();
	CHECK(!epg_table_build(&sp, 1, &t, NULL, 0), "build failed");
	printf("# 10,000 prefixes: built in %.4f s, %zu bytes, %u intervals, %u buckets\n",
	       now() - t0, epg_table_bytes(t), epg_table_set_fam(t, 0, 0)->n,
	       epg_table_set_fam(t, 0, 0)->nb);
	if (!sane(t))
		return false;
	for (k = 0; k < 200000; k++) {
		__be32 a = htonl(k % 2 ? rnd32() : ntohl(p[rnd(10000)].addr[0]) +
				 rnd(300) - 20), d = 0;
		bool want = naive_role(NULL, &as, AF_INET, &a);

		CHECK((epg_table_match(t, EPG_PROTO_TCP, 443, AF_INET, &a, &d) !=
		       NULL) == want, "%08x: table says %s", ntohl(a),
		      want ? "no" : "yes");
		hits += want;
	}
	printf("# 200,000 lookups, %u in the set\n", hits);
	epg_table_free(t);
	return true;
}

static const struct {
	bool (*fn)(void);
	const char *desc;
} tests[] = {
	{ test_empty, "empty table: no port used, nothing matches" },
	{ test_port_0_65535, "ports 0 and 65535" },
	{ test_full_range, "range 0-65535 shares one block" },
	{ test_overlap, "overlapping ranges, first flow wins" },
	{ test_443_50_profiles, "443 in 50 profiles merges to 1 or 2 rules" },
	{ test_merge_order, "merge drops covered rules of equal flags only, keeps order" },
	{ test_partly_covered, "a spec covered on part of its ports only" },
	{ test_prefix_0, "/0 prefixes match their family only; unbound matches both" },
	{ test_prefix_32_128, "/32 and /128 match one address" },
	{ test_protocols, "TCP and UDP are independent" },
	{ test_invalid, "malformed specs: -EINVAL naming the flow" },
	{ test_host_bits, "prefix with host bits set: -EINVAL" },
	{ test_limits, "flow and range limits: -E2BIG" },
	{ test_rules_per_class, "16 rules per class, the 17th: -E2BIG naming the port" },
	{ test_max_classes, "65,535 classes per protocol, 65,536: -E2BIG" },
	{ test_max_rules, "EPG_MAX_RULES rules, more: -E2BIG" },
	{ test_five_vendors, "realistic 5-vendor policy under 64 KiB" },
	{ test_all_ports, "65,536 ports x 2 built in under a second" },
	{ test_random, "randomized: table lookup == naive scan of the specs" },
	{ test_set_edges, "a set role: first, last and next addresses of each prefix" },
	{ test_set_merge, "sets: adjacent prefixes merge; the same pair merges" },
	{ test_set_invalid, "malformed sets: -EINVAL naming flow, role and prefix" },
	{ test_set_limits, "65,536 prefixes and 1,024 sets; one more: -E2BIG" },
	{ test_set_10000, "10,000 prefixes: every lookup == naive scan" },
};

int main(void)
{
	unsigned int i, failures = 0;

	printf("TAP version 13\n1..%zu\n", ARRAY_SIZE(tests));
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		why[0] = '\0';
		if (tests[i].fn()) {
			printf("ok %u - %s\n", i + 1, tests[i].desc);
		} else {
			printf("not ok %u - %s\n# %s\n", i + 1, tests[i].desc, why);
			failures++;
		}
		fflush(stdout);
	}
	return failures ? 1 : 0;
}
