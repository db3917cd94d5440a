/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The low-level flow list of `epgate load`: one flow per line,
 *
 *   PROFILE FLOW tcp|udp PORTS FROM TO [monitor|enforce]
 *
 * PORTS is a comma list of P or LO-HI; FROM and TO are `any`, or a comma
 * list of ADDR[/LEN] and @NAME (a named address set, addrset.h), IPv4 and
 * IPv6 mixed: `10.0.0.5,fd00::5`, `@lan,10.9.0.0/16`.
 * `#` starts a comment; blank lines are ignored.  The parser is pure (a
 * buffer in, an array of flows or one positioned error out) so that it can
 * be unit tested and fuzzed without a kernel.
 */
#ifndef EPGATE_FLOWLIST_H
#define EPGATE_FLOWLIST_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/epgate.h>

/*
 * family 0: any address (len 0, addr all zero).  AF_INET: len 0..32,
 * address in addr[0..3].  AF_INET6: len 0..128.  Network byte order; the
 * bits beyond len are zero (the parser refuses host bits).
 */
struct flowlist_prefix {
	uint8_t family;
	uint8_t len;
	uint8_t addr[16];
};

/* Destination ports lo..hi, inclusive, host byte order. */
struct flowlist_range {
	uint16_t lo;
	uint16_t hi;
};

/*
 * An address set: the prefixes a role is bound to when one prefix is not
 * enough, IPv4 and IPv6 mixed, in the order given, duplicates collapsed.
 * A flow list holds its sets once (flowlist.sets) and its flows refer to
 * them by number, so that flows stay cheap to copy and two roles bound to
 * the same set share it, here as in the module (one EPGATE_SET_ID).
 * Named sets come from /etc/epgate/sets.d/NAME.set (addrset.h); the name
 * is shown, kept across save and restore, never interpreted by the module.
 * A hostname in a role or a set file contributes its addresses in force
 * (each /32 or /128), looked up when the role is parsed (addrset.h), and
 * its name to @hosts: the names the set follows, which `refresh` changes
 * it with and `export nft` names in the set's comment.  The module keeps
 * no hosts: a set read from it has none (follow.h finds them again).
 */
struct flowlist_set {
	char name[EPGATE_NAME_MAX];	/* "" for an anonymous set */
	uint32_t n;			/* 1..EPGATE_MAX_PREFIXES once built */
	uint32_t alloc;
	struct flowlist_prefix *prefixes;
	char *hosts;			/* "a.example,b.example" or NULL */
};

struct flowlist_flow {
	char profile[EPGATE_NAME_MAX];
	char name[EPGATE_NAME_MAX];
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t mode;		/* EPGATE_MODE_ENFORCE or EPGATE_MODE_MONITOR */
	uint16_t nranges;	/* 1..EPGATE_MAX_RANGES */
	struct flowlist_range ranges[EPGATE_MAX_RANGES];
	struct flowlist_prefix from;	/* initiator */
	struct flowlist_prefix to;	/* responder */
	/*
	 * 1 + index into the flow list's sets when the role is bound to a
	 * set (then from/to is family 0); 0 when from/to says it all.
	 */
	uint32_t from_set;
	uint32_t to_set;
	unsigned int line;	/* where it was defined, for later messages */
};

struct flowlist {
	struct flowlist_flow *flows;	/* in file order = priority order */
	size_t n;
	size_t alloc;
	struct flowlist_set *sets;	/* referred to by the flows */
	size_t nsets;
	size_t sets_alloc;
};

struct flowlist_error {
	unsigned int line;	/* 1-based */
	unsigned int col;	/* 1-based, in bytes */
	char msg[256];
};

/*
 * Where @NAME of a FROM or TO is found: 0 with *@out pointing at the set
 * (valid until the parse returns), or -errno with a one-line reason in
 * @err (e.g. "unknown set 'x' (no /etc/epgate/sets.d/x.set)").
 *
 * The same function is asked for the hostnames of a role (a list element
 * of letters, digits, dots and hyphens, with a dot and a letter): @name is
 * then the element as written, never a set's name (set names have no
 * dot), and *@out the addresses in force of the name (valid until the
 * next call).  A lookup that does not follow names refuses them with its
 * reason; without a lookup they are refused as "hostnames are not
 * supported here".  A role with a hostname is always a set (one address
 * or many), anonymous.
 */
typedef int (*flowlist_lookup_fn)(void *ctx, const char *name,
				  const struct flowlist_set **out, char *err,
				  size_t errlen);

/*
 * Parse @len bytes of @buf (need not be NUL-terminated; NUL and other
 * control bytes are errors) into @fl, which must be zeroed or freed.
 * Returns 0; -EINVAL with @err filled, @fl emptied; or -ENOMEM.
 * flowlist_parse_sets() also takes @NAME in FROM and TO, found with
 * @lookup (NULL: every @NAME is an unknown set).
 */
int flowlist_parse(const char *buf, size_t len, struct flowlist *fl,
		   struct flowlist_error *err);
int flowlist_parse_sets(const char *buf, size_t len, struct flowlist *fl,
			struct flowlist_error *err, flowlist_lookup_fn lookup,
			void *ctx);
void flowlist_free(struct flowlist *fl);

