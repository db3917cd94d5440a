// SPDX-License-Identifier: GPL-2.0
/*
 * The lock-out guard: SSH_CONNECTION parsing, the verdict for the session
 * (mode, hooks, interface scope, flows and per-profile monitor, as
 * kernel/hooks.c decides), the lines it prints, and the route lookup.
 */

#define _GNU_SOURCE	/* open_memstream */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/epgate.h>

#include "guard.h"
#include "route.h"
#include "tap.h"

const char *prog = "epgate";

#define V4_SESSION	"192.0.2.1 50514 10.0.0.1 22"
#define V6_SESSION	"2001:db8::1 50514 2001:db8:1::1 22"

static struct guard_session v4, v6;

static void test_parse(void)
{
	static const char * const bad[] = {
		"",
		"192.0.2.1 50514 10.0.0.1",
		"192.0.2.1 50514 10.0.0.1 22 7",
		"192.0.2.1  50514 10.0.0.1 22",
		" 192.0.2.1 50514 10.0.0.1 22",
		"192.0.2.1 50514 10.0.0.1 22 ",
		"192.0.2.1\t50514 10.0.0.1 22",
		"192.0.2.1 50514 10.0.0.1 22\n",
		"192.0.2.1 0 10.0.0.1 22",
		"192.0.2.1 65536 10.0.0.1 22",
		"192.0.2.1 022 10.0.0.1 22",
		"192.0.2.1 +22 10.0.0.1 22",
		"192.0.2.1 50514 10.0.0.1 ssh",
		"192.0.2.300 50514 10.0.0.1 22",
		"192.0.2.1/24 50514 10.0.0.1 22",
		"192.0.2.1%eth0 50514 10.0.0.1 22",
		"192.0.2.1 50514 2001:db8::1 22",
		"::ffff:192.0.2.1 50514 2001:db8::1 22",
		"fe80::1%eth0 50514 fe80::2%eth1 22",
		"fe80::1% 50514 fe80::2 22",
		"fe80::1%a/b 50514 fe80::2 22",
		"fe80::1%abcdefghijklmnopq 50514 fe80::2 22",
		"client 50514 server 22",
	};
	struct guard_session ss;
	uint8_t a[16];
	size_t i;
	int ret;

	ret = guard_parse_session(V4_SESSION, &v4);
	inet_pton(AF_INET, "10.0.0.1", a);
	ok(!ret && v4.family == AF_INET && v4.client_port == 50514 &&
	   v4.server_port == 22 && !memcmp(v4.server, a, 4) && !v4.scope[0],
	   "IPv4 session");
	ret = guard_parse_session(V6_SESSION, &v6);
	inet_pton(AF_INET6, "2001:db8:1::1", a);
	ok(!ret && v6.family == AF_INET6 && !memcmp(v6.server, a, 16),
	   "IPv6 session");
	ret = guard_parse_session("::ffff:192.0.2.1 50514 ::ffff:10.0.0.1 22",
				  &ss);
	ok(!ret && ss.family == AF_INET && !memcmp(&ss, &v4, sizeof(ss)),
	   "an IPv4-mapped pair is the IPv4 session the packets are");
	ret = guard_parse_session("fe80::1%eth0 50514 fe80::2 22", &ss);
	ok(!ret && ss.family == AF_INET6 && !strcmp(ss.scope, "eth0"),
	   "a link-local scope names the interface");
	ret = guard_parse_session("1.2.3.4 65535 5.6.7.8 1", &ss);
	ok(!ret && ss.client_port == 65535 && ss.server_port == 1,
	   "ports 1 and 65535");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char shown[64], *p;

		/* TAP lines: control characters shown as '?'. */
		snprintf(shown, sizeof(shown), "%s", bad[i]);
		for (p = shown; *p; p++)
			if (*p < ' ')
				*p = '?';
		ok(guard_parse_session(bad[i], &ss) == -EINVAL,
		   "malformed: '%s'", shown);
	}
}

static struct flowlist fl;

static void flows(const char *text)
{
	struct flowlist_error err;

	flowlist_free(&fl);
	if (flowlist_parse(text, strlen(text), &fl, &err))
		printf("# flow list: %u:%u: %s\n", err.line, err.col, err.msg);
}

/* mode enforce at forward and input, any interface: the lock-out case. */
static struct epgate_config enforce(void)
{
	struct epgate_config cfg = {
		.mode = EPGATE_MODE_ENFORCE,
		.hooks = EPGATE_HOOK_FORWARD | EPGATE_HOOK_INPUT,
	};

	return cfg;
}

#define CUTS(cfg, ss, ifname, text, why)				\
	do {								\
		flows(text);						\
		ok(guard_judge(&(cfg), &fl, &(ss), ifname) == GUARD_CUTS, \
		   "cut: %s", why);					\
	} while (0)
#define KEEPS(cfg, ss, ifname, text, why)				\
	do {								\
		flows(text);						\
		ok(guard_judge(&(cfg), &fl, &(ss), ifname) == GUARD_KEEPS, \
		   "kept: %s", why);					\
	} while (0)

