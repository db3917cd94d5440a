/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EPGATE_STATUS_H
#define EPGATE_STATUS_H

#include <stdint.h>
#include <linux/netlink.h>

struct epgate_status {
	char version[32];
	uint32_t abi_version;
	uint8_t mode;
	unsigned int seen;	/* bit per EPGATE_A_* received */
};

/* Parse one EPGATE_CMD_GET_STATUS reply. Returns an MNL_CB_* value. */
int status_parse(const struct nlmsghdr *nlh, void *data);

const char *mode_name(unsigned int mode);

#endif
