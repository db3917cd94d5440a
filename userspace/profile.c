// SPDX-License-Identifier: GPL-2.0
/*
 * Vendor profiles: the parser and override parser of
 * Documentation/profile-format.md, the search path, and the compiler into
 * kernel flows.
 *
 * As in flowlist.c, every error names its line and column and quotes the
 * offending word, and the first error ends the parse: a profile either
 * parses completely or not at all, so that nothing half-read is ever
 * compiled.  Tokens are (pointer, length) slices of the caller's buffer,
 * nothing assumes a terminating NUL, and the parser is safe to fuzz on raw
 * bytes.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowcheck.h"
#include "profile.h"
#include "hostname.h"

/* The longest statement is `direction A -> B`; one more catches extras. */
#define TOKS_MAX 6

/* Quoted words are cut here so that an error stays one readable line. */

/* Far bigger than any profile: anything larger is a mistake. */
#define PROFILE_FILE_MAX (1U << 20)

/* Directories on the search path, at most (PROFILE_PATH_TOO_LONG). */
#define PATH_DIRS_MAX 32

struct tok {
	const char *raw;	/* the token as written, quotes included */
	size_t rawlen;
	const char *s;		/* a word, or a string's text between quotes */
	size_t len;
	size_t slen;		/* a string's length once unescaped */
	unsigned int col;
	bool str;
};

struct line {
	struct tok toks[TOKS_MAX];
	int n;			/* tokens stored, at most TOKS_MAX */
	unsigned int end_col;	/* just after the last token */
	bool indented;
};

/* A role or option a flow names, resolved once the whole file is read. */
struct ref {
	unsigned int line, col;
	size_t flow;
	enum { REF_FROM, REF_TO, REF_OPTION } kind;
	char name[EPGATE_NAME_MAX];
};

/* Flow attributes that may appear once; `service` is repeatable. */
enum attr {
	ATTR_PROTO,
	ATTR_PORTS,
	ATTR_DIRECTION,
	ATTR_DESCRIPTION,
	ATTR_SOURCE,
	ATTR_OPTION,
	ATTR_SERVICE,
	ATTR_COUNT
};

static const char * const attr_names[] = {
	[ATTR_PROTO] = "proto",
	[ATTR_PORTS] = "ports",
	[ATTR_DIRECTION] = "direction",
	[ATTR_DESCRIPTION] = "description",
	[ATTR_SOURCE] = "source",
	[ATTR_OPTION] = "option",
	[ATTR_SERVICE] = "service",
};

enum stmt {
	STMT_PROFILE,
	STMT_DESCRIPTION,
	STMT_PRODUCT,
	STMT_DOCUMENT,
	STMT_ROLE,
	STMT_OPTION,
	STMT_FLOW,
	STMT_HOST,
	STMT_COUNT
};

static const char * const stmt_names[] = {
	[STMT_PROFILE] = "profile",
	[STMT_DESCRIPTION] = "description",
	[STMT_PRODUCT] = "product",
	[STMT_DOCUMENT] = "document",
	[STMT_ROLE] = "role",
	[STMT_OPTION] = "option",
	[STMT_FLOW] = "flow",
	[STMT_HOST] = "host",
};

/*
 * One name of a flow in the parser's index (open addressing, linear
 * probing, doubled at half load): the name itself is the flow's, read back
 * through the flow's index, so an entry is 8 bytes.
 */
enum { NAME_DECLARED, NAME_COMPILED };

struct name_slot {
	uint32_t flow;		/* index + 1 into the profile's flows; 0: free */
	uint8_t kind;		/* NAME_DECLARED or NAME_COMPILED */
	uint8_t sub;		/* which compiled name (tcp,udp has two) */
};

struct parser {
	struct profile *p;
	struct profile_error *err;
	unsigned int line;
	char quote[3][FLOWCHECK_QUOTE_BUF];

	/* Profiles: where each once-only statement was first seen. */
	unsigned int stmt_line[STMT_COUNT];
	/* The open flow block, if any, and where its attributes are. */
	bool in_flow;
	unsigned int attr_line[ATTR_COUNT];
	unsigned int flow_col;
	struct ref *refs;
	size_t nrefs, refs_alloc;
	size_t roles_alloc, options_alloc, flows_alloc;
	/* Flow names, declared and compiled, for duplicates in O(1). */
	struct name_slot *names;
	size_t names_slots, names_used;

	/* Override files: the override statement, and each flow's line. */
	unsigned int override_line;
	unsigned int *ov_line;		/* per flow of p; 0: not overridden */
	struct flowlist_range (*ov_ranges)[EPGATE_MAX_RANGES];
	uint16_t *ov_nranges;
};

/*
 * Printable form of @len bytes for an error message: non-printable bytes
 * as \xNN, long text cut with "...".  Three slots, so that one message can
 * quote up to three words.
 */
static const char *q(struct parser *p, int slot, const char *s, size_t len)
{
	return flowcheck_quote(p->quote[slot], s, len);
}

/* A token as written, a string with its quotes. */
static const char *qt(struct parser *p, int slot, const struct tok *t)
{
	return q(p, slot, t->raw, t->rawlen);
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

static void set_file(struct profile_error *err, const char *file)
{
	snprintf(err->file, sizeof(err->file), "%s", file);
}

static bool tok_is(const struct tok *t, const char *word)
{
	return !t->str && t->len == strlen(word) && !memcmp(t->s, word, t->len);
}

static void tok_copy(const struct tok *t, char *out)
{
	memcpy(out, t->s, t->len);
	out[t->len] = '\0';
}

/* A string's text with its escapes (\" and \\) undone. */
static void str_copy(const struct tok *t, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < t->len; i++) {
		if (t->s[i] == '\\')
			i++;
		out[o++] = t->s[i];
	}
	out[o] = '\0';
}

/*
 * Length of the valid UTF-8 sequence at @s (at most @n bytes), or 0:
 * overlong forms, surrogates and code points past U+10FFFF are invalid.
 */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	}
	return len;
}

/* The whole line, comment included: UTF-8, no control byte but tab. */
static int check_bytes(struct parser *p, const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		unsigned char c = s[i];

		if (c == '\r')
			return fail(p, i + 1,
				    "invalid byte '\\x0d' (carriage return: use Unix line endings)");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(p, i + 1, "invalid byte '%s'",
				    q(p, 0, s + i, 1));
		n = utf8_seq((const unsigned char *)s + i, len - i);
		if (!n)
			return fail(p, i + 1, "invalid UTF-8 byte '%s'",
				    q(p, 0, s + i, 1));
		i += n;
	}
	return 0;
}

