// SPDX-License-Identifier: GPL-2.0
/*
 * The GET_STATUS reply parser against messages built as the kernel builds
 * them, and family resolution against the host's real generic netlink
 * (which has no "epgate" family: the host kernel cannot load modules).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/epgate.h>

#include "genl.h"
#include "status.h"
#include "tap.h"

const char *prog = "epgate";

static struct nlmsghdr *reply(char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = 0x20;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = EPGATE_CMD_GET_STATUS;
	genl->version = EPGATE_GENL_VERSION;
	return nlh;
}

static void put_ifaces(struct nlmsghdr *nlh, int type, int n,
		       const char *names[])
{
	struct nlattr *list = mnl_attr_nest_start(nlh, type), *entry;
	int i;

	for (i = 0; i < n; i++) {
		entry = mnl_attr_nest_start(nlh, i + 1);
		mnl_attr_put_strz(nlh, EPGATE_IFACE_NAME, names[i]);
		mnl_attr_nest_end(nlh, entry);
	}
	mnl_attr_nest_end(nlh, list);
}

/* A complete reply, as the kernel builds it (with PADs, as on arm). */
static struct nlmsghdr *full_reply(char *buf, int with_out);

/* A complete reply with the log settings of a drop-logging module. */
static struct nlmsghdr *log_reply(char *buf, uint32_t flags, uint16_t group)
{
	struct nlmsghdr *nlh = full_reply(buf, 1);

	mnl_attr_put_u32(nlh, EPGATE_A_LOG_FLAGS, flags);
	mnl_attr_put_u16(nlh, EPGATE_A_LOG_GROUP, group);
	return nlh;
}

static struct nlmsghdr *full_reply(char *buf, int with_out)
{
	static const char *in[] = { "eth0", "br-lan" };
	struct nlmsghdr *nlh = reply(buf);
	struct nlattr *ctr;

	mnl_attr_put_strz(nlh, EPGATE_A_VERSION, "0.2.0");
	mnl_attr_put_u32(nlh, EPGATE_A_ABI_VERSION, EPGATE_ABI_VERSION);
	mnl_attr_put_u8(nlh, EPGATE_A_MODE, EPGATE_MODE_MONITOR);
	mnl_attr_put_u32(nlh, EPGATE_A_HOOKS,
			 EPGATE_HOOK_FORWARD | EPGATE_HOOK_OUTPUT);
	mnl_attr_put_u32(nlh, EPGATE_A_MARK_VALUE, 0x100);
	mnl_attr_put_u32(nlh, EPGATE_A_MARK_MASK, 0xff00);
	put_ifaces(nlh, EPGATE_A_IFACES_IN, 2, in);
	if (with_out)
		put_ifaces(nlh, EPGATE_A_IFACES_OUT, 0, NULL);
	mnl_attr_put(nlh, EPGATE_A_PAD, 0, "");
	mnl_attr_put_u64(nlh, EPGATE_A_GENERATION, 7);
	mnl_attr_put_u64(nlh, EPGATE_A_TABLE_BYTES, 8952);
	mnl_attr_put_u32(nlh, EPGATE_A_NFLOWS, 12);
	mnl_attr_put_u32(nlh, EPGATE_A_PRIORITY, (uint32_t)-10);
	mnl_attr_put_u8(nlh, EPGATE_A_OTHER, EPGATE_OTHER_DROP);
	mnl_attr_put_u32(nlh, EPGATE_A_OFFLOAD_LAST, 3);
	mnl_attr_put_u64(nlh, EPGATE_A_OFFLOAD_TOTAL, 1ULL << 33);
	mnl_attr_put_u32(nlh, EPGATE_A_ROLLBACK_SECS, 25);
	mnl_attr_put_u64(nlh, EPGATE_A_ROLLBACKS, 2);
	ctr = mnl_attr_nest_start(nlh, EPGATE_A_COUNTERS);
	mnl_attr_put_u64(nlh, EPGATE_CTR_ALLOWED, 1000000);
	mnl_attr_put_u64(nlh, EPGATE_CTR_DROPPED, 5);
	mnl_attr_put(nlh, EPGATE_CTR_PAD, 0, "");
	mnl_attr_put_u64(nlh, EPGATE_CTR_WOULD_DROP, 0);
	mnl_attr_put_u64(nlh, EPGATE_CTR_MALFORMED, 2);
	mnl_attr_nest_end(nlh, ctr);
	return nlh;
}

