// SPDX-License-Identifier: GPL-2.0
/*
 * The followed hostnames (rules and file format in names.h).
 *
 * Entries are kept sorted by name and their addresses by (family,
 * address), so that "did the addresses in force change" is one merge and
 * the state file has exactly one spelling: the parser accepts only what
 * names_write() writes, which the fuzzer checks byte for byte.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hostname.h"
#include "names.h"

void names_params_default(struct names_params *p)
{
	p->ttl_min = NAMES_TTL_MIN;
	p->ttl_max = NAMES_TTL_MAX;
	p->grace = NAMES_GRACE;
	p->retry_max = NAMES_RETRY_MAX;
}

/* A day: a bound that keeps every deadline far from overflowing. */
#define PARAM_MAX 86400U

int names_params_check(const struct names_params *p, char *why, size_t len)
{
	if (!p->ttl_min || p->ttl_min > p->ttl_max)
		snprintf(why, len, "minimum TTL %u not within 1..maximum TTL %u",
			 p->ttl_min, p->ttl_max);
	else if (p->ttl_max > PARAM_MAX)
		snprintf(why, len, "maximum TTL %u over %u s", p->ttl_max,
			 PARAM_MAX);
	else if (p->grace > PARAM_MAX)
		snprintf(why, len, "grace %u over %u s", p->grace, PARAM_MAX);
	else if (p->retry_max < p->ttl_min || p->retry_max > p->ttl_max)
		snprintf(why, len, "retry maximum %u not within %u..%u s",
			 p->retry_max, p->ttl_min, p->ttl_max);
	else
		return 0;
	return -EINVAL;
}

void names_init(struct names *ns, const struct names_params *p)
{
	memset(ns, 0, sizeof(*ns));
	if (p)
		ns->p = *p;
	else
		names_params_default(&ns->p);
}

static void entry_free(struct names_entry *e)
{
	free(e->addrs);
	e->addrs = NULL;
	e->naddrs = 0;
}

void names_free(struct names *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		entry_free(&ns->v[i]);
	free(ns->v);
	ns->v = NULL;
	ns->n = ns->alloc = 0;
}

/* Index of @name, or where it would go (*found false). */
static size_t find(const struct names *ns, const char *name, bool *found)
{
	_Static_assert(offsetof(struct names_entry, name) == 0,
		       "hostname_find() reads the name at offset 0");
	return hostname_find(ns->v, ns->n, sizeof(*ns->v), name, found);
}

static struct names_entry *lookup(const struct names *ns, const char *name)
{
	char low[HOSTNAME_MAX + 1];
	size_t len = strlen(name), i;
	bool found;

	if (len > HOSTNAME_MAX)
		return NULL;
	hostname_lower(low, name, len);
	i = find(ns, low, &found);
	return found ? &ns->v[i] : NULL;
}

/* A new entry at @i, zeroed. */
static struct names_entry *insert(struct names *ns, size_t i)
{
	if (ns->n == ns->alloc) {
		size_t alloc = ns->alloc ? 2 * ns->alloc : 8;
		struct names_entry *v = realloc(ns->v, alloc * sizeof(*v));

		if (!v)
			return NULL;
		ns->v = v;
		ns->alloc = alloc;
	}
	memmove(&ns->v[i + 1], &ns->v[i], (ns->n - i) * sizeof(*ns->v));
	ns->n++;
	memset(&ns->v[i], 0, sizeof(ns->v[i]));
	return &ns->v[i];
}

int names_add(struct names *ns, const char *name)
{
	char low[HOSTNAME_MAX + 1];
	size_t len = strlen(name), i;
	struct names_entry *e;
	bool found;

	if (!hostname_valid(name, len, NULL, NULL, 0))
		return -EINVAL;
	hostname_lower(low, name, len);
	i = find(ns, low, &found);
	if (found)
		return 0;
	if (ns->n >= NAMES_MAX)
		return -ENOSPC;
	e = insert(ns, i);
	if (!e)
		return -ENOMEM;
	memcpy(e->name, low, len + 1);
	return 0;
}

