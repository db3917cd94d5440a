// SPDX-License-Identifier: GPL-2.0
/*
 * Vendor profiles: the parser, overrides, the compiler, the search path and
 * the lint.  Every error message of the parser and of the override parser
 * is expected once at least, with its line and column.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include "profile.h"
#include "tap.h"

static const char good[] =
	"# A profile with every statement.\n"			/* 1 */
	"profile good-1   # trailing comment\n"
	"description \"A \\\"quoted\\\" \\\\ description\"\n"
	"product \"Product 1.0 \xe2\x80\x94 \xc3\xbcnicode \xe0\xa4\x85 \xf0\x9f\x94\x92\"\n"
	"document 000_x.txt \"The title\"\n"			/* 5 */
	"role server \"The server\"\n"
	"role agent \"An agent\"\n"
	"option push \"Push # not a comment\"\n"
	"option legacy \"Old\"\n"
	"\n"							/* 10 */
	"flow agent-server\n"
	"\tproto tcp\n"
	"\tports 13000,14000-14001\n"
	"\tdirection agent -> server\n"
	"\tdescription \"Agents to server\"\n"			/* 15 */
	"\t# an indented comment\n"
	"  source other.txt \"figure 1\"\n"
	"flow wake\n"
	"\tproto tcp,udp\n"
	"\tports 15000\n"					/* 20 */
	"\tdirection server -> agent\n"
	"\tdescription \"Wake-up\"\n"
	"\toption push\n"
	"\tservice ssh\n"
	"\tservice http\n"					/* 25 */
	"role late \"declared after its use\"\n"
	"flow legacy-all\n"
	"\tdescription \"every port\"\n"
	"\tdirection late -> late\n"
	"\toption legacy\n"					/* 30 */
	"\tports 1-65535\n"
	"\tproto udp";

static void test_good(void)
{
	struct profile_error err = { 0 };
	struct profile p;
	const struct profile_flow *f;
	int ret;

	ret = profile_parse("good.profile", good, strlen(good), &p, &err);
	ok(ret == 0 && p.nflows == 3 && p.nroles == 3 && p.noptions == 2,
	   "good profile: 3 flows, 3 roles, 2 options (ret %d, %u:%u: %s)",
	   ret, err.line, err.col, err.msg);
	if (ret || p.nflows != 3 || p.nroles != 3 || p.noptions != 2) {
		profile_free(&p);
		return;
	}
	ok(!strcmp(p.name, "good-1") && p.name_line == 2 && p.name_col == 9 &&
	   !strcmp(p.file, "good.profile"),
	   "name, its position and the file");
	ok(!strcmp(p.description, "A \"quoted\" \\ description"),
	   "escapes in a string: %s", p.description);
	ok(!strcmp(p.product, "Product 1.0 \xe2\x80\x94 \xc3\xbcnicode \xe0\xa4\x85 \xf0\x9f\x94\x92"),
	   "UTF-8 in a string");
	ok(!strcmp(p.document, "000_x.txt") &&
	   !strcmp(p.document_title, "The title"), "document and title");
	ok(!strcmp(p.roles[0].name, "server") &&
	   !strcmp(p.roles[1].description, "An agent") &&
	   p.roles[1].line == 7 && !strcmp(p.roles[2].name, "late") &&
	   p.roles[2].line == 26, "roles in file order with their lines");
	ok(!strcmp(p.options[0].description, "Push # not a comment") &&
	   p.options[1].line == 9, "'#' in a string is no comment");

	f = &p.flows[0];
	ok(!strcmp(f->name, "agent-server") && f->line == 11 &&
	   f->protos == PROFILE_PROTO_TCP && f->nranges == 2 &&
	   f->ranges[0].lo == 13000 && f->ranges[0].hi == 13000 &&
	   f->ranges[1].lo == 14000 && f->ranges[1].hi == 14001,
	   "flow 1: tcp 13000,14000-14001");
	ok(f->from == 1 && f->to == 0 && f->option == -1 &&
	   !strcmp(f->description, "Agents to server") &&
	   !strcmp(f->source, "other.txt") && !strcmp(f->where, "figure 1") &&
	   !f->nservices && !f->override_line,
	   "flow 1: agent -> server, default, source and where");

	f = &p.flows[1];
	ok(f->protos == (PROFILE_PROTO_TCP | PROFILE_PROTO_UDP) &&
	   f->from == 0 && f->to == 1 && f->option == 0 &&
	   !strcmp(f->source, "000_x.txt") && !f->where[0] &&
	   f->nservices == 2 && !strcmp(f->services[0], "ssh") &&
	   !strcmp(f->services[1], "http"),
	   "flow 2: tcp,udp, opt-in, source defaults to the document, services");

	f = &p.flows[2];
	ok(f->protos == PROFILE_PROTO_UDP && f->from == 2 && f->to == 2 &&
	   f->option == 1 && f->ranges[0].lo == 1 && f->ranges[0].hi == 65535 &&
	   f->line == 27,
	   "flow 3: attributes in any order, a role declared later, no final newline");

	ok(profile_has_role(&p, "late") && !profile_has_role(&p, "lat") &&
	   profile_has_option(&p, "legacy") && !profile_has_option(&p, "agent"),
	   "profile_has_role() and profile_has_option()");
	profile_free(&p);
	ok(!p.flows && !p.nflows && !p.roles && !p.name[0],
	   "profile_free() empties the profile");
}

/* The smallest valid profile, 9 lines; tests append lines 10 and on. */
#define HDR								\
	"profile t\n"							\
	"description \"d\"\n"						\
	"document doc.txt\n"						\
	"role a \"A\"\n"						\
	"option o \"O\"\n"	/* 5 */					\
	"flow f\n"							\
	"\tproto tcp\n"							\
	"\tports 80\n"							\
	"\tdirection a -> a\n"						\
	"\tdescription \"x\"\n"	/* 10 */

/* A flow block g with @attrs between its name (line 11) and the rest. */
#define FLOW_G(attrs)							\
	HDR "flow g\n" attrs "\tproto tcp\n\tports 81\n"		\
	"\tdirection a -> a\n\tdescription \"y\"\n"

static void expect_len(const char *what, const char *text, size_t len,
		       unsigned int line, unsigned int col, const char *msg)
{
	struct profile_error err = { 0 };
	struct profile p;
	int ret;

	ret = profile_parse("t.profile", text, len, &p, &err);
	ok(ret == -EINVAL && err.line == line && err.col == col &&
	   !strcmp(err.msg, msg) && !strcmp(err.file, "t.profile") &&
	   !p.flows && !p.roles && !p.options && !p.nflows,
	   "%s: %u:%u: %s", what, err.line, err.col, err.msg);
	if (ret != -EINVAL || err.line != line || err.col != col ||
	    strcmp(err.msg, msg))
		printf("#   expected %u:%u: %s\n", line, col, msg);
	profile_free(&p);
}

static void expect(const char *what, const char *text, unsigned int line,
		   unsigned int col, const char *msg)
{
	expect_len(what, text, strlen(text), line, col, msg);
}