static void test_scope(void)
{
	struct epgate_config cfg = enforce();

	CUTS(cfg, v4, NULL, "", "enforce, input hooked, no flow");
	cfg.mode = EPGATE_MODE_MONITOR;
	KEEPS(cfg, v4, NULL, "", "monitor drops nothing");
	cfg.mode = EPGATE_MODE_OFF;
	KEEPS(cfg, v4, NULL, "", "off drops nothing");

	cfg = enforce();
	cfg.hooks = EPGATE_HOOK_FORWARD;
	KEEPS(cfg, v4, NULL, "", "forward only: the session is not forwarded");
	cfg.hooks = EPGATE_HOOK_OUTPUT;
	KEEPS(cfg, v4, NULL, "",
	      "output only: the replies are judged as their connection, an INPUT one");
	cfg.hooks = EPGATE_HOOK_INPUT;
	CUTS(cfg, v4, NULL, "", "input only");

	cfg = enforce();
	cfg.nout = 1;
	strcpy(cfg.out[0], "eth0");
	KEEPS(cfg, v4, "eth0", "",
	      "an out list: a connection to this host has no output interface");

	cfg = enforce();
	cfg.nin = 2;
	strcpy(cfg.in[0], "eth1");
	strcpy(cfg.in[1], "eth2");
	KEEPS(cfg, v4, "eth0", "", "in eth1,eth2, session on eth0");
	CUTS(cfg, v4, "eth2", "", "in eth1,eth2, session on eth2");
	CUTS(cfg, v4, NULL, "",
	     "in eth1,eth2, session's interface unknown: in scope");
	cfg.nin = 0;
	CUTS(cfg, v4, "eth0", "", "in any");
}

static void test_flows(void)
{
	struct epgate_config cfg = enforce();
	char many[17 * 64];
	size_t i, n = 0;

	KEEPS(cfg, v4, NULL, "admin ssh tcp 22 any any\n", "tcp/22 from any");
	KEEPS(cfg, v4, NULL, "admin ssh tcp 22 192.0.2.0/24 10.0.0.1\n",
	      "tcp/22 bound to the client's network and this server");
	KEEPS(cfg, v4, NULL, "admin ssh tcp 20-30,443 any any\n",
	      "tcp/22 in a range");
	CUTS(cfg, v4, NULL, "admin ssh tcp 22 198.51.100.0/24 any\n",
	     "tcp/22 bound to other clients");
	CUTS(cfg, v4, NULL, "admin ssh tcp 22 any 10.0.0.2\n",
	     "tcp/22 bound to another server");
	CUTS(cfg, v4, NULL, "admin ssh udp 22 any any\n", "udp/22 only");
	CUTS(cfg, v4, NULL, "admin ssh tcp 2222 any any\n", "tcp/2222 only");
	CUTS(cfg, v4, NULL, "admin ssh tcp 50514 any any\n",
	     "the client's port allowed: no source-port bypass");
	CUTS(cfg, v4, NULL, "admin ssh tcp 22 10.0.0.1 192.0.2.1\n",
	     "tcp/22 from the server to the client: the wrong way round");
	CUTS(cfg, v4, NULL, "admin ssh tcp 22 2001:db8::/32 any\n",
	     "tcp/22 bound to IPv6 clients, session over IPv4");

	/* Per-profile monitor, as hooks.c: would-drop is no drop. */
	KEEPS(cfg, v4, NULL, "mon ssh tcp 22 198.51.100.0/24 any monitor\n",
	      "tcp/22 of a monitored profile only, bound elsewhere: would-drop");
	CUTS(cfg, v4, NULL,
	     "mon ssh tcp 22 198.51.100.0/24 any monitor\n"
	     "adm ssh tcp 22 203.0.113.0/24 any\n",
	     "tcp/22 of a monitored and an enforced profile, both bound elsewhere");
	KEEPS(cfg, v4, NULL,
	      "adm ssh tcp 22 203.0.113.0/24 any\n"
	      "mon ssh tcp 22 192.0.2.1 any monitor\n",
	      "a monitored profile's flow that matches allows");
	CUTS(cfg, v4, NULL, "mon other tcp 443 any any monitor\n",
	     "a monitored profile without tcp/22");

	KEEPS(cfg, v6, NULL, "admin ssh tcp 22 2001:db8::/64 2001:db8:1::1\n",
	      "IPv6 session, tcp/22 bound to it");
	CUTS(cfg, v6, NULL, "admin ssh tcp 22 192.0.2.0/24 any\n",
	     "IPv6 session, tcp/22 bound to IPv4 clients");

	/* 17 flows on one port: the builder refuses, and so does the module. */
	for (i = 0; i < 17; i++)
		n += snprintf(many + n, sizeof(many) - n,
			      "admin f%zu tcp 22 198.51.100.%zu any\n", i, i);
	KEEPS(cfg, v4, NULL, many,
	      "a set the table builder refuses: the module refuses it too");
}

/* What guard_decide() prints, in *out (free it). */
static int decide(char **out, const struct guard_session *ss,
		  unsigned int confirm, bool force)
{
	struct epgate_config cfg = enforce();
	size_t len;
	FILE *f = open_memstream(out, &len);
	int ret;

	ret = guard_decide(f, "mode", ss, &cfg, &fl, NULL, confirm, force);
	fclose(f);
	return ret;
}

