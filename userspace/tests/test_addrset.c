// SPDX-License-Identifier: GPL-2.0
/*
 * Address sets: the set-file parser (every error with its FILE:LINE
 * message), sets.d lookups, ROLE= bindings, flow lists with sets and the
 * text round trip, save/restore of sets whatever sets.d holds later, the
 * SET_FLOWS messages of a 65,536-prefix set (every nest under 64 KiB,
 * the set read back whole), and the table's verdicts on set roles.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <linux/genetlink.h>

#include "addrset.h"
#include "flowcheck.h"
#include "flowmsg.h"
#include "flowset.h"
#include "flowtable.h"
#include "hosts.h"
#include "profile.h"
#include "save.h"
#include "tap.h"

const char *prog = "epgate";
static char dir[64];

static void put_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void expect_set_error(const char *what, const char *text,
			     const char *msg)
{
	struct flowlist_set s;
	char err[512];
	int ret;

	ret = addrset_parse("x.set", "x", text, strlen(text), &s, err,
			    sizeof(err));
	if (!ok(ret == -EINVAL && !strcmp(err, msg) && !s.n && !s.prefixes,
		"set file: %s", what))
		printf("#   got %d '%s'\n#   expected '%s'\n", ret, err, msg);
}

static void test_parse(void)
{
	const char *good = "# head office\n\n10.1.0.0/16\n  fd00:1::/48   # v6\n"
			   "192.0.2.7\r\n10.1.0.0/16\n";
	struct flowlist_set s;
	char err[512], b[64];
	int ret;

	ret = addrset_parse("x.set", "hq", good, strlen(good), &s, err,
			    sizeof(err));
	ok(!ret && s.n == 3 && !strcmp(s.name, "hq") &&
	   !strcmp(flowlist_prefix_str(&s.prefixes[0], b, sizeof(b)), "10.1.0.0/16") &&
	   !strcmp(flowlist_prefix_str(&s.prefixes[1], b, sizeof(b)), "fd00:1::/48") &&
	   !strcmp(flowlist_prefix_str(&s.prefixes[2], b, sizeof(b)), "192.0.2.7/32"),
	   "set file: comments, blank lines, CRLF, both families, a duplicate collapsed");
	flowlist_set_free(&s);

	expect_set_error("malformed prefix", "10.0.0.0/8\n10.0.0.300\n",
			 "x.set:2: bad address '10.0.0.300' (any, ADDR or ADDR/LEN)");
	expect_set_error("bad prefix length", "10.0.0.0/33\n",
			 "x.set:1: prefix length 33 out of range in '10.0.0.0/33' (at most 32 for IPv4)");
	expect_set_error("host bits set", "# x\n10.0.0.5/8\n",
			 "x.set:2: host bits set in '10.0.0.5/8' (the network is 10.0.0.0/8)");
	expect_set_error("hostname", "ksc.corp.example\n",
			 "x.set:1: 'ksc.corp.example': hostnames are not supported here (give its addresses)");
	expect_set_error("any", "any\n",
			 "x.set:1: 'any' in a list of prefixes (leave the role unbound to match any address)");
	expect_set_error("two words", "10.0.0.0/8 10.1.0.0/16\n",
			 "x.set:1: '10.1.0.0/16' after the prefix (one prefix per line)");
	expect_set_error("a comma list", "10.0.0.0/8,10.1.0.0/16\n",
			 "x.set:1: bad prefix length in '10.0.0.0/8,10.1.0.0/16'");
	expect_set_error("empty set", "# nothing yet\n\n",
			 "x.set: set 'x' is empty (no prefix)");
	expect_set_error("empty file", "", "x.set: set 'x' is empty (no prefix)");
	expect_set_error("control byte", "10.0.0.0/8\n10.\x01\n",
			 "x.set:2: invalid byte '\\x01'");
	expect_set_error("byte order mark", "\xef\xbb\xbf" "10.0.0.0/8\n",
			 "x.set:1: " FLOWCHECK_BOM_MSG);
}

static void test_load(void)
{
	struct flowlist_set s;
	char err[512], want[512];
	int ret;

	ret = addrset_load("hq", &s, err, sizeof(err));
	ok(!ret && s.n == 2, "sets.d: hq.set loaded from $EPGATE_SETS_DIR");
	flowlist_set_free(&s);
	ret = addrset_load("nosuch", &s, err, sizeof(err));
	snprintf(want, sizeof(want), "unknown set 'nosuch' (no %s/nosuch.set)", dir);
	ok(ret == -EINVAL && !strcmp(err, want), "sets.d: unknown set: %s", err);
	ret = addrset_load("Bad", &s, err, sizeof(err));
	ok(ret == -EINVAL && !strcmp(err, "set name 'Bad' has a bad character 'B' (allowed: a-z 0-9 - _)") ,
	   "sets.d: bad set name: %s", err);
	ret = addrset_load("broken", &s, err, sizeof(err));
	snprintf(want, sizeof(want), "%s/broken.set:3: host bits set in '10.0.0.1/24' (the network is 10.0.0.0/24)", dir);
	ok(ret == -EINVAL && !strcmp(err, want), "sets.d: FILE:LINE of a bad file: %s", err);
}

__attribute__((format(printf, 2, 0)))
static void expect_bind_error(const char *arg, const char *msg)
{
	struct profile_binding b[4];
	struct addrset_cache c = { 0 };
	size_t n = 0;
	char err[512], want[512];
	int ret;

	memset(b, 0, sizeof(b));
	snprintf(want, sizeof(want), msg, dir, dir);	/* %s: the sets dir */
	ret = profile_binding_add(b, &n, 4, arg, addrset_lookup, &c, err,
				  sizeof(err));
	if (!ok(ret == -EINVAL && !n && !strcmp(err, want), "binding %s", arg))
		printf("#   got '%s'\n#   want '%s'\n", err, want);
	profile_bindings_free(b, n);
	addrset_cache_free(&c);
}