static void test_lexical(void)
{
	struct profile_error err = { 0 };
	struct profile p;

	ok(!profile_parse("t.profile", HDR, strlen(HDR), &p, &err),
	   "the test header parses (%u:%u: %s)", err.line, err.col, err.msg);
	profile_free(&p);

	expect("carriage return", "profile t\r\n", 1, 10,
	       "invalid byte '\\x0d' (carriage return: use Unix line endings)");
	expect("control byte in a comment", HDR "# bell \x07\n", 11, 8,
	       "invalid byte '\\x07'");
	expect("DEL", "profile t\x7f", 1, 10, "invalid byte '\\x7f'");
	expect_len("NUL", "profile t\0x\n", 11, 1, 10, "invalid byte '\\x00'");
	expect("invalid UTF-8", HDR "# caf\xc3\n", 11, 6,
	       "invalid UTF-8 byte '\\xc3'");
	expect("overlong UTF-8", "profile t \"\xc0\xaf\"\n", 1, 12,
	       "invalid UTF-8 byte '\\xc0'");
	expect("bad UTF-8 continuation", "description \"\xe2\x82\x28\"", 1, 14,
	       "invalid UTF-8 byte '\\xe2'");
	expect("overlong 3-byte UTF-8", "description \"\xe0\x80\x80\"", 1, 14,
	       "invalid UTF-8 byte '\\xe0'");
	expect("UTF-16 surrogate", "description \"\xed\xa0\x80\"", 1, 14,
	       "invalid UTF-8 byte '\\xed'");
	expect("past U+10FFFF", "description \"\xf4\x90\x80\x80\"", 1, 14,
	       "invalid UTF-8 byte '\\xf4'");
	expect("unterminated string", "profile t\ndescription \"abc\n", 2, 13,
	       "unterminated string");
	expect("backslash at the end of a string",
	       "profile t\ndescription \"abc\\", 2, 13, "unterminated string");
	expect("unknown escape", "profile t\ndescription \"a\\nb\"\n", 2, 15,
	       "unknown escape '\\n' in string (only \\\" and \\\\)");
	expect("no space after a string",
	       "profile t\ndescription \"a\"b\n", 2, 16,
	       "missing space after string before 'b'");
	expect("quote inside a word", "profile t\ndocument a\"b\"\n", 2, 11,
	       "unexpected '\"' in 'a'");
}

static void test_strings(void)
{
	char text[600];
	size_t n;

	n = snprintf(text, sizeof(text), "profile t\ndescription \"");
	memset(text + n, 'x', 255);
	strcpy(text + n + 255, "\"\n");
	/* Parsed to the end, where the missing document is the error. */
	expect("a string of 255 bytes is fine", text, 1, 1,
	       "missing 'document' statement in profile 't'");
	memmove(text + n + 1, text + n, strlen(text + n) + 1);
	text[n] = 'y';
	expect("a string of 256 bytes", text, 2, 13,
	       "string longer than 255 bytes");
	n = snprintf(text, sizeof(text), "profile t\ndescription \"");
	memset(text + n, '\\', 254 * 2);
	strcpy(text + n + 508, "\"\n");
	expect("escapes count once", text, 1, 1,
	       "missing 'document' statement in profile 't'");
	n = snprintf(text, sizeof(text), "profile t\ndocument ");
	memset(text + n, 'f', 256);
	strcpy(text + n + 256, "\n");
	expect("a document file name of 256 bytes", text, 2, 10,
	       "document file 'ffffffffffffffffffffffffffffffffffffffff...' is longer than 255 bytes");
}

static void test_statements(void)
{
	expect("empty file", "", 1, 1,
	       "no statement (expected 'profile NAME' first)");
	expect("comments only", "# x\n\n  # y\n", 1, 1,
	       "no statement (expected 'profile NAME' first)");
	expect("statement before profile", "# x\ndescription \"d\"\n", 2, 1,
	       "expected 'profile NAME' before 'description'");
	expect("unknown statement", "profile t\nprofiel t\n", 2, 1,
	       "unknown statement 'profiel'");
	expect("attribute at top level", HDR "proto tcp\n", 11, 1,
	       "unknown statement 'proto' (flow attributes are indented)");
	expect("a string as a statement", "\"profile\" t\n", 1, 1,
	       "unknown statement '\"profile\"'");
	expect("duplicate profile", "profile t\nprofile t\n", 2, 1,
	       "duplicate 'profile' (first at line 1)");
	expect("duplicate description", HDR "description \"e\"\n", 11, 1,
	       "duplicate 'description' (first at line 2)");
	expect("duplicate product",
	       "profile t\nproduct \"p\"\n\nproduct \"p\"\n", 4, 1,
	       "duplicate 'product' (first at line 2)");
	expect("duplicate document", HDR "document x\n", 11, 1,
	       "duplicate 'document' (first at line 3)");
	expect("duplicate role", HDR "role b \"B\"\nrole a \"A2\"\n", 12, 6,
	       "duplicate role 'a' (first at line 4)");
	expect("duplicate option", HDR "option o \"O2\"\n", 11, 8,
	       "duplicate option 'o' (first at line 5)");
	expect("missing profile name", "profile\n", 1, 8,
	       "missing profile name after 'profile'");
	expect("profile name as a string", "profile \"t\"\n", 1, 9,
	       "expected profile name, got string '\"t\"'");
	expect("extra word after profile", "profile t u\n", 1, 11,
	       "extra word 'u'");
	expect("missing description", "profile t\ndescription # none\n", 2, 12,
	       "missing description after 'description'");
	expect("description as a word", "profile t\ndescription d\n", 2, 13,
	       "expected description as a quoted string, got 'd'");
	expect("empty description", "profile t\ndescription \"\"\n", 2, 13,
	       "empty description");
	expect("two descriptions on a line",
	       "profile t\ndescription \"a\" \"b\"\n", 2, 17,
	       "extra word '\"b\"'");
	expect("product as a word", "profile t\nproduct p\n", 2, 9,
	       "expected product as a quoted string, got 'p'");
	expect("missing document file", "profile t\ndocument\n", 2, 9,
	       "missing document file after 'document'");
	expect("document file as a string", "profile t\ndocument \"a b\"\n",
	       2, 10, "expected document file, got string '\"a b\"'");
	expect("document title as a word", "profile t\ndocument a b\n", 2, 12,
	       "expected document title as a quoted string, got 'b'");
	expect("extra word after document", "profile t\ndocument a \"b\" c\n",
	       2, 16, "extra word 'c'");
	expect("missing role description", "profile t\nrole a\n", 2, 7,
	       "missing role description after 'a'");
	expect("empty role description", "profile t\nrole a \"\"\n", 2, 8,
	       "empty role description");
	expect("missing option description", "profile t\noption o\n", 2, 9,
	       "missing option description after 'o'");
	expect("extra word after flow", HDR "flow g h\n", 11, 8,
	       "extra word 'h'");
	expect("missing flow name", HDR "flow\n", 11, 5,
	       "missing flow name after 'flow'");
	expect("duplicate flow", HDR "flow f\n", 11, 6,
	       "duplicate flow 'f' (first at line 6)");
}

static void test_names(void)
{
	expect("profile name 'Foo'", "profile Foo\n", 1, 9,
	       "profile name 'Foo' has a bad character 'F' (allowed: a-z 0-9 - _)");
	expect("a dot in a role name", "profile t\nrole a.b \"x\"\n", 2, 7,
	       "role name 'a.b' has a bad character '.' (allowed: a-z 0-9 - _)");
	expect("non-ASCII option name", "profile t\noption caf\xc3\xa9 \"x\"\n",
	       2, 11,
	       "option name 'caf\\xc3\\xa9' has a bad character '\\xc3' (allowed: a-z 0-9 - _)");
	expect("name starting with a dash", "profile -t\n", 1, 9,
	       "profile name '-t' must start with a letter or a digit");
	expect("name starting with an underscore", HDR "flow _g\n", 11, 6,
	       "flow name '_g' must start with a letter or a digit");
	expect("31 characters are fine, 32 are too long",
	       "profile t\nrole aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \"x\"\n"
	       "role aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \"x\"\n", 3, 6,
	       "role name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is longer than 31 characters");
	expect("a long word is cut in the message",
	       "profile t\nrole 0123456789012345678901234567890123456789xyz \"x\"\n",
	       2, 6,
	       "role name '0123456789012345678901234567890123456789...' is longer than 31 characters");
	expect("27 characters take -tcp, 28 do not",
	       HDR "flow aaaaaaaaaaaaaaaaaaaaaaaaaaa\n\tproto tcp,udp\n"
	       "\tports 1\n\tdirection a -> a\n\tdescription \"x\"\n"
	       "flow aaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\tproto tcp,udp\n", 17, 8,
	       "flow name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaa' is too long for tcp,udp ('aaaaaaaaaaaaaaaaaaaaaaaaaaaa-tcp' is longer than 31 characters)");
	expect("a compiled name clashes with a later flow",
	       HDR "flow g\n\tproto tcp,udp\n\tports 1\n\tdirection a -> a\n"
	       "\tdescription \"x\"\nflow g-udp\n\tproto udp\n\tports 2\n"
	       "\tdirection a -> a\n\tdescription \"x\"\n", 16, 6,
	       "flow 'g-udp' compiles to 'g-udp', as does flow 'g' (line 11)");
	expect("a compiled name clashes with an earlier flow",
	       HDR "flow f-tcp\n\tproto tcp,udp\n\tports 1\n"
	       "\tdirection a -> a\n\tdescription \"x\"\n"
	       "flow f\n\tproto tcp,udp\n\tports 2\n"
	       "\tdirection a -> a\n\tdescription \"x\"\n", 16, 6,
	       "duplicate flow 'f' (first at line 6)");
	expect("a compiled name clashes with an earlier flow (tcp,udp)",
	       HDR "flow g-tcp\n\tproto tcp\n\tports 1\n"
	       "\tdirection a -> a\n\tdescription \"x\"\n"
	       "flow g\n\tproto tcp,udp\n\tports 2\n"
	       "\tdirection a -> a\n\tdescription \"x\"\n", 16, 6,
	       "flow 'g' compiles to 'g-tcp', as does flow 'g-tcp' (line 11)");
}

