// SPDX-License-Identifier: GPL-2.0
/*
 * The GET_FLOWS and GET_PROFILES dump parsers and the stats output,
 * against messages built as the kernel builds them (one EPGATE_A_FLOW or
 * EPGATE_A_PROFILE per message).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/epgate.h>

#include "statsmsg.h"
#include "tap.h"

const char *prog = "epgate";

static struct nlmsghdr *part(char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = 0x20;
	nlh->nlmsg_flags = NLM_F_MULTI;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = EPGATE_CMD_GET_FLOWS;
	genl->version = EPGATE_GENL_VERSION;
	return nlh;
}

static struct nlmsghdr *flow(char *buf, const char *profile, const char *name,
			     uint8_t proto, uint8_t mode, uint64_t packets,
			     uint64_t bytes)
{
	struct nlmsghdr *nlh = part(buf);
	struct nlattr *nest = mnl_attr_nest_start(nlh, EPGATE_A_FLOW);

	mnl_attr_put_strz(nlh, EPGATE_FLOW_PROFILE, profile);
	mnl_attr_put_strz(nlh, EPGATE_FLOW_NAME, name);
	mnl_attr_put_u8(nlh, EPGATE_FLOW_PROTO, proto);
	mnl_attr_put_u8(nlh, EPGATE_FLOW_PROFILE_MODE, mode);
	/* A PAD as on architectures without efficient unaligned access. */
	mnl_attr_put(nlh, EPGATE_FLOW_PAD, 0, "");
	mnl_attr_put_u64(nlh, EPGATE_FLOW_PACKETS, packets);
	mnl_attr_put_u64(nlh, EPGATE_FLOW_BYTES, bytes);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/*
 * One GET_PROFILES dump part; @would_drop or @dropped ~0: that attribute
 * left out.
 */
static struct nlattr *profile(char *buf, const char *name, uint8_t mode,
			      uint32_t nflows, uint64_t packets,
			      uint64_t bytes, uint64_t would_drop,
			      uint64_t dropped)
{
	struct nlmsghdr *nlh = part(buf);
	struct nlattr *nest = mnl_attr_nest_start(nlh, EPGATE_A_PROFILE);

	mnl_attr_put_strz(nlh, EPGATE_PROFILE_NAME, name);
	mnl_attr_put_u8(nlh, EPGATE_PROFILE_MODE, mode);
	mnl_attr_put_u32(nlh, EPGATE_PROFILE_NFLOWS, nflows);
	mnl_attr_put(nlh, EPGATE_PROFILE_PAD, 0, "");
	mnl_attr_put_u64(nlh, EPGATE_PROFILE_PACKETS, packets);
	mnl_attr_put_u64(nlh, EPGATE_PROFILE_BYTES, bytes);
	if (would_drop != ~0ULL)
		mnl_attr_put_u64(nlh, EPGATE_PROFILE_WOULD_DROP, would_drop);
	if (dropped != ~0ULL)
		mnl_attr_put_u64(nlh, EPGATE_PROFILE_DROPPED, dropped);
	mnl_attr_nest_end(nlh, nest);
	return nest;
}

/* The output as TAP comments, to see what a failing test printed. */
static void diag(const char *out)
{
	const char *p = out ? out : "(null)\n";

	while (*p) {
		int len = strcspn(p, "\n");

		printf("#   %.*s\n", len, p);
		p += len + (p[len] == '\n');
	}
}

static char *render(const struct stats *s, int json)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	if (json)
		stats_print_json(s, f);
	else
		stats_print(s, f);
	fclose(f);
	return out;
}

