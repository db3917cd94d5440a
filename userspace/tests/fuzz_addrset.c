// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the set-file parser and of a role's comma list
 * (`make fuzz`, needs clang).  Invariants beyond the sanitizers': an error
 * is one "x.set:..." line and leaves no set; a parsed set has 1 to
 * EPGATE_MAX_PREFIXES prefixes, none twice, each of a family with its
 * length in range and no host bit; the same bytes as a role parse to a
 * prefix or a set that obeys the same rules.
 */

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addrset.h"

static void check_prefix(const struct flowlist_prefix *p)
{
	unsigned int max = p->family == AF_INET ? 32 : 128, i;

	if ((p->family != AF_INET && p->family != AF_INET6) || p->len > max)
		abort();
	for (i = p->len; i < max; i++) {
		if (p->addr[i / 8] & (0x80 >> (i % 8)))
			abort();
	}
}

static void check_set(const struct flowlist_set *s)
{
	uint32_t i, k;

	if (!s->n || s->n > EPGATE_MAX_PREFIXES)
		abort();
	for (i = 0; i < s->n; i++) {
		check_prefix(&s->prefixes[i]);
		for (k = 0; k < i && s->n < 512; k++) {
			if (!memcmp(&s->prefixes[k], &s->prefixes[i],
				    sizeof(s->prefixes[i])))
				abort();
		}
	}
}

/* @NAME found, as a fixed two-prefix set. */
static int lookup(void *ctx, const char *name, const struct flowlist_set **out,
		  char *err, size_t errlen)
{
	(void)name;
	(void)err;
	(void)errlen;
	*out = ctx;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flowlist_prefix two[2] = {
		{ .family = AF_INET, .len = 8, .addr = { 10 } },
		{ .family = AF_INET6, .len = 16, .addr = { 0xfd } },
	};
	struct flowlist_set named = { .name = "n", .n = 2, .prefixes = two };
	struct flowlist fl = { 0 };
	struct flowlist_error fe;
	struct flowlist_prefix p;
	struct flowlist_set s;
	char err[512];
	uint32_t ref;

	if (addrset_parse("x.set", "x", (const char *)data, size, &s, err,
			  sizeof(err))) {
		if (strncmp(err, "x.set:", 6) || strchr(err, '\n') || s.n ||
		    s.prefixes)
			abort();
	} else {
		check_set(&s);
		flowlist_set_free(&s);
	}

	if (flowlist_parse_role((const char *)data, size, &fl, &p, &ref,
				lookup, &named, &fe)) {
		if (!fe.msg[0] || fl.nsets)
			abort();
	} else if (ref) {
		check_set(flowlist_set_of(&fl, ref));
	} else if (p.family) {
		check_prefix(&p);
	}
	flowlist_free(&fl);
	return 0;
}
