/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EPGATE_STATS_H
#define EPGATE_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/netlink.h>
#include <linux/epgate.h>

struct stats_flow {
	char profile[EPGATE_NAME_MAX];
	char name[EPGATE_NAME_MAX];
	uint8_t proto;		/* IPPROTO_* */
	uint8_t mode;		/* enum epgate_mode */
	uint64_t packets;
	uint64_t bytes;
};

struct stats {
	struct stats_flow *flows;	/* in dump order */
	size_t n;
	size_t alloc;
};

/*
 * Append the flow of one GET_FLOWS dump message to @data (a struct stats).
 * Returns an MNL_CB_* value; on MNL_CB_ERROR errno is EBADMSG or ENOMEM.
 */
int stats_parse(const struct nlmsghdr *nlh, void *data);
void stats_free(struct stats *s);

void stats_print(const struct stats *s, FILE *f);
void stats_print_json(const struct stats *s, FILE *f);

#endif
