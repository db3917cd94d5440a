// SPDX-License-Identifier: GPL-2.0
/*
 * Lint of vendor profiles: warnings about profiles that parse but are
 * probably not what their author meant.  Nothing here changes what is
 * pushed to the module; the warnings are for `epgate profile check` and
 * `epgate enable`, as "FILE:LINE: warning: message".
 *
 * One profile (profile_lint()):
 *   - overlap: two flows with the same initiator and responder roles and
 *     protocol share ports: one of them says nothing the other does not
 *     (flows of different roles on one port are how vendors work: several
 *     parties talk to one service);
 *   - well-known port: a port (of a single port or a range of at most
 *     WELL_KNOWN_RANGE_MAX ports) is the well-known port of a service the
 *     flow does not declare with `service`;
 *   - service: a `service` keyword this table does not know, or one none of
 *     whose ports the flow uses (the declaration then suppresses nothing).
 *   - wide range: one range of more than WIDE_RANGE_MAX ports (`ports
 *     1-65535` opens every port for that pair of roles).
 * Profiles enabled together (profile_lint_set()):
 *   - conflict: two profiles claim the same protocol and port, in flows on
 *     by default, with different initiator or responder roles, unless both
 *     flows declare the same `service` (two vendors' HTTPS to the Internet
 *     on 443 is no conflict).
 *
 * Each distinct finding is ONE warning, with the number of times it was
 * found: 3,000 identical flows of `1-65535` are one overlap warning, not
 * 4.5 million.  At most FINDINGS_MAX distinct findings are kept per check;
 * the rest are counted in a last warning that names the limit.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

/* Wider ranges are the vendor's own dynamic ranges: warning would be noise. */
#define WELL_KNOWN_RANGE_MAX 16

#define TCP PROFILE_PROTO_TCP
#define UDP PROFILE_PROTO_UDP

/* A range wider than this draws a warning. */
#define WIDE_RANGE_MAX 4096

/* Distinct findings kept per check (a power of two). */
#define FINDINGS_MAX 4096

/*
 * The well-known ports a vendor might reuse, and the `service` keywords
 * that declare the reuse deliberate; the first keyword is the one the
 * warning suggests.
 */
static const struct well_known {
	uint16_t port;
	unsigned int protos;
	const char *what;
	const char *services[4];
} well_known[] = {
	{ 20, TCP, "FTP data", { "ftp-data", "ftp" } },
	{ 21, TCP, "FTP", { "ftp" } },
	{ 22, TCP, "SSH", { "ssh" } },
	{ 23, TCP, "Telnet", { "telnet" } },
	{ 25, TCP, "SMTP", { "smtp" } },
	{ 53, TCP | UDP, "DNS", { "dns", "domain" } },
	{ 67, UDP, "DHCP server", { "dhcp" } },
	{ 68, UDP, "DHCP client", { "dhcp" } },
	{ 69, UDP, "TFTP", { "tftp" } },
	{ 80, TCP, "HTTP", { "http" } },
	{ 88, TCP | UDP, "Kerberos", { "kerberos" } },
	{ 110, TCP, "POP3", { "pop3" } },
	{ 123, UDP, "NTP", { "ntp" } },
	{ 135, TCP | UDP, "MS RPC endpoint mapper", { "msrpc" } },
	{ 137, UDP, "NetBIOS name service", { "netbios", "netbios-ns" } },
	{ 138, UDP, "NetBIOS datagram service", { "netbios", "netbios-dgm" } },
	{ 139, TCP, "NetBIOS session service (SMB)",
	  { "netbios", "netbios-ssn", "smb" } },
	{ 143, TCP, "IMAP", { "imap" } },
	{ 161, UDP, "SNMP", { "snmp" } },
	{ 162, UDP, "SNMP trap", { "snmp-trap", "snmp" } },
	{ 389, TCP | UDP, "LDAP", { "ldap" } },
	{ 443, TCP, "HTTPS", { "https" } },
	{ 443, UDP, "QUIC (HTTP/3)", { "https", "quic" } },
	{ 445, TCP, "SMB", { "smb", "microsoft-ds" } },
	{ 465, TCP, "SMTP over TLS", { "smtps", "smtp" } },
	{ 514, TCP | UDP, "syslog", { "syslog" } },
	{ 587, TCP, "SMTP submission", { "submission", "smtp" } },
	{ 636, TCP, "LDAP over TLS", { "ldaps", "ldap" } },
	{ 993, TCP, "IMAP over TLS", { "imaps", "imap" } },
	{ 995, TCP, "POP3 over TLS", { "pop3s", "pop3" } },
	{ 1433, TCP, "Microsoft SQL Server", { "mssql" } },
	{ 1434, UDP, "Microsoft SQL Server browser", { "mssql" } },
	{ 1521, TCP, "Oracle database", { "oracle" } },
	{ 1883, TCP, "MQTT", { "mqtt" } },
	{ 2222, TCP, "alternative SSH", { "ssh" } },
	{ 3128, TCP, "squid/HTTP proxy", { "http-proxy", "squid", "proxy" } },
	{ 3306, TCP, "MySQL", { "mysql" } },
	{ 3389, TCP | UDP, "RDP", { "rdp" } },
	{ 5432, TCP, "PostgreSQL", { "postgresql" } },
	{ 5900, TCP, "VNC", { "vnc" } },
	{ 8080, TCP, "HTTP alternate", { "http-alt", "http", "proxy" } },
	{ 8443, TCP, "HTTPS alternate", { "https-alt", "https" } },
	{ 8883, TCP, "MQTT over TLS", { "mqtts", "mqtt" } },
};