/* A double-quoted string at @s[*i]; on return *i is past its quote. */
static int split_string(struct parser *p, const char *s, size_t len,
			size_t *i, struct tok *t)
{
	size_t start = *i, j = start + 1;

	t->slen = 0;
	for (;;) {
		if (j >= len)
			return fail(p, start + 1, "unterminated string");
		if (s[j] == '"')
			break;
		if (s[j] == '\\') {
			if (j + 1 >= len)
				return fail(p, start + 1, "unterminated string");
			if (s[j + 1] != '"' && s[j + 1] != '\\')
				return fail(p, j + 1,
					    "unknown escape '%s' in string (only \\\" and \\\\)",
					    q(p, 0, s + j, 2));
			j++;
		}
		j++;
		t->slen++;
	}
	if (t->slen > PROFILE_STR_MAX - 1)
		return fail(p, start + 1, "string longer than %d bytes",
			    PROFILE_STR_MAX - 1);
	if (j + 1 < len && s[j + 1] != ' ' && s[j + 1] != '\t' &&
	    s[j + 1] != '#')
		return fail(p, j + 2, "missing space after string before '%s'",
			    q(p, 0, s + j + 1, 1));
	t->str = true;
	t->s = s + start + 1;
	t->len = j - start - 1;
	t->raw = s + start;
	t->rawlen = j + 1 - start;
	t->col = start + 1;
	*i = j + 1;
	return 0;
}

/* Split one line (without its newline) into words and strings. */
static int split(struct parser *p, const char *s, size_t len, struct line *l)
{
	size_t i = 0;
	int ret;

	l->n = 0;
	l->end_col = 1;
	l->indented = len && (s[0] == ' ' || s[0] == '\t');
	if (p->line == 1 && flowcheck_bom(s, len))
		return fail(p, 1, FLOWCHECK_BOM_MSG);
	ret = check_bytes(p, s, len);
	if (ret)
		return ret;
	while (i < len) {
		struct tok t = { 0 };
		size_t start = i;

		if (s[i] == '#')
			break;
		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		if (s[i] == '"') {
			ret = split_string(p, s, len, &i, &t);
			if (ret)
				return ret;
		} else {
			while (i < len && s[i] != ' ' && s[i] != '\t' &&
			       s[i] != '#') {
				if (s[i] == '"')
					return fail(p, i + 1,
						    "unexpected '\"' in '%s'",
						    q(p, 0, s + start,
						      i - start));
				i++;
			}
			t.s = t.raw = s + start;
			t.len = t.rawlen = i - start;
			t.col = start + 1;
		}
		if (l->n < TOKS_MAX)
			l->toks[l->n++] = t;
		l->end_col = i + 1;
	}
	return 0;
}

/* Token @i of @l must exist; its absence is reported after token i - 1. */
static int need(struct parser *p, const struct line *l, int i,
		const char *what)
{
	if (i < l->n)
		return 0;
	return fail(p, l->end_col, "missing %s after '%s'", what,
		    qt(p, 0, &l->toks[i - 1]));
}

static int need_word(struct parser *p, const struct line *l, int i,
		     const char *what)
{
	int ret = need(p, l, i, what);

	if (!ret && l->toks[i].str)
		return fail(p, l->toks[i].col, "expected %s, got string '%s'",
			    what, qt(p, 0, &l->toks[i]));
	return ret;
}

static int need_string(struct parser *p, const struct line *l, int i,
		       const char *what)
{
	int ret = need(p, l, i, what);

	if (ret)
		return ret;
	if (!l->toks[i].str)
		return fail(p, l->toks[i].col,
			    "expected %s as a quoted string, got '%s'", what,
			    qt(p, 0, &l->toks[i]));
	if (!l->toks[i].len)
		return fail(p, l->toks[i].col, "empty %s", what);
	return 0;
}

/* Optional string @i: absent is fine, anything else must be a string. */
static int opt_string(struct parser *p, const struct line *l, int i,
		      const char *what, char *out)
{
	if (i >= l->n) {
		out[0] = '\0';
		return 0;
	}
	if (need_string(p, l, i, what))
		return -EINVAL;
	str_copy(&l->toks[i], out);
	return 0;
}

static int no_more(struct parser *p, const struct line *l, int n)
{
	if (l->n <= n)
		return 0;
	return fail(p, l->toks[n].col, "extra word '%s'",
		    qt(p, 0, &l->toks[n]));
}

/* A name: 1..31 of a-z 0-9 - _, starting with a letter or a digit. */
static int parse_name(struct parser *p, const struct line *l, int i,
		      const char *what, char *out)
{
	const struct tok *t = &l->toks[i];
	struct flowcheck_error fe;
	char label[32];
	int ret;

	snprintf(label, sizeof(label), "%s name", what);
	ret = need_word(p, l, i, label);
	if (ret)
		return ret;
	if (flowcheck_name(what, t->s, t->len, &fe))
		return fail(p, t->col + fe.off, "%s", fe.msg);
	tok_copy(t, out);
	return 0;
}

/* A file name word (document, source): any printable text but spaces. */
static int parse_file(struct parser *p, const struct line *l, int i,
		      const char *what, char *out)
{
	int ret = need_word(p, l, i, what);

	if (ret)
		return ret;
	if (l->toks[i].len > PROFILE_STR_MAX - 1)
		return fail(p, l->toks[i].col, "%s '%s' is longer than %d bytes",
			    what, qt(p, 0, &l->toks[i]), PROFILE_STR_MAX - 1);
	tok_copy(&l->toks[i], out);
	return 0;
}

/* The port list of word @i (flowcheck.h has the rules). */
static int parse_ports(struct parser *p, const struct line *l, int i,
		       struct flowlist_range *ranges, uint16_t *nranges)
{
	const struct tok *t = &l->toks[i];
	struct flowcheck_error fe;
	int ret;

	ret = need_word(p, l, i, "port list");
	if (ret)
		return ret;
	if (flowcheck_ports(t->s, t->len, ranges, nranges, &fe))
		return fail(p, t->col + fe.off, "%s", fe.msg);
	return 0;
}

static void *grow(void *arr, size_t n, size_t *alloc, size_t size)
{
	size_t nalloc;
	void *a;

	if (n < *alloc)
		return arr;
	nalloc = *alloc ? *alloc * 2 : 8;
	a = realloc(arr, nalloc * size);
	if (a)
		*alloc = nalloc;
	return a;
}

/* Compiled flow names: NAME, or NAME-tcp and NAME-udp for tcp,udp. */
static unsigned int compiled_names(const struct profile_flow *f,
				   char names[2][EPGATE_NAME_MAX + 4])
{
	if (f->protos != (PROFILE_PROTO_TCP | PROFILE_PROTO_UDP)) {
		snprintf(names[0], sizeof(names[0]), "%s", f->name);
		return 1;
	}
	snprintf(names[0], sizeof(names[0]), "%s-tcp", f->name);
	snprintf(names[1], sizeof(names[1]), "%s-udp", f->name);
	return 2;
}

