// SPDX-License-Identifier: GPL-2.0
/*
 * Flowtables (nft's `flow add @ft`, OpenWrt's software offload): packets of
 * an offloaded connection skip the forward hook, so a change that narrows
 * the policy would never reach a connection that was offloaded while it was
 * allowed.  After every change that leaves the namespace enforcing at
 * FORWARD, the offloaded connections are judged against the new policy, in
 * process context; when one is no longer allowed, the offload of the
 * namespace's devices is torn down: every connection goes back to the
 * forward path, where the hook judges its next packet, and the admin's
 * `flow add` offloads the allowed ones again.  Teardown is immediate
 * (flow_offload_lookup() ignores a flow marked for teardown) and the change
 * returns after it, so no packet of a disallowed connection crosses the
 * gateway once the command has returned.
 *
 * The flowtable module is used only when it is loaded (symbol_get): epgate
 * does not pull it in on a gateway that has no flowtable.
 *
 * The judgement ignores the interface scope, which a conntrack entry does
 * not record: with a scope, a connection outside it may be taken out of
 * the flowtable needlessly; it is then judged out of scope, passes and is
 * offloaded again.
 */

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_flow_table.h>

#include "epgate.h"
#include "hooks.h"

struct narrow {
	const struct epgate_ruleset *rs;
	u32 disallowed;
};

/* Called under conntrack's bucket lock: no sleeping. */
static int judge_offloaded(struct nf_conn *ct, void *data)
{
	struct narrow *nw = data;
	const struct epg_rule *rules;
	struct epgate_pkt pkt;
	unsigned int n;

	if (!test_bit(IPS_OFFLOAD_BIT, &ct->status) ||
	    epgate_from_conntrack(ct, &pkt) != PKT_OK)
		return 0;
	if (epg_table_match(nw->rs->table, pkt.proto, pkt.dport, pkt.family,
			    pkt.saddr, pkt.daddr))
		return 0;
	rules = epg_table_rules(nw->rs->table, pkt.proto, pkt.dport, &n);
	if (!epgate_rules_monitored(rules, n))
		nw->disallowed++;
	return 0;	/* count only: the entry stays */
}

u32 epgate_offload_narrow(struct net *net)
{
	struct epgate_net *en = epgate_pernet(net);
	void (*cleanup)(struct net_device *dev);
	const struct epgate_config *cfg;
	struct nf_ct_iter_data iter = { .net = net };
	struct narrow nw = { };
	struct net_device *dev;

	lockdep_assert_held(&en->lock);
	cfg = rcu_dereference_protected(en->cfg, lockdep_is_held(&en->lock));
	if (cfg->mode != EPGATE_MODE_ENFORCE ||
	    !(cfg->hooks & EPGATE_HOOK_FORWARD) || !en->ct_held)
		return 0;
	cleanup = symbol_get(nf_flow_table_cleanup);
	if (!cleanup)
		return 0;	/* no flowtable module, no flowtable */

	nw.rs = rcu_dereference_protected(en->rs, lockdep_is_held(&en->lock));
	iter.data = &nw;
	nf_ct_iterate_cleanup_net(judge_offloaded, &iter);
	if (nw.disallowed) {
		rtnl_lock();
		for_each_netdev(net, dev)
			cleanup(dev);
		rtnl_unlock();
		/* A packet that found its flow before the teardown is out. */
		synchronize_net();
	}
	symbol_put(nf_flow_table_cleanup);
	return nw.disallowed;
}
