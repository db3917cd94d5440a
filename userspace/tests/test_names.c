// SPDX-License-Identifier: GPL-2.0
/*
 * The followed-names state machine (names.h) with a fake clock: TTL clamp,
 * the grace of leaving addresses, failures that keep the last good
 * addresses, backoff, the cap, CNAME-shortened TTLs as resolve.c hands
 * them over, staleness, a stepped-back clock, the state file's round trip
 * and its errors; and the hostname rules (hostname.h).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hostname.h"
#include "names.h"
#include "tap.h"

#define T0 1700000000LL
#define NAME "vendor.example.com"

/* An answer built from "ADDR/TTL" strings; status OK. */
static struct resolve_answer answer(int n, ...)
{
	struct resolve_answer a = { .status = RESOLVE_OK };
	va_list ap;
	int i;

	a.addrs = calloc(n ? n : 1, sizeof(*a.addrs));
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		char buf[64], *slash;
		struct resolve_addr *r = &a.addrs[i];

		snprintf(buf, sizeof(buf), "%s", va_arg(ap, const char *));
		slash = strchr(buf, '/');
		*slash = '\0';
		r->ttl = (uint32_t)atoi(slash + 1);
		r->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
		inet_pton(r->family, buf, r->addr);
	}
	va_end(ap);
	a.naddrs = n;
	return a;
}

static struct resolve_answer failure(enum resolve_status s)
{
	struct resolve_answer a = { .status = s };

	snprintf(a.error, sizeof(a.error), "A query: %s", resolve_status_name(s));
	return a;
}

/* The addresses in force at @now as "a b c" (leaving marked with ~). */
static const char *in_force(const struct names *ns, int64_t now)
{
	static char out[4096];
	struct names_addr v[NAMES_ADDRS_MAX + 8];
	size_t n, i, off = 0;

	n = names_addrs(ns, NAME, now, v, NAMES_ADDRS_MAX + 8);
	out[0] = '\0';
	for (i = 0; i < n && i < NAMES_ADDRS_MAX + 8; i++) {
		char buf[INET6_ADDRSTRLEN];

		inet_ntop(v[i].family, v[i].addr, buf, sizeof(buf));
		off += snprintf(out + off, sizeof(out) - off, "%s%s%s",
				i ? " " : "", v[i].leaving ? "~" : "", buf);
	}
	return out;
}

static int apply(struct names *ns, struct resolve_answer a, int64_t now)
{
	int r = names_apply(ns, NAME, &a, now);

	resolve_answer_free(&a);
	return r;
}

static void test_first_answer(void)
{
	struct names ns;
	const struct names_entry *e;
	const char *due[4];
	int r;

	names_init(&ns, NULL);
	ok(names_add(&ns, "Vendor.Example.COM") == 0 && ns.n == 1 &&
	   !strcmp(ns.v[0].name, NAME), "add: the name is kept in lower case");
	ok(names_add(&ns, NAME) == 0 && ns.n == 1, "add: twice is once");
	ok(names_add(&ns, "10.0.0.5") == -EINVAL &&
	   names_add(&ns, "nodot") == -EINVAL, "add: an address or a bare label is refused");
	ok(names_due(&ns, T0, due) == 1 && !strcmp(due[0], NAME),
	   "a new name is due at once");
	ok(names_addrs(&ns, NAME, T0, NULL, 0) == 0 && !ns.v[0].good,
	   "never resolved: no addresses (the caller refuses to bind it)");
	ok(!names_stale(&ns.v[0], T0 + 100000), "never resolved is not 'stale'");

	r = apply(&ns, answer(2, "fd00::5/60", "10.0.0.5/30"), T0);
	e = names_get(&ns, NAME);
	ok(r == 1 && !strcmp(in_force(&ns, T0), "10.0.0.5 fd00::5"),
	   "first answer: changed, IPv4 then IPv6 (got %d: %s)", r,
	   in_force(&ns, T0));
	ok(e->good == T0 && e->next == T0 + 30 && e->good_until == T0 + 30 &&
	   e->status == RESOLVE_OK && !e->failures && !e->error[0],
	   "refresh at the answer's smallest TTL (30 s)");
	ok(e->addrs[0].expires == T0 + 30 && e->addrs[1].expires == T0 + 60,
	   "each address expires at its own TTL");
	ok(names_due(&ns, T0 + 29, due) == 0 && names_due(&ns, T0 + 30, due) == 1,
	   "due exactly at the refresh time");
	ok(names_next(&ns) == T0 + 30, "names_next: the refresh time");
	r = apply(&ns, answer(2, "10.0.0.5/30", "fd00::5/60"), T0 + 30);
	ok(r == 0, "the same answer again: unchanged");
	ok(names_get(&ns, "VENDOR.example.com") == names_get(&ns, NAME),
	   "get: any case");
	ok(names_remove(&ns, NAME) == 0 && ns.n == 0 &&
	   names_remove(&ns, NAME) == -ENOENT, "remove");
	ok(apply(&ns, answer(1, "10.0.0.1/5"), T0) == -ENOENT,
	   "apply for a name not followed: -ENOENT");
	names_free(&ns);
}