int names_remove(struct names *ns, const char *name)
{
	struct names_entry *e = lookup(ns, name);
	size_t i;

	if (!e)
		return -ENOENT;
	i = e - ns->v;
	entry_free(e);
	memmove(&ns->v[i], &ns->v[i + 1], (ns->n - i - 1) * sizeof(*ns->v));
	ns->n--;
	return 0;
}

const struct names_entry *names_get(const struct names *ns, const char *name)
{
	return lookup(ns, name);
}

static uint32_t clamp_ttl(const struct names_params *p, uint32_t ttl)
{
	if (ttl < p->ttl_min)
		return p->ttl_min;
	return ttl > p->ttl_max ? p->ttl_max : ttl;
}

static int addr_cmp(const struct names_addr *a, const struct names_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->addr, b->addr, 16);
}

static int addr_qcmp(const void *a, const void *b)
{
	return addr_cmp(a, b);
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/*
 * A deadline set by any rule is at most this far ahead; one further
 * ahead means the clock was stepped back since.
 */
static int64_t horizon(const struct names_params *p)
{
	return max64(max64(p->ttl_max, p->retry_max), p->grace);
}

static void sane(const struct names_params *p, struct names_entry *e,
		 int64_t now)
{
	size_t i;

	if (e->next > now + horizon(p))
		e->next = now;
	for (i = 0; i < e->naddrs; i++)
		if (e->addrs[i].leaving > now + horizon(p))
			e->addrs[i].leaving = now + p->grace;
}

/* Drop the leaving addresses of @e whose time is up; true if any. */
static bool expire(struct names_entry *e, int64_t now)
{
	size_t i, k = 0;

	for (i = 0; i < e->naddrs; i++)
		if (!e->addrs[i].leaving || e->addrs[i].leaving > now)
			e->addrs[k++] = e->addrs[i];
	if (k == e->naddrs)
		return false;
	e->naddrs = k;
	return true;
}

size_t names_due(struct names *ns, int64_t now, const char **out)
{
	size_t i, n = 0;

	for (i = 0; i < ns->n; i++) {
		sane(&ns->p, &ns->v[i], now);
		if (ns->v[i].next <= now)
			out[n++] = ns->v[i].name;
	}
	return n;
}

int names_expire(struct names *ns, int64_t now)
{
	bool changed = false;
	size_t i;

	for (i = 0; i < ns->n; i++) {
		sane(&ns->p, &ns->v[i], now);
		changed |= expire(&ns->v[i], now);
	}
	return changed;
}

static void set_error(struct names_entry *e, const char *msg)
{
	size_t i;

	snprintf(e->error, sizeof(e->error), "%s", msg);
	/* One printable line, whatever a library put in it. */
	for (i = 0; e->error[i]; i++)
		if ((unsigned char)e->error[i] < 0x20 ||
		    (unsigned char)e->error[i] >= 0x7f)
			e->error[i] = '?';
}

static void failed(const struct names_params *p, struct names_entry *e,
		   const struct resolve_answer *a, int64_t now)
{
	uint64_t wait = p->ttl_min;
	uint32_t k;

	if (e->failures < UINT32_MAX)
		e->failures++;
	for (k = 1; k < e->failures && wait < p->retry_max; k++)
		wait *= 2;
	if (wait > p->retry_max)
		wait = p->retry_max;
	e->tried = now;
	e->next = now + (int64_t)wait;
	e->status = a->status == RESOLVE_OK ? RESOLVE_NODATA : a->status;
	set_error(e, a->error[0] ? a->error :
		  a->status == RESOLVE_OK ? "answer without addresses" :
		  resolve_status_name(a->status));
}

/* The answer's addresses, sorted, deduplicated (the smaller TTL kept). */
static struct names_addr *answer_addrs(const struct names_params *p,
				       const struct resolve_answer *a,
				       int64_t now, size_t *n, uint32_t *minttl)
{
	struct names_addr *v;
	size_t i, k = 0;

	*minttl = p->ttl_max;
	v = calloc(a->naddrs ? a->naddrs : 1, sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < a->naddrs; i++) {
		const struct resolve_addr *r = &a->addrs[i];
		uint32_t ttl = clamp_ttl(p, r->ttl);

		if (r->family != AF_INET && r->family != AF_INET6)
			continue;
		v[k].family = r->family;
		memcpy(v[k].addr, r->addr, r->family == AF_INET ? 4 : 16);
		v[k].expires = now + ttl;
		if (ttl < *minttl)
			*minttl = ttl;
		k++;
	}
	qsort(v, k, sizeof(*v), addr_qcmp);
	for (i = 0, *n = 0; i < k; i++) {
		if (*n && !addr_cmp(&v[*n - 1], &v[i])) {
			if (v[i].expires < v[*n - 1].expires)
				v[*n - 1].expires = v[i].expires;
			continue;
		}
		v[(*n)++] = v[i];
	}
	return v;
}

/* Same addresses (not deadlines) in two sorted lists? */
static bool same_addrs(const struct names_addr *a, size_t na,
		       const struct names_addr *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (addr_cmp(&a[i], &b[i]))
			return false;
	return true;
}

static int apply_ok(const struct names_params *p, struct names_entry *e,
		    const struct resolve_answer *a, int64_t now)
{
	struct names_addr *cur, *leave, *all;
	size_t ncur, nleave = 0, i, j, n;
	uint32_t minttl;
	bool changed;

	cur = answer_addrs(p, a, now, &ncur, &minttl);
	if (!cur)
		return -ENOMEM;
	if (!ncur) {
		free(cur);
		failed(p, e, a, now);
		return expire(e, now);
	}
	leave = calloc(e->naddrs ? e->naddrs : 1, sizeof(*leave));
	all = calloc(ncur + e->naddrs, sizeof(*all));
	if (!leave || !all) {
		free(cur);
		free(leave);
		free(all);
		return -ENOMEM;
	}
	/* What was in force and is not in the answer: leaving (or gone). */
	for (i = j = 0; i < e->naddrs; i++) {
		struct names_addr o = e->addrs[i];

		while (j < ncur && addr_cmp(&cur[j], &o) < 0)
			j++;
		if (j < ncur && !addr_cmp(&cur[j], &o))
			continue;
		if (!o.leaving)
			o.leaving = max64(now + p->grace, o.expires);
		if (o.leaving > now)
			leave[nleave++] = o;
	}
	/* The cap: the answer's lowest first, then the leaving ones. */
	e->truncated = false;
	if (ncur > NAMES_ADDRS_MAX) {
		ncur = NAMES_ADDRS_MAX;
		e->truncated = true;
	}
	if (nleave > NAMES_ADDRS_MAX - ncur) {
		nleave = NAMES_ADDRS_MAX - ncur;
		e->truncated = true;
	}
	for (i = j = n = 0; i < ncur || j < nleave;) {
		if (j >= nleave || (i < ncur && addr_cmp(&cur[i], &leave[j]) < 0))
			all[n++] = cur[i++];
		else
			all[n++] = leave[j++];
	}
	changed = !same_addrs(e->addrs, e->naddrs, all, n);
	free(e->addrs);
	free(cur);
	free(leave);
	e->addrs = all;
	e->naddrs = n;
	e->good = e->tried = now;
	e->good_until = e->next = now + minttl;
	e->failures = 0;
	e->status = RESOLVE_OK;
	e->error[0] = '\0';
	return changed;
}

int names_apply(struct names *ns, const char *name,
		const struct resolve_answer *a, int64_t now)
{
	struct names_entry *e = lookup(ns, name);

	if (!e)
		return -ENOENT;
	sane(&ns->p, e, now);
	if (a->status == RESOLVE_OK)
		return apply_ok(&ns->p, e, a, now);
	failed(&ns->p, e, a, now);
	return expire(e, now);
}

size_t names_addrs(const struct names *ns, const char *name, int64_t now,
		   struct names_addr *out, size_t max)
{
	const struct names_entry *e = lookup(ns, name);
	size_t i, n = 0;

	if (!e)
		return 0;
	for (i = 0; i < e->naddrs; i++) {
		if (e->addrs[i].leaving && e->addrs[i].leaving <= now)
			continue;
		if (n < max)
			out[n] = e->addrs[i];
		n++;
	}
	return n;
}

int64_t names_next(const struct names *ns)
{
	int64_t t = INT64_MAX;
	size_t i, k;

	for (i = 0; i < ns->n; i++) {
		const struct names_entry *e = &ns->v[i];

		if (e->next < t)
			t = e->next;
		for (k = 0; k < e->naddrs; k++)
			if (e->addrs[k].leaving && e->addrs[k].leaving < t)
				t = e->addrs[k].leaving;
	}
	return t;
}

bool names_stale(const struct names_entry *e, int64_t now)
{
	return e->good && now >= e->good_until;
}

int names_seed(struct names *ns, const char *name,
	       const struct names_addr *addrs, size_t n, int64_t now)
{
	struct names_entry *e;
	struct names_addr *v;
	size_t i, k;
	int ret;

	if (!n || n > NAMES_ADDRS_MAX || now < 2)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (addrs[i].family != AF_INET && addrs[i].family != AF_INET6)
			return -EINVAL;
	e = lookup(ns, name);
	if (e && e->naddrs)
		return 0;
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		v[i].family = addrs[i].family;
		memcpy(v[i].addr, addrs[i].addr,
		       v[i].family == AF_INET ? 4 : 16);
		v[i].expires = now;
	}
	qsort(v, n, sizeof(*v), addr_qcmp);
	for (i = 1, k = 1; i < n; i++)
		if (addr_cmp(&v[k - 1], &v[i]))
			v[k++] = v[i];
	if (!e) {
		ret = names_add(ns, name);
		e = ret ? NULL : lookup(ns, name);
		if (!e) {
			free(v);
			return ret ? ret : -ENOMEM;
		}
	}
	free(e->addrs);
	e->addrs = v;
	e->naddrs = k;
	e->good = e->tried = now - 1;
	e->good_until = e->next = now;
	e->failures = 0;
	e->status = RESOLVE_OK;
	e->error[0] = '\0';
	e->truncated = false;
	return 1;
}

