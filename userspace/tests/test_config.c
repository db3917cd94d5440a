// SPDX-License-Identifier: GPL-2.0
/*
 * `epgate config` and `epgate mode` words: parsing, every error line, and
 * the SET_CONFIG attributes built from them.
 */

#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/epgate.h>

#include "config.h"
#include "tap.h"

const char *prog = "epgate";

#define ARGS(...) (const char *[]){ __VA_ARGS__ }
#define NARGS(...) (int)(sizeof((const char *[]){ __VA_ARGS__ }) / \
			 sizeof(const char *))

static struct epgate_config cfg;
static char err[160];

#define PARSE(...) config_parse(NARGS(__VA_ARGS__), ARGS(__VA_ARGS__), &cfg, \
				err, sizeof(err))

static void expect_err(int ret, const char *msg)
{
	ok(ret == -EINVAL && !strcmp(err, msg), "error: %s", err);
	if (strcmp(err, msg))
		printf("#   expected: %s\n", msg);
}

static void test_good(void)
{
	int ret;

	ret = PARSE("hooks", "forward,output", "in", "eth0,br-lan.10",
		    "out", "any", "mark", "0x100/0xff00");
	ok(ret == 0 &&
	   cfg.set == (CONFIG_HOOKS | CONFIG_IN | CONFIG_OUT | CONFIG_MARK) &&
	   cfg.hooks == (EPGATE_HOOK_FORWARD | EPGATE_HOOK_OUTPUT) &&
	   cfg.nin == 2 && !strcmp(cfg.in[0], "eth0") &&
	   !strcmp(cfg.in[1], "br-lan.10") && cfg.nout == 0 &&
	   cfg.mark_value == 0x100 && cfg.mark_mask == 0xff00,
	   "every setting at once");

	ret = PARSE("mark", "none");
	ok(ret == 0 && cfg.set == CONFIG_MARK && cfg.mark_value == 0 &&
	   cfg.mark_mask == 0, "mark none: value 0, mask 0");

	ret = PARSE("mark", "256/4294967295", "hooks", "input");
	ok(ret == 0 && cfg.mark_value == 256 && cfg.mark_mask == 0xffffffff &&
	   cfg.hooks == EPGATE_HOOK_INPUT, "decimal mark, any order");

	ret = PARSE("priority", "-99", "other", "accept");
	ok(ret == 0 && cfg.priority == -99 &&
	   cfg.other == EPGATE_OTHER_ACCEPT &&
	   cfg.set == (CONFIG_PRIORITY | CONFIG_OTHER),
	   "priority -99 (just after DNAT) and other accept");
	ret = PARSE("priority", "32767", "other", "drop");
	ok(ret == 0 && cfg.priority == 32767 && cfg.other == EPGATE_OTHER_DROP,
	   "priority 32767 and other drop");

	ret = PARSE("mark", "0XAbC/0xFFF");
	ok(ret == 0 && cfg.mark_value == 0xabc && cfg.mark_mask == 0xfff,
	   "hex digits in either case");

	ret = PARSE("in", "a,b,c,d,e,f,g,h", "out", "abcdefghijklmno");
	ok(ret == 0 && cfg.nin == EPGATE_MAX_IFACES &&
	   !strcmp(cfg.in[7], "h") && cfg.nout == 1 &&
	   !strcmp(cfg.out[0], "abcdefghijklmno"),
	   "8 interfaces and a 15-character name are fine");
}

