/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The GET_STATUS message (statusmsg.c): what every command reads before
 * anything else, and the ABI check.  The `status` command prints it
 * (status.h).
 */
#ifndef EPGATE_STATUSMSG_H
#define EPGATE_STATUSMSG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/netlink.h>
#include <linux/epgate.h>

#include "genl.h"

struct flowset_profile;
struct flowlist;
struct names;

struct epgate_status {
	char version[32];
	uint32_t abi_version;
	uint8_t mode;
	uint32_t hooks;
	uint32_t mark_value;
	uint32_t mark_mask;
	uint32_t log_flags;		/* EPGATE_LOG_*; absent (old module): 0 */
	uint16_t log_group;		/* NFLOG group; absent: 0 */
	int32_t priority;		/* of the hooks */
	uint8_t other;			/* enum epgate_other */
	uint32_t offload_last;		/* taken out of flowtables by the */
	uint64_t offload_total;		/* last change; by all changes */
	uint32_t rollback_secs;		/* 0: no change awaits its confirm */
	uint64_t rollbacks;		/* rollbacks so far */
	unsigned int nin, nout;		/* 0: any interface */
	char in[EPGATE_MAX_IFACES][EPGATE_IFNAME_MAX];
	char out[EPGATE_MAX_IFACES][EPGATE_IFNAME_MAX];
	uint64_t generation;
	uint64_t table_bytes;
	uint32_t nflows;
	uint64_t counters[EPGATE_CTR_MAX + 1];	/* by EPGATE_CTR_* */
	/* Enabled profiles (GET_PROFILES), when fetched; else NULL. */
	const struct flowset_profile *profiles;
	size_t nprofiles;
	/* The flows and their address sets, when fetched; else NULL. */
	const struct flowlist *fl;
	/* The followed hostnames (the names state file), or NULL; at @now. */
	const struct names *names;
	int64_t now;
	unsigned int seen;		/* bit per EPGATE_A_* received */
	unsigned int ctr_seen;		/* bit per EPGATE_CTR_* received */
};

/*
 * Parse one EPGATE_CMD_GET_STATUS reply. Returns an MNL_CB_* value; on
 * MNL_CB_ERROR errno is EBADMSG.
 */
int status_parse(const struct nlmsghdr *nlh, void *data);

/*
 * Name of the first attribute a complete reply lacks, NULL if none.  The
 * interface lists are optional (absent: any), and so are the log settings
 * (a module older than drop logging: off).
 */
const char *status_missing(const struct epgate_status *st);

/*
 * Open the family and check that the module speaks this tool's ABI, as
 * every command does before anything else.  Prints the one-line error
 * (prefixed with @cmd for request errors) and returns a negative errno.
 */
int status_connect(struct epgate_genl *g, const char *cmd);

/* status_connect(), keeping the status, which must be complete. */
int status_open(struct epgate_genl *g, struct epgate_status *st,
		const char *cmd);

/* GET_STATUS on an open socket: 0, or -EBADMSG if incomplete. */
int status_fetch(struct epgate_genl *g, struct epgate_status *st);

const char *mode_name(unsigned int mode);
const char *other_name(unsigned int other);

/*
 * After a change, on stdout: how many offloaded connections it took out of
 * the flowtables (EPGATE_A_OFFLOAD_LAST), when any, and when a rollback
 * is pending, in how many seconds.
 */
void status_report_change(struct epgate_genl *g, const char *cmd);

#endif
