// SPDX-License-Identifier: GPL-2.0
/*
 * epgate save [FILE|-]
 * epgate restore [--unchecked] [FILE|-]
 *
 * save writes the module's mode, configuration and enabled profiles (how
 * each was enabled: its user data) to FILE, default /etc/epgate/epgate.conf,
 * through a temporary file renamed over it.  restore parses the WHOLE file
 * first (every profile loaded and compiled; an error is "FILE:LINE:
 * message" and nothing is applied), then replaces the module's flow set
 * with the file's profiles in ONE transaction and then sets the mode and
 * configuration in one SET_CONFIG.  The format is in save.h and in the
 * comment header of every saved file; its last line is a trailer with the
 * SHA-256 of the rest, so that a file cut short or changed since `save`
 * wrote it is refused before a word of it is parsed.
 *
 * A profile bound to hostnames is saved as its arguments, like any other,
 * with `host` lines giving each name's addresses in force (from the
 * names state file that enable and refresh keep); restore binds the names
 * to those addresses without asking DNS, so the profile is back as it
 * was, and refresh follows its names from there.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addrset.h"
#include "flowcheck.h"
#include "hostname.h"
#include "hosts.h"
#include "names.h"
#include "profile.h"
#include "save.h"
#include "sha256.h"
#include "subcommands.h"

#define LINE_MAX_BYTES	4096
#define TOKENS_MAX	80
#define MAX_BINDS	32
#define MAX_WITH	32

static const char header[] =
"# epgate configuration: `epgate restore` applies it (`epgate save` wrote it).\n"
"#\n"
"# One statement per line; `#` starts a comment.\n"
"#   mode off|monitor|enforce\n"
"#   config hooks H[,H...] in IF[,IF...]|any out IF[,IF...]|any\n"
"#          mark VALUE/MASK|none log off|kernel|nflog GROUP|kernel,nflog GROUP\n"
"#          priority N other accept|drop\n"
"#   set NAME PREFIX\n"
"#   host HOSTNAME ADDRESS\n"
"#   enable PROFILE [ROLE=A[,B...]...] [--with OPTION[,OPTION...]]... [--monitor]\n"
"#   flow PROFILE FLOW tcp|udp PORTS FROM TO [monitor]\n"
"# `set` lines give the named address sets (one prefix a line, a name's\n"
"# lines add up): `@NAME` in an `enable` or `flow` line is this file's set\n"
"# when it has one, else /etc/epgate/sets.d/NAME.set.\n"
"# `host` lines give the addresses a hostname had when the file was saved\n"
"# (one a line): restore binds the hostnames of `enable` lines to them\n"
"# without asking DNS, and `epgate refresh` follows the names from there.\n"
"# `config` takes the words of `epgate config`; `enable` those of `epgate\n"
"# enable` for one profile, compiled from its profile file at restore;\n"
"# `flow` is one line of `epgate load`: the flows of a profile that has no\n"
"# profile file (loaded with `epgate load`), kept as they were.\n"
"# restore replaces the whole flow set with these profiles in one\n"
"# transaction, in this order, then sets mode and config at once.\n"
"# The last line holds the SHA-256 of every line above it: restore refuses\n"
"# the file if it does not match (after an edit: `restore --unchecked`).\n";

/* ---- parsing ----------------------------------------------------------- */

struct tokens {
	const char *v[TOKENS_MAX];
	int n;
	char buf[LINE_MAX_BYTES + 1];
};

struct pstate {
	const char *file;
	unsigned int line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct pstate *ps, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = snprintf(ps->err, ps->errlen, "%s:%u: ", ps->file, ps->line);
	va_start(ap, fmt);
	if (n < ps->errlen)
		vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Split one line; `#` at the start of a word starts a comment. */
static int tokenize(struct pstate *ps, const char *s, size_t len,
		    struct tokens *t)
{
	size_t i;
	char *p;

	t->n = 0;
	if (ps->line == 1 && flowcheck_bom(s, len))
		return fail(ps, "%s", FLOWCHECK_BOM_MSG);
	/*
	 * A flow line is as long as its roles' prefix lists: only its first
	 * word is needed here, the flow list parser reads the rest.
	 */
	if (len > LINE_MAX_BYTES) {
		for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
			;
		if (len - i > 5 && !memcmp(s + i, "flow", 4) &&
		    (s[i + 4] == ' ' || s[i + 4] == '\t'))
			len = i + 4;
	}
	if (len > LINE_MAX_BYTES)
		return fail(ps, "line longer than %d bytes", LINE_MAX_BYTES);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return fail(ps, "invalid byte 0x%02x in column %zu", c,
				    i + 1);
	}
	memcpy(t->buf, s, len);
	t->buf[len] = '\0';
	p = t->buf;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			*p++ = '\0';
		if (!*p || *p == '#')
			break;
		if (t->n == TOKENS_MAX)
			return fail(ps, "more than %d words", TOKENS_MAX);
		t->v[t->n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
	}
	return 0;
}

/* One `enable` statement: a profile and how it is enabled. */
struct enable_stmt {
	unsigned int line;
	struct profile profile;
	bool loaded;
	struct profile_binding binds[MAX_BINDS];
	size_t nbinds;
	char with[MAX_WITH][EPGATE_NAME_MAX];
	size_t nwith;
	bool monitor;
	char userdata[EPGATE_USERDATA_MAX + 1];
	size_t udlen;
};

static int append_ud(struct pstate *ps, struct enable_stmt *e,
		     const char *word, const char *word2)
{
	int n = snprintf(e->userdata + e->udlen,
			 sizeof(e->userdata) - e->udlen, "%s%s%s%s",
			 e->udlen ? " " : "", word, word2 ? " " : "",
			 word2 ? word2 : "");

	if (n < 0 || e->udlen + n > EPGATE_USERDATA_MAX)
		return fail(ps, "enable: arguments longer than %d bytes",
			    EPGATE_USERDATA_MAX);
	e->udlen += n;
	return 0;
}