static void test_bindings(void)
{
	struct profile_binding b[4];
	struct addrset_cache c = { 0 };
	char err[512], buf[512];
	size_t n = 0;
	int ret;

	memset(b, 0, sizeof(b));
	ret = profile_binding_add(b, &n, 4, "server=10.0.0.5", addrset_lookup,
				  &c, err, sizeof(err));
	ok(!ret && n == 1 && !b[0].set.n && b[0].prefix.family == AF_INET,
	   "one prefix: the single-prefix form");
	ret = profile_binding_add(b, &n, 4, "server=fd00::5,10.0.0.5",
				  addrset_lookup, &c, err, sizeof(err));
	ok(!ret && n == 1 && b[0].set.n == 2 && !b[0].set.name[0] &&
	   !strcmp(b[0].value, "10.0.0.5,fd00::5,10.0.0.5"),
	   "server= again adds to the role; the duplicate collapses");
	ret = profile_binding_add(b, &n, 4, "agent=@hq", addrset_lookup, &c,
				  err, sizeof(err));
	ok(!ret && n == 2 && b[1].set.n == 2 && !strcmp(b[1].set.name, "hq"),
	   "@hq alone: the named set");
	ret = profile_binding_add(b, &n, 4, "console=@hq,10.9.0.0/16",
				  addrset_lookup, &c, err, sizeof(err));
	ok(!ret && n == 3 && b[2].set.n == 3 && !b[2].set.name[0],
	   "@hq among prefixes: an anonymous set of all of them");
	{
		struct flowlist fl = { 0 };
		uint32_t ref;

		flowlist_intern_set(&fl, &b[2].set, &ref);
		ok(!strcmp(flowlist_role_str(&fl, NULL, ref, 2, buf, sizeof(buf)),
			   "10.1.0.0/16,fd00:1::/48,... (3 prefixes)") &&
		   !strcmp(flowlist_role_str(&fl, NULL, ref, 0, buf, sizeof(buf)),
			   "10.1.0.0/16,fd00:1::/48,10.9.0.0/16"),
		   "a set as text, shortened with its count: %s", buf);
		flowlist_free(&fl);
	}
	profile_bindings_free(b, n);
	addrset_cache_free(&c);

	expect_bind_error("server=10.0.0.5,10.0.0.300",
			  "server=10.0.0.5,10.0.0.300: bad address '10.0.0.300' (any, ADDR or ADDR/LEN)");
	expect_bind_error("server=10.0.0.5/8",
			  "server=10.0.0.5/8: host bits set in '10.0.0.5/8' (the network is 10.0.0.0/8)");
	expect_bind_error("server=@nosuch",
			  "server=@nosuch: unknown set 'nosuch' (no %s/nosuch.set)");
	expect_bind_error("server=@empty",
			  "server=@empty: %s/empty.set: set 'empty' is empty (no prefix)");
	expect_bind_error("server=10.0.0.5,,10.0.0.6",
			  "server=10.0.0.5,,10.0.0.6: empty element in '10.0.0.5,,10.0.0.6'");
	expect_bind_error("server=@Hq",
			  "server=@Hq: set name 'Hq' has a bad character 'H' (allowed: a-z 0-9 - _)");
	expect_bind_error("server=ksc.corp.example,10.0.0.5",
			  "server=ksc.corp.example,10.0.0.5: 'ksc.corp.example': hostnames are not supported here (give its addresses)");
	expect_bind_error("server=10.0.0.5,any",
			  "server=10.0.0.5,any: 'any' in a list of prefixes (leave the role unbound to match any address)");
}

