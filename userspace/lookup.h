/* SPDX-License-Identifier: GPL-2.0 */
/*
 * epgate lookup: the verdict word, apart so that it can be unit tested
 * (tests/test_lookup.c) on tables built by flowtable_build().
 */
#ifndef EPGATE_LOOKUP_H
#define EPGATE_LOOKUP_H

#include <stdbool.h>
#include <stdint.h>
#include <epgate/table.h>

/*
 * "allow", "drop", "would-drop" or "pass" for a packet to a port whose
 * rules are @rules[0..@n) in global @mode; @addrs: addresses were given and
 * @match is the rule epg_table_match() found (NULL: none).
 */
const char *lookup_verdict(uint8_t mode, const struct epg_rule *rules,
			   unsigned int n, const struct epg_rule *match,
			   bool addrs);

#endif
