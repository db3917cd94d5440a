// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the flow table builder and lookup (lib/table.c,
 * include/epgate/table.h), the code epgate.ko runs: `make -C lib fuzz`,
 * scripts/fuzz.sh.  Needs clang.
 *
 * The input is decoded into up to 32 flow specs, malformed ones included:
 *
 *   byte 0             number of specs (mod 33)
 *   per spec:
 *     1 byte           bit 0 protocol (TCP, UDP), bits 1-2 flags,
 *                      bits 3-6 number of ranges (0-15: 0 is an error),
 *                      bit 7: protocol 2 (an error)
 *     4 bytes a range  lo, hi (u16, little endian; hi < lo is an error)
 *     2 prefixes       1 byte family selector (0 any, 1 AF_INET,
 *                      2 AF_INET6, 3 a raw family byte follows),
 *                      1 byte length, then 4 or 16 address bytes (host
 *                      bits, lengths over 32/128 and families 3 are errors)
 *   the rest           seeds the lookups
 *
 * Checks beyond the sanitizers': the build succeeds exactly when a naive
 * validator accepts the specs (or fails with -E2BIG, a limit of the
 * per-class scan), the error text is set on failure, the table is
 * consistent and exactly the documented size, and for every range
 * boundary and hundreds of random ports and addresses the table's match
 * is the first spec a naive scan finds (also per flags value), and
 * epg_table_port_used() agrees.
 */
#include <epgate/table.h>
#include <stdint.h>

#define MAX_SPECS	32
#define MAX_RANGES	15

struct input {
	const uint8_t *p;
	size_t n;
};

