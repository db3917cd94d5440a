// SPDX-License-Identifier: GPL-2.0
/*
 * `epgate save` / `epgate restore`: the file parser (every error with its
 * line), and the round trip: a state written by save_write() parses back
 * to the same flow set, user data and configuration; `host` lines: a
 * hostname-bound profile saved as its arguments with the names state's
 * addresses, parsed back without DNS, seeded into a names state, saved
 * again to the same bytes; older files restore as before.  The shipped
 * profiles are loaded from ../profiles.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/epgate.h>

#include <arpa/inet.h>

#include "names.h"
#include "save.h"
#include "sha256.h"
#include "tap.h"

const char *prog = "epgate";

static const char good[] =
	"# a comment\n"
	"mode enforce   # trailing comment\n"
	"\n"
	"config hooks forward,input in g0,g2 out any mark 0x100/0xff00 log kernel,nflog 5 priority -20 other drop\n"
	"enable kaspersky server=10.0.2.2 --with legacy,hierarchy --monitor\n"
	"flow custom web tcp 80,8000-8999 any any\n"
	"\tenable eset\n"
	"flow custom dns udp 53 fd00:1::/64 fd00::1 \n";

/* The hand-written texts below have no trailer. */
static int parse(const char *buf, struct saveconf *sc, char *err)
{
	return save_parse("test.conf", buf, strlen(buf), SAVE_UNCHECKED, sc,
			  err, 512);
}

static void test_good(void)
{
	struct saveconf sc;
	char err[512];
	int ret, k, e;

	ret = parse(good, &sc, err);
	if (!ok(ret == 0, "a good file parses")) {
		printf("#   %s\n", err);
		return;
	}
	ok(sc.cfg.set == (CONFIG_MODE | CONFIG_HOOKS | CONFIG_IN | CONFIG_OUT |
			  CONFIG_MARK | CONFIG_LOG | CONFIG_PRIORITY |
			  CONFIG_OTHER) &&
	   sc.cfg.mode == EPGATE_MODE_ENFORCE &&
	   sc.cfg.hooks == (EPGATE_HOOK_FORWARD | EPGATE_HOOK_INPUT) &&
	   sc.cfg.nin == 2 && !strcmp(sc.cfg.in[1], "g2") && sc.cfg.nout == 0 &&
	   sc.cfg.mark_value == 0x100 && sc.cfg.mark_mask == 0xff00 &&
	   sc.cfg.log_flags == EPGATE_LOG_ALL && sc.cfg.log_group == 5 &&
	   sc.cfg.priority == -20 && sc.cfg.other == EPGATE_OTHER_DROP,
	   "mode and config: every setting");
	k = flowset_profile_index(&sc.fs, "kaspersky");
	e = flowset_profile_index(&sc.fs, "eset");
	ok(sc.fs.nprofiles == 3 && k == 0 &&
	   flowset_profile_index(&sc.fs, "custom") == 1 && e == 2,
	   "three profiles in file order");
	ok(k == 0 && sc.fs.profiles[0].mode == EPGATE_MODE_MONITOR &&
	   !strcmp(sc.fs.profiles[0].userdata,
		   "server=10.0.2.2 --with legacy --with hierarchy --monitor") &&
	   sc.fs.profiles[0].udlen == strlen(sc.fs.profiles[0].userdata),
	   "kaspersky: monitor, user data as `epgate enable` stores it: '%s'",
	   k == 0 ? sc.fs.profiles[0].userdata : "");
	ok(sc.fs.profiles[1].udlen == 0 && sc.fs.profiles[1].nflows == 2 &&
	   sc.fs.profiles[1].mode == EPGATE_MODE_ENFORCE,
	   "custom: two flows, no user data");
	ok(e == 2 && sc.fs.profiles[2].udlen == 0 &&
	   sc.fs.profiles[2].nflows > 0, "eset: default flows, no user data");
	ok(sc.fs.fl.n == sc.fs.profiles[0].nflows + 2 + sc.fs.profiles[2].nflows &&
	   !strcmp(sc.fs.fl.flows[sc.fs.profiles[0].nflows].name, "web") &&
	   !strcmp(sc.fs.fl.flows[sc.fs.fl.n - 1].name, "dns") &&
	   !strcmp(sc.fs.fl.flows[sc.fs.fl.n - 1].profile, "custom") &&
	   sc.fs.fl.flows[sc.fs.fl.n - 1].to.family == AF_INET6,
	   "the flows in file order: kaspersky, web, eset, dns");
	save_free(&sc);
}