static void test_errors(void)
{
	int ret;

	ret = config_parse(0, NULL, &cfg, err, sizeof(err));
	ok(ret == -EINVAL && !err[0], "no setting: usage (empty message)");
	expect_err(PARSE("bogus", "x"),
		   "unknown setting 'bogus' (hooks, in, out, mark, log, priority, other)");
	expect_err(PARSE("hooks"), "missing value after 'hooks'");
	expect_err(PARSE("priority", "-100"),
		   "bad priority '-100' (-99..32767: after DNAT at -100; default -10, before the filter priority 0)");
	expect_err(PARSE("priority", "32768"),
		   "bad priority '32768' (-99..32767: after DNAT at -100; default -10, before the filter priority 0)");
	expect_err(PARSE("priority", "-"),
		   "bad priority '-' (-99..32767: after DNAT at -100; default -10, before the filter priority 0)");
	expect_err(PARSE("priority", "0x10"),
		   "bad priority '0x10' (-99..32767: after DNAT at -100; default -10, before the filter priority 0)");
	expect_err(PARSE("priority", "99999999999999999999"),
		   "bad priority '99999999999999999999' (-99..32767: after DNAT at -100; default -10, before the filter priority 0)");
	expect_err(PARSE("other", "reject"),
		   "bad value 'reject' for other (accept, drop)");
	expect_err(PARSE("hooks", "input", "hooks", "output"),
		   "'hooks' given twice");
	expect_err(PARSE("hooks", "forward,bogus"),
		   "unknown hook 'bogus' (forward, input, output)");
	expect_err(PARSE("hooks", "forwarding"),
		   "unknown hook 'forwarding' (forward, input, output)");
	expect_err(PARSE("hooks", "forward,,input"),
		   "empty hook in 'forward,,input'");
	expect_err(PARSE("hooks", ""), "empty hook in ''");
	expect_err(PARSE("hooks", "input,input"), "hook 'input' given twice");
	expect_err(PARSE("in", "eth0,abcdefghijklmnop"),
		   "interface name 'abcdefghijklmnop' is longer than 15 characters");
	expect_err(PARSE("out", "a,b,c,d,e,f,g,h,i"),
		   "too many interfaces in 'a,b,c,d,e,f,g,h,i' (at most 8)");
	expect_err(PARSE("in", "eth0,"), "empty interface name in 'eth0,'");
	expect_err(PARSE("in", "eth0,eth0"), "interface 'eth0' given twice");
	expect_err(PARSE("out", "a/b"), "bad interface name 'a/b'");
	expect_err(PARSE("out", ".."), "bad interface name '..'");
	expect_err(PARSE("in", "eth*"),
		   "interface name 'eth*': wildcards are not supported (names are compared exactly; list each interface)");
	expect_err(PARSE("out", "lan0,e*h"),
		   "interface name 'e*h': wildcards are not supported (names are compared exactly; list each interface)");
	expect_err(PARSE("in", "any,lan0"),
		   "'any' mixed with interface names in 'any,lan0' (give 'any' alone, or only names)");
	expect_err(PARSE("in", "lan0,any"),
		   "'any' mixed with interface names in 'lan0,any' (give 'any' alone, or only names)");
	expect_err(PARSE("mark", "3/1"),
		   "mark '3/1' sets bits outside its mask (0x2)");
	expect_err(PARSE("mark", "0x1"),
		   "bad mark '0x1' (VALUE/MASK, 32-bit, decimal or 0x hex; or none)");
	expect_err(PARSE("mark", "0x/1"),
		   "bad mark '0x/1' (VALUE/MASK, 32-bit, decimal or 0x hex; or none)");
	expect_err(PARSE("mark", "1/0x100000000"),
		   "bad mark '1/0x100000000' (VALUE/MASK, 32-bit, decimal or 0x hex; or none)");
	expect_err(PARSE("mark", "-1/1"),
		   "bad mark '-1/1' (VALUE/MASK, 32-bit, decimal or 0x hex; or none)");
	expect_err(PARSE("mark", "1/1x"),
		   "bad mark '1/1x' (VALUE/MASK, 32-bit, decimal or 0x hex; or none)");
	expect_err(PARSE("mark", "0xg/1"),
		   "bad mark '0xg/1' (VALUE/MASK, 32-bit, decimal or 0x hex; or none)");
}