static void test_clamp(void)
{
	struct names ns;
	const struct names_entry *e;

	names_init(&ns, NULL);
	names_add(&ns, NAME);
	apply(&ns, answer(1, "10.0.0.5/0"), T0);
	e = names_get(&ns, NAME);
	ok(e->next == T0 + NAMES_TTL_MIN && e->addrs[0].expires == T0 + NAMES_TTL_MIN,
	   "TTL 0 is clamped up to the minimum (%d s)", NAMES_TTL_MIN);
	apply(&ns, answer(1, "10.0.0.5/86400"), T0 + 10);
	ok(e->next == T0 + 10 + NAMES_TTL_MAX,
	   "a day's TTL is clamped down to the maximum (%d s)", NAMES_TTL_MAX);
	apply(&ns, answer(1, "10.0.0.5/4294967295"), T0 + 20);
	ok(e->next == T0 + 20 + NAMES_TTL_MAX, "the largest TTL too");
	names_free(&ns);

	{
		struct names_params p = { .ttl_min = 2, .ttl_max = 10,
					  .grace = 7, .retry_max = 8 };
		char why[128];

		ok(names_params_check(&p, why, sizeof(why)) == 0,
		   "parameters: 2/10/7/8 are valid");
		names_init(&ns, &p);
		names_add(&ns, NAME);
		apply(&ns, answer(1, "10.0.0.5/1"), T0);
		e = names_get(&ns, NAME);
		ok(e->next == T0 + 2, "parameters: a smaller minimum is used");
		apply(&ns, answer(1, "10.0.0.5/50"), T0);
		ok(e->next == T0 + 10, "parameters: a smaller maximum is used");
		names_free(&ns);
		p.ttl_min = 0;
		ok(names_params_check(&p, why, sizeof(why)) == -EINVAL &&
		   strstr(why, "minimum TTL"), "parameters: minimum 0 refused (%s)", why);
		p.ttl_min = 20;
		ok(names_params_check(&p, why, sizeof(why)) == -EINVAL,
		   "parameters: minimum over maximum refused");
		p.ttl_min = 2;
		p.retry_max = 11;
		ok(names_params_check(&p, why, sizeof(why)) == -EINVAL,
		   "parameters: retry maximum over the TTL maximum refused");
	}
}

static void test_cname_ttl(void)
{
	struct names ns;
	const struct names_entry *e;

	/* resolve.c hands over min(A TTL, every CNAME's TTL) per address:
	 * an alias with TTL 20 in front of records of 300 and 600. */
	names_init(&ns, NULL);
	names_add(&ns, NAME);
	apply(&ns, answer(2, "10.0.0.5/20", "fd00::5/20"), T0);
	e = names_get(&ns, NAME);
	ok(e->next == T0 + 20 && e->addrs[0].expires == T0 + 20,
	   "a CNAME's shorter TTL sets the refresh");
	apply(&ns, answer(3, "10.0.0.5/300", "10.0.0.5/20", "fd00::5/600"), T0 + 20);
	ok(e->naddrs == 2 && e->addrs[0].expires == T0 + 40 &&
	   e->addrs[1].expires == T0 + 620,
	   "an address given twice is kept once, with the smaller TTL");
	names_free(&ns);
}

