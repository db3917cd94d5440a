// SPDX-License-Identifier: GPL-2.0
/*
 * Confirm or roll back: a change that carries EPGATE_A_CONFIRM_SECS keeps
 * the state before it, and the kernel restores that state by itself when
 * EPGATE_CMD_CONFIRM does not come in time.  Nothing in userspace has to
 * survive for it: the SSH session that sent the change may drop, the tool
 * may be killed.
 *
 * The state is the configuration object and the ruleset object that were
 * published before the first change, kept whole: neither is freed while
 * the change is pending, even once replaced (epgate_rollback_keeps()), so
 * a rollback republishes them as they were, counters included (a ruleset
 * holds references on its flows' counter objects, shared with the sets
 * that followed).  Further changes while one is pending must ask for a
 * confirm too and join it: the deadline becomes theirs, the kept state
 * stays the one before the first.  A change without one is refused.
 *
 * Everything runs under en->lock; the deadline is a delayed work that
 * takes it.  Confirm cancels the work without waiting for it (it may be
 * waiting for the lock): the work finds nothing pending, or a deadline
 * not reached yet, and does nothing.  The namespace's .pre_exit stops the
 * work for good before the hooks go, .exit frees what is still kept.
 */

#include <linux/jiffies.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "epgate.h"
#include "sysfs.h"

bool epgate_rollback_keeps(const struct epgate_net *en, const void *obj)
{
	return en->rb.cfg && (obj == en->rb.cfg || obj == en->rb.rs);
}

int epgate_rollback_check(struct epgate_net *en, const struct nlattr *secs,
			  struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&en->lock);
	if (en->rb.cfg && !secs) {
		NL_SET_ERR_MSG(extack,
			       "a change awaits its confirm: confirm or roll back first, or join it with a confirm deadline");
		return -EALREADY;
	}
	return 0;
}

/*
 * After a successful change: @cfg and @rs are the state it replaced (or
 * kept: the ruleset of a configuration change is still published).  With
 * @secs, keep them unless a pending change already keeps an older state,
 * and (re)start the deadline.
 */
void epgate_rollback_arm(struct net *net, const struct nlattr *secs,
			 struct epgate_config *cfg, struct epgate_ruleset *rs)
{
	struct epgate_net *en = epgate_pernet(net);
	unsigned long delay;

	lockdep_assert_held(&en->lock);
	if (!secs)
		return;
	delay = (unsigned long)nla_get_u32(secs) * HZ;
	WRITE_ONCE(en->rb.deadline, jiffies + delay);
	if (!en->rb.cfg) {
		en->rb.rs = rs;
		WRITE_ONCE(en->rb.cfg, cfg);
	}
	mod_delayed_work(epgate_wq, &en->rb_work, delay);
}

/* Forget the kept state; free what is no longer published. */
static void release(struct epgate_net *en)
{
	const struct epgate_config *cfg;
	const struct epgate_ruleset *rs;

	cfg = rcu_dereference_protected(en->cfg, lockdep_is_held(&en->lock));
	rs = rcu_dereference_protected(en->rs, lockdep_is_held(&en->lock));
	if (en->rb.cfg != cfg)
		kfree_rcu(en->rb.cfg, rcu);
	if (en->rb.rs != rs)
		epgate_ruleset_free_later(en->rb.rs);
	WRITE_ONCE(en->rb.cfg, NULL);
	en->rb.rs = NULL;
}

int epgate_confirm(struct net *net)
{
	struct epgate_net *en = epgate_pernet(net);

	lockdep_assert_held(&en->lock);
	if (!en->rb.cfg)
		return -ENOENT;
	cancel_delayed_work(&en->rb_work);
	release(en);
	return 0;
}

/* Republish the kept state; the objects it replaces are freed. */
int epgate_rollback_now(struct net *net)
{
	struct epgate_net *en = epgate_pernet(net);
	struct epgate_config *cfg, *old_cfg = NULL;
	struct epgate_ruleset *rs, *old_rs;
	u32 torn;

	lockdep_assert_held(&en->lock);
	if (!en->rb.cfg)
		return -ENOENT;
	cancel_delayed_work(&en->rb_work);
	cfg = en->rb.cfg;
	rs = en->rb.rs;
	WRITE_ONCE(en->rb.cfg, NULL);
	en->rb.rs = NULL;

	/* The flows first: a configuration swap judges offloads on them. */
	old_rs = rcu_dereference_protected(en->rs, lockdep_is_held(&en->lock));
	if (rs != old_rs) {
		rcu_assign_pointer(en->rs, rs);
		atomic64_inc(&en->generation);
		epgate_ruleset_free_later(old_rs);
		if (net_eq(net, &init_net))
			epgate_sysfs_sync(rs);
	}
	if (cfg != rcu_dereference_protected(en->cfg,
					     lockdep_is_held(&en->lock))) {
		/* Forced: it cannot fail, it only warns. */
		epgate_config_swap(net, cfg, true, &old_cfg, NULL);
		kfree_rcu(old_cfg, rcu);
	} else {
		torn = epgate_offload_narrow(net);
		en->offload_last = torn;
		en->offload_total += torn;
	}
	WRITE_ONCE(en->rb.count, en->rb.count + 1);
	if (net_eq(net, &init_net))
		pr_info("rolled back the unconfirmed change\n");
	else
		pr_info_ratelimited("rolled back an unconfirmed change in a network namespace\n");
	return 0;
}

static void rollback_work(struct work_struct *work)
{
	struct epgate_net *en = container_of(to_delayed_work(work),
					     struct epgate_net, rb_work);

	mutex_lock(&en->lock);
	/* Confirmed, or joined by a later change, meanwhile. */
	if (en->rb.cfg && !time_before(jiffies, en->rb.deadline))
		epgate_rollback_now(read_pnet(&en->net));
	mutex_unlock(&en->lock);
}

u32 epgate_rollback_secs(const struct epgate_net *en)
{
	unsigned long deadline = READ_ONCE(en->rb.deadline);
	long left;

	if (!READ_ONCE(en->rb.cfg))
		return 0;
	left = (long)(deadline - jiffies);
	return left > 0 ? DIV_ROUND_UP(left, HZ) : 1;
}

void epgate_rollback_init(struct net *net)
{
	struct epgate_net *en = epgate_pernet(net);

	write_pnet(&en->net, net);
	INIT_DELAYED_WORK(&en->rb_work, rollback_work);
}

/* .pre_exit: nothing can arm it again, the namespace has no users. */
void epgate_rollback_stop(struct net *net)
{
	cancel_delayed_work_sync(&epgate_pernet(net)->rb_work);
}

/* .exit, after the grace period: the kept objects nobody publishes. */
void epgate_rollback_free(struct epgate_net *en)
{
	if (!en->rb.cfg)
		return;
	if (en->rb.cfg != rcu_dereference_protected(en->cfg, true))
		kfree(en->rb.cfg);
	if (en->rb.rs != rcu_dereference_protected(en->rs, true))
		epgate_ruleset_free(en->rb.rs);
	en->rb.cfg = NULL;
	en->rb.rs = NULL;
}