static void test_log(void)
{
	int ret;

	ret = PARSE("log", "off");
	ok(ret == 0 && cfg.set == CONFIG_LOG && cfg.log_flags == 0 &&
	   cfg.log_group == 0, "log off: flags 0");
	ret = PARSE("log", "kernel");
	ok(ret == 0 && cfg.set == CONFIG_LOG &&
	   cfg.log_flags == EPGATE_LOG_KERNEL, "log kernel");
	ret = PARSE("log", "nflog", "65535");
	ok(ret == 0 && cfg.log_flags == EPGATE_LOG_NFLOG &&
	   cfg.log_group == 65535, "log nflog 65535");
	ret = PARSE("hooks", "input", "log", "nflog,kernel", "0", "mark", "none");
	ok(ret == 0 && cfg.set == (CONFIG_HOOKS | CONFIG_LOG | CONFIG_MARK) &&
	   cfg.log_flags == EPGATE_LOG_ALL && cfg.log_group == 0 &&
	   cfg.hooks == EPGATE_HOOK_INPUT && cfg.mark_mask == 0,
	   "log kernel,nflog GROUP among other settings, either order");
	ret = PARSE("log", "kernel", "mark", "1/1");
	ok(ret == 0 && cfg.log_flags == EPGATE_LOG_KERNEL &&
	   cfg.set == (CONFIG_LOG | CONFIG_MARK) && cfg.mark_value == 1,
	   "log kernel takes no group: the next word is a setting");

	expect_err(PARSE("log"), "missing value after 'log'");
	expect_err(PARSE("log", "nflog"), "nflog needs a group (log nflog GROUP)");
	expect_err(PARSE("log", "kernel,nflog"),
		   "nflog needs a group (log kernel,nflog GROUP)");
	expect_err(PARSE("log", "nflog", "70000"),
		   "bad NFLOG group '70000' (0..65535)");
	expect_err(PARSE("log", "nflog", "-1"), "bad NFLOG group '-1' (0..65535)");
	expect_err(PARSE("log", "nflog", "+5"), "bad NFLOG group '+5' (0..65535)");
	expect_err(PARSE("log", "nflog", "0x10"),
		   "bad NFLOG group '0x10' (0..65535)");
	expect_err(PARSE("log", "nflog", ""), "bad NFLOG group '' (0..65535)");
	expect_err(PARSE("log", "nflog", "5 "), "bad NFLOG group '5 ' (0..65535)");
	expect_err(PARSE("log", "nflog", "99999999999999999999"),
		   "bad NFLOG group '99999999999999999999' (0..65535)");
	expect_err(PARSE("log", "nflog", "hooks", "input"),
		   "bad NFLOG group 'hooks' (0..65535)");
	expect_err(PARSE("log", "syslog"),
		   "unknown log target 'syslog' (off, kernel, nflog)");
	expect_err(PARSE("log", "kernel,"), "empty log target in 'kernel,'");
	expect_err(PARSE("log", ""), "empty log target in ''");
	expect_err(PARSE("log", "kernel,kernel"),
		   "log target 'kernel' given twice");
	expect_err(PARSE("log", "kernel,off"),
		   "'off' cannot be combined with other log targets in 'kernel,off'");
	expect_err(PARSE("log", "off", "log", "kernel"), "'log' given twice");
	expect_err(PARSE("log", "kernel", "5"),
		   "unknown setting '5' (hooks, in, out, mark, log, priority, other)");
}

static void test_mode(void)
{
	uint8_t mode = 0xff;

	ok(!config_parse_mode("off", &mode) && mode == EPGATE_MODE_OFF &&
	   !config_parse_mode("monitor", &mode) &&
	   mode == EPGATE_MODE_MONITOR &&
	   !config_parse_mode("enforce", &mode) &&
	   mode == EPGATE_MODE_ENFORCE, "mode words");
	ok(config_parse_mode("Enforce", &mode) == -EINVAL &&
	   config_parse_mode("unknown", &mode) == -EINVAL &&
	   config_parse_mode("", &mode) == -EINVAL, "bad mode words");
}

static struct nlmsghdr *request(char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = 0x20;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = EPGATE_CMD_SET_CONFIG;
	genl->version = EPGATE_GENL_VERSION;
	return nlh;
}

static int iface_entry_is(const struct nlattr *entry, int type,
			  const char *name)
{
	const struct nlattr *attr;
	int n = 0, good = 0;

	if (mnl_attr_get_type(entry) != type ||
	    !(entry->nla_type & NLA_F_NESTED))
		return 0;
	mnl_attr_for_each_nested(attr, entry) {
		n++;
		good = mnl_attr_get_type(attr) == EPGATE_IFACE_NAME &&
		       !mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) &&
		       !strcmp(mnl_attr_get_str(attr), name);
	}
	return n == 1 && good;
}