static void test_grace(void)
{
	struct names ns;
	const struct names_entry *e;
	int r;

	names_init(&ns, NULL);
	names_add(&ns, NAME);
	apply(&ns, answer(2, "10.0.0.5/10", "10.0.0.6/10"), T0);
	r = apply(&ns, answer(2, "10.0.0.6/10", "10.0.0.7/10"), T0 + 10);
	e = names_get(&ns, NAME);
	ok(r == 1 && !strcmp(in_force(&ns, T0 + 10), "~10.0.0.5 10.0.0.6 10.0.0.7"),
	   "rotation: the new address is in, the old one leaving (%s)",
	   in_force(&ns, T0 + 10));
	ok(e->addrs[0].leaving == T0 + 10 + NAMES_GRACE,
	   "leaving until now + grace (%d s)", NAMES_GRACE);
	ok(names_next(&ns) == T0 + 20, "names_next: the refresh comes first");
	r = apply(&ns, answer(2, "10.0.0.6/10", "10.0.0.7/10"), T0 + 20);
	ok(r == 0 && e->addrs[0].leaving == T0 + 10 + NAMES_GRACE,
	   "the next answer without it: still leaving, deadline unchanged");
	ok(!strcmp(in_force(&ns, T0 + 10 + NAMES_GRACE - 1), "~10.0.0.5 10.0.0.6 10.0.0.7"),
	   "in force one second before the grace ends");
	ok(!strcmp(in_force(&ns, T0 + 10 + NAMES_GRACE), "10.0.0.6 10.0.0.7"),
	   "names_addrs: gone when the grace ends");
	ok(names_expire(&ns, T0 + 10 + NAMES_GRACE - 1) == 0 && e->naddrs == 3,
	   "expire before the deadline: nothing");
	ok(names_expire(&ns, T0 + 10 + NAMES_GRACE) == 1 && e->naddrs == 2,
	   "expire at the deadline: dropped, changed");

	/* Comes back while leaving. */
	apply(&ns, answer(1, "10.0.0.7/10"), T0 + 400);
	r = apply(&ns, answer(2, "10.0.0.6/10", "10.0.0.7/10"), T0 + 405);
	ok(r == 0 && !strcmp(in_force(&ns, T0 + 405), "10.0.0.6 10.0.0.7") &&
	   !e->addrs[0].leaving, "an address back in the answer is current again, unchanged");

	/* A long TTL outlives the grace: kept until its expiry. */
	apply(&ns, answer(1, "10.0.0.9/3000"), T0 + 1000);
	r = apply(&ns, answer(1, "10.0.0.10/60"), T0 + 1100);
	ok(r == 1 && names_get(&ns, NAME)->addrs[2].leaving == T0 + 4000,
	   "leaving until its TTL expiry when that is later than the grace");
	ok(!strcmp(in_force(&ns, T0 + 1299), "~10.0.0.6 ~10.0.0.7 ~10.0.0.9 10.0.0.10") &&
	   !strcmp(in_force(&ns, T0 + 1300), "~10.0.0.9 10.0.0.10") &&
	   !strcmp(in_force(&ns, T0 + 3999), "~10.0.0.9 10.0.0.10") &&
	   !strcmp(in_force(&ns, T0 + 4000), "10.0.0.10"),
	   "leaving ones go each at its own deadline (%s)", in_force(&ns, T0 + 3999));
	names_free(&ns);
}