static int add_with(struct pstate *ps, struct enable_stmt *e, const char *list)
{
	const char *p = list;
	size_t len, i;

	for (;;) {
		len = strcspn(p, ",");
		if (!len || len >= EPGATE_NAME_MAX)
			return fail(ps, "enable: bad option list '%s'", list);
		for (i = 0; i < e->nwith; i++) {
			if (strlen(e->with[i]) == len &&
			    !strncmp(e->with[i], p, len))
				break;
		}
		if (i == e->nwith) {
			if (e->nwith == MAX_WITH)
				return fail(ps, "enable: more than %d options",
					    MAX_WITH);
			memcpy(e->with[e->nwith], p, len);
			e->with[e->nwith][len] = '\0';
			if (!profile_has_option(&e->profile, e->with[e->nwith]))
				return fail(ps,
					    "enable: no option '%s' in profile %s",
					    e->with[e->nwith], e->profile.name);
			e->nwith++;
		}
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int add_bind(struct pstate *ps, struct enable_stmt *e, const char *arg,
		    struct addrset_cache *sets)
{
	char err[384], role[EPGATE_NAME_MAX];
	int ret;

	ret = profile_binding_add(e->binds, &e->nbinds, MAX_BINDS, arg,
				  addrset_lookup, sets, err, sizeof(err));
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		return fail(ps, "enable: %s", err);
	snprintf(role, sizeof(role), "%.*s", (int)(strchr(arg, '=') - arg), arg);
	if (!profile_has_role(&e->profile, role))
		return fail(ps, "enable: no role '%s' in profile %s", role,
			    e->profile.name);
	return 0;
}

/* The profile's message of a profile_load() error, as one string. */
static void profile_error_str(const struct profile_error *pe, char *buf,
			      size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	buf[0] = '\0';
	if (!f) {
		snprintf(buf, len, "%s", pe->msg);
		return;
	}
	profile_perror(f, pe);
	fclose(f);
	buf[len - 1] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/*
 * `enable` words after the keyword: NAME [ROLE=PREFIX...] [--with
 * LIST]... [--monitor].  Loads the profile; fills the canonical user data
 * (bindings, options, --monitor), as `epgate enable` stores it.
 */
static int parse_enable(struct pstate *ps, const char *const *v, int n,
			struct enable_stmt *e, struct addrset_cache *sets)
{
	struct profile_error pe;
	char msg[512];
	size_t i;
	int k, ret;

	if (n < 1)
		return fail(ps, "enable: missing profile name");
	if (v[0][0] == '-' || strchr(v[0], '='))
		return fail(ps, "enable: '%s' is not a profile name", v[0]);
	if (profile_load(v[0], &e->profile, &pe)) {
		profile_error_str(&pe, msg, sizeof(msg));
		return fail(ps, "enable: %s", msg);
	}
	e->loaded = true;
	for (k = 1; k < n; k++) {
		if (!strcmp(v[k], "--monitor")) {
			e->monitor = true;
		} else if (!strcmp(v[k], "--with")) {
			if (++k == n)
				return fail(ps, "enable: missing option after --with");
			ret = add_with(ps, e, v[k]);
			if (ret)
				return ret;
		} else if (v[k][0] == '-') {
			return fail(ps, "enable: unknown option '%s'", v[k]);
		} else if (strchr(v[k], '=')) {
			ret = add_bind(ps, e, v[k], sets);
			if (ret)
				return ret;
		} else {
			return fail(ps,
				    "enable: unexpected '%s' (one profile per enable line)",
				    v[k]);
		}
	}
	/* The arguments in `epgate enable`'s order, as it stores them. */
	for (k = 1; k < n; k++) {
		if (v[k][0] != '-' && strchr(v[k], '=')) {
			ret = append_ud(ps, e, v[k], NULL);
			if (ret)
				return ret;
		}
	}
	for (i = 0; i < e->nwith; i++) {
		ret = append_ud(ps, e, "--with", e->with[i]);
		if (ret)
			return ret;
	}
	if (e->monitor)
		return append_ud(ps, e, "--monitor", NULL);
	return 0;
}

/* Compile @e, appending to @fl; a reason in @err (may be NULL). */
static int compile_enable(const struct enable_stmt *e, struct flowlist *fl,
			  char *err, size_t errlen)
{
	const char *with[MAX_WITH];
	size_t i;

	for (i = 0; i < e->nwith; i++)
		with[i] = e->with[i];
	return profile_compile(&e->profile, e->binds, e->nbinds, with,
			       e->nwith, e->monitor ? EPGATE_MODE_MONITOR :
			       EPGATE_MODE_ENFORCE, fl, err, errlen);
}

static void free_enables(struct enable_stmt *es, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (es[i].loaded)
			profile_free(&es[i].profile);
		profile_bindings_free(es[i].binds, es[i].nbinds);
	}
	free(es);
}

void save_free(struct saveconf *sc)
{
	size_t i;

	flowset_free(&sc->fs);
	for (i = 0; i < sc->nhosts; i++)
		flowlist_set_free(&sc->hosts[i].addrs);
	free(sc->hosts);
	memset(sc, 0, sizeof(*sc));
}

static int add_profile(struct saveconf *sc, const char *name, uint8_t mode,
		       const char *ud, size_t udlen)
{
	struct flowset_profile *fp;

	if (!sc->fs.profiles) {
		sc->fs.profiles = calloc(EPGATE_MAX_PROFILES,
					 sizeof(*sc->fs.profiles));
		if (!sc->fs.profiles)
			return -ENOMEM;
	}
	fp = &sc->fs.profiles[sc->fs.nprofiles++];
	memset(fp, 0, sizeof(*fp));
	snprintf(fp->name, sizeof(fp->name), "%s", name);
	fp->mode = mode;
	memcpy(fp->userdata, ud, udlen);
	fp->udlen = udlen;
	return 0;
}

/* @sc's hostname @name (lower case), or where it goes (*found false). */
static size_t host_index(const struct saveconf *sc, const char *name,
			 bool *found)
{
	_Static_assert(offsetof(struct save_host, name) == 0,
		       "hostname_find() reads the name at offset 0");
	return hostname_find(sc->hosts, sc->nhosts, sizeof(*sc->hosts), name,
			     found);
}

/* Word @w, a hostname, lower-cased into @name; else a reason in @err. */
static bool host_word_ok(const char *w, char *name, char *err, size_t errlen)
{
	size_t len = strlen(w), off = 0;
	char why[128];

	if (!hostname_valid(w, len, &off, why, sizeof(why))) {
		snprintf(err, errlen, "'%s': not a hostname: %s (at byte %zu)",
			 w, why, off + 1);
		return false;
	}
	hostname_lower(name, w, len);
	return true;
}

/* The names state's order of a name's addresses: family, then address. */
static int host_addr_cmp(const void *a, const void *b)
{
	const struct flowlist_prefix *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

/* One `host HOSTNAME ADDRESS` line, split in @t. */
static int parse_host(struct pstate *ps, const struct tokens *t,
		      struct saveconf *sc)
{
	char name[HOSTNAME_MAX + 1], msg[384];
	struct flowlist_error fe;
	struct flowlist_prefix p;
	struct save_host *h;
	bool found;
	size_t i;

	if (t->n != 3)
		return fail(ps, "host: expected `host HOSTNAME ADDRESS`");
	if (!host_word_ok(t->v[1], name, msg, sizeof(msg)))
		return fail(ps, "host: %s", msg);
	if (!strcmp(t->v[2], "any"))
		return fail(ps, "host %s: 'any' is not an address", name);
	if (flowlist_parse_set_prefix(t->v[2], strlen(t->v[2]), &p, &fe))
		return fail(ps, "host %s: %s", name, fe.msg);
	if (p.len != (p.family == AF_INET ? 32 : 128))
		return fail(ps, "host %s: '%s' is a prefix, not an address (one address a line)",
			    name, t->v[2]);
	i = host_index(sc, name, &found);
	if (!found) {
		if (sc->nhosts == NAMES_MAX)
			return fail(ps, "host: more than %d hostnames", NAMES_MAX);
		h = realloc(sc->hosts, (sc->nhosts + 1) * sizeof(*h));
		if (!h)
			return -ENOMEM;
		sc->hosts = h;
		memmove(&h[i + 1], &h[i], (sc->nhosts - i) * sizeof(*h));
		sc->nhosts++;
		memset(&h[i], 0, sizeof(h[i]));
		memcpy(h[i].name, name, sizeof(name));
		h[i].line = ps->line;
	}
	h = &sc->hosts[i];
	/* A name's lines add up; the same address twice is one. */
	for (i = 0; i < h->addrs.n; i++) {
		if (!memcmp(&h->addrs.prefixes[i], &p, sizeof(p)))
			return 0;
	}
	if (h->addrs.n == NAMES_ADDRS_MAX)
		return fail(ps, "host %s: more than %d addresses (the most a name has in force)",
			    name, NAMES_ADDRS_MAX);
	return flowlist_set_add(&h->addrs, &p);
}

/*
 * The `set NAME PREFIX` and `host HOSTNAME ADDRESS` lines, all of them
 * before anything else is read: an `enable` or `flow` line may name a set
 * or a hostname the file gives further down.
 */
static int parse_sets(struct pstate *ps, const char *buf, size_t len,
		      struct tokens *t, struct flowlist *sets,
		      struct saveconf *sc)
{
	struct flowlist_error fe;
	struct flowcheck_error ce;
	struct flowlist_prefix p;
	struct flowlist_set one;
	size_t off = 0, i;
	uint32_t ref;
	int ret = 0;

	while (off < len && !ret) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t llen = nl ? (size_t)(nl - buf) - off : len - off;

		ps->line++;
		off += llen + 1;
		ret = tokenize(ps, buf + off - llen - 1, llen, t);
		if (!ret && t->n && !strcmp(t->v[0], "host")) {
			ret = parse_host(ps, t, sc);
			continue;
		}
		if (ret || !t->n || strcmp(t->v[0], "set"))
			continue;
		if (t->n != 3)
			return fail(ps, "set: expected `set NAME PREFIX`");
		if (flowcheck_name("set", t->v[1], strlen(t->v[1]), &ce))
			return fail(ps, "set: %s", ce.msg);
		if (flowlist_parse_set_prefix(t->v[2], strlen(t->v[2]), &p, &fe))
			return fail(ps, "set %s: %s", t->v[1], fe.msg);
		for (i = 0; i < sets->nsets; i++) {
			if (!strcmp(sets->sets[i].name, t->v[1]))
				break;
		}
		if (i == sets->nsets) {
			memset(&one, 0, sizeof(one));
			snprintf(one.name, sizeof(one.name), "%s", t->v[1]);
			ret = flowlist_push_set(sets, &one, &ref);
		}
		if (!ret && sets->sets[i].n == EPGATE_MAX_PREFIXES)
			return fail(ps, "set %s: more than %d prefixes",
				    t->v[1], EPGATE_MAX_PREFIXES);
		if (!ret)
			ret = flowlist_set_add(&sets->sets[i], &p);
	}
	for (i = 0; !ret && i < sets->nsets; i++)
		ret = flowlist_set_dedup(&sets->sets[i]);
	/* As enable and refresh bind them, whatever the lines' order. */
	for (i = 0; !ret && i < sc->nhosts; i++)
		qsort(sc->hosts[i].addrs.prefixes, sc->hosts[i].addrs.n,
		      sizeof(*sc->hosts[i].addrs.prefixes), host_addr_cmp);
	ps->line = 0;
	return ret;
}

/*
 * A flowlist_lookup_fn for the hostnames of `enable` lines (ctx: the
 * saveconf): the addresses of the file's `host` lines, never DNS.
 */
static int file_host_lookup(void *ctx, const char *raw,
			    const struct flowlist_set **out, char *err,
			    size_t errlen)
{
	struct saveconf *sc = ctx;
	char name[HOSTNAME_MAX + 1];
	bool found;
	size_t i;

	if (!host_word_ok(raw, name, err, errlen))
		return -EINVAL;
	i = host_index(sc, name, &found);
	if (!found) {
		snprintf(err, errlen,
			 "%s: no `host` line gives its addresses (DNS is not asked here)",
			 name);
		return -EINVAL;
	}
	sc->hosts[i].used = true;
	*out = &sc->hosts[i].addrs;
	return 0;
}

/* Index in @sc's profiles of @name, or -1. */
static int find_profile(const struct saveconf *sc, const char *name)
{
	return flowset_profile_index(&sc->fs, name);
}

/* "FILE: truncated or modified; <why>" */
__attribute__((format(printf, 4, 5)))
static int refuse(const char *file, char *err, size_t errlen,
		  const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = snprintf(err, errlen, "%s: truncated or modified; ", file);
	va_start(ap, fmt);
	if (n < errlen)
		vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int save_check(const char *file, const char *buf, size_t len,
	       unsigned int flags, char *err, size_t errlen)
{
	const size_t tlen = sizeof(SAVE_TRAILER) - 1;
	char want[2 * SHA256_DIGEST_LEN + 1];
	const char *hex;
	size_t body, llen, i;

	err[0] = '\0';
	/* Restoring nothing would mean an empty set: never by accident. */
	if (!len)
		return refuse(file, err, errlen, "the file is empty");
	if (flags & SAVE_UNCHECKED)
		return 0;
	if (buf[len - 1] != '\n')
		return refuse(file, err, errlen,
			      "its last line has no newline, so no `%s...` trailer ends it (a hand-written file needs --unchecked)",
			      SAVE_TRAILER);
	for (body = len - 1; body && buf[body - 1] != '\n'; body--)
		;
	llen = len - 1 - body;
	if (llen < tlen || memcmp(buf + body, SAVE_TRAILER, tlen)) {
		if (llen >= 14 && !memcmp(buf + body, "# epgate-save ", 14))
			return refuse(file, err, errlen,
				      "its trailer is not `%s<64 hex digits>`",
				      SAVE_TRAILER);
		return refuse(file, err, errlen,
			      "its last line is not the `%s...` trailer that `epgate save` writes (a hand-written file needs --unchecked)",
			      SAVE_TRAILER);
	}
	hex = buf + body + tlen;
	if (llen - tlen != 2 * SHA256_DIGEST_LEN)
		return refuse(file, err, errlen,
			      "its trailer is not `%s<64 hex digits>`",
			      SAVE_TRAILER);
	for (i = 0; i < 2 * SHA256_DIGEST_LEN; i++) {
		if (!((hex[i] >= '0' && hex[i] <= '9') ||
		      (hex[i] >= 'a' && hex[i] <= 'f')))
			return refuse(file, err, errlen,
				      "its trailer is not `%s<64 hex digits>`",
				      SAVE_TRAILER);
	}
	sha256_hex(buf, body, want);
	if (memcmp(hex, want, 2 * SHA256_DIGEST_LEN))
		return refuse(file, err, errlen,
			      "the SHA-256 of its first %zu bytes does not match its trailer",
			      body);
	return 0;
}

int save_parse(const char *file, const char *buf, size_t len,
	       unsigned int flags, struct saveconf *sc, char *err,
	       size_t errlen)
{
	struct pstate ps = { .file = file, .err = err, .errlen = errlen };
	struct enable_stmt *es = NULL;
	unsigned int mode_line = 0, config_line = 0;
	struct flowlist flows = { 0 }, filesets = { 0 };
	/*
	 * Hostnames of `enable` lines are the `host` lines' addresses; `flow`
	 * lines, as `epgate load`, take none (a cache of their own).
	 */
	struct addrset_cache sets = { .first = &filesets,
				      .hosts = file_host_lookup,
				      .hosts_ctx = sc };
	struct addrset_cache fsets = { .first = &filesets };
	struct flowlist_error ferr;
	struct tokens *t;
	size_t nes = 0, off = 0, i, k, fi;
	char *flowbuf, msg[384];
	bool any_flow = false;
	int ret = 0;

	memset(sc, 0, sizeof(*sc));
	err[0] = '\0';
	ret = save_check(file, buf, len, flags, err, errlen);
	if (ret)
		return ret;
	t = malloc(sizeof(*t));
	flowbuf = malloc(len + 1);
	if (!t || !flowbuf) {
		free(t);
		free(flowbuf);
		return -ENOMEM;
	}
	ret = parse_sets(&ps, buf, len, t, &filesets, sc);
	/* The flow lines stay at their line and column, the rest is blank. */
	memset(flowbuf, ' ', len);
	for (i = 0; i < len; i++) {
		if (buf[i] == '\n')
			flowbuf[i] = '\n';
	}

	while (off < len && !ret) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t llen = nl ? (size_t)(nl - buf) - off : len - off;

		ps.line++;
		ret = tokenize(&ps, buf + off, llen, t);
		if (ret || !t->n || !strcmp(t->v[0], "set") ||
		    !strcmp(t->v[0], "host"))
			goto next;	/* set, host: read by parse_sets() */
		if (!strcmp(t->v[0], "mode")) {
			if (mode_line) {
				ret = fail(&ps, "mode given twice (first on line %u)",
					   mode_line);
			} else if (t->n != 2 ||
				   config_parse_mode(t->v[1], &sc->cfg.mode)) {
				ret = fail(&ps, "mode: expected off, monitor or enforce");
			} else {
				mode_line = ps.line;
			}
		} else if (!strcmp(t->v[0], "config")) {
			struct epgate_config c;
			char cerr[160];

			if (config_line) {
				ret = fail(&ps, "config given twice (first on line %u)",
					   config_line);
				goto next;
			}
			ret = config_parse(t->n - 1, t->v + 1, &c, cerr,
					   sizeof(cerr));
			if (ret) {
				ret = fail(&ps, "config: %s", cerr[0] ? cerr :
					   "expected settings (hooks, in, out, mark, log, priority, other)");
				goto next;
			}
			c.mode = sc->cfg.mode;
			sc->cfg = c;
			config_line = ps.line;
		} else if (!strcmp(t->v[0], "enable")) {
			struct enable_stmt *ne;

			ne = realloc(es, (nes + 1) * sizeof(*es));
			if (!ne) {
				ret = -ENOMEM;
				goto next;
			}
			es = ne;
			memset(&es[nes], 0, sizeof(es[nes]));
			es[nes].line = ps.line;
			ret = parse_enable(&ps, t->v + 1, t->n - 1, &es[nes],
					   &sets);
			nes++;
			if (ret)
				goto next;
			for (i = 0; i + 1 < nes; i++) {
				if (!strcmp(es[i].profile.name,
					    es[nes - 1].profile.name)) {
					ret = fail(&ps, "profile '%s' enabled twice (first on line %u)",
						   es[i].profile.name,
						   es[i].line);
					break;
				}
			}
		} else if (!strcmp(t->v[0], "flow")) {
			/* Parsed below, all together, by `epgate load`'s parser. */
			memcpy(flowbuf + off, buf + off, llen);
			memset(flowbuf + (t->v[0] - t->buf) + off, ' ', 4);
			any_flow = true;
		} else {
			ret = fail(&ps, "unknown statement '%s' (mode, config, set, host, enable, flow)",
				   t->v[0]);
		}
next:
		off += llen + 1;
	}
	if (mode_line)
		sc->cfg.set |= CONFIG_MODE;
	if (!ret && any_flow) {
		ret = flowlist_parse_sets(flowbuf, len, &flows, &ferr,
					  addrset_lookup, &fsets);
		if (ret == -EINVAL) {
			ps.line = ferr.line;
			ret = fail(&ps, "flow: %s", ferr.msg);
		}
	}
	/* A profile is either enabled from its file or given as flows. */
	for (i = 0; !ret && i < flows.n; i++) {
		for (k = 0; k < nes; k++) {
			if (!strcmp(flows.flows[i].profile, es[k].profile.name)) {
				ps.line = flows.flows[i].line > es[k].line ?
					  flows.flows[i].line : es[k].line;
				ret = fail(&ps, "profile '%s' is both enabled (line %u) and given as flows (line %u)",
					   es[k].profile.name, es[k].line,
					   flows.flows[i].line);
				break;
			}
		}
	}

	/* The set, in file order: enable statements and flow lines. */
	fi = 0;
	for (k = 0; !ret && (k < nes || fi < flows.n);) {
		if (k < nes && (fi == flows.n || es[k].line < flows.flows[fi].line)) {
			size_t before = sc->fs.fl.n;

			ps.line = es[k].line;
			if (sc->fs.nprofiles == EPGATE_MAX_PROFILES) {
				ret = fail(&ps, "more than %d profiles",
					   EPGATE_MAX_PROFILES);
				break;
			}
			ret = compile_enable(&es[k], &sc->fs.fl, msg, sizeof(msg));
			if (ret == -E2BIG || (!ret && sc->fs.fl.n > EPGATE_MAX_FLOWS)) {
				ret = fail(&ps, "the set would exceed %d flows, the module's limit",
					   EPGATE_MAX_FLOWS);
				break;
			}
			if (ret == -EXDEV) {
				ret = fail(&ps, "enable: %s", msg);
				break;
			}
			if (!ret)
				ret = add_profile(sc, es[k].profile.name,
						  es[k].monitor ? EPGATE_MODE_MONITOR :
						  EPGATE_MODE_ENFORCE,
						  es[k].userdata, es[k].udlen);
			if (!ret)
				sc->fs.profiles[sc->fs.nprofiles - 1].nflows =
					sc->fs.fl.n - before;
			k++;
			continue;
		}
		{
			const struct flowlist_flow *f = &flows.flows[fi];
			int p = find_profile(sc, f->profile);

			ps.line = f->line;
			if (p < 0) {
				if (sc->fs.nprofiles == EPGATE_MAX_PROFILES) {
					ret = fail(&ps, "more than %d profiles",
						   EPGATE_MAX_PROFILES);
					break;
				}
				ret = add_profile(sc, f->profile, f->mode, "", 0);
				p = sc->fs.nprofiles - 1;
			}
			if (!ret && sc->fs.fl.n == EPGATE_MAX_FLOWS)
				ret = fail(&ps, "the set would exceed %d flows, the module's limit",
					   EPGATE_MAX_FLOWS);
			if (!ret)
				ret = flowlist_copy_flow(&sc->fs.fl, &flows, f);
			if (!ret)
				sc->fs.profiles[p].nflows++;
			fi++;
		}
	}

	if (!ret && flowlist_set_ids(&sc->fs.fl, NULL, NULL, NULL, msg,
				     sizeof(msg))) {
		ps.line = 0;
		ret = -EINVAL;
		snprintf(err, errlen, "%s: %s", file, msg);
	}
	flowlist_free(&flows);
	flowlist_free(&filesets);
	addrset_cache_free(&sets);
	addrset_cache_free(&fsets);
	free_enables(es, nes);
	free(flowbuf);
	free(t);
	if (ret == -ENOMEM && !err[0])
		snprintf(err, errlen, "%s: %s", file, strerror(ENOMEM));
	if (ret)
		save_free(sc);
	return ret;
}

/* ---- writing ----------------------------------------------------------- */

/* A role: `any`, a prefix, `@NAME`, or an anonymous set in full. */
static void write_role(FILE *f, const struct flowlist *l,
		       const struct flowlist_prefix *p, uint32_t ref)
{
	const struct flowlist_set *s = flowlist_set_of(l, ref);
	char buf[64];
	uint32_t i;

	if (!s || s->name[0]) {
		fputs(flowlist_role_str(l, p, ref, 0, buf, sizeof(buf)), f);
		return;
	}
	for (i = 0; i < s->n; i++)
		fprintf(f, "%s%s", i ? "," : "",
			flowlist_prefix_str(&s->prefixes[i], buf, sizeof(buf)));
}

void save_write_flow(FILE *f, const struct flowlist *l,
		     const struct flowlist_flow *fl)
{
	unsigned int i;

	fprintf(f, "flow %s %s %s ", fl->profile, fl->name,
		fl->proto == IPPROTO_TCP ? "tcp" : "udp");
	for (i = 0; i < fl->nranges; i++) {
		if (fl->ranges[i].lo == fl->ranges[i].hi)
			fprintf(f, "%s%u", i ? "," : "", fl->ranges[i].lo);
		else
			fprintf(f, "%s%u-%u", i ? "," : "", fl->ranges[i].lo,
				fl->ranges[i].hi);
	}
	fputc(' ', f);
	write_role(f, l, &fl->from, fl->from_set);
	fputc(' ', f);
	write_role(f, l, &fl->to, fl->to_set);
	if (fl->mode == EPGATE_MODE_MONITOR)
		fputs(" monitor", f);
	fputc('\n', f);
}

/*
 * The hostnames of the profiles save writes as `enable` lines, and where
 * their addresses come from: the names state (what enable and refresh put
 * in force).
 */
struct save_names {
	const struct names *ns;		/* may be NULL */
	struct flowlist_set answer;	/* the last lookup's addresses */
	char (*names)[HOSTNAME_MAX + 1];	/* lower case, no duplicate */
	size_t n, alloc;
	char missing[HOSTNAME_MAX + 1];	/* a name @ns has no address for */
};

/* A flowlist_lookup_fn (ctx: a save_names): every address @ns holds. */
static int state_host_lookup(void *ctx, const char *raw,
			     const struct flowlist_set **out, char *err,
			     size_t errlen)
{
	struct save_names *sn = ctx;
	const struct names_entry *e;
	char name[HOSTNAME_MAX + 1];
	size_t i;
	int ret;

	if (!host_word_ok(raw, name, err, errlen))
		return -EINVAL;
	/*
	 * All of them, leaving ones past their deadline too: the module
	 * keeps an address until the next refresh takes it out.
	 */
	e = sn->ns ? names_get(sn->ns, name) : NULL;
	if (!e || !e->naddrs) {
		snprintf(sn->missing, sizeof(sn->missing), "%s", name);
		snprintf(err, errlen, "%s: not in the names state", name);
		return -EHOSTUNREACH;
	}
	flowlist_set_free(&sn->answer);
	for (i = 0; i < e->naddrs; i++) {
		struct flowlist_prefix p = { .family = e->addrs[i].family };

		p.len = p.family == AF_INET ? 32 : 128;
		memcpy(p.addr, e->addrs[i].addr, 16);
		ret = flowlist_set_add(&sn->answer, &p);
		if (ret)
			return ret;
	}
	*out = &sn->answer;
	for (i = 0; i < sn->n; i++) {
		if (!strcmp(sn->names[i], name))
			return 0;
	}
	if (sn->n == sn->alloc) {
		size_t alloc = sn->alloc ? 2 * sn->alloc : 8;
		void *v = realloc(sn->names, alloc * sizeof(*sn->names));

		if (!v)
			return -ENOMEM;
		sn->names = v;
		sn->alloc = alloc;
	}
	memcpy(sn->names[sn->n++], name, sizeof(name));
	return 0;
}

static void save_names_free(struct save_names *sn)
{
	flowlist_set_free(&sn->answer);
	free(sn->names);
}

/*
 * Does `enable NAME USERDATA` give exactly the flows the module has for
 * profile @p, its hostnames bound to their addresses in @sn's state?
 * 1 yes (its hostnames added to @sn), 0 no (@why set when the profile
 * file exists), or -ENOMEM.
 */
static int enable_matches(const struct flowset *fs,
			  const struct flowset_profile *p,
			  struct save_names *sn, char *why, size_t whylen)
{
	struct pstate ps = { .file = "", .line = 0 };
	/* @NAME is the module's set of that name, as save writes it. */
	struct addrset_cache sets = { .first = &fs->fl, .first_only = true,
				      .hosts = state_host_lookup,
				      .hosts_ctx = sn };
	struct enable_stmt *e;
	struct tokens *t;
	struct flowlist fl = { 0 };
	const char *v[TOKENS_MAX + 1];
	char err[256], path[4096];
	size_t i, k, nnames = sn->n;
	int ret = 0;

	why[0] = '\0';
	sn->missing[0] = '\0';
	e = calloc(1, sizeof(*e));
	t = malloc(sizeof(*t));
	if (!e || !t) {
		free(e);
		free(t);
		return -ENOMEM;
	}
	ps.err = err;
	ps.errlen = sizeof(err);
	if (tokenize(&ps, p->userdata, p->udlen, t) || t->n >= TOKENS_MAX)
		goto out;
	v[0] = p->name;
	for (i = 0; i < (size_t)t->n; i++)
		v[i + 1] = t->v[i];
	ret = parse_enable(&ps, v, t->n + 1, e, &sets);
	if (ret == -ENOMEM)
		goto out;
	if (ret) {
		ret = 0;
		if (sn->missing[0])
			snprintf(why, whylen,
				 "its hostname %s has no addresses in the names state file (%s): saved as today's addresses (enable it again after restore to follow DNS)",
				 sn->missing, hosts_state_path(path, sizeof(path)));
		else if (strstr(err, "unknown set"))
			snprintf(why, whylen, "%s",
				 "its arguments name a set that the module holds merged with other prefixes, not by its name");
		else if (e->loaded)
			snprintf(why, whylen, "%s",
				 "its arguments no longer fit its profile file");
		goto out;
	}
	if (e->udlen != p->udlen || memcmp(e->userdata, p->userdata, p->udlen)) {
		snprintf(why, whylen, "%s",
			 "its arguments are not in the form `epgate enable` writes");
		goto out;
	}
	ret = compile_enable(e, &fl, NULL, 0);
	if (ret < 0) {
		ret = ret == -ENOMEM ? ret : 0;
		goto out;
	}
	for (i = 0, k = 0; i < fs->fl.n; i++) {
		if (strcmp(fs->fl.flows[i].profile, p->name))
			continue;
		if (k == fl.n || !flowlist_same_flow(&fs->fl, &fs->fl.flows[i],
						     &fl, &fl.flows[k]))
			break;
		k++;
	}
	if (i == fs->fl.n && k == fl.n)
		ret = 1;
	else if (sn->n > nnames)
		snprintf(why, whylen,
			 "its hostnames' addresses in the names state file (%s) are not those the module has: saved as today's addresses (enable it again after restore to follow DNS)",
			 hosts_state_path(path, sizeof(path)));
	else
		snprintf(why, whylen, "%s", "its profile file now gives other flows");
out:
	/* Only the names of a profile saved as `enable` get `host` lines. */
	if (ret != 1)
		sn->n = nnames;
	flowlist_free(&fl);
	addrset_cache_free(&sets);
	if (e->loaded)
		profile_free(&e->profile);
	profile_bindings_free(e->binds, e->nbinds);
	free(e);
	free(t);
	return ret;
}

int save_recompile(const char *name, const char *ud, size_t udlen,
		   struct addrset_cache *sets, struct flowlist *fl, char *err,
		   size_t errlen)
{
	struct pstate ps = { .file = name, .line = 0, .err = err,
			     .errlen = errlen };
	const char *v[TOKENS_MAX + 1];
	struct enable_stmt *e;
	struct tokens *t;
	size_t i;
	int ret;

	e = calloc(1, sizeof(*e));
	t = malloc(sizeof(*t));
	if (!e || !t) {
		free(e);
		free(t);
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	ret = tokenize(&ps, ud, udlen, t);
	if (!ret && t->n >= TOKENS_MAX)
		ret = fail(&ps, "more than %d words", TOKENS_MAX - 1);
	if (!ret) {
		v[0] = name;
		for (i = 0; i < (size_t)t->n; i++)
			v[i + 1] = t->v[i];
		ret = parse_enable(&ps, v, t->n + 1, e, sets);
	}
	if (!ret)
		ret = compile_enable(e, fl, err, errlen);
	if (ret == -ENOMEM) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
	} else if (ret) {
		/* No file and no line here: drop fail()'s "NAME:0: ". */
		char pre[EPGATE_NAME_MAX + 8];
		size_t n = snprintf(pre, sizeof(pre), "%s:0: ", name);

		if (!strncmp(err, pre, n))
			memmove(err, err + n, strlen(err + n) + 1);
	}
	if (e->loaded)
		profile_free(&e->profile);
	profile_bindings_free(e->binds, e->nbinds);
	free(e);
	free(t);
	return ret;
}

static void write_ifaces(FILE *f, const char (*names)[EPGATE_IFNAME_MAX],
			 unsigned int n)
{
	unsigned int i;

	if (!n)
		fputs("any", f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? "," : "", names[i]);
}

void save_write_setting(FILE *f, const struct epgate_config *cfg,
			unsigned int setting)
{
	static const char * const hooks[] = { "forward", "input", "output" };
	const char *sep = "";
	unsigned int i;

	switch (setting) {
	case CONFIG_MODE:
		fprintf(f, "mode %s", mode_name(cfg->mode));
		break;
	case CONFIG_HOOKS:
		fputs("hooks ", f);
		for (i = 0; i < 3; i++) {
			if (cfg->hooks & 1u << i) {
				fprintf(f, "%s%s", sep, hooks[i]);
				sep = ",";
			}
		}
		break;
	case CONFIG_IN:
		fputs("in ", f);
		write_ifaces(f, cfg->in, cfg->nin);
		break;
	case CONFIG_OUT:
		fputs("out ", f);
		write_ifaces(f, cfg->out, cfg->nout);
		break;
	case CONFIG_MARK:
		if (cfg->mark_mask)
			fprintf(f, "mark 0x%x/0x%x", cfg->mark_value,
				cfg->mark_mask);
		else
			fputs("mark none", f);
		break;
	case CONFIG_LOG:
		fputs("log ", f);
		if (!(cfg->log_flags & EPGATE_LOG_ALL))
			fputs("off", f);
		else if (cfg->log_flags & EPGATE_LOG_NFLOG)
			fprintf(f, "%snflog %u",
				cfg->log_flags & EPGATE_LOG_KERNEL ? "kernel," : "",
				cfg->log_group);
		else
			fputs("kernel", f);
		break;
	case CONFIG_PRIORITY:
		fprintf(f, "priority %d", cfg->priority);
		break;
	case CONFIG_OTHER:
		fprintf(f, "other %s", other_name(cfg->other));
		break;
	}
}

/*
 * Every named set a flow refers to, a `set` line per prefix: the file
 * restores the sets the module has, whatever sets.d holds by then.
 */
static int write_sets(FILE *f, const struct flowlist *fl)
{
	uint32_t *ids = NULL, k;
	char buf[64];
	size_t i;
	int ret;

	if (!fl->nsets)
		return 0;
	ids = calloc(fl->nsets, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	ret = flowlist_set_ids(fl, ids, NULL, NULL, NULL, 0);
	if (ret == -ENOMEM) {
		free(ids);
		return ret;
	}
	for (i = 0; i < fl->nsets; i++) {
		const struct flowlist_set *s = &fl->sets[i];

		if (!ids[i] || !s->name[0])
			continue;
		fprintf(f, "# set %s: %u prefix%s\n", s->name, s->n,
			s->n == 1 ? "" : "es");
		for (k = 0; k < s->n; k++)
			fprintf(f, "set %s %s\n", s->name,
				flowlist_prefix_str(&s->prefixes[k], buf,
						    sizeof(buf)));
	}
	free(ids);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * The `host` lines of the hostnames in @sn: every address the names state
 * holds for each, in its (family, address) order, names in order.
 */
static void write_hosts(FILE *f, struct save_names *sn)
{
	char buf[INET6_ADDRSTRLEN];
	size_t i, k;

	if (!sn->n)
		return;
	qsort(sn->names, sn->n, sizeof(*sn->names), name_cmp);
	for (i = 0; i < sn->n; i++) {
		const struct names_entry *e = names_get(sn->ns, sn->names[i]);

		fprintf(f, "# host %s: %zu address%s\n", e->name, e->naddrs,
			e->naddrs == 1 ? "" : "es");
		for (k = 0; k < e->naddrs; k++)
			fprintf(f, "host %s %s\n", e->name,
				inet_ntop(e->addrs[k].family, e->addrs[k].addr,
					  buf, sizeof(buf)));
	}
}

#define WHY_MAX 512

static int write_body(FILE *f, const struct epgate_status *st,
		      const struct flowset *fs, const struct names *ns,
		      FILE *warn)
{
	static const unsigned int settings[] = {
		CONFIG_HOOKS, CONFIG_IN, CONFIG_OUT, CONFIG_MARK, CONFIG_LOG,
		CONFIG_PRIORITY, CONFIG_OTHER,
	};
	struct save_names sn = { .ns = ns };
	struct epgate_config cfg;
	char (*why)[WHY_MAX];
	bool *matches;
	unsigned int i;
	size_t k;
	int ret = 0;

	/* First which profiles are `enable` lines: their names go first. */
	why = calloc(fs->nprofiles ? fs->nprofiles : 1, sizeof(*why));
	matches = calloc(fs->nprofiles ? fs->nprofiles : 1, sizeof(*matches));
	for (k = 0; why && matches && k < fs->nprofiles; k++) {
		ret = enable_matches(fs, &fs->profiles[k], &sn, why[k], WHY_MAX);
		if (ret < 0)
			break;
		matches[k] = ret;
	}
	if (!why || !matches || ret < 0) {
		ret = -ENOMEM;
		goto out;
	}

	config_from_status(&cfg, st);
	fputs(header, f);
	fprintf(f, "\nmode %s\nconfig", mode_name(st->mode));
	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		fputc(' ', f);
		save_write_setting(f, &cfg, settings[i]);
	}
	fputc('\n', f);
	ret = write_sets(f, &fs->fl);
	if (ret)
		goto out;
	write_hosts(f, &sn);

	for (k = 0; k < fs->nprofiles; k++) {
		const struct flowset_profile *p = &fs->profiles[k];
		size_t i2, n = 0;

		if (matches[k]) {
			fprintf(f, "enable %s%s%s\n", p->name,
				p->udlen ? " " : "", p->userdata);
			continue;
		}
		for (i2 = 0; i2 < fs->fl.n; i2++)
			n += !strcmp(fs->fl.flows[i2].profile, p->name);
		if (why[k][0] && warn)
			fprintf(warn,
				"%s: save: profile '%s': %s; saved its %zu flows as they are in the module\n",
				prog, p->name, why[k], n);
		if (!n && warn)
			fprintf(warn,
				"%s: save: profile '%s' has no flows and cannot be saved as flows: left out\n",
				prog, p->name);
		fprintf(f, "# %s: %s\n", p->name, why[k][0] ? why[k] :
			"no profile file (loaded with `epgate load`)");
		for (i2 = 0; i2 < fs->fl.n; i2++) {
			if (!strcmp(fs->fl.flows[i2].profile, p->name))
				save_write_flow(f, &fs->fl, &fs->fl.flows[i2]);
		}
	}
out:
	save_names_free(&sn);
	free(why);
	free(matches);
	return ret;
}

int save_write(FILE *f, const struct epgate_status *st,
	       const struct flowset *fs, const struct names *ns, FILE *warn)
{
	char hex[2 * SHA256_DIGEST_LEN + 1], *text = NULL;
	size_t len = 0;
	FILE *m;
	int ret;

	/* The trailer needs the whole text first. */
	m = open_memstream(&text, &len);
	if (!m)
		return -ENOMEM;
	ret = write_body(m, st, fs, ns, warn);
	if (fclose(m) && !ret)
		ret = -ENOMEM;
	if (!ret) {
		sha256_hex(text, len, hex);
		fwrite(text, 1, len, f);
		fprintf(f, "%s%s\n", SAVE_TRAILER, hex);
	}
	free(text);
	return ret;
}

int save_seed_names(const struct saveconf *sc, struct names *ns, int64_t now,
		    char *err, size_t errlen)
{
	struct names_addr addrs[NAMES_ADDRS_MAX];
	size_t i;
	uint32_t k;
	int ret;

	for (i = 0; i < sc->nhosts; i++) {
		const struct save_host *h = &sc->hosts[i];

		if (!h->used)
			continue;
		memset(addrs, 0, sizeof(addrs));
		for (k = 0; k < h->addrs.n && k < NAMES_ADDRS_MAX; k++) {
			addrs[k].family = h->addrs.prefixes[k].family;
			memcpy(addrs[k].addr, h->addrs.prefixes[k].addr, 16);
		}
		ret = names_seed(ns, h->name, addrs, k, now);
		if (ret < 0) {
			if (ret == -ENOSPC)
				snprintf(err, errlen, "%s: more than %d followed names",
					 h->name, NAMES_MAX);
			else
				snprintf(err, errlen, "%s: %s", h->name,
					 strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* ---- the commands ------------------------------------------------------ */

/* Read all of @path ("-": standard input). */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	size_t alloc = 0, n;
	char *buf = NULL, *nb;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len + 4096 > alloc) {
			alloc = alloc ? alloc * 2 : 8192;
			nb = realloc(buf, alloc);
			if (!nb) {
				free(buf);
				buf = NULL;
				errno = ENOMEM;
				break;
			}
			buf = nb;
		}
		n = fread(buf + *len, 1, alloc - *len, f);
		*len += n;
		if (n == 0) {
			if (ferror(f)) {
				free(buf);
				buf = NULL;
			}
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

int save_load_file(const char *path, unsigned int flags, struct saveconf *sc,
		   const char *cmd)
{
	char err[768];
	size_t len;
	char *buf;
	int ret;

	buf = read_all(path, &len);
	if (!buf) {
		fprintf(stderr, "%s: %s: %s: %s\n", prog, cmd, path,
			strerror(errno));
		return -errno;
	}
	ret = save_parse(strcmp(path, "-") ? path : "<stdin>", buf, len, flags,
			 sc, err, sizeof(err));
	free(buf);
	if (ret)
		fprintf(stderr, "%s: %s: %s\n", prog, cmd, err);
	return ret;
}

/*
 * A hand-written file (--unchecked) gets the checks `profile check` and
 * `enable` make beyond the parser's: the lint of its profiles that have a
 * profile file, alone and together, on stderr.
 */
void save_lint_profiles(const struct saveconf *sc)
{
	const char *names[EPGATE_MAX_PROFILES];
	size_t i, n;

	n = sc->fs.nprofiles < EPGATE_MAX_PROFILES ? sc->fs.nprofiles :
						     EPGATE_MAX_PROFILES;
	for (i = 0; i < n; i++)
		names[i] = sc->fs.profiles[i].name;
	profile_lint_names(names, n, stderr);
}