static const struct {
	unsigned int bit;
	const char *name;
} protos[] = {
	{ TCP, "tcp" },
	{ UDP, "udp" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Findings of one check, grouped: a finding is identified by a key of
 * KEY_WORDS numbers (roles, protocol, ports, ...), described once when it
 * is first seen, and counted every time after.  flush() prints each as
 * one warning in the order first seen.
 */
#define KEY_WORDS 10
#define SLOTS (2 * FINDINGS_MAX)
_Static_assert((SLOTS & (SLOTS - 1)) == 0, "power of two");

struct finding {
	uint32_t key[KEY_WORDS];
	const char *file;
	unsigned int line;
	unsigned long count;
	char msg[512];
};

struct findings {
	FILE *out;
	const char *what;	/* what a count counts: "pairs of flows" */
	struct finding *v;	/* FINDINGS_MAX of them, then SLOTS slots */
	uint32_t *slots;	/* index in v + 1; 0: free */
	size_t n;
	unsigned long dropped;	/* occurrences past FINDINGS_MAX, or no memory */
	const char *file;	/* for the dropped warning */
};

static uint32_t key_hash(const uint32_t *key)
{
	uint32_t h = 2166136261U;
	unsigned int i;

	for (i = 0; i < KEY_WORDS; i++)
		h = (h ^ key[i]) * 16777619U;
	return h;
}

/*
 * Count the finding @key; true when it is new: the caller describes it
 * with note() right after.
 */
static bool first(struct findings *fs, const uint32_t *key, const char *file)
{
	uint32_t i;

	fs->file = fs->file ? fs->file : file;
	if (!fs->v) {
		fs->v = malloc(FINDINGS_MAX * sizeof(*fs->v));
		fs->slots = calloc(SLOTS, sizeof(*fs->slots));
		if (!fs->v || !fs->slots) {
			free(fs->v);
			free(fs->slots);
			fs->v = NULL;
			fs->slots = NULL;
			fs->dropped++;
			return false;
		}
	}
	for (i = key_hash(key) & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
		struct finding *f;

		if (!fs->slots[i])
			break;
		f = &fs->v[fs->slots[i] - 1];
		if (!memcmp(f->key, key, sizeof(f->key))) {
			f->count++;
			return false;
		}
	}
	if (fs->n == FINDINGS_MAX) {
		fs->dropped++;
		return false;
	}
	fs->slots[i] = fs->n + 1;
	memcpy(fs->v[fs->n].key, key, sizeof(fs->v[fs->n].key));
	fs->v[fs->n].count = 1;
	fs->v[fs->n].file = file;
	fs->v[fs->n].line = 0;
	fs->v[fs->n].msg[0] = '\0';
	fs->n++;
	return true;
}

/* The description of the finding first() just counted as new. */
__attribute__((format(printf, 3, 4)))
static void note(struct findings *fs, unsigned int line, const char *fmt, ...)
{
	struct finding *f = &fs->v[fs->n - 1];
	va_list ap;

	f->line = line;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
}

/* Print every finding, one warning each; returns how many warnings. */
static unsigned int flush(struct findings *fs)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];

		fprintf(fs->out, "%s:%u: warning: %s", f->file, f->line, f->msg);
		if (f->count > 1)
			fprintf(fs->out, " (%lu %s in all)", f->count, fs->what);
		fputc('\n', fs->out);
		n++;
	}
	if (fs->dropped) {
		fprintf(fs->out,
			"%s: warning: %lu more findings not shown (at most %d distinct ones per check)\n",
			fs->file ? fs->file : "lint", fs->dropped, FINDINGS_MAX);
		n++;
	}
	free(fs->v);
	free(fs->slots);
	memset(fs, 0, sizeof(*fs));
	return n;
}