static void test_failures(void)
{
	static const enum resolve_status fails[] = {
		RESOLVE_TIMEOUT, RESOLVE_SERVFAIL, RESOLVE_NXDOMAIN,
		RESOLVE_NODATA, RESOLVE_ERROR,
	};
	const struct names_entry *e;
	struct names ns;
	int64_t t, waits[12];
	size_t i;
	int r;

	names_init(&ns, NULL);
	names_add(&ns, NAME);
	apply(&ns, answer(2, "10.0.0.5/60", "fd00::5/60"), T0);
	e = names_get(&ns, NAME);
	for (i = 0; i < sizeof(fails) / sizeof(fails[0]); i++) {
		r = apply(&ns, failure(fails[i]), T0 + 60 + (int64_t)i);
		ok(r == 0 && !strcmp(in_force(&ns, T0 + 60 + (int64_t)i), "10.0.0.5 fd00::5") &&
		   e->status == fails[i] && e->failures == i + 1 &&
		   strstr(e->error, resolve_status_name(fails[i])),
		   "%s: nothing removed, nothing leaving, failure %zu counted",
		   resolve_status_name(fails[i]), i + 1);
	}
	ok(e->good == T0, "failures keep the time of the last good answer");
	{
		struct resolve_answer empty = { .status = RESOLVE_OK };

		r = names_apply(&ns, NAME, &empty, T0 + 70);
		ok(r == 0 && e->status == RESOLVE_NODATA && e->naddrs == 2,
		   "an OK answer without addresses is a NODATA failure");
	}

	/* Backoff: 5 10 20 40 80 160 300 300 ... from a fresh failure run. */
	apply(&ns, answer(1, "10.0.0.5/60"), T0 + 100);
	t = T0 + 160;
	for (i = 0; i < 9; i++) {
		apply(&ns, failure(RESOLVE_TIMEOUT), t);
		waits[i] = e->next - t;
		t = e->next;
	}
	ok(waits[0] == 5 && waits[1] == 10 && waits[2] == 20 && waits[3] == 40 &&
	   waits[4] == 80 && waits[5] == 160 && waits[6] == 300 &&
	   waits[7] == 300 && waits[8] == 300,
	   "backoff doubles from the minimum TTL up to %d s (%lld %lld %lld %lld %lld %lld %lld)",
	   NAMES_RETRY_MAX, (long long)waits[0], (long long)waits[1],
	   (long long)waits[2], (long long)waits[3], (long long)waits[4],
	   (long long)waits[5], (long long)waits[6]);
	ok(!strcmp(in_force(&ns, t), "10.0.0.5"), "still the last good address after 9 failures");
	r = apply(&ns, answer(1, "10.0.0.5/60"), t);
	ok(r == 0 && !e->failures && e->status == RESOLVE_OK && !e->error[0] &&
	   e->next == t + 60, "a good answer ends the backoff");

	/* A name that never resolved stays empty through failures. */
	names_add(&ns, "other.example.com");
	{
		struct resolve_answer a = failure(RESOLVE_NXDOMAIN);

		names_apply(&ns, "other.example.com", &a, T0);
		e = names_get(&ns, "other.example.com");
		ok(e->naddrs == 0 && !e->good && e->failures == 1 &&
		   e->next == T0 + NAMES_TTL_MIN,
		   "never resolved + NXDOMAIN: no addresses, retried after the minimum");
	}
	names_free(&ns);

	/* A leaving address still goes on time while DNS fails. */
	names_init(&ns, NULL);
	names_add(&ns, NAME);
	apply(&ns, answer(1, "10.0.0.1/10"), T0);
	apply(&ns, answer(1, "10.0.0.2/10"), T0 + 10);
	r = apply(&ns, failure(RESOLVE_TIMEOUT), T0 + 10 + NAMES_GRACE);
	ok(r == 1 && !strcmp(in_force(&ns, T0 + 10 + NAMES_GRACE), "10.0.0.2"),
	   "during a failure the last good answer stays; what it had dropped still goes");
	names_free(&ns);
}

static void test_cap(void)
{
	struct names ns;
	struct resolve_answer a = { .status = RESOLVE_OK };
	const struct names_entry *e;
	size_t i;
	int r;

	names_init(&ns, NULL);
	names_add(&ns, NAME);
	a.naddrs = NAMES_ADDRS_MAX + 6;
	a.addrs = calloc(a.naddrs, sizeof(*a.addrs));
	/* Descending order on the wire; 6 IPv6 ones that sort last. */
	for (i = 0; i < a.naddrs; i++) {
		struct resolve_addr *r6 = &a.addrs[i];

		r6->ttl = 60;
		if (i < 6) {
			r6->family = AF_INET6;
			r6->addr[0] = 0xfd;
			r6->addr[15] = (uint8_t)i;
		} else {
			r6->family = AF_INET;
			r6->addr[0] = 10;
			r6->addr[3] = (uint8_t)(200 - i);
		}
	}
	r = names_apply(&ns, NAME, &a, T0);
	e = names_get(&ns, NAME);
	ok(r == 1 && e->naddrs == NAMES_ADDRS_MAX && e->truncated,
	   "%zu addresses: %d kept, flagged truncated", a.naddrs, NAMES_ADDRS_MAX);
	ok(e->addrs[0].family == AF_INET && e->addrs[0].addr[3] == 200 - 69 &&
	   e->addrs[NAMES_ADDRS_MAX - 1].family == AF_INET,
	   "the lowest kept: every IPv4 one, no IPv6");
	free(a.addrs);

	apply(&ns, answer(2, "10.0.0.1/60", "10.0.0.2/60"), T0 + 60);
	ok(e->truncated && e->naddrs == NAMES_ADDRS_MAX,
	   "a 2-address answer: 62 of the 64 leaving fit, still truncated");
	ok(e->addrs[0].addr[3] == 1 && !e->addrs[0].leaving &&
	   e->addrs[2].leaving && e->addrs[2].addr[3] == 131 &&
	   e->addrs[NAMES_ADDRS_MAX - 1].addr[3] == 192,
	   "the answer's first, then the lowest leaving ones");
	apply(&ns, answer(2, "10.0.0.1/60", "10.0.0.2/60"), T0 + 60 + NAMES_GRACE);
	ok(!e->truncated && e->naddrs == 2, "once the grace is over: 2, not truncated");
	names_free(&ns);
}

