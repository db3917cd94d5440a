/* SPDX-License-Identifier: GPL-2.0 */
/*
 * epgate metrics: the module's state and counters as Prometheus metrics
 * (prom.h), for node_exporter's textfile collector or any scraper.
 */
#ifndef EPGATE_METRICS_H
#define EPGATE_METRICS_H

#include <stdbool.h>
#include <stdio.h>

#include "genl.h"
#include "statsmsg.h"
#include "status.h"

/* The file --textfile DIR writes. */
#define METRICS_TEXTFILE "epgate.prom"

/*
 * What one run exposes.  Each later source (the resolver's staleness, a
 * pending rollback) adds its fields here and a section in metrics.c.
 */
struct metrics {
	bool loaded;			/* false: only epgate_module_loaded 0 */
	struct epgate_status st;	/* GET_STATUS: info, mode, table, globals */
	struct stats s;			/* profiles and flows (owned) */
};

/*
 * Fill @m from the module on @g (connected with status_connect()): the
 * status, the profiles and the flows of one generation, read again if a
 * load replaced the set meanwhile.  0 or a negative errno.
 */
int metrics_read(struct epgate_genl *g, struct metrics *m);
void metrics_free(struct metrics *m);

/* Every family, in a fixed order; @arg is a const struct metrics *. */
void metrics_print(FILE *f, const void *arg);

#endif
