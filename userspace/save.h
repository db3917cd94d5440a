/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `epgate save` and `epgate restore`: the module's state as a small
 * line-oriented text file (default /etc/epgate/epgate.conf).  The format
 * is documented in the header save_write() puts at the top of every file:
 *
 *   mode off|monitor|enforce
 *   config hooks H[,H...] in IF[,IF...]|any out IF[,IF...]|any
 *          mark VALUE/MASK|none log off|kernel|nflog G|kernel,nflog G
 *   set NAME PREFIX
 *   host HOSTNAME ADDRESS
 *   enable PROFILE [ROLE=A[,B...]...] [--with OPTION[,OPTION...]]... [--monitor]
 *   flow PROFILE FLOW tcp|udp PORTS FROM TO [monitor]
 *
 * `set` lines give the named address sets the flows refer to, one prefix
 * a line, so that the file restores the module's sets whatever
 * /etc/epgate/sets.d holds by then: `@NAME` in an `enable` or `flow` line
 * is the file's set NAME when it has one, else sets.d's.
 *
 * `host` lines give the addresses a hostname had in force when the file
 * was saved, one address a line: a hostname in an `enable` line is bound
 * to the file's addresses for it (restore never asks DNS: at boot it is
 * often not up), and refused without a `host` line.  The profile keeps
 * its arguments, so `epgate refresh` follows the name from there, as
 * after `epgate enable`.  Hostnames stay refused in `flow` lines.
 *
 * `config` takes the words of `epgate config`, `enable` those of `epgate
 * enable` for ONE profile, `flow` one line of `epgate load` (the flows of
 * a profile that has no profile file, or whose file no longer compiles to
 * what the module has).  `#` starts a comment.  Each statement at most
 * once per profile; `mode` and `config` at most once.
 *
 * The last line is the trailer save_write() appends:
 *
 *   # epgate-save v1 sha256=HEX
 *
 * HEX is the SHA-256 of every byte before that line (`head -n -1 FILE |
 * sha256sum` prints it).  A file whose trailer is missing, malformed or
 * does not match, and an empty file, are refused as "truncated or
 * modified" unless SAVE_UNCHECKED (a hand-written file: then only the
 * statements are checked).  Older parsers read the trailer as a comment.
 *
 * The parser is pure apart from loading the named profiles from the
 * profile path: a buffer in, the flow set and configuration to apply (or
 * one "FILE:LINE: message") out.
 */
#ifndef EPGATE_SAVE_H
#define EPGATE_SAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "flowset.h"
#include "hostname.h"
#include "status.h"

#define SAVE_DEFAULT_FILE	"/etc/epgate/epgate.conf"
#define SAVE_TRAILER		"# epgate-save v1 sha256="

/* save_parse() flags. */
#define SAVE_UNCHECKED		(1U << 0)	/* no trailer needed or checked */

/* The `host` lines of one hostname. */
struct save_host {
	char name[HOSTNAME_MAX + 1];	/* lower case */
	struct flowlist_set addrs;	/* /32 and /128, no duplicate */
	unsigned int line;		/* its first `host` line */
	bool used;			/* an `enable` line names it */
};

struct saveconf {
	/* CONFIG_MODE and the CONFIG_* of the `config` line, as parsed. */
	struct epgate_config cfg;
	/* Every enabled profile and its flows, in file order. */
	struct flowset fs;
	/* The hostnames of the `host` lines, in name order. */
	struct save_host *hosts;
	size_t nhosts;
};

/*
 * Parse @len bytes of @buf read from @file into @sc (zeroed or freed).
 * Unless @flags has SAVE_UNCHECKED the trailer is checked first.  Returns
 * 0, or -EINVAL with "FILE:LINE: message" (or "FILE: truncated or
 * modified; ...") in @err and @sc empty, or -ENOMEM.
 */
int save_parse(const char *file, const char *buf, size_t len,
	       unsigned int flags, struct saveconf *sc, char *err,
	       size_t errlen);

/*
 * The trailer check alone: 0 when @buf ends with a trailer that matches
 * the bytes before it, else -EINVAL with "FILE: truncated or modified;
 * ..." in @err.  An empty buffer is refused whatever @flags say.
 */
int save_check(const char *file, const char *buf, size_t len,
	       unsigned int flags, char *err, size_t errlen);
void save_free(struct saveconf *sc);

/*
 * Write the file for the state @st (mode and config) and the set @fs,
 * trailer included.  A
 * profile whose user data compiles, with its profile file, to exactly the
 * flows the module has is an `enable` line; any other is written as `flow`
 * lines, with a warning on @warn when a profile file exists but differs.
 * A hostname in the user data takes every address the names state @ns
 * holds for it (hosts.h: what enable and refresh put in force; NULL: no
 * state) and gets `host` lines; a profile whose hostnames are not all in
 * @ns, or whose flows differ with their addresses, is written as flows.
 * Returns 0 or -ENOMEM.
 */
struct names;
int save_write(FILE *f, const struct epgate_status *st,
	       const struct flowset *fs, const struct names *ns, FILE *warn);

/*
 * Seed @ns (names.h: names_seed() at @now) with the addresses of every
 * hostname of @sc's `host` lines that an `enable` line names: what
 * restore put in force, as the names' last good (stale) answer.  Names
 * @ns has addresses for are left as they are.  0, or -errno with a
 * one-line reason in @err.
 */
int save_seed_names(const struct saveconf *sc, struct names *ns, int64_t now,
		    char *err, size_t errlen);

/*
 * Read and parse @path ("-": standard input) with save_parse() @flags;
 * prints the error line.
 */
int save_load_file(const char *path, unsigned int flags, struct saveconf *sc,
		   const char *cmd);

/* One setting (a CONFIG_* bit) of @cfg in the words of a `config` line. */
void save_write_setting(FILE *f, const struct epgate_config *cfg,
			unsigned int setting);

/* One `flow` line for @fl, a flow of @l (its sets). */
void save_write_flow(FILE *f, const struct flowlist *l,
		     const struct flowlist_flow *fl);

/* The lint `enable` makes, for the profiles of a hand-written file. */
/*
 * Compile profile @name again as `enable NAME USERDATA` would, @ud being
 * its user data (@udlen bytes): its profile file, its arguments, @NAME
 * and hostnames found through @sets; its flows appended to @fl.  0, or
 * -errno with a one-line reason in @err (messages start "NAME:0: ").
 */
struct addrset_cache;
int save_recompile(const char *name, const char *ud, size_t udlen,
		   struct addrset_cache *sets, struct flowlist *fl, char *err,
		   size_t errlen);

void save_lint_profiles(const struct saveconf *sc);

#endif
