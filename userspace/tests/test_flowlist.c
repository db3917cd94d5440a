// SPDX-License-Identifier: GPL-2.0
/*
 * The flow-list parser of `epgate load`: exact values of a good list, and
 * every error with its line, column and message.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "flowlist.h"
#include "tap.h"

static const char good[] =
	"# profile   flow           proto  ports               from          to              [monitor]\n"
	"kaspersky   agent-server   tcp    13000,14000-14001   any           10.0.0.5/32\n"
	"kaspersky   push           udp    15000               10.0.0.5      any\n"
	"eset        console        tcp    2223                any           fd00:2::2/128   monitor\n"
	"\n"
	"eset\tupdate\tudp\t1,65535\t10.1.0.0/16\t10.2.3.0/24 monitor # trailing comment\r\n"
	"   # an indented comment\n"
	"trend_micro-9 dsm-1 tcp 4119-4120 ::/0 fd00::/8 enforce\n"
	"eset        bare6          udp    53                  2001:db8::1   any           monitor";

static int prefix_is(const struct flowlist_prefix *p, int family,
		     const char *addr, unsigned int len)
{
	uint8_t want[16] = { 0 };

	if (family && inet_pton(family, addr, want) != 1)
		return 0;
	return p->family == family && p->len == len &&
	       !memcmp(p->addr, want, sizeof(want));
}

static void test_good(void)
{
	struct flowlist fl = { 0 };
	struct flowlist_error err;
	const struct flowlist_flow *f;
	int ret;

	ret = flowlist_parse(good, strlen(good), &fl, &err);
	ok(ret == 0 && fl.n == 6, "good list: 6 flows (ret %d, n %zu, %u:%u: %s)",
	   ret, fl.n, err.line, err.col, err.msg);
	if (fl.n != 6) {
		flowlist_free(&fl);
		return;
	}

	f = &fl.flows[0];
	ok(!strcmp(f->profile, "kaspersky") &&
	   !strcmp(f->name, "agent-server") && f->proto == IPPROTO_TCP &&
	   f->mode == EPGATE_MODE_ENFORCE && f->line == 2,
	   "flow 1: names, tcp, enforce by default, line 2");
	ok(f->nranges == 2 && f->ranges[0].lo == 13000 &&
	   f->ranges[0].hi == 13000 && f->ranges[1].lo == 14000 &&
	   f->ranges[1].hi == 14001,
	   "flow 1: ports 13000 and 14000-14001");
	ok(prefix_is(&f->from, 0, NULL, 0) &&
	   prefix_is(&f->to, AF_INET, "10.0.0.5", 32),
	   "flow 1: from any, to 10.0.0.5/32");
	ok(f->to.addr[0] == 10 && f->to.addr[1] == 0 && f->to.addr[2] == 0 &&
	   f->to.addr[3] == 5, "flow 1: the address is in network order");

	f = &fl.flows[1];
	ok(f->proto == IPPROTO_UDP && f->nranges == 1 &&
	   f->ranges[0].lo == 15000 && f->ranges[0].hi == 15000 &&
	   prefix_is(&f->from, AF_INET, "10.0.0.5", 32) &&
	   prefix_is(&f->to, 0, NULL, 0),
	   "flow 2: udp 15000, a bare IPv4 address is a /32");

	f = &fl.flows[2];
	ok(!strcmp(f->profile, "eset") && f->mode == EPGATE_MODE_MONITOR &&
	   prefix_is(&f->to, AF_INET6, "fd00:2::2", 128) &&
	   f->to.addr[0] == 0xfd && f->to.addr[1] == 0x00 &&
	   f->to.addr[2] == 0x00 && f->to.addr[3] == 0x02 &&
	   f->to.addr[15] == 0x02,
	   "flow 3: monitor, IPv6 /128 in network order");

	f = &fl.flows[3];
	ok(!strcmp(f->name, "update") && f->line == 6 && f->nranges == 2 &&
	   f->ranges[0].lo == 1 && f->ranges[0].hi == 1 &&
	   f->ranges[1].lo == 65535 && f->ranges[1].hi == 65535 &&
	   prefix_is(&f->from, AF_INET, "10.1.0.0", 16) &&
	   prefix_is(&f->to, AF_INET, "10.2.3.0", 24) &&
	   f->mode == EPGATE_MODE_MONITOR,
	   "flow 4: tabs, CRLF and a comment; ports 1 and 65535; /16 and /24");

	f = &fl.flows[4];
	ok(!strcmp(f->profile, "trend_micro-9") && !strcmp(f->name, "dsm-1") &&
	   f->ranges[0].lo == 4119 && f->ranges[0].hi == 4120 &&
	   prefix_is(&f->from, AF_INET6, "::", 0) &&
	   prefix_is(&f->to, AF_INET6, "fd00::", 8) &&
	   f->mode == EPGATE_MODE_ENFORCE && f->line == 8,
	   "flow 5: every name character, ::/0 (IPv6 only), fd00::/8, explicit enforce");

	f = &fl.flows[5];
	ok(prefix_is(&f->from, AF_INET6, "2001:db8::1", 128) &&
	   f->line == 9 && f->mode == EPGATE_MODE_MONITOR,
	   "flow 6: a bare IPv6 address is a /128; no final newline");
	flowlist_free(&fl);
}

static void test_empty(void)
{
	static const char comments[] = "# nothing\n\n   \t\n# at all\n";
	struct flowlist fl = { 0 };
	struct flowlist_error err;
	int ret;

	ret = flowlist_parse("", 0, &fl, &err);
	ok(ret == 0 && fl.n == 0, "an empty file is an empty set");
	ret = flowlist_parse(comments, strlen(comments), &fl, &err);
	ok(ret == 0 && fl.n == 0, "comments and blank lines only: empty set");
	flowlist_free(&fl);
}

/* Parse @len bytes, expect an error at @line:@col with message @msg. */
static void expect_len(const char *what, const char *text, size_t len,
		       unsigned int line, unsigned int col, const char *msg)
{
	struct flowlist fl = { 0 };
	struct flowlist_error err;
	int ret;

	ret = flowlist_parse(text, len, &fl, &err);
	ok(ret == -EINVAL && err.line == line && err.col == col &&
	   !strcmp(err.msg, msg) && fl.n == 0 && !fl.flows,
	   "%s: %u:%u: %s", what, err.line, err.col, err.msg);
	if (ret != -EINVAL || err.line != line || err.col != col ||
	    strcmp(err.msg, msg))
		printf("#   expected %u:%u: %s\n", line, col, msg);
	flowlist_free(&fl);
}