static uint32_t name_hash(unsigned int kind, const char *s)
{
	uint32_t h = 2166136261u ^ kind;	/* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

static const char *slot_name(const struct profile *pr,
			     const struct name_slot *e,
			     char buf[2][EPGATE_NAME_MAX + 4])
{
	const struct profile_flow *f = &pr->flows[e->flow - 1];

	if (e->kind == NAME_DECLARED)
		return f->name;
	compiled_names(f, buf);
	return buf[e->sub];
}

/* The flow whose @kind name is @name, or -1. */
static long name_find(const struct parser *p, unsigned int kind,
		      const char *name)
{
	char buf[2][EPGATE_NAME_MAX + 4];
	size_t mask = p->names_slots - 1, i;

	if (!p->names_slots)
		return -1;
	for (i = name_hash(kind, name) & mask; p->names[i].flow;
	     i = (i + 1) & mask) {
		if (p->names[i].kind == kind &&
		    !strcmp(slot_name(p->p, &p->names[i], buf), name))
			return (long)p->names[i].flow - 1;
	}
	return -1;
}

static void name_put(struct name_slot *slots, size_t nslots,
		     const struct profile *pr, struct name_slot e)
{
	char buf[2][EPGATE_NAME_MAX + 4];
	size_t i = name_hash(e.kind, slot_name(pr, &e, buf)) & (nslots - 1);

	while (slots[i].flow)
		i = (i + 1) & (nslots - 1);
	slots[i] = e;
}

static int name_add(struct parser *p, unsigned int kind, unsigned int sub,
		    size_t flow)
{
	struct name_slot e = { .flow = flow + 1, .kind = kind, .sub = sub };

	if ((p->names_used + 1) * 2 > p->names_slots) {
		size_t n = p->names_slots ? p->names_slots * 2 : 64, i;
		struct name_slot *s = calloc(n, sizeof(*s));

		if (!s)
			return -ENOMEM;
		for (i = 0; i < p->names_slots; i++) {
			if (p->names[i].flow)
				name_put(s, n, p->p, p->names[i]);
		}
		free(p->names);
		p->names = s;
		p->names_slots = n;
	}
	name_put(p->names, p->names_slots, p->p, e);
	p->names_used++;
	return 0;
}

/*
 * The end of a flow block: required attributes, and a compiled name
 * clashing with one of an earlier flow (`a` as tcp,udp and `a-tcp`).
 */
static int end_flow(struct parser *p)
{
	static const enum attr required[] = {
		ATTR_PROTO, ATTR_PORTS, ATTR_DIRECTION, ATTR_DESCRIPTION,
	};
	char mine[2][EPGATE_NAME_MAX + 4];
	struct profile *pr = p->p;
	struct profile_flow *f;
	unsigned int n, a;
	long other;
	size_t i;

	if (!p->in_flow)
		return 0;
	p->in_flow = false;
	f = &pr->flows[pr->nflows - 1];
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (p->attr_line[required[i]])
			continue;
		p->line = f->line;
		return fail(p, p->flow_col, "missing '%s' in flow '%s'",
			    attr_names[required[i]], f->name);
	}
	n = compiled_names(f, mine);
	for (a = 0; a < n; a++) {
		other = name_find(p, NAME_COMPILED, mine[a]);
		if (other < 0)
			continue;
		p->line = f->line;
		return fail(p, p->flow_col,
			    "flow '%s' compiles to '%s', as does flow '%s' (line %u)",
			    f->name, mine[a], pr->flows[other].name,
			    pr->flows[other].line);
	}
	for (a = 0; a < n; a++) {
		if (name_add(p, NAME_COMPILED, a, pr->nflows - 1))
			return -ENOMEM;
	}
	return 0;
}

static int add_ref(struct parser *p, const struct tok *t, int kind)
{
	struct ref *r;

	r = grow(p->refs, p->nrefs, &p->refs_alloc, sizeof(*r));
	if (!r)
		return -ENOMEM;
	p->refs = r;
	r = &p->refs[p->nrefs++];
	r->line = p->line;
	r->col = t->col;
	r->flow = p->p->nflows - 1;
	r->kind = kind;
	tok_copy(t, r->name);
	return 0;
}

static int parse_attr(struct parser *p, const struct line *l)
{
	const struct tok *t = &l->toks[0];
	struct profile *pr = p->p;
	struct profile_flow *f = &pr->flows[pr->nflows - 1];
	char name[EPGATE_NAME_MAX];
	unsigned int i, a;
	int ret;

	for (a = 0; a < ATTR_COUNT; a++) {
		if (tok_is(t, attr_names[a]))
			break;
	}
	if (a == ATTR_COUNT) {
		for (i = 0; i < STMT_COUNT; i++) {
			if (tok_is(t, stmt_names[i]))
				return fail(p, t->col,
					    "unknown attribute '%s' in flow '%s' (top-level statements start in column 1)",
					    qt(p, 0, t), f->name);
		}
		return fail(p, t->col, "unknown attribute '%s' in flow '%s'",
			    qt(p, 0, t), f->name);
	}
	if (a != ATTR_SERVICE && p->attr_line[a])
		return fail(p, t->col,
			    "duplicate '%s' in flow '%s' (first at line %u)",
			    attr_names[a], f->name, p->attr_line[a]);
	p->attr_line[a] = p->line;

	switch (a) {
	case ATTR_PROTO:
		ret = need_word(p, l, 1, "protocol (tcp, udp or tcp,udp)");
		if (ret)
			return ret;
		t = &l->toks[1];
		if (tok_is(t, "tcp"))
			f->protos = PROFILE_PROTO_TCP;
		else if (tok_is(t, "udp"))
			f->protos = PROFILE_PROTO_UDP;
		else if (tok_is(t, "tcp,udp"))
			f->protos = PROFILE_PROTO_TCP | PROFILE_PROTO_UDP;
		else
			return fail(p, t->col,
				    "unknown protocol '%s' (tcp, udp or tcp,udp)",
				    qt(p, 0, t));
		if (f->protos != PROFILE_PROTO_TCP &&
		    f->protos != PROFILE_PROTO_UDP &&
		    strlen(f->name) + 4 > EPGATE_NAME_MAX - 1)
			return fail(p, t->col,
				    "flow name '%s' is too long for tcp,udp ('%s-tcp' is longer than %d characters)",
				    f->name, f->name, EPGATE_NAME_MAX - 1);
		return no_more(p, l, 2);
	case ATTR_PORTS:
		ret = parse_ports(p, l, 1, f->ranges, &f->nranges);
		if (ret)
			return ret;
		if (l->n > 2)
			return fail(p, l->toks[2].col,
				    "extra word '%s' (no spaces inside a port list)",
				    qt(p, 0, &l->toks[2]));
		return 0;
	case ATTR_DIRECTION:
		ret = parse_name(p, l, 1, "initiator role", name);
		if (!ret)
			ret = need(p, l, 2, "'->'");
		if (ret)
			return ret;
		if (!tok_is(&l->toks[2], "->"))
			return fail(p, l->toks[2].col, "expected '->', got '%s'",
				    qt(p, 0, &l->toks[2]));
		ret = parse_name(p, l, 3, "responder role", name);
		if (!ret)
			ret = no_more(p, l, 4);
		if (!ret)
			ret = add_ref(p, &l->toks[1], REF_FROM);
		if (!ret)
			ret = add_ref(p, &l->toks[3], REF_TO);
		return ret;
	case ATTR_DESCRIPTION:
		ret = need_string(p, l, 1, "description");
		if (ret)
			return ret;
		str_copy(&l->toks[1], f->description);
		return no_more(p, l, 2);
	case ATTR_SOURCE:
		ret = parse_file(p, l, 1, "source file", f->source);
		if (!ret)
			ret = opt_string(p, l, 2, "source location", f->where);
		if (!ret)
			ret = no_more(p, l, 3);
		return ret;
	case ATTR_OPTION:
		ret = parse_name(p, l, 1, "option", name);
		if (!ret)
			ret = no_more(p, l, 2);
		if (!ret)
			ret = add_ref(p, &l->toks[1], REF_OPTION);
		return ret;
	default:	/* ATTR_SERVICE */
		ret = parse_name(p, l, 1, "service", name);
		if (!ret)
			ret = no_more(p, l, 2);
		if (ret)
			return ret;
		for (i = 0; i < f->nservices; i++) {
			if (!strcmp(f->services[i], name))
				return fail(p, l->toks[1].col,
					    "duplicate service '%s' in flow '%s'",
					    name, f->name);
		}
		if (f->nservices == sizeof(f->services) / sizeof(f->services[0]))
			return fail(p, l->toks[1].col,
				    "more than %zu services in flow '%s' at '%s'",
				    sizeof(f->services) / sizeof(f->services[0]),
				    f->name, name);
		memcpy(f->services[f->nservices++], name, sizeof(name));
		return 0;
	}
}

