// SPDX-License-Identifier: GPL-2.0
/*
 * The flow set as the tool reads and writes it: a flow written by the
 * SET_FLOWS builder reads back identically through the dump parser (the
 * kernel dumps the same layout, plus counters); profile entries parse with
 * their user data; a large set is split into as many messages as the 64 KiB
 * attribute needs, each under it; removing a profile keeps the others in
 * order.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/genetlink.h>
#include <linux/epgate.h>

#include "flowlist.h"
#include "flowmsg.h"
#include "flowset.h"
#include "tap.h"

const char *prog = "epgate";

static const char list[] =
	"kaspersky   agent-server   tcp    13000,14000-14001   any           10.0.0.0/8\n"
	"kaspersky   push           udp    15000               10.0.0.5/32   any\n"
	"eset        console        tcp    2223                any           fd00:2::2/128   monitor\n";

static struct nlmsghdr *message(void *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	return nlh;
}

static void round_trip(void)
{
	static char buf[8192];
	struct flowlist fl = { 0 };
	struct flowlist_error err;
	struct flowlist_flow back;
	struct nlmsghdr *nlh;
	struct nlattr *a;
	uint64_t packets, bytes;
	size_t i = 0;
	int same = 1;

	if (flowlist_parse(list, sizeof(list) - 1, &fl, &err)) {
		ok(0, "flow list parses: %s", err.msg);
		return;
	}
	for (i = 0; i < fl.n; i++) {
		memset(buf, 0, sizeof(buf));
		nlh = message(buf);
		flowmsg_put_flow(nlh, EPGATE_A_FLOW, &fl.flows[i], NULL);
		a = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct genlmsghdr));
		/* What the kernel adds to a dumped flow. */
		if (flowset_parse_flow(a, &back, &packets, &bytes)) {
			same = 0;
			break;
		}
		back.line = fl.flows[i].line;
		if (memcmp(&back, &fl.flows[i], sizeof(back)))
			same = 0;
	}
	ok(same, "three flows (ranges, v4 and v6 prefixes, monitor) read back identically");
	flowlist_free(&fl);
}

static void dumped_counters(void)
{
	static char buf[4096];
	struct flowlist_flow f;
	struct nlmsghdr *nlh;
	struct nlattr *nest, *ports, *r;
	uint64_t packets, bytes;
	int ret;

	nlh = message(buf);
	nest = mnl_attr_nest_start(nlh, EPGATE_A_FLOW);
	mnl_attr_put_strz(nlh, EPGATE_FLOW_PROFILE, "eset");
	mnl_attr_put_strz(nlh, EPGATE_FLOW_NAME, "agent-server");
	mnl_attr_put_u8(nlh, EPGATE_FLOW_PROTO, IPPROTO_TCP);
	ports = mnl_attr_nest_start(nlh, EPGATE_FLOW_PORTS);
	r = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u16(nlh, EPGATE_RANGE_LO, 2222);
	mnl_attr_put_u16(nlh, EPGATE_RANGE_HI, 2222);
	mnl_attr_nest_end(nlh, r);
	mnl_attr_nest_end(nlh, ports);
	mnl_attr_put_u64(nlh, EPGATE_FLOW_PACKETS, 42);
	mnl_attr_put_u64(nlh, EPGATE_FLOW_BYTES, 4200);
	mnl_attr_put_u32(nlh, 200, 7);	/* from a newer module: skipped */
	mnl_attr_nest_end(nlh, nest);
	ret = flowset_parse_flow(nest, &f, &packets, &bytes);
	ok(!ret && packets == 42 && bytes == 4200 && f.nranges == 1 &&
	   f.ranges[0].lo == 2222 && f.mode == EPGATE_MODE_ENFORCE &&
	   !f.from.family && !f.to.family,
	   "a dumped flow: counters, defaults, unknown attribute skipped");

	memset(buf, 0, sizeof(buf));
	nlh = message(buf);
	nest = mnl_attr_nest_start(nlh, EPGATE_A_FLOW);
	mnl_attr_put_strz(nlh, EPGATE_FLOW_PROFILE, "eset");
	mnl_attr_put_u8(nlh, EPGATE_FLOW_PROTO, IPPROTO_TCP);
	mnl_attr_nest_end(nlh, nest);
	ok(flowset_parse_flow(nest, &f, &packets, &bytes) == -EBADMSG,
	   "a dumped flow without name or ports is refused");

	memset(buf, 0, sizeof(buf));
	nlh = message(buf);
	nest = mnl_attr_nest_start(nlh, EPGATE_A_FLOW);
	mnl_attr_put(nlh, EPGATE_FLOW_PROFILE, 4, "eset");	/* no NUL */
	mnl_attr_nest_end(nlh, nest);
	ok(flowset_parse_flow(nest, &f, &packets, &bytes) == -EBADMSG,
	   "a name without its NUL is refused");
}