/* "tcp/80" or "tcp/80-90" into @buf. */
static const char *ports_str(char *buf, size_t size, const char *proto,
			     uint16_t lo, uint16_t hi)
{
	if (lo == hi)
		snprintf(buf, size, "%s/%u", proto, lo);
	else
		snprintf(buf, size, "%s/%u-%u", proto, lo, hi);
	return buf;
}

/* The first ports @a and @b share, in @a's order: true if any. */
static bool intersect(const struct profile_flow *a,
		      const struct profile_flow *b, uint16_t *lo, uint16_t *hi)
{
	unsigned int i, k;

	for (i = 0; i < a->nranges; i++) {
		for (k = 0; k < b->nranges; k++) {
			const struct flowlist_range *x = &a->ranges[i];
			const struct flowlist_range *y = &b->ranges[k];

			if (x->lo > y->hi || y->lo > x->hi)
				continue;
			*lo = x->lo > y->lo ? x->lo : y->lo;
			*hi = x->hi < y->hi ? x->hi : y->hi;
			return true;
		}
	}
	return false;
}

static bool declares(const struct profile_flow *f, const struct well_known *w)
{
	unsigned int i, k;

	for (i = 0; i < f->nservices; i++) {
		for (k = 0; k < ARRAY_SIZE(w->services) && w->services[k]; k++) {
			if (!strcmp(f->services[i], w->services[k]))
				return true;
		}
	}
	return false;
}

static bool has_port(const struct profile_flow *f, unsigned int proto,
		     uint16_t port, unsigned int max_width)
{
	unsigned int i;

	if (!(f->protos & proto))
		return false;
	for (i = 0; i < f->nranges; i++) {
		if ((unsigned int)(f->ranges[i].hi - f->ranges[i].lo) >= max_width)
			continue;
		if (f->ranges[i].lo <= port && port <= f->ranges[i].hi)
			return true;
	}
	return false;
}

static unsigned int lint_overlap(const struct profile *p, FILE *out)
{
	struct findings fs = { .out = out, .what = "pairs of flows" };
	unsigned int k;
	uint16_t lo, hi;
	size_t i, j;
	char buf[32];

	for (j = 0; j < p->nflows; j++) {
		const struct profile_flow *b = &p->flows[j];

		for (i = 0; i < j; i++) {
			const struct profile_flow *a = &p->flows[i];

			if (a->from != b->from || a->to != b->to)
				continue;
			for (k = 0; k < ARRAY_SIZE(protos); k++) {
				uint32_t key[KEY_WORDS] = { 0 };

				if (!(a->protos & b->protos & protos[k].bit) ||
				    !intersect(a, b, &lo, &hi))
					continue;
				key[0] = a->from;
				key[1] = a->to;
				key[2] = k;
				key[3] = lo;
				key[4] = hi;
				if (!first(&fs, key, p->file))
					continue;
				note(&fs, b->line,
				     "flows '%s' and '%s' overlap on %s, both %s -> %s",
				     a->name, b->name,
				     ports_str(buf, sizeof(buf),
					       protos[k].name, lo, hi),
				     p->roles[a->from].name,
				     p->roles[a->to].name);
			}
		}
	}
	return flush(&fs);
}