static int parse_flow(struct parser *p, const struct line *l)
{
	struct profile *pr = p->p;
	struct profile_flow *f;
	char name[EPGATE_NAME_MAX];
	long dup;
	int ret;

	ret = parse_name(p, l, 1, "flow", name);
	if (!ret)
		ret = no_more(p, l, 2);
	if (ret)
		return ret;
	dup = name_find(p, NAME_DECLARED, name);
	if (dup >= 0)
		return fail(p, l->toks[1].col,
			    "duplicate flow '%s' (first at line %u)",
			    name, pr->flows[dup].line);
	if (pr->nflows == EPGATE_MAX_FLOWS)
		return fail(p, l->toks[0].col, "more than %d flows",
			    EPGATE_MAX_FLOWS);
	f = grow(pr->flows, pr->nflows, &p->flows_alloc, sizeof(*f));
	if (!f)
		return -ENOMEM;
	pr->flows = f;
	f = &pr->flows[pr->nflows++];
	memset(f, 0, sizeof(*f));
	memcpy(f->name, name, sizeof(name));
	f->from = f->to = f->option = -1;
	f->line = p->line;
	if (name_add(p, NAME_DECLARED, 0, pr->nflows - 1))
		return -ENOMEM;
	p->in_flow = true;
	p->flow_col = l->toks[1].col;
	memset(p->attr_line, 0, sizeof(p->attr_line));
	return 0;
}

/* role NAME STRING and option NAME STRING. */
static int parse_decl(struct parser *p, const struct line *l, bool role)
{
	const char *what = role ? "role" : "option";
	struct profile *pr = p->p;
	char name[EPGATE_NAME_MAX], label[32];
	size_t i, n = role ? pr->nroles : pr->noptions;
	int ret;

	snprintf(label, sizeof(label), "%s description", what);
	ret = parse_name(p, l, 1, what, name);
	if (!ret)
		ret = need_string(p, l, 2, label);
	if (!ret)
		ret = no_more(p, l, 3);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		const char *other = role ? pr->roles[i].name :
					   pr->options[i].name;
		unsigned int line = role ? pr->roles[i].line :
					   pr->options[i].line;

		if (!strcmp(other, name))
			return fail(p, l->toks[1].col,
				    "duplicate %s '%s' (first at line %u)",
				    what, name, line);
	}
	if (role) {
		struct profile_role *r;

		r = grow(pr->roles, n, &p->roles_alloc, sizeof(*r));
		if (!r)
			return -ENOMEM;
		pr->roles = r;
		r = &pr->roles[pr->nroles++];
		memcpy(r->name, name, sizeof(name));
		str_copy(&l->toks[2], r->description);
		r->line = p->line;
	} else {
		struct profile_option *o;

		o = grow(pr->options, n, &p->options_alloc, sizeof(*o));
		if (!o)
			return -ENOMEM;
		pr->options = o;
		o = &pr->options[pr->noptions++];
		memcpy(o->name, name, sizeof(name));
		str_copy(&l->toks[2], o->description);
		o->line = p->line;
	}
	return 0;
}

