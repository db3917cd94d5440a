// SPDX-License-Identifier: GPL-2.0
/*
 * Parser of the flow list of `epgate load` (format in flowlist.h).
 *
 * Every error names its line and column and quotes the offending token, and
 * the first error ends the parse: the caller sends nothing on error, so a
 * half-parsed list can never reach the kernel.  Tokens are (pointer, length)
 * slices of the caller's buffer; nothing assumes a terminating NUL, which
 * keeps the parser safe to fuzz on raw bytes.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "flowcheck.h"
#include "flowlist.h"
#include "hostname.h"

#define HOSTNAME_BUF	(HOSTNAME_MAX + 1)

/* profile flow proto ports from to [mode], plus one to catch extras. */
#define FIELDS_MAX 8

/* Quoted tokens are cut here so that an error stays one readable line. */


/* Open-addressed, never more than half full: 2 x EPGATE_MAX_FLOWS slots. */
#define INDEX_SLOTS	(2U * EPGATE_MAX_FLOWS)
_Static_assert((INDEX_SLOTS & (INDEX_SLOTS - 1)) == 0, "power of two");

struct parser {
	struct flowlist *fl;
	struct flowlist_error *err;
	unsigned int line;
	flowlist_lookup_fn lookup;
	void *ctx;
	/*
	 * Flow index + 1 (0: free slot), by (profile, name) and by profile
	 * (its first flow): checking a line against the ones before it is
	 * then constant time, not a scan (10,000 lines: 0.35 s -> ms).
	 */
	uint32_t *by_name;
	uint32_t *by_profile;
	char quote[3][FLOWCHECK_QUOTE_BUF];
};

/*
 * Printable form of a token for an error message: non-printable bytes as
 * \xNN, long tokens cut with "...".  Three slots, so that one message can
 * quote up to three tokens.
 */
static const char *q(struct parser *p, int slot, const char *s, size_t len)
{
	return flowcheck_quote(p->quote[slot], s, len);
}

static const char *qt(struct parser *p, int slot, const struct flowlist_word *t)
{
	return q(p, slot, t->s, t->len);
}

__attribute__((format(printf, 3, 4)))
static int fail(struct parser *p, unsigned int col, const char *fmt, ...)
{
	va_list ap;

	p->err->line = p->line;
	p->err->col = col;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool tok_is(const struct flowlist_word *t, const char *word)
{
	return t->len == strlen(word) && !memcmp(t->s, word, t->len);
}

/* Names, ports and families follow the rules of flowcheck.h. */
static int parse_name(struct parser *p, const struct flowlist_word *t, const char *what,
		      char *out)
{
	struct flowcheck_error fe;

	if (flowcheck_name(what, t->s, t->len, &fe))
		return fail(p, t->col + fe.off, "%s", fe.msg);
	memcpy(out, t->s, t->len);
	out[t->len] = '\0';
	return 0;
}

static int parse_proto(struct parser *p, const struct flowlist_word *t, uint8_t *proto)
{
	if (tok_is(t, "tcp"))
		*proto = IPPROTO_TCP;
	else if (tok_is(t, "udp"))
		*proto = IPPROTO_UDP;
	else
		return fail(p, t->col, "unknown protocol '%s' (tcp or udp)",
			    qt(p, 0, t));
	return 0;
}

static int parse_ports(struct parser *p, const struct flowlist_word *t,
		       struct flowlist_flow *f)
{
	struct flowcheck_error fe;

	if (flowcheck_ports(t->s, t->len, f->ranges, &f->nranges, &fe))
		return fail(p, t->col + fe.off, "%s", fe.msg);
	return 0;
}

/* The prefix with every bit beyond @len cleared, to suggest a fix. */
static void mask_prefix(uint8_t *addr, unsigned int alen, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < alen; i++) {
		if (len >= 8 * (i + 1))
			continue;
		if (len <= 8 * i)
			addr[i] = 0;
		else
			addr[i] &= 0xff << (8 - (len - 8 * i));
	}
}

/* `any`, or ADDR[/LEN] with the host part of ADDR zero. */
static int parse_prefix(struct parser *p, const struct flowlist_word *t,
			struct flowlist_prefix *pfx)
{
	const char *slash = memchr(t->s, '/', t->len);
	size_t alen = slash ? (size_t)(slash - t->s) : t->len;
	char abuf[INET6_ADDRSTRLEN];
	uint8_t net[16];
	unsigned int len = 0, max, bytes;
	size_t i, llen;

