/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The followed hostnames as the commands use them: a names state
 * (names.h) that answers the parsers' lookups (flowlist.h: a role's or a
 * set file's hostname becomes its addresses in force, each /32 or /128),
 * and the state file under the run directory.
 *
 * A parse runs twice where names are new: once collecting (every hostname
 * met is followed, due at once, and looks empty), then the caller asks
 * DNS for the due names (refresh.c), then once for real, where a name
 * without an address in force is refused with its DNS status: never an
 * empty role, never an open one.
 */
#ifndef EPGATE_HOSTS_H
#define EPGATE_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flowlist.h"
#include "names.h"

#define HOSTS_RUN_DIR		"/run/epgate"
#define HOSTS_STATE_FILE	"names.state"

struct hosts {
	struct names ns;
	int64_t now;			/* of names_addrs() */
	bool collect;			/* follow names, answer empty */
	struct flowlist_set answer;	/* the last lookup's addresses */
	char (*seen)[HOSTNAME_MAX + 1];	/* names met since hosts_seen_clear */
	size_t nseen, seen_alloc;
	unsigned long lookups;		/* hosts_lookup() calls, ever */
};

void hosts_init(struct hosts *h, const struct names_params *p);
void hosts_free(struct hosts *h);

/* A flowlist_lookup_fn for hostnames (addrset_cache.hosts), ctx a hosts. */
int hosts_lookup(void *ctx, const char *name, const struct flowlist_set **out,
		 char *err, size_t errlen);

void hosts_seen_clear(struct hosts *h);
bool hosts_seen(const struct hosts *h, const char *name);

/* Stop following every name not met since hosts_seen_clear(). */
void hosts_forget_unseen(struct hosts *h);

/*
 * Ask DNS for @names[0..@n-1] (one batch; EPGATE_DNS_SERVER honoured) and
 * apply each answer at @now (refresh.c, which links c-ares).  1 if the
 * addresses in force changed, 0 if not, -errno with @err when nothing
 * could be asked.
 */
int hosts_resolve(struct hosts *h, const char *const *names, size_t n,
		  int64_t now, char *err, size_t errlen);

/* $EPGATE_RUN_DIR if set and not empty, else HOSTS_RUN_DIR. */
const char *hosts_run_dir(void);
/* The state file's path into @buf: RUN_DIR/names.state. */
const char *hosts_state_path(char *buf, size_t len);

/*
 * Read the state file into @ns (names_init()ed, its parameters kept).
 * No file: 0, @ns empty.  Else 0, or -errno with a one-line reason.
 */
int hosts_state_load(struct names *ns, char *err, size_t errlen);
/* Write it through a temporary file renamed over it (creating RUN_DIR). */
int hosts_state_write(const struct names *ns, char *err, size_t errlen);

#endif