static void test_stale_and_clock(void)
{
	struct names ns;
	struct names_entry *e;
	const char *due[2];

	names_init(&ns, NULL);
	names_add(&ns, NAME);
	apply(&ns, answer(1, "10.0.0.5/30"), T0);
	e = &ns.v[0];
	ok(!names_stale(e, T0 + 29), "fresh before the TTL runs out");
	ok(names_stale(e, T0 + 30), "stale when it has run out");
	apply(&ns, failure(RESOLVE_TIMEOUT), T0 + 30);
	ok(names_stale(e, T0 + 31), "stale while DNS fails");
	apply(&ns, answer(1, "10.0.0.5/30"), T0 + 40);
	ok(!names_stale(e, T0 + 41), "fresh again after a good answer");

	/* The clock stepped back a day. */
	ok(names_due(&ns, T0 - 86400, due) == 1 && e->next == T0 - 86400,
	   "a refresh further ahead than the TTL maximum is due at once");
	apply(&ns, answer(1, "10.0.0.6/30"), T0 - 86400);
	e->addrs[0].leaving = T0 + 100000;
	names_expire(&ns, T0);
	ok(e->addrs[0].leaving == T0 + NAMES_GRACE,
	   "a leaving deadline beyond any rule is brought back to now + grace");
	names_free(&ns);
}

/* Write @ns, return the text (caller frees). */
static char *written(const struct names *ns, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	names_write(ns, f);
	fclose(f);
	return text;
}

static void test_file(void)
{
	struct names ns, back;
	char err[256], *text, *again;
	size_t len, len2;
	int r;

	names_init(&ns, NULL);
	names_add(&ns, NAME);
	names_add(&ns, "never.example.org");
	names_add(&ns, "a.example.net");
	apply(&ns, answer(2, "10.0.0.5/30", "fd00::5/30"), T0);
	apply(&ns, answer(1, "fd00::5/30"), T0 + 30);
	apply(&ns, failure(RESOLVE_SERVFAIL), T0 + 60);
	{
		struct resolve_answer a = failure(RESOLVE_NXDOMAIN);

		names_apply(&ns, "never.example.org", &a, T0);
	}
	text = written(&ns, &len);
	ok(strstr(text, "epgate-names 1\nname a.example.net good 0 until 0 tried 0 next 0 failures 0 status ok truncated 0\n") &&
	   strstr(text, "\nerror A query: servfail\naddr 10.0.0.5 expires 1700000030 leaving 1700000330\naddr fd00::5 expires 1700000060 leaving 0\n") &&
	   strstr(text, "\nend 3\n"), "the file: every field, in name order");

	names_init(&back, NULL);
	r = names_parse(&back, "names.state", text, len, err, sizeof(err));
	ok(r == 0 && back.n == 3, "it parses back (%s)", r ? err : "ok");
	again = written(&back, &len2);
	ok(len == len2 && !memcmp(text, again, len), "round trip: byte for byte");
	ok(r == 0 && back.v[2].naddrs == 2 && back.v[2].addrs[0].leaving == T0 + 330 && back.v[2].failures == 1 &&
	   back.v[2].status == RESOLVE_SERVFAIL && names_stale(&back.v[2], T0 + 61),
	   "round trip: deadlines, failures, status, staleness");
	free(again);
	names_free(&back);
	free(text);
	names_free(&ns);
}

