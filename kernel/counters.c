// SPDX-License-Identifier: GPL-2.0
/*
 * Counter objects and sums.  Writers are the hook (counters.h); readers
 * add up every possible CPU under the u64_stats retry loop, so a sum is
 * never torn even on 32-bit.
 */

#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/string.h>

#include "epgate.h"

struct epgate_counter *epgate_counter_new(const char *profile,
					  const char *name)
{
	struct epgate_counter *c;
	int cpu;

	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return NULL;
	c->stats = alloc_percpu_gfp(struct epgate_flow_stats,
				    GFP_KERNEL_ACCOUNT);
	if (!c->stats) {
		kfree(c);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(c->stats, cpu)->syncp);
	refcount_set(&c->ref, 1);
	strscpy(c->profile, profile, sizeof(c->profile));
	strscpy(c->name, name, sizeof(c->name));
	return c;
}

/* May run in an RCU callback (softirq): free_percpu() and kfree() can. */
void epgate_counter_put(struct epgate_counter *c)
{
	if (c && refcount_dec_and_test(&c->ref)) {
		free_percpu(c->stats);
		kfree(c);
	}
}

void epgate_counter_sum(const struct epgate_counter *c, u64 *packets,
			u64 *bytes)
{
	int cpu;

	*packets = 0;
	*bytes = 0;
	for_each_possible_cpu(cpu) {
		const struct epgate_flow_stats *s = per_cpu_ptr(c->stats, cpu);
		unsigned int start;
		u64 p, b;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			p = u64_stats_read(&s->packets);
			b = u64_stats_read(&s->bytes);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		*packets += p;
		*bytes += b;
	}
}

void epgate_global_sum(const struct epgate_global_stats __percpu *stats,
		       u64 *allowed, u64 *dropped, u64 *would_drop,
		       u64 *malformed)
{
	int cpu;

	*allowed = *dropped = *would_drop = *malformed = 0;
	for_each_possible_cpu(cpu) {
		const struct epgate_global_stats *s = per_cpu_ptr(stats, cpu);
		unsigned int start;
		u64 a, d, w, m;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			a = u64_stats_read(&s->allowed);
			d = u64_stats_read(&s->dropped);
			w = u64_stats_read(&s->would_drop);
			m = u64_stats_read(&s->malformed);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		*allowed += a;
		*dropped += d;
		*would_drop += w;
		*malformed += m;
	}
}

struct epgate_pcounter *epgate_pcounter_new(const char *name)
{
	struct epgate_pcounter *pc;
	int cpu;

	pc = kzalloc(sizeof(*pc), GFP_KERNEL_ACCOUNT);
	if (!pc)
		return NULL;
	pc->stats = alloc_percpu_gfp(struct epgate_profile_stats,
				     GFP_KERNEL_ACCOUNT);
	if (!pc->stats) {
		kfree(pc);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(pc->stats, cpu)->syncp);
	refcount_set(&pc->ref, 1);
	strscpy(pc->name, name, sizeof(pc->name));
	return pc;
}

/* May run in an RCU callback, as epgate_counter_put(). */
void epgate_pcounter_put(struct epgate_pcounter *pc)
{
	if (pc && refcount_dec_and_test(&pc->ref)) {
		free_percpu(pc->stats);
		kfree(pc);
	}
}

void epgate_pcounter_sum(const struct epgate_pcounter *pc, u64 *packets,
			 u64 *bytes, u64 *would_drop, u64 *dropped)
{
	int cpu;

	*packets = *bytes = *would_drop = *dropped = 0;
	for_each_possible_cpu(cpu) {
		const struct epgate_profile_stats *s = per_cpu_ptr(pc->stats, cpu);
		unsigned int start;
		u64 p, b, w, d;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			p = u64_stats_read(&s->packets);
			b = u64_stats_read(&s->bytes);
			w = u64_stats_read(&s->would_drop);
			d = u64_stats_read(&s->dropped);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		*packets += p;
		*bytes += b;
		*would_drop += w;
		*dropped += d;
	}
}

/*
 * Reset by subtraction, as nft_counter_reset() does: read the sum, then
 * lower this CPU's share by it.  The per-CPU values stay each CPU's own to
 * write, so a packet counted on another CPU during the reset is kept.  On
 * this CPU the read-modify-write must not interleave with the hook: with
 * 64-bit u64_stats the _irqsave sections are empty, so bottom halves are
 * disabled around it (the hook runs in softirq, or in process context
 * with preemption disabled, which local_bh_disable() also excludes).  The
 * sum afterwards is exactly what was counted after the read.
 */
#define SUB_LOCAL(stats, field, val) \
	u64_stats_set(&(stats)->field, u64_stats_read(&(stats)->field) - (val))

static void reset_flow(struct epgate_counter *c)
{
	struct epgate_flow_stats *s;
	unsigned long flags;
	u64 p, b;

	local_bh_disable();
	epgate_counter_sum(c, &p, &b);
	s = this_cpu_ptr(c->stats);
	flags = u64_stats_update_begin_irqsave(&s->syncp);
	SUB_LOCAL(s, packets, p);
	SUB_LOCAL(s, bytes, b);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	local_bh_enable();
}

static void reset_profile(struct epgate_pcounter *pc)
{
	struct epgate_profile_stats *s;
	unsigned long flags;
	u64 p, b, w, d;

	local_bh_disable();
	epgate_pcounter_sum(pc, &p, &b, &w, &d);
	s = this_cpu_ptr(pc->stats);
	flags = u64_stats_update_begin_irqsave(&s->syncp);
	SUB_LOCAL(s, packets, p);
	SUB_LOCAL(s, bytes, b);
	SUB_LOCAL(s, would_drop, w);
	SUB_LOCAL(s, dropped, d);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	local_bh_enable();
}

/* Under en->lock, so the ruleset cannot change meanwhile. */
void epgate_reset_counters(struct epgate_net *en)
{
	const struct epgate_ruleset *rs;
	struct epgate_global_stats *s;
	unsigned long flags;
	u64 a, d, w, m;
	u32 i;

	rs = rcu_dereference_protected(en->rs, lockdep_is_held(&en->lock));
	for (i = 0; i < rs->nflows; i++)
		reset_flow(rs->flows[i].ctr);
	for (i = 0; i < rs->nprofiles; i++)
		reset_profile(rs->profiles[i].pc);

	local_bh_disable();
	epgate_global_sum(en->stats, &a, &d, &w, &m);
	s = this_cpu_ptr(en->stats);
	flags = u64_stats_update_begin_irqsave(&s->syncp);
	SUB_LOCAL(s, allowed, a);
	SUB_LOCAL(s, dropped, d);
	SUB_LOCAL(s, would_drop, w);
	SUB_LOCAL(s, malformed, m);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	local_bh_enable();
}
