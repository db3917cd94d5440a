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
 * Profiles enabled together (profile_lint_set()):
 *   - conflict: two profiles claim the same protocol and port, in flows on
 *     by default, with different initiator or responder roles, unless both
 *     flows declare the same `service` (two vendors' HTTPS to the Internet
 *     on 443 is no conflict).
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "profile.h"

/* Wider ranges are the vendor's own dynamic ranges: warning would be noise. */
#define WELL_KNOWN_RANGE_MAX 16

#define TCP PROFILE_PROTO_TCP
#define UDP PROFILE_PROTO_UDP

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

__attribute__((format(printf, 4, 5)))
static void warn(FILE *f, const char *file, unsigned int line,
		 const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "%s:%u: warning: ", file, line);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
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
	unsigned int n = 0, k;
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
				if (!(a->protos & b->protos & protos[k].bit) ||
				    !intersect(a, b, &lo, &hi))
					continue;
				warn(out, p->file, b->line,
				     "flows '%s' and '%s' overlap on %s, both %s -> %s",
				     a->name, b->name,
				     ports_str(buf, sizeof(buf),
					       protos[k].name, lo, hi),
				     p->roles[a->from].name,
				     p->roles[a->to].name);
				n++;
			}
		}
	}
	return n;
}

static unsigned int lint_well_known(const struct profile *p, FILE *out)
{
	unsigned int n = 0, k;
	size_t i, w;

	for (i = 0; i < p->nflows; i++) {
		const struct profile_flow *f = &p->flows[i];

		for (w = 0; w < ARRAY_SIZE(well_known); w++) {
			const struct well_known *wk = &well_known[w];

			for (k = 0; k < ARRAY_SIZE(protos); k++) {
				if (!(wk->protos & protos[k].bit) ||
				    !has_port(f, protos[k].bit, wk->port,
					      WELL_KNOWN_RANGE_MAX) ||
				    declares(f, wk))
					continue;
				warn(out, p->file, f->line,
				     "flow '%s': %s/%u is also the well-known port of %s (add 'service %s' if the vendor means it)",
				     f->name, protos[k].name, wk->port,
				     wk->what, wk->services[0]);
				n++;
			}
		}
	}
	return n;
}

/* `service` keywords that suppress nothing: unknown, or not used here. */
static unsigned int lint_services(const struct profile *p, FILE *out)
{
	unsigned int n = 0, s, k, m;
	bool known, used;
	size_t i, w;

	for (i = 0; i < p->nflows; i++) {
		const struct profile_flow *f = &p->flows[i];

		for (s = 0; s < f->nservices; s++) {
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
			if (!known)
				warn(out, p->file, f->line,
				     "flow '%s': unknown service '%s' (not in the well-known port table of userspace/lint.c)",
				     f->name, f->services[s]);
			else if (!used)
				warn(out, p->file, f->line,
				     "flow '%s': service '%s' declared, but none of its well-known ports is in the flow",
				     f->name, f->services[s]);
			n += !known || !used;
		}
	}
	return n;
}

unsigned int profile_lint(const struct profile *p, FILE *f)
{
	return lint_overlap(p, f) + lint_well_known(p, f) +
	       lint_services(p, f);
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
	unsigned int count = 0, k;
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
						if (!(a->protos & b->protos &
						      protos[k].bit) ||
						    !intersect(b, a, &lo, &hi))
							continue;
						warn(f, pb->file, b->line,
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
						count++;
					}
				}
			}
		}
	}
	return count;
}