/*
 * Hostnames through hosts_lookup(): the collecting parse follows them and
 * looks empty; the real one binds their addresses, in a role and in a set
 * file, and refuses a name without an address with its DNS status.
 */
static void test_hostnames(void)
{
	struct resolve_addr a4[] = {
		{ .family = AF_INET, .addr = { 192, 0, 2, 7 }, .ttl = 30 },
		{ .family = AF_INET6, .addr = { 0xfd, 0, [15] = 7 }, .ttl = 30 },
	};
	struct resolve_answer good = { .status = RESOLVE_OK, .addrs = a4,
				       .naddrs = 2 };
	struct resolve_answer bad = { .status = RESOLVE_NXDOMAIN };
	struct profile_binding b[4];
	struct hosts h;
	struct addrset_cache c = { .hosts = hosts_lookup, .hosts_ctx = &h };
	char err[512], buf[512], want[512];
	size_t n = 0;
	int ret;

	memset(b, 0, sizeof(b));
	hosts_init(&h, NULL);
	h.collect = true;
	ret = profile_binding_add(b, &n, 4, "server=Update.Vendor.test,10.0.0.5",
				  addrset_lookup, &c, err, sizeof(err));
	ret |= profile_binding_add(b, &n, 4, "agent=@dns", addrset_lookup, &c,
				   err, sizeof(err));
	ok(!ret && h.nseen == 3 && h.ns.n == 3 &&
	   names_get(&h.ns, "update.vendor.test") &&
	   names_get(&h.ns, "gone.vendor.test"),
	   "collecting: every name of the roles and of the set file is followed, lower case");
	profile_bindings_free(b, n);
	addrset_cache_free(&c);
	memset(&c.loaded, 0, sizeof(c.loaded));
	n = 0;

	names_apply(&h.ns, "update.vendor.test", &good, 1000);
	names_apply(&h.ns, "also.vendor.test", &good, 1000);
	names_apply(&h.ns, "gone.vendor.test", &bad, 1000);
	h.collect = false;
	h.now = 1000;
	ret = profile_binding_add(b, &n, 4, "server=update.vendor.test,10.0.0.5",
				  addrset_lookup, &c, err, sizeof(err));
	{
		struct flowlist fl = { 0 };
		uint32_t ref;

		flowlist_intern_set(&fl, &b[0].set, &ref);
		ok(!ret && b[0].set.n == 3 && !b[0].set.name[0] &&
		   !strcmp(flowlist_role_str(&fl, NULL, ref, 0, buf, sizeof(buf)),
			   "192.0.2.7/32,fd00::7/128,10.0.0.5/32"),
		   "a hostname among prefixes: its addresses, /32 and /128: %s", buf);
		flowlist_free(&fl);
	}
	ret = profile_binding_add(b, &n, 4, "console=update.vendor.test",
				  addrset_lookup, &c, err, sizeof(err));
	ok(!ret && n == 2 && b[1].set.n == 2 && !b[1].prefix.family,
	   "a hostname alone is a set, even of one address");
	ret = profile_binding_add(b, &n, 4, "agent=@dns", addrset_lookup, &c,
				  err, sizeof(err));
	snprintf(want, sizeof(want),
		 "agent=@dns: %s/dns.set:2: gone.vendor.test: no address (DNS: nxdomain)",
		 dir);
	if (!ok(ret == -EINVAL && n == 2 && !strcmp(err, want),
		"a set file's name without an address refuses the role with its DNS status"))
		printf("#   got '%s'\n#   want '%s'\n", err, want);
	put_file("dns2.set", "also.vendor.test\n10.1.0.0/16\n");
	ret = profile_binding_add(b, &n, 4, "agent=@dns2", addrset_lookup, &c,
				  err, sizeof(err));
	ok(!ret && n == 3 && b[2].set.n == 3 && !strcmp(b[2].set.name, "dns2"),
	   "a set file with a name and a prefix: the named set holds both");
	ok(b[0].set.hosts && !strcmp(b[0].set.hosts, "update.vendor.test") &&
	   b[2].set.hosts && !strcmp(b[2].set.hosts, "also.vendor.test"),
	   "each set knows the names it follows: a role's, a set file's");
	ret = profile_binding_add(b, &n, 4, "agent=Update.Vendor.test,@dns2,10.9.0.0/16",
				  addrset_lookup, &c, err, sizeof(err));
	ok(!ret && n == 3 && b[2].set.hosts &&
	   !strcmp(b[2].set.hosts, "also.vendor.test,update.vendor.test"),
	   "ROLE= again: the role follows both words' names, sorted, lower case, once: %s",
	   b[2].set.hosts ? b[2].set.hosts : "(none)");
	{
		struct flowlist fl = { 0 };
		struct flowlist_set same = { .name = "" };
		uint32_t r1, r2, r3, i;

		flowlist_intern_set(&fl, &b[0].set, &r1);
		flowlist_intern_set(&fl, &b[1].set, &r2);
		ok(r1 != r2 && fl.sets[r1 - 1].hosts != b[0].set.hosts &&
		   !strcmp(fl.sets[r1 - 1].hosts, "update.vendor.test"),
		   "interned: the set's hosts are copied");
		for (i = 0; i < b[1].set.n; i++)
			flowlist_set_add(&same, &b[1].set.prefixes[i]);
		flowlist_set_follow(&same, "b.example,A.example");
		flowlist_intern_set(&fl, &same, &r3);
		ok(r3 == r2 && !strcmp(fl.sets[r2 - 1].hosts,
				       "a.example,b.example,update.vendor.test"),
		   "an equal set is shared and follows both sets' names: %s",
		   fl.sets[r2 - 1].hosts);
		flowlist_set_follow(&fl.sets[r1 - 1], "");
		ok(!strcmp(fl.sets[r1 - 1].hosts, "update.vendor.test"),
		   "following no name changes nothing");
		flowlist_set_free(&same);
		flowlist_free(&fl);
	}
	profile_bindings_free(b, n);
	addrset_cache_free(&c);
	hosts_free(&h);
}

