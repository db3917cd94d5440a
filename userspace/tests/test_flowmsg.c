// SPDX-License-Identifier: GPL-2.0
/*
 * The SET_FLOWS builder: build a request from a parsed list and walk it
 * back with libmnl, as the kernel's NLA_POLICY_NESTED_ARRAY would: nesting
 * with NLA_F_NESTED, array entries typed 1, 2, ..., exact values; the size
 * computed ahead is the size written; an oversized set is refused, not
 * truncated.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/genetlink.h>
#include <linux/epgate.h>

#include "flowlist.h"
#include "flowmsg.h"
#include "tap.h"

#define TB_MAX 16

static const char list[] =
	"kaspersky   agent-server   tcp    13000,14000-14001   any           10.0.0.5/32\n"
	"kaspersky   push           udp    15000               10.0.0.5/32   any\n"
	"eset        console        tcp    2223                any           fd00:2::2/128   monitor\n";

static struct nlmsghdr *request(void *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = 0x20;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = EPGATE_CMD_SET_FLOWS;
	genl->version = EPGATE_GENL_VERSION;
	return nlh;
}

/* Attributes of one nest by type; -1 if a type repeats or is unknown. */
static int table(const struct nlattr *nest, const struct nlattr **tb,
		 int max)
{
	const struct nlattr *attr;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	mnl_attr_for_each_nested(attr, nest) {
		int type = mnl_attr_get_type(attr);

		if (type < 1 || type > max || tb[type])
			return -1;
		tb[type] = attr;
	}
	return 0;
}

static int nested(const struct nlattr *attr)
{
	return attr && (attr->nla_type & NLA_F_NESTED);
}

static int is_str(const struct nlattr *attr, const char *s)
{
	return attr && !mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) &&
	       mnl_attr_get_payload_len(attr) == strlen(s) + 1 &&
	       !strcmp(mnl_attr_get_str(attr), s);
}

static int is_u8(const struct nlattr *attr, uint8_t v)
{
	return attr && mnl_attr_get_payload_len(attr) == 1 &&
	       mnl_attr_get_u8(attr) == v;
}

static int is_u16(const struct nlattr *attr, uint16_t v)
{
	return attr && mnl_attr_get_payload_len(attr) == 2 &&
	       mnl_attr_get_u16(attr) == v;
}

/* The array entries of @nest: types 1..n in order, each a nest. */
static int entries(const struct nlattr *nest, const struct nlattr **out,
		   int max)
{
	const struct nlattr *attr;
	int n = 0;

	mnl_attr_for_each_nested(attr, nest) {
		if (n == max || mnl_attr_get_type(attr) != n + 1 ||
		    !nested(attr))
			return -1;
		out[n++] = attr;
	}
	return n;
}

/* One range entry: LO, and HI only when it differs. */
static int range_is(const struct nlattr *entry, uint16_t lo, int hi)
{
	const struct nlattr *tb[TB_MAX];

	if (table(entry, tb, EPGATE_RANGE_MAX))
		return 0;
	if (!is_u16(tb[EPGATE_RANGE_LO], lo))
		return 0;
	return hi < 0 ? !tb[EPGATE_RANGE_HI] :
			is_u16(tb[EPGATE_RANGE_HI], hi);
}

static int prefix_is(const struct nlattr *nest, int family,
		     const char *addr, int len)
{
	const struct nlattr *tb[TB_MAX];
	uint8_t want[16];
	size_t alen = family == AF_INET ? 4 : 16;

	if (!nested(nest) || table(nest, tb, EPGATE_PREFIX_MAX) ||
	    inet_pton(family, addr, want) != 1)
		return 0;
	return is_u8(tb[EPGATE_PREFIX_FAMILY], family) &&
	       tb[EPGATE_PREFIX_ADDR] &&
	       mnl_attr_get_payload_len(tb[EPGATE_PREFIX_ADDR]) == alen &&
	       !memcmp(mnl_attr_get_payload(tb[EPGATE_PREFIX_ADDR]), want,
		       alen) &&
	       is_u8(tb[EPGATE_PREFIX_LEN], len);
}

static void parse(const char *text, struct flowlist *fl)
{
	struct flowlist_error err;

	if (flowlist_parse(text, strlen(text), fl, &err)) {
		printf("Bail out! %u:%u: %s\n", err.line, err.col, err.msg);
		exit(1);
	}
}

