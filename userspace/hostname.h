/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What epgate takes as a hostname to follow (`ROLE=host.example.com`, a
 * hostname inside a set): an absolute DNS name of letters, digits and
 * hyphens (RFC 1123), so that what is written is what is asked of DNS.
 *
 *   - 1 to HOSTNAME_MAX (253) characters, labels of 1 to 63 characters
 *     separated by single dots, each of a-z A-Z 0-9 and '-', not starting
 *     or ending with '-';
 *   - at least two labels: a single label would go through the
 *     resolver's search list, and the answer would depend on the host;
 *   - no trailing dot (every name is absolute already: one spelling per
 *     name); the last label not all digits (RFC 3696), which also keeps
 *     an IPv4 address or a mistyped one (10.0.0.256) from being taken
 *     for a name;
 *   - case is not significant: hostname_lower() gives the form names
 *     are kept and compared in.
 *
 * Pure, on (pointer, length) slices like flowcheck.h: parsers of sets and
 * bindings call it on a token and make their FILE:LINE:COL from @off.
 */
#ifndef EPGATE_HOSTNAME_H
#define EPGATE_HOSTNAME_H

#include <stdbool.h>
#include <stddef.h>

#define HOSTNAME_MAX		253
#define HOSTNAME_LABEL_MAX	63

/*
 * Is @s (@len bytes) a hostname by the rules above?  If not, @why (of
 * @whylen bytes, may be NULL) gets a one-line reason without the name in
 * it (the caller quotes its token) and *@off (may be NULL) the byte
 * offset in @s the reason is about.
 */
bool hostname_valid(const char *s, size_t len, size_t *off, char *why,
		    size_t whylen);

/*
 * @len bytes of @s, lower-cased, NUL-terminated into @out (at least
 * HOSTNAME_MAX + 1 bytes).  Only for a name hostname_valid() accepted.
 */
void hostname_lower(char *out, const char *s, size_t len);

/*
 * In @n records of @size bytes at @base, sorted by the hostname they begin
 * with (a char array at offset 0, strcmp order), the index of @name, or
 * where it would go (*@found false).
 */
size_t hostname_find(const void *base, size_t n, size_t size,
		     const char *name, bool *found);

#endif