static void test_profiles(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct flowset_profile p[2];
	struct stats s = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	char *out;

	ok(!flowset_parse_profile(profile(buf, "kaspersky", EPGATE_MODE_ENFORCE,
					  6, 1234, 567890, 0, 8589934599ULL),
				  &p[0]) &&
	   !flowset_parse_profile(profile(buf, "eset-protect", EPGATE_MODE_MONITOR,
					  12, 0, 0, 4294967296ULL, 0), &p[1]) &&
	   !strcmp(p[0].name, "kaspersky") && p[0].mode == EPGATE_MODE_ENFORCE &&
	   p[0].nflows == 6 && p[0].packets == 1234 && p[0].bytes == 567890 &&
	   p[0].would_drop == 0 && p[0].dropped == 8589934599ULL &&
	   p[1].mode == EPGATE_MODE_MONITOR &&
	   p[1].would_drop == 4294967296ULL && p[1].dropped == 0,
	   "dumped profiles: mode, flows, packets, bytes, would_drop, dropped exact");

	p[1].would_drop = 9;
	p[1].dropped = 9;
	ok(!flowset_parse_profile(profile(buf, "old", EPGATE_MODE_ENFORCE, 1, 2,
					  3, ~0ULL, ~0ULL), &p[1]) &&
	   p[1].would_drop == 0 && p[1].dropped == 0 && p[1].bytes == 3,
	   "a profile without WOULD_DROP and DROPPED (older module) reads as 0");

	p[1].dropped = 9;
	ok(!flowset_parse_profile(profile(buf, "abi4", EPGATE_MODE_ENFORCE, 1, 2,
					  3, 5, ~0ULL), &p[1]) &&
	   p[1].would_drop == 5 && p[1].dropped == 0,
	   "a profile with WOULD_DROP but no DROPPED (module before it) reads as 0");

	nlh = part(buf);
	nest = mnl_attr_nest_start(nlh, EPGATE_A_PROFILE);
	mnl_attr_put_strz(nlh, EPGATE_PROFILE_NAME, "p");
	mnl_attr_put_u32(nlh, EPGATE_PROFILE_WOULD_DROP, 1);
	mnl_attr_nest_end(nlh, nest);
	ok(flowset_parse_profile(nest, &p[1]) == -EBADMSG,
	   "a 32-bit WOULD_DROP is refused");

	nlh = part(buf);
	nest = mnl_attr_nest_start(nlh, EPGATE_A_PROFILE);
	mnl_attr_put_strz(nlh, EPGATE_PROFILE_NAME, "p");
	mnl_attr_put_u32(nlh, EPGATE_PROFILE_DROPPED, 1);
	mnl_attr_nest_end(nlh, nest);
	ok(flowset_parse_profile(nest, &p[1]) == -EBADMSG,
	   "a 32-bit DROPPED is refused");

	flowset_parse_profile(profile(buf, "eset-protect", EPGATE_MODE_MONITOR,
				      12, 0, 0, 4294967296ULL, 0), &p[1]);
	s.profiles = malloc(sizeof(p));
	if (!s.profiles)
		return;
	memcpy(s.profiles, p, sizeof(p));
	s.nprofiles = 2;
	stats_parse(flow(buf, "kaspersky", "agent-server", IPPROTO_TCP,
			 EPGATE_MODE_ENFORCE, 1234, 567890), &s);
	stats_parse(flow(buf, "eset-protect", "console", IPPROTO_UDP,
			 EPGATE_MODE_MONITOR, 0, 0), &s);
	s.counters[EPGATE_CTR_ALLOWED] = 1234;
	s.counters[EPGATE_CTR_DROPPED] = 5;
	s.counters[EPGATE_CTR_WOULD_DROP] = 4294967296ULL;
	s.counters[EPGATE_CTR_MALFORMED] = 2;

	out = render(&s, 0);
	if (!ok(out && !strcmp(out,
		    "PROFILE       MODE     FLOWS  PACKETS   BYTES  WOULD_DROP     DROPPED\n"
		    "kaspersky     enforce      6     1234  567890           0  8589934599\n"
		    "eset-protect  monitor     12        0       0  4294967296           0\n"
		    "\n"
		    "PROFILE       FLOW          PROTO  MODE     PACKETS   BYTES\n"
		    "kaspersky     agent-server  tcp    enforce     1234  567890\n"
		    "eset-protect  console       udp    monitor        0       0\n"),
		"human: the profiles table, a blank line, the flows table"))
		diag(out);
	free(out);

	out = render(&s, 1);
	if (!ok(out && !strcmp(out,
		    "{\"profiles\": [{\"name\": \"kaspersky\", \"mode\": \"enforce\", "
		    "\"flows\": 6, \"packets\": 1234, \"bytes\": 567890, "
		    "\"would_drop\": 0, \"dropped\": 8589934599}, "
		    "{\"name\": \"eset-protect\", "
		    "\"mode\": \"monitor\", \"flows\": 12, \"packets\": 0, "
		    "\"bytes\": 0, \"would_drop\": 4294967296, \"dropped\": 0}], "
		    "\"flows\": [{\"profile\": \"kaspersky\", \"name\": \"agent-server\", "
		    "\"proto\": \"tcp\", \"mode\": \"enforce\", \"packets\": 1234, "
		    "\"bytes\": 567890}, {\"profile\": \"eset-protect\", "
		    "\"name\": \"console\", \"proto\": \"udp\", \"mode\": \"monitor\", "
		    "\"packets\": 0, \"bytes\": 0}], "
		    "\"counters\": {\"allowed\": 1234, \"dropped\": 5, "
		    "\"would_drop\": 4294967296, \"malformed\": 2}}\n"),
		"JSON: profiles, flows, global counters"))
		diag(out);
	free(out);
	stats_free(&s);
	ok(!s.profiles && !s.flows && !s.n && !s.nprofiles,
	   "stats_free frees and empties profiles and flows");
}