static void test_walk(void)
{
	const struct nlattr *flows = NULL, *attr, *e[8], *r[8];
	const struct nlattr *tb[TB_MAX];
	struct flowlist fl = { 0 };
	struct nlmsghdr *nlh;
	void *buf;
	int n, top = 0;

	parse(list, &fl);
	buf = calloc(1, flowmsg_size(&fl));
	nlh = request(buf);
	n = flowmsg_put(nlh, &fl);
	ok(n == 0 && nlh->nlmsg_len == flowmsg_size(&fl),
	   "the request is exactly the size computed ahead (%u bytes)",
	   nlh->nlmsg_len);

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		top++;
		if (mnl_attr_get_type(attr) == EPGATE_A_FLOWS)
			flows = attr;
	}
	ok(top == 1 && nested(flows) &&
	   mnl_attr_get_len(flows) == flowmsg_flows_size(&fl),
	   "one top-level attribute, EPGATE_A_FLOWS, with NLA_F_NESTED");

	n = entries(flows, e, 8);
	ok(n == 3, "three array entries typed 1, 2, 3, each NLA_F_NESTED");
	if (n != 3)
		goto out;

	ok(!table(e[0], tb, EPGATE_FLOW_MAX) &&
	   is_str(tb[EPGATE_FLOW_PROFILE], "kaspersky") &&
	   is_str(tb[EPGATE_FLOW_NAME], "agent-server") &&
	   is_u8(tb[EPGATE_FLOW_PROTO], IPPROTO_TCP) &&
	   is_u8(tb[EPGATE_FLOW_PROFILE_MODE], EPGATE_MODE_ENFORCE),
	   "entry 1: profile, name, proto tcp, mode enforce sent explicitly");
	ok(nested(tb[EPGATE_FLOW_PORTS]) &&
	   entries(tb[EPGATE_FLOW_PORTS], r, 8) == 2 &&
	   range_is(r[0], 13000, -1) && range_is(r[1], 14000, 14001),
	   "entry 1: ports nest, ranges typed 1, 2: {LO 13000}, {LO 14000, HI 14001}");
	ok(!tb[EPGATE_FLOW_FROM] &&
	   prefix_is(tb[EPGATE_FLOW_TO], AF_INET, "10.0.0.5", 32),
	   "entry 1: no FROM (any); TO {AF_INET, 10.0.0.5 in 4 bytes, 32}");
	ok(!tb[EPGATE_FLOW_PACKETS] && !tb[EPGATE_FLOW_BYTES],
	   "entry 1: no dump-only attributes");

	ok(!table(e[1], tb, EPGATE_FLOW_MAX) &&
	   is_str(tb[EPGATE_FLOW_NAME], "push") &&
	   is_u8(tb[EPGATE_FLOW_PROTO], IPPROTO_UDP) &&
	   entries(tb[EPGATE_FLOW_PORTS], r, 8) == 1 &&
	   range_is(r[0], 15000, -1) &&
	   prefix_is(tb[EPGATE_FLOW_FROM], AF_INET, "10.0.0.5", 32) &&
	   !tb[EPGATE_FLOW_TO],
	   "entry 2: udp 15000 from 10.0.0.5/32 to any");

	ok(!table(e[2], tb, EPGATE_FLOW_MAX) &&
	   is_str(tb[EPGATE_FLOW_PROFILE], "eset") &&
	   is_u8(tb[EPGATE_FLOW_PROFILE_MODE], EPGATE_MODE_MONITOR) &&
	   prefix_is(tb[EPGATE_FLOW_TO], AF_INET6, "fd00:2::2", 128),
	   "entry 3: monitor, TO {AF_INET6, 16 bytes, 128}");
out:
	free(buf);
	flowlist_free(&fl);
}

static void test_empty(void)
{
	char buf[64];
	struct flowlist fl = { 0 };
	struct nlmsghdr *nlh = request(buf);
	unsigned int before = nlh->nlmsg_len;

	ok(flowmsg_size(&fl) == before && flowmsg_put(nlh, &fl) == 0 &&
	   nlh->nlmsg_len == before,
	   "an empty set is a request without EPGATE_A_FLOWS");
}

/* @n flows "p fI tcp PORTS any 10.0.0.5", with the given ports list. */
static char *many(int n, const char *ports)
{
	size_t size = n * (64 + strlen(ports)), len = 0;
	char *text = malloc(size);
	int i;

	for (i = 0; i < n; i++)
		len += snprintf(text + len, size - len,
				"kaspersky f%d tcp %s any 10.0.0.5\n", i, ports);
	return text;
}

static void test_limits(void)
{
	struct flowlist fl = { 0 };
	const struct nlattr *flows, *attr;
	struct nlmsghdr *nlh;
	size_t size, fit = 0;
	char *text;
	void *buf;
	int ret, n;

	/* The largest set of such flows under the nest limit, found by size. */
	text = many(EPGATE_MAX_FLOWS, "443");
	parse(text, &fl);
	free(text);
	while (fl.n && flowmsg_flows_size(&fl) > FLOWMSG_NEST_MAX)
		fl.n--;
	fit = fl.n;
	buf = calloc(1, flowmsg_size(&fl));
	nlh = request(buf);
	ret = flowmsg_put(nlh, &fl);
	flows = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct genlmsghdr));
	n = 0;
	mnl_attr_for_each_nested(attr, flows)
		n++;
	ok(ret == 0 && nlh->nlmsg_len == flowmsg_size(&fl) &&
	   mnl_attr_get_len(flows) == flowmsg_flows_size(&fl) &&
	   n == (int)fit && nlh->nlmsg_len > 32768,
	   "%zu one-port flows: %u bytes, over 32 KiB, nest length intact",
	   fit, nlh->nlmsg_len);
	free(buf);

	fl.n = fit + 1;
	size = flowmsg_flows_size(&fl);
	buf = calloc(1, flowmsg_size(&fl));
	nlh = request(buf);
	ret = flowmsg_put(nlh, &fl);
	ok(ret == -EMSGSIZE && size > FLOWMSG_NEST_MAX &&
	   nlh->nlmsg_len == MNL_NLMSG_HDRLEN + sizeof(struct genlmsghdr),
	   "one more (%zu bytes) is refused with EMSGSIZE, nothing written",
	   size);
	free(buf);
	fl.n = EPGATE_MAX_FLOWS;
	ok(flowmsg_flows_size(&fl) > FLOWMSG_NEST_MAX,
	   "the ABI's %d flows cannot fit one nest (%zu bytes): see report",
	   EPGATE_MAX_FLOWS, flowmsg_flows_size(&fl));
	flowlist_free(&fl);
}

int main(void)
{
	tap_plan(13);
	test_walk();
	test_empty();
	test_limits();
	return tap_exit();
}
