/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the hook makes of a table rule's flags when no flow matched a
 * connection.  Shared with userspace like table.h, so that the tool's
 * lock-out guard (userspace/guard.c) decides as epgate.ko does.
 */
#ifndef _EPGATE_VERDICT_H
#define _EPGATE_VERDICT_H

#include <epgate/table.h>

/* Flags of a table rule (struct epg_rule.flags). */
#define EPGATE_RF_MONITOR	0x01	/* the flow's profile is in monitor */

/*
 * No flow matched: does enforce drop?  Not when every rule of the port is
 * a monitored profile's (their bindings excluded the packet; a monitored
 * profile only counts what it would drop).  n = 0: no flow uses the port.
 */
static inline bool epgate_rules_monitored(const struct epg_rule *rules,
					  unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!(rules[i].flags & EPGATE_RF_MONITOR))
			return false;
	}
	return n;
}

#endif /* _EPGATE_VERDICT_H */