/* host ROLE NAME "WHERE" (the role is checked at the end of the file). */
static int parse_host(struct parser *p, const struct line *l)
{
	struct profile *pr = p->p;
	struct profile_host *h;
	char role[EPGATE_NAME_MAX], why[128];
	const struct tok *t;
	size_t i, off = 0;
	int ret;

	ret = parse_name(p, l, 1, "role", role);
	if (!ret)
		ret = need_word(p, l, 2, "hostname");
	if (ret)
		return ret;
	t = &l->toks[2];
	if (!hostname_valid(t->s, t->len, &off, why, sizeof(why)))
		return fail(p, t->col + off, "hostname '%s': %s", qt(p, 0, t),
			    why);
	ret = need_string(p, l, 3, "host source (where the document names it)");
	if (!ret)
		ret = no_more(p, l, 4);
	if (ret)
		return ret;
	if (pr->nhosts >= 256)
		return fail(p, l->toks[0].col, "more than 256 hosts");
	for (i = 0; i < pr->nhosts; i++) {
		char lower[HOSTNAME_MAX + 1];

		hostname_lower(lower, t->s, t->len);
		if (!strcmp(pr->hosts[i].role, role) &&
		    !strcmp(pr->hosts[i].name, lower))
			return fail(p, t->col,
				    "duplicate host '%s' of role '%s' (first at line %u)",
				    lower, role, pr->hosts[i].line);
	}
	h = realloc(pr->hosts, (pr->nhosts + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	pr->hosts = h;
	h = &pr->hosts[pr->nhosts++];
	memset(h, 0, sizeof(*h));
	memcpy(h->role, role, sizeof(role));
	hostname_lower(h->name, t->s, t->len);
	str_copy(&l->toks[3], h->where);
	h->line = p->line;
	h->role_col = l->toks[1].col;
	return 0;
}

static int parse_top(struct parser *p, const struct line *l)
{
	const struct tok *t = &l->toks[0];
	struct profile *pr = p->p;
	unsigned int s, a;
	int ret;

	for (s = 0; s < STMT_COUNT; s++) {
		if (tok_is(t, stmt_names[s]))
			break;
	}
	if (s == STMT_COUNT) {
		for (a = 0; a < ATTR_COUNT; a++) {
			if (tok_is(t, attr_names[a]))
				return fail(p, t->col,
					    "unknown statement '%s' (flow attributes are indented)",
					    qt(p, 0, t));
		}
		return fail(p, t->col, "unknown statement '%s'", qt(p, 0, t));
	}
	if (s != STMT_PROFILE && !p->stmt_line[STMT_PROFILE])
		return fail(p, t->col, "expected 'profile NAME' before '%s'",
			    qt(p, 0, t));
	if (s <= STMT_DOCUMENT && p->stmt_line[s])
		return fail(p, t->col, "duplicate '%s' (first at line %u)",
			    stmt_names[s], p->stmt_line[s]);
	if (!p->stmt_line[s])
		p->stmt_line[s] = p->line;

	switch (s) {
	case STMT_PROFILE:
		ret = parse_name(p, l, 1, "profile", pr->name);
		pr->name_line = p->line;
		pr->name_col = l->n > 1 ? l->toks[1].col : 0;
		return ret ? ret : no_more(p, l, 2);
	case STMT_DESCRIPTION:
	case STMT_PRODUCT:
		ret = need_string(p, l, 1, stmt_names[s]);
		if (ret)
			return ret;
		str_copy(&l->toks[1], s == STMT_PRODUCT ? pr->product :
							  pr->description);
		return no_more(p, l, 2);
	case STMT_DOCUMENT:
		ret = parse_file(p, l, 1, "document file", pr->document);
		if (!ret)
			ret = opt_string(p, l, 2, "document title",
					 pr->document_title);
		return ret ? ret : no_more(p, l, 3);
	case STMT_ROLE:
	case STMT_OPTION:
		return parse_decl(p, l, s == STMT_ROLE);
	case STMT_HOST:
		return parse_host(p, l);
	default:	/* STMT_FLOW */
		return parse_flow(p, l);
	}
}

/* "a, b, c" of the declared roles or options, cut to fit a message. */
static void declared(const struct profile *pr, bool roles, char *out,
		     size_t size)
{
	size_t i, n = roles ? pr->nroles : pr->noptions, off = 0, len;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *name = roles ? pr->roles[i].name :
					   pr->options[i].name;

		len = strlen(name);
		/* Room for ", NAME" and a final ", ..." with its NUL. */
		if (off + 2 + len + 6 > size) {
			memcpy(out + off, i ? ", ..." : "...", i ? 6 : 4);
			return;
		}
		if (i) {
			memcpy(out + off, ", ", 2);
			off += 2;
		}
		memcpy(out + off, name, len + 1);
		off += len;
	}
}

static int resolve(struct parser *p)
{
	struct profile *pr = p->p;
	char list[160];
	size_t i, k;

	for (i = 0; i < p->nrefs; i++) {
		const struct ref *r = &p->refs[i];
		struct profile_flow *f = &pr->flows[r->flow];
		bool role = r->kind != REF_OPTION;
		size_t n = role ? pr->nroles : pr->noptions;

		for (k = 0; k < n; k++) {
			if (!strcmp(role ? pr->roles[k].name :
					   pr->options[k].name, r->name))
				break;
		}
		if (k < n) {
			if (r->kind == REF_FROM)
				f->from = k;
			else if (r->kind == REF_TO)
				f->to = k;
			else
				f->option = k;
			continue;
		}
		p->line = r->line;
		if (!n)
			return fail(p, r->col,
				    "unknown option '%s' (no option is declared)",
				    r->name);
		declared(pr, role, list, sizeof(list));
		return fail(p, r->col, "unknown %s '%s' (declared: %s)",
			    role ? "role" : "option", r->name, list);
	}
	return 0;
}

/* End of file: what a profile must have, then the names flows use. */
static int finish(struct parser *p)
{
	static const enum stmt required[] = {
		STMT_DESCRIPTION, STMT_DOCUMENT, STMT_ROLE, STMT_FLOW,
	};
	struct profile *pr = p->p;
	size_t i;
	int ret;

	ret = end_flow(p);
	if (ret)
		return ret;
	if (!p->stmt_line[STMT_PROFILE]) {
		p->line = 1;
		return fail(p, 1, "no statement (expected 'profile NAME' first)");
	}
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (p->stmt_line[required[i]])
			continue;
		p->line = p->stmt_line[STMT_PROFILE];
		return fail(p, 1, "missing '%s' statement in profile '%s'",
			    stmt_names[required[i]], pr->name);
	}
	ret = resolve(p);
	if (ret)
		return ret;
	for (i = 0; i < pr->nhosts; i++) {
		char list[160];

		if (profile_has_role(pr, pr->hosts[i].role))
			continue;
		p->line = pr->hosts[i].line;
		declared(pr, true, list, sizeof(list));
		return fail(p, pr->hosts[i].role_col,
			    "unknown role '%s' (declared: %s)",
			    pr->hosts[i].role, list);
	}
	for (i = 0; i < pr->nflows; i++) {
		if (!pr->flows[i].source[0])
			memcpy(pr->flows[i].source, pr->document,
			       sizeof(pr->document));
	}
	return 0;
}

int profile_parse(const char *file, const char *buf, size_t len,
		  struct profile *p, struct profile_error *err)
{
	struct parser ps = { .p = p, .err = err };
	size_t off = 0;
	struct line l;
	int ret = 0;

	memset(err, 0, sizeof(*err));
	set_file(err, file);
	memset(p, 0, sizeof(*p));
	snprintf(p->file, sizeof(p->file), "%s", file);
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t llen = nl ? (size_t)(nl - buf) - off : len - off;

		ps.line++;
		ret = split(&ps, buf + off, llen, &l);
		off += llen + 1;
		if (ret)
			break;
		if (!l.n)
			continue;
		if (l.indented && !ps.in_flow)
			ret = fail(&ps, l.toks[0].col,
				   "indented '%s' outside a flow block (top-level statements start in column 1)",
				   qt(&ps, 0, &l.toks[0]));
		else if (l.indented)
			ret = parse_attr(&ps, &l);
		else
			ret = end_flow(&ps) ?: parse_top(&ps, &l);
		if (ret)
			break;
	}
	if (!ret)
		ret = finish(&ps);
	free(ps.refs);
	free(ps.names);
	if (ret) {
		if (ret == -ENOMEM) {
			err->line = ps.line;
			err->col = 0;
			snprintf(err->msg, sizeof(err->msg), "out of memory");
		}
		profile_free(p);
	}
	return ret;
}

static int override_line(struct parser *p, const struct line *l)
{
	const struct tok *t = &l->toks[0];
	struct profile *pr = p->p;
	char name[EPGATE_NAME_MAX];
	size_t i;
	int ret;

	if (tok_is(t, "override")) {
		if (p->override_line)
			return fail(p, t->col,
				    "duplicate 'override' (first at line %u)",
				    p->override_line);
		ret = parse_name(p, l, 1, "profile", name);
		if (!ret)
			ret = no_more(p, l, 2);
		if (ret)
			return ret;
		if (strcmp(name, pr->name))
			return fail(p, l->toks[1].col,
				    "this file overrides profile '%s', not '%s'",
				    name, pr->name);
		p->override_line = p->line;
		return 0;
	}
	if (!tok_is(t, "flow"))
		return fail(p, t->col,
			    "unknown statement '%s' in an override file (expected 'flow FLOW ports LIST')",
			    qt(p, 0, t));
	if (!p->override_line)
		return fail(p, t->col, "expected 'override NAME' before '%s'",
			    qt(p, 0, t));
	ret = parse_name(p, l, 1, "flow", name);
	if (ret)
		return ret;
	for (i = 0; i < pr->nflows; i++) {
		if (!strcmp(pr->flows[i].name, name))
			break;
	}
	if (i == pr->nflows)
		return fail(p, l->toks[1].col, "profile '%s' has no flow '%s'",
			    pr->name, name);
	if (p->ov_line[i])
		return fail(p, l->toks[1].col,
			    "duplicate override of flow '%s' (first at line %u)",
			    name, p->ov_line[i]);
	ret = need_word(p, l, 2, "'ports'");
	if (ret)
		return ret;
	if (!tok_is(&l->toks[2], "ports"))
		return fail(p, l->toks[2].col,
			    "expected 'ports', got '%s' (only ports can be overridden)",
			    qt(p, 0, &l->toks[2]));
	ret = parse_ports(p, l, 3, p->ov_ranges[i], &p->ov_nranges[i]);
	if (ret)
		return ret;
	if (l->n > 4)
		return fail(p, l->toks[4].col,
			    "extra word '%s' (no spaces inside a port list)",
			    qt(p, 0, &l->toks[4]));
	p->ov_line[i] = p->line;
	return 0;
}

