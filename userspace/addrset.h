/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named address sets: /etc/epgate/sets.d/NAME.set ($EPGATE_SETS_DIR
 * instead when set, for tests and staging), one prefix per line:
 *
 *   # the head office
 *   10.1.0.0/16
 *   fd00:1::/48        # IPv6 and IPv4 mixed
 *   192.0.2.7
 *
 * `#` starts a comment, blank lines are ignored, duplicates collapse.
 * Prefixes are read by the flow list's own lexer and prefix parser
 * (flowlist.h), so they follow the rules of every other format (host bits
 * zero, no `any`).  A line may also be a hostname (hostname.h) where
 * the caller follows names (addrset_cache.hosts): the set then holds the
 * name's addresses in force, each /32 or /128, beside its prefixes.  A
 * role names a set as `ROLE=@NAME`, alone or among prefixes
 * (`agent=@lan,10.9.0.0/16`).
 */
#ifndef EPGATE_ADDRSET_H
#define EPGATE_ADDRSET_H

#include <stdbool.h>
#include <stddef.h>

#include "flowlist.h"

#define ADDRSET_DEFAULT_DIR	"/etc/epgate/sets.d"

/* $EPGATE_SETS_DIR if set and not empty, else ADDRSET_DEFAULT_DIR. */
const char *addrset_dir(void);

/*
 * Parse @len bytes of @buf, the set @name read from @file (for messages)
 * into @out (zeroed or freed; @out->name = @name).  Pure.  0; -EINVAL
 * with "FILE:LINE: message" (or "FILE: message" for an empty set) in
 * @err and @out empty; or -ENOMEM.
 */
int addrset_parse(const char *file, const char *name, const char *buf,
		  size_t len, struct flowlist_set *out, char *err,
		  size_t errlen);
/*
 * The same, a hostname line's addresses found with @hosts (a
 * flowlist_lookup_fn asked for the name, flowlist.h; NULL: hostnames are
 * refused).  A set of hostnames whose lookup gave no address is not
 * refused as empty here: the lookup refuses what it cannot bind.
 */
int addrset_parse_hosts(const char *file, const char *name, const char *buf,
			size_t len, struct flowlist_set *out, char *err,
			size_t errlen, flowlist_lookup_fn hosts, void *ctx);

/*
 * Load set @name from addrset_dir().  A bad name, a missing file
 * ("unknown set 'x' (no DIR/x.set)") and the parser's errors are -EINVAL,
 * other read errors -errno, each with a one-line reason in @err.
 */
int addrset_load(const char *name, struct flowlist_set *out, char *err,
		 size_t errlen);

/*
 * A flowlist_lookup_fn: @NAME from @first's named sets when it has one of
 * that name (the module's sets for `save`, a save file's `set` lines for
 * `restore`), else from addrset_dir(), each file read once.
 */
struct addrset_cache {
	const struct flowlist *first;	/* may be NULL */
	bool first_only;		/* no addrset_dir(): @first or unknown */
	struct flowlist loaded;		/* sets read from files */
	/*
	 * Hostnames (in a role or a set file): their addresses, e.g.
	 * hosts_lookup() (hosts.h).  NULL: refused ("not supported here").
	 */
	flowlist_lookup_fn hosts;
	void *hosts_ctx;
};
int addrset_lookup(void *cache, const char *name,
		   const struct flowlist_set **out, char *err, size_t errlen);
void addrset_cache_free(struct addrset_cache *c);

#endif
