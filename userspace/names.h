/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The followed hostnames: for each, the addresses in force and when to
 * ask DNS again.  Pure (no I/O, no clock: @now is passed in, Unix seconds)
 * so that every rule is tested with a fake clock; `epgate refresh` and its
 * daemon do the asking (resolve.h) and the pushing.  The rules, which
 * Documentation/hostnames.md states for the admin:
 *
 *   - An answer (resolve.h) with status OK replaces the name's answer
 *     addresses.  Each address keeps until its own TTL (clamped to
 *     [ttl_min, ttl_max]); the name is asked again at now + the answer's
 *     smallest TTL, clamped the same way.
 *   - An address that leaves the answer stays in force (it is "leaving")
 *     until the later of now + grace and its TTL expiry as last seen, so
 *     that connections in flight and clients still holding the old answer
 *     survive a rotation; then it goes.  An address that comes back is
 *     current again.
 *   - Any other answer (NXDOMAIN, NODATA, SERVFAIL, TIMEOUT, ERROR)
 *     removes nothing and starts nothing leaving: the name keeps its last
 *     good addresses, counts a failure and is asked again after
 *     ttl_min * 2^(failures - 1) seconds, at most retry_max.
 *   - At most NAMES_ADDRS_MAX addresses are in force per name: the
 *     answer's come first, the lowest in (family, address) order (IPv4
 *     before IPv6), then leaving ones, lowest first, in what room is left;
 *     what does not fit is dropped and the name is flagged truncated.
 *   - A name never answered OK has no addresses: the caller must refuse to
 *     bind a role to it (never an empty role, never an open one).
 *   - Stale: the last good answer's TTL (the clamped one that set the
 *     refresh) has run out without a newer good answer.
 *   - Times are wall-clock seconds so that the state file keeps its
 *     meaning across runs; a deadline further ahead than any rule could
 *     have set (the clock was stepped back) is brought back to now.
 *
 * Addresses of a name are kept sorted by (family, address), no duplicate.
 */
#ifndef EPGATE_NAMES_H
#define EPGATE_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hostname.h"
#include "resolve.h"

#define NAMES_TTL_MIN	5	/* s: no name is asked more often */
#define NAMES_TTL_MAX	3600	/* s: nor less often, whatever its TTL */
#define NAMES_GRACE	300	/* s: a leaving address stays at least this */
#define NAMES_RETRY_MAX	300	/* s: longest wait after failures */
#define NAMES_ADDRS_MAX	64	/* addresses in force per name */
#define NAMES_MAX	1024	/* followed names (the state file's bound) */

struct names_params {
	uint32_t ttl_min;	/* 1 <= ttl_min <= ttl_max */
	uint32_t ttl_max;
	uint32_t grace;
	uint32_t retry_max;	/* ttl_min <= retry_max <= ttl_max */
};

struct names_addr {
	uint8_t family;		/* AF_INET (addr[0..3], rest zero) or AF_INET6 */
	uint8_t addr[16];
	int64_t expires;	/* its TTL (clamped) runs out */
	int64_t leaving;	/* 0: in the last good answer; else goes then */
};

struct names_entry {
	char name[HOSTNAME_MAX + 1];	/* lower case */
	struct names_addr *addrs;	/* in force, sorted */
	size_t naddrs;
	int64_t good;		/* last good answer, 0: never */
	int64_t good_until;	/* good + its smallest TTL, clamped */
	int64_t tried;		/* last answer of any kind, 0: never */
	int64_t next;		/* ask again then (0: at once) */
	uint32_t failures;	/* consecutive */
	enum resolve_status status;	/* of the last answer */
	char error[RESOLVE_ERROR_MAX];	/* of the last answer, "" if OK */
	bool truncated;		/* the cap dropped addresses at the last answer */
};

struct names {
	struct names_params p;
	struct names_entry *v;	/* sorted by name */
	size_t n;
	size_t alloc;
};