static char *render(const struct epgate_status *st, int json)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	if (json)
		status_print_json(st, f);
	else
		status_print(st, f);
	fclose(f);
	return out;
}

static void diag(const char *out)
{
	const char *p = out ? out : "(null)\n";

	while (*p) {
		int len = strcspn(p, "\n");

		printf("#   %.*s\n", len, p);
		p += len + (p[len] == '\n');
	}
}

static void test_full(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct epgate_status st;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	char *out;
	int ret;

	memset(&st, 0, sizeof(st));
	ret = status_parse(full_reply(buf, 1), &st);
	ok(ret == MNL_CB_OK && !status_missing(&st) &&
	   st.mode == EPGATE_MODE_MONITOR &&
	   st.hooks == (EPGATE_HOOK_FORWARD | EPGATE_HOOK_OUTPUT) &&
	   st.mark_value == 0x100 && st.mark_mask == 0xff00 &&
	   st.nin == 2 && !strcmp(st.in[0], "eth0") &&
	   !strcmp(st.in[1], "br-lan") && st.nout == 0 &&
	   st.generation == 7 && st.table_bytes == 8952 && st.nflows == 12 &&
	   st.priority == -10 && st.other == EPGATE_OTHER_DROP &&
	   st.offload_last == 3 && st.offload_total == 1ULL << 33 &&
	   st.rollback_secs == 25 && st.rollbacks == 2 &&
	   st.counters[EPGATE_CTR_ALLOWED] == 1000000 &&
	   st.counters[EPGATE_CTR_DROPPED] == 5 &&
	   st.counters[EPGATE_CTR_WOULD_DROP] == 0 &&
	   st.counters[EPGATE_CTR_MALFORMED] == 2,
	   "a complete reply: scope, mark, table and counters exact");

	out = render(&st, 0);
	if (!ok(out && !strcmp(out,
		    "module:  epgate 0.2.0 (abi 4)\n"
		    "mode:    monitor\n"
		    "hooks:   forward,output (priority -10)\n"
		    "in:      eth0,br-lan\n"
		    "out:     any\n"
		    "other:   drop\n"
		    "mark:    0x100/0xff00\n"
		    "log:     off\n"
		    "flows:   12\n"
		    "table:   8952 bytes, generation 7\n"
		    "offload: 3 taken out of flowtables by the last change, 8589934592 in all\n"
		    "confirm: pending, rolled back in 25 s unless 'epgate confirm' (2 rollbacks so far)\n"
		    "packets: allowed 1000000, dropped 5, would_drop 0, malformed 2\n"),
		"human output, the key column 9 wide"))
		diag(out);
	free(out);

	out = render(&st, 1);
	if (!ok(out && !strcmp(out,
		    "{\"version\": \"0.2.0\", \"abi_version\": 4, \"mode\": \"monitor\", "
		    "\"hooks\": [\"forward\", \"output\"], "
		    "\"scope\": {\"in\": [\"eth0\", \"br-lan\"], \"out\": []}, "
		    "\"priority\": -10, \"other\": \"drop\", "
		    "\"offload\": {\"last\": 3, \"total\": 8589934592}, "
		    "\"rollback\": {\"pending\": true, \"seconds_left\": 25, \"count\": 2}, "
		    "\"mark\": {\"value\": 256, \"mask\": 65280}, "
		    "\"log\": {\"kernel\": false, \"nflog\": false, \"group\": 0}, "
		    "\"generation\": 7, \"table_bytes\": 8952, \"flows\": 12, "
		    "\"counters\": {\"allowed\": 1000000, \"dropped\": 5, "
		    "\"would_drop\": 0, \"malformed\": 2}}\n"),
		"JSON output"))
		diag(out);
	free(out);

	{
		struct flowset_profile p[2] = {
			{ .name = "kaspersky", .mode = EPGATE_MODE_ENFORCE,
			  .nflows = 6, .udlen = 16,
			  .userdata = "server=10.0.2.10", .packets = 3 },
			{ .name = "eset", .mode = EPGATE_MODE_MONITOR,
			  .nflows = 1 },
		};

		st.profiles = p;
		st.nprofiles = 2;
		out = render(&st, 0);
		if (!ok(out && strstr(out,
			    "malformed 2\n"
			    "profile: kaspersky    enforce     6 flows  server=10.0.2.10\n"
			    "profile: eset         monitor     1 flow \n"),
			"enabled profiles: one line each, with how they were enabled"))
			diag(out);
		free(out);
		out = render(&st, 1);
		if (!ok(out && strstr(out,
			    "\"profiles\": [{\"name\": \"kaspersky\", \"mode\": \"enforce\", "
			    "\"flows\": 6, \"args\": \"server=10.0.2.10\", \"packets\": 3, "
			    "\"bytes\": 0}, {\"name\": \"eset\", \"mode\": \"monitor\", "
			    "\"flows\": 1, \"args\": \"\", \"packets\": 0, \"bytes\": 0}]}\n"),
			"enabled profiles in JSON"))
			diag(out);
		free(out);
		st.profiles = NULL;
		st.nprofiles = 0;
	}

	memset(&st, 0, sizeof(st));
	ret = status_parse(full_reply(buf, 0), &st);
	st.mark_mask = 0;
	st.hooks = 0;
	out = render(&st, 0);
	ok(ret == MNL_CB_OK && !status_missing(&st) && out &&
	   strstr(out, "\nout:     any\n") && strstr(out, "\nmark:    none\n") &&
	   strstr(out, "\nhooks:   none (priority -10)\n"),
	   "absent IFACES_OUT is any; mask 0 is no mark");
	free(out);

	memset(&st, 0, sizeof(st));
	nlh = reply(buf);
	mnl_attr_put_strz(nlh, EPGATE_A_VERSION, "0.2.0");
	mnl_attr_put_u32(nlh, EPGATE_A_ABI_VERSION, EPGATE_ABI_VERSION);
	mnl_attr_put_u8(nlh, EPGATE_A_MODE, EPGATE_MODE_OFF);
	status_parse(nlh, &st);
	ok(status_missing(&st) && !strcmp(status_missing(&st), "EPGATE_A_HOOKS"),
	   "an old-style reply lacks EPGATE_A_HOOKS first");

	memset(&st, 0, sizeof(st));
	nlh = full_reply(buf, 1);
	nest = mnl_attr_nest_start(nlh, EPGATE_A_IFACES_OUT);
	mnl_attr_put_strz(nlh, EPGATE_IFACE_NAME, "eth0");
	mnl_attr_nest_end(nlh, nest);
	errno = 0;
	ok(status_parse(nlh, &st) == MNL_CB_ERROR && errno == EBADMSG,
	   "a flat interface list (not a nested array) is refused");

	memset(&st, 0, sizeof(st));
	nlh = reply(buf);
	nest = mnl_attr_nest_start(nlh, EPGATE_A_COUNTERS);
	mnl_attr_put_u64(nlh, EPGATE_CTR_ALLOWED, 1);
	mnl_attr_nest_end(nlh, nest);
	ok(status_parse(nlh, &st) == MNL_CB_OK && status_missing(&st) &&
	   st.counters[EPGATE_CTR_ALLOWED] == 1 &&
	   !(st.ctr_seen & 1u << EPGATE_CTR_DROPPED),
	   "counters are tracked one by one");
}

