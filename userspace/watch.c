// SPDX-License-Identifier: GPL-2.0
/*
 * epgate stats --watch [-i SECONDS] [-n COUNT]: every interval, the flows'
 * counters and their rates since the previous sample, under a header line
 * with the time, the mode and the global rates.  On a terminal the screen
 * is cleared between samples; otherwise samples are separated by a blank
 * line, so the output can be piped and logged.
 *
 * Rates are deltas over the time measured between the two readings
 * (CLOCK_MONOTONIC), not over the nominal interval: a slow dump or a late
 * wake-up does not inflate them.  The interval is kept on an absolute
 * schedule so that the samples do not drift.
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "genl.h"
#include "statusmsg.h"
#include "subcommands.h"
#include "watch.h"

#define NSEC_PER_SEC 1000000000ULL

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* SECONDS[.FRACTION], at most 9 decimals, into nanoseconds. */
static int parse_seconds(const char *s, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0, scale = NSEC_PER_SEC;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		sec = sec * 10 + (*p - '0');
		if (sec > WATCH_INTERVAL_MAX_NS / NSEC_PER_SEC)
			return -ERANGE;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (scale == 1)
				return -EINVAL;	/* finer than 1 ns */
			scale /= 10;
			frac += (*p - '0') * scale;
		}
	}
	if (*p)
		return -EINVAL;
	*ns = sec * NSEC_PER_SEC + frac;
	return 0;
}

int watch_parse_opts(const char *interval, const char *count,
		     struct watch_opts *o, char *err, size_t errlen)
{
	unsigned long long n = 0;
	const char *p;

	o->interval_ns = NSEC_PER_SEC;
	o->count = 0;
	if (interval && (parse_seconds(interval, &o->interval_ns) ||
			 o->interval_ns < WATCH_INTERVAL_MIN_NS ||
			 o->interval_ns > WATCH_INTERVAL_MAX_NS))
		return fail(err, errlen,
			    "bad interval '%s' (0.1..3600 seconds)", interval);
	if (!count)
		return 0;
	for (p = count; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > UINT32_MAX)
			break;
	}
	if (p == count || *p || !n)
		return fail(err, errlen, "bad count '%s' (1..%" PRIu32 ")",
			    count, UINT32_MAX);
	o->count = n;
	return 0;
}

static int flow_cmp(const struct stats_flow *a, const struct stats_flow *b)
{
	int c = strcmp(a->profile, b->profile);

	return c ? c : strcmp(a->name, b->name);
}

static int flow_ptr_cmp(const void *a, const void *b)
{
	return flow_cmp(*(const struct stats_flow * const *)a,
			*(const struct stats_flow * const *)b);
}

static double rate(uint64_t before, uint64_t after, double dt)
{
	return (double)(after - before) / dt;
}

int watch_diff(const struct watch_sample *prev,
	       const struct watch_sample *cur, struct watch_view *v)
{
	const struct stats_flow **index = NULL, **hit, *key, *old;
	const uint64_t *c0, *c1;
	double dt = 0;
	size_t i;

	if (v->alloc < cur->s.n) {
		struct watch_row *rows;

		rows = realloc(v->rows, cur->s.n * sizeof(*rows));
		if (!rows)
			return -ENOMEM;
		v->rows = rows;
		v->alloc = cur->s.n;
	}
	v->n = cur->s.n;
	v->rated = false;
	if (prev && cur->t_ns > prev->t_ns)
		dt = (double)(cur->t_ns - prev->t_ns) / NSEC_PER_SEC;
	/* Sorted by (profile, name) when a flow is not where it was. */
	if (dt > 0 && prev->s.n) {
		index = malloc(prev->s.n * sizeof(*index));
		if (!index)
			return -ENOMEM;
		for (i = 0; i < prev->s.n; i++)
			index[i] = &prev->s.flows[i];
		qsort(index, prev->s.n, sizeof(*index), flow_ptr_cmp);
	}
	for (i = 0; i < cur->s.n; i++) {
		struct watch_row *r = &v->rows[i];

		r->flow = key = &cur->s.flows[i];
		r->rated = false;
		r->pps = r->bps = 0;
		if (!index)
			continue;
		old = NULL;
		if (i < prev->s.n && !flow_cmp(&prev->s.flows[i], key)) {
			old = &prev->s.flows[i];	/* the usual case */
		} else {
			hit = bsearch(&key, index, prev->s.n, sizeof(*index),
				      flow_ptr_cmp);
			if (hit)
				old = *hit;
		}
		if (!old || old->packets > key->packets ||
		    old->bytes > key->bytes)
			continue;	/* new, or its counters restarted */
		r->rated = true;
		r->pps = rate(old->packets, key->packets, dt);
		r->bps = rate(old->bytes, key->bytes, dt);
	}
	free(index);
	if (dt <= 0)
		return 0;
	c0 = prev->s.counters;
	c1 = cur->s.counters;
	if (c0[EPGATE_CTR_ALLOWED] > c1[EPGATE_CTR_ALLOWED] ||
	    c0[EPGATE_CTR_DROPPED] > c1[EPGATE_CTR_DROPPED] ||
	    c0[EPGATE_CTR_WOULD_DROP] > c1[EPGATE_CTR_WOULD_DROP])
		return 0;	/* reset meanwhile */
	v->rated = true;
	v->allowed_ps = rate(c0[EPGATE_CTR_ALLOWED], c1[EPGATE_CTR_ALLOWED], dt);
	v->dropped_ps = rate(c0[EPGATE_CTR_DROPPED], c1[EPGATE_CTR_DROPPED], dt);
	v->would_drop_ps = rate(c0[EPGATE_CTR_WOULD_DROP],
				c1[EPGATE_CTR_WOULD_DROP], dt);
	return 0;
}