static void test_ports(void)
{
	expect("port 70000", FLOW_G("\tports 80,70000\n"), 12, 11,
	       "port 70000 out of range 1..65535");
	expect("port 0", FLOW_G("\tports 0\n"), 12, 8,
	       "port 0 out of range 1..65535");
	expect("port with many digits", FLOW_G("\tports 1-00000000000080\n"),
	       12, 10, "port 00000000000080 out of range 1..65535");
	expect("range ending at 65536", FLOW_G("\tports 65530-65536\n"), 12, 14,
	       "port 65536 out of range 1..65535");
	expect("reversed range", FLOW_G("\tports 1,5-3\n"), 12, 10,
	       "port range '5-3' is reversed (5 > 3)");
	expect("not a number", FLOW_G("\tports 8a\n"), 12, 8, "bad port '8a'");
	expect("a sign", FLOW_G("\tports +80\n"), 12, 8, "bad port '+80'");
	expect("a range with two dashes", FLOW_G("\tports 1-2-3\n"), 12, 10,
	       "bad port '2-3'");
	expect("a range without its high end", FLOW_G("\tports 80-\n"), 12, 8,
	       "bad port range '80-'");
	expect("a range without its low end", FLOW_G("\tports -80\n"), 12, 8,
	       "bad port range '-80'");
	expect("empty element", FLOW_G("\tports 80,,90\n"), 12, 11,
	       "empty port in '80,,90'");
	expect("trailing comma", FLOW_G("\tports 80,\n"), 12, 11,
	       "empty port in '80,' (no spaces inside a port list)");
	expect("a space after a comma", FLOW_G("\tports 80, 90\n"), 12, 11,
	       "empty port in '80,' (no spaces inside a port list)");
	expect("a space inside the list", FLOW_G("\tports 80 90\n"), 12, 11,
	       "extra word '90' (no spaces inside a port list)");
	expect("a UTF-8 BOM is named", "\xef\xbb\xbfprofile x\n", 1, 1,
	       "the file starts with a UTF-8 byte order mark (BOM, bytes EF BB BF): save it as UTF-8 without BOM");
	expect("no port list", FLOW_G("\tports\n"), 12, 7,
	       "missing port list after 'ports'");
	expect("a string as port list", FLOW_G("\tports \"80\"\n"), 12, 8,
	       "expected port list, got string '\"80\"'");
	expect("the same port twice", FLOW_G("\tports 80,81,80\n"), 12, 14,
	       "ports '80' overlap an earlier element of '80,81,80'");
	expect("overlapping ranges", FLOW_G("\tports 100-200,150-250\n"), 12, 16,
	       "ports '150-250' overlap an earlier element of '100-200,150-250'");
}

static void test_too_many(void)
{
	size_t size = (EPGATE_MAX_FLOWS + 1) * 80 + 512, len, len_max = 0;
	char *text = malloc(size), ports[600], msg[32];
	struct profile_error err = { 0 };
	struct profile p;
	int i;

	if (!text)
		exit(1);
	len = snprintf(text, size, "%s", HDR);
	for (i = 1; i <= EPGATE_MAX_FLOWS; i++) {
		if (i == EPGATE_MAX_FLOWS)
			len_max = len;
		len += snprintf(text + len, size - len,
				"flow g%d\n proto udp\n ports 1\n direction a -> a\n description \"x\"\n",
				i);
	}
	ok(!profile_parse("t.profile", text, len_max, &p, &err) &&
	   p.nflows == EPGATE_MAX_FLOWS,
	   "EPGATE_MAX_FLOWS flows are fine (%u:%u: %s)", err.line, err.col,
	   err.msg);
	profile_free(&p);
	snprintf(msg, sizeof(msg), "more than %d flows", EPGATE_MAX_FLOWS);
	expect("EPGATE_MAX_FLOWS + 1 flows", text,
	       10 + 5 * (EPGATE_MAX_FLOWS - 1) + 1, 1, msg);
	free(text);

	len = snprintf(ports, sizeof(ports), HDR "flow g\n\tproto tcp\n"
		       "\tdirection a -> a\n\tdescription \"y\"\n\tports ");
	for (i = 1; i <= EPGATE_MAX_RANGES; i++)
		len += snprintf(ports + len, sizeof(ports) - len, "%s%d",
				i > 1 ? "," : "", i);
	ok(!profile_parse("t.profile", ports, len, &p, &err) &&
	   p.nflows == 2 && p.flows[1].nranges == EPGATE_MAX_RANGES &&
	   p.flows[1].ranges[63].lo == 64, "64 port ranges are fine");
	profile_free(&p);
	snprintf(ports + len, sizeof(ports) - len, ",65\n");
	/* col 8 + "1,".."9," (18 bytes) + "10,".."64," (165 bytes) */
	expect("65 port ranges", ports, 15, 191,
	       "too many port ranges at '65' (at most 64 per flow)");
}

