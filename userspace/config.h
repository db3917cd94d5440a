/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EPGATE_CMD_SET_CONFIG from command-line words: `epgate config` and
 * `epgate mode`.  Parsing and message building are pure, for the tests.
 */
#ifndef EPGATE_CONFIG_H
#define EPGATE_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/epgate.h>

/* Which settings a request carries (struct epgate_config.set). */
#define CONFIG_MODE	(1U << 0)
#define CONFIG_HOOKS	(1U << 1)
#define CONFIG_IN	(1U << 2)
#define CONFIG_OUT	(1U << 3)
#define CONFIG_MARK	(1U << 4)
#define CONFIG_LOG	(1U << 5)
#define CONFIG_PRIORITY	(1U << 6)
#define CONFIG_OTHER	(1U << 7)

struct epgate_config {
	unsigned int set;
	uint8_t mode;
	uint32_t hooks;
	uint32_t mark_value;
	uint32_t mark_mask;
	uint32_t log_flags;		/* EPGATE_LOG_*, 0: off */
	uint16_t log_group;		/* with EPGATE_LOG_NFLOG */
	int32_t priority;		/* EPGATE_PRIORITY_MIN..MAX */
	uint8_t other;			/* enum epgate_other */
	unsigned int nin, nout;		/* 0 with CONFIG_IN/OUT: any */
	char in[EPGATE_MAX_IFACES][EPGATE_IFNAME_MAX];
	char out[EPGATE_MAX_IFACES][EPGATE_IFNAME_MAX];
};

/*
 * Parse the words after `config` into @cfg.  Returns 0, or -EINVAL with a
 * one-line message quoting the offending word in @err (empty when the
 * words are not even the right shape: no setting at all; print usage).
 */
int config_parse(int argc, const char *argv[], struct epgate_config *cfg,
		 char *err, size_t errlen);

/* off|monitor|enforce into an enum epgate_mode; -EINVAL if none. */
int config_parse_mode(const char *word, uint8_t *mode);

/* accept|drop into an enum epgate_other; -EINVAL if neither. */
int config_parse_other(const char *word, uint8_t *other);

/* Every setting of a GET_STATUS reply, all of them set. */
struct epgate_status;
void config_from_status(struct epgate_config *cfg,
			const struct epgate_status *st);

/* The settings @change has set, over those of @cfg. */
void config_merge(struct epgate_config *cfg,
		  const struct epgate_config *change);

/* Append the attributes of @cfg to a SET_CONFIG request. */
void config_put(struct nlmsghdr *nlh, const struct epgate_config *cfg);

/* One SET_CONFIG of @cfg on an open socket, silent: 0 or -errno. */
struct epgate_genl;
int config_send_on(struct epgate_genl *g, const struct epgate_config *cfg);

/* Send @cfg as one SET_CONFIG; prints the error line.  0 or -errno. */
int config_send(const struct epgate_config *cfg, const char *cmd);

#endif