static void test_flowlist(void)
{
	const char *text = "p a tcp 80 10.0.0.0/8,fd00::/8 @hq\n"
			   "p b tcp 81 @hq any\n"
			   "q c udp 53 10.1.0.0/16 10.0.0.5,10.0.0.5\n";
	struct addrset_cache c = { 0 };
	struct flowlist fl = { 0 }, back = { 0 };
	struct flowlist_error err;
	char *out = NULL;
	size_t len = 0, i;
	FILE *f;
	int ret;

	ret = flowlist_parse_sets(text, strlen(text), &fl, &err,
				  addrset_lookup, &c);
	ok(!ret && fl.n == 3 && fl.nsets == 2 && fl.flows[0].from_set &&
	   fl.flows[0].to_set == fl.flows[1].from_set &&
	   !fl.flows[2].from_set && !fl.flows[2].to_set &&
	   fl.flows[2].to.family == AF_INET,
	   "flow list: lists and @hq; one set shared; a duplicate-only list is one prefix");
	f = open_memstream(&out, &len);
	for (i = 0; i < fl.n; i++)
		save_write_flow(f, &fl, &fl.flows[i]);
	fclose(f);
	ok(!strcmp(out, "flow p a tcp 80 10.0.0.0/8,fd00::/8 @hq\n"
			"flow p b tcp 81 @hq any\n"
			"flow q c udp 53 10.1.0.0/16 10.0.0.5/32\n"),
	   "flow list as text");
	/* Back through the parser (without the `flow` keyword). */
	for (i = 0; out[i]; i++) {
		if (!strncmp(out + i, "flow ", 5))
			memset(out + i, ' ', 4);
	}
	ret = flowlist_parse_sets(out, strlen(out), &back, &err,
				  addrset_lookup, &c);
	for (i = 0; !ret && i < fl.n; i++)
		ret = !flowlist_same_flow(&fl, &fl.flows[i], &back, &back.flows[i]);
	ok(!ret, "flow list text round trip: the same flows and sets");
	free(out);
	flowlist_free(&back);
	flowlist_free(&fl);

	ret = flowlist_parse_sets("p a tcp 80 @nosuch any\n", 23, &fl, &err,
				  addrset_lookup, &c);
	ok(ret == -EINVAL && err.line == 1 && err.col == 12 &&
	   strstr(err.msg, "unknown set 'nosuch'"), "flow list: unknown set at 1:12");
	ret = flowlist_parse("p a tcp 80 @hq any\n", 19, &fl, &err);
	ok(ret == -EINVAL && !strcmp(err.msg, "unknown set 'hq'"),
	   "flow list without a lookup: every @NAME is unknown");
	ret = flowlist_parse_sets("p a tcp 80 10.0.0.0/8,10.1.0.0/16 fd00::1\n",
				  42, &fl, &err, addrset_lookup, &c);
	ok(ret == -EINVAL && strstr(err.msg, "different address families"),
	   "flow list: an IPv4-only set to an IPv6 prefix never matches");
	ret = flowlist_parse_sets("p a tcp 80 10.0.0.0/8,fd00::/8 fd00::1\n",
				  39, &fl, &err, addrset_lookup, &c);
	ok(!ret, "flow list: a dual-stack set to an IPv6 prefix is fine");
	flowlist_free(&fl);
	addrset_cache_free(&c);
}