	memset(pfx, 0, sizeof(*pfx));
	if (tok_is(t, "any"))
		return 0;

	if (!alen || alen >= sizeof(abuf))
		goto bad_addr;
	memcpy(abuf, t->s, alen);
	abuf[alen] = '\0';
	if (memchr(abuf, ':', alen)) {
		pfx->family = AF_INET6;
		max = 128;
	} else {
		pfx->family = AF_INET;
		max = 32;
	}
	if (inet_pton(pfx->family, abuf, pfx->addr) != 1)
		goto bad_addr;
	bytes = max / 8;

	if (!slash) {
		pfx->len = max;
		return 0;
	}
	llen = t->len - alen - 1;
	if (!llen || llen > 3)
		goto bad_len;
	for (i = 0; i < llen; i++) {
		if (slash[1 + i] < '0' || slash[1 + i] > '9')
			goto bad_len;
		len = len * 10 + (slash[1 + i] - '0');
	}
	if (len > max)
		return fail(p, t->col,
			    "prefix length %u out of range in '%s' (at most %u for %s)",
			    len, qt(p, 0, t), max,
			    max == 32 ? "IPv4" : "IPv6");
	pfx->len = len;

	memcpy(net, pfx->addr, bytes);
	mask_prefix(net, bytes, len);
	if (memcmp(net, pfx->addr, bytes)) {
		inet_ntop(pfx->family, net, abuf, sizeof(abuf));
		return fail(p, t->col,
			    "host bits set in '%s' (the network is %s/%u)",
			    qt(p, 0, t), abuf, len);
	}
	return 0;

bad_addr:
	return fail(p, t->col, "bad address '%s' (any, ADDR or ADDR/LEN)",
		    qt(p, 0, t));
bad_len:
	return fail(p, t->col, "bad prefix length in '%s'", qt(p, 0, t));
}

int flowlist_parse_prefix(const char *s, struct flowlist_prefix *pfx,
			  struct flowlist_error *err)
{
	struct parser p = { .err = err, .line = 1 };
	struct flowlist_word t = { .s = s, .len = strlen(s), .col = 1 };

	return parse_prefix(&p, &t, pfx);
}

/* Letters, digits, dots and dashes with a letter: a DNS name, not an address. */
static bool hostname_like(const struct flowlist_word *t)
{
	bool letter = false;
	size_t i;

	for (i = 0; i < t->len; i++) {
		char c = t->s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			letter = true;
		else if (!(c >= '0' && c <= '9') && c != '.' && c != '-')
			return false;
	}
	return letter;
}

/*
 * An element that the lookup is asked for as a hostname: hostname-like,
 * with a dot (a set name never has one), at most HOSTNAME_BUF - 1 bytes;
 * the lookup applies the full rules (hostname.h).
 */
static bool host_element(const struct flowlist_word *t)
{
	return t->len < HOSTNAME_BUF && memchr(t->s, '.', t->len) &&
	       hostname_like(t);
}

/*
 * One element of a set: a prefix, never `any`; a hostname only where the
 * caller's lookup takes them (parse_role).
 */
static int parse_set_prefix(struct parser *p, const struct flowlist_word *t,
			    struct flowlist_prefix *pfx)
{
	int ret;

	if (tok_is(t, "any"))
		return fail(p, t->col,
			    "'any' in a list of prefixes (leave the role unbound to match any address)");
	ret = parse_prefix(p, t, pfx);
	if (ret && hostname_like(t))
		return fail(p, t->col,
			    "'%s': hostnames are not supported here (give its addresses)",
			    qt(p, 0, t));
	return ret;
}

int flowlist_parse_set_prefix(const char *s, size_t len,
			      struct flowlist_prefix *pfx,
			      struct flowlist_error *err)
{
	struct parser p = { .err = err, .line = 1 };
	struct flowlist_word t = { .s = s, .len = len, .col = 1 };

	return parse_set_prefix(&p, &t, pfx);
}

