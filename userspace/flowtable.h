/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A flow list compiled into the module's own table (lib/table.c), the way
 * epgate.ko compiles a SET_FLOWS: one spec per flow in priority order, its
 * index as the rule id, EPGATE_RF_MONITOR for a monitored profile's flow.
 * So epg_table_match() and epgate_rules_monitored() answer here as the
 * hook answers in the kernel.
 */
#ifndef EPGATE_FLOWTABLE_H
#define EPGATE_FLOWTABLE_H

#include <stddef.h>
#include <epgate/table.h>

#include "flowlist.h"

/*
 * Build the table of @fl into *@t (free it with epg_table_free()).
 * Returns 0, -ENOMEM, or the builder's -EINVAL/-E2BIG with a one-line
 * reason in @err.
 */
int flowtable_build(const struct flowlist *fl, struct epg_table **t,
		    char *err, size_t errlen);

#endif