static void expect_error(const char *buf, const char *msg)
{
	struct saveconf sc;
	char err[512];
	int ret = parse(buf, &sc, err);

	ok(ret == -EINVAL && !strcmp(err, msg), "error: %s", err);
	if (ret != -EINVAL || strcmp(err, msg))
		printf("#   expected: %s\n", msg);
	if (!ret)
		save_free(&sc);
	ok(sc.fs.nprofiles == 0 && sc.fs.fl.n == 0 && !sc.cfg.set &&
	   !sc.nhosts && !sc.hosts, "  nothing returned");
}

static void test_errors(void)
{
	expect_error("mode enforce\nfrobnicate now\n",
		     "test.conf:2: unknown statement 'frobnicate' (mode, config, set, host, enable, flow)");
	expect_error("mode enforce\n\nmode off\n",
		     "test.conf:3: mode given twice (first on line 1)");
	expect_error("mode enforcing\n",
		     "test.conf:1: mode: expected off, monitor or enforce");
	expect_error("config hooks forward\nconfig mark none\n",
		     "test.conf:2: config given twice (first on line 1)");
	expect_error("config hooks sideways\n",
		     "test.conf:1: config: unknown hook 'sideways' (forward, input, output)");
	expect_error("config\n",
		     "test.conf:1: config: expected settings (hooks, in, out, mark, log, priority, other)");
	expect_error("enable nosuch\n",
		     "test.conf:1: enable: unknown profile 'nosuch' (searched: ../profiles, /etc/epgate/profiles.d, /usr/share/epgate/profiles)");
	expect_error("enable\n", "test.conf:1: enable: missing profile name");
	expect_error("# x\nenable kaspersky bogus=10.0.0.1\n",
		     "test.conf:2: enable: no role 'bogus' in profile kaspersky");
	expect_error("enable kaspersky --with nope\n",
		     "test.conf:1: enable: no option 'nope' in profile kaspersky");
	expect_error("enable kaspersky --with\n",
		     "test.conf:1: enable: missing option after --with");
	expect_error("enable kaspersky server=10.0.0.300\n",
		     "test.conf:1: enable: server=10.0.0.300: bad address '10.0.0.300' (any, ADDR or ADDR/LEN)");
	expect_error("enable kaspersky server=any\n",
		     "test.conf:1: enable: server=any: bind a role to an address or prefix; leave it out to match any address");
	expect_error("enable kaspersky server=10.0.0.1 server=ksc.corp.example\n",
		     "test.conf:1: enable: server=ksc.corp.example: ksc.corp.example: no `host` line gives its addresses (DNS is not asked here)");
	expect_error("enable kaspersky eset\n",
		     "test.conf:1: enable: unexpected 'eset' (one profile per enable line)");
	expect_error("enable kaspersky --fast\n",
		     "test.conf:1: enable: unknown option '--fast'");
	expect_error("enable kaspersky\nmode off\nenable kaspersky --monitor\n",
		     "test.conf:3: profile 'kaspersky' enabled twice (first on line 1)");
	expect_error("mode off\nflow custom web tcp 80 any\n",
		     "test.conf:2: flow: missing to (any, ADDR/LEN[,...] or @SET) after 'any'");
	expect_error("flow custom web sctp 80 any any\n",
		     "test.conf:1: flow: unknown protocol 'sctp' (tcp or udp)");
	expect_error("flow c a tcp 80 any any\nflow c a tcp 81 any any\n",
		     "test.conf:2: flow: duplicate flow 'a' of profile 'c' (first on line 1)");
	expect_error("enable eset\nflow eset web tcp 80 any any\n",
		     "test.conf:2: profile 'eset' is both enabled (line 1) and given as flows (line 2)");
	expect_error("mode off\x01\n",
		     "test.conf:1: invalid byte 0x01 in column 9");
	expect_error("\xef\xbb\xbfmode off\n",
		     "test.conf:1: the file starts with a UTF-8 byte order mark (BOM, bytes EF BB BF): save it as UTF-8 without BOM");
	/* An error late in the file: nothing of the good lines is kept. */
	expect_error("mode enforce\nenable eset\nflow c a tcp 80 any any\nconfig log loud\n",
		     "test.conf:4: config: unknown log target 'loud' (off, kernel, nflog)");
}