/* FNV-1a of profile, a byte no name has, and name (if any). */
static uint32_t hash_names(const char *profile, const char *name)
{
	uint32_t h = 2166136261U;

	for (; *profile; profile++)
		h = (h ^ (unsigned char)*profile) * 16777619U;
	h = (h ^ 0xff) * 16777619U;
	for (; name && *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619U;
	return h;
}

/*
 * The slot of (profile, name) in by_name, or of profile in by_profile when
 * name is NULL: the one holding it, or the free one where it goes.
 */
static uint32_t *index_slot(const struct parser *p, uint32_t *tab,
			    const char *profile, const char *name)
{
	uint32_t i = hash_names(profile, name) & (INDEX_SLOTS - 1);

	for (;; i = (i + 1) & (INDEX_SLOTS - 1)) {
		const struct flowlist_flow *o;

		if (!tab[i])
			return &tab[i];
		o = &p->fl->flows[tab[i] - 1];
		if (!strcmp(o->profile, profile) &&
		    (!name || !strcmp(o->name, name)))
			return &tab[i];
	}
}

/*
 * Split one line (without its newline) into at most FIELDS_MAX tokens,
 * stopping at a comment.  Control bytes other than tab and CR (tolerated
 * for files edited on Windows) are errors: they are never intended and a
 * NUL would cut names short later.
 */
static int split(struct parser *p, const char *s, size_t len,
		 struct flowlist_word *toks, int max, int *ntoks,
		 unsigned int *end_col)
{
	size_t i = 0;

	*ntoks = 0;
	*end_col = 1;
	if (p->line == 1 && flowcheck_bom(s, len))
		return fail(p, 1, FLOWCHECK_BOM_MSG);
	while (i < len) {
		unsigned char c = s[i];
		size_t start;

		if (c == '#')
			break;
		if (c == ' ' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		start = i;
		while (i < len) {
			c = s[i];
			if (c == '#' || c == ' ' || c == '\t' || c == '\r')
				break;
			if (c < 0x20 || c == 0x7f)
				return fail(p, i + 1, "invalid byte '%s'",
					    q(p, 0, s + i, 1));
			i++;
		}
		if (*ntoks < max) {
			toks[*ntoks].s = s + start;
			toks[*ntoks].len = i - start;
			toks[*ntoks].col = start + 1;
			(*ntoks)++;
		}
		*end_col = i + 1;
	}
	return 0;
}

int flowlist_words(const char *s, size_t len, unsigned int line,
		   struct flowlist_word *w, int max, int *n,
		   struct flowlist_error *err)
{
	struct parser p = { .err = err, .line = line };
	unsigned int end_col;

	return split(&p, s, len, w, max, n, &end_col);
}

static const char * const field_desc[] = {
	"profile name",
	"flow name",
	"protocol (tcp or udp)",
	"ports",
	"from (any, ADDR/LEN[,...] or @SET)",
	"to (any, ADDR/LEN[,...] or @SET)",
};

static int need(struct parser *p, const struct flowlist_word *toks, int ntoks, int i,
		unsigned int end_col)
{
	if (i < ntoks)
		return 0;
	return fail(p, end_col, "missing %s after '%s'", field_desc[i],
		    qt(p, 0, &toks[i - 1]));
}

/*
 * Duplicates, then profile-mode agreement, against the flows before @f.
 * The first flow of a profile sets its mode.
 */
static int check_set(struct parser *p, const struct flowlist_flow *f,
		     const struct flowlist_word *toks, int ntoks)
{
	const struct flowlist *fl = p->fl;
	const char * const modes[] = {
		[EPGATE_MODE_MONITOR] = "monitor",
		[EPGATE_MODE_ENFORCE] = "enforce",
	};
	uint32_t *by_name = index_slot(p, p->by_name, f->profile, f->name);
	uint32_t *by_profile = index_slot(p, p->by_profile, f->profile, NULL);
	const struct flowlist_flow *o;

	if (*by_name) {
		o = &fl->flows[*by_name - 1];
		return fail(p, toks[1].col,
			    "duplicate flow '%s' of profile '%s' (first on line %u)",
			    f->name, f->profile, o->line);
	}
	if (*by_profile) {
		o = &fl->flows[*by_profile - 1];
		if (o->mode != f->mode)
			return fail(p, ntoks > 6 ? toks[6].col : toks[0].col,
				    "profile '%s' is %s here but %s on line %u (all its flows must agree)",
				    f->profile, modes[f->mode],
				    modes[o->mode], o->line);
	}
	/* The caller counts f right after: it is flows[fl->n]. */
	*by_name = fl->n + 1;
	if (!*by_profile)
		*by_profile = fl->n + 1;
	return 0;
}

static int grow(struct flowlist *fl)
{
	struct flowlist_flow *n;
	size_t alloc;

	if (fl->n < fl->alloc)
		return 0;
	alloc = fl->alloc ? fl->alloc * 2 : 16;
	if (alloc > EPGATE_MAX_FLOWS)
		alloc = EPGATE_MAX_FLOWS;
	n = realloc(fl->flows, alloc * sizeof(*n));
	if (!n)
		return -ENOMEM;
	fl->flows = n;
	fl->alloc = alloc;
	return 0;
}

/*
 * A role: `any`, one prefix, or a comma list of prefixes and @NAME.  One
 * prefix alone stays a prefix (the module's single-prefix form); anything
 * else becomes a set of the flow list, named when it is one @NAME alone.
 */
static int parse_role(struct parser *p, const struct flowlist_word *t,
		      struct flowlist_prefix *pfx, uint32_t *ref)
{
	struct flowlist_set set = { .name = "" };
	struct flowlist_prefix one;
	unsigned int names = 0;
	bool any_named = false;
	size_t off = 0;
	char msg[256];
	int ret = 0;

	*ref = 0;
	if (!memchr(t->s, ',', t->len) && !(t->len && t->s[0] == '@') &&
	    !(p->lookup && host_element(t))) {
		if (tok_is(t, "any"))
			return parse_prefix(p, t, pfx);
		return parse_set_prefix(p, t, pfx);
	}
	memset(pfx, 0, sizeof(*pfx));
	for (;;) {
		const char *comma = memchr(t->s + off, ',', t->len - off);
		size_t elen = comma ? (size_t)(comma - t->s) - off : t->len - off;
		struct flowlist_word e = { .s = t->s + off, .len = elen, .col = t->col + off };

		if (!elen) {
			ret = fail(p, e.col, "empty element in '%s'", qt(p, 0, t));
			break;
		}
		if (e.s[0] == '@') {
			struct flowcheck_error fe;
			const struct flowlist_set *named;
			char name[EPGATE_NAME_MAX];
			uint32_t i;

			if (flowcheck_name("set", e.s + 1, elen - 1, &fe)) {
				ret = fail(p, e.col + 1 + fe.off, "%s", fe.msg);
				break;
			}
			memcpy(name, e.s + 1, elen - 1);
			name[elen - 1] = '\0';
			msg[0] = '\0';
			ret = p->lookup ? p->lookup(p->ctx, name, &named, msg,
						    sizeof(msg)) : -ENOENT;
			if (ret) {
				if (ret == -ENOMEM)
					break;
				ret = fail(p, e.col, "%s", msg[0] ? msg :
					   "unknown set");
				if (!msg[0])
					snprintf(p->err->msg, sizeof(p->err->msg),
						 "unknown set '%s'", name);
				break;
			}
			for (i = 0; !ret && i < named->n; i++)
				ret = flowlist_set_add(&set, &named->prefixes[i]);
			if (!ret && named->hosts)
				ret = flowlist_set_follow(&set, named->hosts);
			if (ret)
				break;
			if (!names++)
				memcpy(set.name, name, elen);
			any_named = true;
		} else if (p->lookup && host_element(&e)) {
			/*
			 * A hostname: its addresses in force, from the same
			 * lookup (a name with a dot is never a set's).  The
			 * role stays a set even with one address, so that it
			 * keeps its form when the answer grows.
			 */
			const struct flowlist_set *addrs;
			char name[HOSTNAME_BUF];
			uint32_t i;

			memcpy(name, e.s, elen);
			name[elen] = '\0';
			msg[0] = '\0';
			ret = p->lookup(p->ctx, name, &addrs, msg, sizeof(msg));
			if (ret) {
				if (ret != -ENOMEM)
					ret = fail(p, e.col, "%s", msg[0] ? msg :
						   "cannot resolve a hostname");
				break;
			}
			for (i = 0; !ret && i < addrs->n; i++)
				ret = flowlist_set_add(&set, &addrs->prefixes[i]);
			if (!ret)
				ret = flowlist_set_follow(&set, name);
			if (ret)
				break;
			names += 2;	/* the set has no name */
			any_named = true;
		} else {
			ret = parse_set_prefix(p, &e, &one);
			if (!ret)
				ret = flowlist_set_add(&set, &one);
			if (ret)
				break;
			names += 2;	/* literals: the set has no name */
		}
		if (!comma)
			break;
		off += elen + 1;
	}
	if (!ret && names != 1)
		set.name[0] = '\0';
	if (!ret)
		ret = flowlist_set_dedup(&set);
	/* `10.0.0.5,10.0.0.5` is one prefix: the single-prefix form. */
	if (!ret && !any_named && set.n == 1) {
		*pfx = set.prefixes[0];
		flowlist_set_free(&set);
		return 0;
	}
	if (!ret && set.n > EPGATE_MAX_PREFIXES)
		ret = fail(p, t->col, "more than %d prefixes in '%s'",
			   EPGATE_MAX_PREFIXES, qt(p, 0, t));
	if (!ret)
		ret = flowlist_intern_set(p->fl, &set, ref);
	flowlist_set_free(&set);
	return ret;
}

int flowlist_parse_role(const char *s, size_t len, struct flowlist *fl,
			struct flowlist_prefix *pfx, uint32_t *ref,
			flowlist_lookup_fn lookup, void *ctx,
			struct flowlist_error *err)
{
	struct parser p = { .fl = fl, .err = err, .line = 1,
			    .lookup = lookup, .ctx = ctx };
	struct flowlist_word t = { .s = s, .len = len, .col = 1 };

	memset(err, 0, sizeof(*err));
	return parse_role(&p, &t, pfx, ref);
}

static int parse_line(struct parser *p, const char *s, size_t len)
{
	struct flowlist_word toks[FIELDS_MAX];
	struct flowlist_flow *f;
	unsigned int end_col;
	int ntoks, ret;

	ret = split(p, s, len, toks, FIELDS_MAX, &ntoks, &end_col);
	if (ret || !ntoks)
		return ret;

	if (p->fl->n == EPGATE_MAX_FLOWS)
		return fail(p, toks[0].col, "more than %d flows",
			    EPGATE_MAX_FLOWS);
	ret = grow(p->fl);
	if (ret)
		return ret;
	f = &p->fl->flows[p->fl->n];
	memset(f, 0, sizeof(*f));
	f->line = p->line;
	f->mode = EPGATE_MODE_ENFORCE;

	ret = parse_name(p, &toks[0], "profile", f->profile);
	if (!ret)
		ret = need(p, toks, ntoks, 1, end_col);
	if (!ret)
		ret = parse_name(p, &toks[1], "flow", f->name);
	if (!ret)
		ret = need(p, toks, ntoks, 2, end_col);
	if (!ret)
		ret = parse_proto(p, &toks[2], &f->proto);
	if (!ret)
		ret = need(p, toks, ntoks, 3, end_col);
	if (!ret)
		ret = parse_ports(p, &toks[3], f);
	if (!ret)
		ret = need(p, toks, ntoks, 4, end_col);
	if (!ret)
		ret = parse_role(p, &toks[4], &f->from, &f->from_set);
	if (!ret)
		ret = need(p, toks, ntoks, 5, end_col);
	if (!ret)
		ret = parse_role(p, &toks[5], &f->to, &f->to_set);
	if (ret)
		return ret;

	/* Such a flow could never match a packet: surely a mistake. */
	if (!(flowlist_role_families(p->fl, &f->from, f->from_set) &
	      flowlist_role_families(p->fl, &f->to, f->to_set)))
		return fail(p, toks[5].col,
			    "from '%s' and to '%s' are of different address families",
			    qt(p, 0, &toks[4]), qt(p, 1, &toks[5]));

	if (ntoks > 6) {
		if (tok_is(&toks[6], "monitor"))
			f->mode = EPGATE_MODE_MONITOR;
		else if (!tok_is(&toks[6], "enforce"))
			return fail(p, toks[6].col,
				    "expected 'monitor' or 'enforce', got '%s'",
				    qt(p, 0, &toks[6]));
	}
	if (ntoks > 7)
		return fail(p, toks[7].col, "extra field '%s'",
			    qt(p, 0, &toks[7]));

	ret = check_set(p, f, toks, ntoks);
	if (ret)
		return ret;
	p->fl->n++;
	return 0;
}

int flowlist_parse(const char *buf, size_t len, struct flowlist *fl,
		   struct flowlist_error *err)
{
	return flowlist_parse_sets(buf, len, fl, err, NULL, NULL);
}

int flowlist_parse_sets(const char *buf, size_t len, struct flowlist *fl,
			struct flowlist_error *err, flowlist_lookup_fn lookup,
			void *ctx)
{
	struct parser p = { .fl = fl, .err = err, .line = 0,
			    .lookup = lookup, .ctx = ctx };
	size_t off = 0;
	int ret = 0;

	memset(err, 0, sizeof(*err));
	fl->n = 0;
	p.by_name = calloc(2 * INDEX_SLOTS, sizeof(uint32_t));
	if (!p.by_name) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -ENOMEM;
	}
	p.by_profile = p.by_name + INDEX_SLOTS;
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t llen = nl ? (size_t)(nl - buf) - off : len - off;

		p.line++;
		ret = parse_line(&p, buf + off, llen);
		if (ret)
			break;
		off += llen + 1;
	}
	free(p.by_name);
	if (ret) {
		if (ret == -ENOMEM) {
			err->line = p.line;
			snprintf(err->msg, sizeof(err->msg), "out of memory");
		}
		flowlist_free(fl);
	}
	return ret;
}

