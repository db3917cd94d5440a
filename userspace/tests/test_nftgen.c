// SPDX-License-Identifier: GPL-2.0
/*
 * `epgate export nft`: the ruleset generator (nftgen.c), its text and its
 * JSON exact for small policies: unbound and bound roles, IPv4 and IPv6,
 * ranges and sets, monitored profiles, the mark, interface scope and the
 * hooks, mode off, roles bound to address sets, sets that follow
 * hostnames.  Every expected text was checked with `nft -c -f` (and the
 * JSON with `nft -j -c -f`) when it was written; the VM selftest
 * epgate_export.sh runs the generator against real traffic.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/epgate.h>

#include "nftgen.h"
#include "tap.h"

/* The comment every text ruleset carries after its header. */
#define DIFFERENCES \
	"# Differences from the module: no per-flow counters (one counter per rule);\n" \
	"# a connection a conntrack helper expects (FTP data) is judged by its own\n" \
	"# tuple, not its master's; an ICMP error related to an allowed connection\n" \
	"# passes unmarked; a logged drop carries no reason (no-flow, no-match).\n"

const char *prog = "epgate";

#define MODE_OFF 0xff

struct opts {
	uint8_t mode;
	uint32_t hooks;
	uint32_t mark_value, mark_mask;
	const char *in[4], *out[4];
	uint32_t log_flags;
	uint16_t log_group;
};

/* The named sets of the flow lists: NAME then its prefixes, comma-separated. */
static const char * const named_sets[][2] = {
	/* 10.0.2.0/23 once merged; 10.0.8.0-10.0.10.255; fd00:1::/64 holds ::5 */
	{ "lan", "10.0.3.0/24,10.0.2.0/24,10.0.2.128/25,10.0.9.0/24,10.0.8.0/24,"
		 "10.0.10.0/24,192.0.2.7,fd00:1::5,fd00:2::/64,fd00:1::/64" },
	{ "9net", "10.9.0.0/16" },		/* not an nft identifier */
	{ "addr-2", "fd00:5::/64" },		/* would clash with addr-2-v6 */
	{ "top", "255.255.255.0/24,255.255.254.0/24,ffff::/16,::/128" },
};

struct set_table {
	struct flowlist_set sets[sizeof(named_sets) / sizeof(named_sets[0])];
	struct flowlist_set host;	/* the last hostname's answer */
};

