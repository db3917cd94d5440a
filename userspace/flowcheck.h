/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rules every flow obeys, whatever it comes from: a profile, an
 * override file, a flow list (`epgate load`), the `flow` lines of a save
 * file, or a profile compiled with the admin's bindings.  One copy, so
 * that the formats cannot drift apart again (the flow list once took port
 * 0, upper-case names and `80,80`, which profiles refuse):
 *
 *   - a name (profile, flow, role, option) is 1 to EPGATE_NAME_MAX - 1
 *     characters of a-z 0-9 - _, starting with a letter or a digit;
 *   - a port is decimal 1..65535; a port list is 1..EPGATE_MAX_RANGES
 *     comma-separated elements P or LO-HI with LO <= HI, none overlapping
 *     another (so `80,80` and `80,70-90` are errors);
 *   - the two ends of a flow are of one address family, or either is any.
 *
 * Pure functions on (pointer, length) slices: an error is a message and
 * the byte offset in the checked text it is about, from which each parser
 * makes its own LINE:COL.
 */
#ifndef EPGATE_FLOWCHECK_H
#define EPGATE_FLOWCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flowlist.h"

/* Quoted text is cut here so that an error stays one readable line. */
#define FLOWCHECK_QUOTE_MAX	40
#define FLOWCHECK_QUOTE_BUF	(FLOWCHECK_QUOTE_MAX * 4 + 8)

struct flowcheck_error {
	size_t off;		/* in the checked text, 0-based */
	char msg[256];
};

/*
 * Printable form of @len bytes of @s for a message: non-printable bytes as
 * \xNN, more than FLOWCHECK_QUOTE_MAX cut with "...".  Returns @out.
 */
const char *flowcheck_quote(char out[FLOWCHECK_QUOTE_BUF], const char *s,
			    size_t len);

/* Is @s (@len bytes) a valid name? */
bool flowcheck_name_ok(const char *s, size_t len);

/*
 * Check the name @s (@len bytes); @what says whose ("profile", "flow",
 * ...) in the message.  0 or -EINVAL with @err set.
 */
int flowcheck_name(const char *what, const char *s, size_t len,
		   struct flowcheck_error *err);

/*
 * Parse the port list @s (@len bytes) into @ranges (EPGATE_MAX_RANGES
 * slots) and *@nranges, in the order written.  0 or -EINVAL with @err set.
 */
int flowcheck_ports(const char *s, size_t len, struct flowlist_range *ranges,
		    uint16_t *nranges, struct flowcheck_error *err);

/*
 * Does @s (@len bytes, a file's first line) start with a UTF-8 byte order
 * mark?  Every parser refuses it with FLOWCHECK_BOM_MSG at 1:1 rather
 * than quote three odd bytes glued to the first word.
 */
bool flowcheck_bom(const char *s, size_t len);
#define FLOWCHECK_BOM_MSG \
	"the file starts with a UTF-8 byte order mark (BOM, bytes EF BB BF): save it as UTF-8 without BOM"

/* Can a flow from @a to @b match a packet: one family, or either any? */
bool flowcheck_families(const struct flowlist_prefix *a,
			const struct flowlist_prefix *b);

#endif