static void test_flows(void)
{
	expect("indented line before any flow",
	       "profile t\n\tdescription \"d\"\n", 2, 2,
	       "indented 'description' outside a flow block (top-level statements start in column 1)");
	expect("indented line after a top-level statement",
	       HDR "role b \"B\"\n  ports 81\n", 12, 3,
	       "indented 'ports' outside a flow block (top-level statements start in column 1)");
	expect("unknown attribute", FLOW_G("\tprot tcp\n"), 12, 2,
	       "unknown attribute 'prot' in flow 'g'");
	expect("a top-level statement indented", FLOW_G("\trole b \"B\"\n"),
	       12, 2,
	       "unknown attribute 'role' in flow 'g' (top-level statements start in column 1)");
	expect("repeated attribute", FLOW_G("") "\tports 82\n", 16, 2,
	       "duplicate 'ports' in flow 'g' (first at line 13)");
	expect("repeated option attribute",
	       FLOW_G("\toption o\n\toption o\n"), 13, 2,
	       "duplicate 'option' in flow 'g' (first at line 12)");
	expect("missing proto", HDR "flow g\n\tports 1\n", 11, 6,
	       "missing 'proto' in flow 'g'");
	expect("missing ports", HDR "flow g\n\tproto tcp\nrole b \"B\"\n", 11, 6,
	       "missing 'ports' in flow 'g'");
	expect("missing direction", HDR "flow g\n\tproto tcp\n\tports 1\n",
	       11, 6, "missing 'direction' in flow 'g'");
	expect("missing description",
	       HDR "flow g\n\tproto tcp\n\tports 1\n\tdirection a -> a\n"
	       "flow h\n", 11, 6, "missing 'description' in flow 'g'");
	expect("bad protocol", FLOW_G("\tproto icmp\n"), 12, 8,
	       "unknown protocol 'icmp' (tcp, udp or tcp,udp)");
	expect("udp,tcp", FLOW_G("\tproto udp,tcp\n"), 12, 8,
	       "unknown protocol 'udp,tcp' (tcp, udp or tcp,udp)");
	expect("protocol is case-sensitive", FLOW_G("\tproto TCP\n"), 12, 8,
	       "unknown protocol 'TCP' (tcp, udp or tcp,udp)");
	expect("missing protocol", FLOW_G("\tproto\n"), 12, 7,
	       "missing protocol (tcp, udp or tcp,udp) after 'proto'");
	expect("two protocols", FLOW_G("\tproto tcp udp\n"), 12, 12,
	       "extra word 'udp'");
	expect("direction without arrow", FLOW_G("\tdirection a a\n"), 12, 14,
	       "expected '->', got 'a'");
	expect("direction with a glued arrow", FLOW_G("\tdirection a->a\n"),
	       12, 14,
	       "initiator role name 'a->a' has a bad character '>' (allowed: a-z 0-9 - _)");
	expect("direction with one role", FLOW_G("\tdirection a\n"), 12, 13,
	       "missing '->' after 'a'");
	expect("direction without responder", FLOW_G("\tdirection a ->\n"),
	       12, 16, "missing responder role name after '->'");
	expect("direction with an extra word",
	       FLOW_G("\tdirection a -> a -> a\n"), 12, 19,
	       "extra word '->'");
	expect("unknown responder role",
	       HDR "flow g\n\tproto tcp\n\tports 81\n"
	       "\tdirection a -> agnet\n\tdescription \"y\"\n",
	       14, 17, "unknown role 'agnet' (declared: a)");
	expect("unknown initiator role, several declared",
	       HDR "role server \"S\"\nrole agent \"A\"\n"
	       "flow g\n\tproto tcp\n\tports 81\n"
	       "\tdirection agnet -> server\n\tdescription \"y\"\n",
	       16, 12, "unknown role 'agnet' (declared: a, server, agent)");
	expect("unknown option",
	       FLOW_G("\toption legacy\n"), 12, 9,
	       "unknown option 'legacy' (declared: o)");
	expect("no option declared",
	       "profile t\ndescription \"d\"\ndocument d\nrole a \"A\"\n"
	       "flow f\n\tproto tcp\n\tports 1\n\tdirection a -> a\n"
	       "\tdescription \"x\"\n\toption push\n", 10, 9,
	       "unknown option 'push' (no option is declared)");
	expect("the first unknown name is reported",
	       FLOW_G("\toption x\n") "flow h\n\tproto tcp\n\tports 82\n"
	       "\tdirection b -> a\n\tdescription \"z\"\n", 12, 9,
	       "unknown option 'x' (declared: o)");
	{
		char text[1024], msg[256], name[8][32];
		size_t len = snprintf(text, sizeof(text), "%s", HDR);
		int i;

		for (i = 0; i < 6; i++) {
			snprintf(name[i], sizeof(name[i]),
				 "role-%026d", i);
			len += snprintf(text + len, sizeof(text) - len,
					"role %s \"x\"\n", name[i]);
		}
		snprintf(text + len, sizeof(text) - len,
			 "flow g\n\tproto tcp\n\tports 81\n"
			 "\tdirection a -> x\n\tdescription \"y\"\n");
		snprintf(msg, sizeof(msg),
			 "unknown role 'x' (declared: a, %s, %s, %s, %s, ...)",
			 name[0], name[1], name[2], name[3]);
		expect("a long list of declared roles is cut", text, 20, 17,
		       msg);
	}
	expect("option name as a string", FLOW_G("\toption \"o\"\n"), 12, 9,
	       "expected option name, got string '\"o\"'");
	expect("flow description as a word", FLOW_G("\tdescription x\n"),
	       12, 14, "expected description as a quoted string, got 'x'");
	expect("source without a file", FLOW_G("\tsource\n"), 12, 8,
	       "missing source file after 'source'");
	expect("source location as a word", FLOW_G("\tsource a b\n"), 12, 11,
	       "expected source location as a quoted string, got 'b'");
	expect("source with an extra word", FLOW_G("\tsource a \"b\" c\n"),
	       12, 15, "extra word 'c'");
	expect("empty source location", FLOW_G("\tsource a \"\"\n"), 12, 11,
	       "empty source location");
	expect("bad service name", FLOW_G("\tservice HTTP\n"), 12, 10,
	       "service name 'HTTP' has a bad character 'H' (allowed: a-z 0-9 - _)");
	expect("two services on a line", FLOW_G("\tservice ssh http\n"), 12, 14,
	       "extra word 'http'");
	expect("duplicate service",
	       FLOW_G("\tservice ssh\n\tservice http\n\tservice ssh\n"), 14, 10,
	       "duplicate service 'ssh' in flow 'g'");
	expect("five services",
	       FLOW_G("\tservice a\n\tservice b\n\tservice c\n\tservice d\n"
		      "\tservice e\n"), 16, 10,
	       "more than 4 services in flow 'g' at 'e'");
}

static void test_required(void)
{
	static const char *const stmts[] = {
		"description \"d\"\n", "document doc.txt\n", "role a \"A\"\n",
		"flow f\n\tproto tcp\n\tports 80\n\tdirection a -> a\n"
		"\tdescription \"x\"\n",
	};
	static const char *const names[] = {
		"description", "document", "role", "flow",
	};
	char text[512], msg[128];
	size_t i, k;

	for (i = 0; i < 4; i++) {
		strcpy(text, "\n# blank and comment first\nprofile t\n");
		for (k = 0; k < 4; k++) {
			if (k != i)
				strcat(text, stmts[k]);
		}
		snprintf(msg, sizeof(msg),
			 "missing '%s' statement in profile 't'", names[i]);
		expect(names[i], text, 3, 1, msg);
	}
}

/* The test header parsed, for the override and compile tests. */
static int header(struct profile *p, const char *more)
{
	struct profile_error err = { 0 };
	char text[1024];

	snprintf(text, sizeof(text), "%s%s", HDR, more);
	if (profile_parse("t.profile", text, strlen(text), p, &err)) {
		printf("# %u:%u: %s\n", err.line, err.col, err.msg);
		return -1;
	}
	return 0;
}

#define MORE								\
	"flow g\n\tproto tcp,udp\n\tports 81,82\n"			\
	"\tdirection a -> a\n\tdescription \"y\"\n\toption o\n"

static void expect_ov(const char *what, const char *text, unsigned int line,
		      unsigned int col, const char *msg)
{
	struct profile_error err = { 0 };
	struct profile p;
	int ret;

	if (header(&p, MORE)) {
		ok(0, "%s: header", what);
		return;
	}
	ret = profile_override(&p, "t.override", text, strlen(text), &err);
	ok(ret == -EINVAL && err.line == line && err.col == col &&
	   !strcmp(err.msg, msg) && !strcmp(err.file, "t.override") &&
	   p.flows[0].nranges == 1 && p.flows[0].ranges[0].lo == 80 &&
	   p.flows[1].nranges == 2 && !p.flows[0].override_line &&
	   !p.noverrides,
	   "override: %s: %u:%u: %s", what, err.line, err.col, err.msg);
	if (ret != -EINVAL || err.line != line || err.col != col ||
	    strcmp(err.msg, msg))
		printf("#   expected %u:%u: %s\n", line, col, msg);
	profile_free(&p);
}