static unsigned int lint_well_known(const struct profile *p, FILE *out)
{
	struct findings fs = { .out = out, .what = "times" };
	unsigned int k;
	size_t i, w;

	for (i = 0; i < p->nflows; i++) {
		const struct profile_flow *f = &p->flows[i];

		for (w = 0; w < ARRAY_SIZE(well_known); w++) {
			const struct well_known *wk = &well_known[w];
			uint32_t key[KEY_WORDS] = { 0 };

			for (k = 0; k < ARRAY_SIZE(protos); k++) {
				if (!(wk->protos & protos[k].bit) ||
				    !has_port(f, protos[k].bit, wk->port,
					      WELL_KNOWN_RANGE_MAX) ||
				    declares(f, wk))
					continue;
				/* Per flow: each flow has its own fix. */
				key[0] = i;
				key[1] = w;
				key[2] = k;
				if (!first(&fs, key, p->file))
					continue;
				note(&fs, f->line,
				     "flow '%s': %s/%u is also the well-known port of %s (add 'service %s' if the vendor means it)",
				     f->name, protos[k].name, wk->port,
				     wk->what, wk->services[0]);
			}
		}
	}
	return flush(&fs);
}

/*
 * One range of more than WIDE_RANGE_MAX ports: `ports 1-65535` opens
 * every port between two roles, which is rarely what a vendor documents.
 */
static unsigned int lint_wide(const struct profile *p, FILE *out)
{
	struct findings fs = { .out = out, .what = "flows" };
	unsigned int k, r;
	size_t i;
	char buf[32];

	for (i = 0; i < p->nflows; i++) {
		const struct profile_flow *f = &p->flows[i];

		for (r = 0; r < f->nranges; r++) {
			const struct flowlist_range *x = &f->ranges[r];

			if (x->hi - x->lo + 1U <= WIDE_RANGE_MAX)
				continue;
			for (k = 0; k < ARRAY_SIZE(protos); k++) {
				uint32_t key[KEY_WORDS] = { 0 };

				if (!(f->protos & protos[k].bit))
					continue;
				key[0] = f->from;
				key[1] = f->to;
				key[2] = k;
				key[3] = x->lo;
				key[4] = x->hi;
				if (!first(&fs, key, p->file))
					continue;
				note(&fs, f->line,
				     "flow '%s': %s opens %u ports, %s -> %s (one range of more than %d ports: is every one of them meant?)",
				     f->name,
				     ports_str(buf, sizeof(buf), protos[k].name,
					       x->lo, x->hi),
				     x->hi - x->lo + 1U,
				     p->roles[f->from].name,
				     p->roles[f->to].name, WIDE_RANGE_MAX);
			}
		}
	}
	return flush(&fs);
}

/* `service` keywords that suppress nothing: unknown, or not used here. */
static unsigned int lint_services(const struct profile *p, FILE *out)
{
	struct findings fs = { .out = out, .what = "times" };
	unsigned int s, k, m;
	bool known, used;
	size_t i, w;

	for (i = 0; i < p->nflows; i++) {
		const struct profile_flow *f = &p->flows[i];

		for (s = 0; s < f->nservices; s++) {
			uint32_t key[KEY_WORDS] = { 0 };

			known = used = false;
			for (w = 0; w < ARRAY_SIZE(well_known); w++) {
				const struct well_known *wk = &well_known[w];

				for (m = 0; m < ARRAY_SIZE(wk->services) &&
					    wk->services[m]; m++) {
					if (strcmp(wk->services[m],
						   f->services[s]))
						continue;
					known = true;
					for (k = 0; k < ARRAY_SIZE(protos); k++) {
						if ((wk->protos & protos[k].bit) &&
						    has_port(f, protos[k].bit,
							     wk->port, 65536))
							used = true;
					}
				}
			}
			if (known && used)
				continue;
			/* Per flow: each flow has its own fix. */
			key[0] = i;
			key[1] = s;
			if (!first(&fs, key, p->file))
				continue;
			if (!known)
				note(&fs, f->line,
				     "flow '%s': unknown service '%s' (not in epgate's table of well-known ports)",
				     f->name, f->services[s]);
			else
				note(&fs, f->line,
				     "flow '%s': service '%s' declared, but none of its well-known ports is in the flow",
				     f->name, f->services[s]);
		}
	}
	return flush(&fs);
}