static void test_parse_errors(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "", "f:0: empty file" },
		{ "epgate-names 2\nend 0\n", "f:1: not an epgate names file" },
		{ "epgate-names 1\n", "f:1: no 'end' line" },
		{ "epgate-names 1\nend 0", "f:2: last line not terminated" },
		{ "epgate-names 1\nend 0\n\n", "f:3: text after the 'end' line" },
		{ "epgate-names 1\nend 1\n", "f:2: 'end 1' after 0 names" },
		{ "epgate-names 1\nbogus\nend 0\n", "f:2: unknown line" },
		{ "epgate-names 1\nend 0 \n", "f:2: an end line has 2 fields" },
		{ "epgate-names 1\nend %\n", "f:2: field 2: not a number in 0..1024" },
		{ "epgate-names 1\nend\t0\n", "f:2: non-printable byte 0x09 at column 4" },
		{ "epgate-names 1\nname a.b good 0 until 0 tried 0 next 0 failures 0 status ok\nend 1\n",
		  "f:2: a name line has 16 fields, not 14" },
		{ "epgate-names 1\nname a..b good 0 until 0 tried 0 next 0 failures 0 status ok truncated 0\nend 1\n",
		  "f:2: bad name: empty label (two dots)" },
		{ "epgate-names 1\nname A.b good 0 until 0 tried 0 next 0 failures 0 status ok truncated 0\nend 1\n",
		  "f:2: name 'a.b' not in lower case" },
		{ "epgate-names 1\nname b.c good 0 until 0 tried 0 next 0 failures 0 status ok truncated 0\n"
		  "name a.c good 0 until 0 tried 0 next 0 failures 0 status ok truncated 0\nend 2\n",
		  "f:3: name 'a.c' out of order or repeated" },
		{ "epgate-names 1\nname a.b good 01 until 0 tried 0 next 0 failures 0 status ok truncated 0\nend 1\n",
		  "f:2: field 4: not a number" },
		{ "epgate-names 1\nname a.b good 9223372036854775808 until 0 tried 0 next 0 failures 0 status ok truncated 0\nend 1\n",
		  "f:2: field 4: not a number in 0..9223372036854775807" },
		{ "epgate-names 1\nname a.b bad 0 until 0 tried 0 next 0 failures 0 status ok truncated 0\nend 1\n",
		  "f:2: field 3: expected 'good'" },
		{ "epgate-names 1\nname a.b good 0 until 0 tried 0 next 0 failures 0 status fine truncated 0\nend 1\n",
		  "f:2: field 14: unknown status" },
		{ "epgate-names 1\nname a.b good 0 until 0 tried 0 next 0 failures 0 status ok truncated 2\nend 1\n",
		  "f:2: field 16: not a number in 0..1" },
		{ "epgate-names 1\nname a.b good 0 until 0 tried 0 next 0 failures 1 status ok truncated 0\nend 1\n",
		  "f:2: status ok with 1 failures" },
		{ "epgate-names 1\nname a.b good 0 until 5 tried 0 next 0 failures 0 status ok truncated 0\nend 1\n",
		  "f:2: never resolved, yet" },
		{ "epgate-names 1\nname a.b good 10 until 5 tried 10 next 0 failures 0 status ok truncated 0\nend 1\n",
		  "f:2: 'until' not after 'good'" },
		{ "epgate-names 1\nerror x\nend 0\n", "f:2: 'error' only right after its name line" },
		{ "epgate-names 1\nname a.b good 10 until 20 tried 10 next 20 failures 0 status ok truncated 0\nerror x\nend 1\n",
		  "f:3: 'error' for a name whose status is ok" },
		{ "epgate-names 1\naddr 10.0.0.1 expires 0 leaving 0\nend 0\n", "f:2: 'addr' before any name" },
		{ "epgate-names 1\nname a.b good 0 until 0 tried 5 next 10 failures 1 status timeout truncated 0\n"
		  "addr 10.0.0.1 expires 0 leaving 0\nend 1\n", "f:3: an address for a name never resolved" },
		{ "epgate-names 1\nname a.b good 10 until 20 tried 10 next 20 failures 0 status ok truncated 0\n"
		  "addr 10.0.0.01 expires 20 leaving 0\nend 1\n", "f:3: bad address '10.0.0.01'" },
		{ "epgate-names 1\nname a.b good 10 until 20 tried 10 next 20 failures 0 status ok truncated 0\n"
		  "addr FD00::1 expires 20 leaving 0\nend 1\n", "f:3: bad address 'FD00::1' (inet_ntop's form)" },
		{ "epgate-names 1\nname a.b good 10 until 20 tried 10 next 20 failures 0 status ok truncated 0\n"
		  "addr fd00::1 expires 20 leaving 0\naddr 10.0.0.1 expires 20 leaving 0\nend 1\n",
		  "f:4: address '10.0.0.1' out of order or repeated" },
		{ "epgate-names 1\nname a.b good 10 until 20 tried 10 next 20 failures 0 status ok truncated 0\n"
		  "addr 10.0.0.1 expires 20 leaving\nend 1\n", "f:3: an addr line has 6 fields, not 5" },
	};
	struct names ns;
	char err[256];
	size_t i;

	names_init(&ns, NULL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = names_parse(&ns, "f", bad[i].text, strlen(bad[i].text),
				    err, sizeof(err));

		ok(r == -EINVAL && !strncmp(err, bad[i].msg, strlen(bad[i].msg)) &&
		   ns.n == 0 && !ns.v,
		   "parse error %zu: %s", i + 1, r ? err : "(accepted)");
	}
	{
		char text[64 * 1024];
		size_t off, k;

		off = snprintf(text, sizeof(text), "epgate-names 1\nname a.b good 10 until 20 tried 10 next 20 failures 0 status ok truncated 0\n");
		for (k = 0; k <= NAMES_ADDRS_MAX; k++)
			off += snprintf(text + off, sizeof(text) - off,
					"addr 10.0.%zu.%zu expires 20 leaving 0\n", k / 256, k % 256);
		off += snprintf(text + off, sizeof(text) - off, "end 1\n");
		ok(names_parse(&ns, "f", text, off, err, sizeof(err)) == -EINVAL &&
		   strstr(err, "f:67: more than 64 addresses"), "parse: the address cap (%s)", err);
	}
	names_free(&ns);
}

