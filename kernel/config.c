// SPDX-License-Identifier: GPL-2.0
/*
 * EPGATE_CMD_SET_CONFIG: mode, hooks, interface scope, mark, logging, hook
 * priority and what enforce does with other protocols.  The same settings
 * may ride on the message that commits a SET_FLOWS transaction (flows.c):
 * built and prepared here, published there with the flows.
 *
 * The configuration is copied, changed and swapped in whole, so the hook
 * never sees half of an update.  Conntrack is taken for the namespace while
 * the mode is not off: verdicts follow the connection's original direction
 * and conntrack only attaches to packets in namespaces that asked for it.
 */

#include <linux/err.h>
#include <linux/kmod.h>
#include <linux/slab.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_log.h>
#include <net/genetlink.h>

#include "epgate.h"
#include "hooks.h"

struct epgate_config *epgate_config_default(void)
{
	struct epgate_config *cfg = kzalloc(sizeof(*cfg), GFP_KERNEL_ACCOUNT);

	if (cfg) {
		cfg->mode = EPGATE_MODE_OFF;
		cfg->hooks = EPGATE_HOOK_FORWARD;
		cfg->priority = EPGATE_PRIORITY_DEFAULT;
		cfg->other = EPGATE_OTHER_ACCEPT;
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
	if (rem > 0) {
		NL_SET_ERR_MSG_ATTR(extack, list,
				    "trailing bytes after the last interface");
		return -EINVAL;
	}
	*count = n;
	return 0;
}

/*
 * NFLOG goes through nf_log's ULOG logger, nfnetlink_log: loaded on demand
 * and pinned while a namespace logs to it, for both families.  The load is
 * asked for before en->lock is taken: module init registers a netlink
 * notifier, and epgate's own notifier takes en->lock.
 */
static void nflog_load(void)
{
	if (!nf_logger_find_get(NFPROTO_IPV4, NF_LOG_TYPE_ULOG)) {
		nf_logger_put(NFPROTO_IPV4, NF_LOG_TYPE_ULOG);
		return;
	}
	/* nfnetlink_log registers the logger of every family at once. */
	request_module("nf-logger-%u-%u", NFPROTO_IPV4, NF_LOG_TYPE_ULOG);
}

static int nflog_get(void)
{
	int ret;

	ret = nf_logger_find_get(NFPROTO_IPV4, NF_LOG_TYPE_ULOG);
	if (ret)
		return ret;
	ret = nf_logger_find_get(NFPROTO_IPV6, NF_LOG_TYPE_ULOG);
	if (ret)
		nf_logger_put(NFPROTO_IPV4, NF_LOG_TYPE_ULOG);
	return ret;
}

static void nflog_put(void)
{
	nf_logger_put(NFPROTO_IPV6, NF_LOG_TYPE_ULOG);
	nf_logger_put(NFPROTO_IPV4, NF_LOG_TYPE_ULOG);
}

/*
 * Take what @cfg needs before it is published, under en->lock: the NFLOG
 * logger, conntrack, and the hooks at its priority (registered beside the
 * old ones).  0, or an error and nothing taken.  With @force (a rollback)
 * nothing may stop it: a logger or a priority that cannot be had is warned
 * about and left as it is.
 */
int epgate_config_prepare(struct net *net, struct epgate_config *cfg,
			  bool force, struct netlink_ext_ack *extack)
{
	struct epgate_net *en = epgate_pernet(net);
	const struct epgate_config *old;
	bool take_ct, take_log;
	int ret;

	lockdep_assert_held(&en->lock);
	old = rcu_dereference_protected(en->cfg, lockdep_is_held(&en->lock));

	take_log = (cfg->log_flags & EPGATE_LOG_NFLOG) && !en->nflog_held;
	if (take_log) {
		ret = nflog_get();
		if (ret && !force) {
			NL_SET_ERR_MSG(extack,
				       "NFLOG unavailable: nfnetlink_log did not load");
			return ret;
		}
		if (ret) {
			pr_warn("rollback: NFLOG unavailable, packets not logged\n");
			take_log = false;
		}
	}

	take_ct = cfg->mode != EPGATE_MODE_OFF && !en->ct_held;
	if (take_ct) {
		ret = nf_ct_netns_get(net, NFPROTO_INET);
		if (ret && !force) {
			NL_SET_ERR_MSG(extack, "cannot enable conntrack");
			goto err_log;
		}
		if (ret)
			pr_warn("rollback: conntrack unavailable (%d)\n", ret);
		else
			en->ct_held = true;
	}

	/* Last of what can fail: the hooks at their new priority. */
	if (cfg->priority != old->priority) {
		ret = epgate_hooks_move(net, cfg->priority);
		if (ret && !force) {
			NL_SET_ERR_MSG(extack,
				       "cannot register hooks at this priority");
			goto err_ct;
		}
		if (ret) {
			pr_warn("rollback: hooks stay at priority %d (%d)\n",
				old->priority, ret);
			cfg->priority = old->priority;
		}
	}
	if (take_log)
		en->nflog_held = true;
	return 0;

err_ct:
	if (take_ct) {
		nf_ct_netns_put(net, NFPROTO_INET);
		en->ct_held = false;
	}
err_log:
	if (take_log)
		nflog_put();
	return ret;
}

/*
 * Publish @cfg, prepared, in place of the namespace's configuration and
 * give back what it no longer needs.  *@oldp is the one it replaced: the
 * caller frees it after a grace period, unless a pending rollback keeps it.
 * The caller judges offloaded connections afterwards.
 */
void epgate_config_publish(struct net *net, struct epgate_config *cfg,
			   struct epgate_config **oldp)
{
	struct epgate_net *en = epgate_pernet(net);