void flowlist_free(struct flowlist *fl)
{
	size_t i;

	for (i = 0; i < fl->nsets; i++)
		flowlist_set_free(&fl->sets[i]);
	free(fl->sets);
	free(fl->flows);
	memset(fl, 0, sizeof(*fl));
}

static bool same_role(const struct flowlist *fa,
		      const struct flowlist_prefix *pa, uint32_t ra,
		      const struct flowlist *fb,
		      const struct flowlist_prefix *pb, uint32_t rb)
{
	if (!ra != !rb)
		return false;
	if (ra)
		return flowlist_set_equal(flowlist_set_of(fa, ra),
					  flowlist_set_of(fb, rb));
	return !memcmp(pa, pb, sizeof(*pa));
}

/* Equal in every field but the line they came from. */
bool flowlist_same_flow(const struct flowlist *fa,
			const struct flowlist_flow *a,
			const struct flowlist *fb,
			const struct flowlist_flow *b)
{
	return !strcmp(a->profile, b->profile) && !strcmp(a->name, b->name) &&
	       a->proto == b->proto && a->mode == b->mode &&
	       a->nranges == b->nranges &&
	       !memcmp(a->ranges, b->ranges, a->nranges * sizeof(a->ranges[0])) &&
	       same_role(fa, &a->from, a->from_set, fb, &b->from, b->from_set) &&
	       same_role(fa, &a->to, a->to_set, fb, &b->to, b->to_set);
}