static void test_hostnames(void)
{
	static const char *const good[] = {
		"a.b", "vendor.example.com", "ksc.corp.example", "X-1.Example.COM",
		"1a.example", "example.c0m", "xn--bcher-kva.example",
		"a234567890123456789012345678901234567890123456789012345678901bc.d",
	};
	static const struct {
		const char *s;
		size_t off;
		const char *why;
	} bad[] = {
		{ "", 0, "empty hostname" },
		{ "localhost", 0, "not a fully qualified name (no dot)" },
		{ "a.b.", 3, "trailing dot" },
		{ ".a.b", 0, "empty label (leading dot)" },
		{ "a..b", 2, "empty label (two dots)" },
		{ "-a.b", 0, "label starts with '-'" },
		{ "a-.b", 1, "label ends with '-'" },
		{ "a_b.c", 1, "bad character '_'" },
		{ "a b.c", 1, "bad character \\x20" },
		{ "a\x01.c", 1, "bad character \\x01" },
		{ "10.0.0.5", 0, "an IPv4 address, not a hostname" },
		{ "10.0.0.256", 7, "last label is all digits" },
		{ "fd00::5", 0, "an IPv6 address, not a hostname" },
		{ "::ffff:10.0.0.1", 0, "an IPv6 address" },
		{ "a2345678901234567890123456789012345678901234567890123456789012bc.d", 0,
		  "label longer than 63 characters" },
	};
	char why[128], long_name[300], low[HOSTNAME_MAX + 1];
	size_t i, off;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(hostname_valid(good[i], strlen(good[i]), NULL, why, sizeof(why)),
		   "hostname '%s' valid", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool v = hostname_valid(bad[i].s, strlen(bad[i].s), &off, why,
					sizeof(why));

		ok(!v && off == bad[i].off && !strncmp(why, bad[i].why, strlen(bad[i].why)),
		   "hostname %zu refused at %zu: %s", i + 1, off, v ? "(valid)" : why);
	}
	/* 253 is the limit: 63+1+63+1+63+1+61 = 253. */
	memset(long_name, 'a', sizeof(long_name));
	long_name[63] = long_name[127] = long_name[191] = '.';
	ok(hostname_valid(long_name, 253, NULL, why, sizeof(why)) &&
	   !hostname_valid(long_name, 254, &off, why, sizeof(why)) &&
	   off == 253 && strstr(why, "longer than 253"),
	   "253 characters valid, 254 refused (%s)", why);
	ok(hostname_valid("a.b.c", 3, NULL, NULL, 0), "a slice: the first 3 bytes of 'a.b.c'");
	hostname_lower(low, "Vendor.EXAMPLE.com", 18);
	ok(!strcmp(low, "vendor.example.com"), "hostname_lower");
}

/*
 * names_seed(): restore's saved addresses as the last good answer, stale
 * at once, due at once; kept through failures, leaving with their grace
 * when DNS answers otherwise; never over addresses a name has; the state
 * file takes the seeded entry.
 */