static void test_decide(void)
{
	char *out;
	int ret;

	flows("admin ssh tcp 2222 any any\n");
	ret = decide(&out, &v4, 0, false);
	ok(ret == -EPERM && !strcmp(out,
	   "epgate: mode: refused: this change would cut your SSH session (tcp 192.0.2.1:50514 -> 10.0.0.1:22): no enabled flow allows tcp/22 from 192.0.2.1 to 10.0.0.1; add one, or retry with --confirm SECONDS (rolled back unless confirmed) or --force\n"),
	   "refused: one line naming the session and the missing flow");
	printf("# %s", out);
	free(out);

	ret = decide(&out, &v6, 0, false);
	ok(ret == -EPERM && strstr(out,
	   "(tcp [2001:db8::1]:50514 -> [2001:db8:1::1]:22): no enabled flow allows tcp/22 from 2001:db8::1 to 2001:db8:1::1;"),
	   "IPv6 addresses in brackets with a port, bare without");
	free(out);

	ret = decide(&out, &v4, 30, false);
	ok(ret == 0 && !strcmp(out,
	   "epgate: mode: warning: this change cuts your SSH session (tcp 192.0.2.1:50514 -> 10.0.0.1:22): no enabled flow allows tcp/22 from 192.0.2.1 to 10.0.0.1; it is rolled back in 30 s unless 'epgate confirm' comes another way\n"),
	   "--confirm 30: a warning line, and on");
	free(out);

	ret = decide(&out, &v4, 0, true);
	ok(ret == 0 && !strncmp(out,
	   "epgate: mode: warning: --force: this change cuts your SSH session (tcp 192.0.2.1:50514 -> 10.0.0.1:22)",
	   100) && strchr(out, '\n') == out + strlen(out) - 1,
	   "--force: a one-line note, and on");
	free(out);

	flows("admin ssh tcp 22 any any\n");
	ret = decide(&out, &v4, 0, false);
	ok(ret == 0 && !*out, "kept: nothing said");
	free(out);
}

/* Run guard_check() with stderr kept in *out (free it). */
static int check_env(const char *env, char **out)
{
	struct epgate_config cfg = enforce();
	char path[] = "/tmp/test_guard.XXXXXX";
	int fd = mkstemp(path), saved = dup(2), ret;
	FILE *f;
	long n;

	if (env)
		setenv("SSH_CONNECTION", env, 1);
	else
		unsetenv("SSH_CONNECTION");
	fflush(stderr);
	dup2(fd, 2);
	ret = guard_check("config", &cfg, &fl);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	n = lseek(fd, 0, SEEK_END);
	*out = calloc(1, n + 1);
	fseek(f, 0, SEEK_SET);
	if (fread(*out, 1, n, f) != (size_t)n)
		**out = '\0';
	fclose(f);
	unlink(path);
	return ret;
}

static void test_check(void)
{
	char *out;
	int ret;

	flows("");
	ret = check_env(NULL, &out);
	ok(ret == 0 && !*out, "no SSH_CONNECTION: no check, nothing said");
	free(out);
	ret = check_env("", &out);
	ok(ret == 0 && !*out, "an empty SSH_CONNECTION is none");
	free(out);
	ret = check_env("192.0.2.1 50514 10.0.0.1", &out);
	ok(ret == 0 && !strcmp(out,
	   "epgate: config: warning: SSH_CONNECTION is not 'CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT'; no lock-out check\n"),
	   "malformed SSH_CONNECTION: one warning line, and on");
	free(out);
	ret = check_env(V4_SESSION, &out);
	ok(ret == -EPERM && strstr(out, "epgate: config: refused: ") == out,
	   "SSH_CONNECTION cut: refused");
	free(out);
	epgate_force = true;
	ret = check_env(V4_SESSION, &out);
	ok(ret == 0 && strstr(out, "--force"), "... and with --force, on");
	epgate_force = false;
	free(out);
	epgate_confirm_secs = 5;
	ret = check_env(V4_SESSION, &out);
	ok(ret == 0 && strstr(out, "rolled back in 5 s"),
	   "... and with --confirm 5, on");
	epgate_confirm_secs = 0;
	free(out);
	unsetenv("SSH_CONNECTION");
}

static void test_route(void)
{
	char ifname[IF_NAMESIZE] = "";
	uint8_t lo[4] = { 127, 0, 0, 1 };
	int ret;

	ret = route_oif(AF_INET, lo, NULL, ifname);
	ok(ret == 0 && !strcmp(ifname, "lo"),
	   "route to 127.0.0.1: lo (%s)", ret ? strerror(-ret) : ifname);
	ret = route_oif(AF_INET, lo, lo, ifname);
	ok(ret == 0 && !strcmp(ifname, "lo"), "from 127.0.0.1 as well");
}

int main(void)
{
	tap_plan(69);
	test_parse();
	test_scope();
	test_flows();
	test_decide();
	test_check();
	test_route();
	flowlist_free(&fl);
	return tap_exit();
}
