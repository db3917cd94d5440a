// SPDX-License-Identifier: GPL-2.0
/*
 * EPGATE_CMD_SET_FLOWS: replace the whole flow set in one transaction.
 *
 *   1. parse and check every flow (the policy has checked types, lengths
 *      and ranges; here: required attributes, names, prefixes, limits);
 *   2. build the new table aside (lib/table.c, may sleep);
 *   3. under the lock, attach counters: reuse the counter of every
 *      (profile, name) the active ruleset already has, else a new one;
 *   4. publish with rcu_replace_pointer() and release the old ruleset after
 *      a grace period.
 * Any error before step 4 leaves the active ruleset untouched.
 */

#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>

#include "epgate.h"

struct parsed_flow {
	const char *profile;
	const char *name;
	u8 proto;
	u8 profile_mode;
};

struct flow_set {
	unsigned int n;
	struct parsed_flow *flows;
	struct epg_flow_spec *specs;
	struct epg_range *ranges;	/* EPGATE_MAX_RANGES per flow */
};

struct epgate_ruleset *epgate_ruleset_empty(void)
{
	struct epgate_ruleset *rs;

	rs = kzalloc(sizeof(*rs), GFP_KERNEL_ACCOUNT);
	if (!rs)
		return NULL;
	if (epg_table_build(NULL, 0, &rs->table, NULL, 0)) {
		kfree(rs);
		return NULL;
	}
	return rs;
}

void epgate_ruleset_free(struct epgate_ruleset *rs)
{
	u32 i;

	if (!rs)
		return;
	for (i = 0; i < rs->nflows; i++)
		epgate_counter_put(rs->flows[i].ctr);
	epg_table_free(rs->table);
	kvfree(rs);
}

static void ruleset_free_rcu(struct rcu_head *head)
{
	epgate_ruleset_free(container_of(head, struct epgate_ruleset, rcu));
}

/*
 * Names become sysfs directory names: letters, digits, '_', '-', '.', not
 * starting with a dot.
 */
static bool valid_name(const char *s)
{
	if (!*s || *s == '.')
		return false;
	for (; *s; s++) {
		if (!isalnum(*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	}
	return true;
}

static int parse_prefix(const struct nlattr *attr, struct epg_prefix *p,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[EPGATE_PREFIX_MAX + 1];
	unsigned int alen, maxlen;
	int ret;

	memset(p, 0, sizeof(*p));
	if (!attr)
		return 0;	/* unbound role: any address */
	ret = nla_parse_nested(tb, EPGATE_PREFIX_MAX, attr, NULL, extack);
	if (ret)
		return ret;
	if (!tb[EPGATE_PREFIX_FAMILY] || !tb[EPGATE_PREFIX_ADDR] ||
	    !tb[EPGATE_PREFIX_LEN]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "prefix needs family, address and length");
		return -EINVAL;
	}
	p->family = nla_get_u8(tb[EPGATE_PREFIX_FAMILY]);
	switch (p->family) {
	case AF_INET:
		alen = 4;
		maxlen = 32;
		break;
	case AF_INET6:
		alen = 16;
		maxlen = 128;
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, tb[EPGATE_PREFIX_FAMILY],
				    "prefix family must be AF_INET or AF_INET6");
		return -EINVAL;
	}
	if (nla_len(tb[EPGATE_PREFIX_ADDR]) != alen) {
		NL_SET_ERR_MSG_ATTR(extack, tb[EPGATE_PREFIX_ADDR],
				    "address length does not match the family");
		return -EINVAL;
	}
	p->len = nla_get_u8(tb[EPGATE_PREFIX_LEN]);
	if (p->len > maxlen) {
		NL_SET_ERR_MSG_ATTR(extack, tb[EPGATE_PREFIX_LEN],
				    "prefix length too long for the family");
		return -EINVAL;
	}
	nla_memcpy(p->addr, tb[EPGATE_PREFIX_ADDR], alen);
	return 0;
}