/*
 * The new ports are collected aside and applied only once the whole file
 * has parsed, so that an error leaves @p as it was.
 */
int profile_override(struct profile *p, const char *file, const char *buf,
		     size_t len, struct profile_error *err)
{
	struct parser ps = { .p = p, .err = err };
	size_t off = 0, i, n = p->nflows + 1;
	char **files;
	struct line l;
	int ret = 0;

	memset(err, 0, sizeof(*err));
	set_file(err, file);
	ps.ov_line = calloc(n, sizeof(*ps.ov_line));
	ps.ov_ranges = calloc(n, sizeof(*ps.ov_ranges));
	ps.ov_nranges = calloc(n, sizeof(*ps.ov_nranges));
	if (!ps.ov_line || !ps.ov_ranges || !ps.ov_nranges) {
		ret = -ENOMEM;
		goto out;
	}
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t llen = nl ? (size_t)(nl - buf) - off : len - off;

		ps.line++;
		ret = split(&ps, buf + off, llen, &l);
		off += llen + 1;
		if (ret)
			goto out;
		if (!l.n)
			continue;
		if (l.indented)
			ret = fail(&ps, l.toks[0].col,
				   "indented '%s' in an override file (statements start in column 1)",
				   qt(&ps, 0, &l.toks[0]));
		else
			ret = override_line(&ps, &l);
		if (ret)
			goto out;
	}
	if (!ps.override_line) {
		ps.line = 1;
		ret = fail(&ps, 1, "no statement (expected 'override NAME' first)");
		goto out;
	}

	files = realloc(p->overrides, (p->noverrides + 1) * sizeof(*files));
	if (!files) {
		ret = -ENOMEM;
		goto out;
	}
	p->overrides = files;
	files[p->noverrides] = strdup(file);
	if (!files[p->noverrides]) {
		ret = -ENOMEM;
		goto out;
	}
	p->noverrides++;
	for (i = 0; i < p->nflows; i++) {
		struct profile_flow *f = &p->flows[i];

		if (!ps.ov_line[i])
			continue;
		f->nranges = ps.ov_nranges[i];
		memcpy(f->ranges, ps.ov_ranges[i], sizeof(f->ranges));
		snprintf(f->override_file, sizeof(f->override_file), "%s",
			 file);
		f->override_line = ps.ov_line[i];
	}
out:
	if (ret == -ENOMEM) {
		err->line = ps.line;
		err->col = 0;
		snprintf(err->msg, sizeof(err->msg), "out of memory");
	}
	free(ps.ov_line);
	free(ps.ov_ranges);
	free(ps.ov_nranges);
	return ret;
}

void profile_free(struct profile *p)
{
	size_t i;

	free(p->roles);
	free(p->options);
	free(p->flows);
	free(p->hosts);
	for (i = 0; i < p->noverrides; i++)
		free(p->overrides[i]);
	free(p->overrides);
	memset(p, 0, sizeof(*p));
}

/*
 * Append the components of @s that are not on the path yet.  Returns
 * -E2BIG when one does not fit (@max directories or @bufsz bytes): the
 * caller says so rather than search a shorter path than asked.
 */
static int path_add(const char *s, char *buf, size_t bufsz, size_t *off,
		    const char **dirs, size_t max, size_t *n)
{
	while (*s) {
		const char *e = strchr(s, ':');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		size_t i;

		for (i = 0; len && i < *n; i++) {
			if (strlen(dirs[i]) == len && !memcmp(dirs[i], s, len))
				break;
		}
		if (len && i == *n) {
			if (*n == max || *off + len + 1 > bufsz)
				return -E2BIG;
			memcpy(buf + *off, s, len);
			buf[*off + len] = '\0';
			dirs[(*n)++] = buf + *off;
			*off += len + 1;
		}
		s += len;
		if (*s)
			s++;
	}
	return 0;
}

int profile_path(char *buf, size_t bufsz, const char **dirs, size_t max)
{
	const char *env = getenv("EPGATE_PROFILE_PATH");
	size_t n = 0, off = 0;

	if (env && path_add(env, buf, bufsz, &off, dirs, max, &n))
		return -E2BIG;
	if (path_add(PROFILE_DEFAULT_PATH, buf, bufsz, &off, dirs, max, &n))
		return -E2BIG;
	return n;
}

/*
 * A file on the search path that is not a regular file (a FIFO, a device,
 * a directory named NAME.profile) is skipped with this warning: reading a
 * FIFO would block until a writer comes, a device may do anything.
 */
static void warn_not_regular(const char *path)
{
	fprintf(stderr, "epgate: warning: %s: not a regular file, skipped\n",
		path);
}

/*
 * The whole file, at most PROFILE_FILE_MAX bytes.  Returns 0 or -errno;
 * with @regular, -ENOENT after a warning when @path is there but is not a
 * regular file: it is looked at with stat() and opened non-blocking, so
 * that neither step can hang.
 */
static int read_file(const char *path, bool regular, char **text, size_t *len)
{
	size_t alloc = 0;
	char *buf = NULL, *nbuf;
	struct stat st;
	ssize_t n;
	int fd, ret = 0;

	*text = NULL;
	*len = 0;
	if (regular) {
		if (stat(path, &st))
			return -errno;
		if (!S_ISREG(st.st_mode)) {
			warn_not_regular(path);
			return -ENOENT;
		}
	}
	if (!regular && !strcmp(path, "-"))
		fd = dup(STDIN_FILENO);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC |
			  (regular ? O_NONBLOCK : 0));
	if (fd < 0)
		return -errno;
	/* Replaced by a FIFO between stat() and open()? */
	if (regular && (fstat(fd, &st) || !S_ISREG(st.st_mode))) {
		close(fd);
		warn_not_regular(path);
		return -ENOENT;
	}
	for (;;) {
		if (*len == alloc) {
			if (alloc > PROFILE_FILE_MAX) {
				ret = -EFBIG;
				break;
			}
			alloc = alloc ? alloc * 2 : 8192;
			nbuf = realloc(buf, alloc);
			if (!nbuf) {
				ret = -ENOMEM;
				break;
			}
			buf = nbuf;
		}
		n = read(fd, buf + *len, alloc - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (!n)
			break;
		*len += n;
	}
	close(fd);
	if (!ret && *len > PROFILE_FILE_MAX)
		ret = -EFBIG;
	if (ret)
		free(buf);
	else
		*text = buf;
	return ret;
}

