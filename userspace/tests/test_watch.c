// SPDX-License-Identifier: GPL-2.0
/*
 * epgate stats --watch: the option words, the rates between two samples
 * (flows matched by profile and name, new flows and restarted counters
 * without a rate, the measured elapsed time) and the rendering.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/epgate.h>

#include "tap.h"
#include "watch.h"

const char *prog = "epgate";

static void diag(const char *out)
{
	const char *p = out ? out : "(null)\n";

	while (*p) {
		int len = strcspn(p, "\n");

		printf("#   %.*s\n", len, p);
		p += len + (p[len] == '\n');
	}
}

static void add(struct watch_sample *w, const char *profile,
		const char *name, uint8_t proto, uint64_t packets,
		uint64_t bytes)
{
	struct stats_flow *f;

	f = realloc(w->s.flows, (w->s.n + 1) * sizeof(*f));
	if (!f)
		abort();
	w->s.flows = f;
	f = &w->s.flows[w->s.n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->profile, sizeof(f->profile), "%s", profile);
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->proto = proto;
	f->mode = EPGATE_MODE_ENFORCE;
	f->packets = packets;
	f->bytes = bytes;
}

static char *render(const struct watch_sample *w, const struct watch_view *v)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	watch_print(w, v, f);
	fclose(f);
	return out;
}

static void test_opts(void)
{
	struct watch_opts o;
	char err[160];

#define GOOD(i, n, ns, cnt, what) \
	ok(!watch_parse_opts(i, n, &o, err, sizeof(err)) && \
	   o.interval_ns == (ns) && o.count == (cnt), what)
#define BAD(i, n, msg) do { \
		int r_ = watch_parse_opts(i, n, &o, err, sizeof(err)); \
		ok(r_ == -EINVAL && !strcmp(err, msg), "error: %s", err); \
	} while (0)

	GOOD(NULL, NULL, 1000000000ULL, 0, "defaults: 1 s, until a signal");
	GOOD("0.1", "1", 100000000ULL, 1, "0.1 s, one sample");
	GOOD("3600", "4294967295", 3600000000000ULL, 4294967295UL,
	     "3600 s and the largest count");
	GOOD("2.5", NULL, 2500000000ULL, 0, "decimals");
	GOOD("0.123456789", NULL, 123456789ULL, 0, "nine decimals");
	GOOD("3600.000", NULL, 3600000000000ULL, 0, "3600.000 is 3600");
	BAD("0.09", NULL, "bad interval '0.09' (0.1..3600 seconds)");
	BAD("0", NULL, "bad interval '0' (0.1..3600 seconds)");
	BAD("3600.001", NULL, "bad interval '3600.001' (0.1..3600 seconds)");
	BAD("99999999999999999999", NULL,
	    "bad interval '99999999999999999999' (0.1..3600 seconds)");
	BAD("1.", NULL, "bad interval '1.' (0.1..3600 seconds)");
	BAD(".5", NULL, "bad interval '.5' (0.1..3600 seconds)");
	BAD("1e3", NULL, "bad interval '1e3' (0.1..3600 seconds)");
	BAD("-1", NULL, "bad interval '-1' (0.1..3600 seconds)");
	BAD(" 1", NULL, "bad interval ' 1' (0.1..3600 seconds)");
	BAD("1.0000000001", NULL,
	    "bad interval '1.0000000001' (0.1..3600 seconds)");
	BAD("", NULL, "bad interval '' (0.1..3600 seconds)");
	BAD(NULL, "0", "bad count '0' (1..4294967295)");
	BAD(NULL, "4294967296", "bad count '4294967296' (1..4294967295)");
	BAD(NULL, "-1", "bad count '-1' (1..4294967295)");
	BAD(NULL, "1x", "bad count '1x' (1..4294967295)");
	BAD(NULL, "", "bad count '' (1..4294967295)");
#undef GOOD
#undef BAD
}

static void test_rates(void)
{
	struct watch_sample a = { 0 }, b = { 0 };
	struct watch_view v = { 0 };
	char *out;

	setenv("TZ", "UTC", 1);
	tzset();

	/* First sample: nothing to compare with. */
	add(&a, "kaspersky", "agent-server", IPPROTO_TCP, 100, 10000);
	add(&a, "kaspersky", "push", IPPROTO_UDP, 50, 5000);
	add(&a, "eset", "console", IPPROTO_TCP, 7, 700);
	a.s.mode = EPGATE_MODE_MONITOR;
	a.s.counters[EPGATE_CTR_ALLOWED] = 1000;
	a.s.counters[EPGATE_CTR_DROPPED] = 10;
	a.s.counters[EPGATE_CTR_WOULD_DROP] = 4;
	a.t_ns = 5000000000ULL;
	a.wall = 1700000000;
	ok(!watch_diff(NULL, &a, &v) && v.n == 3 && !v.rated &&
	   !v.rows[0].rated && !v.rows[1].rated && !v.rows[2].rated &&
	   v.rows[2].flow == &a.s.flows[2],
	   "first sample: every row, no rate");
	out = render(&a, &v);
	if (!ok(out && !strcmp(out,
		    "2023-11-14 22:13:20  mode monitor  allowed -  dropped -  would_drop -\n"
		    "PROFILE    FLOW          PROTO  PACKETS  PPS  BYTES  BPS\n"
		    "kaspersky  agent-server  tcp        100    -  10000    -\n"
		    "kaspersky  push          udp         50    -   5000    -\n"
		    "eset       console       tcp          7    -    700    -\n"),
		"first sample rendered: rates '-'"))
		diag(out);
	free(out);

	/*
	 * 2 s later (measured, not nominal): push left, a new flow came,
	 * eset moved to the front, agent-server counted on.
	 */
	add(&b, "eset", "console", IPPROTO_TCP, 7, 700);
	add(&b, "kaspersky", "agent-server", IPPROTO_TCP, 301, 1010000);
	add(&b, "kaspersky", "update", IPPROTO_TCP, 9, 900);
	b.s.mode = EPGATE_MODE_ENFORCE;
	b.s.counters[EPGATE_CTR_ALLOWED] = 1301;
	b.s.counters[EPGATE_CTR_DROPPED] = 11;
	b.s.counters[EPGATE_CTR_WOULD_DROP] = 4;
	b.t_ns = 7000000000ULL;
	b.wall = 1700000002;
	ok(!watch_diff(&a, &b, &v) && v.n == 3 && v.rated &&
	   v.allowed_ps == 150.5 && v.dropped_ps == 0.5 &&
	   v.would_drop_ps == 0,
	   "global rates: deltas over the measured 2 s");
	ok(v.rows[0].rated && v.rows[0].pps == 0 && v.rows[0].bps == 0 &&
	   v.rows[1].rated && v.rows[1].pps == 100.5 &&
	   v.rows[1].bps == 500000 && !v.rows[2].rated,
	   "flows matched by (profile, name) wherever they are; a new one has no rate");
	out = render(&b, &v);
	if (!ok(out && !strcmp(out,
		    "2023-11-14 22:13:22  mode enforce  allowed 150.5/s  dropped 0.5/s  would_drop 0.0/s\n"
		    "PROFILE    FLOW          PROTO  PACKETS    PPS    BYTES       BPS\n"
		    "eset       console       tcp          7    0.0      700       0.0\n"
		    "kaspersky  agent-server  tcp        301  100.5  1010000  500000.0\n"
		    "kaspersky  update        tcp          9      -      900         -\n"),
		"second sample rendered, columns as wide as the rates"))
		diag(out);
	free(out);

	/* A reset between the samples: counters went down, no rate. */
	a.s.flows[0].packets = 1;	/* kaspersky agent-server */
	a.s.counters[EPGATE_CTR_ALLOWED] = 1;
	a.t_ns = 9000000000ULL;
	ok(!watch_diff(&b, &a, &v) && !v.rated && !v.rows[0].rated &&
	   v.rows[1].rated == false && v.rows[2].rated &&
	   v.rows[2].pps == 0 && v.rows[2].bps == 0,
	   "counters that went down (reset) have no rate; the rest do");

	/* The same timestamp twice: no division by zero, no rate. */
	ok(!watch_diff(&a, &a, &v) && !v.rated && !v.rows[0].rated,
	   "no time elapsed: no rate");

	stats_free(&a.s);
	stats_free(&b.s);
	a.wall = 0;
	ok(!watch_diff(NULL, &a, &v) && v.n == 0, "an empty set: no rows");
	out = render(&a, &v);
	if (!ok(out && !strcmp(out,
		    "1970-01-01 00:00:00  mode off  allowed -  dropped -  would_drop -\n"
		    "PROFILE  FLOW  PROTO  PACKETS  PPS  BYTES  BPS\n"),
		"an empty set rendered: header lines only"))
		diag(out);
	free(out);
	watch_view_free(&v);
}

int main(void)
{
	tap_plan(31);
	test_opts();
	test_rates();
	return tap_exit();
}