/* Defaults: NAMES_TTL_MIN, NAMES_TTL_MAX, NAMES_GRACE, NAMES_RETRY_MAX. */
void names_params_default(struct names_params *p);
/* 0 or -EINVAL with a one-line reason in @why (the daemon's flags). */
int names_params_check(const struct names_params *p, char *why, size_t len);

/* @p NULL: the defaults.  @p must pass names_params_check(). */
void names_init(struct names *ns, const struct names_params *p);
void names_free(struct names *ns);

/*
 * Follow @name (any case; lower-cased): due at once, no addresses.
 * 0 (also when already followed), -EINVAL (not a hostname, hostname.h),
 * -ENOSPC (NAMES_MAX names) or -ENOMEM.
 */
int names_add(struct names *ns, const char *name);
/* Stop following @name.  0 or -ENOENT. */
int names_remove(struct names *ns, const char *name);
const struct names_entry *names_get(const struct names *ns, const char *name);

/*
 * The names to ask now (next <= now), in name order, into @out (room for
 * ns->n); pointers into @ns, valid until it changes.  Returns how many.
 */
size_t names_due(struct names *ns, int64_t now, const char **out);

/*
 * Take @a, the answer for @name received at @now.  Returns 1 if the
 * addresses in force changed (added, removed), 0 if not, -ENOENT for a
 * name not followed, -ENOMEM (nothing changed).  Leaving addresses whose
 * time is up go too.
 */
int names_apply(struct names *ns, const char *name,
		const struct resolve_answer *a, int64_t now);

/* Drop every leaving address whose time is up.  1 if any went, else 0. */
int names_expire(struct names *ns, int64_t now);

/*
 * The addresses of @name in force at @now, at most @max into @out,
 * sorted.  Returns how many there are (may exceed @max), 0 for a name
 * never resolved or not followed.
 */
size_t names_addrs(const struct names *ns, const char *name, int64_t now,
		   struct names_addr *out, size_t max);

/* The earliest refresh or leaving deadline (the daemon's wake-up);
 * INT64_MAX when there is none. */
int64_t names_next(const struct names *ns);

bool names_stale(const struct names_entry *e, int64_t now);

/*
 * Seed @name with @n addresses (`epgate restore`: the addresses a save
 * file kept for it, which it puts in force without asking DNS), unless
 * the name already has addresses: as a good answer at @now - 1 whose TTL
 * ran out at @now.  The name is then stale and due at once, and the
 * addresses are its last good ones: a failure keeps them, a new answer
 * makes those it lacks leave with their grace, as for any answer.  Only
 * the family and address of @addrs are read; duplicates collapse.
 * 1 seeded, 0 left as it was, -EINVAL (not a hostname, no address, more
 * than NAMES_ADDRS_MAX, a family other than AF_INET and AF_INET6, @now
 * below 2), -ENOSPC (NAMES_MAX names) or -ENOMEM.
 */
int names_seed(struct names *ns, const char *name,
	       const struct names_addr *addrs, size_t n, int64_t now);

/*
 * The state file, written by the daemon (atomically, under /run/epgate/)
 * for `status`, read back by a one-shot `refresh` to keep leaving
 * addresses across runs.  Line-oriented, every field required:
 *
 *   epgate-names 1
 *   name NAME good T until T tried T next T failures N status S truncated 0|1
 *   error TEXT                       (optional, after its name line)
 *   addr ADDR expires T leaving T    (0..NAMES_ADDRS_MAX, sorted)
 *   end NAMES
 *
 * T are decimal seconds (0 = never), ADDR in inet_ntop's form.
 */
int names_write(const struct names *ns, FILE *f);
/*
 * Parse @len bytes of @buf (from @file, for messages) into @ns, which
 * names_init() prepared (its parameters are kept).  0, or -EINVAL with
 * "FILE:LINE: reason" in @err and @ns emptied, or -ENOMEM.
 */
int names_parse(struct names *ns, const char *file, const char *buf,
		size_t len, char *err, size_t errlen);

#endif
