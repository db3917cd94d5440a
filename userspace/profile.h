/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Vendor profiles: the language of Documentation/profile-format.md.
 *
 * profile_parse() and profile_override() are pure (a buffer in, a profile
 * or one positioned error out) so that they can be unit tested and fuzzed;
 * profile_path(), profile_load() and profile_list() add the search path
 * and the files.
 * profile_compile() turns a profile plus the admin's bindings and options
 * into kernel flows (struct flowlist_flow, as `epgate load` pushes them).
 */
#ifndef EPGATE_PROFILE_H
#define EPGATE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "flowlist.h"

#define PROFILE_STR_MAX		256	/* quoted strings, with NUL */
#define PROFILE_PROTO_TCP	(1U << 0)
#define PROFILE_PROTO_UDP	(1U << 1)
#define PROFILE_DEFAULT_PATH	"/etc/epgate/profiles.d:/usr/share/epgate/profiles"

struct profile_error {
	char file[256];		/* as given to the parser */
	unsigned int line;	/* 1-based; 0 when not about a line */
	unsigned int col;	/* 1-based, in bytes; 0 when not about a column */
	char msg[256];
};

struct profile_role {
	char name[EPGATE_NAME_MAX];
	char description[PROFILE_STR_MAX];
	unsigned int line;
};

struct profile_option {
	char name[EPGATE_NAME_MAX];
	char description[PROFILE_STR_MAX];
	unsigned int line;
};

/*
 * host ROLE NAME "WHERE": a hostname the vendor documents for a role,
 * cited in the profile's document (`enable --bind-hosts` binds the role
 * to its names).
 */
struct profile_host {
	char role[EPGATE_NAME_MAX];
	char name[254];			/* lower case, hostname.h */
	char where[PROFILE_STR_MAX];	/* where in the document */
	unsigned int line;
	unsigned int role_col;
};

struct profile_flow {
	char name[EPGATE_NAME_MAX];
	unsigned int protos;		/* PROFILE_PROTO_* */
	uint16_t nranges;
	struct flowlist_range ranges[EPGATE_MAX_RANGES]; /* as written */
	int from, to;			/* index into roles */
	int option;			/* index into options; -1: on by default */
	char description[PROFILE_STR_MAX];
	char source[PROFILE_STR_MAX];	/* file; the document when not given */
	char where[PROFILE_STR_MAX];	/* "" when not given */
	char services[4][EPGATE_NAME_MAX];
	unsigned int nservices;
	unsigned int line;		/* of the `flow` statement */
	/* Set by profile_override(): where the ports were replaced. */
	char override_file[256];
	unsigned int override_line;
};

struct profile {
	char name[EPGATE_NAME_MAX];
	char description[PROFILE_STR_MAX];
	char product[PROFILE_STR_MAX];
	char document[PROFILE_STR_MAX];
	char document_title[PROFILE_STR_MAX];
	char file[256];			/* the profile's path */
	/* Where NAME is, for profile_load()'s check against the file name. */
	unsigned int name_line;		/* of the `profile` statement */
	unsigned int name_col;		/* of its NAME */
	struct profile_role *roles;
	size_t nroles;
	struct profile_option *options;
	size_t noptions;
	struct profile_flow *flows;	/* in file order */
	size_t nflows;
	struct profile_host *hosts;	/* in file order */
	size_t nhosts;
	/* The override files profile_override() applied, in order. */
	char **overrides;
	size_t noverrides;
};

/*
 * A role bound at `epgate enable`: ROLE=A[,B...], A a prefix or @NAME
 * (a named set, addrset.h); ROLE= again adds to the role.  value holds
 * every element given, comma-joined; resolved, a lone prefix is @prefix
 * (set.n == 0: the module's single-prefix form) and anything else @set.
 */
struct profile_binding {
	char role[EPGATE_NAME_MAX];
	char *value;
	struct flowlist_prefix prefix;
	struct flowlist_set set;
};

/*
 * Parse @len bytes of @buf, read from @file (used in messages only) into
 * @p, which must be zeroed or freed.  Returns 0; -EINVAL with @err filled
 * and @p emptied; or -ENOMEM.
 */
int profile_parse(const char *file, const char *buf, size_t len,
		  struct profile *p, struct profile_error *err);

/*
 * Apply the override file @file (@len bytes of @buf) to @p.  The file must
 * name @p's profile.  Returns 0, with @file appended to @p->overrides; or
 * -EINVAL with @err filled, or -ENOMEM; on error @p is unchanged.
 */
int profile_override(struct profile *p, const char *file, const char *buf,
		     size_t len, struct profile_error *err);

void profile_free(struct profile *p);