static int parse_flow(const struct nlattr *attr, struct flow_set *set,
		      unsigned int i, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[EPGATE_FLOW_MAX + 1];
	struct epg_flow_spec *spec = &set->specs[i];
	struct parsed_flow *f = &set->flows[i];
	struct epg_range *ranges = &set->ranges[i * EPGATE_MAX_RANGES];
	const struct nlattr *r;
	unsigned int nr = 0;
	int ret, rem;

	ret = nla_parse_nested(tb, EPGATE_FLOW_MAX, attr, NULL, extack);
	if (ret)
		return ret;
	if (!tb[EPGATE_FLOW_PROFILE] || !tb[EPGATE_FLOW_NAME] ||
	    !tb[EPGATE_FLOW_PROTO] || !tb[EPGATE_FLOW_PORTS]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "flow needs profile, name, proto and ports");
		return -EINVAL;
	}
	f->profile = nla_data(tb[EPGATE_FLOW_PROFILE]);
	f->name = nla_data(tb[EPGATE_FLOW_NAME]);
	if (!valid_name(f->profile)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[EPGATE_FLOW_PROFILE],
				    "profile name: letters, digits, _ - . only");
		return -EINVAL;
	}
	if (!valid_name(f->name)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[EPGATE_FLOW_NAME],
				    "flow name: letters, digits, _ - . only");
		return -EINVAL;
	}

	f->proto = nla_get_u8(tb[EPGATE_FLOW_PROTO]);
	switch (f->proto) {
	case IPPROTO_TCP:
		spec->proto = EPG_PROTO_TCP;
		break;
	case IPPROTO_UDP:
		spec->proto = EPG_PROTO_UDP;
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, tb[EPGATE_FLOW_PROTO],
				    "proto must be IPPROTO_TCP or IPPROTO_UDP");
		return -EINVAL;
	}

	f->profile_mode = EPGATE_MODE_ENFORCE;
	if (tb[EPGATE_FLOW_PROFILE_MODE])
		f->profile_mode = nla_get_u8(tb[EPGATE_FLOW_PROFILE_MODE]);

	nla_for_each_nested(r, tb[EPGATE_FLOW_PORTS], rem) {
		struct nlattr *rt[EPGATE_RANGE_MAX + 1];

		if (nr == EPGATE_MAX_RANGES) {
			NL_SET_ERR_MSG_ATTR(extack, r,
					    "too many port ranges in a flow (max 64)");
			return -E2BIG;
		}
		ret = nla_parse_nested(rt, EPGATE_RANGE_MAX, r, NULL, extack);
		if (ret)
			return ret;
		if (!rt[EPGATE_RANGE_LO]) {
			NL_SET_ERR_MSG_ATTR(extack, r, "port range without LO");
			return -EINVAL;
		}
		ranges[nr].lo = nla_get_u16(rt[EPGATE_RANGE_LO]);
		ranges[nr].hi = rt[EPGATE_RANGE_HI] ?
				nla_get_u16(rt[EPGATE_RANGE_HI]) : ranges[nr].lo;
		if (ranges[nr].hi < ranges[nr].lo) {
			NL_SET_ERR_MSG_ATTR(extack, r, "port range with HI < LO");
			return -EINVAL;
		}
		nr++;
	}
	if (!nr) {
		NL_SET_ERR_MSG_ATTR(extack, tb[EPGATE_FLOW_PORTS],
				    "flow without ports");
		return -EINVAL;
	}

	ret = parse_prefix(tb[EPGATE_FLOW_FROM], &spec->from, extack);
	if (ret)
		return ret;
	ret = parse_prefix(tb[EPGATE_FLOW_TO], &spec->to, extack);
	if (ret)
		return ret;

	spec->id = i;
	spec->flags = f->profile_mode == EPGATE_MODE_MONITOR ?
		      EPGATE_RF_MONITOR : 0;
	spec->nranges = nr;
	spec->ranges = ranges;
	return 0;
}

static u32 name_hash(const char *profile, const char *name)
{
	return jhash(name, strlen(name), jhash(profile, strlen(profile), 0));
}

/*
 * A small open-addressing index of (profile, name) -> flow position, used
 * to find duplicates in the request and counters to reuse in the active
 * ruleset: O(n) instead of comparing every pair.
 */
struct name_index {
	unsigned int mask;
	int *slot;			/* position + 1, 0 = empty */
};

static int index_init(struct name_index *ix, unsigned int n)
{
	unsigned int size = roundup_pow_of_two(max(2 * n, 16U));

	ix->mask = size - 1;
	ix->slot = kvcalloc(size, sizeof(*ix->slot), GFP_KERNEL_ACCOUNT);
	return ix->slot ? 0 : -ENOMEM;
}

/*
 * Insert position pos under (profile, name) unless present; return the
 * position already there, or -1.  get_names() gives a position's names.
 */
static int index_insert(struct name_index *ix, const char *profile,
			const char *name, int pos,
			void (*get_names)(const void *, int, const char **,
					  const char **),
			const void *ctx, bool insert)
{
	unsigned int h = name_hash(profile, name) & ix->mask;

	while (ix->slot[h]) {
		const char *p, *n;

		get_names(ctx, ix->slot[h] - 1, &p, &n);
		if (!strcmp(p, profile) && !strcmp(n, name))
			return ix->slot[h] - 1;
		h = (h + 1) & ix->mask;
	}
	if (insert)
		ix->slot[h] = pos + 1;
	return -1;
}

static void set_names(const void *ctx, int pos, const char **p,
		      const char **n)
{
	const struct flow_set *set = ctx;

	*p = set->flows[pos].profile;
	*n = set->flows[pos].name;
}

static void ruleset_names(const void *ctx, int pos, const char **p,
			  const char **n)
{
	const struct epgate_ruleset *rs = ctx;

	*p = rs->flows[pos].ctr->profile;
	*n = rs->flows[pos].ctr->name;
}

static void flow_set_free(struct flow_set *set)
{
	kvfree(set->flows);
	kvfree(set->specs);
	kvfree(set->ranges);
}