/* ---- address sets ------------------------------------------------------ */

const struct flowlist_set *flowlist_set_of(const struct flowlist *fl,
					   uint32_t ref)
{
	if (!ref || ref > fl->nsets)
		return NULL;
	return &fl->sets[ref - 1];
}

void flowlist_set_free(struct flowlist_set *s)
{
	free(s->prefixes);
	s->prefixes = NULL;
	s->n = s->alloc = 0;
	free(s->hosts);
	s->hosts = NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

int flowlist_set_follow(struct flowlist_set *s, const char *names)
{
	size_t len = (s->hosts ? strlen(s->hosts) + 1 : 0) + strlen(names) + 1;
	size_t n = 1, i, k, o = 0;
	char *all, *out, **v = NULL, *p, *save = NULL;

	all = malloc(len);
	out = malloc(len);
	if (all) {
		snprintf(all, len, "%s%s%s", s->hosts ? s->hosts : "",
			 s->hosts ? "," : "", names);
		for (p = all; *p; p++) {
			*p = (char)tolower((unsigned char)*p);
			n += *p == ',';
		}
		v = calloc(n, sizeof(*v));
	}
	if (!all || !out || !v) {
		free(all);
		free(out);
		free(v);
		return -ENOMEM;
	}
	for (n = 0, p = strtok_r(all, ",", &save); p;
	     p = strtok_r(NULL, ",", &save))
		v[n++] = p;
	qsort(v, n, sizeof(*v), cmp_str);
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && !strcmp(v[k], v[i]); k++)
			;
		o += snprintf(out + o, len - o, "%s%s", o ? "," : "", v[i]);
	}
	free(s->hosts);
	s->hosts = out;
	if (!o) {
		free(out);
		s->hosts = NULL;
	}
	free(all);
	free(v);
	return 0;
}