static void test_message(void)
{
	const struct nlattr *tb[EPGATE_A_MAX + 1] = { 0 }, *attr, *e[4];
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int n, dup = 0;

	PARSE("in", "eth0,eth1", "out", "any", "hooks", "forward",
	      "mark", "0x1/0x1");
	nlh = request(buf);
	config_put(nlh, &cfg);
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		int type = mnl_attr_get_type(attr);

		if (type <= EPGATE_A_MAX) {
			dup |= !!tb[type];
			tb[type] = attr;
		}
	}
	ok(!dup && !tb[EPGATE_A_MODE] &&
	   tb[EPGATE_A_HOOKS] && mnl_attr_get_payload_len(tb[EPGATE_A_HOOKS]) == 4 &&
	   mnl_attr_get_u32(tb[EPGATE_A_HOOKS]) == EPGATE_HOOK_FORWARD &&
	   tb[EPGATE_A_MARK_VALUE] && mnl_attr_get_u32(tb[EPGATE_A_MARK_VALUE]) == 1 &&
	   tb[EPGATE_A_MARK_MASK] && mnl_attr_get_u32(tb[EPGATE_A_MARK_MASK]) == 1,
	   "hooks and mark as u32, no mode");

	n = 0;
	if (tb[EPGATE_A_IFACES_IN])
		mnl_attr_for_each_nested(attr, tb[EPGATE_A_IFACES_IN])
			if (n < 4)
				e[n++] = attr;
	ok(tb[EPGATE_A_IFACES_IN] &&
	   (tb[EPGATE_A_IFACES_IN]->nla_type & NLA_F_NESTED) && n == 2 &&
	   iface_entry_is(e[0], 1, "eth0") && iface_entry_is(e[1], 2, "eth1"),
	   "in: nested array, entries 1 and 2 each {EPGATE_IFACE_NAME}");
	ok(tb[EPGATE_A_IFACES_OUT] &&
	   (tb[EPGATE_A_IFACES_OUT]->nla_type & NLA_F_NESTED) &&
	   mnl_attr_get_len(tb[EPGATE_A_IFACES_OUT]) == MNL_ATTR_HDRLEN,
	   "out any: an empty nest");

	PARSE("log", "kernel,nflog", "5");
	nlh = request(buf);
	config_put(nlh, &cfg);
	memset(tb, 0, sizeof(tb));
	dup = 0;
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		int type = mnl_attr_get_type(attr);

		if (type <= EPGATE_A_MAX) {
			dup |= !!tb[type];
			tb[type] = attr;
		}
	}
	ok(!dup && tb[EPGATE_A_LOG_FLAGS] &&
	   mnl_attr_get_payload_len(tb[EPGATE_A_LOG_FLAGS]) == 4 &&
	   mnl_attr_get_u32(tb[EPGATE_A_LOG_FLAGS]) == EPGATE_LOG_ALL &&
	   tb[EPGATE_A_LOG_GROUP] &&
	   mnl_attr_get_payload_len(tb[EPGATE_A_LOG_GROUP]) == 2 &&
	   mnl_attr_get_u16(tb[EPGATE_A_LOG_GROUP]) == 5 &&
	   !tb[EPGATE_A_MODE] && !tb[EPGATE_A_HOOKS] && !tb[EPGATE_A_MARK_MASK],
	   "log kernel,nflog 5: LOG_FLAGS u32 and LOG_GROUP u16, nothing else");

	PARSE("log", "kernel");
	nlh = request(buf);
	config_put(nlh, &cfg);
	attr = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct genlmsghdr));
	ok(nlh->nlmsg_len == MNL_NLMSG_HDRLEN + 4 + MNL_ATTR_HDRLEN + 4 &&
	   mnl_attr_get_type(attr) == EPGATE_A_LOG_FLAGS &&
	   mnl_attr_get_u32(attr) == EPGATE_LOG_KERNEL,
	   "log kernel: LOG_FLAGS alone, the group left as it is");

	PARSE("log", "off");
	nlh = request(buf);
	config_put(nlh, &cfg);
	attr = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct genlmsghdr));
	ok(nlh->nlmsg_len == MNL_NLMSG_HDRLEN + 4 + MNL_ATTR_HDRLEN + 4 &&
	   mnl_attr_get_type(attr) == EPGATE_A_LOG_FLAGS &&
	   mnl_attr_get_u32(attr) == 0, "log off: LOG_FLAGS 0 alone");

	memset(&cfg, 0, sizeof(cfg));
	cfg.set = CONFIG_MODE;
	cfg.mode = EPGATE_MODE_MONITOR;
	nlh = request(buf);
	config_put(nlh, &cfg);
	attr = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct genlmsghdr));
	ok(nlh->nlmsg_len == MNL_NLMSG_HDRLEN + 4 + MNL_ATTR_HDRLEN + 4 &&
	   mnl_attr_get_type(attr) == EPGATE_A_MODE &&
	   mnl_attr_get_payload_len(attr) == 1 &&
	   mnl_attr_get_u8(attr) == EPGATE_MODE_MONITOR,
	   "mode alone: one u8 attribute");

	PARSE("priority", "-10", "other", "drop");
	nlh = request(buf);
	config_put(nlh, &cfg);
	attr = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct genlmsghdr));
	ok(mnl_attr_get_type(attr) == EPGATE_A_PRIORITY &&
	   mnl_attr_get_payload_len(attr) == 4 &&
	   (int32_t)mnl_attr_get_u32(attr) == -10 &&
	   mnl_attr_get_type(mnl_attr_next(attr)) == EPGATE_A_OTHER &&
	   mnl_attr_get_u8(mnl_attr_next(attr)) == EPGATE_OTHER_DROP &&
	   nlh->nlmsg_len == MNL_NLMSG_HDRLEN + 4 + 2 * (MNL_ATTR_HDRLEN + 4),
	   "priority -10 other drop: an s32 and a u8, nothing else");
}

int main(void)
{
	tap_plan(72);
	test_good();
	test_errors();
	test_log();
	test_mode();
	test_message();
	return tap_exit();
}
