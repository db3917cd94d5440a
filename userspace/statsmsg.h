/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EPGATE_STATSMSG_H
#define EPGATE_STATSMSG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/netlink.h>
#include <linux/epgate.h>

#include "flowset.h"
#include "genl.h"

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
	/* GET_PROFILES, in dump order (owned; NULL when not read). */
	struct flowset_profile *profiles;
	size_t nprofiles;
	/* GET_STATUS: the global mode and counters, by EPGATE_CTR_*. */
	uint8_t mode;
	uint64_t counters[EPGATE_CTR_MAX + 1];
};

/*
 * Append the flow of one GET_FLOWS dump message to @data (a struct stats).
 * Returns an MNL_CB_* value; on MNL_CB_ERROR errno is EBADMSG or ENOMEM.
 */
int stats_parse(const struct nlmsghdr *nlh, void *data);
void stats_free(struct stats *s);

/*
 * Fill @s (emptied first) from the module: the global counters, the
 * profiles when @profiles, and the flows.  A dump torn by a concurrent
 * load is taken again; -EINTR if every try was.  0 or a negative errno.
 */
/* A dump torn by concurrent loads this many times in a row: give up. */
#define STATS_DUMP_TRIES 3

int stats_read(struct epgate_genl *g, struct stats *s, int profiles);

/* "tcp", "udp", or the number in @buf. */
const char *stats_proto_name(uint8_t proto, char *buf, size_t len);

/* Decimal digits of @v. */
int stats_digits(uint64_t v);

/*
 * Human: the profiles table, a blank line, the flows table.  JSON: one
 * object {"profiles": [...], "flows": [...], "counters": {...}}.
 */
void stats_print(const struct stats *s, FILE *f);
void stats_print_json(const struct stats *s, FILE *f);

#endif
