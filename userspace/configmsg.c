// SPDX-License-Identifier: GPL-2.0
/*
 * The attributes of a configuration in a request: SET_CONFIG's, and the
 * same settings on the commit of a SET_FLOWS transaction (`epgate apply`).
 * Message building only, so that flowset.c needs nothing else of config.c.
 */

#include <libmnl/libmnl.h>
#include <linux/epgate.h>

#include "config.h"

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