static bool same_flow(const struct flowlist_flow *x,
		      const struct flowlist_flow *y)
{
	return !strcmp(x->profile, y->profile) && !strcmp(x->name, y->name) &&
	       x->proto == y->proto && x->mode == y->mode &&
	       x->nranges == y->nranges &&
	       !memcmp(x->ranges, y->ranges, x->nranges * sizeof(x->ranges[0])) &&
	       !memcmp(&x->from, &y->from, sizeof(x->from)) &&
	       !memcmp(&x->to, &y->to, sizeof(x->to));
}

/*
 * The same profiles in the same order, each with the same flows in the
 * same order (save writes a profile's flows together).
 */
static bool same_flows(const struct flowset *a, const struct flowset *b)
{
	size_t i, ia, ib;

	if (a->fl.n != b->fl.n || a->nprofiles != b->nprofiles)
		return false;
	for (i = 0; i < a->nprofiles; i++) {
		const char *name = a->profiles[i].name;

		if (strcmp(name, b->profiles[i].name) ||
		    a->profiles[i].mode != b->profiles[i].mode ||
		    a->profiles[i].udlen != b->profiles[i].udlen ||
		    strcmp(a->profiles[i].userdata, b->profiles[i].userdata))
			return false;
		for (ia = 0, ib = 0;; ia++, ib++) {
			while (ia < a->fl.n && strcmp(a->fl.flows[ia].profile, name))
				ia++;
			while (ib < b->fl.n && strcmp(b->fl.flows[ib].profile, name))
				ib++;
			if (ia == a->fl.n || ib == b->fl.n)
				break;
			if (!same_flow(&a->fl.flows[ia], &b->fl.flows[ib]))
				return false;
		}
		if (ia != a->fl.n || ib != b->fl.n)
			return false;
	}
	return true;
}

static void test_round_trip(void)
{
	struct saveconf sc, back;
	struct epgate_status st;
	char err[512], *text = NULL;
	size_t len;
	FILE *f;
	int ret;

	if (parse(good, &sc, err)) {
		ok(0, "round trip: %s", err);
		return;
	}
	memset(&st, 0, sizeof(st));
	st.mode = sc.cfg.mode;
	st.hooks = sc.cfg.hooks;
	st.mark_value = sc.cfg.mark_value;
	st.mark_mask = sc.cfg.mark_mask;
	st.log_flags = sc.cfg.log_flags;
	st.log_group = sc.cfg.log_group;
	st.priority = sc.cfg.priority;
	st.other = sc.cfg.other;
	st.nin = sc.cfg.nin;
	memcpy(st.in, sc.cfg.in, sizeof(st.in));
	/* The module dumps flows from profile files as they were compiled. */
	f = open_memstream(&text, &len);
	ret = save_write(f, &st, &sc.fs, NULL, stderr);
	fclose(f);
	ok(!ret && strstr(text, "\nmode enforce\n") &&
	   strstr(text, "\nconfig hooks forward,input in g0,g2 out any mark 0x100/0xff00 log kernel,nflog 5 priority -20 other drop\n") &&
	   strstr(text, "\nenable kaspersky server=10.0.2.2 --with legacy --with hierarchy --monitor\n") &&
	   strstr(text, "\nenable eset\n") &&
	   strstr(text, "\nflow custom web tcp 80,8000-8999 any any\n") &&
	   strstr(text, "\nflow custom dns udp 53 fd00:1::/64 fd00::1/128\n"),
	   "save: enable lines for profile files, flow lines for the rest");
	ret = save_parse("test.conf", text, len, 0, &back, err, sizeof(err));
	ok(!ret, "the saved text parses, trailer checked");
	if (ret) {
		printf("#   %s\n%s", err, text);
	} else {
		ok(same_flows(&sc.fs, &back.fs),
		   "round trip: the same flows, profiles, modes and user data");
		ok(!memcmp(&sc.cfg, &back.cfg, sizeof(sc.cfg)),
		   "round trip: the same mode and config");
		save_free(&back);
	}
	free(text);

	/* A profile whose flows no longer match its file: saved as flows. */
	sc.fs.fl.flows[0].ranges[0].lo = 13001;
	sc.fs.fl.flows[0].ranges[0].hi = 13001;
	f = open_memstream(&text, &len);
	ret = save_write(f, &st, &sc.fs, NULL, NULL);
	fclose(f);
	ok(!ret && !strstr(text, "enable kaspersky") &&
	   strstr(text, "\n# kaspersky: its profile file now gives other flows\n") &&
	   strstr(text, "\nflow kaspersky agent-server tcp 13001 any 10.0.2.2/32 monitor\n"),
	   "save: a profile that differs from its file is kept as flows");
	free(text);
	save_free(&sc);
}

