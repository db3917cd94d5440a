/* SPDX-License-Identifier: GPL-2.0 */
/*
 * epgate stats --watch: the flows' counters and rates, sample after
 * sample.  The rate computation and the rendering are pure, for the tests.
 */
#ifndef EPGATE_WATCH_H
#define EPGATE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "statsmsg.h"

#define WATCH_INTERVAL_MIN_NS	100000000ULL		/* 0.1 s */
#define WATCH_INTERVAL_MAX_NS	3600000000000ULL	/* 1 h */

struct watch_opts {
	uint64_t interval_ns;
	unsigned long count;		/* samples; 0: until SIGINT/SIGTERM */
};

/*
 * -i SECONDS and -n COUNT (NULL: the defaults, 1 s and no end).  Returns 0,
 * or -EINVAL with a one-line message quoting the word in @err.
 */
int watch_parse_opts(const char *interval, const char *count,
		     struct watch_opts *o, char *err, size_t errlen);

/* One reading of the module. */
struct watch_sample {
	struct stats s;			/* flows, global mode and counters */
	uint64_t t_ns;			/* CLOCK_MONOTONIC when read */
	time_t wall;			/* for the header line */
};

struct watch_row {
	const struct stats_flow *flow;	/* in the current sample */
	bool rated;			/* false: new since the last sample */
	double pps, bps;
};

struct watch_view {
	struct watch_row *rows;		/* one per flow, in dump order */
	size_t n, alloc;
	bool rated;			/* the global rates are known */
	double allowed_ps, dropped_ps, would_drop_ps;
};

/*
 * Rates of @cur against @prev (NULL for the first sample): per second of
 * the measured time between the two.  Flows are matched by (profile,
 * name); a flow absent from @prev, or whose counters went down (reset,
 * or removed and added again), has no rate.  0 or -ENOMEM.
 */
int watch_diff(const struct watch_sample *prev,
	       const struct watch_sample *cur, struct watch_view *v);
void watch_view_free(struct watch_view *v);

/* The header line and the flows table of one sample ("-": no rate). */
void watch_print(const struct watch_sample *cur, const struct watch_view *v,
		 FILE *f);

/* Sample until o->count or a signal: exit status (0 on SIGINT/SIGTERM). */
int watch_run(const struct watch_opts *o);

#endif