/* A state with sets written by save_write() parses back to the same sets. */
static void test_save(void)
{
	const char *conf = "enable kaspersky server=10.0.0.5,fd00::5 agent=@hq\n"
			   "flow custom web tcp 80 @hq 10.0.0.0/8,10.2.0.0/16\n";
	struct saveconf sc, back;
	struct epgate_status st;
	char err[768], *text = NULL;
	size_t len = 0, i;
	FILE *f;
	int ret;

	ret = save_parse("t.conf", conf, strlen(conf), SAVE_UNCHECKED, &sc,
			 err, sizeof(err));
	ok(!ret && sc.fs.fl.nsets == 3, "save file: enable and flow lines with sets: %s",
	   ret ? err : "ok");
	if (ret)
		return;
	memset(&st, 0, sizeof(st));
	st.hooks = 1;
	f = open_memstream(&text, &len);
	ret = save_write(f, &st, &sc.fs, NULL, stderr);
	fclose(f);
	ok(!ret && strstr(text, "\nset hq 10.1.0.0/16\nset hq fd00:1::/48\n") &&
	   strstr(text, "\nenable kaspersky server=10.0.0.5,fd00::5 agent=@hq\n") &&
	   strstr(text, "\nflow custom web tcp 80 @hq 10.0.0.0/8,10.2.0.0/16\n"),
	   "save: set lines, the enable line as typed, flows with @hq");
	/* sets.d changes: the file still restores what was saved. */
	put_file("hq.set", "172.16.0.0/12\n");
	ret = save_parse("t.conf", text, len, 0, &back, err, sizeof(err));
	ok(!ret, "restore: the saved text parses: %s", ret ? err : "ok");
	for (i = 0; !ret && i < sc.fs.fl.n; i++)
		ret = !flowlist_same_flow(&sc.fs.fl, &sc.fs.fl.flows[i],
					  &back.fs.fl, &back.fs.fl.flows[i]);
	ok(!ret && back.fs.fl.n == sc.fs.fl.n,
	   "restore: the same flows and sets though sets.d changed");
	if (!ret)
		save_free(&back);
	free(text);
	put_file("hq.set", "10.1.0.0/16\nfd00:1::/48\n");

	ret = save_parse("t.conf", "set hq 10.0.0.1/8\n", 18, SAVE_UNCHECKED,
			 &back, err, sizeof(err));
	ok(ret == -EINVAL && !strcmp(err, "t.conf:1: set hq: host bits set in '10.0.0.1/8' (the network is 10.0.0.0/8)"),
	   "save file: a bad set line is FILE:LINE: %s", err);
	ret = save_parse("t.conf", "\nset hq\n", 8, SAVE_UNCHECKED,
			 &back, err, sizeof(err));
	ok(ret == -EINVAL && !strcmp(err, "t.conf:2: set: expected `set NAME PREFIX`"),
	   "save file: a short set line: %s", err);
	save_free(&sc);
}

