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

#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/epgate.h>

#include "epgate.h"
#include "hooks.h"

unsigned int epgate_net_id __read_mostly;

static void free_state(struct epgate_net *en)
{
	kfree(rcu_dereference_protected(en->cfg, true));
	epgate_ruleset_free(rcu_dereference_protected(en->rs, true));
	free_percpu(en->stats);
}

static int __net_init epgate_net_init(struct net *net)
{
	struct epgate_net *en = epgate_pernet(net);
	int cpu, ret = -ENOMEM;

	mutex_init(&en->lock);
	/* Drop log lines: at most 10 per 5 s. */
	ratelimit_state_init(&en->log_rs, 5 * HZ, 10);
	atomic64_set(&en->generation, 0);
	RCU_INIT_POINTER(en->cfg, epgate_config_default());
	RCU_INIT_POINTER(en->rs, epgate_ruleset_empty());
	en->stats = alloc_percpu_gfp(struct epgate_global_stats,
				     GFP_KERNEL_ACCOUNT);
	if (!rcu_access_pointer(en->cfg) || !rcu_access_pointer(en->rs) ||
	    !en->stats)
		goto err;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(en->stats, cpu)->syncp);

	epgate_rollback_init(net);

	/* Last: from here on packets reach the state above. */
	ret = epgate_hooks_register(net, EPGATE_PRIORITY_DEFAULT);
	if (ret)
		goto err;
	return 0;
err:
	free_state(en);
	return ret;
}

static void __net_exit epgate_net_pre_exit(struct net *net)
{
	/* A rollback would move hooks: stop it first. */
	epgate_rollback_stop(net);
	epgate_hooks_unregister(net);
}

static void __net_exit epgate_net_exit(struct net *net)
{
	struct epgate_net *en = epgate_pernet(net);

	epgate_config_release_ct(net);
	mutex_lock(&en->lock);
	epgate_xact_free(en);
	epgate_rollback_free(en);
	mutex_unlock(&en->lock);
	free_state(en);
}

static struct pernet_operations epgate_net_ops = {
	.init = epgate_net_init,
	.pre_exit = epgate_net_pre_exit,
	.exit = epgate_net_exit,
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
	/*
	 * Rulesets replaced before the exit may still wait for their grace
	 * period; after this they are all on epgate_wq (main.c drains it).
	 */
	rcu_barrier();
}
