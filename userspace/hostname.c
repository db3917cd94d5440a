// SPDX-License-Identifier: GPL-2.0
/*
 * The hostname rules of hostname.h.  One pass over the bytes; the first
 * problem found is the one reported, at its offset.
 */

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hostname.h"

__attribute__((format(printf, 5, 6)))
static bool bad(size_t *off, size_t at, char *why, size_t whylen,
		const char *fmt, ...)
{
	va_list ap;

	if (off)
		*off = at;
	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return false;
}

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static bool looks_like_ipv6(const char *s, size_t len)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned char addr[16];

	if (len >= sizeof(buf) || !memchr(s, ':', len))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, addr) == 1;
}

bool hostname_valid(const char *s, size_t len, size_t *off, char *why,
		    size_t whylen)
{
	size_t i, start = 0, labels = 0;
	bool digits = true;

	if (!len)
		return bad(off, 0, why, whylen, "empty hostname");
	if (looks_like_ipv6(s, len))
		return bad(off, 0, why, whylen,
			   "an IPv6 address, not a hostname");
	if (len > HOSTNAME_MAX)
		return bad(off, HOSTNAME_MAX, why, whylen,
			   "hostname longer than %d characters", HOSTNAME_MAX);

	for (i = 0; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)s[i] : '.';

		if (c == '.') {
			size_t llen = i - start;

			if (!llen) {
				if (i == len)
					return bad(off, i - 1, why, whylen,
						   "trailing dot (write the name without it)");
				return bad(off, i, why, whylen,
					   i ? "empty label (two dots)" :
					       "empty label (leading dot)");
			}
			if (llen > HOSTNAME_LABEL_MAX)
				return bad(off, start, why, whylen,
					   "label longer than %d characters",
					   HOSTNAME_LABEL_MAX);
			if (s[start] == '-')
				return bad(off, start, why, whylen,
					   "label starts with '-'");
			if (s[i - 1] == '-')
				return bad(off, i - 1, why, whylen,
					   "label ends with '-'");
			labels++;
			if (i < len) {
				start = i + 1;
				digits = true;
			}
			continue;
		}
		if (c == '-' || is_alnum(c)) {
			if (c < '0' || c > '9')
				digits = false;
			continue;
		}
		if (c >= 0x21 && c < 0x7f)
			return bad(off, i, why, whylen,
				   "bad character '%c' (a-z, 0-9, '-' and dots)", c);
		return bad(off, i, why, whylen,
			   "bad character \\x%02x (a-z, 0-9, '-' and dots)", c);
	}
	if (labels < 2)
		return bad(off, 0, why, whylen,
			   "not a fully qualified name (no dot)");
	if (digits) {
		char buf[INET_ADDRSTRLEN];
		unsigned char addr[4];

		if (len < sizeof(buf)) {
			memcpy(buf, s, len);
			buf[len] = '\0';
			if (inet_pton(AF_INET, buf, addr) == 1)
				return bad(off, 0, why, whylen,
					   "an IPv4 address, not a hostname");
		}
		return bad(off, start, why, whylen,
			   "last label is all digits (not a hostname)");
	}
	return true;
}

void hostname_lower(char *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < HOSTNAME_MAX; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i];
	out[i] = '\0';
}

size_t hostname_find(const void *base, size_t n, size_t size,
		     const char *name, bool *found)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp((const char *)base + mid * size, name);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}
