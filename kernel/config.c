// SPDX-License-Identifier: GPL-2.0
/*
 * EPGATE_CMD_SET_CONFIG: mode, hooks, interface scope and mark.
 *
 * The configuration is copied, changed and swapped in whole, so the hook
 * never sees half of an update.  Conntrack is taken for the namespace while
 * the mode is not off: verdicts follow the connection's original direction
 * and conntrack only attaches to packets in namespaces that asked for it.
 */

#include <linux/slab.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/genetlink.h>

#include "epgate.h"

struct epgate_config *epgate_config_default(void)
{
	struct epgate_config *cfg = kzalloc(sizeof(*cfg), GFP_KERNEL_ACCOUNT);

	if (cfg) {
		cfg->mode = EPGATE_MODE_OFF;
		cfg->hooks = EPGATE_HOOK_FORWARD;
	}
	return cfg;
}

/* An interface list: a nested array of nests holding EPGATE_IFACE_NAME. */
static int parse_ifaces(const struct nlattr *list, char names[][IFNAMSIZ],
			u8 *count, struct netlink_ext_ack *extack)
{
	const struct nlattr *entry;
	unsigned int n = 0;
	int rem;

	nla_for_each_nested(entry, list, rem) {
		struct nlattr *tb[EPGATE_IFACE_MAX + 1];
		int ret;

		if (n == EPGATE_MAX_IFACES) {
			NL_SET_ERR_MSG_ATTR(extack, entry,
					    "too many interfaces (max 8)");
			return -E2BIG;
		}
		/* The policy validated the entry: parse cannot fail. */
		ret = nla_parse_nested(tb, EPGATE_IFACE_MAX, entry, NULL, extack);
		if (ret)
			return ret;
		if (!tb[EPGATE_IFACE_NAME] || !nla_len(tb[EPGATE_IFACE_NAME]) ||
		    !*(char *)nla_data(tb[EPGATE_IFACE_NAME])) {
			NL_SET_ERR_MSG_ATTR(extack, entry,
					    "interface entry without a name");
			return -EINVAL;
		}
		nla_strscpy(names[n], tb[EPGATE_IFACE_NAME], IFNAMSIZ);
		n++;
	}
	*count = n;
	return 0;
}

int epgate_set_config(struct net *net, struct nlattr **attrs,
		      struct netlink_ext_ack *extack)
{
	struct epgate_net *en = epgate_pernet(net);
	struct epgate_config *old, *cfg;
	bool take_ct, drop_ct;
	int ret;

	if (!attrs[EPGATE_A_MODE] && !attrs[EPGATE_A_HOOKS] &&
	    !attrs[EPGATE_A_MARK_VALUE] && !attrs[EPGATE_A_MARK_MASK] &&
	    !attrs[EPGATE_A_IFACES_IN] && !attrs[EPGATE_A_IFACES_OUT]) {
		NL_SET_ERR_MSG(extack, "nothing to configure");
		return -EINVAL;
	}
	if (!attrs[EPGATE_A_MARK_VALUE] != !attrs[EPGATE_A_MARK_MASK]) {
		NL_SET_ERR_MSG(extack, "mark value and mask go together");
		return -EINVAL;
	}

	mutex_lock(&en->lock);
	old = rcu_dereference_protected(en->cfg, lockdep_is_held(&en->lock));
	ret = -ENOMEM;
	cfg = kmemdup(old, sizeof(*old), GFP_KERNEL_ACCOUNT);
	if (!cfg)
		goto out;

	if (attrs[EPGATE_A_MODE])
		cfg->mode = nla_get_u8(attrs[EPGATE_A_MODE]);
	if (attrs[EPGATE_A_HOOKS])
		cfg->hooks = nla_get_u32(attrs[EPGATE_A_HOOKS]);
	if (attrs[EPGATE_A_MARK_MASK]) {
		cfg->mark_value = nla_get_u32(attrs[EPGATE_A_MARK_VALUE]);
		cfg->mark_mask = nla_get_u32(attrs[EPGATE_A_MARK_MASK]);
		ret = -EINVAL;
		if (cfg->mark_value & ~cfg->mark_mask) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[EPGATE_A_MARK_VALUE],
					    "mark value has bits outside the mask");
			goto err;
		}
	}
	if (attrs[EPGATE_A_IFACES_IN]) {
		ret = parse_ifaces(attrs[EPGATE_A_IFACES_IN], cfg->in,
				   &cfg->n_in, extack);
		if (ret)
			goto err;
	}
	if (attrs[EPGATE_A_IFACES_OUT]) {
		ret = parse_ifaces(attrs[EPGATE_A_IFACES_OUT], cfg->out,
				   &cfg->n_out, extack);
		if (ret)
			goto err;
	}

	take_ct = cfg->mode != EPGATE_MODE_OFF && !en->ct_held;
	drop_ct = cfg->mode == EPGATE_MODE_OFF && en->ct_held;
	if (take_ct) {
		ret = nf_ct_netns_get(net, NFPROTO_INET);
		if (ret) {
			NL_SET_ERR_MSG(extack, "cannot enable conntrack");
			goto err;
		}
		en->ct_held = true;
	}

	rcu_assign_pointer(en->cfg, cfg);
	kfree_rcu(old, rcu);

	/* After the swap: the hook no longer asks for conntrack state. */
	if (drop_ct) {
		nf_ct_netns_put(net, NFPROTO_INET);
		en->ct_held = false;
	}
	ret = 0;
	goto out;
err:
	kfree(cfg);
out:
	mutex_unlock(&en->lock);
	return ret;
}

/* Namespace exit: the hooks are gone, give conntrack back. */
void epgate_config_release_ct(struct net *net)
{
	struct epgate_net *en = epgate_pernet(net);

	if (en->ct_held) {
		nf_ct_netns_put(net, NFPROTO_INET);
		en->ct_held = false;
	}
}
