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

/* profile flow proto ports from to [mode], plus one to catch extras. */
#define FIELDS_MAX 8

/* Quoted tokens are cut here so that an error stays one readable line. */

struct tok {
	const char *s;
	size_t len;
	unsigned int col;
};

/* Open-addressed, never more than half full: 2 x EPGATE_MAX_FLOWS slots. */
#define INDEX_SLOTS	(2U * EPGATE_MAX_FLOWS)
_Static_assert((INDEX_SLOTS & (INDEX_SLOTS - 1)) == 0, "power of two");

struct parser {
	struct flowlist *fl;
	struct flowlist_error *err;
	unsigned int line;
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

static const char *qt(struct parser *p, int slot, const struct tok *t)
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

static bool tok_is(const struct tok *t, const char *word)
{
	return t->len == strlen(word) && !memcmp(t->s, word, t->len);
}

/* Names, ports and families follow the rules of flowcheck.h. */
static int parse_name(struct parser *p, const struct tok *t, const char *what,
		      char *out)
{
	struct flowcheck_error fe;

	if (flowcheck_name(what, t->s, t->len, &fe))
		return fail(p, t->col + fe.off, "%s", fe.msg);
	memcpy(out, t->s, t->len);
	out[t->len] = '\0';
	return 0;
}

static int parse_proto(struct parser *p, const struct tok *t, uint8_t *proto)
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

static int parse_ports(struct parser *p, const struct tok *t,
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
static int parse_prefix(struct parser *p, const struct tok *t,
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
	struct tok t = { .s = s, .len = strlen(s), .col = 1 };

	return parse_prefix(&p, &t, pfx);
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
		 struct tok *toks, int *ntoks, unsigned int *end_col)
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
		if (*ntoks < FIELDS_MAX) {
			toks[*ntoks].s = s + start;
			toks[*ntoks].len = i - start;
			toks[*ntoks].col = start + 1;
			(*ntoks)++;
		}
		*end_col = i + 1;
	}
	return 0;
}

static const char * const field_desc[] = {
	"profile name",
	"flow name",
	"protocol (tcp or udp)",
	"ports",
	"from (any or ADDR/LEN)",
	"to (any or ADDR/LEN)",
};

static int need(struct parser *p, const struct tok *toks, int ntoks, int i,
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
		     const struct tok *toks, int ntoks)
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

static int parse_line(struct parser *p, const char *s, size_t len)
{
	struct tok toks[FIELDS_MAX];
	struct flowlist_flow *f;
	unsigned int end_col;
	int ntoks, ret;

	ret = split(p, s, len, toks, &ntoks, &end_col);
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
		ret = parse_prefix(p, &toks[4], &f->from);
	if (!ret)
		ret = need(p, toks, ntoks, 5, end_col);
	if (!ret)
		ret = parse_prefix(p, &toks[5], &f->to);
	if (ret)
		return ret;

	/* Such a flow could never match a packet: surely a mistake. */
	if (!flowcheck_families(&f->from, &f->to))
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
	struct parser p = { .fl = fl, .err = err, .line = 0 };
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
	free(fl->flows);
	fl->flows = NULL;
	fl->n = 0;
	fl->alloc = 0;
}

/* Equal in every field but the line they came from. */
bool flowlist_same_flow(const struct flowlist_flow *a,
			const struct flowlist_flow *b)
{
	return !strcmp(a->profile, b->profile) && !strcmp(a->name, b->name) &&
	       a->proto == b->proto && a->mode == b->mode &&
	       a->nranges == b->nranges &&
	       !memcmp(a->ranges, b->ranges, a->nranges * sizeof(a->ranges[0])) &&
	       !memcmp(&a->from, &b->from, sizeof(a->from)) &&
	       !memcmp(&a->to, &b->to, sizeof(a->to));
}