static void test_override(void)
{
	static const char ov[] =
		"# site ports\n"
		"override t\n"
		"flow g ports 1000-1001,2000   # ours\n"
		"\n"
		"flow f ports 8080";
	struct profile_error err = { 0 };
	struct profile p;
	int ret;

	if (header(&p, MORE)) {
		ok(0, "override: header");
		return;
	}
	ret = profile_override(&p, "/etc/t.override", ov, strlen(ov), &err);
	ok(!ret && p.flows[1].nranges == 2 && p.flows[1].ranges[0].lo == 1000 &&
	   p.flows[1].ranges[0].hi == 1001 && p.flows[1].ranges[1].lo == 2000 &&
	   p.flows[1].override_line == 3 &&
	   !strcmp(p.flows[1].override_file, "/etc/t.override") &&
	   p.flows[0].ranges[0].lo == 8080 && p.flows[0].override_line == 5,
	   "override: ports replaced, file and line recorded (%u:%u: %s)",
	   err.line, err.col, err.msg);
	ret = profile_override(&p, "/run/t.override", "override t\nflow f ports 9\n",
			       26, &err);
	ok(!ret && p.flows[0].ranges[0].lo == 9 &&
	   p.flows[0].override_line == 2 &&
	   !strcmp(p.flows[0].override_file, "/run/t.override") &&
	   p.flows[1].ranges[0].lo == 1000 && p.noverrides == 2 &&
	   !strcmp(p.overrides[0], "/etc/t.override") &&
	   !strcmp(p.overrides[1], "/run/t.override"),
	   "override: a later file wins, the others stay");
	ret = profile_override(&p, "x.override", "override t\n", 11, &err);
	ok(!ret && p.noverrides == 3, "override: no flow statement is fine");
	profile_free(&p);

	expect_ov("empty file", "", 1, 1,
		  "no statement (expected 'override NAME' first)");
	expect_ov("flow before override", "flow f ports 1\n", 1, 1,
		  "expected 'override NAME' before 'flow'");
	expect_ov("unknown statement", "override t\nport f 1\n", 2, 1,
		  "unknown statement 'port' in an override file (expected 'flow FLOW ports LIST')");
	expect_ov("another profile", "override eset\n", 1, 10,
		  "this file overrides profile 'eset', not 't'");
	expect_ov("duplicate override", "override t\noverride t\n", 2, 1,
		  "duplicate 'override' (first at line 1)");
	expect_ov("override without a name", "override\n", 1, 9,
		  "missing profile name after 'override'");
	expect_ov("override with an extra word", "override t t\n", 1, 12,
		  "extra word 't'");
	expect_ov("indented statement", "override t\n  flow f ports 1\n", 2, 3,
		  "indented 'flow' in an override file (statements start in column 1)");
	expect_ov("unknown flow", "override t\n\nflow agent-servr ports 1\n",
		  3, 6, "profile 't' has no flow 'agent-servr'");
	expect_ov("compiled name", "override t\nflow g-tcp ports 1\n", 2, 6,
		  "profile 't' has no flow 'g-tcp'");
	expect_ov("bad flow name", "override t\nflow G ports 1\n", 2, 6,
		  "flow name 'G' has a bad character 'G' (allowed: a-z 0-9 - _)");
	expect_ov("no ports keyword", "override t\nflow f\n", 2, 7,
		  "missing 'ports' after 'f'");
	expect_ov("another attribute", "override t\nflow f proto udp\n", 2, 8,
		  "expected 'ports', got 'proto' (only ports can be overridden)");
	expect_ov("no port list", "override t\nflow f ports\n", 2, 13,
		  "missing port list after 'ports'");
	expect_ov("bad port", "override t\nflow f ports 70000\n", 2, 14,
		  "port 70000 out of range 1..65535");
	expect_ov("space in the list", "override t\nflow f ports 1 2\n", 2, 16,
		  "extra word '2' (no spaces inside a port list)");
	expect_ov("same flow twice",
		  "override t\nflow g ports 1\nflow f ports 2\nflow g ports 3\n",
		  4, 6, "duplicate override of flow 'g' (first at line 2)");
	expect_ov("error after good lines leaves the profile as it was",
		  "override t\nflow f ports 1\nflow g ports 2\nflow h ports 3\n",
		  4, 6, "profile 't' has no flow 'h'");
	expect_ov("control byte", "override t\x01\n", 1, 11,
		  "invalid byte '\\x01'");
	expect_ov("string", "override \"t\"\n", 1, 10,
		  "expected profile name, got string '\"t\"'");
}

static int prefix(struct flowlist_prefix *p, int family, const char *addr,
		  unsigned int len)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->len = len;
	return inet_pton(family, addr, p->addr) == 1 ? 0 : -1;
}

static void test_compile(void)
{
	const char *with_o[] = { "o" }, *with_x[] = { "x", "o" };
	struct profile_binding bind[2] = {
		{ .role = "a" },
		{ .role = "nobody" },
	};
	struct flowlist fl = { 0 };
	struct profile p;
	const struct flowlist_flow *f;
	char msg[384];
	size_t i;
	int ret;

	if (header(&p, MORE "role b \"B\"\nflow h\n\tproto udp\n\tports 53\n"
		   "\tdirection b -> a\n\tdescription \"z\"\n")) {
		ok(0, "compile: header");
		return;
	}
	prefix(&bind[0].prefix, AF_INET, "10.0.0.0", 8);
	prefix(&bind[1].prefix, AF_INET6, "fd00::", 8);

	ret = profile_compile(&p, NULL, 0, NULL, 0, EPGATE_MODE_ENFORCE, &fl, NULL, 0);
	ok(!ret && fl.n == 2 && !strcmp(fl.flows[0].name, "f") &&
	   !strcmp(fl.flows[1].name, "h") && fl.flows[1].proto == IPPROTO_UDP &&
	   !fl.flows[0].from.family && !fl.flows[1].to.family,
	   "compile: default flows only, unbound roles are any");
	fl.n = 0;

	ret = profile_compile(&p, bind, 2, with_o, 1, EPGATE_MODE_MONITOR, &fl, NULL, 0);
	ok(!ret && fl.n == 4, "compile: with o, 4 flows (%d, %zu)", ret, fl.n);
	if (fl.n == 4) {
		f = &fl.flows[0];
		ok(!strcmp(f->profile, "t") && !strcmp(f->name, "f") &&
		   f->proto == IPPROTO_TCP && f->mode == EPGATE_MODE_MONITOR &&
		   f->nranges == 1 && f->ranges[0].lo == 80 && f->line == 6 &&
		   f->from.family == AF_INET && f->from.len == 8 &&
		   f->from.addr[0] == 10 && f->to.family == AF_INET,
		   "compile: flow f, both ends bound to 10.0.0.0/8");
		ok(!strcmp(fl.flows[1].name, "g-tcp") &&
		   fl.flows[1].proto == IPPROTO_TCP &&
		   !strcmp(fl.flows[2].name, "g-udp") &&
		   fl.flows[2].proto == IPPROTO_UDP &&
		   fl.flows[2].nranges == 2 && fl.flows[2].ranges[1].lo == 82 &&
		   fl.flows[1].line == 11 && fl.flows[2].line == 11,
		   "compile: tcp,udp makes g-tcp and g-udp, in order");
		f = &fl.flows[3];
		ok(!strcmp(f->name, "h") && !f->from.family &&
		   f->to.family == AF_INET,
		   "compile: an unbound initiator is any");
	}
	ret = profile_compile(&p, NULL, 0, with_x, 2, EPGATE_MODE_ENFORCE, &fl, NULL, 0);
	ok(!ret && fl.n == 8 && !strcmp(fl.flows[4].profile, "t"),
	   "compile: appends; unknown options are ignored");

	fl.n = 0;
	for (i = 0; !ret; i++)
		ret = profile_compile(&p, NULL, 0, with_o, 1,
				      EPGATE_MODE_ENFORCE, &fl, NULL, 0);
	ok(ret == -E2BIG && i == EPGATE_MAX_FLOWS / 4 + 1 &&
	   fl.n == EPGATE_MAX_FLOWS,
	   "compile: -E2BIG past %d flows (%zu rounds)", EPGATE_MAX_FLOWS, i);
	fl.n = EPGATE_MAX_FLOWS - 2;
	ret = profile_compile(&p, NULL, 0, with_o, 1, EPGATE_MODE_ENFORCE, &fl,
			      msg, sizeof(msg));
	ok(ret == -E2BIG && fl.n == EPGATE_MAX_FLOWS - 2 &&
	   !strcmp(msg, "profile t: the set would exceed 16384 flows, the module's limit"),
	   "compile: a failed compile appends nothing, names the limit: %s", msg);

	/* h goes b -> a: b on IPv6 and a on IPv4 could never match. */
	strcpy(bind[1].role, "b");
	fl.n = 1;
	ret = profile_compile(&p, bind, 2, NULL, 0, EPGATE_MODE_ENFORCE, &fl,
			      msg, sizeof(msg));
	ok(ret == -EXDEV && fl.n == 1 &&
	   !strcmp(msg, "flow 'h' of profile t: role 'b' is bound to IPv6, role 'a' to IPv4: it could never match (bind both to one family, or leave one unbound)"),
	   "compile: roles of one flow bound to two families: an error naming it: %s",
	   msg);
	prefix(&bind[1].prefix, AF_INET, "10.9.0.0", 16);
	fl.n = 0;
	ret = profile_compile(&p, bind, 2, NULL, 0, EPGATE_MODE_ENFORCE, &fl,
			      msg, sizeof(msg));
	ok(!ret && fl.n == 2 && fl.flows[1].from.family == AF_INET &&
	   fl.flows[1].to.family == AF_INET, "compile: the same family compiles");
	flowlist_free(&fl);
	profile_free(&p);
}

