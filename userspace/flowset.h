/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's flow set as a whole: read it back (GET_PROFILES, GET_SETS
 * and GET_FLOWS dumps, checked against the generation), and write it (one
 * SET_FLOWS transaction, split over as many messages as the 64 KiB
 * attribute limit needs).  enable and disable are a read, a change in
 * memory and a write that the kernel refuses if anything changed between.
 */
#ifndef EPGATE_FLOWSET_H
#define EPGATE_FLOWSET_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/epgate.h>

#include "flowlist.h"
#include "genl.h"

struct flowset_profile {
	char name[EPGATE_NAME_MAX];
	uint8_t mode;			/* EPGATE_MODE_MONITOR or _ENFORCE */
	uint32_t nflows;		/* as dumped; recomputed on write */
	uint16_t udlen;
	char userdata[EPGATE_USERDATA_MAX + 1];	/* NUL after udlen bytes */
	uint64_t packets, bytes;	/* as dumped */
	uint64_t would_drop;		/* as dumped; 0 if absent */
	uint64_t dropped;		/* as dumped; 0 if absent */
};

struct flowset {
	uint64_t generation;		/* of the snapshot read */
	struct flowlist fl;		/* in priority order */
	uint64_t *packets, *bytes;	/* per flow, as dumped (may be NULL) */
	struct flowset_profile *profiles;
	size_t nprofiles;
};

/* The profiles only (fs->fl stays empty), retried on NLM_F_DUMP_INTR. */
int flowset_read_profiles(struct epgate_genl *g, struct flowset *fs);

/* A consistent snapshot: retried while the set changes under the dumps. */
int flowset_read(struct epgate_genl *g, struct flowset *fs);

/*
 * Replace the module's set with @fs in one transaction.  With
 * @check_generation the kernel refuses (-ESTALE) if the set is no longer
 * fs->generation.  Errors leave the extack message in g->ext_msg.
 */
int flowset_write(struct epgate_genl *g, const struct flowset *fs,
		  bool check_generation);

/*
 * Writers contend: -ESTALE (the set changed since it was read) and -EBUSY
 * (another socket's multi-message transaction is open) are worth another
 * try.  flowset_retry() says whether to try again after attempt number
 * @attempt (0, 1, ...) failed with @err, and waits before saying yes:
 * exponential from 5 ms, about 10 s over FLOWSET_RETRIES attempts.
 */
#define FLOWSET_RETRIES	36
bool flowset_retry(int err, unsigned int attempt);

/* flowset_write() of a whole replacement (no generation check), retried. */
int flowset_write_retry(struct epgate_genl *g, const struct flowset *fs);

/*
 * The same with the settings of @cfg (NULL or nothing set: none) on the
 * commit: flows and configuration change in one kernel transaction.
 */
struct epgate_config;
int flowset_write_config(struct epgate_genl *g, const struct flowset *fs,
			 const struct epgate_config *cfg);

/* Messages flowset_write() would send for @fs (for tests and messages). */
size_t flowset_messages(const struct flowset *fs);

void flowset_free(struct flowset *fs);

/* Index of profile @name in @fs, or -1. */
int flowset_profile_index(const struct flowset *fs, const char *name);

/* Drop the flows and the profile entry of @name. */
void flowset_remove_profile(struct flowset *fs, const char *name);

/* Parsers of one dumped EPGATE_A_FLOW / EPGATE_A_PROFILE nest (tests). */
int flowset_parse_flow(const struct nlattr *nest, struct flowlist_flow *f,
		       uint64_t *packets, uint64_t *bytes);
int flowset_parse_profile(const struct nlattr *nest,
			  struct flowset_profile *p);
/*
 * One dumped EPGATE_A_SET nest: its ID, and its name and prefixes appended
 * to @s (zeroed or freed by the caller).  0, -EBADMSG or -ENOMEM.
 */
int flowset_parse_set(const struct nlattr *nest, uint32_t *id,
		      struct flowlist_set *s);

#endif