static void test_seed(void)
{
	struct names_addr in[3] = { { 0 } };
	struct names ns, back;
	const struct names_entry *e;
	const char *due[2];
	char err[256], *text;
	size_t len;
	int r;

	names_init(&ns, NULL);
	in[0].family = AF_INET6;
	inet_pton(AF_INET6, "fd00::5", in[0].addr);
	in[1].family = AF_INET;
	inet_pton(AF_INET, "10.0.0.5", in[1].addr);
	in[1].expires = 42;	/* only family and address are read */
	in[2] = in[0];
	r = names_seed(&ns, "Vendor.Example.com", in, 3, T0);
	e = names_get(&ns, NAME);
	ok(r == 1 && e && !strcmp(in_force(&ns, T0), "10.0.0.5 fd00::5"),
	   "seed: the addresses in force, sorted, duplicates collapsed (%d: %s)",
	   r, in_force(&ns, T0));
	ok(e && e->good == T0 - 1 && e->tried == T0 - 1 && e->good_until == T0 &&
	   e->status == RESOLVE_OK && !e->failures && !e->truncated &&
	   e->addrs[0].expires == T0 && !e->addrs[0].leaving,
	   "seed: a good answer a second ago whose TTL ran out now");
	ok(e && names_stale(e, T0) && names_due(&ns, T0, due) == 1,
	   "seed: stale and due at once");

	text = written(&ns, &len);
	names_init(&back, NULL);
	r = names_parse(&back, "names.state", text, len, err, sizeof(err));
	ok(r == 0 && back.n == 1 && back.v[0].naddrs == 2,
	   "seed: the state file takes it (%s)", r ? err : "ok");
	names_free(&back);
	free(text);

	in[0].family = AF_INET;
	inet_pton(AF_INET, "10.9.9.9", in[0].addr);
	ok(names_seed(&ns, NAME, in, 1, T0 + 5) == 0 &&
	   !strcmp(in_force(&ns, T0 + 5), "10.0.0.5 fd00::5"),
	   "seed: a name with addresses is left as it is");

	ok(apply(&ns, failure(RESOLVE_TIMEOUT), T0 + 1) == 0 &&
	   !strcmp(in_force(&ns, T0 + 1), "10.0.0.5 fd00::5"),
	   "seed, then DNS fails: the seeded addresses stay");
	ok(apply(&ns, answer(1, "10.0.0.7/30"), T0 + 2) == 1 &&
	   !strcmp(in_force(&ns, T0 + 2), "~10.0.0.5 10.0.0.7 ~fd00::5") &&
	   !strcmp(in_force(&ns, T0 + 2 + NAMES_GRACE), "10.0.0.7"),
	   "seed, then another answer: the seeded ones leave after the grace (%s)",
	   in_force(&ns, T0 + 2));

	names_add(&ns, "never.example.org");
	{
		struct resolve_answer a = failure(RESOLVE_NXDOMAIN);

		names_apply(&ns, "never.example.org", &a, T0);
	}
	ok(names_seed(&ns, "never.example.org", in, 1, T0 + 3) == 1 &&
	   names_get(&ns, "never.example.org")->status == RESOLVE_OK &&
	   names_addrs(&ns, "never.example.org", T0 + 3, NULL, 0) == 1,
	   "seed: a name followed but never resolved takes the addresses");
	in[0].family = AF_UNIX;
	ok(names_seed(&ns, "x.example.org", in, 0, T0) == -EINVAL &&
	   names_seed(&ns, "x.example.org", in, 1, T0) == -EINVAL &&
	   names_seed(&ns, "x.example.org", in, NAMES_ADDRS_MAX + 1, T0) == -EINVAL &&
	   names_seed(&ns, "nodot", in + 1, 1, T0) == -EINVAL &&
	   names_seed(&ns, "x.example.org", in + 1, 1, 1) == -EINVAL &&
	   !names_get(&ns, "x.example.org"),
	   "seed: no address, a bad family, too many, a bad name, a clock at 1: -EINVAL, nothing added");
	names_free(&ns);
}

int main(void)
{
	tap_plan(121 + 9);
	test_first_answer();
	test_clamp();
	test_cname_ttl();
	test_grace();
	test_failures();
	test_cap();
	test_stale_and_clock();
	test_file();
	test_seed();
	test_parse_errors();
	test_hostnames();
	return tap_exit();
}
