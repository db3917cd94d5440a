// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions per lookup of a role bound to an address set, against the
 * same flow unbound: the cost a set adds to a packet, measured on the code
 * epgate.ko runs (include/epgate/table.h).
 *
 *   bench_sets --one K N   N lookups of a TCP/443 flow whose initiator is
 *                          bound to K prefixes (0: unbound; 1: one prefix,
 *                          an ordinary rule); every packet is from an
 *                          address of the set, so every lookup matches
 *   bench_sets --hosts K N the same with K single addresses (/32s) instead
 *                          of /24s: every packet falls in a bucket where a
 *                          prefix begins, the lookup's slow path
 *
 * The Makefile runs it under callgrind with two N and divides the
 * difference in instructions by the difference in lookups: the build and
 * the packet stream cancel out.  The prefixes are /24s scattered over
 * 10.0.0.0/8, the shape of a site's branch subnets; the packets are drawn
 * from them at random (precomputed, the RNG is not measured).
 */
#include <epgate/table.h>

#define STREAM_LEN	(1U << 16)

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u32 rnd(u32 n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (u32)((rng * 0x2545f4914f6cdd1dULL) >> 32) % n;
}

int main(int argc, char **argv)
{
	static const struct epg_range r443[] = { { 443, 443 } };
	struct epg_flow_spec spec = {
		.id = 1, .proto = EPG_PROTO_TCP, .nranges = 1, .ranges = r443,
	};
	struct epg_addrset as;
	struct epg_prefix *p;
	struct epg_table *t;
	__be32 *src, dst = htonl(0xc0000201);
	u64 n, i, hits = 0;
	u32 k, nk, len;
	char err[128];

	if (argc != 4 || (strcmp(argv[1], "--one") &&
			  strcmp(argv[1], "--hosts"))) {
		fprintf(stderr, "usage: bench_sets --one|--hosts K N\n");
		return 2;
	}
	len = strcmp(argv[1], "--hosts") ? 24 : 32;
	nk = strtoul(argv[2], NULL, 0);
	n = strtoull(argv[3], NULL, 0);
	if (nk > EPG_MAX_PREFIXES || nk > 65536) {
		fprintf(stderr, "bench_sets: K up to 65536\n");
		return 2;
	}
	p = calloc(nk ? nk : 1, sizeof(*p));
	src = calloc(STREAM_LEN, sizeof(*src));
	if (!p || !src)
		return 1;
	/* /24s with a /24 gap between each (none merge), shuffled */
	for (k = 0; k < nk; k++) {
		p[k].family = AF_INET;
		p[k].len = len;
		p[k].addr[0] = htonl(0x0a000000 + k * 512 + (len == 32));
	}
	for (k = nk; k > 1; k--) {
		u32 j = rnd(k);
		struct epg_prefix x = p[k - 1];

		p[k - 1] = p[j];
		p[j] = x;
	}
	if (nk == 1)
		spec.from = p[0];
	else if (nk > 1) {
		as.n = nk;
		as.prefixes = p;
		spec.from_set = &as;
	}
	if (epg_table_build(&spec, 1, &t, err, sizeof(err))) {
		fprintf(stderr, "bench_sets: %s\n", err);
		return 1;
	}
	for (i = 0; i < STREAM_LEN; i++)
		src[i] = nk ? htonl(ntohl(p[rnd(nk)].addr[0]) |
				    (len == 32 ? 0 : rnd(256)))
			    : htonl(rnd(0xffffffffU));
	for (i = 0; i < n; i++)
		hits += !!epg_table_match(t, EPG_PROTO_TCP, 443, AF_INET,
					  &src[i & (STREAM_LEN - 1)], &dst);
	if (hits != n) {
		fprintf(stderr, "bench_sets: %llu of %llu matched\n",
			(unsigned long long)hits, (unsigned long long)n);
		return 1;
	}
	printf("%u /%u prefixes: %zu bytes, %llu lookups\n", nk, len,
	       epg_table_bytes(t), (unsigned long long)n);
	epg_table_free(t);
	free(p);
	free(src);
	return 0;
}
