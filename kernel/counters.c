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
