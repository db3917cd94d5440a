// SPDX-License-Identifier: GPL-2.0
/*
 * A configuration as data: read from a GET_STATUS reply, changed by the
 * settings of a request, and put in a request (SET_CONFIG's attributes,
 * and the same on the commit of a SET_FLOWS transaction for `apply`).
 * Nothing here talks to the module, so that flowset.c, guard.c and save.c
 * need nothing else of config.c.
 */

#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/epgate.h>

#include "config.h"
#include "statusmsg.h"

#define CONFIG_ALL	(CONFIG_MODE | CONFIG_HOOKS | CONFIG_IN | CONFIG_OUT | \
			 CONFIG_MARK | CONFIG_LOG | CONFIG_PRIORITY | CONFIG_OTHER)

void config_from_status(struct epgate_config *cfg,
			const struct epgate_status *st)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->set = CONFIG_ALL;
	cfg->mode = st->mode;
	cfg->hooks = st->hooks;
	cfg->mark_value = st->mark_value;
	cfg->mark_mask = st->mark_mask;
	cfg->log_flags = st->log_flags;
	cfg->log_group = st->log_group;
	cfg->priority = st->priority;
	cfg->other = st->other;
	cfg->nin = st->nin;
	memcpy(cfg->in, st->in, sizeof(cfg->in));
	cfg->nout = st->nout;
	memcpy(cfg->out, st->out, sizeof(cfg->out));
}

void config_merge(struct epgate_config *cfg, const struct epgate_config *change)
{
	if (change->set & CONFIG_MODE)
		cfg->mode = change->mode;
	if (change->set & CONFIG_HOOKS)
		cfg->hooks = change->hooks;
	if (change->set & CONFIG_IN) {
		cfg->nin = change->nin;
		memcpy(cfg->in, change->in, sizeof(cfg->in));
	}
	if (change->set & CONFIG_OUT) {
		cfg->nout = change->nout;
		memcpy(cfg->out, change->out, sizeof(cfg->out));
	}
	if (change->set & CONFIG_MARK) {
		cfg->mark_value = change->mark_value;
		cfg->mark_mask = change->mark_mask;
	}
	if (change->set & CONFIG_LOG) {
		cfg->log_flags = change->log_flags;
		/* `log kernel` keeps the group, as the module does. */
		if (change->log_flags & EPGATE_LOG_NFLOG)
			cfg->log_group = change->log_group;
	}
	if (change->set & CONFIG_PRIORITY)
		cfg->priority = change->priority;
	if (change->set & CONFIG_OTHER)
		cfg->other = change->other;
	cfg->set |= change->set;
}

static void put_ifaces(struct nlmsghdr *nlh, uint16_t type,
		       const char (*names)[EPGATE_IFNAME_MAX], unsigned int n)
{
	struct nlattr *list, *entry;
	unsigned int i;

	list = mnl_attr_nest_start(nlh, type);
	for (i = 0; i < n; i++) {
		entry = mnl_attr_nest_start(nlh, i + 1);
		mnl_attr_put_strz(nlh, EPGATE_IFACE_NAME, names[i]);
		mnl_attr_nest_end(nlh, entry);
	}
	mnl_attr_nest_end(nlh, list);
}

void config_put(struct nlmsghdr *nlh, const struct epgate_config *cfg)
{
	if (cfg->set & CONFIG_MODE)
		mnl_attr_put_u8(nlh, EPGATE_A_MODE, cfg->mode);
	if (cfg->set & CONFIG_HOOKS)
		mnl_attr_put_u32(nlh, EPGATE_A_HOOKS, cfg->hooks);
	if (cfg->set & CONFIG_MARK) {
		mnl_attr_put_u32(nlh, EPGATE_A_MARK_VALUE, cfg->mark_value);
		mnl_attr_put_u32(nlh, EPGATE_A_MARK_MASK, cfg->mark_mask);
	}
	if (cfg->set & CONFIG_LOG) {
		mnl_attr_put_u32(nlh, EPGATE_A_LOG_FLAGS, cfg->log_flags);
		/* The group only with nflog: `log kernel` keeps it as is. */
		if (cfg->log_flags & EPGATE_LOG_NFLOG)
			mnl_attr_put_u16(nlh, EPGATE_A_LOG_GROUP,
					 cfg->log_group);
	}
	if (cfg->set & CONFIG_PRIORITY)
		mnl_attr_put_u32(nlh, EPGATE_A_PRIORITY, (uint32_t)cfg->priority);
	if (cfg->set & CONFIG_OTHER)
		mnl_attr_put_u8(nlh, EPGATE_A_OTHER, cfg->other);
	if (cfg->set & CONFIG_IN)
		put_ifaces(nlh, EPGATE_A_IFACES_IN, cfg->in, cfg->nin);
	if (cfg->set & CONFIG_OUT)
		put_ifaces(nlh, EPGATE_A_IFACES_OUT, cfg->out, cfg->nout);
}