static int set_append(struct flowlist_set *s, const struct flowlist_prefix *p)
{
	struct flowlist_prefix *np;
	uint32_t alloc;

	if (s->n == s->alloc) {
		alloc = s->alloc ? 2 * s->alloc : 8;
		np = realloc(s->prefixes, alloc * sizeof(*np));
		if (!np)
			return -ENOMEM;
		s->prefixes = np;
		s->alloc = alloc;
	}
	s->prefixes[s->n++] = *p;
	return 0;
}

/*
 * Appended as given; duplicates are collapsed by flowlist_set_dedup(),
 * once, rather than searched for on every add (10,000 prefixes).
 */
int flowlist_set_add(struct flowlist_set *s, const struct flowlist_prefix *p)
{
	return set_append(s, p);
}

static uint32_t prefix_hash(const struct flowlist_prefix *p)
{
	const uint8_t *b = (const uint8_t *)p;
	uint32_t h = 2166136261U;
	size_t i;

	for (i = 0; i < sizeof(*p); i++)
		h = (h ^ b[i]) * 16777619U;
	return h;
}

int flowlist_set_dedup(struct flowlist_set *s)
{
	uint32_t slots = 16, *tab, i, j = 0, k;

	if (s->n < 2)
		return 0;
	while (slots < 2 * s->n)
		slots *= 2;
	tab = calloc(slots, sizeof(*tab));	/* index + 1, 0 free */
	if (!tab)
		return -ENOMEM;
	for (i = 0; i < s->n; i++) {
		const struct flowlist_prefix *p = &s->prefixes[i];

		for (k = prefix_hash(p) & (slots - 1); tab[k];
		     k = (k + 1) & (slots - 1)) {
			if (!memcmp(&s->prefixes[tab[k] - 1], p, sizeof(*p)))
				break;
		}
		if (tab[k])
			continue;	/* seen: collapse */
		s->prefixes[j] = *p;
		tab[k] = ++j;
	}
	s->n = j;
	free(tab);
	return 0;
}

