// SPDX-License-Identifier: GPL-2.0
/*
 * The flow rules shared by every input format (see flowcheck.h).  The
 * messages are the profile language's, which was the strictest of the
 * parsers when they were merged.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/epgate.h>

#include "flowcheck.h"

const char *flowcheck_quote(char out[FLOWCHECK_QUOTE_BUF], const char *s,
			    size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && i < FLOWCHECK_QUOTE_MAX; i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f)
			out[o++] = c;
		else
			o += sprintf(out + o, "\\x%02x", c);
	}
	if (i < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

__attribute__((format(printf, 3, 4)))
static int fail(struct flowcheck_error *err, size_t off, const char *fmt, ...)
{
	va_list ap;

	err->off = off;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (!first && (c == '-' || c == '_'));
}

bool flowcheck_name_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || len > EPGATE_NAME_MAX - 1)
		return false;
	for (i = 0; i < len; i++) {
		if (!name_char(s[i], !i))
			return false;
	}
	return true;
}

int flowcheck_name(const char *what, const char *s, size_t len,
		   struct flowcheck_error *err)
{
	char q0[FLOWCHECK_QUOTE_BUF], q1[FLOWCHECK_QUOTE_BUF];
	size_t i;

	if (!len)
		return fail(err, 0, "empty %s name", what);
	if (len > EPGATE_NAME_MAX - 1)
		return fail(err, 0, "%s name '%s' is longer than %d characters",
			    what, flowcheck_quote(q0, s, len),
			    EPGATE_NAME_MAX - 1);
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (name_char(c, !i))
			continue;
		if (!i && (c == '-' || c == '_'))
			return fail(err, 0,
				    "%s name '%s' must start with a letter or a digit",
				    what, flowcheck_quote(q0, s, len));
		return fail(err, i,
			    "%s name '%s' has a bad character '%s' (allowed: a-z 0-9 - _)",
			    what, flowcheck_quote(q0, s, len),
			    flowcheck_quote(q1, s + i, 1));
	}
	return 0;
}

/* Decimal 1..65535, at most 5 digits so that nothing overflows. */
static int parse_port(const char *s, size_t len, size_t off, uint16_t *port,
		      struct flowcheck_error *err)
{
	char q0[FLOWCHECK_QUOTE_BUF];
	unsigned long v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(err, off, "bad port '%s'",
				    flowcheck_quote(q0, s, len));
	}
	if (len > 5)
		goto range;
	for (i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	if (v < 1 || v > 65535)
		goto range;
	*port = v;
	return 0;
range:
	return fail(err, off, "port %s out of range 1..65535",
		    flowcheck_quote(q0, s, len));
}

/* One element of a port list: P or LO-HI, at @off in the list. */
static int parse_range(const char *s, size_t len, size_t off,
		       struct flowlist_range *r, struct flowcheck_error *err)
{
	const char *dash = memchr(s, '-', len);
	char q0[FLOWCHECK_QUOTE_BUF];
	size_t lolen;
	int ret;

	if (!dash) {
		ret = parse_port(s, len, off, &r->lo, err);
		r->hi = r->lo;
		return ret;
	}
	lolen = dash - s;
	if (!lolen || lolen == len - 1)
		return fail(err, off, "bad port range '%s'",
			    flowcheck_quote(q0, s, len));
	ret = parse_port(s, lolen, off, &r->lo, err);
	if (!ret)
		ret = parse_port(dash + 1, len - lolen - 1, off + lolen + 1,
				 &r->hi, err);
	if (ret)
		return ret;
	if (r->lo > r->hi)
		return fail(err, off, "port range '%s' is reversed (%u > %u)",
			    flowcheck_quote(q0, s, len), r->lo, r->hi);
	return 0;
}

int flowcheck_ports(const char *s, size_t len, struct flowlist_range *ranges,
		    uint16_t *nranges, struct flowcheck_error *err)
{
	char q0[FLOWCHECK_QUOTE_BUF], q1[FLOWCHECK_QUOTE_BUF];
	size_t off = 0;
	uint16_t n = 0, k;
	int ret;

	for (;;) {
		const char *comma = memchr(s + off, ',', len - off);
		size_t elen = comma ? (size_t)(comma - s) - off : len - off;
		struct flowlist_range *r = &ranges[n];

		/* "80, 443" is split in two words: the first ends in ','. */
		if (!elen)
			return fail(err, off, "empty port in '%s'%s",
				    flowcheck_quote(q0, s, len),
				    off == len ? " (no spaces inside a port list)" : "");
		if (n == EPGATE_MAX_RANGES)
			return fail(err, off,
				    "too many port ranges at '%s' (at most %d per flow)",
				    flowcheck_quote(q0, s + off, elen),
				    EPGATE_MAX_RANGES);
		ret = parse_range(s + off, elen, off, r, err);
		if (ret)
			return ret;
		for (k = 0; k < n; k++) {
			if (r->lo <= ranges[k].hi && ranges[k].lo <= r->hi)
				return fail(err, off,
					    "ports '%s' overlap an earlier element of '%s'",
					    flowcheck_quote(q0, s + off, elen),
					    flowcheck_quote(q1, s, len));
		}
		n++;
		if (!comma)
			break;
		off += elen + 1;
	}
	*nranges = n;
	return 0;
}

bool flowcheck_bom(const char *s, size_t len)
{
	return len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3);
}

bool flowcheck_families(const struct flowlist_prefix *a,
			const struct flowlist_prefix *b)
{
	return !a->family || !b->family || a->family == b->family;
}
