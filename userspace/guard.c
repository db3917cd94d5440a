// SPDX-License-Identifier: GPL-2.0
/*
 * The lock-out guard (guard.h): would the state after a change drop the
 * SSH session the command came in by?
 *
 * The session is a TCP connection from the client to this gateway, so
 * conntrack's original direction is client -> server: the client's
 * packets cross INPUT, the replies OUTPUT, and both are judged as a
 * connection from the client to the server's port (kernel/hooks.c).  The
 * addresses and ports sshd puts in SSH_CONNECTION are those of its socket:
 * the server's after any DNAT, the client's as it arrived, which is what
 * the hook judges.
 *
 * Not covered: a session that conntrack picked up in the middle (the
 * module was off, and nothing else tracked connections in the namespace,
 * when it began).  If the first packet conntrack saw was a reply, the
 * entry's original direction is server -> client and the hook judges the
 * session on the client's port; the guard judges the connection as sshd
 * sees it.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <epgate/table.h>
#include <epgate/verdict.h>

#include "flowset.h"
#include "flowtable.h"
#include "guard.h"
#include "route.h"
#include "statusmsg.h"
#include "subcommands.h"

bool epgate_force;

/* Plain decimal 1..65535: no sign, no leading zero. */
static int parse_port(const char *s, size_t len, uint16_t *port)
{
	unsigned long v = 0;
	size_t i;

	if (!len || len > 5 || s[0] == '0')
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	if (v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}

/* An IPv4 or IPv6 address; IPv6 may carry %SCOPE (an interface). */
static int parse_addr(const char *s, size_t len, uint8_t *family,
		      uint8_t addr[16], char scope[IF_NAMESIZE])
{
	char buf[INET6_ADDRSTRLEN];
	const char *pct = memchr(s, '%', len);
	size_t alen = pct ? (size_t)(pct - s) : len;

	if (!alen || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	scope[0] = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1 && !pct) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, addr) != 1)
		return -EINVAL;
	*family = AF_INET6;
	if (pct) {
		size_t slen = len - alen - 1;

		if (!slen || slen >= IF_NAMESIZE || memchr(pct + 1, '/', slen))
			return -EINVAL;
		memcpy(scope, pct + 1, slen);
		scope[slen] = '\0';
	}
	return 0;
}

