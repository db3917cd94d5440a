// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace lifetime.
 *
 * Hooks are unregistered in .pre_exit and state is freed in .exit: the netns
 * core runs one synchronize_rcu() between all .pre_exit and all .exit
 * callbacks, so no packet can still be inside the hook when .exit frees what
 * the hook reads.  Doing both in .exit is the shape of a known iptables
 * use-after-free.
 */

#include <linux/epgate.h>

#include "epgate.h"
#include "hooks.h"

unsigned int epgate_net_id __read_mostly;

static int __net_init epgate_net_init(struct net *net)
{
	struct epgate_net *en = epgate_pernet(net);

	WRITE_ONCE(en->mode, EPGATE_MODE_OFF);
	return epgate_hooks_register(net);
}

static void __net_exit epgate_net_pre_exit(struct net *net)
{
	epgate_hooks_unregister(net);
}

static struct pernet_operations epgate_net_ops = {
	.init = epgate_net_init,
	.pre_exit = epgate_net_pre_exit,
	.id = &epgate_net_id,
	.size = sizeof(struct epgate_net),
};

int epgate_pernet_init(void)
{
	return register_pernet_subsys(&epgate_net_ops);
}

void epgate_pernet_uninit(void)
{
	unregister_pernet_subsys(&epgate_net_ops);
}