/* ---- the state file ---- */

#define MAGIC "epgate-names 1"

int names_write(const struct names *ns, FILE *f)
{
	size_t i, k;

	fprintf(f, MAGIC "\n");
	for (i = 0; i < ns->n; i++) {
		const struct names_entry *e = &ns->v[i];

		fprintf(f, "name %s good %" PRId64 " until %" PRId64
			" tried %" PRId64 " next %" PRId64
			" failures %" PRIu32 " status %s truncated %d\n",
			e->name, e->good, e->good_until, e->tried, e->next,
			e->failures, resolve_status_name(e->status),
			e->truncated);
		if (e->error[0])
			fprintf(f, "error %s\n", e->error);
		for (k = 0; k < e->naddrs; k++) {
			char buf[INET6_ADDRSTRLEN];

			inet_ntop(e->addrs[k].family, e->addrs[k].addr, buf,
				  sizeof(buf));
			fprintf(f, "addr %s expires %" PRId64 " leaving %" PRId64 "\n",
				buf, e->addrs[k].expires, e->addrs[k].leaving);
		}
	}
	fprintf(f, "end %zu\n", ns->n);
	return ferror(f) ? -EIO : 0;
}

#define TOKENS_MAX 16

struct parse {
	struct names *ns;
	const char *file;
	unsigned int line;
	char *err;
	size_t errlen;
	/* the current line, split at single spaces */
	const char *tok[TOKENS_MAX];
	size_t len[TOKENS_MAX];
	size_t ntok;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct parse *p, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%u: %s", p->file, p->line, msg);
	return -EINVAL;
}