static bool v4_mapped(const uint8_t a[16])
{
	static const uint8_t prefix[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	return !memcmp(a, prefix, sizeof(prefix));
}

int guard_parse_session(const char *s, struct guard_session *ss)
{
	char scope[2][IF_NAMESIZE];
	const char *w[4];
	size_t len[4];
	uint8_t fam[2];
	int i, mapped;

	memset(ss, 0, sizeof(*ss));
	for (i = 0; i < 4; i++) {
		w[i] = s;
		len[i] = strcspn(s, " ");
		if (!len[i])
			return -EINVAL;
		s += len[i];
		if (i < 3 && *s++ != ' ')
			return -EINVAL;
	}
	if (*s ||
	    parse_addr(w[0], len[0], &fam[0], ss->client, scope[0]) ||
	    parse_port(w[1], len[1], &ss->client_port) ||
	    parse_addr(w[2], len[2], &fam[1], ss->server, scope[1]) ||
	    parse_port(w[3], len[3], &ss->server_port) ||
	    fam[0] != fam[1])
		return -EINVAL;
	ss->family = fam[0];
	if (ss->family == AF_INET)
		return 0;

	/* A dual-stack socket's view of IPv4: the packets are IPv4. */
	mapped = v4_mapped(ss->client) + v4_mapped(ss->server);
	if (mapped == 1 || (mapped && (scope[0][0] || scope[1][0])))
		return -EINVAL;
	if (mapped) {
		ss->family = AF_INET;
		memmove(ss->client, ss->client + 12, 4);
		memset(ss->client + 4, 0, 12);
		memmove(ss->server, ss->server + 12, 4);
		memset(ss->server + 4, 0, 12);
		return 0;
	}
	if (scope[0][0] && scope[1][0] && strcmp(scope[0], scope[1]))
		return -EINVAL;
	strcpy(ss->scope, scope[0][0] ? scope[0] : scope[1]);
	return 0;
}

/*
 * Can the state cut a session to this host at all?  hooks.c judges a
 * reply by its connection, with INPUT and OUTPUT swapped: the client's
 * packets at INPUT and the replies at OUTPUT both need the input hook (the
 * output hook alone never sees a connection made to this host).  Neither
 * has an output interface in that reading (INPUT has none, and a reply's
 * is its connection's, INPUT's again), so an `out` list leaves the
 * session out of scope.
 */
static bool may_cut(const struct epgate_config *cfg)
{
	return cfg->mode == EPGATE_MODE_ENFORCE &&
	       (cfg->hooks & EPGATE_HOOK_INPUT) && !cfg->nout;
}

/*
 * An `in` list: the client's packets are in scope when their interface is
 * listed, the replies when theirs is (a reply's "in" is its own egress).
 * @ifname is the interface toward the client, taken for both: with
 * asymmetric routing the client's packets may come in by another one, and
 * that one is not looked at.  Unknown (NULL): in scope, the safe side.
 */
static bool iface_in_scope(const struct epgate_config *cfg,
			   const char *ifname)
{
	unsigned int i;

	if (!cfg->nin || !ifname)
		return true;
	for (i = 0; i < cfg->nin && i < EPGATE_MAX_IFACES; i++) {
		if (!strncmp(cfg->in[i], ifname, EPGATE_IFNAME_MAX))
			return true;
	}
	return false;
}

int guard_judge(const struct epgate_config *cfg, const struct flowlist *fl,
		const struct guard_session *ss, const char *ifname)
{
	const struct epg_rule *rules;
	struct epg_table *t;
	__be32 s[4], d[4];
	unsigned int n;
	char err[128];
	int ret;

	if (!may_cut(cfg) || !iface_in_scope(cfg, ifname))
		return GUARD_KEEPS;
	ret = flowtable_build(fl, &t, err, sizeof(err));
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		return GUARD_KEEPS;

	/* As the hook: a flow matches, or the port is monitored only. */
	memcpy(s, ss->client, sizeof(s));
	memcpy(d, ss->server, sizeof(d));
	ret = GUARD_KEEPS;
	if (!epg_table_match(t, EPG_PROTO_TCP, ss->server_port, ss->family,
			     s, d)) {
		rules = epg_table_rules(t, EPG_PROTO_TCP, ss->server_port, &n);
		if (!epgate_rules_monitored(rules, n))
			ret = GUARD_CUTS;
	}
	epg_table_free(t);
	return ret;
}

static const char *addr_str(const struct guard_session *ss,
			    const uint8_t *addr, char *buf, size_t len)
{
	if (!inet_ntop(ss->family, addr, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

/* ADDR:PORT, [ADDR]:PORT for IPv6. */
static const char *endpoint_str(const struct guard_session *ss,
				const uint8_t *addr, uint16_t port, char *buf,
				size_t len)
{
	char a[INET6_ADDRSTRLEN];

	addr_str(ss, addr, a, sizeof(a));
	snprintf(buf, len, ss->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
		 port);
	return buf;
}

int guard_decide(FILE *f, const char *cmd, const struct guard_session *ss,
		 const struct epgate_config *cfg, const struct flowlist *fl,
		 const char *ifname, unsigned int confirm_secs, bool force)
{
	char c[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];
	char ce[INET6_ADDRSTRLEN + 8], se[INET6_ADDRSTRLEN + 8];
	char what[384];
	int ret;

	ret = guard_judge(cfg, fl, ss, ifname);
	if (ret < 0) {
		fprintf(f, "%s: %s: lock-out guard: %s\n", prog, cmd,
			strerror(-ret));
		return ret;
	}
	if (ret == GUARD_KEEPS)
		return 0;

	snprintf(what, sizeof(what),
		 "your SSH session (tcp %s -> %s): no enabled flow allows tcp/%u from %s to %s",
		 endpoint_str(ss, ss->client, ss->client_port, ce, sizeof(ce)),
		 endpoint_str(ss, ss->server, ss->server_port, se, sizeof(se)),
		 ss->server_port, addr_str(ss, ss->client, c, sizeof(c)),
		 addr_str(ss, ss->server, s, sizeof(s)));
	if (confirm_secs) {
		fprintf(f, "%s: %s: warning: this change cuts %s; it is rolled back in %u s unless 'epgate confirm' comes another way\n",
			prog, cmd, what, confirm_secs);
		return 0;
	}
	if (force) {
		fprintf(f, "%s: %s: warning: --force: this change cuts %s\n",
			prog, cmd, what);
		return 0;
	}
	fprintf(f, "%s: %s: refused: this change would cut %s; add one, or retry with --confirm SECONDS (rolled back unless confirmed) or --force\n",
		prog, cmd, what);
	return -EPERM;
}

static bool has_session(void)
{
	const char *s = getenv("SSH_CONNECTION");

	return s && *s;
}

/*
 * The session of SSH_CONNECTION: 1, or 0 when there is none.  A malformed
 * one is a warning, not a refusal: it is no session the guard could judge,
 * and an odd environment must not lock the admin out of the tool.  Parsed
 * only when the new state could cut a session, so that the warning comes
 * when the check it disables would have mattered.
 */
static int env_session(const char *cmd, struct guard_session *ss)
{
	if (!has_session())
		return 0;
	if (guard_parse_session(getenv("SSH_CONNECTION"), ss)) {
		fprintf(stderr,
			"%s: %s: warning: SSH_CONNECTION is not 'CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT'; no lock-out check\n",
			prog, cmd);
		return 0;
	}
	return 1;
}

/*
 * The interface toward the client: an IPv6 scope names it, else the route
 * the replies take.  NULL when it cannot be told (then an `in` list counts
 * the session in scope: the safe side).
 */
static const char *session_iface(const struct guard_session *ss,
				 char buf[IF_NAMESIZE])
{
	const char *p = ss->scope;

	if (*p) {
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p)
			return ss->scope;
		return if_indextoname(strtoul(ss->scope, NULL, 10), buf);
	}
	if (route_oif(ss->family, ss->client, ss->server, buf))
		return NULL;
	return buf;
}

static int check_session(const char *cmd, const struct guard_session *ss,
			 const struct epgate_config *cfg,
			 const struct flowlist *fl)
{
	char buf[IF_NAMESIZE];
	const char *ifname = NULL;

	if (!may_cut(cfg))
		return 0;
	if (cfg->nin)
		ifname = session_iface(ss, buf);
	return guard_decide(stderr, cmd, ss, cfg, fl, ifname,
			    epgate_confirm_secs, epgate_force);
}

int guard_check(const char *cmd, const struct epgate_config *cfg,
		const struct flowlist *fl)
{
	struct guard_session ss;

	if (!may_cut(cfg) || !env_session(cmd, &ss))
		return 0;
	return check_session(cmd, &ss, cfg, fl);
}

int guard_change(struct epgate_genl *g, const char *cmd,
		 const struct epgate_config *change, const struct flowlist *fl)
{
	struct epgate_status st;
	struct epgate_config cfg;
	struct guard_session ss;
	struct flowset fs = { 0 };
	struct epgate_genl own;
	int ret;

	/* Nothing to read when there is no session, or no enforce to come. */
	if (!has_session() || (change && (change->set & CONFIG_MODE) &&
			       change->mode != EPGATE_MODE_ENFORCE))
		return 0;
	if (!g) {
		ret = status_connect(&own, cmd);
		if (ret)
			return ret;
		g = &own;
	}
	ret = status_fetch(g, &st);
	if (ret)
		goto fail;
	config_from_status(&cfg, &st);
	if (change)
		config_merge(&cfg, change);
	ret = 0;
	if (!may_cut(&cfg) || !env_session(cmd, &ss))
		goto out;
	if (!fl) {
		ret = flowset_read(g, &fs);
		if (ret)
			goto fail;
		fl = &fs.fl;
	}
	ret = check_session(cmd, &ss, &cfg, fl);
	goto out;
fail:
	fprintf(stderr, "%s: %s: cannot read the module's state for the lock-out check: %s\n",
		prog, cmd, epgate_genl_strerror(g, ret));
out:
	flowset_free(&fs);
	if (g == &own)
		epgate_genl_close(&own);
	return ret;
}