	lockdep_assert_held(&en->lock);
	*oldp = rcu_dereference_protected(en->cfg, lockdep_is_held(&en->lock));
	rcu_assign_pointer(en->cfg, cfg);

	/* After the swap: the hook no longer asks for conntrack state. */
	if (cfg->mode == EPGATE_MODE_OFF && en->ct_held) {
		nf_ct_netns_put(net, NFPROTO_INET);
		en->ct_held = false;
	}
	/*
	 * The logger module reference: a hook still inside nf_log_packet()
	 * with the old configuration runs under RCU, and nfnetlink_log's
	 * unregistration waits for a grace period.
	 */
	if (!(cfg->log_flags & EPGATE_LOG_NFLOG) && en->nflog_held) {
		nflog_put();
		en->nflog_held = false;
	}
}

/* Both of the above, then the offloaded connections judged again. */
int epgate_config_swap(struct net *net, struct epgate_config *cfg,
		       bool force, struct epgate_config **oldp,
		       struct netlink_ext_ack *extack)
{
	struct epgate_net *en = epgate_pernet(net);
	int ret;

	ret = epgate_config_prepare(net, cfg, force, extack);
	if (ret)
		return ret;
	epgate_config_publish(net, cfg, oldp);
	en->offload_last = epgate_offload_narrow(net);
	en->offload_total += en->offload_last;
	return 0;
}

bool epgate_config_requested(struct nlattr **attrs)
{
	return attrs[EPGATE_A_MODE] || attrs[EPGATE_A_HOOKS] ||
	       attrs[EPGATE_A_MARK_VALUE] || attrs[EPGATE_A_MARK_MASK] ||
	       attrs[EPGATE_A_IFACES_IN] || attrs[EPGATE_A_IFACES_OUT] ||
	       attrs[EPGATE_A_LOG_FLAGS] || attrs[EPGATE_A_LOG_GROUP] ||
	       attrs[EPGATE_A_PRIORITY] || attrs[EPGATE_A_OTHER];
}

/* Before en->lock: the logger module a request may need. */
void epgate_config_preload(struct nlattr **attrs)
{
	if (attrs[EPGATE_A_LOG_FLAGS] &&
	    (nla_get_u32(attrs[EPGATE_A_LOG_FLAGS]) & EPGATE_LOG_NFLOG))
		nflog_load();
}

/*
 * The namespace's configuration with the settings @attrs carry applied,
 * as a new object (nothing published), or an ERR_PTR with extack set.
 */
struct epgate_config *epgate_config_build(struct net *net,
					  struct nlattr **attrs,
					  struct netlink_ext_ack *extack)
{
	struct epgate_net *en = epgate_pernet(net);
	struct epgate_config *cfg;
	int ret;

	lockdep_assert_held(&en->lock);
	if (!attrs[EPGATE_A_MARK_VALUE] != !attrs[EPGATE_A_MARK_MASK]) {
		NL_SET_ERR_MSG(extack, "mark value and mask go together");
		return ERR_PTR(-EINVAL);
	}
	cfg = kmemdup(rcu_dereference_protected(en->cfg,
						lockdep_is_held(&en->lock)),
		      sizeof(*cfg), GFP_KERNEL_ACCOUNT);
	if (!cfg)
		return ERR_PTR(-ENOMEM);

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
	if (attrs[EPGATE_A_LOG_FLAGS])
		cfg->log_flags = nla_get_u32(attrs[EPGATE_A_LOG_FLAGS]);
	if (attrs[EPGATE_A_LOG_GROUP])
		cfg->log_group = nla_get_u16(attrs[EPGATE_A_LOG_GROUP]);
	if (attrs[EPGATE_A_OTHER])
		cfg->other = nla_get_u8(attrs[EPGATE_A_OTHER]);
	if (attrs[EPGATE_A_PRIORITY])
		cfg->priority = nla_get_s32(attrs[EPGATE_A_PRIORITY]);
	return cfg;
err:
	kfree(cfg);
	return ERR_PTR(ret);
}

int epgate_set_config(struct net *net, struct nlattr **attrs,
		      struct netlink_ext_ack *extack)
{
	struct epgate_net *en = epgate_pernet(net);
	struct epgate_config *old, *cfg;
	int ret;

	if (!epgate_config_requested(attrs)) {
		NL_SET_ERR_MSG(extack, "nothing to configure");
		return -EINVAL;
	}
	epgate_config_preload(attrs);

	mutex_lock(&en->lock);
	ret = epgate_rollback_check(en, attrs[EPGATE_A_CONFIRM_SECS], extack);
	if (ret)
		goto out;
	cfg = epgate_config_build(net, attrs, extack);
	if (IS_ERR(cfg)) {
		ret = PTR_ERR(cfg);
		goto out;
	}
	ret = epgate_config_swap(net, cfg, false, &old, extack);
	if (ret) {
		kfree(cfg);
		goto out;
	}
	/* The state before this change, kept if it asks for a confirm. */
	epgate_rollback_arm(net, attrs[EPGATE_A_CONFIRM_SECS], old,
			    rcu_dereference_protected(en->rs,
						      lockdep_is_held(&en->lock)));
	if (!epgate_rollback_keeps(en, old))
		kfree_rcu(old, rcu);
out:
	mutex_unlock(&en->lock);
	return ret;
}

/* Namespace exit: the hooks are gone, give conntrack and NFLOG back. */
void epgate_config_release_ct(struct net *net)
{
	struct epgate_net *en = epgate_pernet(net);

	if (en->ct_held) {
		nf_ct_netns_put(net, NFPROTO_INET);
		en->ct_held = false;
	}
	if (en->nflog_held) {
		nflog_put();
		en->nflog_held = false;
	}
}