/* Does the nest chain of @buf (a SET_FLOWS message) carry every prefix? */
static void test_messages(void)
{
	struct flowset fs = { 0 };
	struct flowlist_set big = { .name = "big" };
	struct flowlist_prefix p = { .family = AF_INET6, .len = 128 };
	struct flowmsg_cursor c = { 0 };
	struct flowlist_set back = { .name = "" };
	uint32_t ids[1], ref, id, i, msgs = 0;
	size_t n, maxn = 0;
	char *buf;
	bool nests_ok = true;

	for (i = 0; i < EPGATE_MAX_PREFIXES; i++) {
		p.addr[12] = i >> 8;
		p.addr[13] = i & 0xff;
		p.addr[0] = 0xfd;
		flowlist_set_add(&big, &p);
	}
	flowlist_push_set(&fs.fl, &big, &ref);
	flowlist_set_free(&big);
	fs.fl.flows = calloc(1, sizeof(*fs.fl.flows));
	fs.fl.n = fs.fl.alloc = 1;
	strcpy(fs.fl.flows[0].profile, "p");
	strcpy(fs.fl.flows[0].name, "f");
	fs.fl.flows[0].proto = IPPROTO_TCP;
	fs.fl.flows[0].nranges = 1;
	fs.fl.flows[0].ranges[0].lo = fs.fl.flows[0].ranges[0].hi = 80;
	fs.fl.flows[0].from_set = ref;
	ok(!flowlist_set_ids(&fs.fl, ids, NULL, NULL, NULL, 0) && ids[0] == 1,
	   "the one set a flow names is number 1");

	buf = calloc(1, 2 * FLOWMSG_NEST_MAX);
	while (!flowmsg_sets_done(&fs.fl, ids, &c)) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
		const struct nlattr *a, *e;

		memset(buf, 0, 2 * FLOWMSG_NEST_MAX);
		nlh = mnl_nlmsg_put_header(buf);
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
		n = flowmsg_put_sets(nlh, &fs.fl, ids, &c);
		msgs++;
		maxn = n > maxn ? n : maxn;
		mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
			nests_ok &= mnl_attr_get_type(a) == EPGATE_A_SETS &&
				    a->nla_len == n && n <= FLOWMSG_NEST_MAX;
			mnl_attr_for_each_nested(e, a) {
				nests_ok &= !flowset_parse_set(e, &id, &back) &&
					    id == 1 && !strcmp(back.name, "big");
			}
		}
	}
	ok(nests_ok && back.n == EPGATE_MAX_PREFIXES &&
	   !memcmp(back.prefixes, fs.fl.sets[0].prefixes,
		   back.n * sizeof(p)),
	   "65,536 IPv6 prefixes: %u nests of at most %zu bytes (< 64 KiB), id and name on each, read back in order",
	   msgs, maxn);
	ok(flowset_messages(&fs) == msgs,
	   "the transaction: %zu messages, the flow riding on the last", flowset_messages(&fs));
	flowlist_set_free(&back);
	free(buf);
	flowlist_free(&fs.fl);
}