static unsigned int take(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static unsigned int take16(struct input *in)
{
	unsigned int lo = take(in);

	return lo | take(in) << 8;
}

static void take_prefix_sel(struct input *in, struct epg_prefix *p,
			    unsigned int sel)
{
	unsigned int i, alen;

	memset(p, 0, sizeof(*p));
	switch (sel) {
	case 0:
		return;
	case 1:
		p->family = AF_INET;
		break;
	case 2:
		p->family = AF_INET6;
		break;
	default:
		p->family = take(in);
		break;
	}
	p->len = take(in);
	/* mostly in range, so that valid specs are common */
	if (p->family == AF_INET && p->len > 40)
		p->len %= 33;
	if (p->family == AF_INET6 && p->len > 140)
		p->len %= 129;
	alen = p->family == AF_INET6 ? 16 : 4;
	for (i = 0; i < alen; i++)
		((uint8_t *)p->addr)[i] = take(in);
}

#define SET_MAX		8

static struct epg_prefix set_pfx[MAX_SPECS][2][SET_MAX];
static struct epg_addrset set_of[MAX_SPECS][2];

/* Role r (0 initiator, 1 responder) of spec i: a prefix or a set. */
static void take_role(struct input *in, unsigned int i, unsigned int r,
		      struct epg_flow_spec *s)
{
	struct epg_prefix *p = r ? &s[i].to : &s[i].from;
	const struct epg_addrset **as = r ? &s[i].to_set : &s[i].from_set;
	unsigned int sel = take(in), k;

	memset(p, 0, sizeof(*p));
	*as = NULL;
	if (!(sel & 4)) {
		take_prefix_sel(in, p, sel & 3);
		return;
	}
	if (sel & 8 && i && (r ? s[i - 1].to_set : s[i - 1].from_set)) {
		*as = r ? s[i - 1].to_set : s[i - 1].from_set;
		return;
	}
	set_of[i][r].n = take(in) % (SET_MAX + 1);
	set_of[i][r].prefixes = set_pfx[i][r];
	memset(set_pfx[i][r], 0, sizeof(set_pfx[i][r]));
	for (k = 0; k < set_of[i][r].n; k++)
		take_prefix_sel(in, &set_pfx[i][r][k], take(in) & 3);
	*as = &set_of[i][r];
}

/* ---- the naive model ---- */

static u32 host_mask(unsigned int len, unsigned int w)
{
	unsigned int bits = len > 32 * w ? len - 32 * w : 0;

	return bits >= 32 ? 0xffffffff : bits ? 0xffffffffU << (32 - bits) : 0;
}

static bool naive_prefix_ok(const struct epg_prefix *p)
{
	unsigned int w, max;

	if (p->family == 0)
		max = 0;
	else if (p->family == AF_INET)
		max = 32;
	else if (p->family == AF_INET6)
		max = 128;
	else
		return false;
	if (p->len > max)
		return false;
	for (w = 0; w < 4; w++)
		if (ntohl(p->addr[w]) & ~host_mask(p->len, w))
			return false;
	return true;
}

/* Families a role can hold: 1 IPv4, 2 IPv6, 0 a bad set. */
static unsigned int naive_fams(const struct epg_prefix *p,
			       const struct epg_addrset *as)
{
	unsigned int k, f = 0;

	if (!as)
		return p->family == AF_INET ? 1 : p->family == AF_INET6 ? 2 : 3;
	if (!as->n)
		return 0;
	for (k = 0; k < as->n; k++) {
		if (!as->prefixes[k].family ||
		    !naive_prefix_ok(&as->prefixes[k]))
			return 0;
		f |= as->prefixes[k].family == AF_INET ? 1 : 2;
	}
	return f;
}

static bool naive_spec_ok(const struct epg_flow_spec *s)
{
	unsigned int r, ff, tf;

	if (s->proto >= EPG_NPROTO || !s->nranges || s->nranges > EPG_MAX_RANGES)
		return false;
	for (r = 0; r < s->nranges; r++)
		if (s->ranges[r].lo > s->ranges[r].hi)
			return false;
	if (!naive_prefix_ok(&s->from) || !naive_prefix_ok(&s->to))
		return false;
	ff = naive_fams(&s->from, s->from_set);
	tf = naive_fams(&s->to, s->to_set);
	return ff && tf && (ff & tf);
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

static bool naive_role(const struct epg_prefix *p,
		       const struct epg_addrset *as, u8 family,
		       const __be32 *a)
{
	unsigned int k;

	if (!as)
		return naive_prefix(p, family, a);
	for (k = 0; k < as->n; k++)
		if (naive_prefix(&as->prefixes[k], family, a))
			return true;
	return false;
}

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

/* ---- the table's own view ---- */

static size_t align8(size_t x)
{
	return (x + 7) & ~(size_t)7;
}

static void check_sane(const struct epg_table *t)
{
	const u32 *classes = (const u32 *)((const u8 *)t + t->classes_off);
	unsigned int p, i;
	size_t bytes;

	bytes = align8(offsetof(struct epg_table, blocks) + t->nblocks * 512) +
		align8(t->nclasses * 4) + align8(t->nrules * 12) +
		t->naddrs * 64 + t->nsets * 8 + t->npairs * 16 +
		(t->nsets ? 24 : 0);
	for (i = 0; i < t->nsets; i++)
		for (p = 0; p < 2; p++) {
			const struct epg_set_fam *f = epg_table_set_fam(t, i, p);

			if (!f->nb)
				continue;
			bytes += align8(f->n * (p ? 32 : 8)) +
				 align8(24 + (f->nb + 1) * 4);
			if (f->nb < 2 || f->nb > EPG_SET_BUCKETS ||
			    (f->nb & (f->nb - 1)) || !f->n)
				abort();
		}
	if (epg_table_bytes(t) != bytes)
		abort();
	for (i = 0; i < 256; i++)
		if (t->blocks[0][i])
			abort();
	for (p = 0; p < EPG_NPROTO; p++) {
		if (classes[t->class_base[p]])
			abort();
		for (i = 0; i < 256; i++)
			if (t->top[p][i] >= t->nblocks)
				abort();
	}
	for (i = 0; i < t->nclasses; i++) {
		u32 n = classes[i] & EPG_CLASS_COUNT_MASK;

		if (n > EPG_MAX_RULES_PER_CLASS ||
		    (classes[i] >> EPG_CLASS_COUNT_BITS) + n > t->nrules)
			abort();
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

static uint64_t rng;

static u32 rnd(u32 n)
{
	rng += 0x9e3779b97f4a7c15ULL;	/* splitmix64 */
	uint64_t z = rng;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return n ? (u32)(z % n) : (u32)z;
}

/* An address near a spec's prefix (or anywhere), of @family. */
static void probe_addr(const struct epg_flow_spec *s, unsigned int n,
		       u8 family, __be32 *a)
{
	const struct epg_prefix *p = NULL;
	unsigned int w, k;

	for (w = 0; w < 4; w++)
		a[w] = htonl(rnd(0));
	if (n && rnd(4)) {
		const struct epg_flow_spec *x = &s[rnd(n)];
		const struct epg_addrset *as;

		p = rnd(2) ? &x->from : &x->to;
		as = p == &x->from ? x->from_set : x->to_set;
		if (as && as->n)
			p = &as->prefixes[rnd(as->n)];
	}
	if (!p || p->family != family)
		return;
	for (w = 0; w < 4; w++)
		a[w] = htonl((ntohl(p->addr[w]) & host_mask(p->len, w)) |
			     (ntohl(a[w]) & ~host_mask(p->len, w)));
	if (p->len && rnd(3) == 0) {	/* one bit inside the prefix flipped */
		k = rnd(p->len);
		a[k / 32] ^= htonl(1U << (31 - k % 32));
	}
}

static void probe(const struct epg_table *t, const struct epg_flow_spec *s,
		  unsigned int n, u8 proto, u16 port)
{
	u8 family = rnd(2) ? AF_INET : AF_INET6;
	const struct epg_rule *r;
	__be32 sa[4], da[4];
	unsigned int k, used = 0;
	int want, flags;

	probe_addr(s, n, family, sa);
	probe_addr(s, n, family, da);
	r = epg_table_match(t, proto, port, family, sa, da);
	want = naive_match(s, n, proto, port, family, sa, da, -1);
	if (want < 0 ? r != NULL :
	    !r || r->spec != want || r->id != s[want].id ||
	    r->flags != s[want].flags)
		abort();
	flags = rnd(4);
	r = first_with_flags(t, proto, port, family, sa, da, flags);
	want = naive_match(s, n, proto, port, family, sa, da, flags);
	if (want < 0 ? r != NULL : !r || r->spec != want)
		abort();
	for (k = 0; k < n; k++)
		used |= naive_port(&s[k], proto, port);
	if (epg_table_port_used(t, proto, port) != !!used)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct epg_range ranges[MAX_SPECS][MAX_RANGES];
	struct epg_flow_spec s[MAX_SPECS];
	struct input in = { data, size };
	unsigned int n, i, r, valid = 1;
	struct epg_table *t = NULL;
	char err[128];
	uint64_t h = 1469598103934665603ULL;
	int ret;

	n = take(&in) % (MAX_SPECS + 1);
	memset(s, 0, sizeof(s));
	for (i = 0; i < n; i++) {
		unsigned int b = take(&in);

		s[i].id = 1000 + i;
		s[i].proto = b & 0x80 ? 2 : b & 1;
		s[i].flags = b >> 1 & 3;
		s[i].nranges = b >> 3 & 15;
		s[i].ranges = ranges[i];
		for (r = 0; r < s[i].nranges; r++) {
			ranges[i][r].lo = take16(&in);
			ranges[i][r].hi = take16(&in);
		}
		take_role(&in, i, 0, s);
		take_role(&in, i, 1, s);
		valid &= naive_spec_ok(&s[i]);
	}

	err[0] = '\0';
	ret = epg_table_build(s, n, &t, err, sizeof(err));
	if (ret) {
		if (t || !err[0] || (valid && ret != -E2BIG) ||
		    (ret != -EINVAL && ret != -E2BIG))
			abort();
		return 0;
	}
	if (!valid || !t)
		abort();
	check_sane(t);

	/* the rest of the input seeds the lookups */
	for (i = 0; i < in.n; i++)
		h = (h ^ in.p[i]) * 1099511628211ULL;
	rng = h;
	for (i = 0; i < n; i++) {
		for (r = 0; r < s[i].nranges; r++) {
			const struct epg_range *x = &ranges[i][r];

			probe(t, s, n, s[i].proto, x->lo);
			probe(t, s, n, s[i].proto, x->hi);
			probe(t, s, n, s[i].proto, x->lo - 1);
			probe(t, s, n, s[i].proto, x->hi + 1);
			probe(t, s, n, !s[i].proto, x->lo);
		}
	}
	for (i = 0; i < 256; i++)
		probe(t, s, n, rnd(2), rnd(65536));
	epg_table_free(t);
	return 0;
}