static int parse_flows(const struct nlattr *list, struct flow_set *set,
		       struct netlink_ext_ack *extack)
{
	struct name_index ix = { 0 };
	const struct nlattr *attr;
	unsigned int n = 0, i;
	int ret, rem;

	memset(set, 0, sizeof(*set));
	if (!list)
		return 0;
	nla_for_each_nested(attr, list, rem) {
		if (++n > EPGATE_MAX_FLOWS) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "too many flows (max 4096)");
			return -E2BIG;
		}
	}
	if (!n)
		return 0;

	ret = -ENOMEM;
	set->flows = kvcalloc(n, sizeof(*set->flows), GFP_KERNEL_ACCOUNT);
	set->specs = kvcalloc(n, sizeof(*set->specs), GFP_KERNEL_ACCOUNT);
	set->ranges = kvcalloc(n * EPGATE_MAX_RANGES, sizeof(*set->ranges),
			       GFP_KERNEL_ACCOUNT);
	if (!set->flows || !set->specs || !set->ranges ||
	    index_init(&ix, n))
		goto err;

	i = 0;
	nla_for_each_nested(attr, list, rem) {
		ret = parse_flow(attr, set, i, extack);
		if (ret)
			goto err;
		if (index_insert(&ix, set->flows[i].profile,
				 set->flows[i].name, i, set_names, set,
				 true) >= 0) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "duplicate flow (same profile and name)");
			ret = -EINVAL;
			goto err;
		}
		i++;
	}
	set->n = n;

	/* A profile is monitored or enforced as a whole. */
	for (i = 1; i < n; i++) {
		unsigned int j;

		for (j = 0; j < i; j++) {
			if (strcmp(set->flows[i].profile, set->flows[j].profile))
				continue;
			if (set->flows[i].profile_mode != set->flows[j].profile_mode) {
				NL_SET_ERR_MSG(extack,
					       "flows of one profile disagree on its mode");
				ret = -EINVAL;
				goto err;
			}
			break;
		}
	}
	kvfree(ix.slot);
	return 0;
err:
	kvfree(ix.slot);
	flow_set_free(set);
	return ret;
}

/* Under en->lock: give every new flow a counter, reusing by identity. */
static int attach_counters(struct epgate_ruleset *rs,
			   const struct flow_set *set,
			   const struct epgate_ruleset *old)
{
	struct name_index ix;
	unsigned int i;

	if (index_init(&ix, old->nflows))
		return -ENOMEM;
	for (i = 0; i < old->nflows; i++)
		index_insert(&ix, old->flows[i].ctr->profile,
			     old->flows[i].ctr->name, i, ruleset_names, old,
			     true);

	for (i = 0; i < set->n; i++) {
		const struct parsed_flow *f = &set->flows[i];
		int pos = index_insert(&ix, f->profile, f->name, 0,
				       ruleset_names, old, false);

		if (pos >= 0) {
			rs->flows[i].ctr = old->flows[pos].ctr;
			refcount_inc(&rs->flows[i].ctr->ref);
		} else {
			rs->flows[i].ctr = epgate_counter_new(f->profile, f->name);
			if (!rs->flows[i].ctr)
				break;
		}
		rs->flows[i].proto = f->proto;
		rs->flows[i].profile_mode = f->profile_mode;
		rs->nflows = i + 1;
	}
	kvfree(ix.slot);
	return i == set->n ? 0 : -ENOMEM;
}

int epgate_set_flows(struct net *net, const struct nlattr *list,
		     struct netlink_ext_ack *extack)
{
	struct epgate_net *en = epgate_pernet(net);
	struct epgate_ruleset *rs, *old;
	struct flow_set set;
	char *err;
	int ret;

	ret = parse_flows(list, &set, extack);
	if (ret)
		return ret;

	ret = -ENOMEM;
	err = kzalloc(128, GFP_KERNEL);
	rs = kvzalloc(struct_size(rs, flows, set.n), GFP_KERNEL_ACCOUNT);
	if (!rs || !err)
		goto out;

	ret = epg_table_build(set.specs, set.n, &rs->table, err, 128);
	if (ret) {
#ifdef NL_SET_ERR_MSG_FMT
		NL_SET_ERR_MSG_FMT(extack, "flow table: %s", err);
#else
		/* 6.1 has no formatted extack: the reason goes to the log. */
		NL_SET_ERR_MSG(extack, "flow table rejected (see kernel log)");
		pr_info_ratelimited("flow table rejected: %s\n", err);
#endif
		goto out;
	}

	mutex_lock(&en->lock);
	old = rcu_dereference_protected(en->rs, lockdep_is_held(&en->lock));
	ret = attach_counters(rs, &set, old);
	if (!ret) {
		rcu_assign_pointer(en->rs, rs);
		atomic64_inc(&en->generation);
		call_rcu(&old->rcu, ruleset_free_rcu);
		rs = NULL;
	}
	mutex_unlock(&en->lock);
out:
	epgate_ruleset_free(rs);
	kfree(err);
	flow_set_free(&set);
	return ret;
}
