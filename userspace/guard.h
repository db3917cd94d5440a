/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lock-out guard: a change that would drop the SSH session the command
 * arrives over is refused, with the flow that is missing, unless it carries
 * --confirm SECONDS (the kernel rolls it back unless confirmed) or --force.
 *
 * The session is SSH_CONNECTION, "CLIENT_IP CLIENT_PORT SERVER_IP
 * SERVER_PORT" as sshd sets it: a TCP connection from the client to this
 * gateway.  Whether the state after the change drops it is decided as
 * kernel/hooks.c decides, with the module's table code (flowtable.h).
 *
 * Every changing command calls guard_change() once the state it is about
 * to send is known and before it sends anything; one that knows the whole
 * state after the change (configuration and flow set) may call
 * guard_check() instead.
 */
#ifndef EPGATE_GUARD_H
#define EPGATE_GUARD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>

#include "config.h"
#include "flowlist.h"
#include "genl.h"

/* --force of the command line: a cut session is no reason to refuse. */
extern bool epgate_force;

struct guard_session {
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t client[16];		/* network byte order */
	uint8_t server[16];
	uint16_t client_port;
	uint16_t server_port;
	/* An IPv6 address's %SCOPE (link-local): its interface; else "". */
	char scope[IF_NAMESIZE];
};

/*
 * Parse SSH_CONNECTION: exactly four words separated by single spaces, two
 * addresses of one family (an IPv4-mapped IPv6 pair is taken as the IPv4
 * addresses the packets carry) and two ports 1..65535 in plain decimal.
 * Returns 0 or -EINVAL.
 */
int guard_parse_session(const char *s, struct guard_session *ss);

enum {
	GUARD_KEEPS,	/* not enforced, out of scope, or a flow allows it */
	GUARD_CUTS,
};

/*
 * Would the state @cfg + @fl drop @ss?  @cfg is the whole configuration
 * after the change: its mode, hooks, in and out are read, its set bits are
 * not.  @fl is the whole flow set after the change.  @ifname is the
 * interface toward the client, NULL when unknown: an `in` list then counts
 * the session in scope.  Returns GUARD_KEEPS, GUARD_CUTS or -ENOMEM; a
 * set the table builder refuses is GUARD_KEEPS (the module refuses it
 * too, so nothing changes).
 */
int guard_judge(const struct epgate_config *cfg, const struct flowlist *fl,
		const struct guard_session *ss, const char *ifname);

/*
 * guard_judge(), then what the command does about it, said on @f: a cut
 * session without @confirm_secs or @force is refused with one line
 * (-EPERM); with them a warning line, and 0.  0 when the session is kept;
 * -ENOMEM after a line.
 */
int guard_decide(FILE *f, const char *cmd, const struct guard_session *ss,
		 const struct epgate_config *cfg, const struct flowlist *fl,
		 const char *ifname, unsigned int confirm_secs, bool force);

/*
 * The check of a command that knows the whole state after the change
 * (@cfg as for guard_judge(), @fl): the session from SSH_CONNECTION, the
 * interface toward the client from the routing table when @cfg has an `in`
 * list, --confirm and --force from the command line, lines on stderr.
 * Returns 0 (no session, a malformed SSH_CONNECTION after a warning line,
 * the session kept, or cut but --confirm/--force given) or a negative
 * errno after the line (-EPERM: refused); then the command must change
 * nothing and exit 1.
 */
int guard_check(const char *cmd, const struct epgate_config *cfg,
		const struct flowlist *fl);

/*
 * The same for a change: @change holds the settings the command sets (its
 * set bits say which; NULL: none), @fl the whole flow set after it (NULL:
 * the module's stays).  What the change leaves alone is read from the
 * module through @g (NULL: a connection of its own), and only when a
 * session is present and could be cut.  Same returns as guard_check().
 */
int guard_change(struct epgate_genl *g, const char *cmd,
		 const struct epgate_config *change, const struct flowlist *fl);

#endif