static bool is(const struct parse *p, size_t i, const char *word)
{
	return i < p->ntok && p->len[i] == strlen(word) &&
	       !memcmp(p->tok[i], word, p->len[i]);
}

/* Decimal, no sign, no leading zero, within @max. */
static int number(struct parse *p, size_t i, uint64_t max, uint64_t *v)
{
	size_t k;

	*v = 0;
	if (i >= p->ntok || !p->len[i] || p->len[i] > 19 ||
	    (p->len[i] > 1 && p->tok[i][0] == '0'))
		goto bad;
	for (k = 0; k < p->len[i]; k++) {
		if (p->tok[i][k] < '0' || p->tok[i][k] > '9')
			goto bad;
		*v = *v * 10 + (uint64_t)(p->tok[i][k] - '0');
	}
	if (*v > max)
		goto bad;
	return 0;
bad:
	return fail(p, "field %zu: not a number in 0..%" PRIu64, i + 1, max);
}

static int keyed_time(struct parse *p, size_t i, const char *key, int64_t *t)
{
	uint64_t v;

	if (!is(p, i, key))
		return fail(p, "field %zu: expected '%s'", i + 1, key);
	if (number(p, i + 1, INT64_MAX, &v))
		return -EINVAL;
	*t = (int64_t)v;
	return 0;
}