void watch_view_free(struct watch_view *v)
{
	free(v->rows);
	memset(v, 0, sizeof(*v));
}

#define RATE_LEN 32

static const char *fmt_rate(bool known, double r, char *buf)
{
	if (!known)
		return "-";
	snprintf(buf, RATE_LEN, "%.1f", r);
	return buf;
}

#define MAX(a, b) ((a) > (b) ? (a) : (b))

void watch_print(const struct watch_sample *cur, const struct watch_view *v,
		 FILE *f)
{
	int wp = 7, wf = 4, wk = 7, wr = 3, wb = 5, wbr = 3;
	char when[32] = "?", pbuf[4], r1[RATE_LEN], r2[RATE_LEN], r3[RATE_LEN];
	struct tm tm;
	size_t i;

	if (localtime_r(&cur->wall, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "%s  mode %s  allowed %s%s  dropped %s%s  would_drop %s%s\n",
		when, mode_name(cur->s.mode),
		fmt_rate(v->rated, v->allowed_ps, r1), v->rated ? "/s" : "",
		fmt_rate(v->rated, v->dropped_ps, r2), v->rated ? "/s" : "",
		fmt_rate(v->rated, v->would_drop_ps, r3), v->rated ? "/s" : "");
	for (i = 0; i < v->n; i++) {
		const struct watch_row *r = &v->rows[i];

		wp = MAX(wp, (int)strlen(r->flow->profile));
		wf = MAX(wf, (int)strlen(r->flow->name));
		wk = MAX(wk, stats_digits(r->flow->packets));
		wb = MAX(wb, stats_digits(r->flow->bytes));
		wr = MAX(wr, (int)strlen(fmt_rate(r->rated, r->pps, r1)));
		wbr = MAX(wbr, (int)strlen(fmt_rate(r->rated, r->bps, r1)));
	}
	fprintf(f, "%-*s  %-*s  %-5s  %*s  %*s  %*s  %*s\n", wp, "PROFILE", wf,
		"FLOW", "PROTO", wk, "PACKETS", wr, "PPS", wb, "BYTES", wbr,
		"BPS");
	for (i = 0; i < v->n; i++) {
		const struct watch_row *r = &v->rows[i];
		const struct stats_flow *fl = r->flow;

		fprintf(f, "%-*s  %-*s  %-5s  %*" PRIu64 "  %*s  %*" PRIu64 "  %*s\n",
			wp, fl->profile, wf, fl->name,
			stats_proto_name(fl->proto, pbuf, sizeof(pbuf)),
			wk, fl->packets, wr, fmt_rate(r->rated, r->pps, r1),
			wb, fl->bytes, wbr, fmt_rate(r->rated, r->bps, r2));
	}
}

/* ---- the loop --------------------------------------------------------- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts_ns(&ts);
}

/*
 * Until @deadline (CLOCK_MONOTONIC, absolute) or a stop signal.
 * clock_nanosleep() is never restarted after a handler, SA_RESTART or
 * not: a signal ends the wait at once.
 */
static void sleep_until(uint64_t deadline)
{
	struct timespec ts = {
		.tv_sec = deadline / NSEC_PER_SEC,
		.tv_nsec = deadline % NSEC_PER_SEC,
	};

	while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
					NULL) == EINTR)
		;
}

int watch_run(const struct watch_opts *o)
{
	struct watch_sample samples[2], *prev = NULL, *cur = &samples[0];
	bool tty = isatty(STDOUT_FILENO);
	struct watch_view v = { 0 };
	struct epgate_genl g;
	unsigned long n = 0;
	struct sigaction sa;
	uint64_t next, now;
	int ret;

	memset(samples, 0, sizeof(samples));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* A netlink receive carries on; the sample is then not shown. */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (status_connect(&g, "stats"))
		return 1;
	next = now_ns();
	for (;;) {
		ret = stats_read(&g, &cur->s, 0);
		if (stop) {
			ret = 0;
			break;
		}
		if (ret == -EINTR) {
			fprintf(stderr,
				"%s: stats: the flow set changed during each dump; try again\n",
				prog);
			break;
		}
		if (ret) {
			fprintf(stderr, "%s: stats: %s\n", prog,
				epgate_genl_strerror(&g, ret));
			break;
		}
		cur->t_ns = now_ns();
		cur->wall = time(NULL);
		ret = watch_diff(prev, cur, &v);
		if (ret) {
			fprintf(stderr, "%s: stats: %s\n", prog,
				strerror(-ret));
			break;
		}
		if (tty)
			fputs("\033[H\033[2J", stdout);
		else if (n)
			putchar('\n');
		watch_print(cur, &v, stdout);
		if (fflush(stdout)) {
			ret = -errno;
			fprintf(stderr, "%s: stats: %s\n", prog,
				strerror(-ret));
			break;
		}
		prev = cur;
		cur = cur == &samples[0] ? &samples[1] : &samples[0];
		if (++n == o->count)	/* count 0: never */
			break;
		/* On schedule; after a stall, the next slot to come. */
		next += o->interval_ns;
		now = now_ns();
		if (next <= now)
			next += ((now - next) / o->interval_ns + 1) *
				o->interval_ns;
		sleep_until(next);
		if (stop)
			break;
	}
	epgate_genl_close(&g);
	stats_free(&samples[0].s);
	stats_free(&samples[1].s);
	watch_view_free(&v);
	return ret ? 1 : 0;
}