static void expect(const char *what, const char *text, unsigned int line,
		   unsigned int col, const char *msg)
{
	expect_len(what, text, strlen(text), line, col, msg);
}

/* "p f tcp 80 any any": p@1 f@3 tcp@5 80@9 any@12 any@16, end @19. */
static void test_errors(void)
{
	expect("bad protocol", "# x\n\np f icmp 80 any any\n", 3, 5,
	       "unknown protocol 'icmp' (tcp or udp)");
	expect("protocol is case-sensitive", "p f TCP 80 any any", 1, 5,
	       "unknown protocol 'TCP' (tcp or udp)");
	expect("port 70000", "p f tcp 80,70000 any any", 1, 12,
	       "port 70000 out of range 1..65535");
	expect("port 65536", "p f tcp 65536 any any", 1, 9,
	       "port 65536 out of range 1..65535");
	expect("port with many digits", "p f tcp 1-00000000000080 any any",
	       1, 11, "port 00000000000080 out of range 1..65535");
	expect("reversed range 5-3", "p f tcp 1,5-3 any any", 1, 11,
	       "port range '5-3' is reversed (5 > 3)");
	expect("not a number", "p f tcp 8a any any", 1, 9, "bad port '8a'");
	expect("a sign", "p f tcp +80 any any", 1, 9, "bad port '+80'");
	expect("bad range high end", "p f tcp 80-9x any any", 1, 12,
	       "bad port '9x'");
	expect("range without high end", "p f tcp 80- any any", 1, 9,
	       "bad port range '80-'");
	expect("range with two dashes", "p f tcp 1-2-3 any any", 1, 11,
	       "bad port '2-3'");
	expect("empty port", "p f tcp 80,,90 any any", 1, 12,
	       "empty port in '80,,90'");
	expect("trailing comma", "p f tcp 80, any any", 1, 12,
	       "empty port in '80,' (no spaces inside a port list)");
	expect("a UTF-8 BOM is named", "\xef\xbb\xbfp f tcp 80 any any", 1, 1,
	       "the file starts with a UTF-8 byte order mark (BOM, bytes EF BB BF): save it as UTF-8 without BOM");
	expect("bad address", "p f tcp 80 10.0.0.256 any", 1, 12,
	       "bad address '10.0.0.256' (any, ADDR or ADDR/LEN)");
	expect("a host name is no address (yet)", "p f tcp 80 any server", 1, 16,
	       "'server': hostnames are not supported here (give its addresses)");
	expect("empty address", "p f tcp 80 /8 any", 1, 12,
	       "bad address '/8' (any, ADDR or ADDR/LEN)");
	expect("IPv6 zone", "p f tcp 80 fe80::1%eth0 any", 1, 12,
	       "bad address 'fe80::1%eth0' (any, ADDR or ADDR/LEN)");
	expect("host bits set", "p f tcp 80 any 10.0.0.5/8", 1, 16,
	       "host bits set in '10.0.0.5/8' (the network is 10.0.0.0/8)");
	expect("host bits set, mid-byte", "p f tcp 80 10.0.0.129/25 any", 1, 12,
	       "host bits set in '10.0.0.129/25' (the network is 10.0.0.128/25)");
	expect("IPv6 host bits set", "p f tcp 80 fd00::1/64 any", 1, 12,
	       "host bits set in 'fd00::1/64' (the network is fd00::/64)");
	expect("/33", "p f tcp 80 10.0.0.0/33 any", 1, 12,
	       "prefix length 33 out of range in '10.0.0.0/33' (at most 32 for IPv4)");
	expect("/129", "p f tcp 80 any fd00::/129", 1, 16,
	       "prefix length 129 out of range in 'fd00::/129' (at most 128 for IPv6)");
	expect("bad prefix length", "p f tcp 80 any 10.0.0.0/x", 1, 16,
	       "bad prefix length in '10.0.0.0/x'");
	expect("empty prefix length", "p f tcp 80 any 10.0.0.0/", 1, 16,
	       "bad prefix length in '10.0.0.0/'");
	expect("prefix length of four digits", "p f tcp 80 any 10.0.0.0/0032",
	       1, 16, "bad prefix length in '10.0.0.0/0032'");
	expect("different families", "p f tcp 80 10.0.0.0/8 fd00::/8", 1, 23,
	       "from '10.0.0.0/8' and to 'fd00::/8' are of different address families");
	expect("bad flow name character", "p f!x tcp 80 any any", 1, 4,
	       "flow name 'f!x' has a bad character '!' (allowed: a-z 0-9 - _)");
	expect("bad profile name character", "kas/persky f tcp 80 any any", 1, 4,
	       "profile name 'kas/persky' has a bad character '/' (allowed: a-z 0-9 - _)");
	expect("non-ASCII name", "p caf\xc3\xa9 tcp 80 any any", 1, 6,
	       "flow name 'caf\\xc3\\xa9' has a bad character '\\xc3' (allowed: a-z 0-9 - _)");
	/* The profile language's rules (flowcheck.h), not looser ones. */
	expect("port 0, as in profiles", "p f tcp 0 any any", 1, 9,
	       "port 0 out of range 1..65535");
	expect("an upper-case profile name, as in profiles", "Eset f tcp 80 any any",
	       1, 1, "profile name 'Eset' has a bad character 'E' (allowed: a-z 0-9 - _)");
	expect("a dot in a flow name, as in profiles", "p f.1 tcp 80 any any", 1, 4,
	       "flow name 'f.1' has a bad character '.' (allowed: a-z 0-9 - _)");
	expect("a name starting with a dash, as in profiles", "p -f tcp 80 any any",
	       1, 3, "flow name '-f' must start with a letter or a digit");
	expect("80,80, as in profiles", "p f tcp 80,80 any any", 1, 12,
	       "ports '80' overlap an earlier element of '80,80'");
	expect("overlapping ranges", "p f tcp 1000-2000,1500 any any", 1, 19,
	       "ports '1500' overlap an earlier element of '1000-2000,1500'");
	expect("31 characters are fine, 32 are too long",
	       "p aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa tcp 80 any any\n"
	       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa f tcp 80 any any\n", 2, 1,
	       "profile name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is longer than 31 characters");
	expect("a long token is cut in the message",
	       "p f tcp 80 any 0123456789012345678901234567890123456789/xy", 1, 16,
	       "bad address '0123456789012345678901234567890123456789...' (any, ADDR or ADDR/LEN)");
	expect("duplicate flow",
	       "p f tcp 80 any any\nq f tcp 80 any any\np f udp 90 any any\n",
	       3, 3, "duplicate flow 'f' of profile 'p' (first on line 1)");
	expect("profile mode disagreement (explicit)",
	       "p f tcp 80 any any\np g tcp 81 any any monitor\n", 2, 20,
	       "profile 'p' is monitor here but enforce on line 1 (all its flows must agree)");
	expect("profile mode disagreement (implicit enforce)",
	       "p f tcp 80 any any monitor\nq g tcp 80 any any\np g tcp 81 any any\n",
	       3, 1,
	       "profile 'p' is enforce here but monitor on line 1 (all its flows must agree)");
	expect("missing flow name", "p\n", 1, 2,
	       "missing flow name after 'p'");
	expect("missing protocol", "p f # tcp 80 any any", 1, 4,
	       "missing protocol (tcp or udp) after 'f'");
	expect("missing ports", "p f tcp", 1, 8, "missing ports after 'tcp'");
	expect("missing from", "p f tcp 80\t", 1, 11,
	       "missing from (any, ADDR/LEN[,...] or @SET) after '80'");
	expect("missing to", "p f tcp 80 any", 1, 15,
	       "missing to (any, ADDR/LEN[,...] or @SET) after 'any'");
	expect("bad mode field", "p f tcp 80 any any bogus", 1, 20,
	       "expected 'monitor' or 'enforce', got 'bogus'");
	expect("extra field", "p f tcp 80 any any monitor x y", 1, 28,
	       "extra field 'x'");
	expect("a comment needs no space", "p f tcp 80 any any#monitor x\n"
	       "p f tcp 80 any any monitor#x\n", 2, 3,
	       "duplicate flow 'f' of profile 'p' (first on line 1)");
	expect("control byte", "p f\x01 tcp 80 any any", 1, 4,
	       "invalid byte '\\x01'");
	expect_len("NUL byte", "p f tcp 80\0 any any", 19, 1, 11,
		   "invalid byte '\\x00'");
}

