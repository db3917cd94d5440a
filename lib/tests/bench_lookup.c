// SPDX-License-Identifier: GPL-2.0
/*
 * Microbenchmark of epg_table_match() on synthetic tables of 6 to 65,536
 * ports per protocol.
 *
 *   bench_lookup [SIZE...]   one line per size: ports, ns/lookup, table
 *                            bytes, blocks, classes, rules, build time
 *                            (default sizes: 6 1000 10000 65536)
 *   bench_lookup --one SIZE N
 *                            exactly N lookups, for callgrind: the Makefile
 *                            runs two N and divides the difference in
 *                            instructions by the difference in lookups
 *
 * Every class of every size has the same shape, so the instructions per
 * lookup must not change with the size: flow A_i (initiator bound to
 * 10.x.y.0/24) then flow B_i (unbound) share a random deal of
 * EPG_MAX_RANGES ports (the last flow fewer).  The packets
 * are precomputed (the RNG is not measured) and drawn the same way for
 * every size: protocol, family and "from A's prefix or not" come from the
 * same random sequence, only the port (and so the memory touched) depends
 * on the size.  Every packet hits a used port: at 65,536 there is no other.
 *   IPv4 from A's prefix:  A matches (1 rule, 1 word);
 *   IPv4 from elsewhere:   A fails, B matches (2 rules);
 *   IPv6:                  A skipped by family, B matches (4 words).
 */
#include <epgate/table.h>
#include <time.h>

#define STREAM_LEN	(1U << 16)
#define TIMED_LOOKUPS	(1U << 24)
#define ROUNDS		5

struct packet {
	u8 proto;
	u8 family;
	u16 port;
	__be32 saddr[4];
	__be32 daddr[4];
};

/*
 * xorshift64*, one state for the deal of ports and one for the packets,
 * each reset per size: every size gets the same sequence of packet kinds.
 */
#define DEAL_SEED	0x9e3779b97f4a7c15ULL
#define PACKET_SEED	0x2545f4914f6cdd1dULL
static u64 deal_rng, packet_rng;

static u32 rnd(u64 *state, u32 n)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return (u32)((*state * 0x2545f4914f6cdd1dULL) >> 32) % n;
}

/*
 * flow_of[k]: the flow of the k-th port, dealt at random so that large
 * tables have as many distinct blocks as they can (the worst footprint),
 * and no flow gets more than EPG_MAX_RANGES ports.
 */