static void test_perror(void)
{
	struct profile_error err = { .file = "a.profile", .line = 3, .col = 7,
				     .msg = "m" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		exit(1);
	profile_perror(f, &err);
	err.col = 0;
	profile_perror(f, &err);
	err.line = 0;
	profile_perror(f, &err);
	err.file[0] = '\0';
	profile_perror(f, &err);
	fclose(f);
	ok(!strcmp(buf, "a.profile:3:7: m\na.profile:3: m\na.profile: m\nm\n"),
	   "profile_perror(): FILE:LINE:COL, FILE:LINE, FILE, or the message");
	free(buf);
}

/* Search path tests: two temporary directories on $EPGATE_PROFILE_PATH. */
static char d1[64], d2[64];

static void put(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(1);
	}
}

#define PROFILE(name, desc)						\
	"profile " name "\ndescription \"" desc "\"\ndocument d.txt\n"	\
	"role a \"A\"\nflow f\n proto tcp\n ports 80\n"			\
	" direction a -> a\n description \"x\"\nflow g\n proto udp\n"	\
	" ports 90\n direction a -> a\n description \"y\"\n"

static void test_path(void)
{
	const char *dirs[8];
	char buf[512], env[200], path[256];
	struct profile_error err = { 0 };
	struct profile p;
	char **names;
	size_t n, i;
	int ret;

	strcpy(d1, "/tmp/epgate-test-XXXXXX");
	strcpy(d2, "/tmp/epgate-test-XXXXXX");
	if (!mkdtemp(d1) || !mkdtemp(d2)) {
		perror("mkdtemp");
		exit(1);
	}

	unsetenv("EPGATE_PROFILE_PATH");
	n = profile_path(buf, sizeof(buf), dirs, 8);
	ok(n == 2 && !strcmp(dirs[0], "/etc/epgate/profiles.d") &&
	   !strcmp(dirs[1], "/usr/share/epgate/profiles"),
	   "path: the default without $EPGATE_PROFILE_PATH");
	snprintf(env, sizeof(env), ":%s::%s:%s:", d1, d2, d1);
	setenv("EPGATE_PROFILE_PATH", env, 1);
	n = profile_path(buf, sizeof(buf), dirs, 8);
	ok(n == 4 && !strcmp(dirs[0], d1) && !strcmp(dirs[1], d2) &&
	   !strcmp(dirs[2], "/etc/epgate/profiles.d"),
	   "path: empty components and repeats ignored, default after");
	ok(profile_path(buf, sizeof(buf), dirs, 3) == -E2BIG,
	   "path: more than max directories is an error, not a shorter path");
	ok(profile_path(buf, strlen(d1) + 1, dirs, 8) == -E2BIG,
	   "path: so is more than fits in the buffer");
	{
		char many[40 * 4 + 1] = "";

		for (i = 0; i < 40; i++)
			snprintf(many + strlen(many), sizeof(many) - strlen(many),
				 "%s/d%zu", i ? ":" : "", i);
		setenv("EPGATE_PROFILE_PATH", many, 1);
		ret = profile_load("eset", &p, &err);
		ok(ret == -E2BIG && !strcmp(err.msg, PROFILE_PATH_TOO_LONG),
		   "path: 40 directories: profile_load says so: %s", err.msg);
		ok(profile_list(&names) == -E2BIG, "path: ... and profile_list");
		setenv("EPGATE_PROFILE_PATH", env, 1);
	}

	put(d1, "x.profile", PROFILE("x", "x of d1"));
	put(d2, "x.profile", PROFILE("x", "x of d2"));
	put(d2, "t.profile", PROFILE("t", "t of d2"));
	put(d1, "t.override", "override t\nflow f ports 1000\n");
	put(d2, "t.override", "override t\nflow f ports 2000\nflow g ports 3000\n");
	put(d2, "Bad.profile", PROFILE("bad", "ignored"));
	put(d2, "notes.txt", "not a profile");
	put(d1, "y.profile", PROFILE("z", "mismatch"));
	put(d1, "u.override", "override u\n");
	put(d1, "v.profile", PROFILE("v", "v"));
	put(d1, "v.override", "override v\nflow h ports 1\n");
	put(d2, "e.profile", "profile e\nrole x y\n");
	put(d2, "w.profile", PROFILE("w", "w"));
	snprintf(path, sizeof(path), "%s/w.override", d1);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/dir.profile", d1);
	mkdir(path, 0700);

	ret = profile_load("x", &p, &err);
	ok(!ret && !strcmp(p.description, "x of d1") && !p.noverrides,
	   "load: the first directory wins");
	profile_free(&p);

	ret = profile_load("t", &p, &err);
	ok(!ret && p.flows[0].ranges[0].lo == 1000 &&
	   p.flows[1].ranges[0].lo == 3000 && p.noverrides == 2 &&
	   !strncmp(p.overrides[0], d2, strlen(d2)) &&
	   !strncmp(p.overrides[1], d1, strlen(d1)) &&
	   !strncmp(p.flows[0].override_file, d1, strlen(d1)) &&
	   p.flows[0].override_line == 2 && p.flows[1].override_line == 3,
	   "load: overrides of every directory, the highest priority last (%u:%u: %s)",
	   err.line, err.col, err.msg);
	profile_free(&p);

	ret = profile_load("nope", &p, &err);
	snprintf(buf, sizeof(buf),
		 "unknown profile 'nope' (searched: %s, %s, /etc/epgate/profiles.d, /usr/share/epgate/profiles)",
		 d1, d2);
	ok(ret == -ENOENT && !err.line && !err.file[0] && !strcmp(err.msg, buf),
	   "load: %s", err.msg);
	ret = profile_load("u", &p, &err);
	ok(ret == -ENOENT && !strncmp(err.msg, "unknown profile 'u' (", 21),
	   "load: an override alone is no profile");
	ret = profile_load("../x", &p, &err);
	ok(ret == -ENOENT && !err.line &&
	   !strcmp(err.msg, "unknown profile '../x' (a profile name is 1 to 31 characters of a-z 0-9 - _)"),
	   "load: %s", err.msg);
	ret = profile_load("Bad", &p, &err);
	ok(ret == -ENOENT, "load: a file with a bad name cannot be loaded");

	ret = profile_load("y", &p, &err);
	snprintf(path, sizeof(path), "%s/y.profile", d1);
	ok(ret == -EINVAL && !strcmp(err.file, path) && err.line == 1 &&
	   err.col == 9 &&
	   !strcmp(err.msg, "profile name 'z' does not match the file name 'y.profile'") &&
	   !p.flows, "load: %s", err.msg);

	ret = profile_load("v", &p, &err);
	snprintf(path, sizeof(path), "%s/v.override", d1);
	ok(ret == -EINVAL && !strcmp(err.file, path) && err.line == 2 &&
	   err.col == 6 && !strcmp(err.msg, "profile 'v' has no flow 'h'") &&
	   !p.flows, "load: an override's error is in the override file");

	ret = profile_load("e", &p, &err);
	snprintf(path, sizeof(path), "%s/e.profile", d2);
	ok(ret == -EINVAL && !strcmp(err.file, path) && err.line == 2 &&
	   err.col == 8 &&
	   !strcmp(err.msg, "expected role description as a quoted string, got 'y'") &&
	   !p.flows, "load: a profile's error is in its file");

	ret = profile_load("w", &p, &err);
	ok(!ret && !p.noverrides,
	   "load: a directory named NAME.override is skipped (with a warning)");
	profile_free(&p);

	ret = profile_load("", &p, &err);
	ok(ret == -ENOENT &&
	   !strcmp(err.msg, "unknown profile '' (a profile name is 1 to 31 characters of a-z 0-9 - _)"),
	   "load: the empty name");

	ret = profile_load("dir", &p, &err);
	ok(ret == -ENOENT && !strncmp(err.msg, "unknown profile 'dir' (", 23),
	   "load: a directory named NAME.profile is skipped: %s", err.msg);

	/* A FIFO is never opened blocking: this would hang otherwise. */
	snprintf(path, sizeof(path), "%s/fifo.profile", d1);
	mkfifo(path, 0600);
	put(d2, "fifo.profile", PROFILE("fifo", "the regular one"));
	snprintf(path, sizeof(path), "%s/fifo.override", d1);
	mkfifo(path, 0600);
	ret = profile_load("fifo", &p, &err);
	ok(!ret && !strcmp(p.description, "the regular one") && !p.noverrides,
	   "load: a FIFO named NAME.profile or .override is skipped, the next directory's file read");
	profile_free(&p);
	n = profile_list(&names);
	for (i = 0, ret = 0; i < (size_t)n && (int)n > 0; i++) {
		ret |= !strcmp(names[i], "dir");
		free(names[i]);
	}
	free(names);
	ok((int)n > 0 && !ret,
	   "list: no hang on a FIFO, no directory listed as a profile");
	snprintf(path, sizeof(path), "%s/fifo.profile", d1);
	unlink(path);
	snprintf(path, sizeof(path), "%s/fifo.override", d1);
	unlink(path);

	ret = profile_load_file("/nonexistent/a.profile", &p, &err);
	ok(ret == -ENOENT && !strcmp(err.file, "/nonexistent/a.profile") &&
	   !err.line && !strcmp(err.msg, strerror(ENOENT)),
	   "load file: %s", err.msg);
	snprintf(path, sizeof(path), "%s/y.profile", d1);
	ret = profile_load_file(path, &p, &err);
	ok(!ret && !strcmp(p.name, "z") && !strcmp(p.file, path),
	   "load file: the name need not match the file");
	profile_free(&p);
	{
		size_t big = (1U << 20) + 1;
		char *text = malloc(big + 1);
		char bigpath[256];

		memset(text, '#', big);
		text[big] = '\0';
		put(d2, "big.profile", text);
		free(text);
		snprintf(bigpath, sizeof(bigpath), "%s/big.profile", d2);
		ret = profile_load_file(bigpath, &p, &err);
		ok(ret == -EFBIG && !err.line &&
		   !strcmp(err.msg, "larger than 1048576 bytes: not a profile"),
		   "load file: %s", err.msg);
		unlink(bigpath);
	}

	ret = profile_list(&names);
	{
		const char *want[] = { "t", "v", "x", "y" };
		size_t w = 0, dir = 0;

		for (i = 0; ret > 0 && i < (size_t)ret; i++) {
			if (i && strcmp(names[i - 1], names[i]) >= 0)
				break;
			dir += !strcmp(names[i], "dir");
			if (w < 4 && !strcmp(names[i], want[w]))
				w++;
		}
		ok(ret >= 4 && i == (size_t)ret && w == 4 && !dir,
		   "list: sorted, once each, bad names, directories and other files left out");
		for (i = 0; ret > 0 && i < (size_t)ret; i++)
			free(names[i]);
		free(names);
	}
	setenv("EPGATE_PROFILE_PATH",
	       "/nonexistent/0123456789012345678901234567890123456789:"
	       "/nonexistent/1123456789012345678901234567890123456789:"
	       "/nonexistent/2123456789012345678901234567890123456789:"
	       "/nonexistent/3123456789012345678901234567890123456789", 1);
	ret = profile_load("a-b", &p, &err);
	ok(ret == -ENOENT && strlen(err.msg) == sizeof(err.msg) - 1 &&
	   !strncmp(err.msg, "unknown profile 'a-b' (searched: /nonexistent/0", 47) &&
	   !strcmp(err.msg + sizeof(err.msg) - 5, "...)"),
	   "load: a long list of directories is cut");
	ret = profile_list(&names);
	ok(ret >= 0, "list: a missing directory is skipped");
	for (i = 0; ret > 0 && i < (size_t)ret; i++)
		free(names[i]);
	free(names);
	unsetenv("EPGATE_PROFILE_PATH");

	snprintf(buf, sizeof(buf), "rm -rf '%s' '%s'", d1, d2);
	if (system(buf))
		printf("# cannot remove %s and %s\n", d1, d2);
}

