/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EPGATE_GENL_H
#define EPGATE_GENL_H

#include <stdint.h>
#include <libmnl/libmnl.h>

struct epgate_genl {
	struct mnl_socket *nl;
	uint16_t family_id;
	uint32_t family_version;
	uint32_t portid;
	uint32_t seq;
	/* extack message of the last failed request, "" if none. */
	char ext_msg[256];
	/* A part of the last dump had NLM_F_DUMP_INTR. */
	int dump_intr;
};

/*
 * Open a generic netlink socket and resolve the "epgate" family.
 * Returns 0, -ENOENT when the family is not registered (module absent), or
 * another negative errno.
 */
int epgate_genl_open(struct epgate_genl *g);
void epgate_genl_close(struct epgate_genl *g);

/* Start a request for @cmd of the epgate family in @buf. */
struct nlmsghdr *epgate_genl_msg(struct epgate_genl *g, void *buf,
				 uint8_t cmd, uint16_t flags);

/*
 * Send @nlh and run @cb on every reply until the request is acknowledged or
 * the dump is done (NLMSG_DONE, whose errno counts).  Returns 0 or a
 * negative errno; on a kernel error the extack message, if any, is left in
 * g->ext_msg.  -EINTR: the whole dump was read but the kernel flagged it
 * NLM_F_DUMP_INTR (the data changed meanwhile); the caller should discard
 * what @cb collected and dump again.  The buffer of @nlh may be larger than
 * MNL_SOCKET_BUFFER_SIZE: the send buffer is raised to fit.
 */
int epgate_genl_talk(struct epgate_genl *g, struct nlmsghdr *nlh,
		     mnl_cb_t cb, void *data);

/*
 * Run @cb over the replies in one received buffer: MNL_CB_OK when more are
 * to come, MNL_CB_STOP when the request is done, or a negative errno.
 * Sets g->ext_msg and g->dump_intr.  The receive half of
 * epgate_genl_talk(), apart for the tests.
 */
int epgate_genl_run(struct epgate_genl *g, const void *buf, size_t len,
		    uint32_t seq, mnl_cb_t cb, void *data);

/* One-line explanation for an error of epgate_genl_open()/talk(). */
const char *epgate_genl_strerror(const struct epgate_genl *g, int err);

/*
 * --confirm SECONDS of the command line (0: none): every request that
 * changes the policy carries it (EPGATE_A_CONFIRM_SECS) through
 * epgate_genl_put_confirm(); the kernel then rolls the change back by
 * itself unless `epgate confirm` comes in time.
 */
extern unsigned int epgate_confirm_secs;
void epgate_genl_put_confirm(struct nlmsghdr *nlh);

/* Bytes epgate_genl_put_confirm() may add to a request. */
#define EPGATE_CONFIRM_ATTR_SIZE	8

#endif
