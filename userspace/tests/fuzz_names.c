// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the followed-names state file (names_parse) and
 * the hostname rules (hostname_valid), `make fuzz`, needs clang.  The
 * first byte picks the target (even: the state file, odd: a hostname),
 * so that one corpus serves both.  Invariants beyond the sanitizers':
 *
 *   - a refused file: one line "fuzz.state:LINE: ...", nothing kept;
 *   - an accepted file is the one spelling names_write() gives: written
 *     back, it is the same bytes; every name valid and lower case, every
 *     name's addresses sorted and within the cap; the state machine then
 *     runs on it (an answer, a failure, expiry) without tripping;
 *   - a hostname: valid ones are 1..253 bytes of a-z A-Z 0-9 - . with a
 *     dot, not an address, and names_add() takes them; refused ones have
 *     a reason and an offset inside the text.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hostname.h"
#include "names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1700000000LL

static void state(const char *buf, size_t len)
{
	struct resolve_addr ra[2] = {
		{ .family = AF_INET, .addr = { 10, 0, 0, 1 }, .ttl = 7 },
		{ .family = AF_INET6, .addr = { 0xfd }, .ttl = 0 },
	};
	struct resolve_answer ok = { .status = RESOLVE_OK, .addrs = ra, .naddrs = 2 };
	struct resolve_answer bad = { .status = RESOLVE_TIMEOUT, .error = "x" };
	struct names ns;
	char err[512], *text = NULL;
	const char **due;
	size_t tlen = 0, i, k;
	FILE *f;

	names_init(&ns, NULL);
	if (names_parse(&ns, "fuzz.state", buf, len, err, sizeof(err))) {
		if (strncmp(err, "fuzz.state:", 11) || strchr(err, '\n') ||
		    ns.n || ns.v)
			abort();
		return;
	}
	for (i = 0; i < ns.n; i++) {
		const struct names_entry *e = &ns.v[i];

		if (!hostname_valid(e->name, strlen(e->name), NULL, NULL, 0) ||
		    e->naddrs > NAMES_ADDRS_MAX || (i && strcmp(ns.v[i - 1].name, e->name) >= 0))
			abort();
		for (k = 1; k < e->naddrs; k++)
			if (e->addrs[k - 1].family > e->addrs[k].family ||
			    (e->addrs[k - 1].family == e->addrs[k].family &&
			     memcmp(e->addrs[k - 1].addr, e->addrs[k].addr, 16) >= 0))
				abort();
	}
	f = open_memstream(&text, &tlen);
	if (!f || names_write(&ns, f))
		abort();
	fclose(f);
	if (tlen != len || memcmp(text, buf, len))
		abort();
	free(text);

	due = calloc(ns.n ? ns.n : 1, sizeof(*due));
	if (!due)
		abort();
	names_due(&ns, NOW, due);
	if (ns.n) {
		char name[HOSTNAME_MAX + 1];

		snprintf(name, sizeof(name), "%s", ns.v[0].name);
		if (names_apply(&ns, name, &bad, NOW) < 0 ||
		    names_apply(&ns, name, &ok, NOW) < 0 ||
		    ns.v[0].naddrs > NAMES_ADDRS_MAX)
			abort();
	}
	names_expire(&ns, NOW + 1000);
	names_next(&ns);
	free(due);
	names_free(&ns);
}

static void hostname(const char *s, size_t len)
{
	char why[128], *copy;
	struct names ns;
	size_t off = (size_t)-1, i;

	why[0] = '\0';
	if (!hostname_valid(s, len, &off, why, sizeof(why))) {
		if (!why[0] || off > len || strchr(why, '\n'))
			abort();
		return;
	}
	if (!len || len > HOSTNAME_MAX || !memchr(s, '.', len))
		abort();
	for (i = 0; i < len; i++)
		if (!(s[i] == '.' || s[i] == '-' || (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			abort();
	copy = strndup(s, len);
	if (!copy)
		abort();
	names_init(&ns, NULL);
	if (names_add(&ns, copy) || ns.n != 1 || strcasecmp(ns.v[0].name, copy))
		abort();
	names_free(&ns);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		hostname((const char *)data + 1, size - 1);
	else
		state((const char *)data + 1, size - 1);
	return 0;
}