/*
 * The same flow, @a of @fa and @b of @fb: identity, protocol, ports,
 * roles (a set by its name and prefixes) and mode.
 */
bool flowlist_same_flow(const struct flowlist *fa,
			const struct flowlist_flow *a,
			const struct flowlist *fb,
			const struct flowlist_flow *b);

/* ---- address sets ----------------------------------------------------- */

/* The set a role refers to (from_set or to_set), NULL for 0. */
const struct flowlist_set *flowlist_set_of(const struct flowlist *fl,
					   uint32_t ref);

/* Append @p to @s, unless @s has it already.  0 or -ENOMEM. */
int flowlist_set_add(struct flowlist_set *s, const struct flowlist_prefix *p);
/* Collapse duplicates, first occurrence kept (linear time). */
int flowlist_set_dedup(struct flowlist_set *s);
/* The same name and prefixes (what the module holds: hosts aside). */
bool flowlist_set_equal(const struct flowlist_set *a,
			const struct flowlist_set *b);
void flowlist_set_free(struct flowlist_set *s);
/*
 * Add the hostnames of @names (comma-separated) to s->hosts, lower-cased,
 * sorted, each once.  0 or -ENOMEM (@s unchanged).
 */
int flowlist_set_follow(struct flowlist_set *s, const char *names);

/*
 * Put a copy of @s in @fl and give its reference in *@ref.  A set equal
 * to one @fl holds is shared (and follows @s's hosts too).  A named set
 * replaces the prefixes of the set of that name @fl holds (a name is one
 * set: re-binding @lan with a changed lan.set moves every role bound to
 * @lan).  0 or -ENOMEM.
 */
int flowlist_intern_set(struct flowlist *fl, const struct flowlist_set *s,
			uint32_t *ref);
/* The same without sharing or replacing (reading the module's sets). */
int flowlist_push_set(struct flowlist *fl, const struct flowlist_set *s,
		      uint32_t *ref);

/*
 * Append a copy of @f, a flow of @src, to @dst, its sets interned in
 * @dst.  0 or -ENOMEM.
 */
int flowlist_copy_flow(struct flowlist *dst, const struct flowlist *src,
		       const struct flowlist_flow *f);

/*
 * The sets the flows refer to: how many and their prefixes, and the
 * number each would get in the module (ids[i], 1..n, 0 for a set no
 * flow names), in @ids (fl->nsets entries) if not NULL.  -E2BIG with a
 * one-line reason in @err when over EPGATE_MAX_SETS or
 * EPGATE_MAX_PREFIXES, -ENOMEM, or 0.
 */
int flowlist_set_ids(const struct flowlist *fl, uint32_t *ids,
		     uint32_t *nsets, uint32_t *nprefixes, char *err,
		     size_t errlen);

/* Address families a role may hold: bit 0 IPv4, bit 1 IPv6; any: 3. */
unsigned int flowlist_role_families(const struct flowlist *fl,
				    const struct flowlist_prefix *p,
				    uint32_t ref);

/*
 * A role as text: "any", "10.0.0.0/8", "@lan", or the prefixes
 * comma-joined, cut after @max of them with ",... (N prefixes)" (@max 0:
 * all of them).  Returns @buf, always NUL-terminated.
 */
const char *flowlist_role_str(const struct flowlist *fl,
			      const struct flowlist_prefix *p, uint32_t ref,
			      unsigned int max, char *buf, size_t len);
/* One prefix as "ADDR/LEN" ("any" for family 0). */
const char *flowlist_prefix_str(const struct flowlist_prefix *p, char *buf,
				size_t len);

/*
 * One role as FROM and TO take it (`any`, a prefix, or a comma list of
 * prefixes and @NAME found with @lookup), @len bytes of @s: a lone
 * prefix in *@pfx, anything else a set interned in @fl, *@ref its
 * reference.  0, -EINVAL with @err (col in @s), or -ENOMEM.
 */
int flowlist_parse_role(const char *s, size_t len, struct flowlist *fl,
			struct flowlist_prefix *pfx, uint32_t *ref,
			flowlist_lookup_fn lookup, void *ctx,
			struct flowlist_error *err);

/*
 * The lexer of the line formats: one line (no newline) of @len bytes,
 * line number @line, into at most @max words (more are not stored but
 * counted no further), stopping at `#`.  Control bytes other than tab
 * and CR are errors, so is a byte order mark on line 1.  0 or -EINVAL.
 */
struct flowlist_word {
	const char *s;
	size_t len;
	unsigned int col;	/* 1-based */
};
int flowlist_words(const char *s, size_t len, unsigned int line,
		   struct flowlist_word *w, int max, int *n,
		   struct flowlist_error *err);

/*
 * One prefix as the flow list writes it: `any`, ADDR or ADDR/LEN, host bits
 * zero.  Returns 0 or -EINVAL with err->msg set (line and col 1).
 */
int flowlist_parse_prefix(const char *s, struct flowlist_prefix *pfx,
			  struct flowlist_error *err);

/*
 * The same on @len bytes of @s, `any` refused: one element of a set.  A
 * word that reads as a hostname gets "hostnames are not supported here".
 * err->col is the column in @s.
 */
int flowlist_parse_set_prefix(const char *s, size_t len,
			      struct flowlist_prefix *pfx,
			      struct flowlist_error *err);

#endif