/* Lint output of @text, in a buffer the caller frees. */
static char *lint(const char *text, unsigned int *n)
{
	struct profile_error err = { 0 };
	struct profile p;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (profile_parse("l.profile", text, strlen(text), &p, &err)) {
		printf("# %u:%u: %s\n", err.line, err.col, err.msg);
		*n = 99;
		return strdup("");
	}
	f = open_memstream(&buf, &len);
	if (!f)
		exit(1);
	*n = profile_lint(&p, f);
	fclose(f);
	profile_free(&p);
	return buf;
}

#define LINT_HDR							\
	"profile l\ndescription \"d\"\ndocument d\n"			\
	"role a \"A\"\nrole b \"B\"\n"	/* 5 */

#define LFLOW(name, proto, ports, dir, more)				\
	"flow " name "\n\tproto " proto "\n\tports " ports		\
	"\n\tdirection " dir "\n\tdescription \"x\"\n" more

static void test_lint(void)
{
	unsigned int n;
	char *out;

	out = lint(LINT_HDR
		   LFLOW("a", "tcp,udp", "7000-7010,8000", "a -> b", "")
		   LFLOW("b", "tcp", "7005", "b -> b", "")
		   LFLOW("c", "udp", "9000,8000", "a -> b", "")
		   LFLOW("d", "udp", "9001", "a -> b", ""), &n);
	ok(n == 1 && !strcmp(out,
	   "l.profile:16: warning: flows 'a' and 'c' overlap on udp/8000, both a -> b\n"),
	   "lint: overlap only between flows of the same roles, per protocol (%u)", n);
	if (n != 1)
		printf("# %s", out);
	free(out);

	out = lint(LINT_HDR
		   LFLOW("a", "tcp", "2222", "a -> b", "")
		   LFLOW("b", "tcp", "2220-2235", "a -> b", "")
		   LFLOW("c", "tcp", "2220-2236", "a -> b", "")
		   LFLOW("d", "tcp,udp", "3000,53", "a -> b", ""), &n);
	ok(n == 6 && !strcmp(out,
	   "l.profile:11: warning: flows 'a' and 'b' overlap on tcp/2222, both a -> b (2 pairs of flows in all)\n"
	   "l.profile:16: warning: flows 'b' and 'c' overlap on tcp/2220-2235, both a -> b\n"
	   "l.profile:6: warning: flow 'a': tcp/2222 is also the well-known port of alternative SSH (add 'service ssh' if the vendor means it)\n"
	   "l.profile:11: warning: flow 'b': tcp/2222 is also the well-known port of alternative SSH (add 'service ssh' if the vendor means it)\n"
	   "l.profile:21: warning: flow 'd': tcp/53 is also the well-known port of DNS (add 'service dns' if the vendor means it)\n"
	   "l.profile:21: warning: flow 'd': udp/53 is also the well-known port of DNS (add 'service dns' if the vendor means it)\n"),
	   "lint: well-known ports, ranges of 16 ports but not 17 (%u)", n);
	if (n != 6)
		printf("# %s", out);
	free(out);

	out = lint(LINT_HDR
		   LFLOW("a", "tcp", "2222,3128", "a -> b",
			 "\tservice ssh\n\tservice squid\n")
		   LFLOW("b", "tcp,udp", "53", "a -> b", "\tservice domain\n")
		   LFLOW("c", "tcp", "443,8080", "b -> a",
			 "\tservice https\n\tservice http-alt\n")
		   LFLOW("d", "tcp", "20000-20100,13000", "a -> a", "")
		   LFLOW("e", "udp", "100-200", "b -> b", "\tservice snmp\n"), &n);
	ok(n == 0 && !out[0],
	   "lint: service suppresses the well-known warning; wide ranges are not checked (but count for service)");
	if (n)
		printf("# %s", out);
	free(out);

	out = lint(LINT_HDR
		   LFLOW("a", "tcp", "9999", "a -> b",
			 "\tservice htps\n\tservice ssh\n")
		   LFLOW("b", "udp", "2222", "a -> b", "\tservice ssh\n"), &n);
	ok(n == 3 && !strcmp(out,
	   "l.profile:6: warning: flow 'a': unknown service 'htps' (not in epgate's table of well-known ports)\n"
	   "l.profile:6: warning: flow 'a': service 'ssh' declared, but none of its well-known ports is in the flow\n"
	   "l.profile:13: warning: flow 'b': service 'ssh' declared, but none of its well-known ports is in the flow\n"),
	   "lint: unknown and unused services (%u)", n);
	if (n != 3)
		printf("# %s", out);
	free(out);
}