static void profiles(void)
{
	static char buf[4096];
	struct flowset_profile p;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	char big[EPGATE_USERDATA_MAX + 1];

	nlh = message(buf);
	nest = mnl_attr_nest_start(nlh, EPGATE_A_PROFILE);
	mnl_attr_put_strz(nlh, EPGATE_PROFILE_NAME, "kaspersky");
	mnl_attr_put_u8(nlh, EPGATE_PROFILE_MODE, EPGATE_MODE_MONITOR);
	mnl_attr_put_u32(nlh, EPGATE_PROFILE_NFLOWS, 6);
	mnl_attr_put(nlh, EPGATE_PROFILE_USERDATA, 16, "server=10.0.2.10");
	mnl_attr_put_u64(nlh, EPGATE_PROFILE_PACKETS, 9);
	mnl_attr_nest_end(nlh, nest);
	ok(!flowset_parse_profile(nest, &p) && !strcmp(p.name, "kaspersky") &&
	   p.mode == EPGATE_MODE_MONITOR && p.nflows == 6 && p.udlen == 16 &&
	   !strcmp(p.userdata, "server=10.0.2.10") && p.packets == 9,
	   "a dumped profile: mode, flows, user data as a string, counters");

	memset(buf, 0, sizeof(buf));
	memset(big, 'x', sizeof(big));
	nlh = message(buf);
	nest = mnl_attr_nest_start(nlh, EPGATE_A_PROFILE);
	mnl_attr_put_strz(nlh, EPGATE_PROFILE_NAME, "kaspersky");
	mnl_attr_put(nlh, EPGATE_PROFILE_USERDATA, sizeof(big), big);
	mnl_attr_nest_end(nlh, nest);
	ok(flowset_parse_profile(nest, &p) == -EBADMSG,
	   "user data over EPGATE_USERDATA_MAX is refused");
}

static void split(void)
{
	struct flowset fs = { 0 };
	size_t i, per, one;

	fs.fl.n = 3000;
	fs.fl.flows = calloc(fs.fl.n, sizeof(*fs.fl.flows));
	if (!fs.fl.flows) {
		ok(0, "allocation");
		return;
	}
	for (i = 0; i < fs.fl.n; i++) {
		struct flowlist_flow *f = &fs.fl.flows[i];

		snprintf(f->profile, sizeof(f->profile), "big");
		snprintf(f->name, sizeof(f->name), "f%04zu", i);
		f->proto = IPPROTO_TCP;
		f->mode = EPGATE_MODE_ENFORCE;
		f->nranges = 1;
		f->ranges[0].lo = f->ranges[0].hi = 20000 + i;
	}
	one = flowmsg_flow_size(&fs.fl.flows[0]);
	per = (FLOWMSG_NEST_MAX - MNL_ALIGN(MNL_ATTR_HDRLEN)) / one;
	ok(flowset_messages(&fs) == (fs.fl.n + per - 1) / per &&
	   flowset_messages(&fs) > 1,
	   "3000 flows of %zu bytes: %zu messages of at most %zu flows",
	   one, flowset_messages(&fs), per);

	fs.fl.n = per;
	ok(flowset_messages(&fs) == 1, "exactly one full attribute: one message");
	fs.fl.n = per + 1;
	ok(flowset_messages(&fs) == 2, "one flow more: two messages");
	fs.fl.n = 0;
	ok(flowset_messages(&fs) == 1, "the empty set: one message");
	free(fs.fl.flows);
}

static void remove_profile(void)
{
	struct flowset fs = { 0 };
	struct flowlist_error err;

	fs.profiles = calloc(2, sizeof(*fs.profiles));
	if (!fs.profiles || flowlist_parse(list, sizeof(list) - 1, &fs.fl, &err)) {
		ok(0, "setup");
		return;
	}
	strcpy(fs.profiles[0].name, "kaspersky");
	strcpy(fs.profiles[1].name, "eset");
	fs.nprofiles = 2;
	flowset_remove_profile(&fs, "kaspersky");
	ok(fs.fl.n == 1 && !strcmp(fs.fl.flows[0].name, "console") &&
	   fs.nprofiles == 1 && !strcmp(fs.profiles[0].name, "eset") &&
	   flowset_profile_index(&fs, "kaspersky") < 0 &&
	   flowset_profile_index(&fs, "eset") == 0,
	   "removing a profile drops its flows and entry, keeps the rest");
	flowset_free(&fs);
}

int main(void)
{
	tap_plan(11);
	round_trip();
	dumped_counters();
	profiles();
	split();
	remove_profile();
	return tap_exit();
}
