// SPDX-License-Identifier: GPL-2.0
/*
 * A batch of hostnames through one c-ares channel and a poll() loop (the
 * contract is in resolve.h).  Every query of the batch is sent before the
 * loop starts, so a batch takes about as long as its slowest name, not
 * the sum: a daemon following a hundred names whose server is down waits
 * one timeout, not a hundred.
 */

#include <ares.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hostname.h"
#include "resolve.h"

/* One query: a name and a family (0: A, 1: AAAA). */
struct query {
	struct batch *b;
	size_t name;
	int fam;
	bool done;
	int status;			/* c-ares' */
	struct resolve_addr *addrs;
	size_t naddrs;
	bool nomem;
};

struct batch {
	struct query *q;		/* 2 per name */
	size_t pending;
};

static const int families[2] = { AF_INET, AF_INET6 };

static uint32_t ttl_of(int ttl)
{
	return ttl < 0 ? 0 : (uint32_t)ttl;
}

static void collect(struct query *q, const struct ares_addrinfo *ai)
{
	const struct ares_addrinfo_node *node;
	const struct ares_addrinfo_cname *c;
	uint32_t chain = UINT32_MAX;
	size_t n = 0;

	for (c = ai->cnames; c; c = c->next)
		if (ttl_of(c->ttl) < chain)
			chain = ttl_of(c->ttl);
	for (node = ai->nodes; node; node = node->ai_next)
		n++;
	if (!n)
		return;
	q->addrs = calloc(n, sizeof(*q->addrs));
	if (!q->addrs) {
		q->nomem = true;
		return;
	}
	for (node = ai->nodes; node; node = node->ai_next) {
		struct resolve_addr *a = &q->addrs[q->naddrs];

		if (node->ai_family == AF_INET &&
		    node->ai_addrlen >= sizeof(struct sockaddr_in)) {
			const struct sockaddr_in *sin = (const void *)node->ai_addr;

			memcpy(a->addr, &sin->sin_addr, 4);
		} else if (node->ai_family == AF_INET6 &&
			   node->ai_addrlen >= sizeof(struct sockaddr_in6)) {
			const struct sockaddr_in6 *sin6 = (const void *)node->ai_addr;

			memcpy(a->addr, &sin6->sin6_addr, 16);
		} else {
			continue;
		}
		a->family = node->ai_family;
		a->ttl = ttl_of(node->ai_ttl);
		if (chain < a->ttl)
			a->ttl = chain;
		q->naddrs++;
	}
}

static void done(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
	struct query *q = arg;

	(void)timeouts;
	q->done = true;
	q->status = status;
	if (status == ARES_SUCCESS && ai)
		collect(q, ai);
	if (ai)
		ares_freeaddrinfo(ai);
	q->b->pending--;
}

static enum resolve_status status_of(int ares)
{
	switch (ares) {
	case ARES_SUCCESS:
		return RESOLVE_OK;
	case ARES_ENOTFOUND:
		return RESOLVE_NXDOMAIN;
	case ARES_ENODATA:
		return RESOLVE_NODATA;
	case ARES_ESERVFAIL:
		return RESOLVE_SERVFAIL;
	case ARES_ETIMEOUT:
		return RESOLVE_TIMEOUT;
	default:
		return RESOLVE_ERROR;
	}
}

static bool hard_failure(enum resolve_status s)
{
	return s == RESOLVE_SERVFAIL || s == RESOLVE_TIMEOUT ||
	       s == RESOLVE_ERROR;
}

/* The name's answer from its A and AAAA queries (rules in resolve.h). */
static int combine(struct query *q4, struct query *q6,
		   struct resolve_answer *out)
{
	static const char *const qname[2] = { "A", "AAAA" };
	struct query *qs[2] = { q4, q6 }, *fail = NULL;
	enum resolve_status s[2];
	int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < 2; i++) {
		if (qs[i]->nomem)
			return -ENOMEM;
		s[i] = status_of(qs[i]->done ? qs[i]->status : ARES_ETIMEOUT);
	}
	for (i = 0; i < 2 && !fail; i++)
		if (hard_failure(s[i]))
			fail = qs[i];
	for (i = 0; i < 2 && !fail; i++)
		if (s[i] == RESOLVE_NXDOMAIN)
			fail = qs[i];
	if (!fail && s[0] == RESOLVE_NODATA && s[1] == RESOLVE_NODATA)
		fail = qs[0];
	if (fail) {
		out->status = status_of(fail->status);
		snprintf(out->error, sizeof(out->error), "%s query: %s",
			 qname[fail == q6], ares_strerror(fail->status));
		return 0;
	}
	out->status = RESOLVE_OK;
	out->naddrs = q4->naddrs + q6->naddrs;
	if (!out->naddrs)
		return 0;
	out->addrs = calloc(out->naddrs, sizeof(*out->addrs));
	if (!out->addrs)
		return -ENOMEM;
	if (q4->naddrs)
		memcpy(out->addrs, q4->addrs, q4->naddrs * sizeof(*q4->addrs));
	if (q6->naddrs)
		memcpy(out->addrs + q4->naddrs, q6->addrs,
		       q6->naddrs * sizeof(*q6->addrs));
	return 0;
}