static void test_log(void)
{
	static const struct {
		uint32_t flags;
		uint16_t group;
		const char *line, *json;
	} cases[] = {
		{ 0, 7, "\nmark:    0x100/0xff00\nlog:     off\nflows:   12\n",
		  "\"log\": {\"kernel\": false, \"nflog\": false, \"group\": 7}, " },
		{ EPGATE_LOG_KERNEL, 0, "\nlog:     kernel\n",
		  "\"log\": {\"kernel\": true, \"nflog\": false, \"group\": 0}, " },
		{ EPGATE_LOG_NFLOG, 65535, "\nlog:     nflog group 65535\n",
		  "\"log\": {\"kernel\": false, \"nflog\": true, \"group\": 65535}, " },
		{ EPGATE_LOG_ALL, 5, "\nlog:     kernel,nflog group 5\n",
		  "\"log\": {\"kernel\": true, \"nflog\": true, \"group\": 5}, " },
		{ EPGATE_LOG_KERNEL | 1u << 7, 0, "\nlog:     kernel,0x80\n",
		  "\"log\": {\"kernel\": true, \"nflog\": false, \"group\": 0}, " },
	};
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct epgate_status st;
	struct nlmsghdr *nlh;
	char *out, *js;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&st, 0, sizeof(st));
		ret = status_parse(log_reply(buf, cases[i].flags,
					     cases[i].group), &st);
		out = render(&st, 0);
		js = render(&st, 1);
		if (!ok(ret == MNL_CB_OK && !status_missing(&st) &&
			st.log_flags == cases[i].flags &&
			st.log_group == cases[i].group && out && js &&
			strstr(out, cases[i].line) &&
			strstr(js, cases[i].json) &&
			strstr(js, "\"mask\": 65280}, \"log\": {"),
			"log flags 0x%x group %u: line and JSON",
			cases[i].flags, cases[i].group)) {
			diag(out);
			diag(js);
		}
		free(out);
		free(js);
	}

	memset(&st, 0, sizeof(st));
	nlh = full_reply(buf, 1);
	mnl_attr_put_u16(nlh, EPGATE_A_LOG_FLAGS, 1);
	ok(status_parse(nlh, &st) == MNL_CB_ERROR,
	   "a 16-bit LOG_FLAGS is refused");
	memset(&st, 0, sizeof(st));
	nlh = full_reply(buf, 1);
	mnl_attr_put_u32(nlh, EPGATE_A_LOG_GROUP, 1);
	ok(status_parse(nlh, &st) == MNL_CB_ERROR,
	   "a 32-bit LOG_GROUP is refused");
	memset(&st, 0, sizeof(st));
	ret = status_parse(full_reply(buf, 1), &st);
	ok(ret == MNL_CB_OK && !status_missing(&st) && !st.log_flags &&
	   !(st.seen & 1u << EPGATE_A_LOG_FLAGS),
	   "a reply without the log settings (older module) is complete: off");
}