/*
 * The search path: $EPGATE_PROFILE_PATH (if set and non-empty), then
 * PROFILE_DEFAULT_PATH, each directory once.  Fills @dirs with up to @max
 * directory names pointing into @buf; returns how many, or -E2BIG when
 * they do not all fit (never a shorter path than the one asked for:
 * PROFILE_PATH_TOO_LONG says why).
 */
int profile_path(char *buf, size_t bufsz, const char **dirs, size_t max);

/* The message of -E2BIG from profile_path(), profile_load(), profile_list(). */
#define PROFILE_PATH_TOO_LONG \
	"EPGATE_PROFILE_PATH: the search path holds at most 32 directories and 8192 bytes, " \
	"" PROFILE_DEFAULT_PATH " included; nothing was searched"

/*
 * Load profile @name: the first NAME.profile on the path, then every
 * NAME.override on the path, lowest priority first.  A name that is not a
 * valid profile name, or that no directory holds, is an error ("unknown
 * profile 'x' (searched: ...)", with no file and line 0); so is a file
 * whose `profile` statement names another profile.  A file that cannot be
 * read is an error with its path as file and line 0.  Returns 0 or
 * -errno; on error @p is empty.
 */
int profile_load(const char *name, struct profile *p,
		 struct profile_error *err);

/*
 * Parse a file given by path (profile check), with overrides not applied;
 * "-" is standard input, named "<stdin>" in messages.
 */
int profile_load_file(const char *path, struct profile *p,
		      struct profile_error *err);

/*
 * Every NAME of the NAME.profile files on the path, first occurrence only,
 * sorted.  Returns the count or -errno (-E2BIG: PROFILE_PATH_TOO_LONG);
 * the caller frees each and *names.
 */
int profile_list(char ***names);

/*
 * Append @p's flows to @out: every default flow, plus the flows of the
 * options named in @with (names @p does not declare are ignored: the
 * caller checks that each exists in at least one profile).  A role bound
 * in @bind gets its prefix or set (interned in @out) on both sides; unbound
 * roles match any address.
 * @mode is EPGATE_MODE_ENFORCE or EPGATE_MODE_MONITOR.  Returns 0; or,
 * with @out unchanged and a one-line reason in @err (if not NULL):
 * -E2BIG when @out would exceed EPGATE_MAX_FLOWS, -EXDEV when a flow's
 * two roles are bound to different address families (it could never
 * match: an error naming the flow, never a flow silently left out), or
 * -ENOMEM.
 */
int profile_compile(const struct profile *p, const struct profile_binding *bind,
		    size_t nbind, const char *const *with, size_t nwith,
		    uint8_t mode, struct flowlist *out, char *err,
		    size_t errlen);

/*
 * Parse ROLE=A[,B...] (@arg) into binds[*nbinds] and count it, or add its
 * elements to the role's binding when the role is bound already; @NAME
 * is found with @lookup (flowlist.h; addrset_lookup() for sets.d).  0, or
 * -EINVAL (bad role, bad or "any" prefix, hostname, unknown or bad set),
 * -E2BIG (@max reached) or -ENOMEM with a one-line reason in @err.  On
 * error the bindings are as before.  Whether the role exists is the
 * caller's check: it depends on which profiles are named.
 */
int profile_binding_add(struct profile_binding *binds, size_t *nbinds,
			size_t max, const char *arg, flowlist_lookup_fn lookup,
			void *ctx, char *err, size_t errlen);
void profile_bindings_free(struct profile_binding *binds, size_t n);

bool profile_has_role(const struct profile *p, const char *role);
bool profile_has_option(const struct profile *p, const char *option);

/*
 * Write the message of @err as one line to @f: "FILE:LINE:COL: msg", or
 * "FILE:LINE: msg" without a column, "FILE: msg" without a line (a file
 * that cannot be read) and "msg" without a file (an unknown profile).  A
 * caller prefixes the program name to the last two kinds.
 */
void profile_perror(FILE *f, const struct profile_error *err);

/*
 * Lint.  Warnings go to @f as "FILE:LINE: warning: ..." and are counted in
 * the return value.  profile_lint() checks one profile (overlapping ports,
 * well-known ports without `service`); profile_lint_set() checks profiles
 * enabled together (same proto/port, different roles).
 */
unsigned int profile_lint(const struct profile *p, FILE *f);
unsigned int profile_lint_set(const struct profile *const *ps, size_t n,
			      FILE *f);

/*
 * Both lints for the named profiles that have a profile file on the search
 * path (a name without one, e.g. flows of `epgate load`, is skipped): what
 * `profile check` and `enable` say of them, alone and together.
 */
void profile_lint_names(const char *const *names, size_t n, FILE *f);

#endif