static int parse_name(struct parse *p, struct names_entry **ep)
{
	struct names *ns = p->ns;
	struct names_entry *e;
	char name[HOSTNAME_MAX + 1], why[96];
	uint64_t v;
	int s;

	if (p->ntok != 16)
		return fail(p, "a name line has 16 fields, not %zu", p->ntok);
	if (!hostname_valid(p->tok[1], p->len[1], NULL, why, sizeof(why)))
		return fail(p, "bad name: %s", why);
	hostname_lower(name, p->tok[1], p->len[1]);
	if (memcmp(name, p->tok[1], p->len[1]))
		return fail(p, "name '%s' not in lower case", name);
	if (ns->n && strcmp(ns->v[ns->n - 1].name, name) >= 0)
		return fail(p, "name '%s' out of order or repeated", name);
	if (ns->n >= NAMES_MAX)
		return fail(p, "more than %d names", NAMES_MAX);
	e = insert(ns, ns->n);
	if (!e)
		return -ENOMEM;
	memcpy(e->name, name, sizeof(name));
	*ep = e;
	if (keyed_time(p, 2, "good", &e->good) ||
	    keyed_time(p, 4, "until", &e->good_until) ||
	    keyed_time(p, 6, "tried", &e->tried) ||
	    keyed_time(p, 8, "next", &e->next))
		return -EINVAL;
	if (!is(p, 10, "failures"))
		return fail(p, "field 11: expected 'failures'");
	if (number(p, 11, UINT32_MAX, &v))
		return -EINVAL;
	e->failures = (uint32_t)v;
	if (!is(p, 12, "status"))
		return fail(p, "field 13: expected 'status'");
	for (s = 0; s < RESOLVE_NSTATUS; s++)
		if (is(p, 13, resolve_status_name(s)))
			break;
	if (s == RESOLVE_NSTATUS)
		return fail(p, "field 14: unknown status");
	e->status = s;
	if (!is(p, 14, "truncated"))
		return fail(p, "field 15: expected 'truncated'");
	if (number(p, 15, 1, &v))
		return -EINVAL;
	e->truncated = v;
	if ((e->status == RESOLVE_OK) != (e->failures == 0))
		return fail(p, "status %s with %" PRIu32 " failures",
			    resolve_status_name(e->status), e->failures);
	if (!e->good && (e->good_until || e->truncated ||
			 (e->status == RESOLVE_OK && e->tried)))
		return fail(p, "never resolved, yet 'until', truncated or an ok answer");
	if (e->good && (e->good_until <= e->good || e->tried < e->good))
		return fail(p, "'until' not after 'good' or 'tried' before it");
	return 0;
}

static int parse_error(struct parse *p, struct names_entry *e,
		       const char *text, size_t len, bool after_name)
{
	size_t i;

	if (!e || !after_name)
		return fail(p, "'error' only right after its name line");
	if (e->status == RESOLVE_OK)
		return fail(p, "'error' for a name whose status is ok");
	if (!len || len >= sizeof(e->error))
		return fail(p, "error text of 1..%zu characters",
			    sizeof(e->error) - 1);
	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 ||
		    (unsigned char)text[i] >= 0x7f)
			return fail(p, "non-printable byte in the error text");
	memcpy(e->error, text, len);
	e->error[len] = '\0';
	return 0;
}

