// SPDX-License-Identifier: GPL-2.0
/*
 * epgate lookup tcp|udp PORT [from ADDR] [to ADDR] [-j]
 *
 * Which enabled flows allow a destination port, answered by the module's
 * own lookup code: the set is read back from the module and compiled with
 * lib/table.c, the file epgate.ko compiles (flowtable.c), then looked up
 * as the hook does.
 * With addresses the answer is the hook's verdict for a new connection
 * from ADDR to ADDR; without, the flows that cover the port for some
 * addresses.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <epgate/table.h>
#include <epgate/verdict.h>

#include "flowset.h"
#include "flowtable.h"
#include "json.h"
#include "lookup.h"
#include "statusmsg.h"
#include "subcommands.h"

struct query {
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;
	struct flowlist_prefix from, to;	/* family 0: not given */
	int json;
};

static int parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	const char *c;

	if (!*s || strlen(s) > 5)
		return -EINVAL;
	for (c = s; *c; c++) {
		if (*c < '0' || *c > '9')
			return -EINVAL;
		v = v * 10 + (*c - '0');
	}
	if (!v || v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}

static int parse_addr(const char *s, struct flowlist_prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, s, p->addr) == 1) {
		p->family = AF_INET;
		p->len = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, s, p->addr) == 1) {
		p->family = AF_INET6;
		p->len = 128;
		return 0;
	}
	return -EINVAL;
}

static int parse_args(struct query *q, int argc, const char *argv[])
{
	int i, pos = 0;

	memset(q, 0, sizeof(*q));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j")) {
			q->json = 1;
		} else if ((!strcmp(argv[i], "from") || !strcmp(argv[i], "to")) &&
			   i + 1 < argc) {
			struct flowlist_prefix *p = argv[i][0] == 'f' ?
						    &q->from : &q->to;

			if (parse_addr(argv[i + 1], p)) {
				fprintf(stderr,
					"%s: lookup: bad address '%s' (an IPv4 or IPv6 address)\n",
					prog, argv[i + 1]);
				return -EINVAL;
			}
			i++;
		} else if (pos == 0) {
			if (!strcmp(argv[i], "tcp")) {
				q->proto = IPPROTO_TCP;
			} else if (!strcmp(argv[i], "udp")) {
				q->proto = IPPROTO_UDP;
			} else {
				fprintf(stderr,
					"%s: lookup: unknown protocol '%s' (tcp or udp)\n",
					prog, argv[i]);
				return -EINVAL;
			}
			pos++;
		} else if (pos == 1) {
			if (parse_port(argv[i], &q->port)) {
				fprintf(stderr,
					"%s: lookup: bad port '%s' (1..65535)\n",
					prog, argv[i]);
				return -EINVAL;
			}
			pos++;
		} else {
			usage_error("lookup", "unexpected '%s'", argv[i]);
			return -EINVAL;
		}
	}
	if (pos != 2) {
		usage_error("lookup", "missing the %s", pos ? "port" :
			    "protocol (tcp or udp)");
		return -EINVAL;
	}
	if (q->from.family && q->to.family && q->from.family != q->to.family) {
		fprintf(stderr,
			"%s: lookup: 'from' and 'to' must be of one family\n",
			prog);
		return -EINVAL;
	}
	return 0;
}