static int file_error(struct profile_error *err, const char *path, int ret)
{
	memset(err, 0, sizeof(*err));
	set_file(err, path);
	if (ret == -EFBIG)
		snprintf(err->msg, sizeof(err->msg),
			 "larger than %u bytes: not a profile",
			 PROFILE_FILE_MAX);
	else
		snprintf(err->msg, sizeof(err->msg), "%s", strerror(-ret));
	return ret;
}

int profile_load_file(const char *path, struct profile *p,
		      struct profile_error *err)
{
	size_t len;
	char *text;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = read_file(path, false, &text, &len);
	if (!strcmp(path, "-"))
		path = "<stdin>";
	if (ret)
		return file_error(err, path, ret);
	ret = profile_parse(path, text, len, p, err);
	free(text);
	return ret;
}

/* Not there: try the next directory. */
static bool absent(int ret)
{
	return ret == -ENOENT || ret == -ENOTDIR;
}

int profile_load(const char *name, struct profile *p,
		 struct profile_error *err)
{
	const char *dirs[PATH_DIRS_MAX];
	struct parser ps = { .err = err };
	char buf[8192], path[4400];
	size_t n, i, off;
	char *text = NULL;
	size_t len = 0;
	int ret = -ENOENT;

	memset(p, 0, sizeof(*p));
	memset(err, 0, sizeof(*err));
	if (!flowcheck_name_ok(name, strlen(name))) {
		snprintf(err->msg, sizeof(err->msg),
			 "unknown profile '%s' (a profile name is 1 to %d characters of a-z 0-9 - _)",
			 q(&ps, 0, name, strlen(name)), EPGATE_NAME_MAX - 1);
		return -ENOENT;
	}
	ret = profile_path(buf, sizeof(buf), dirs, PATH_DIRS_MAX);
	if (ret < 0) {
		snprintf(err->msg, sizeof(err->msg), "%s", PROFILE_PATH_TOO_LONG);
		return ret;
	}
	n = ret;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s.profile", dirs[i], name);
		ret = read_file(path, true, &text, &len);
		if (!absent(ret))
			break;
	}
	if (ret && !absent(ret))
		return file_error(err, path, ret);
	if (ret) {
		off = snprintf(err->msg, sizeof(err->msg),
			       "unknown profile '%s' (searched:", name);
		for (i = 0; i < n && off < sizeof(err->msg); i++)
			off += snprintf(err->msg + off, sizeof(err->msg) - off,
					"%s %s", i ? "," : "", dirs[i]);
		if (off < sizeof(err->msg))
			snprintf(err->msg + off, sizeof(err->msg) - off, ")");
		else
			memcpy(err->msg + sizeof(err->msg) - 5, "...)", 5);
		return -ENOENT;
	}
	ret = profile_parse(path, text, len, p, err);
	free(text);
	if (ret)
		return ret;
	if (strcmp(p->name, name)) {
		err->line = p->name_line;
		err->col = p->name_col;
		snprintf(err->msg, sizeof(err->msg),
			 "profile name '%s' does not match the file name '%s.profile'",
			 p->name, name);
		profile_free(p);
		return -EINVAL;
	}
	/* Lowest priority first, so that the first directory wins. */
	for (i = n; i-- > 0;) {
		snprintf(path, sizeof(path), "%s/%s.override", dirs[i], name);
		ret = read_file(path, true, &text, &len);
		if (absent(ret))
			continue;
		if (ret) {
			profile_free(p);
			return file_error(err, path, ret);
		}
		ret = profile_override(p, path, text, len, err);
		free(text);
		if (ret) {
			profile_free(p);
			return ret;
		}
	}
	return 0;
}

/* Is @name in the open directory @d (@dir) a regular file?  Warns if not. */
static bool regular_entry(DIR *d, const char *dir, const char *name)
{
	char path[4400];
	struct stat st;

	if (fstatat(dirfd(d), name, &st, 0))
		return false;	/* gone, or a dangling link: as if absent */
	if (S_ISREG(st.st_mode))
		return true;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	warn_not_regular(path);
	return false;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

int profile_list(char ***names)
{
	const char *dirs[PATH_DIRS_MAX];
	char buf[8192], **list = NULL, **nlist;
	size_t n, i, k, count = 0, alloc = 0;
	struct dirent *de;
	int ret = 0;
	DIR *d;

	*names = NULL;
	ret = profile_path(buf, sizeof(buf), dirs, PATH_DIRS_MAX);
	if (ret < 0)
		return ret;
	n = ret;
	ret = 0;
	for (i = 0; i < n && !ret; i++) {
		d = opendir(dirs[i]);
		if (!d) {
			if (absent(-errno))
				continue;
			ret = -errno;
			break;
		}
		while ((de = readdir(d))) {
			size_t len = strlen(de->d_name);

			if (len <= 8 || strcmp(de->d_name + len - 8, ".profile") ||
			    !flowcheck_name_ok(de->d_name, len - 8))
				continue;
			if (!regular_entry(d, dirs[i], de->d_name))
				continue;
			for (k = 0; k < count; k++) {
				if (!strncmp(list[k], de->d_name, len - 8) &&
				    !list[k][len - 8])
					break;
			}
			if (k < count)
				continue;
			nlist = grow(list, count, &alloc, sizeof(*list));
			if (!nlist) {
				ret = -ENOMEM;
				break;
			}
			list = nlist;
			list[count] = strndup(de->d_name, len - 8);
			if (!list[count]) {
				ret = -ENOMEM;
				break;
			}
			count++;
		}
		closedir(d);
	}
	if (ret) {
		for (k = 0; k < count; k++)
			free(list[k]);
		free(list);
		return ret;
	}
	if (count)
		qsort(list, count, sizeof(*list), cmp_names);
	*names = list;
	return count;
}

static bool enabled(const struct profile *p, const struct profile_flow *f,
		    const char *const *with, size_t nwith)
{
	size_t i;

	if (f->option < 0)
		return true;
	for (i = 0; i < nwith; i++) {
		if (!strcmp(with[i], p->options[f->option].name))
			return true;
	}
	return false;
}

static int bound(const struct profile *p, int role,
		 const struct profile_binding *bind, size_t nbind,
		 struct flowlist *out, struct flowlist_prefix *pfx,
		 uint32_t *ref)
{
	size_t i;

	memset(pfx, 0, sizeof(*pfx));
	*ref = 0;
	if (role < 0)
		return 0;
	for (i = 0; i < nbind; i++) {
		if (strcmp(bind[i].role, p->roles[role].name))
			continue;
		if (bind[i].set.n)
			return flowlist_intern_set(out, &bind[i].set, ref);
		*pfx = bind[i].prefix;
		return 0;
	}
	return 0;
}

/* The reason of a failed profile_compile(), when the caller wants it. */
__attribute__((format(printf, 3, 4)))
static int compile_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return 0;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return 0;
}

static const char *family_name(unsigned int families)
{
	return families == 1 ? "IPv4" : families == 2 ? "IPv6" : "IPv4 and IPv6";
}