static u32 *deal(u32 size, u32 nflows)
{
	u32 *flow_of = malloc(size * sizeof(*flow_of));
	u32 k, j, x;

	if (!flow_of)
		return NULL;
	deal_rng = DEAL_SEED;
	for (k = 0; k < size; k++)
		flow_of[k] = k % nflows;
	for (k = size - 1; k > 0; k--) {
		j = rnd(&deal_rng, k + 1);
		x = flow_of[k];
		flow_of[k] = flow_of[j];
		flow_of[j] = x;
	}
	return flow_of;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* k-th used port of a table of size ports, spread over the port space. */
static u16 port_of(u32 k, u32 size)
{
	return (u64)k * 65536 / size;
}

/* UDP takes the TCP deal rotated by half, so that no block is shared. */
static u32 flow_idx(const u32 *flow_of, u32 size, u8 proto, u32 k)
{
	return flow_of[proto == EPG_PROTO_TCP ? k : (k + size / 2) % size];
}

static struct epg_table *build(u32 size, const u32 *flow_of, double *secs)
{
	u32 nflows = (size + EPG_MAX_RANGES - 1) / EPG_MAX_RANGES;
	struct epg_flow_spec *s = calloc(EPG_NPROTO * 2 * nflows, sizeof(*s));
	struct epg_range *r = calloc(EPG_NPROTO * nflows * EPG_MAX_RANGES,
				     sizeof(*r));
	u32 *used_of = calloc(EPG_NPROTO * nflows, sizeof(*used_of));
	struct epg_table *t = NULL;
	char err[128];
	u32 i, k, n = 0;
	u8 p;

	if (!s || !r || !used_of)
		goto out;
	/* Flow i of protocol p: its ports at r[(p * nflows + i) * 64]. */
	for (k = 0; k < EPG_NPROTO * size; k++) {
		p = k / size;
		i = p * nflows + flow_idx(flow_of, size, p, k % size);
		r[i * EPG_MAX_RANGES + used_of[i]].lo = port_of(k % size, size);
		r[i * EPG_MAX_RANGES + used_of[i]].hi = port_of(k % size, size);
		used_of[i]++;
	}
	for (i = 0; i < EPG_NPROTO * nflows; i++) {
		struct epg_flow_spec *a = &s[n++], *b = &s[n++];

		a->id = n - 2;
		a->proto = i / nflows;
		a->nranges = used_of[i];
		a->ranges = &r[i * EPG_MAX_RANGES];
		a->from.family = AF_INET;
		a->from.len = 24;
		a->from.addr[0] = htonl(0x0a000000 | (i % nflows) << 8);
		*b = *a;
		b->id = n - 1;
		b->from.family = 0;
		b->from.len = 0;
		b->from.addr[0] = 0;
	}
	*secs = now();
	if (epg_table_build(s, n, &t, err, sizeof(err)))
		fprintf(stderr, "bench_lookup: %u ports: %s\n", size, err);
	*secs = now() - *secs;
out:
	free(s);
	free(r);
	free(used_of);
	return t;
}

static struct packet *make_stream(u32 size, const u32 *flow_of)
{
	struct packet *st = calloc(STREAM_LEN, sizeof(*st));
	u32 j, w, k, from_a;

	if (!st)
		return NULL;
	packet_rng = PACKET_SEED;
	for (j = 0; j < STREAM_LEN; j++) {
		struct packet *pk = &st[j];

		pk->proto = rnd(&packet_rng, EPG_NPROTO);
		pk->family = rnd(&packet_rng, 2) ? AF_INET : AF_INET6;
		from_a = rnd(&packet_rng, 2);
		k = rnd(&packet_rng, size);
		pk->port = port_of(k, size);
		for (w = 0; w < 4; w++) {
			pk->saddr[w] = htonl(rnd(&packet_rng, 0xffffffffU));
			pk->daddr[w] = htonl(rnd(&packet_rng, 0xffffffffU));
		}
		/* inside 10.x.y.0/24 of the port's flow, or in 192.0.2.0/24 */
		pk->saddr[0] = htonl(from_a ? 0x0a000000 |
					      flow_idx(flow_of, size, pk->proto, k) << 8 |
					      (ntohl(pk->saddr[0]) & 0xff) :
				     0xc0000200 | (ntohl(pk->saddr[0]) & 0xff));
	}
	return st;
}

static u64 lookups(const struct epg_table *t, const struct packet *st,
		   u64 n)
{
	const struct epg_rule *r;
	const struct packet *pk;
	u64 i, sum = 0;

	for (i = 0; i < n; i++) {
		pk = &st[i & (STREAM_LEN - 1)];
		r = epg_table_match(t, pk->proto, pk->port, pk->family,
				    pk->saddr, pk->daddr);
		sum += r ? r->id : 0xffff;
	}
	return sum;
}

/*
 * Every packet must match: A (even id) when IPv4 from 10/8, else B (odd).
 * Checked once per stream, outside the timing; a wrong table would make
 * the numbers meaningless.
 */
static bool verify(const struct epg_table *t, const struct packet *st)
{
	const struct epg_rule *r;
	const struct packet *pk;
	bool from_a;
	u32 j;

	for (j = 0; j < STREAM_LEN; j++) {
		pk = &st[j];
		from_a = pk->family == AF_INET &&
			 (ntohl(pk->saddr[0]) >> 24) == 10;
		r = epg_table_match(t, pk->proto, pk->port, pk->family,
				    pk->saddr, pk->daddr);
		if (!r || (r->id % 2 == 0) != from_a) {
			fprintf(stderr, "bench_lookup: packet %u: wrong match\n", j);
			return false;
		}
	}
	return true;
}

static int run(u32 size, bool one, u64 n)
{
	struct epg_table *t = NULL;
	struct packet *st = NULL;
	u32 *flow_of;
	double secs = 0, best = 1e9;
	int round, ret = 1;
	u64 sum = 0;

	if (!size || size > 65536) {
		fprintf(stderr, "bench_lookup: size 1..65536\n");
		return 1;
	}
	flow_of = deal(size, (size + EPG_MAX_RANGES - 1) / EPG_MAX_RANGES);
	if (flow_of) {
		t = build(size, flow_of, &secs);
		st = make_stream(size, flow_of);
	}
	if (!t || !st || !verify(t, st))
		goto out;
	if (one) {
		sum = lookups(t, st, n);
		printf("%u ports, %llu lookups, sum %llu\n", size,
		       (unsigned long long)n, (unsigned long long)sum);
		ret = 0;
		goto out;
	}
	for (round = 0; round < ROUNDS; round++) {
		double t0 = now();

		sum += lookups(t, st, TIMED_LOOKUPS);
		t0 = now() - t0;
		if (t0 < best)
			best = t0;
	}
	if (sum == 0)		/* keep the loop; never true */
		printf("#\n");
	printf("%8u %10.2f %10zu %7u %7u %7u %9.2f\n", size,
	       best * 1e9 / TIMED_LOOKUPS, epg_table_bytes(t), t->nblocks,
	       t->nclasses, t->nrules, secs * 1e3);
	ret = 0;
out:
	free(flow_of);
	free(st);
	if (t)
		epg_table_free(t);
	return ret;
}

int main(int argc, char **argv)
{
	static const u32 sizes[] = { 6, 1000, 10000, 65536 };
	unsigned int i;
	int ret = 0;

	if (argc == 4 && !strcmp(argv[1], "--one"))
		return run(strtoul(argv[2], NULL, 0), true,
			   strtoull(argv[3], NULL, 0));
	if (argc > 1 && argv[1][0] == '-') {
		fprintf(stderr, "usage: bench_lookup [SIZE...] | --one SIZE N\n");
		return 1;
	}
	if (argc > 1) {
		for (i = 1; i < (unsigned int)argc; i++)
			ret |= run(strtoul(argv[i], NULL, 0), false, 0);
		return ret;
	}
	printf("%8s %10s %10s %7s %7s %7s %9s\n", "ports", "ns/lookup", "bytes",
	       "blocks", "classes", "rules", "build ms");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		ret |= run(sizes[i], false, 0);
	return ret;
}