static int parse_addr(struct parse *p, struct names_entry *e)
{
	char buf[INET6_ADDRSTRLEN], back[INET6_ADDRSTRLEN];
	struct names_addr a = { 0 }, *v;

	if (!e)
		return fail(p, "'addr' before any name");
	if (p->ntok != 6)
		return fail(p, "an addr line has 6 fields, not %zu", p->ntok);
	if (!e->good)
		return fail(p, "an address for a name never resolved");
	if (e->naddrs >= NAMES_ADDRS_MAX)
		return fail(p, "more than %d addresses", NAMES_ADDRS_MAX);
	if (p->len[1] >= sizeof(buf))
		return fail(p, "bad address");
	memcpy(buf, p->tok[1], p->len[1]);
	buf[p->len[1]] = '\0';
	a.family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(a.family, buf, a.addr) != 1 ||
	    !inet_ntop(a.family, a.addr, back, sizeof(back)) || strcmp(buf, back))
		return fail(p, "bad address '%s' (inet_ntop's form)", buf);
	if (keyed_time(p, 2, "expires", &a.expires) ||
	    keyed_time(p, 4, "leaving", &a.leaving))
		return -EINVAL;
	if (e->naddrs && addr_cmp(&e->addrs[e->naddrs - 1], &a) >= 0)
		return fail(p, "address '%s' out of order or repeated", buf);
	v = realloc(e->addrs, (e->naddrs + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	e->addrs = v;
	e->addrs[e->naddrs++] = a;
	return 0;
}

static void split(struct parse *p, const char *s, size_t len)
{
	size_t i, start = 0;

	p->ntok = 0;
	for (i = 0; i <= len && p->ntok < TOKENS_MAX; i++) {
		if (i < len && s[i] != ' ')
			continue;
		p->tok[p->ntok] = s + start;
		p->len[p->ntok++] = i - start;
		start = i + 1;
	}
	if (i <= len)		/* more fields than any line has */
		p->ntok = TOKENS_MAX + 1;
}

int names_parse(struct names *ns, const char *file, const char *buf,
		size_t len, char *err, size_t errlen)
{
	struct parse p = { .ns = ns, .file = file, .err = err, .errlen = errlen };
	struct names_entry *e = NULL;
	bool after_name = false, ended = false;
	size_t off = 0, i;
	int ret = 0;

	names_free(ns);
	while (off < len) {
		const char *s = buf + off, *nl = memchr(s, '\n', len - off);
		size_t llen;

		p.line++;
		if (!nl) {
			ret = fail(&p, "last line not terminated (file cut?)");
			goto out;
		}
		llen = nl - s;
		off += llen + 1;
		if (ended) {
			ret = fail(&p, "text after the 'end' line");
			goto out;
		}
		for (i = 0; i < llen; i++)
			if ((unsigned char)s[i] < 0x20 ||
			    (unsigned char)s[i] >= 0x7f)
				break;
		if (i < llen) {
			ret = fail(&p, "non-printable byte 0x%02x at column %zu",
				   (unsigned char)s[i], i + 1);
			goto out;
		}
		if (p.line == 1) {
			if (llen != strlen(MAGIC) || memcmp(s, MAGIC, llen))
				ret = fail(&p, "not an epgate names file (expected '" MAGIC "')");
			if (ret)
				goto out;
			continue;
		}
		if (llen > 6 && !memcmp(s, "error ", 6)) {
			ret = parse_error(&p, e, s + 6, llen - 6, after_name);
			after_name = false;
			if (ret)
				goto out;
			continue;
		}
		split(&p, s, llen);
		after_name = false;
		if (is(&p, 0, "name")) {
			ret = parse_name(&p, &e);
			after_name = true;
		} else if (is(&p, 0, "addr")) {
			ret = parse_addr(&p, e);
		} else if (is(&p, 0, "end")) {
			uint64_t n;

			ended = true;
			if (p.ntok != 2)
				ret = fail(&p, "an end line has 2 fields");
			else if (number(&p, 1, NAMES_MAX, &n))
				ret = -EINVAL;
			else if (n != ns->n)
				ret = fail(&p, "'end %" PRIu64 "' after %zu names",
					   n, ns->n);
		} else {
			ret = fail(&p, "unknown line (name, error, addr or end)");
		}
		if (ret)
			goto out;
	}
	if (!p.line)
		ret = fail(&p, "empty file");
	else if (!ended)
		ret = fail(&p, "no 'end' line (file cut?)");
out:
	if (ret) {
		if (ret == -ENOMEM)
			snprintf(err, errlen, "%s: out of memory", file);
		names_free(ns);
	}
	return ret;
}
