// SPDX-License-Identifier: GPL-2.0
/*
 * The netfilter hooks: IPv4 and IPv6 at FORWARD in every network namespace.
 *
 * For now the verdict is always NF_ACCEPT; the datapath (table lookup,
 * conntrack direction, modes) plugs in here.  nf_hook_slow() calls the hook
 * under rcu_read_lock().
 */

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>

#include "epgate.h"
#include "hooks.h"

static unsigned int epgate_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

/*
 * After the filter table (NF_IP_PRI_FILTER = 0) so that an admin's own
 * firewall sees packets first; the mark epgate sets is for later hooks.
 */
#define EPGATE_HOOK_PRIORITY (NF_IP_PRI_FILTER + 10)

static const struct nf_hook_ops epgate_hook_ops[] = {
	{
		.hook = epgate_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_FORWARD,
		.priority = EPGATE_HOOK_PRIORITY,
	},
	{
		.hook = epgate_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_FORWARD,
		.priority = EPGATE_HOOK_PRIORITY,
	},
};

int epgate_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, epgate_hook_ops,
				     ARRAY_SIZE(epgate_hook_ops));
}

void epgate_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, epgate_hook_ops,
				ARRAY_SIZE(epgate_hook_ops));
}