int main(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct epgate_status st;
	struct epgate_genl g;
	struct nlmsghdr *nlh;
	int ret;

	tap_plan(23);
	test_full();
	test_log();

	memset(&st, 0, sizeof(st));
	nlh = reply(buf);
	mnl_attr_put_strz(nlh, EPGATE_A_VERSION, "9.8.7");
	mnl_attr_put_u32(nlh, EPGATE_A_ABI_VERSION, EPGATE_ABI_VERSION);
	mnl_attr_put_u8(nlh, EPGATE_A_MODE, EPGATE_MODE_ENFORCE);
	ret = status_parse(nlh, &st);
	ok(ret == MNL_CB_OK && !strcmp(st.version, "9.8.7") &&
	   st.abi_version == EPGATE_ABI_VERSION &&
	   st.mode == EPGATE_MODE_ENFORCE,
	   "a complete reply is parsed");

	memset(&st, 0, sizeof(st));
	nlh = reply(buf);
	mnl_attr_put_u32(nlh, __EPGATE_A_MAX + 5, 42);
	mnl_attr_put_u8(nlh, EPGATE_A_MODE, EPGATE_MODE_MONITOR);
	ret = status_parse(nlh, &st);
	ok(ret == MNL_CB_OK && st.mode == EPGATE_MODE_MONITOR &&
	   st.seen == 1u << EPGATE_A_MODE,
	   "unknown attributes from a newer module are skipped");

	memset(&st, 0, sizeof(st));
	nlh = reply(buf);
	mnl_attr_put_u32(nlh, EPGATE_A_MODE, EPGATE_MODE_MONITOR);
	ok(status_parse(nlh, &st) == MNL_CB_ERROR,
	   "a known attribute with the wrong length is refused");

	memset(&st, 0, sizeof(st));
	nlh = reply(buf);
	mnl_attr_put(nlh, EPGATE_A_VERSION, 3, "abc");
	ok(status_parse(nlh, &st) == MNL_CB_ERROR,
	   "a version string without NUL is refused");

	ok(!strcmp(mode_name(EPGATE_MODE_MAX + 1), "unknown") &&
	   !strcmp(mode_name(EPGATE_MODE_OFF), "off"),
	   "mode names, out of range included");

	ret = epgate_genl_open(&g);
	ok(ret == -ENOENT &&
	   !strcmp(epgate_genl_strerror(&g, ret),
		   "kernel module not loaded (try: modprobe epgate)"),
	   "resolving the absent family gives ENOENT and the clear message (ret %d)",
	   ret);
	epgate_genl_close(&g);
	return tap_exit();
}