static int match(const struct epg_table *t, const char *s, const char *d)
{
	uint32_t sa[4] = { 0 }, da[4] = { 0 };
	int fam = strchr(s, ':') ? AF_INET6 : AF_INET;

	inet_pton(fam, s, sa);
	inet_pton(fam, d, da);
	return epg_table_match(t, EPG_PROTO_TCP, 80, fam, sa, da) != NULL;
}

static void test_table(void)
{
	const char *text = "p a tcp 80 @hq 10.0.0.5,fd00::5\n";
	struct addrset_cache c = { 0 };
	struct flowlist fl = { 0 };
	struct flowlist_error err;
	struct epg_table *t = NULL;
	char msg[128];
	int ret;

	ret = flowlist_parse_sets(text, strlen(text), &fl, &err,
				  addrset_lookup, &c);
	if (!ret)
		ret = flowtable_build(&fl, &t, msg, sizeof(msg));
	ok(!ret && match(t, "10.1.2.3", "10.0.0.5") &&
	   match(t, "fd00:1::9", "fd00::5") &&
	   !match(t, "10.2.0.1", "10.0.0.5") &&
	   !match(t, "10.1.2.3", "10.0.0.6") &&
	   !match(t, "fd00:2::9", "fd00::5"),
	   "the table: inside each prefix allowed, just outside not, both families");
	if (t)
		epg_table_free(t);
	flowlist_free(&fl);
	addrset_cache_free(&c);
}

/* 10,000 prefixes in one role: read, bound and built well under a second. */
static void test_big(void)
{
	struct profile_binding b[1];
	struct addrset_cache c = { 0 };
	struct timespec t0, t1;
	struct flowlist_prefix p = { .family = AF_INET, .len = 24 };
	char err[256], line[32];
	size_t n = 0, i;
	char *text = malloc(10000 * 20);
	size_t len = 0;
	double secs;
	int ret;

	for (i = 0; i < 10000; i++)
		len += sprintf(text + len, "10.%zu.%zu.0/24\n", i / 256, i % 256);
	put_file("big.set", text);
	free(text);
	(void)p;
	(void)line;
	memset(b, 0, sizeof(b));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = profile_binding_add(b, &n, 1, "agent=@big", addrset_lookup, &c,
				  err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ok(!ret && b[0].set.n == 10000 && secs < 0.5,
	   "10,000 prefixes from a set file in %.3f s", secs);
	profile_bindings_free(b, n);
	addrset_cache_free(&c);
}

int main(void)
{
	char path[256];

	tap_plan(51);
	snprintf(dir, sizeof(dir), "/tmp/epgate-sets-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	setenv("EPGATE_SETS_DIR", dir, 1);
	setenv("EPGATE_PROFILE_PATH", "../profiles", 1);
	put_file("hq.set", "10.1.0.0/16\nfd00:1::/48\n");
	put_file("empty.set", "# later\n");
	put_file("broken.set", "10.0.0.0/24\n\n10.0.0.1/24\n");
	put_file("dns.set", "also.vendor.test\ngone.vendor.test\n");

	test_parse();
	test_load();
	test_bindings();
	test_hostnames();
	test_flowlist();
	test_save();
	test_messages();
	test_table();
	test_big();

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path))
		return 1;
	return tap_exit();
}