int main(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct stats s = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	char *out;
	int ret;

	tap_plan(16);
	test_profiles();

	ret = stats_parse(flow(buf, "kaspersky", "agent-server", IPPROTO_TCP,
			       EPGATE_MODE_ENFORCE, 1234, 567890), &s);
	ret |= stats_parse(flow(buf, "eset", "console", IPPROTO_UDP,
				EPGATE_MODE_MONITOR, 0, 0), &s);
	ok(ret == MNL_CB_OK && s.n == 2 &&
	   !strcmp(s.flows[0].profile, "kaspersky") &&
	   !strcmp(s.flows[0].name, "agent-server") &&
	   s.flows[0].proto == IPPROTO_TCP &&
	   s.flows[0].mode == EPGATE_MODE_ENFORCE &&
	   s.flows[0].packets == 1234 && s.flows[0].bytes == 567890 &&
	   s.flows[1].mode == EPGATE_MODE_MONITOR &&
	   s.flows[1].proto == IPPROTO_UDP,
	   "two dump parts, two flows, values exact");

	out = render(&s, 0);
	if (!ok(out && !strcmp(out,
		    "PROFILE  MODE     FLOWS  PACKETS  BYTES  WOULD_DROP  DROPPED\n"
		    "\n"
		    "PROFILE    FLOW          PROTO  MODE     PACKETS   BYTES\n"
		    "kaspersky  agent-server  tcp    enforce     1234  567890\n"
		    "eset       console       udp    monitor        0       0\n"),
		"human table, aligned"))
		diag(out);
	free(out);

	out = render(&s, 1);
	if (!ok(out && !strcmp(out,
		    "{\"profiles\": [], "
		    "\"flows\": [{\"profile\": \"kaspersky\", \"name\": \"agent-server\", "
		    "\"proto\": \"tcp\", \"mode\": \"enforce\", \"packets\": 1234, "
		    "\"bytes\": 567890}, {\"profile\": \"eset\", \"name\": \"console\", "
		    "\"proto\": \"udp\", \"mode\": \"monitor\", \"packets\": 0, "
		    "\"bytes\": 0}], \"counters\": {\"allowed\": 0, \"dropped\": 0, "
		    "\"would_drop\": 0, \"malformed\": 0}}\n"),
		"JSON without profiles: an empty array, counters 0"))
		diag(out);
	free(out);
	stats_free(&s);

	out = render(&s, 0);
	ok(out && !strcmp(out,
		"PROFILE  MODE     FLOWS  PACKETS  BYTES  WOULD_DROP  DROPPED\n"
		"\n"
		"PROFILE  FLOW  PROTO  MODE     PACKETS  BYTES\n"),
	   "an empty set: the header lines only");
	free(out);
	out = render(&s, 1);
	ok(out && !strcmp(out, "{\"profiles\": [], \"flows\": [], "
			  "\"counters\": {\"allowed\": 0, \"dropped\": 0, "
			  "\"would_drop\": 0, \"malformed\": 0}}\n"),
	   "an empty set in JSON");
	free(out);

	nlh = part(buf);
	mnl_attr_put_u32(nlh, EPGATE_A_NFLOWS, 1);
	errno = 0;
	ok(stats_parse(nlh, &s) == MNL_CB_ERROR && errno == EBADMSG &&
	   s.n == 0, "a part without EPGATE_A_FLOW is refused");

	nlh = part(buf);
	nest = mnl_attr_nest_start(nlh, EPGATE_A_FLOW);
	mnl_attr_put_strz(nlh, EPGATE_FLOW_PROFILE, "p");
	mnl_attr_put_strz(nlh, EPGATE_FLOW_NAME, "f");
	mnl_attr_put_u8(nlh, EPGATE_FLOW_PROTO, IPPROTO_TCP);
	mnl_attr_put_u8(nlh, EPGATE_FLOW_PROFILE_MODE, 2);
	mnl_attr_put_u64(nlh, EPGATE_FLOW_PACKETS, 1);
	mnl_attr_nest_end(nlh, nest);
	ok(stats_parse(nlh, &s) == MNL_CB_ERROR && errno == EBADMSG &&
	   s.n == 0, "a flow without BYTES is refused");

	nlh = part(buf);
	nest = mnl_attr_nest_start(nlh, EPGATE_A_FLOW);
	mnl_attr_put_strz(nlh, EPGATE_FLOW_PROFILE, "p");
	mnl_attr_put_strz(nlh, EPGATE_FLOW_NAME, "f");
	mnl_attr_put_u32(nlh, EPGATE_FLOW_PROTO, IPPROTO_TCP);
	mnl_attr_nest_end(nlh, nest);
	ok(stats_parse(nlh, &s) == MNL_CB_ERROR && s.n == 0,
	   "a known attribute with the wrong length is refused");
	stats_free(&s);
	return tap_exit();
}
