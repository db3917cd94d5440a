// SPDX-License-Identifier: GPL-2.0
/*
 * epgate lookup's verdict word on tables built as the module builds them
 * (flowtable_build(), lib/table.c): per-profile monitor decides as
 * kernel/hooks.c does (epgate_rules_monitored()).
 */

#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/epgate.h>

#include <epgate/table.h>

#include "flowlist.h"
#include "flowtable.h"
#include "lookup.h"
#include "subcommands.h"
#include "tap.h"

const char *prog = "epgate";

/* lookup.c's argument parser calls it; the tool's is in epgate.c. */
void usage_error(const char *cmd, const char *fmt, ...)
{
	(void)cmd;
	(void)fmt;
}

/* A connection 10.0.1.5 -> 10.0.2.10 to tcp/@port under @mode. */
static const char *judge(const char *text, uint8_t mode, uint16_t port,
			 bool addrs)
{
	const struct epg_rule *rules, *match;
	struct flowlist fl = { 0 };
	struct flowlist_error err;
	struct epg_table *t = NULL;
	uint32_t s[4] = { 0 }, d[4] = { 0 };
	const char *v = "error";
	char msg[128];
	unsigned int n;

	if (flowlist_parse(text, strlen(text), &fl, &err)) {
		printf("# flow list: %u:%u: %s\n", err.line, err.col, err.msg);
		return v;
	}
	if (flowtable_build(&fl, &t, msg, sizeof(msg))) {
		printf("# table: %s\n", msg);
		flowlist_free(&fl);
		return v;
	}
	inet_pton(AF_INET, "10.0.1.5", s);
	inet_pton(AF_INET, "10.0.2.10", d);
	rules = epg_table_rules(t, EPG_PROTO_TCP, port, &n);
	match = epg_table_match(t, EPG_PROTO_TCP, port, AF_INET, s, d);
	v = lookup_verdict(mode, rules, n, match, addrs);
	epg_table_free(t);
	flowlist_free(&fl);
	return v;
}

#define IS(got, want, why)						\
	do {								\
		const char *g_ = (got);					\
		ok(!strcmp(g_, want), "%s: %s (%s)", why, want, g_);	\
	} while (0)

#define BOUND_MON "eset a tcp 2222 any 10.9.9.9 monitor\n"
#define BOUND_ENF "kaspersky b tcp 2222 any 10.9.9.9 enforce\n"
#define ANY_ENF "kaspersky c tcp 2222 any any enforce\n"

int main(void)
{
	tap_plan(12);

	IS(judge(BOUND_MON, EPGATE_MODE_ENFORCE, 2222, true), "would-drop",
	   "enforce, the port's only profile in monitor, binding excluded");
	IS(judge(BOUND_MON "eset a2 tcp 2222 any 10.8.8.8 monitor\n",
		 EPGATE_MODE_ENFORCE, 2222, true), "would-drop",
	   "enforce, two monitored flows on the port, neither matches");
	IS(judge(BOUND_ENF, EPGATE_MODE_ENFORCE, 2222, true), "drop",
	   "enforce, the port's profile enforced, binding excluded");
	IS(judge(BOUND_MON BOUND_ENF, EPGATE_MODE_ENFORCE, 2222, true), "drop",
	   "enforce, a monitored and an enforced profile on the port");
	IS(judge(BOUND_ENF BOUND_MON, EPGATE_MODE_ENFORCE, 2222, true), "drop",
	   "enforce, the same in the other order");
	IS(judge(BOUND_MON, EPGATE_MODE_ENFORCE, 2223, true), "drop",
	   "enforce, a port no flow uses: dropped whatever monitor says");
	IS(judge(BOUND_MON, EPGATE_MODE_MONITOR, 2222, true), "would-drop",
	   "global monitor, monitored profile");
	IS(judge(BOUND_ENF, EPGATE_MODE_MONITOR, 2222, true), "would-drop",
	   "global monitor, enforced profile");
	IS(judge(BOUND_MON, EPGATE_MODE_OFF, 2222, true), "pass",
	   "mode off");
	IS(judge(BOUND_MON ANY_ENF, EPGATE_MODE_ENFORCE, 2222, true), "allow",
	   "a flow matches");
	IS(judge(BOUND_MON, EPGATE_MODE_ENFORCE, 2222, false), "allow",
	   "no addresses: a used port allows some connection");
	IS(judge(BOUND_MON, EPGATE_MODE_ENFORCE, 2223, false), "drop",
	   "no addresses: an unused port");
	return tap_exit();
}