static int lookup(void *ctx, const char *name, const struct flowlist_set **out,
		  char *err, size_t errlen)
{
	struct set_table *t = ctx;
	struct flowlist_error fe;
	size_t i;

	if (strchr(name, '.')) {
		/*
		 * A hostname: one address, 192.0.2.N for a name of N
		 * characters, fd00::N for v6only.*.
		 */
		struct flowlist_prefix p = { .family = AF_INET, .len = 32,
					     .addr = { 192, 0, 2,
						       (uint8_t)strlen(name) } };

		if (!strncmp(name, "v6only.", 7)) {
			memset(&p.addr, 0, sizeof(p.addr));
			p.family = AF_INET6;
			p.len = 128;
			p.addr[0] = 0xfd;
			p.addr[15] = (uint8_t)strlen(name);
		}
		flowlist_set_free(&t->host);
		flowlist_set_add(&t->host, &p);
		*out = &t->host;
		return 0;
	}

	for (i = 0; i < sizeof(named_sets) / sizeof(named_sets[0]); i++) {
		struct flowlist_set *s = &t->sets[i];
		char buf[512], *save = NULL, *tok;

		if (strcmp(named_sets[i][0], name))
			continue;
		if (!s->n) {
			snprintf(s->name, sizeof(s->name), "%s", name);
			snprintf(buf, sizeof(buf), "%s", named_sets[i][1]);
			for (tok = strtok_r(buf, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				struct flowlist_prefix pfx;

				if (flowlist_parse_prefix(tok, &pfx, &fe) ||
				    flowlist_set_add(s, &pfx))
					return -EINVAL;
			}
		}
		*out = s;
		return 0;
	}
	snprintf(err, errlen, "unknown set '%s'", name);
	return -ENOENT;
}

/* Build from a flow list text under @o; the text or JSON into @out. */
static int gen(const char *flows, const struct opts *o, bool json, char **out,
	       char *err)
{
	struct nftgen_config c = { .family = "inet", .table = "epgate",
				    .priority = EPGATE_PRIORITY_DEFAULT };
	struct flowlist fl = { 0 };
	struct flowlist_error fe;
	struct set_table sets;
	struct nftgen g;
	size_t len;
	FILE *f;
	int ret, i;

	memset(&sets, 0, sizeof(sets));
	ret = flowlist_parse_sets(flows, strlen(flows), &fl, &fe, lookup,
				  &sets);
	for (i = 0; i < (int)(sizeof(sets.sets) / sizeof(sets.sets[0])); i++)
		flowlist_set_free(&sets.sets[i]);
	flowlist_set_free(&sets.host);
	if (ret) {
		snprintf(err, 256, "flow list: %.200s", fe.msg);
		return -EINVAL;
	}
	c.mode = o->mode == MODE_OFF ? EPGATE_MODE_OFF :
		 o->mode ? o->mode : EPGATE_MODE_ENFORCE;
	c.hooks = o->hooks ? o->hooks : EPGATE_HOOK_FORWARD;
	c.mark_value = o->mark_value;
	c.mark_mask = o->mark_mask;
	c.log_flags = o->log_flags;
	c.log_group = o->log_group;
	for (i = 0; i < 4 && o->in[i]; i++)
		snprintf(c.in[c.nin++], EPGATE_IFNAME_MAX, "%s", o->in[i]);
	for (i = 0; i < 4 && o->out[i]; i++)
		snprintf(c.out[c.nout++], EPGATE_IFNAME_MAX, "%s", o->out[i]);
	ret = nftgen_build(&fl, &c, &g, err, 256);
	flowlist_free(&fl);
	if (ret)
		return ret;
	f = open_memstream(out, &len);
	if (!f) {
		nftgen_free(&g);
		return -ENOMEM;
	}
	if (json)
		nftgen_print_json(&g, f);
	else
		nftgen_print(&g, f);
	fclose(f);
	nftgen_free(&g);
	return 0;
}

static void expect(const char *desc, const char *flows, const struct opts *o,
		   bool json, const char *want)
{
	char err[256] = "", *out = NULL;
	int ret = gen(flows, o, json, &out, err);

	ok(!ret && !strcmp(out, want), "%s", desc);
	if (ret)
		printf("#   error: %s\n", err);
	else if (strcmp(out, want))
		printf("#   got:\n%s", out);
	free(out);
}

static const char text_unbound[] =
	"#!/usr/sbin/nft -f\n"
	"# epgate policy: mode enforce, hooks forward, in any, out any, 3 flows\n"
	"# Written by `epgate export nft`: replaces table inet epgate in one transaction.\n"
	DIFFERENCES
	"table inet epgate\n"
	"delete table inet epgate\n"
	"table inet epgate {\n"
	"\tset tcp-1 {\n"
	"\t\ttype inet_service\n"
	"\t\tflags interval\n"
	"\t\telements = { 22, 443, 8000-8010 }\n"
	"\t}\n"
	"\n"
	"\tchain judge {\n"
	"\t\tct state invalid,untracked goto judge-untracked\n"
	"\t\tmeta l4proto tcp ct reply proto-src @tcp-1 accept\n"
	"\t\tmeta l4proto udp ct reply proto-src 53 accept\n"
	"\t\tmeta l4proto { tcp, udp } counter drop\n"
	"\t}\n"
	"\n"
	"\tchain judge-untracked {\n"
	"\t\tmeta l4proto tcp th dport @tcp-1 accept\n"
	"\t\tmeta l4proto udp th dport 53 accept\n"
	"\t\tmeta l4proto { tcp, udp } counter drop\n"
	"\t}\n"
	"\n"
	"\tchain forward {\n"
	"\t\ttype filter hook forward priority filter - 10; policy accept;\n"
	"\t\tgoto judge\n"
	"\t}\n"
	"}\n";

static const char text_bound[] =
	"#!/usr/sbin/nft -f\n"
	"# epgate policy: mode enforce, hooks forward, in any, out any, mark 0x100/0xff00, 8 flows\n"
	"# Written by `epgate export nft`: replaces table inet epgate in one transaction.\n"
	DIFFERENCES
	"table inet epgate\n"
	"delete table inet epgate\n"
	"table inet epgate {\n"
	"\tset tcp-1 {\n"
	"\t\ttype inet_service\n"
	"\t\tflags interval\n"
	"\t\telements = { 443, 20000-20021 }\n"
	"\t}\n"
	"\n"
	"\tset tcp-monitored {\n"
	"\t\ttype inet_service\n"
	"\t\tflags interval\n"
	"\t\telements = { 13000-13001, 20000-20021 }\n"
	"\t}\n"
	"\n"
	"\tchain judge {\n"
	"\t\tct state invalid,untracked goto judge-untracked\n"
	"\t\tmeta l4proto tcp ct reply proto-src 443 ct reply ip saddr 10.0.2.0/24 meta mark set meta mark & 0xffff00ff | 0x00000100 accept\n"
	"\t\tmeta l4proto udp ct reply proto-src 15000 ct original ip6 saddr fd00:2::1 meta mark set meta mark & 0xffff00ff | 0x00000100 accept\n"
	"\t\tmeta l4proto tcp ct reply proto-src 13000-13001 ct reply ip saddr 10.0.0.0/8 meta mark set meta mark & 0xffff00ff | 0x00000100 accept\n"
	"\t\tmeta l4proto tcp ct reply proto-src @tcp-1 meta mark set meta mark & 0xffff00ff | 0x00000100 accept\n"
	"\t\tmeta l4proto udp ct reply proto-src 9 meta nfproto ipv4 meta mark set meta mark & 0xffff00ff | 0x00000100 accept\n"
	"\t\tmeta l4proto tcp ct reply proto-src 5 ct original ip6 saddr fd00:1::/64 ct reply ip6 saddr fd00:2::/60 meta mark set meta mark & 0xffff00ff | 0x00000100 accept\n"
	"\t\tmeta l4proto tcp ct reply proto-src 6 ct original ip saddr 10.1.0.0/20 meta mark set meta mark & 0xffff00ff | 0x00000100 accept\n"
	"\t\tmeta l4proto tcp ct reply proto-src @tcp-monitored counter accept\n"
	"\t\tmeta l4proto udp ct reply proto-src 15000 counter accept\n"
	"\t\tmeta l4proto { tcp, udp } counter drop\n"
	"\t}\n"
	"\n"
	"\tchain judge-untracked {\n"
	"\t\tmeta l4proto tcp th dport 443 ip daddr 10.0.2.0/24 meta mark set meta mark & 0xffff00ff | 0x00000100 accept\n"
	"\t\tmeta l4proto udp th dport 15000 ip6 saddr fd00:2::1 meta mark set meta mark & 0xffff00ff | 0x00000100 accept\n"
	"\t\tmeta l4proto tcp th dport 13000-13001 ip daddr 10.0.0.0/8 meta mark set meta mark & 0xffff00ff | 0x00000100 accept\n"
	"\t\tmeta l4proto tcp th dport @tcp-1 meta mark set meta mark & 0xffff00ff | 0x00000100 accept\n"
	"\t\tmeta l4proto udp th dport 9 meta nfproto ipv4 meta mark set meta mark & 0xffff00ff | 0x00000100 accept\n"
	"\t\tmeta l4proto tcp th dport 5 ip6 saddr fd00:1::/64 ip6 daddr fd00:2::/60 meta mark set meta mark & 0xffff00ff | 0x00000100 accept\n"
	"\t\tmeta l4proto tcp th dport 6 ip saddr 10.1.0.0/20 meta mark set meta mark & 0xffff00ff | 0x00000100 accept\n"
	"\t\tmeta l4proto tcp th dport @tcp-monitored counter accept\n"
	"\t\tmeta l4proto udp th dport 15000 counter accept\n"
	"\t\tmeta l4proto { tcp, udp } counter drop\n"
	"\t}\n"
	"\n"
	"\tchain forward {\n"
	"\t\ttype filter hook forward priority filter - 10; policy accept;\n"
	"\t\tgoto judge\n"
	"\t}\n"
	"}\n";

static const char text_scope[] =
	"#!/usr/sbin/nft -f\n"
	"# epgate policy: mode monitor, hooks forward,input,output, in g0,g2, out g1, 2 flows\n"
	"# Written by `epgate export nft`: replaces table inet epgate in one transaction.\n"
	DIFFERENCES
	"table inet epgate\n"
	"delete table inet epgate\n"
	"table inet epgate {\n"
	"\tchain judge {\n"
	"\t\tct state invalid,untracked goto judge-untracked\n"
	"\t\tmeta l4proto tcp ct reply proto-src 1 accept\n"
	"\t\tmeta l4proto tcp ct reply proto-src 2 ct original ip saddr 10.0.0.0/8 meta nfproto ipv4 accept\n"
	"\t\tmeta l4proto { tcp, udp } counter\n"
	"\t}\n"
	"\n"
	"\tchain judge-untracked {\n"
	"\t\tmeta l4proto tcp th dport 1 accept\n"
	"\t\tmeta l4proto tcp th dport 2 ip saddr 10.0.0.0/8 meta nfproto ipv4 accept\n"
	"\t\tmeta l4proto { tcp, udp } counter\n"
	"\t}\n"
	"\n"
	"\tchain forward {\n"
	"\t\ttype filter hook forward priority filter - 10; policy accept;\n"
	"\t\tct direction reply oifname { \"g0\", \"g2\" } iifname \"g1\" goto judge\n"
	"\t\tct direction reply return\n"
	"\t\tiifname { \"g0\", \"g2\" } oifname \"g1\" goto judge\n"
	"\t}\n"
	"}\n";

static const char text_local[] =
	"#!/usr/sbin/nft -f\n"
	"# epgate policy: mode enforce, hooks input,output, in g0, out any, mark 0x1/0xffffffff, 1 flow\n"
	"# Written by `epgate export nft`: replaces table inet epgate in one transaction.\n"
	DIFFERENCES
	"table inet epgate\n"
	"delete table inet epgate\n"
	"table inet epgate {\n"
	"\tchain judge {\n"
	"\t\tct state invalid,untracked goto judge-untracked\n"
	"\t\tmeta l4proto tcp ct reply proto-src 1 meta mark set 0x00000001 accept\n"
	"\t\tmeta l4proto { tcp, udp } counter drop\n"
	"\t}\n"
	"\n"
	"\tchain judge-untracked {\n"
	"\t\tmeta l4proto tcp th dport 1 meta mark set 0x00000001 accept\n"
	"\t\tmeta l4proto { tcp, udp } counter drop\n"
	"\t}\n"
	"\n"
	"\tchain input {\n"
	"\t\ttype filter hook input priority filter - 10; policy accept;\n"
	"\t\tct direction reply return\n"
	"\t\tiifname \"g0\" goto judge\n"
	"\t}\n"
	"\n"
	"\tchain output {\n"
	"\t\ttype filter hook output priority filter - 10; policy accept;\n"
	"\t\tct direction reply oifname \"g0\" goto judge\n"
	"\t}\n"
	"}\n";

static const char text_off[] =
	"#!/usr/sbin/nft -f\n"
	"# epgate policy: mode off, hooks forward, in any, out any, 0 flows\n"
	"# Written by `epgate export nft`: replaces table inet epgate in one transaction.\n"
	DIFFERENCES
	"table inet epgate\n"
	"delete table inet epgate\n"
	"table inet epgate {\n"
	"}\n";

static const char json_small[] =
	"{\"nftables\": [{\"metainfo\": {\"json_schema_version\": 1}}, {\"add\": {\"table\": {\"family\": \"inet\", \"name\": \"epgate\"}}}, {\"delete\": {\"table\": {\"family\": \"inet\", \"name\": \"epgate\"}}}, {\"add\": {\"table\": {\"family\": \"inet\", \"name\": \"epgate\"}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"tcp-1\", \"type\": \"inet_service\", \"flags\": [\"interval\"], \"elem\": [443, {\"range\": [8000, 8010]}]}}}, {\"add\": {\"chain\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"judge\"}}}, {\"add\": {\"chain\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"judge-untracked\"}}}, {\"add\": {\"chain\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"forward\", \"type\": \"filter\", \"hook\": \"forward\", \"prio\": -10, \"policy\": \"accept\"}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"in\", \"left\": {\"ct\": {\"key\": \"state\"}}, \"right\": [\"invalid\", \"untracked\"]}}, {\"goto\": {\"target\": \"judge-untracked\"}}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"proto-src\", \"dir\": \"reply\"}}, \"right\": \"@tcp-1\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip saddr\", \"dir\": \"reply\"}}, \"right\": {\"prefix\": {\"addr\": \"10.0.2.0\", \"len\": 24}}}}, {\"mangle\": {\"key\": {\"meta\": {\"key\": \"mark\"}}, \"value\": {\"|\": [{\"&\": [{\"meta\": {\"key\": \"mark\"}}, 4294967039]}, 256]}}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"udp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"proto-src\", \"dir\": \"reply\"}}, \"right\": 53}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip6 saddr\", \"dir\": \"original\"}}, \"right\": {\"prefix\": {\"addr\": \"fd00::\", \"len\": 64}}}}, {\"mangle\": {\"key\": {\"meta\": {\"key\": \"mark\"}}, \"value\": {\"|\": [{\"&\": [{\"meta\": {\"key\": \"mark\"}}, 4294967039]}, 256]}}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": {\"set\": [\"tcp\", \"udp\"]}}}, {\"counter\": null}, {\"drop\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge-untracked\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"th\", \"field\": \"dport\"}}, \"right\": \"@tcp-1\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"daddr\"}}, \"right\": {\"prefix\": {\"addr\": \"10.0.2.0\", \"len\": 24}}}}, {\"mangle\": {\"key\": {\"meta\": {\"key\": \"mark\"}}, \"value\": {\"|\": [{\"&\": [{\"meta\": {\"key\": \"mark\"}}, 4294967039]}, 256]}}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge-untracked\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"udp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"th\", \"field\": \"dport\"}}, \"right\": 53}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip6\", \"field\": \"saddr\"}}, \"right\": {\"prefix\": {\"addr\": \"fd00::\", \"len\": 64}}}}, {\"mangle\": {\"key\": {\"meta\": {\"key\": \"mark\"}}, \"value\": {\"|\": [{\"&\": [{\"meta\": {\"key\": \"mark\"}}, 4294967039]}, 256]}}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge-untracked\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": {\"set\": [\"tcp\", \"udp\"]}}}, {\"counter\": null}, {\"drop\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"forward\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"direction\"}}, \"right\": \"reply\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"oifname\"}}, \"right\": {\"set\": [\"g0\", \"g1\"]}}}, {\"goto\": {\"target\": \"judge\"}}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"forward\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"direction\"}}, \"right\": \"reply\"}}, {\"return\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"forward\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"iifname\"}}, \"right\": {\"set\": [\"g0\", \"g1\"]}}}, {\"goto\": {\"target\": \"judge\"}}]}}}]}\n";

/*
 * Flow a: a set of both families on the initiator: two rules.  b: an
 * anonymous set to a named one.  d: an IPv4-only set, unbound responder:
 * one IPv4 rule, the set named addr-3 (addr-2 is taken).  e: one set on
 * both roles.  f: a /0 prefix beside a set: the set says the family.
 * g: the same roles as a: one rule per family with both ports.
 */
#define SETS_POLICY \
	"p a tcp 443 @lan any\n" \
	"p b tcp 8080 10.7.0.0/24,fd00:9::/48,10.7.0.128/25 @lan\n" \
	"p d udp 161 @9net any\n" \
	"p e udp 500 @addr-2 @addr-2\n" \
	"p f tcp 25 0.0.0.0/0 @lan\n" \
	"q g tcp 80 @lan any\n"

#define SETS_JSON_POLICY \
	"p a tcp 443 @lan 10.0.0.5\n" \
	"p b tcp 22 @top any\n"

static const char text_sets[] =
	"#!/usr/sbin/nft -f\n"
	"# epgate policy: mode enforce, hooks forward, in any, out any, mark 0x1/0x1, 6 flows\n"
	"# address set @lan: nft sets lan-v4, lan-v6\n"
	"# address set 10.7.0.0/24,fd00:9::/48,10.7.0.128/25: nft sets addr-1-v4, addr-1-v6\n"
	"# address set @9net: nft set addr-3-v4\n"
	"# address set @addr-2: nft set addr-2-v6\n"
	"# Written by `epgate export nft`: replaces table inet epgate in one transaction.\n"
	DIFFERENCES
	"table inet epgate\n"
	"delete table inet epgate\n"
	"table inet epgate {\n"
	"\tset tcp-1 {\n"
	"\t\ttype inet_service\n"
	"\t\telements = { 80, 443 }\n"
	"\t}\n"
	"\n"
	"\tset lan-v4 {\n"
	"\t\ttype ipv4_addr\n"
	"\t\tflags interval\n"
	"\t\telements = { 10.0.2.0/23, 10.0.8.0-10.0.10.255, 192.0.2.7 }\n"
	"\t}\n"
	"\n"
	"\tset lan-v6 {\n"
	"\t\ttype ipv6_addr\n"
	"\t\tflags interval\n"
	"\t\telements = { fd00:1::/64, fd00:2::/64 }\n"
	"\t}\n"
	"\n"
	"\tset addr-1-v4 {\n"
	"\t\ttype ipv4_addr\n"
	"\t\tflags interval\n"
	"\t\telements = { 10.7.0.0/24 }\n"
	"\t}\n"
	"\n"
	"\tset addr-1-v6 {\n"
	"\t\ttype ipv6_addr\n"
	"\t\tflags interval\n"
	"\t\telements = { fd00:9::/48 }\n"
	"\t}\n"
	"\n"
	"\tset addr-3-v4 {\n"
	"\t\ttype ipv4_addr\n"
	"\t\tflags interval\n"
	"\t\telements = { 10.9.0.0/16 }\n"
	"\t}\n"
	"\n"
	"\tset addr-2-v6 {\n"
	"\t\ttype ipv6_addr\n"
	"\t\tflags interval\n"
	"\t\telements = { fd00:5::/64 }\n"
	"\t}\n"
	"\n"
	"\tchain judge {\n"
	"\t\tct state invalid,untracked goto judge-untracked\n"
	"\t\tmeta l4proto tcp ct reply proto-src @tcp-1 ct original ip saddr @lan-v4 meta mark set meta mark & 0xfffffffe | 0x00000001 accept\n"
	"\t\tmeta l4proto tcp ct reply proto-src @tcp-1 ct original ip6 saddr @lan-v6 meta mark set meta mark & 0xfffffffe | 0x00000001 accept\n"
	"\t\tmeta l4proto tcp ct reply proto-src 8080 ct original ip saddr @addr-1-v4 ct reply ip saddr @lan-v4 meta mark set meta mark & 0xfffffffe | 0x00000001 accept\n"
	"\t\tmeta l4proto tcp ct reply proto-src 8080 ct original ip6 saddr @addr-1-v6 ct reply ip6 saddr @lan-v6 meta mark set meta mark & 0xfffffffe | 0x00000001 accept\n"
	"\t\tmeta l4proto udp ct reply proto-src 161 ct original ip saddr @addr-3-v4 meta mark set meta mark & 0xfffffffe | 0x00000001 accept\n"
	"\t\tmeta l4proto udp ct reply proto-src 500 ct original ip6 saddr @addr-2-v6 ct reply ip6 saddr @addr-2-v6 meta mark set meta mark & 0xfffffffe | 0x00000001 accept\n"
	"\t\tmeta l4proto tcp ct reply proto-src 25 ct reply ip saddr @lan-v4 meta mark set meta mark & 0xfffffffe | 0x00000001 accept\n"
	"\t\tmeta l4proto { tcp, udp } counter drop\n"
	"\t}\n"
	"\n"
	"\tchain judge-untracked {\n"
	"\t\tmeta l4proto tcp th dport @tcp-1 ip saddr @lan-v4 meta mark set meta mark & 0xfffffffe | 0x00000001 accept\n"
	"\t\tmeta l4proto tcp th dport @tcp-1 ip6 saddr @lan-v6 meta mark set meta mark & 0xfffffffe | 0x00000001 accept\n"
	"\t\tmeta l4proto tcp th dport 8080 ip saddr @addr-1-v4 ip daddr @lan-v4 meta mark set meta mark & 0xfffffffe | 0x00000001 accept\n"
	"\t\tmeta l4proto tcp th dport 8080 ip6 saddr @addr-1-v6 ip6 daddr @lan-v6 meta mark set meta mark & 0xfffffffe | 0x00000001 accept\n"
	"\t\tmeta l4proto udp th dport 161 ip saddr @addr-3-v4 meta mark set meta mark & 0xfffffffe | 0x00000001 accept\n"
	"\t\tmeta l4proto udp th dport 500 ip6 saddr @addr-2-v6 ip6 daddr @addr-2-v6 meta mark set meta mark & 0xfffffffe | 0x00000001 accept\n"
	"\t\tmeta l4proto tcp th dport 25 ip daddr @lan-v4 meta mark set meta mark & 0xfffffffe | 0x00000001 accept\n"
	"\t\tmeta l4proto { tcp, udp } counter drop\n"
	"\t}\n"
	"\n"
	"\tchain forward {\n"
	"\t\ttype filter hook forward priority filter - 10; policy accept;\n"
	"\t\tgoto judge\n"
	"\t}\n"
	"}\n";

static const char json_sets[] =
	"{\"nftables\": [{\"metainfo\": {\"json_schema_version\": 1}}, {\"add\": {\"table\": {\"family\": \"inet\", \"name\": \"epgate\"}}}, {\"delete\": {\"table\": {\"family\": \"inet\", \"name\": \"epgate\"}}}, {\"add\": {\"table\": {\"family\": \"inet\", \"name\": \"epgate\"}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"lan-v4\", \"type\": \"ipv4_addr\", \"flags\": [\"interval\"], \"elem\": [{\"prefix\": {\"addr\": \"10.0.2.0\", \"len\": 23}}, {\"range\": [\"10.0.8.0\", \"10.0.10.255\"]}, \"192.0.2.7\"]}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"lan-v6\", \"type\": \"ipv6_addr\", \"flags\": [\"interval\"], \"elem\": [{\"prefix\": {\"addr\": \"fd00:1::\", \"len\": 64}}, {\"prefix\": {\"addr\": \"fd00:2::\", \"len\": 64}}]}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"top-v4\", \"type\": \"ipv4_addr\", \"flags\": [\"interval\"], \"elem\": [{\"prefix\": {\"addr\": \"255.255.254.0\", \"len\": 23}}]}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"top-v6\", \"type\": \"ipv6_addr\", \"flags\": [\"interval\"], \"elem\": [\"::\", {\"prefix\": {\"addr\": \"ffff::\", \"len\": 16}}]}}}, {\"add\": {\"chain\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"judge\"}}}, {\"add\": {\"chain\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"judge-untracked\"}}}, {\"add\": {\"chain\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"forward\", \"type\": \"filter\", \"hook\": \"forward\", \"prio\": -10, \"policy\": \"accept\"}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"in\", \"left\": {\"ct\": {\"key\": \"state\"}}, \"right\": [\"invalid\", \"untracked\"]}}, {\"goto\": {\"target\": \"judge-untracked\"}}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"proto-src\", \"dir\": \"reply\"}}, \"right\": 443}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip saddr\", \"dir\": \"original\"}}, \"right\": \"@lan-v4\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip saddr\", \"dir\": \"reply\"}}, \"right\": \"10.0.0.5\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"proto-src\", \"dir\": \"reply\"}}, \"right\": 22}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip saddr\", \"dir\": \"original\"}}, \"right\": \"@top-v4\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"proto-src\", \"dir\": \"reply\"}}, \"right\": 22}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip6 saddr\", \"dir\": \"original\"}}, \"right\": \"@top-v6\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": {\"set\": [\"tcp\", \"udp\"]}}}, {\"counter\": null}, {\"drop\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge-untracked\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"th\", \"field\": \"dport\"}}, \"right\": 443}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"saddr\"}}, \"right\": \"@lan-v4\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"daddr\"}}, \"right\": \"10.0.0.5\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge-untracked\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"th\", \"field\": \"dport\"}}, \"right\": 22}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"saddr\"}}, \"right\": \"@top-v4\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge-untracked\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"th\", \"field\": \"dport\"}}, \"right\": 22}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip6\", \"field\": \"saddr\"}}, \"right\": \"@top-v6\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge-untracked\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": {\"set\": [\"tcp\", \"udp\"]}}}, {\"counter\": null}, {\"drop\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"forward\", \"expr\": [{\"goto\": {\"target\": \"judge\"}}]}}}]}\n";

static void test_refused(void)
{
	struct nftgen_config c = {
		.family = "inet", .table = "epgate",
		.mode = EPGATE_MODE_ENFORCE, .hooks = EPGATE_HOOK_FORWARD,
		.priority = EPGATE_PRIORITY_DEFAULT,
	};
	struct flowlist_flow f;
	struct flowlist fl = { .flows = &f, .n = 1, .alloc = 1 };
	struct nftgen g;
	char err[256];
	int ret;

	/* The kernel keeps such a flow (it never matches); nft refuses it. */
	memset(&f, 0, sizeof(f));
	snprintf(f.profile, sizeof(f.profile), "p");
	snprintf(f.name, sizeof(f.name), "x");
	f.proto = IPPROTO_TCP;
	f.mode = EPGATE_MODE_ENFORCE;
	f.nranges = 1;
	f.ranges[0].lo = f.ranges[0].hi = 80;
	f.from.family = AF_INET;
	f.from.len = 8;
	f.from.addr[0] = 10;
	f.to.family = AF_INET6;
	f.to.len = 8;
	f.to.addr[0] = 0xfd;
	ret = nftgen_build(&fl, &c, &g, err, sizeof(err));
	ok(!ret && g.nflows == 0 && g.chains[NFTGEN_JUDGE].n == 2 &&
	   g.nsets == 0, "a flow between two address families is left out");
	if (!ret)
		nftgen_free(&g);

	snprintf(c.in[0], EPGATE_IFNAME_MAX, "lan\"0");
	c.nin = 1;
	ret = nftgen_build(&fl, &c, &g, err, sizeof(err));
	ok(ret == -EINVAL &&
	   !strcmp(err, "interface name 'lan\"0' cannot be quoted for nft"),
	   "an interface name with a quote is refused: %s", err);
}

/*
 * A role bound to an IPv4-only set and the other to an IPv6 prefix match
 * nothing (the parser refuses such a flow, the module's dump may hold
 * one): left out, its set with it.  Beside it, the same set with an IPv4
 * prefix: one IPv4 rule.
 */
static void test_sets_left_out(void)
{
	struct nftgen_config c = {
		.family = "inet", .table = "epgate",
		.mode = EPGATE_MODE_ENFORCE, .hooks = EPGATE_HOOK_FORWARD,
		.priority = EPGATE_PRIORITY_DEFAULT,
	};
	static const char flows[] = "p c udp 53 @9net any\n";
	struct flowlist fl = { 0 };
	struct flowlist_error fe;
	struct set_table sets;
	struct nftgen g;
	char err[256];
	size_t i;
	int ret;

	memset(&sets, 0, sizeof(sets));
	ret = flowlist_parse_sets(flows, strlen(flows), &fl, &fe, lookup,
				  &sets);
	for (i = 0; i < sizeof(sets.sets) / sizeof(sets.sets[0]); i++)
		flowlist_set_free(&sets.sets[i]);
	flowlist_set_free(&sets.host);
	if (ret) {
		ok(0, "flow list: %s", fe.msg);
		ok(0, "flow list: %s", fe.msg);
		return;
	}
	fl.flows[0].to.family = AF_INET6;
	fl.flows[0].to.len = 64;
	fl.flows[0].to.addr[0] = 0xfd;
	ret = nftgen_build(&fl, &c, &g, err, sizeof(err));
	ok(!ret && g.nflows == 0 && g.naddrsets == 0 &&
	   g.chains[NFTGEN_JUDGE].n == 2,
	   "an IPv4-only set to an IPv6 prefix is left out, and its set");
	if (!ret)
		nftgen_free(&g);
	memset(&fl.flows[0].to, 0, sizeof(fl.flows[0].to));
	fl.flows[0].to.family = AF_INET;
	fl.flows[0].to.len = 8;
	fl.flows[0].to.addr[0] = 10;
	ret = nftgen_build(&fl, &c, &g, err, sizeof(err));
	ok(!ret && g.nflows == 1 && g.naddrsets == 1 &&
	   g.addrsets[0].family == AF_INET &&
	   !strcmp(g.addrsets[0].name, "addr-1-v4") &&
	   g.chains[NFTGEN_JUDGE].n == 3 &&
	   g.chains[NFTGEN_JUDGE].rules[1].m[2].val == NV_ADDRSET &&
	   g.chains[NFTGEN_JUDGE].rules[1].m[3].val == NV_PREFIX,
	   "the same set to an IPv4 prefix: one IPv4 rule, set addr-1-v4");
	if (!ret)
		nftgen_free(&g);
	flowlist_free(&fl);
}

/* 65,536 one-port flows of one protocol become one interval set. */
static void test_large(void)
{
	struct nftgen_config c = {
		.family = "inet", .table = "epgate",
		.mode = EPGATE_MODE_ENFORCE, .hooks = EPGATE_HOOK_FORWARD,
		.priority = EPGATE_PRIORITY_DEFAULT,
	};
	struct flowlist fl = { 0 };
	struct nftgen g;
	char err[256];
	size_t i;
	int ret;

	fl.flows = calloc(EPGATE_MAX_FLOWS, sizeof(*fl.flows));
	if (!fl.flows) {
		ok(0, "out of memory");
		return;
	}
	/* EPGATE_MAX_FLOWS flows of 2 ports each, every other port. */
	for (i = 0; i < EPGATE_MAX_FLOWS; i++) {
		struct flowlist_flow *f = &fl.flows[i];

		snprintf(f->profile, sizeof(f->profile), "p");
		snprintf(f->name, sizeof(f->name), "f%zu", i);
		f->proto = IPPROTO_TCP;
		f->mode = EPGATE_MODE_ENFORCE;
		f->nranges = 2;
		f->ranges[0].lo = f->ranges[0].hi = i * 4;
		f->ranges[1].lo = f->ranges[1].hi = i * 4 + 2;
	}
	fl.n = fl.alloc = EPGATE_MAX_FLOWS;
	ret = nftgen_build(&fl, &c, &g, err, sizeof(err));
	ok(!ret && g.nsets == 1 && g.sets[0].n == 2 * EPGATE_MAX_FLOWS &&
	   !g.sets[0].interval && g.chains[NFTGEN_JUDGE].n == 3,
	   "EPGATE_MAX_FLOWS flows of 2 ports: one set, one rule per judging chain");
	if (!ret)
		nftgen_free(&g);
	free(fl.flows);
}

/*
 * config log kernel,nflog 5: every rule that counts a miss logs it to the
 * group, after a rule of its own that logs to the kernel at the module's
 * rate (a limit is a match: in the counting rule it would skip counts).
 */
static void test_logging(void)
{
	static const char flows[] = "p a tcp 443 any any\nq b tcp 80 any any monitor\n";
	char err[256] = "", *out = NULL;
	int ret;

	ret = gen(flows, &(struct opts){ .log_flags = EPGATE_LOG_ALL,
					 .log_group = 5 }, false, &out, err);
	ok(!ret && strstr(out,
	   "\t\tmeta l4proto tcp ct reply proto-src 80 limit rate 2/second burst 10 packets log prefix \"epgate would-drop \" level info\n"
	   "\t\tmeta l4proto tcp ct reply proto-src 80 log prefix \"epgate would-drop \" group 5 counter accept\n"
	   "\t\tmeta l4proto { tcp, udp } limit rate 2/second burst 10 packets log prefix \"epgate drop \" level info\n"
	   "\t\tmeta l4proto { tcp, udp } log prefix \"epgate drop \" group 5 counter drop\n"),
	   "log kernel,nflog: monitored-only and dropped misses logged, kernel lines rate-limited");
	if (ret || !strstr(out, "group 5 counter drop"))
		printf("#   %s\n%s", err, out ? out : "");
	free(out);
	out = NULL;
	ret = gen(flows, &(struct opts){ .mode = EPGATE_MODE_MONITOR,
					 .log_flags = EPGATE_LOG_KERNEL },
		  false, &out, err);
	ok(!ret && strstr(out,
	   "\t\tmeta l4proto { tcp, udp } limit rate 2/second burst 10 packets log prefix \"epgate would-drop \" level info\n"
	   "\t\tmeta l4proto { tcp, udp } counter\n") && !strstr(out, "group"),
	   "log kernel, monitor mode: would-drops logged, no group");
	free(out);
	out = NULL;
	ret = gen(flows, &(struct opts){ .log_flags = EPGATE_LOG_NFLOG,
					 .log_group = 7 }, true, &out, err);
	ok(!ret && strstr(out, "{\"log\": {\"prefix\": \"epgate drop \", \"group\": 7}}, {\"counter\": null}, {\"drop\": null}") &&
	   !strstr(out, "limit"), "JSON: the log statement with its group");
	if (ret || !strstr(out, "\"group\": 7"))
		printf("#   %s\n", out ? out : err);
	free(out);
}

/* The flows of the hostname test: names alone, beside @lan, in a list. */
static const char hostname_flows[] =
	"p a tcp 13000 @lan update.vendor.test\n"
	"p b tcp 443 10.1.0.0/16,fd00:1::/64 v6only.vendor.test\n"
	"p c udp 53 any first-of-six-long-names.vendor.test,second-of-six-long-names.vendor.test,"
	"third-of-six-long-names.vendor.test,fourth-of-six-long-names.vendor.test,"
	"fifth-of-six-long-names.vendor.test,sixth-of-six-long-names.vendor.test\n";

/*
 * Sets that follow hostnames: both families whatever the names resolve to
 * now (addr-1-v6, addr-3-v4 empty: no `elements` line, no "elem"), the
 * comment naming them, cut with "and N more" at nft's 128 characters.
 * Checked with nft 1.0.6: -c -f, and the listing of -f is the one of
 * --apply (nft -j -f ignores a set's comment).
 */
static const char text_hostnames[] =
	"#!/usr/sbin/nft -f\n"
	"# epgate policy: mode enforce, hooks forward, in any, out any, 3 flows\n"
	"# address set @lan: nft sets lan-v4, lan-v6\n"
	"# address set 192.0.2.18/32: nft sets addr-1-v4, addr-1-v6\n"
	"# address set 10.1.0.0/16,fd00:1::/64: nft sets addr-2-v4, addr-2-v6\n"
	"# address set fd00::12/128: nft sets addr-3-v4, addr-3-v6\n"
	"# address set 192.0.2.35/32,192.0.2.36/32: nft sets addr-4-v4, addr-4-v6\n"
	"# Written by `epgate export nft`: replaces table inet epgate in one transaction.\n"
	DIFFERENCES
	"table inet epgate\n"
	"delete table inet epgate\n"
	"table inet epgate {\n"
	"\tset lan-v4 {\n"
	"\t\ttype ipv4_addr\n"
	"\t\tflags interval\n"
	"\t\telements = { 10.0.2.0/23, 10.0.8.0-10.0.10.255, 192.0.2.7 }\n"
	"\t}\n"
	"\n"
	"\tset lan-v6 {\n"
	"\t\ttype ipv6_addr\n"
	"\t\tflags interval\n"
	"\t\telements = { fd00:1::/64, fd00:2::/64 }\n"
	"\t}\n"
	"\n"
	"\tset addr-1-v4 {\n"
	"\t\ttype ipv4_addr\n"
	"\t\tflags interval\n"
	"\t\tcomment \"follows update.vendor.test\"\n"
	"\t\telements = { 192.0.2.18 }\n"
	"\t}\n"
	"\n"
	"\tset addr-1-v6 {\n"
	"\t\ttype ipv6_addr\n"
	"\t\tflags interval\n"
	"\t\tcomment \"follows update.vendor.test\"\n"
	"\t}\n"
	"\n"
	"\tset addr-2-v4 {\n"
	"\t\ttype ipv4_addr\n"
	"\t\tflags interval\n"
	"\t\telements = { 10.1.0.0/16 }\n"
	"\t}\n"
	"\n"
	"\tset addr-2-v6 {\n"
	"\t\ttype ipv6_addr\n"
	"\t\tflags interval\n"
	"\t\telements = { fd00:1::/64 }\n"
	"\t}\n"
	"\n"
	"\tset addr-3-v4 {\n"
	"\t\ttype ipv4_addr\n"
	"\t\tflags interval\n"
	"\t\tcomment \"follows v6only.vendor.test\"\n"
	"\t}\n"
	"\n"
	"\tset addr-3-v6 {\n"
	"\t\ttype ipv6_addr\n"
	"\t\tflags interval\n"
	"\t\tcomment \"follows v6only.vendor.test\"\n"
	"\t\telements = { fd00::12 }\n"
	"\t}\n"
	"\n"
	"\tset addr-4-v4 {\n"
	"\t\ttype ipv4_addr\n"
	"\t\tflags interval\n"
	"\t\tcomment \"follows fifth-of-six-long-names.vendor.test, first-of-six-long-names.vendor.test and 4 more\"\n"
	"\t\telements = { 192.0.2.35-192.0.2.36 }\n"
	"\t}\n"
	"\n"
	"\tset addr-4-v6 {\n"
	"\t\ttype ipv6_addr\n"
	"\t\tflags interval\n"
	"\t\tcomment \"follows fifth-of-six-long-names.vendor.test, first-of-six-long-names.vendor.test and 4 more\"\n"
	"\t}\n"
	"\n"
	"\tchain judge {\n"
	"\t\tct state invalid,untracked goto judge-untracked\n"
	"\t\tmeta l4proto tcp ct reply proto-src 13000 ct original ip saddr @lan-v4 ct reply ip saddr @addr-1-v4 accept\n"
	"\t\tmeta l4proto tcp ct reply proto-src 13000 ct original ip6 saddr @lan-v6 ct reply ip6 saddr @addr-1-v6 accept\n"
	"\t\tmeta l4proto tcp ct reply proto-src 443 ct original ip saddr @addr-2-v4 ct reply ip saddr @addr-3-v4 accept\n"
	"\t\tmeta l4proto tcp ct reply proto-src 443 ct original ip6 saddr @addr-2-v6 ct reply ip6 saddr @addr-3-v6 accept\n"
	"\t\tmeta l4proto udp ct reply proto-src 53 ct reply ip saddr @addr-4-v4 accept\n"
	"\t\tmeta l4proto udp ct reply proto-src 53 ct reply ip6 saddr @addr-4-v6 accept\n"
	"\t\tmeta l4proto { tcp, udp } counter drop\n"
	"\t}\n"
	"\n"
	"\tchain judge-untracked {\n"
	"\t\tmeta l4proto tcp th dport 13000 ip saddr @lan-v4 ip daddr @addr-1-v4 accept\n"
	"\t\tmeta l4proto tcp th dport 13000 ip6 saddr @lan-v6 ip6 daddr @addr-1-v6 accept\n"
	"\t\tmeta l4proto tcp th dport 443 ip saddr @addr-2-v4 ip daddr @addr-3-v4 accept\n"
	"\t\tmeta l4proto tcp th dport 443 ip6 saddr @addr-2-v6 ip6 daddr @addr-3-v6 accept\n"
	"\t\tmeta l4proto udp th dport 53 ip daddr @addr-4-v4 accept\n"
	"\t\tmeta l4proto udp th dport 53 ip6 daddr @addr-4-v6 accept\n"
	"\t\tmeta l4proto { tcp, udp } counter drop\n"
	"\t}\n"
	"\n"
	"\tchain forward {\n"
	"\t\ttype filter hook forward priority filter - 10; policy accept;\n"
	"\t\tgoto judge\n"
	"\t}\n"
	"}\n";

static const char json_hostnames[] =
	"{\"nftables\": [{\"metainfo\": {\"json_schema_version\": 1}}, {\"add\": {\"table\": {\"family\": \"inet\", \"name\": \"epgate\"}}}, {\"delete\": {\"table\": {\"family\": \"inet\", \"name\": \"epgate\"}}}, {\"add\": {\"table\": {\"family\": \"inet\", \"name\": \"epgate\"}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"lan-v4\", \"type\": \"ipv4_addr\", \"flags\": [\"interval\"], \"elem\": [{\"prefix\": {\"addr\": \"10.0.2.0\", \"len\": 23}}, {\"range\": [\"10.0.8.0\", \"10.0.10.255\"]}, \"192.0.2.7\"]}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"lan-v6\", \"type\": \"ipv6_addr\", \"flags\": [\"interval\"], \"elem\": [{\"prefix\": {\"addr\": \"fd00:1::\", \"len\": 64}}, {\"prefix\": {\"addr\": \"fd00:2::\", \"len\": 64}}]}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"addr-1-v4\", \"type\": \"ipv4_addr\", \"comment\": \"follows update.vendor.test\", \"flags\": [\"interval\"], \"elem\": [\"192.0.2.18\"]}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"addr-1-v6\", \"type\": \"ipv6_addr\", \"comment\": \"follows update.vendor.test\", \"flags\": [\"interval\"]}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"addr-2-v4\", \"type\": \"ipv4_addr\", \"flags\": [\"interval\"], \"elem\": [{\"prefix\": {\"addr\": \"10.1.0.0\", \"len\": 16}}]}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"addr-2-v6\", \"type\": \"ipv6_addr\", \"flags\": [\"interval\"], \"elem\": [{\"prefix\": {\"addr\": \"fd00:1::\", \"len\": 64}}]}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"addr-3-v4\", \"type\": \"ipv4_addr\", \"comment\": \"follows v6only.vendor.test\", \"flags\": [\"interval\"]}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"addr-3-v6\", \"type\": \"ipv6_addr\", \"comment\": \"follows v6only.vendor.test\", \"flags\": [\"interval\"], \"elem\": [\"fd00::12\"]}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"addr-4-v4\", \"type\": \"ipv4_addr\", \"comment\": \"follows fifth-of-six-long-names.vendor.test, first-of-six-long-names.vendor.test and 4 more\", \"flags\": [\"interval\"], \"elem\": [{\"range\": [\"192.0.2.35\", \"192.0.2.36\"]}]}}}, {\"add\": {\"set\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"addr-4-v6\", \"type\": \"ipv6_addr\", \"comment\": \"follows fifth-of-six-long-names.vendor.test, first-of-six-long-names.vendor.test and 4 more\", \"flags\": [\"interval\"]}}}, {\"add\": {\"chain\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"judge\"}}}, {\"add\": {\"chain\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"judge-untracked\"}}}, {\"add\": {\"chain\": {\"family\": \"inet\", \"table\": \"epgate\", \"name\": \"forward\", \"type\": \"filter\", \"hook\": \"forward\", \"prio\": -10, \"policy\": \"accept\"}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"in\", \"left\": {\"ct\": {\"key\": \"state\"}}, \"right\": [\"invalid\", \"untracked\"]}}, {\"goto\": {\"target\": \"judge-untracked\"}}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"proto-src\", \"dir\": \"reply\"}}, \"right\": 13000}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip saddr\", \"dir\": \"original\"}}, \"right\": \"@lan-v4\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip saddr\", \"dir\": \"reply\"}}, \"right\": \"@addr-1-v4\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"proto-src\", \"dir\": \"reply\"}}, \"right\": 13000}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip6 saddr\", \"dir\": \"original\"}}, \"right\": \"@lan-v6\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip6 saddr\", \"dir\": \"reply\"}}, \"right\": \"@addr-1-v6\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"proto-src\", \"dir\": \"reply\"}}, \"right\": 443}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip saddr\", \"dir\": \"original\"}}, \"right\": \"@addr-2-v4\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip saddr\", \"dir\": \"reply\"}}, \"right\": \"@addr-3-v4\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"proto-src\", \"dir\": \"reply\"}}, \"right\": 443}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip6 saddr\", \"dir\": \"original\"}}, \"right\": \"@addr-2-v6\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip6 saddr\", \"dir\": \"reply\"}}, \"right\": \"@addr-3-v6\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"udp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"proto-src\", \"dir\": \"reply\"}}, \"right\": 53}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip saddr\", \"dir\": \"reply\"}}, \"right\": \"@addr-4-v4\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"udp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"proto-src\", \"dir\": \"reply\"}}, \"right\": 53}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"ip6 saddr\", \"dir\": \"reply\"}}, \"right\": \"@addr-4-v6\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": {\"set\": [\"tcp\", \"udp\"]}}}, {\"counter\": null}, {\"drop\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge-untracked\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"th\", \"field\": \"dport\"}}, \"right\": 13000}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"saddr\"}}, \"right\": \"@lan-v4\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"daddr\"}}, \"right\": \"@addr-1-v4\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge-untracked\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"th\", \"field\": \"dport\"}}, \"right\": 13000}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip6\", \"field\": \"saddr\"}}, \"right\": \"@lan-v6\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip6\", \"field\": \"daddr\"}}, \"right\": \"@addr-1-v6\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge-untracked\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"th\", \"field\": \"dport\"}}, \"right\": 443}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"saddr\"}}, \"right\": \"@addr-2-v4\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"daddr\"}}, \"right\": \"@addr-3-v4\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge-untracked\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"th\", \"field\": \"dport\"}}, \"right\": 443}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip6\", \"field\": \"saddr\"}}, \"right\": \"@addr-2-v6\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip6\", \"field\": \"daddr\"}}, \"right\": \"@addr-3-v6\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge-untracked\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"udp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"th\", \"field\": \"dport\"}}, \"right\": 53}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"daddr\"}}, \"right\": \"@addr-4-v4\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge-untracked\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"udp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"th\", \"field\": \"dport\"}}, \"right\": 53}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip6\", \"field\": \"daddr\"}}, \"right\": \"@addr-4-v6\"}}, {\"accept\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"judge-untracked\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": {\"set\": [\"tcp\", \"udp\"]}}}, {\"counter\": null}, {\"drop\": null}]}}}, {\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"epgate\", \"chain\": \"forward\", \"expr\": [{\"goto\": {\"target\": \"judge\"}}]}}}]}\n";

int main(void)
{
	tap_plan(18);
	test_logging();
	expect("hostnames: both families, the comment, empty sets",
	       hostname_flows, &(struct opts){ 0 }, false, text_hostnames);
	expect("hostnames as JSON", hostname_flows, &(struct opts){ 0 }, true,
	       json_hostnames);
	expect("unbound roles: one set of the TCP ports, a comparison for UDP",
	       "p a tcp 443,8000-8010 any any\np b udp 53 any any\n"
	       "p c tcp 22 any any\n", &(struct opts){ 0 }, false,
	       text_unbound);
	expect("bound roles v4/v6, /0, merged ranges, monitored-only ports, mark",
	       "p a tcp 443 any 10.0.2.0/24\n"
	       "q b udp 15000 fd00:2::1/128 any monitor\n"
	       "q c tcp 13000,13001 any 10.0.0.0/8 monitor\n"
	       "q d tcp 443 any any monitor\n"
	       "r g udp 9 0.0.0.0/0 any\n"
	       "r h tcp 5 fd00:1::/64 fd00:2::/60\n"
	       "r i tcp 6 10.1.0.0/20 any\n"
	       "q e tcp 20000-20010,20011-20020,20021 any any monitor\n",
	       &(struct opts){ .mark_value = 0x100, .mark_mask = 0xff00 },
	       false, text_bound);
	expect("monitor mode, every hook, interface scope with replies swapped",
	       "p a tcp 1 any any\np b tcp 2 10.0.0.0/8 0.0.0.0/0\n",
	       &(struct opts){ .mode = EPGATE_MODE_MONITOR,
			       .hooks = EPGATE_HOOK_ALL,
			       .in = { "g0", "g2" }, .out = { "g1" } },
	       false, text_scope);
	expect("input and output with an ingress list, a full-mask mark",
	       "p a tcp 1 any any\n",
	       &(struct opts){ .hooks = EPGATE_HOOK_INPUT | EPGATE_HOOK_OUTPUT,
			       .in = { "g0" }, .mark_value = 1,
			       .mark_mask = 0xffffffff },
	       false, text_local);
	expect("mode off: an empty table", "p a tcp 1 any any\n",
	       &(struct opts){ .mode = MODE_OFF }, false, text_off);
	expect("JSON: set, prefixes, mark, scope",
	       "p a tcp 443,8000-8010 any 10.0.2.0/24\n"
	       "p b udp 53 fd00::/64 any\n",
	       &(struct opts){ .in = { "g0", "g1" }, .mark_value = 0x100,
			       .mark_mask = 0x100 }, true, json_small);
	expect("address sets: named and anonymous, mixed families, merged, left out",
	       SETS_POLICY, &(struct opts){ .mark_value = 1, .mark_mask = 1 },
	       false, text_sets);
	expect("JSON: address sets, a range, a host, the top of both families",
	       SETS_JSON_POLICY, &(struct opts){ 0 }, true, json_sets);
	test_sets_left_out();
	test_refused();
	test_large();
	return tap_exit();
}