bool flowlist_set_equal(const struct flowlist_set *a,
			const struct flowlist_set *b)
{
	return a && b && !strcmp(a->name, b->name) && a->n == b->n &&
	       (!a->n ||
		!memcmp(a->prefixes, b->prefixes, a->n * sizeof(*a->prefixes)));
}

static int set_copy(struct flowlist_set *dst, const struct flowlist_set *src)
{
	memset(dst, 0, sizeof(*dst));
	memcpy(dst->name, src->name, sizeof(dst->name));
	dst->prefixes = malloc((src->n ? src->n : 1) * sizeof(*src->prefixes));
	if (!dst->prefixes)
		return -ENOMEM;
	if (src->n)
		memcpy(dst->prefixes, src->prefixes,
		       src->n * sizeof(*src->prefixes));
	dst->alloc = src->n ? src->n : 1;
	dst->n = src->n;
	if (src->hosts) {
		dst->hosts = strdup(src->hosts);
		if (!dst->hosts) {
			free(dst->prefixes);
			dst->prefixes = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

int flowlist_push_set(struct flowlist *fl, const struct flowlist_set *s,
		      uint32_t *ref)
{
	struct flowlist_set *ns;
	size_t alloc;

	if (fl->nsets == fl->sets_alloc) {
		alloc = fl->sets_alloc ? 2 * fl->sets_alloc : 8;
		ns = realloc(fl->sets, alloc * sizeof(*ns));
		if (!ns)
			return -ENOMEM;
		fl->sets = ns;
		fl->sets_alloc = alloc;
	}
	if (set_copy(&fl->sets[fl->nsets], s))
		return -ENOMEM;
	*ref = ++fl->nsets;
	return 0;
}

int flowlist_intern_set(struct flowlist *fl, const struct flowlist_set *s,
			uint32_t *ref)
{
	struct flowlist_set copy;
	size_t i;

	for (i = 0; i < fl->nsets; i++) {
		if (flowlist_set_equal(&fl->sets[i], s)) {
			*ref = i + 1;
			return s->hosts ? flowlist_set_follow(&fl->sets[i],
							      s->hosts) : 0;
		}
	}
	for (i = 0; s->name[0] && i < fl->nsets; i++) {
		if (strcmp(fl->sets[i].name, s->name))
			continue;
		if (set_copy(&copy, s))
			return -ENOMEM;
		flowlist_set_free(&fl->sets[i]);
		fl->sets[i] = copy;
		*ref = i + 1;
		return 0;
	}
	return flowlist_push_set(fl, s, ref);
}

int flowlist_copy_flow(struct flowlist *dst, const struct flowlist *src,
		       const struct flowlist_flow *f)
{
	struct flowlist_flow nf = *f;
	int ret = 0;

	if (f->from_set)
		ret = flowlist_intern_set(dst, flowlist_set_of(src, f->from_set),
					  &nf.from_set);
	if (!ret && f->to_set)
		ret = flowlist_intern_set(dst, flowlist_set_of(src, f->to_set),
					  &nf.to_set);
	if (!ret)
		ret = grow(dst);
	if (ret)
		return ret;
	dst->flows[dst->n++] = nf;
	return 0;
}

int flowlist_set_ids(const struct flowlist *fl, uint32_t *ids,
		     uint32_t *nsets, uint32_t *nprefixes, char *err,
		     size_t errlen)
{
	uint32_t *id = ids, n = 0, np = 0;
	size_t i;

	if (!id && fl->nsets) {
		id = calloc(fl->nsets, sizeof(*id));
		if (!id)
			return -ENOMEM;
	} else if (id) {
		memset(id, 0, fl->nsets * sizeof(*id));
	}
	for (i = 0; i < fl->n; i++) {
		uint32_t r[2] = { fl->flows[i].from_set, fl->flows[i].to_set };
		int k;

		for (k = 0; k < 2; k++) {
			if (!r[k] || r[k] > fl->nsets || id[r[k] - 1])
				continue;
			id[r[k] - 1] = ++n;
			np += fl->sets[r[k] - 1].n;
		}
	}
	if (id != ids)
		free(id);
	if (nsets)
		*nsets = n;
	if (nprefixes)
		*nprefixes = np;
	if (n > EPGATE_MAX_SETS) {
		if (err)
			snprintf(err, errlen,
				 "%u address sets, more than the module's %d",
				 n, EPGATE_MAX_SETS);
		return -E2BIG;
	}
	if (np > EPGATE_MAX_PREFIXES) {
		if (err)
			snprintf(err, errlen,
				 "%u prefixes in address sets, more than the module's %d",
				 np, EPGATE_MAX_PREFIXES);
		return -E2BIG;
	}
	return 0;
}

static unsigned int family_bit(uint8_t family)
{
	return family == AF_INET ? 1 : family == AF_INET6 ? 2 : 3;
}

unsigned int flowlist_role_families(const struct flowlist *fl,
				    const struct flowlist_prefix *p,
				    uint32_t ref)
{
	const struct flowlist_set *s = flowlist_set_of(fl, ref);
	unsigned int m = 0;
	uint32_t i;

	if (!s)
		return family_bit(p->family);
	for (i = 0; i < s->n && m != 3; i++)
		m |= family_bit(s->prefixes[i].family);
	return m;
}

const char *flowlist_prefix_str(const struct flowlist_prefix *p, char *buf,
				size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!p->family) {
		snprintf(buf, len, "any");
		return buf;
	}
	inet_ntop(p->family, p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

const char *flowlist_role_str(const struct flowlist *fl,
			      const struct flowlist_prefix *p, uint32_t ref,
			      unsigned int max, char *buf, size_t len)
{
	const struct flowlist_set *s = flowlist_set_of(fl, ref);
	char one[64];
	size_t o = 0;
	uint32_t i;
	int w;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!s)
		return flowlist_prefix_str(p, buf, len);
	if (s->name[0]) {
		snprintf(buf, len, "@%s", s->name);
		return buf;
	}
	for (i = 0; i < s->n; i++) {
		if (max && i == max) {
			snprintf(buf + o, len - o, ",... (%u prefixes)", s->n);
			break;
		}
		flowlist_prefix_str(&s->prefixes[i], one, sizeof(one));
		w = snprintf(buf + o, len - o, "%s%s", i ? "," : "", one);
		if (w < 0 || (size_t)w >= len - o)
			break;	/* cut: the caller asked for all in too little */
		o += w;
	}
	return buf;
}