/* `host` lines: every refusal, one line with its line number. */
static void test_host_errors(void)
{
	char many[64 * 40 + 64];
	size_t off = 0;
	int i;

	expect_error("host ksc.corp.example\n",
		     "test.conf:1: host: expected `host HOSTNAME ADDRESS`");
	expect_error("mode off\nhost ksc.corp.example 10.0.0.1 10.0.0.2\n",
		     "test.conf:2: host: expected `host HOSTNAME ADDRESS`");
	expect_error("host ksc 10.0.0.1\n",
		     "test.conf:1: host: 'ksc': not a hostname: not a fully qualified name (no dot) (at byte 1)");
	expect_error("host 10.0.0.1 10.0.0.1\n",
		     "test.conf:1: host: '10.0.0.1': not a hostname: an IPv4 address, not a hostname (at byte 1)");
	expect_error("host ksc.corp.example. 10.0.0.1\n",
		     "test.conf:1: host: 'ksc.corp.example.': not a hostname: trailing dot (write the name without it) (at byte 17)");
	expect_error("host ksc.corp.example 10.0.0.300\n",
		     "test.conf:1: host ksc.corp.example: bad address '10.0.0.300' (any, ADDR or ADDR/LEN)");
	expect_error("host KSC.corp.example 10.0.0.0/24\n",
		     "test.conf:1: host ksc.corp.example: '10.0.0.0/24' is a prefix, not an address (one address a line)");
	expect_error("host ksc.corp.example any\n",
		     "test.conf:1: host ksc.corp.example: 'any' is not an address");
	expect_error("host ksc.corp.example other.corp.example\n",
		     "test.conf:1: host ksc.corp.example: 'other.corp.example': hostnames are not supported here (give its addresses)");
	expect_error("host ksc.corp.example\x01 10.0.0.1\n",
		     "test.conf:1: invalid byte 0x01 in column 22");
	for (i = 0; i <= NAMES_ADDRS_MAX; i++)
		off += snprintf(many + off, sizeof(many) - off,
				"host ksc.corp.example 10.0.%d.%d\n", i / 200,
				i % 200 + 1);
	expect_error(many,
		     "test.conf:65: host ksc.corp.example: more than 64 addresses (the most a name has in force)");
	/* A host line late in the file: nothing of the good lines is kept. */
	expect_error("mode enforce\nhost ksc.corp.example 10.0.2.2\nenable kaspersky server=ksc.corp.example\nhost b.example 1.2.3\n",
		     "test.conf:4: host b.example: bad address '1.2.3' (any, ADDR or ADDR/LEN)");
	/* An enable line's hostname needs its host lines: DNS is not asked. */
	expect_error("host ksc.corp.example 10.0.2.2\nenable kaspersky server=ksc.corp.example agent=agents.corp.example\n",
		     "test.conf:2: enable: agent=agents.corp.example: agents.corp.example: no `host` line gives its addresses (DNS is not asked here)");
	/* flow lines (profiles without a file) take no hostnames, as `load`. */
	expect_error("host ksc.corp.example 10.0.2.2\nflow c a tcp 80 any ksc.corp.example\n",
		     "test.conf:2: flow: 'ksc.corp.example': hostnames are not supported here (give its addresses)");
}

