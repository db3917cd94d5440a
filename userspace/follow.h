/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The enabled profiles that follow hostnames, compiled again: for
 * `refresh` (which then pushes what changed to the module and to the
 * nftables export) and `export nft` (which names the hostnames each set
 * follows).  Which profiles follow names is read from the module: every
 * profile whose arguments (its user data, as `enable` stored them) name a
 * hostname, directly or in a set file of sets.d.  Such a profile is
 * compiled again from its profile file, its arguments, sets.d as it is
 * now and the names' addresses in force (hosts.h, save_recompile()); the
 * sets of its flows then know the names they follow (flowlist.h).
 */
#ifndef EPGATE_FOLLOW_H
#define EPGATE_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flowset.h"
#include "hosts.h"

/* One profile's arguments compiled again, appended to @fl; names via @h. */
int follow_recompile(struct hosts *h, const struct flowset_profile *p,
		     struct flowlist *fl, char *err, size_t errlen);

/*
 * Which profiles of @fs follow names (follows[i] for fs->profiles[i]),
 * every name they name followed by @h and every other name forgotten.
 * A name met for the first time is due at once.  0 or -ENOMEM.
 */
int follow_collect(struct hosts *h, const struct flowset *fs, bool *follows);

/*
 * @out: @fs with the flows of every profile that follows names compiled
 * again with the addresses in force at @now, at the place its flows had.
 * A profile that cannot be compiled again keeps its flows as they are
 * (with a warning on stderr unless @quiet): never an empty role, never
 * an open one.  1 if a flow differs from @fs, 0 if not, or -ENOMEM.
 */
int follow_rebuild(struct hosts *h, const struct flowset *fs,
		   const bool *follows, int64_t now, struct flowset *out,
		   bool quiet);

/*
 * The hostnames each set of @fs (as read from the module, which keeps
 * none) follows, found as refresh finds them with the names state file
 * (hosts_state_load()) and given to the set (flowlist_set.hosts) through
 * the flow that uses it (same profile, name and protocol).  A profile
 * that cannot be compiled again leaves its sets as they are.  0, or
 * -errno with a one-line reason in @err (the state file unreadable).
 */
int follow_hosts(struct flowset *fs, char *err, size_t errlen);

#endif