static void test_too_many(void)
{
	size_t len = 0, len_max = 0, size = (EPGATE_MAX_FLOWS + 1) * 32;
	struct flowlist fl = { 0 };
	struct flowlist_error err;
	char *text = malloc(size);
	char ports[400], last[16], msg[32];
	int i;

	if (!text)
		exit(1);
	for (i = 0; i <= EPGATE_MAX_FLOWS; i++) {
		if (i == EPGATE_MAX_FLOWS)
			len_max = len;
		len += snprintf(text + len, size - len,
				"p f%d tcp 80 any any\n", i);
	}
	snprintf(last, sizeof(last), "f%d", EPGATE_MAX_FLOWS - 1);
	snprintf(msg, sizeof(msg), "more than %d flows", EPGATE_MAX_FLOWS);
	ok(!flowlist_parse(text, len_max, &fl, &err) &&
	   fl.n == EPGATE_MAX_FLOWS &&
	   !strcmp(fl.flows[EPGATE_MAX_FLOWS - 1].name, last),
	   "EPGATE_MAX_FLOWS (%d) flows are fine", EPGATE_MAX_FLOWS);
	flowlist_free(&fl);
	expect("EPGATE_MAX_FLOWS + 1 flows", text, EPGATE_MAX_FLOWS + 1, 1, msg);
	free(text);

	len = snprintf(ports, sizeof(ports), "p f tcp ");
	for (i = 1; i <= EPGATE_MAX_RANGES; i++)
		len += snprintf(ports + len, sizeof(ports) - len, "%s%d",
				i > 1 ? "," : "", i);
	snprintf(ports + len, sizeof(ports) - len, " any any");
	ok(!flowlist_parse(ports, strlen(ports), &fl, &err) && fl.n == 1 &&
	   fl.flows[0].nranges == EPGATE_MAX_RANGES &&
	   fl.flows[0].ranges[63].lo == 64,
	   "64 port ranges are fine");
	flowlist_free(&fl);
	snprintf(ports + len, sizeof(ports) - len, ",65 any any");
	/* col 9 + "1,".."9," (18 bytes) + "10,".."64," (165 bytes) */
	expect("too many ranges", ports, 1, 192,
	       "too many port ranges at '65' (at most 64 per flow)");
}

int main(void)
{
	tap_plan(67);
	test_good();
	test_empty();
	test_errors();
	test_too_many();
	return tap_exit();
}