/* The addresses of @f's TO role, as "a b c". */
static const char *to_str(const struct flowlist *l, const struct flowlist_flow *f)
{
	static char out[512];
	const struct flowlist_set *set = flowlist_set_of(l, f->to_set);
	char buf[64];
	size_t off = 0;
	uint32_t i;

	out[0] = '\0';
	for (i = 0; set && i < set->n; i++)
		off += snprintf(out + off, sizeof(out) - off, "%s%s", i ? " " : "",
				flowlist_prefix_str(&set->prefixes[i], buf,
						    sizeof(buf)));
	return out;
}

static char *write_text(const struct flowset *fs, const struct names *ns,
			size_t *len)
{
	struct epgate_status st;
	char *text = NULL;
	FILE *f;

	memset(&st, 0, sizeof(st));
	st.mode = EPGATE_MODE_ENFORCE;
	st.hooks = EPGATE_HOOK_FORWARD;
	f = open_memstream(&text, len);
	if (save_write(f, &st, fs, ns, NULL)) {
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	return text;
}

static const char hosts_file[] =
	"host unused.corp.example 10.9.9.9\n"
	"host KSC.corp.example fd00::2\n"
	"enable kaspersky server=KSC.Corp.Example,10.0.0.9 agent=10.0.1.0/24 --with legacy\n"
	"host ksc.corp.example 10.0.2.2\n"
	"host ksc.corp.example 10.0.2.2/32\n"
	"enable eset\n";

/*
 * A hostname-bound profile: parsed from `host` lines, saved as its
 * arguments with the names state's addresses, and back.
 */
static void test_hosts(void)
{
	struct saveconf sc, back, again;
	const struct flowlist_flow *f = NULL;
	struct names ns;
	char err[512], *text, *text2, path[256];
	size_t len, len2, i;
	int ret;

	ret = parse(hosts_file, &sc, err);
	if (!ok(ret == 0, "host lines and a hostname in an enable line parse")) {
		printf("#   %s\n", err);
		return;
	}
	for (i = 0; i < sc.fs.fl.n; i++) {
		if (!strcmp(sc.fs.fl.flows[i].profile, "kaspersky") &&
		    !strcmp(sc.fs.fl.flows[i].name, "agent-server"))
			f = &sc.fs.fl.flows[i];
	}
	ok(f && !strcmp(to_str(&sc.fs.fl, f), "10.0.2.2/32 fd00::2/128 10.0.0.9/32"),
	   "the role holds the name's saved addresses and the literal (%s)",
	   f ? to_str(&sc.fs.fl, f) : "no flow");
	ok(!strcmp(sc.fs.profiles[0].userdata,
		   "server=KSC.Corp.Example,10.0.0.9 agent=10.0.1.0/24 --with legacy"),
	   "the profile keeps its arguments, the hostname as typed: '%s'",
	   sc.fs.profiles[0].userdata);
	ok(sc.nhosts == 2 && !strcmp(sc.hosts[0].name, "ksc.corp.example") &&
	   sc.hosts[0].used && sc.hosts[0].addrs.n == 2 && sc.hosts[0].line == 2 &&
	   !strcmp(sc.hosts[1].name, "unused.corp.example") && !sc.hosts[1].used,
	   "hosts: in name order, lower case, lines added up, duplicates one, used marked");

	/* The names state a restore leaves: the used names seeded. */
	names_init(&ns, NULL);
	ret = save_seed_names(&sc, &ns, 1700000000, err, sizeof(err));
	ok(!ret && ns.n == 1 && !strcmp(ns.v[0].name, "ksc.corp.example") &&
	   ns.v[0].naddrs == 2 && names_stale(&ns.v[0], 1700000000),
	   "seed: the used name only, its two addresses, stale (%s)",
	   ret ? err : "ok");

	text = write_text(&sc.fs, &ns, &len);
	ok(text && strstr(text, "\n# host ksc.corp.example: 2 addresses\nhost ksc.corp.example 10.0.2.2\nhost ksc.corp.example fd00::2\nenable kaspersky server=KSC.Corp.Example,10.0.0.9 agent=10.0.1.0/24 --with legacy\nenable eset\n") &&
	   !strstr(text, "unused") && !strstr(text, "\nflow "),
	   "save: host lines before the enable lines, the arguments kept");
	ret = text ? save_parse("test.conf", text, len, 0, &back, err, sizeof(err)) : -1;
	ok(!ret, "the saved text parses, trailer checked (%s)", ret ? err : "ok");
	if (!ret) {
		ok(same_flows(&sc.fs, &back.fs),
		   "round trip: the same flows, profiles and user data");
		names_free(&ns);
		names_init(&ns, NULL);
		save_seed_names(&back, &ns, 1700000100, err, sizeof(err));
		text2 = write_text(&back.fs, &ns, &len2);
		ok(text2 && len2 == len && !memcmp(text, text2, len),
		   "saved again after the restore: the same bytes");
		free(text2);
		save_free(&back);
	} else {
		ok(0, "round trip");
		ok(0, "saved again");
		printf("%s", text ? text : "");
	}
	free(text);

	/*
	 * The module keeps an address past its leaving deadline until a
	 * refresh takes it out: save takes every address the state holds.
	 */
	names_free(&ns);
	names_init(&ns, NULL);
	{
		struct names_addr a = { .family = AF_INET };
		struct resolve_answer ans = { .status = RESOLVE_OK, .naddrs = 1 };
		struct resolve_addr ra = { .family = AF_INET6, .ttl = 60 };

		inet_pton(AF_INET, "10.0.2.2", a.addr);
		inet_pton(AF_INET6, "fd00::2", ra.addr);
		ans.addrs = &ra;
		names_seed(&ns, "ksc.corp.example", &a, 1, 1700000000);
		names_apply(&ns, "ksc.corp.example", &ans, 1700000001);
	}
	text = write_text(&sc.fs, &ns, &len);
	ok(text && strstr(text, "\nhost ksc.corp.example 10.0.2.2\nhost ksc.corp.example fd00::2\nenable kaspersky "),
	   "save: a leaving address is saved (the module still has it)");
	free(text);

	/* Addresses the module does not have: saved as its flows, saying why. */
	names_free(&ns);
	names_init(&ns, NULL);
	{
		struct names_addr a = { .family = AF_INET };

		inet_pton(AF_INET, "10.0.2.7", a.addr);
		names_seed(&ns, "ksc.corp.example", &a, 1, 1700000000);
	}
	snprintf(path, sizeof(path), "%s/names.state", getenv("EPGATE_RUN_DIR"));
	text = write_text(&sc.fs, &ns, &len);
	snprintf(err, sizeof(err),
		 "\n# kaspersky: its hostnames' addresses in the names state file (%s) are not those the module has: saved as today's addresses (enable it again after restore to follow DNS)\nflow kaspersky ",
		 path);
	ok(text && strstr(text, err) && !strstr(text, "\nhost ") &&
	   strstr(text, "\nenable eset\n"),
	   "save: other addresses in the state: flows, no host line, the reason");
	free(text);
	text = write_text(&sc.fs, NULL, &len);
	snprintf(err, sizeof(err),
		 "\n# kaspersky: its hostname ksc.corp.example has no addresses in the names state file (%s): saved as today's addresses (enable it again after restore to follow DNS)\nflow kaspersky ",
		 path);
	ok(text && strstr(text, err) && !strstr(text, "\nhost "),
	   "save: no names state: flows, the reason");
	ret = text ? save_parse("test.conf", text, len, 0, &again, err, sizeof(err)) : -1;
	ok(!ret && again.fs.fl.n == sc.fs.fl.n && !again.fs.profiles[0].udlen &&
	   !again.nhosts, "... which restores the same flows, without arguments");
	if (!ret)
		save_free(&again);
	free(text);
	names_free(&ns);
	save_free(&sc);
}

/*
 * A file an older epgate saved (no `host` lines; a hostname-bound
 * profile as its flows) restores as it always did.
 */
static void test_old_format(void)
{
	static const char body[] =
		"# epgate configuration: `epgate restore` applies it (`epgate save` wrote it).\n"
		"\n"
		"mode enforce\n"
		"config hooks forward in any out any mark none log off priority 0 other accept\n"
		"# set agents: 2 prefixes\n"
		"set agents 10.0.1.2/32\n"
		"set agents fd00:1::/64\n"
		"# kaspersky: its arguments name hostnames: saved as today's addresses (enable it again after restore to follow DNS)\n"
		"flow kaspersky agent-server tcp 13000 @agents 10.0.2.3/32,fd00:2::2/128\n"
		"enable eset\n";
	char hex[2 * SHA256_DIGEST_LEN + 1], text[sizeof(body) + 128], err[512];
	struct saveconf sc;
	int ret, k;

	sha256_hex(body, strlen(body), hex);
	snprintf(text, sizeof(text), "%s%s%s\n", body, SAVE_TRAILER, hex);
	ret = save_parse("old.conf", text, strlen(text), 0, &sc, err, sizeof(err));
	k = ret ? -1 : flowset_profile_index(&sc.fs, "kaspersky");
	ok(!ret && k == 0 && !sc.fs.profiles[0].udlen &&
	   sc.fs.profiles[0].nflows == 1 && !sc.nhosts &&
	   flowset_profile_index(&sc.fs, "eset") == 1,
	   "an older file: the hostname-bound profile restores as its flows (%s)",
	   ret ? err : "ok");
	if (!ret)
		save_free(&sc);
}

/* FIPS 180-4's examples: one block, two blocks, and the empty message. */
static void test_sha256(void)
{
	char hex[2 * SHA256_DIGEST_LEN + 1];
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	sha256_hex("abc", 3, hex);
	ok(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
	   "sha256(\"abc\")");
	sha256_hex(two, strlen(two), hex);
	ok(!strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
	   "sha256 of the two-block example");
	sha256_hex("", 0, hex);
	ok(!strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
	   "sha256 of nothing");
}

/* save_write() of the state of @good: a real save file, trailer included. */
static char *saved_text(size_t *len, struct saveconf *sc)
{
	struct epgate_status st;
	char err[512], *text = NULL;
	FILE *f;

	if (parse(good, sc, err))
		return NULL;
	memset(&st, 0, sizeof(st));
	st.mode = sc->cfg.mode;
	st.hooks = sc->cfg.hooks;
	st.mark_value = sc->cfg.mark_value;
	st.mark_mask = sc->cfg.mark_mask;
	st.log_flags = sc->cfg.log_flags;
	st.log_group = sc->cfg.log_group;
	st.priority = sc->cfg.priority;
	st.other = sc->cfg.other;
	st.nin = sc->cfg.nin;
	memcpy(st.in, sc->cfg.in, sizeof(st.in));
	f = open_memstream(&text, len);
	if (save_write(f, &st, &sc->fs, NULL, NULL)) {
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	return text;
}

static bool same_flows(const struct flowset *a, const struct flowset *b);

/*
 * One variant of the saved file: it parses to exactly @want, or it is
 * refused as truncated or modified with nothing returned.  1: parsed,
 * 0: refused, -1: anything else (a failure).
 */
static int variant(const char *buf, size_t len, const struct saveconf *want)
{
	static const char refused[] = "test.conf: truncated or modified; ";
	struct saveconf sc;
	char err[512];
	int ret;

	ret = save_parse("test.conf", buf, len, 0, &sc, err, sizeof(err));
	if (!ret) {
		ret = same_flows(&sc.fs, &want->fs) &&
		      !memcmp(&sc.cfg, &want->cfg, sizeof(sc.cfg)) ? 1 : -1;
		save_free(&sc);
		return ret;
	}
	if (ret == -EINVAL && !strncmp(err, refused, sizeof(refused) - 1) &&
	    !strchr(err, '\n') && !sc.fs.nprofiles && !sc.fs.fl.n &&
	    !sc.cfg.set)
		return 0;
	printf("#   unexpected: %d %s\n", ret, err);
	return -1;
}

/*
 * The file cut at every byte offset, and every single bit of every byte
 * flipped: only the file as written parses, and to the policy it holds.
 */
static void test_damage(void)
{
	struct saveconf want;
	size_t len, k, bad = 0, parsed = 0, refused = 0;
	char *text, *copy;
	unsigned int bit;
	int r;

	text = saved_text(&len, &want);
	if (!ok(text != NULL, "a real save file (%zu bytes)", len))
		return;
	copy = malloc(len);
	ok(strstr(text, "\n" SAVE_TRAILER) && text[len - 1] == '\n',
	   "it ends with the trailer");
	r = variant(text, len, &want);
	ok(r == 1, "as written: parses to the saved policy");
	for (k = 0; k < len; k++) {
		memcpy(copy, text, k);
		r = variant(copy, k, &want);
		parsed += r == 1;
		refused += r == 0;
		if (r < 0 && bad++ < 5)
			printf("#   cut at %zu\n", k);
	}
	ok(!bad && refused == len,
	   "cut at each of %zu offsets: all refused (%zu), none parsed (%zu), nothing else (%zu)",
	   len, refused, parsed, bad);
	bad = parsed = refused = 0;
	for (k = 0; k < len; k++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(copy, text, len);
			copy[k] ^= 1 << bit;
			r = variant(copy, len, &want);
			parsed += r == 1;
			refused += r == 0;
			if (r < 0 && bad++ < 5)
				printf("#   bit %u of byte %zu\n", bit, k);
		}
	}
	ok(!bad && refused == 8 * len,
	   "each bit of each byte flipped: all %zu refused (parsed %zu, else %zu)",
	   refused, parsed, bad);
	/* A line added after the trailer, and the trailer doubled. */
	copy = realloc(copy, len + 64);
	memcpy(copy, text, len);
	memcpy(copy + len, "mode off\n", 9);
	ok(variant(copy, len + 9, &want) == 0, "a line after the trailer: refused");
	free(copy);
	free(text);
	save_free(&want);
}

static void expect_refused(const char *buf, unsigned int flags,
			   const char *msg)
{
	struct saveconf sc;
	char err[512];
	int ret = save_parse("test.conf", buf, strlen(buf), flags, &sc, err,
			     sizeof(err));

	ok(ret == -EINVAL && !strcmp(err, msg), "refused: %s", err);
	if (ret != -EINVAL || strcmp(err, msg))
		printf("#   expected: %s\n", msg);
	if (!ret)
		save_free(&sc);
}

static void test_trailer_messages(void)
{
	struct saveconf sc;
	char err[512];
	int ret;

	expect_refused("", 0, "test.conf: truncated or modified; the file is empty");
	expect_refused("", SAVE_UNCHECKED,
		       "test.conf: truncated or modified; the file is empty");
	expect_refused("mode off\n", 0,
		       "test.conf: truncated or modified; its last line is not the `# epgate-save v1 sha256=...` trailer that `epgate save` writes (a hand-written file needs --unchecked)");
	expect_refused("mode off", 0,
		       "test.conf: truncated or modified; its last line has no newline, so no `# epgate-save v1 sha256=...` trailer ends it (a hand-written file needs --unchecked)");
	expect_refused("mode off\n# epgate-save v2 md5=00\n", 0,
		       "test.conf: truncated or modified; its trailer is not `# epgate-save v1 sha256=<64 hex digits>`");
	expect_refused("mode off\n# epgate-save v1 sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n", 0,
		       "test.conf: truncated or modified; the SHA-256 of its first 9 bytes does not match its trailer");
	/* sha256("mode off\n"), as `printf 'mode off\n' | sha256sum` says. */
	ret = save_parse("test.conf",
			 "mode off\n# epgate-save v1 sha256=be6bdf22bc51076508712025222e88a4359852d7185a97ad4f8da413fbd12b24\n",
			 strlen("mode off\n# epgate-save v1 sha256=be6bdf22bc51076508712025222e88a4359852d7185a97ad4f8da413fbd12b24\n"),
			 0, &sc, err, sizeof(err));
	ok(!ret && sc.cfg.set == CONFIG_MODE && sc.cfg.mode == EPGATE_MODE_OFF,
	   "a trailer written by hand (sha256sum) is accepted: %s", ret ? err : "ok");
	if (!ret)
		save_free(&sc);
}

int main(void)
{
	setenv("EPGATE_PROFILE_PATH", "../profiles", 1);
	setenv("EPGATE_RUN_DIR", "/nonexistent/epgate-test", 1);
	tap_plan(7 + 24 * 2 + 6 + 3 + 6 + 7 + 14 * 2 + 12 + 1);
	test_good();
	test_errors();
	test_host_errors();
	test_hosts();
	test_old_format();
	test_round_trip();
	test_sha256();
	test_damage();
	test_trailer_messages();
	return tap_exit();
}
