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
 * the dump is done.  Returns 0 or a negative errno; on a kernel error the
 * extack message, if any, is left in g->ext_msg.
 */
int epgate_genl_talk(struct epgate_genl *g, struct nlmsghdr *nlh,
		     mnl_cb_t cb, void *data);

/* One-line explanation for an error of epgate_genl_open()/talk(). */
const char *epgate_genl_strerror(const struct epgate_genl *g, int err);

#endif