unsigned int profile_lint(const struct profile *p, FILE *f)
{
	return lint_overlap(p, f) + lint_well_known(p, f) +
	       lint_services(p, f) + lint_wide(p, f);
}

/* Do @a and @b declare a `service` in common? */
static bool same_service(const struct profile_flow *a,
			 const struct profile_flow *b)
{
	unsigned int i, k;

	for (i = 0; i < a->nservices; i++) {
		for (k = 0; k < b->nservices; k++) {
			if (!strcmp(a->services[i], b->services[k]))
				return true;
		}
	}
	return false;
}

static const char *role_name(const struct profile *p, int role)
{
	return role >= 0 && (size_t)role < p->nroles ? p->roles[role].name : "?";
}

unsigned int profile_lint_set(const struct profile *const *ps, size_t n,
			      FILE *f)
{
	struct findings fs = { .out = f, .what = "pairs of flows" };
	unsigned int k;
	size_t i, j, x, y;
	uint16_t lo, hi;
	char buf[32];

	for (j = 0; j < n; j++) {
		const struct profile *pb = ps[j];

		for (i = 0; i < j; i++) {
			const struct profile *pa = ps[i];

			/* The same profile twice (two versions of a file). */
			if (!strcmp(pa->name, pb->name))
				continue;
			for (y = 0; y < pb->nflows; y++) {
				const struct profile_flow *b = &pb->flows[y];

				for (x = 0; x < pa->nflows; x++) {
					const struct profile_flow *a = &pa->flows[x];

					if (a->option >= 0 || b->option >= 0 ||
					    same_service(a, b))
						continue;
					if (!strcmp(role_name(pa, a->from),
						    role_name(pb, b->from)) &&
					    !strcmp(role_name(pa, a->to),
						    role_name(pb, b->to)))
						continue;
					for (k = 0; k < ARRAY_SIZE(protos); k++) {
						uint32_t key[KEY_WORDS] = {
							i, j, a->from, a->to,
							b->from, b->to, k,
						};

						if (!(a->protos & b->protos &
						      protos[k].bit) ||
						    !intersect(b, a, &lo, &hi))
							continue;
						key[7] = lo;
						key[8] = hi;
						if (!first(&fs, key, pb->file))
							continue;
						note(&fs, b->line,
						     "%s of %s:%s (%s -> %s) is also claimed by %s:%s (%s -> %s) with different roles",
						     ports_str(buf, sizeof(buf),
							       protos[k].name,
							       lo, hi),
						     pb->name, b->name,
						     role_name(pb, b->from),
						     role_name(pb, b->to),
						     pa->name, a->name,
						     role_name(pa, a->from),
						     role_name(pa, a->to));
					}
				}
			}
		}
	}
	return flush(&fs);
}

void profile_lint_names(const char *const *names, size_t n, FILE *f)
{
	const struct profile **set;
	struct profile_error err;
	struct profile *ps;
	size_t i, k = 0;

	ps = calloc(n ? n : 1, sizeof(*ps));
	set = calloc(n ? n : 1, sizeof(*set));
	if (!ps || !set)
		goto out;
	for (i = 0; i < n; i++) {
		if (profile_load(names[i], &ps[k], &err))
			continue;	/* no profile file */
		profile_lint(&ps[k], f);
		set[k] = &ps[k];
		k++;
	}
	profile_lint_set(set, k, f);
	for (i = 0; i < k; i++)
		profile_free(&ps[i]);
out:
	free(set);
	free(ps);
}