/* Until every query has called back; c-ares' own timeouts end them. */
static int run(ares_channel ch, struct batch *b, char *err, size_t errlen)
{
	while (b->pending) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		struct pollfd pfd[ARES_GETSOCK_MAXNUM];
		struct timeval tv, *tvp;
		int bits, i, nfds = 0, ms, r;

		bits = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
		for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			short ev = 0;

			if (ARES_GETSOCK_READABLE(bits, i))
				ev |= POLLIN;
			if (ARES_GETSOCK_WRITABLE(bits, i))
				ev |= POLLOUT;
			if (!ev)
				continue;
			pfd[nfds].fd = socks[i];
			pfd[nfds].events = ev;
			pfd[nfds].revents = 0;
			nfds++;
		}
		tvp = ares_timeout(ch, NULL, &tv);
		ms = tvp ? (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000) : -1;
		if (!nfds && !tvp) {
			snprintf(err, errlen, "resolver stalled with %zu queries pending",
				 b->pending);
			return -EIO;
		}
		r = poll(pfd, nfds, ms);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -errno;
		}
		if (!r) {
			ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
			continue;
		}
		for (i = 0; i < nfds; i++) {
			short re = pfd[i].revents;

			if (!re)
				continue;
			ares_process_fd(ch,
					re & (POLLIN | POLLERR | POLLHUP) ?
						pfd[i].fd : ARES_SOCKET_BAD,
					re & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD);
		}
	}
	return 0;
}

static int open_channel(ares_channel *ch, const struct resolve_opts *opts,
			int flags, char *err, size_t errlen)
{
	struct ares_options o;
	char lookups[] = "b";
	int r;

	memset(&o, 0, sizeof(o));
	o.lookups = lookups;
	o.timeout = opts && opts->timeout_ms ? (int)opts->timeout_ms :
					       RESOLVE_TIMEOUT_MS;
	o.tries = opts && opts->tries ? (int)opts->tries : RESOLVE_TRIES;
	/* No HOSTALIASES redirection, no search list (see ask()). */
	o.flags = ARES_FLAG_NOALIASES | ARES_FLAG_NOSEARCH | flags;
	r = ares_init_options(ch, &o, ARES_OPT_LOOKUPS | ARES_OPT_TIMEOUTMS |
				      ARES_OPT_TRIES | ARES_OPT_FLAGS);
	if (r != ARES_SUCCESS) {
		snprintf(err, errlen, "resolver: %s", ares_strerror(r));
		return r == ARES_ENOMEM ? -ENOMEM : -EIO;
	}
	if (opts && opts->server) {
		r = ares_set_servers_ports_csv(*ch, opts->server);
		/* c-ares takes a comma list; one server is the contract. */
		if (r == ARES_SUCCESS && strchr(opts->server, ','))
			r = ARES_EBADSTR;
		if (r != ARES_SUCCESS) {
			snprintf(err, errlen,
				 "bad DNS server '%.64s' (IP, IP:PORT or [IPV6]:PORT)",
				 opts->server);
			ares_destroy(*ch);
			return -EINVAL;
		}
	}
	return 0;
}

/* A query's result, forgotten before it is asked again. */
static void reset(struct query *q, struct batch *b, size_t name, int fam)
{
	free(q->addrs);
	memset(q, 0, sizeof(*q));
	q->b = b;
	q->name = name;
	q->fam = fam;
}

/*
 * One round: the names with @again[i] set (all when NULL), both
 * families, on a fresh channel with the extra c-ares @flags.
 */