/* 3,000 identical flows of 1-65535: a few lines, not 4.5 million. */
static void test_lint_many(void)
{
	size_t cap = 3000 * 120 + 256, off, i;
	char *text = malloc(cap), *out;
	unsigned int n;

	off = snprintf(text, cap, LINT_HDR);
	for (i = 0; i < 3000; i++)
		off += snprintf(text + off, cap - off,
				"flow f%zu\n\tproto tcp\n\tports 1-65535\n"
				"\tdirection a -> b\n\tdescription \"x\"\n", i);
	out = lint(text, &n);
	ok(n == 2 && !strcmp(out,
	   "l.profile:11: warning: flows 'f0' and 'f1' overlap on tcp/1-65535, both a -> b (4498500 pairs of flows in all)\n"
	   "l.profile:6: warning: flow 'f0': tcp/1-65535 opens 65535 ports, a -> b (one range of more than 4096 ports: is every one of them meant?) (3000 flows in all)\n"),
	   "lint: 3000 identical 1-65535 flows: one overlap, one wide range, each counted (%u)",
	   n);
	if (n != 2)
		printf("# %.400s", out);
	free(out);
	free(text);

	out = lint(LINT_HDR LFLOW("a", "udp", "1000-5095", "a -> b", "")
		   LFLOW("b", "udp", "10000-14096", "b -> a", ""), &n);
	ok(n == 1 && !strcmp(out,
	   "l.profile:11: warning: flow 'b': udp/10000-14096 opens 4097 ports, b -> a (one range of more than 4096 ports: is every one of them meant?)\n"),
	   "lint: 4096 ports in a range are fine, 4097 warn (%u)", n);
	free(out);
}

static void test_lint_set(void)
{
	static const char a[] = LINT_HDR
		LFLOW("x", "tcp", "8000-8100", "a -> b", "")
		LFLOW("y", "udp", "5000", "a -> b", "");
	static const char b[] =
		"profile m\ndescription \"d\"\ndocument d\n"
		"role a \"A\"\nrole b \"B\"\nrole c \"C\"\n"
		LFLOW("p", "tcp,udp", "8050", "c -> b", "")
		LFLOW("q", "udp", "5000", "a -> b", "")
		LFLOW("r", "tcp", "8100-9000", "a -> c", "");
	struct profile pa, pb, pc;
	const struct profile *set[3] = { &pa, &pb, &pc };
	struct profile_error err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	unsigned int n;
	FILE *f;

	if (profile_parse("a.profile", a, strlen(a), &pa, &err) ||
	    profile_parse("b.profile", b, strlen(b), &pb, &err) ||
	    profile_parse("c.profile", b, strlen(b), &pc, &err)) {
		ok(0, "lint set: parse: %u:%u: %s", err.line, err.col, err.msg);
		return;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		exit(1);
	n = profile_lint_set(set, 3, f);
	fclose(f);
	ok(n == 4 && !strcmp(buf,
	   "b.profile:7: warning: tcp/8050 of m:p (c -> b) is also claimed by l:x (a -> b) with different roles\n"
	   "b.profile:17: warning: tcp/8100 of m:r (a -> c) is also claimed by l:x (a -> b) with different roles\n"
	   "c.profile:7: warning: tcp/8050 of m:p (c -> b) is also claimed by l:x (a -> b) with different roles\n"
	   "c.profile:17: warning: tcp/8100 of m:r (a -> c) is also claimed by l:x (a -> b) with different roles\n"),
	   "lint set: same port, other roles; same roles and the same profile twice are fine (%u)",
	   n);
	if (n != 4)
		printf("# %s", buf);
	free(buf);
	profile_free(&pa);
	profile_free(&pb);
	profile_free(&pc);

	/* Opt-in flows and a shared service are no conflict. */
	{
		static const char c[] = LINT_HDR
			"option o \"O\"\n"
			LFLOW("x", "tcp", "443", "a -> b", "\tservice https\n")
			LFLOW("y", "tcp", "9000", "a -> b", "\toption o\n");
		static const char d[] =
			"profile m\ndescription \"d\"\ndocument d\n"
			"role a \"A\"\nrole c \"C\"\n"
			LFLOW("p", "tcp", "443", "c -> a", "\tservice https\n")
			LFLOW("q", "tcp", "9000", "c -> a", "");
		const struct profile *two[2] = { &pa, &pb };

		buf = NULL;
		if (profile_parse("c.profile", c, strlen(c), &pa, &err) ||
		    profile_parse("d.profile", d, strlen(d), &pb, &err)) {
			ok(0, "lint set: parse: %u:%u: %s", err.line, err.col,
			   err.msg);
			return;
		}
		f = open_memstream(&buf, &len);
		if (!f)
			exit(1);
		n = profile_lint_set(two, 2, f);
		fclose(f);
		ok(n == 0, "lint set: opt-in flows and one declared service are no conflict (%u)", n);
		if (n)
			printf("# %s", buf);
		free(buf);
		profile_free(&pa);
		profile_free(&pb);
	}
}

/* host ROLE NAME "WHERE": parsed, lower-cased, checked; the ESET hosts. */
static void test_hosts(void)
{
	static const char text[] = HDR
		"host a Update.Vendor.example \"table 1\"\n"
		"host a cdn.vendor.example \"table 2, row 443\"\n";
	struct profile_error err = { 0 };
	struct profile p;
	int ret;

	ret = profile_parse("t.profile", text, strlen(text), &p, &err);
	ok(!ret && p.nhosts == 2 && !strcmp(p.hosts[0].name, "update.vendor.example") &&
	   !strcmp(p.hosts[0].role, "a") && !strcmp(p.hosts[1].where, "table 2, row 443"),
	   "host lines: role, lower-case name, where (%s)", err.msg);
	profile_free(&p);
	expect("host of an unknown role", HDR "host b x.example \"w\"\n", 11, 6,
	       "unknown role 'b' (declared: a)");
	expect("host: not a hostname", HDR "host a x..example \"w\"\n", 11, 10,
	       "hostname 'x..example': empty label (two dots)");
	expect("host without where", HDR "host a x.example\n", 11, 17,
	       "missing host source (where the document names it) after 'x.example'");
	expect("duplicate host", HDR "host a x.example \"w\"\nhost a X.example \"v\"\n",
	       12, 8, "duplicate host 'x.example' of role 'a' (first at line 11)");
	ret = profile_load_file("../profiles/eset.profile", &p, &err);
	ok(!ret && p.nhosts == 5 &&
	   !strcmp(p.hosts[0].name, "gateway.push.apple.com") &&
	   !strcmp(p.hosts[0].role, "apple-push") &&
	   !strcmp(p.hosts[4].role, "eset-mobile-update"),
	   "eset binds its documented names to the roles they fully describe");
	profile_free(&p);
}

int main(void)
{
	tap_plan(211);
	test_good();
	test_hosts();
	test_lexical();
	test_strings();
	test_statements();
	test_names();
	test_ports();
	test_too_many();
	test_flows();
	test_required();
	test_override();
	test_compile();
	test_perror();
	test_path();
	test_lint();
	test_lint_many();
	test_lint_set();
	return tap_exit();
}
