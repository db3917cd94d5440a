/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resolve a batch of hostnames at once with c-ares: every A and AAAA
 * address of each name, CNAMEs followed, each with the TTL it may be kept
 * for.  DNS only (never /etc/hosts), no search list.
 *
 * Each name is two queries on one channel, A and AAAA, asked together for
 * the whole batch.  They are asked apart, not as one AF_UNSPEC lookup,
 * because c-ares (1.18) reports an AF_UNSPEC lookup as a success as soon
 * as one family answered: an AAAA query that timed out would look like a
 * name without IPv6 addresses, and the name's IPv6 addresses would leave.
 * Here the name's status is:
 *
 *   OK        both families answered, at least one with addresses (the
 *             other may have none);
 *   NODATA    the name exists but has neither an A nor an AAAA record;
 *   NXDOMAIN  the name (or the end of its CNAME chain) does not exist;
 *   SERVFAIL, TIMEOUT, ERROR (anything else: c-ares' message in error)
 *             either family failed: the answer is incomplete, so it is a
 *             failure as a whole.
 *
 * An address's TTL is the smallest of its own record's and of every CNAME
 * in the answer (a CNAME's TTL bounds how long the chain to the address
 * holds).  A TTL c-ares reads as negative (the top bit set; RFC 2181 says
 * to treat it as 0) is 0.
 *
 * Which server: the system's (/etc/resolv.conf), or opts->server.  The
 * tool fills opts->server from the environment variable
 * EPGATE_DNS_SERVER=IP, IP:PORT or [IPV6]:PORT (resolve_server_env()), so
 * that a test can point it at its own DNS server on any address and port.
 */
#ifndef EPGATE_RESOLVE_H
#define EPGATE_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

enum resolve_status {
	RESOLVE_OK,
	RESOLVE_NXDOMAIN,
	RESOLVE_SERVFAIL,
	RESOLVE_TIMEOUT,
	RESOLVE_NODATA,
	RESOLVE_ERROR,
	RESOLVE_NSTATUS
};

/*
 * ok nxdomain servfail timeout nodata error: the words of `status` and of
 * the state file.  Inline, like resolve_answer_free(), so that code that
 * only handles answers (names.c, its tests) does not link c-ares.
 */
static inline const char *resolve_status_name(enum resolve_status s)
{
	switch (s) {
	case RESOLVE_OK: return "ok";
	case RESOLVE_NXDOMAIN: return "nxdomain";
	case RESOLVE_SERVFAIL: return "servfail";
	case RESOLVE_TIMEOUT: return "timeout";
	case RESOLVE_NODATA: return "nodata";
	case RESOLVE_ERROR: return "error";
	default: return "?";
	}
}

/* One address: AF_INET (addr[0..3], the rest zero) or AF_INET6. */
struct resolve_addr {
	uint8_t family;
	uint8_t addr[16];
	uint32_t ttl;		/* seconds */
};

#define RESOLVE_ERROR_MAX 128

struct resolve_answer {
	enum resolve_status status;
	char error[RESOLVE_ERROR_MAX];	/* one line; "" when OK */
	struct resolve_addr *addrs;	/* A then AAAA, as received */
	size_t naddrs;
};

/* 0 in a field: the default. */
#define RESOLVE_TIMEOUT_MS	2000	/* first try; c-ares doubles it per round */
#define RESOLVE_TRIES		2

struct resolve_opts {
	const char *server;	/* NULL: /etc/resolv.conf; IP, IP:PORT, [IPV6]:PORT */
	unsigned int timeout_ms;
	unsigned int tries;
};

/*
 * Resolve @names[0..@n-1] (each valid by hostname.h; checked) into
 * @out[0..@n-1], which the caller frees with resolve_answer_free().  The
 * per-name outcome is in out[i].status; the return value is 0, or a
 * negative errno with @err (@errlen bytes) set when nothing could be
 * asked at all (no channel, a bad server, an invalid name), in which case
 * @out holds nothing to free.
 */
int resolve_batch(const char *const *names, size_t n,
		  const struct resolve_opts *opts, struct resolve_answer *out,
		  char *err, size_t errlen);

static inline void resolve_answer_free(struct resolve_answer *a)
{
	free(a->addrs);
	a->addrs = NULL;
	a->naddrs = 0;
}

/* EPGATE_DNS_SERVER, or NULL when unset or empty. */
const char *resolve_server_env(void);

#endif