static int ask(const char *const *names, size_t n, const bool *again,
	       const struct resolve_opts *opts, int flags, struct batch *b,
	       char *err, size_t errlen)
{
	struct ares_addrinfo_hints hints;
	char fqdn[HOSTNAME_MAX + 2];
	ares_channel ch;
	size_t i, k;
	int ret;

	ret = open_channel(&ch, opts, flags, err, errlen);
	if (ret)
		return ret;
	memset(&hints, 0, sizeof(hints));
	/* Address order does not matter to us: no c-ares sort (it connects
	 * a socket per address to find the source it would use). */
	hints.ai_flags = ARES_AI_NOSORT;
	for (i = 0; i < n; i++) {
		if (again && !again[i])
			continue;
		/* The trailing dot makes the name absolute: c-ares 1.18 would
		 * otherwise try the search list after NXDOMAIN or NODATA
		 * whatever ARES_FLAG_NOSEARCH says, and report the last
		 * search domain's answer. */
		snprintf(fqdn, sizeof(fqdn), "%s.", names[i]);
		for (k = 0; k < 2; k++) {
			struct query *q = &b->q[2 * i + k];

			reset(q, b, i, k);
			hints.ai_family = families[k];
			b->pending++;
			ares_getaddrinfo(ch, fqdn, NULL, &hints, done, q);
		}
	}
	ret = run(ch, b, err, errlen);
	/* Ends what is still pending (with ARES_EDESTRUCTION) on error. */
	ares_destroy(ch);
	return ret;
}

/*
 * c-ares 1.18 treats a SERVFAIL, REFUSED or NOTIMP response as "try the
 * next server" and, when every server did that, ends the query with
 * ARES_ECONNREFUSED, the status of a server it could not reach at all.
 * To tell the admin which it was, a name that ended so is asked once
 * more with ARES_FLAG_NOCHECKRESP, which hands the response code back
 * (ARES_ESERVFAIL, ARES_EREFUSED, ...).  Only a failing name pays for the
 * second round; the first keeps c-ares' fail-over to the next server.
 */
static bool refused(const struct batch *b, size_t i)
{
	return (b->q[2 * i].done && b->q[2 * i].status == ARES_ECONNREFUSED) ||
	       (b->q[2 * i + 1].done &&
		b->q[2 * i + 1].status == ARES_ECONNREFUSED);
}

int resolve_batch(const char *const *names, size_t n,
		  const struct resolve_opts *opts, struct resolve_answer *out,
		  char *err, size_t errlen)
{
	struct batch b = { 0 };
	bool *again = NULL, any = false;
	size_t i;
	int ret, r;

	for (i = 0; i < n; i++) {
		char why[96];
		size_t len = strlen(names[i]);

		if (!hostname_valid(names[i], len, NULL, why, sizeof(why))) {
			snprintf(err, errlen, "'%.*s': %s",
				 len > 64 ? 64 : (int)len, names[i], why);
			return -EINVAL;
		}
	}
	if (!n)
		return 0;
	b.q = calloc(2 * n, sizeof(*b.q));
	again = calloc(n, sizeof(*again));
	if (!b.q || !again) {
		free(b.q);
		free(again);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r = ares_library_init(ARES_LIB_INIT_ALL);
	if (r != ARES_SUCCESS) {
		free(b.q);
		free(again);
		snprintf(err, errlen, "resolver: %s", ares_strerror(r));
		return -EIO;
	}
	ret = ask(names, n, NULL, opts, 0, &b, err, errlen);
	for (i = 0; !ret && i < n; i++) {
		again[i] = refused(&b, i);
		any |= again[i];
	}
	if (!ret && any)
		ret = ask(names, n, again, opts, ARES_FLAG_NOCHECKRESP, &b,
			  err, errlen);
	for (i = 0; !ret && i < n; i++) {
		ret = combine(&b.q[2 * i], &b.q[2 * i + 1], &out[i]);
		if (ret) {
			snprintf(err, errlen, "out of memory");
			while (i--)
				resolve_answer_free(&out[i]);
		}
	}
	for (i = 0; i < 2 * n; i++)
		free(b.q[i].addrs);
	free(b.q);
	free(again);
	ares_library_cleanup();
	return ret;
}

const char *resolve_server_env(void)
{
	const char *s = getenv("EPGATE_DNS_SERVER");

	return s && *s ? s : NULL;
}