int profile_compile(const struct profile *p, const struct profile_binding *bind,
		    size_t nbind, const char *const *with, size_t nwith,
		    uint8_t mode, struct flowlist *out, char *err,
		    size_t errlen)
{
	static const struct {
		unsigned int bit;
		uint8_t proto;
		const char *suffix;
	} protos[] = {
		{ PROFILE_PROTO_TCP, IPPROTO_TCP, "-tcp" },
		{ PROFILE_PROTO_UDP, IPPROTO_UDP, "-udp" },
	};
	size_t n0 = out->n, i, k, len;
	struct flowlist_prefix from, to;
	uint32_t from_set, to_set;
	unsigned int ff, tf;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	for (i = 0; i < p->nflows; i++) {
		const struct profile_flow *f = &p->flows[i];
		bool both = f->protos == (PROFILE_PROTO_TCP | PROFILE_PROTO_UDP);

		if (!enabled(p, f, with, nwith))
			continue;
		ret = bound(p, f->from, bind, nbind, out, &from, &from_set);
		if (!ret)
			ret = bound(p, f->to, bind, nbind, out, &to, &to_set);
		if (ret) {
			out->n = n0;
			compile_fail(err, errlen, "%s", strerror(ENOMEM));
			return ret;
		}
		ff = flowlist_role_families(out, &from, from_set);
		tf = flowlist_role_families(out, &to, to_set);
		if (!(ff & tf)) {
			out->n = n0;
			compile_fail(err, errlen,
				     "flow '%s' of profile %s: role '%s' is bound to %s, role '%s' to %s: it could never match (bind both to one family, or leave one unbound)",
				     f->name, p->name, p->roles[f->from].name,
				     family_name(ff), p->roles[f->to].name,
				     family_name(tf));
			return -EXDEV;
		}
		for (k = 0; k < 2; k++) {
			struct flowlist_flow *o;

			if (!(f->protos & protos[k].bit))
				continue;
			if (out->n == EPGATE_MAX_FLOWS) {
				out->n = n0;
				compile_fail(err, errlen,
					     "profile %s: the set would exceed %d flows, the module's limit",
					     p->name, EPGATE_MAX_FLOWS);
				return -E2BIG;
			}
			if (out->n == out->alloc) {
				size_t alloc = out->alloc ? out->alloc * 2 : 16;

				if (alloc > EPGATE_MAX_FLOWS)
					alloc = EPGATE_MAX_FLOWS;
				o = realloc(out->flows, alloc * sizeof(*o));
				if (!o) {
					out->n = n0;
					compile_fail(err, errlen, "%s",
						     strerror(ENOMEM));
					return -ENOMEM;
				}
				out->flows = o;
				out->alloc = alloc;
			}
			o = &out->flows[out->n++];
			memset(o, 0, sizeof(*o));
			snprintf(o->profile, sizeof(o->profile), "%s", p->name);
			/* The parser keeps NAME-tcp within EPGATE_NAME_MAX. */
			len = strnlen(f->name, EPGATE_NAME_MAX - 1);
			memcpy(o->name, f->name, len);
			if (both && len + 4 < EPGATE_NAME_MAX)
				memcpy(o->name + len, protos[k].suffix, 4);
			o->proto = protos[k].proto;
			o->mode = mode;
			o->nranges = f->nranges;
			memcpy(o->ranges, f->ranges, sizeof(o->ranges));
			o->from = from;
			o->to = to;
			o->from_set = from_set;
			o->to_set = to_set;
			o->line = f->line;
		}
	}
	return 0;
}

/* Resolve @value into @b's prefix or set. */
static int resolve_binding(struct profile_binding *b, const char *arg,
		   const char *value, flowlist_lookup_fn lookup, void *ctx,
		   char *err, size_t errlen)
{
	struct flowlist tmp = { 0 };
	struct flowlist_error ferr;
	uint32_t ref;
	int ret;

	ret = flowlist_parse_role(value, strlen(value), &tmp, &b->prefix, &ref,
				  lookup, ctx, &ferr);
	if (ret == -ENOMEM) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
	} else if (ret) {
		snprintf(err, errlen, "%s: %s", arg, ferr.msg);
	} else if (!ref && !b->prefix.family) {
		/* "any" is what an unbound role already means. */
		snprintf(err, errlen,
			 "%s: bind a role to an address or prefix; leave it out to match any address",
			 arg);
		ret = -EINVAL;
	} else if (ref) {
		/* Take the set out of tmp: it is the binding's now. */
		b->set = tmp.sets[ref - 1];
		tmp.sets[ref - 1].prefixes = NULL;
		tmp.sets[ref - 1].hosts = NULL;
		tmp.sets[ref - 1].n = 0;
		memset(&b->prefix, 0, sizeof(b->prefix));
	}
	flowlist_free(&tmp);
	return ret;
}

int profile_binding_add(struct profile_binding *binds, size_t *nbinds,
			size_t max, const char *arg, flowlist_lookup_fn lookup,
			void *ctx, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	struct profile_binding nb, *b = NULL;
	size_t len, i;
	char *value;
	int ret;

	memset(&nb, 0, sizeof(nb));
	len = eq ? (size_t)(eq - arg) : 0;
	if (!len || len >= sizeof(nb.role)) {
		snprintf(err, errlen, "bad role in '%s' (ROLE=PREFIX[,...] or ROLE=@SET)",
			 arg);
		return -EINVAL;
	}
	memcpy(nb.role, arg, len);
	nb.role[len] = '\0';
	for (i = 0; i < *nbinds; i++) {
		if (!strcmp(binds[i].role, nb.role))
			b = &binds[i];
	}
	if (!b && *nbinds == max) {
		snprintf(err, errlen, "more than %zu bindings", max);
		return -E2BIG;
	}
	/* ROLE= again: the role holds both words' elements. */
	len = (b ? strlen(b->value) + 1 : 0) + strlen(eq + 1) + 1;
	value = malloc(len);
	if (value)
		snprintf(value, len, "%s%s%s", b ? b->value : "", b ? "," : "",
			 eq + 1);
	if (!value) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	ret = resolve_binding(&nb, arg, value, lookup, ctx, err, errlen);
	if (ret) {
		free(value);
		flowlist_set_free(&nb.set);
		return ret;
	}
	nb.value = value;
	if (b) {
		free(b->value);
		flowlist_set_free(&b->set);
		*b = nb;
	} else {
		binds[(*nbinds)++] = nb;
	}
	return 0;
}

void profile_bindings_free(struct profile_binding *binds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(binds[i].value);
		binds[i].value = NULL;
		flowlist_set_free(&binds[i].set);
	}
}

bool profile_has_role(const struct profile *p, const char *role)
{
	size_t i;

	for (i = 0; i < p->nroles; i++) {
		if (!strcmp(p->roles[i].name, role))
			return true;
	}
	return false;
}

bool profile_has_option(const struct profile *p, const char *option)
{
	size_t i;

	for (i = 0; i < p->noptions; i++) {
		if (!strcmp(p->options[i].name, option))
			return true;
	}
	return false;
}

void profile_perror(FILE *f, const struct profile_error *err)
{
	if (err->line && err->col)
		fprintf(f, "%s:%u:%u: %s\n", err->file, err->line, err->col,
			err->msg);
	else if (err->line)
		fprintf(f, "%s:%u: %s\n", err->file, err->line, err->msg);
	else if (err->file[0])
		fprintf(f, "%s: %s\n", err->file, err->msg);
	else
		fprintf(f, "%s\n", err->msg);
}