static const char *prefix_str(const struct flowlist_prefix *p, char *buf,
			      size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!p->family)
		return "any";
	inet_ntop(p->family, p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

/* Prefixes of an anonymous set shown in the text table. */
#define LOOKUP_SHOWN	2

/*
 * A role in JSON: "from": "any" | "PREFIX" | "@NAME" | "P1,P2,...", and
 * for a set "from_set": {"name": NAME or null, "prefixes": [...]}.
 */
static void json_role(struct json *j, const char *key,
		      const struct flowlist *fl,
		      const struct flowlist_prefix *p, uint32_t ref)
{
	const struct flowlist_set *s = flowlist_set_of(fl, ref);
	char buf[256], k[16];
	uint32_t i;

	json_string(j, key, flowlist_role_str(fl, p, ref, LOOKUP_SHOWN, buf,
					      sizeof(buf)));
	if (!s)
		return;
	snprintf(k, sizeof(k), "%s_set", key);
	json_object_begin(j, k);
	if (s->name[0])
		json_string(j, "name", s->name);
	else
		json_null(j, "name");
	json_array_begin(j, "prefixes");
	for (i = 0; i < s->n; i++)
		json_string(j, NULL, flowlist_prefix_str(&s->prefixes[i], buf,
							 sizeof(buf)));
	json_array_end(j);
	json_object_end(j);
}

/*
 * The verdict word, as kernel/hooks.c decides it: without addresses a
 * port that some flow uses is "allow" (for some addresses); with them, the
 * flow that matched.  Otherwise enforce drops, unless every profile using
 * the port is in monitor (epgate_rules_monitored(), the hook's own test):
 * then the packet passes and is counted as would_drop, as in global
 * monitor.
 */
const char *lookup_verdict(uint8_t mode, const struct epg_rule *rules,
			   unsigned int n, const struct epg_rule *match,
			   bool addrs)
{
	if (addrs ? match != NULL : n > 0)
		return "allow";
	switch (mode) {
	case EPGATE_MODE_ENFORCE:
		return epgate_rules_monitored(rules, n) ? "would-drop" : "drop";
	case EPGATE_MODE_MONITOR:
		return "would-drop";
	default:
		return "pass";
	}
}

static void print(const struct query *q, const struct flowset *fs,
		  const struct epg_rule *rules, unsigned int n,
		  const struct epg_rule *match, uint8_t mode)
{
	const char *proto = q->proto == IPPROTO_TCP ? "tcp" : "udp";
	const struct flowlist_flow *f;
	char b1[256], b2[256];
	bool addrs = q->from.family || q->to.family;
	const char *verdict;
	unsigned int i;
	struct json j;

	verdict = lookup_verdict(mode, rules, n, match, addrs);

	if (q->json) {
		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_string(&j, "proto", proto);
		json_u64(&j, "port", q->port);
		if (q->from.family)
			json_string(&j, "from", prefix_str(&q->from, b1, sizeof(b1)));
		else
			json_null(&j, "from");
		if (q->to.family)
			json_string(&j, "to", prefix_str(&q->to, b1, sizeof(b1)));
		else
			json_null(&j, "to");
		json_string(&j, "mode", mode_name(mode));
		json_string(&j, "verdict", verdict);
		if (match) {
			f = &fs->fl.flows[match->id];
			json_object_begin(&j, "match");
			json_string(&j, "profile", f->profile);
			json_string(&j, "flow", f->name);
			json_object_end(&j);
		} else {
			json_null(&j, "match");
		}
		json_array_begin(&j, "flows");
		for (i = 0; i < n; i++) {
			f = &fs->fl.flows[rules[i].id];
			json_object_begin(&j, NULL);
			json_string(&j, "profile", f->profile);
			json_string(&j, "flow", f->name);
			json_role(&j, "from", &fs->fl, &f->from, f->from_set);
			json_role(&j, "to", &fs->fl, &f->to, f->to_set);
			json_string(&j, "profile_mode", mode_name(f->mode));
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
		return;
	}

	printf("%s/%u", proto, q->port);
	if (addrs)
		printf(" from %s to %s", prefix_str(&q->from, b1, sizeof(b1)),
		       prefix_str(&q->to, b2, sizeof(b2)));
	if (match) {
		f = &fs->fl.flows[match->id];
		printf(": allow (%s/%s)\n", f->profile, f->name);
	} else if (addrs && n) {
		printf(": %s (mode %s%s): the port's flows are bound to other addresses\n",
		       verdict, mode_name(mode),
		       mode == EPGATE_MODE_ENFORCE &&
		       epgate_rules_monitored(rules, n) ?
		       ", its profiles in monitor" : "");
	} else if (n) {
		printf(": allow, %u flow%s\n", n, n == 1 ? "" : "s");
	} else {
		printf(": %s (mode %s): no enabled flow uses this port\n",
		       verdict, mode_name(mode));
	}
	if (!n)
		return;
	printf("  %-16s %-28s %-20s %-20s %s\n", "PROFILE", "FLOW", "FROM",
	       "TO", "MODE");
	for (i = 0; i < n; i++) {
		f = &fs->fl.flows[rules[i].id];
		printf("  %-16s %-28s %-20s %-20s %s\n", f->profile, f->name,
		       flowlist_role_str(&fs->fl, &f->from, f->from_set,
					 LOOKUP_SHOWN, b1, sizeof(b1)),
		       flowlist_role_str(&fs->fl, &f->to, f->to_set,
					 LOOKUP_SHOWN, b2, sizeof(b2)),
		       mode_name(f->mode));
	}
}

int lookup_main(int argc, const char *argv[])
{
	const struct epg_rule *rules, *match = NULL;
	struct epg_table *t = NULL;
	struct epgate_status st;
	struct epgate_genl g;
	struct flowset fs;
	unsigned int n;
	struct query q;
	char err[128];
	uint8_t ep;
	int ret;

	if (parse_args(&q, argc, argv))
		return 1;
	if (status_connect(&g, "lookup"))
		return 1;
	ret = flowset_read(&g, &fs);
	if (!ret)
		ret = status_fetch(&g, &st);
	epgate_genl_close(&g);
	if (ret) {
		fprintf(stderr, "%s: lookup: cannot read the flow set: %s\n",
			prog, epgate_genl_strerror(&g, ret));
		return 1;
	}
	ret = flowtable_build(&fs.fl, &t, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: lookup: %s\n", prog,
			ret == -ENOMEM ? strerror(ENOMEM) : err);
		flowset_free(&fs);
		return 1;
	}
	ep = q.proto == IPPROTO_TCP ? EPG_PROTO_TCP : EPG_PROTO_UDP;
	rules = epg_table_rules(t, ep, q.port, &n);
	if (q.from.family || q.to.family) {
		uint8_t family = q.from.family ? q.from.family : q.to.family;
		uint32_t s[4] = { 0 }, d[4] = { 0 };

		/* An address left out is "any": try it as all zeroes. */
		memcpy(s, q.from.addr, sizeof(s));
		memcpy(d, q.to.addr, sizeof(d));
		match = epg_table_match(t, ep, q.port, family, s, d);
	}
	print(&q, &fs, rules, n, match, st.mode);
	epg_table_free(t);
	flowset_free(&fs);
	return 0;
}
