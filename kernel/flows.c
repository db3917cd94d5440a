// SPDX-License-Identifier: GPL-2.0
/*
 * EPGATE_CMD_SET_FLOWS: replace the whole flow set in one transaction.
 *
 *   1. parse and check every flow, profile and address set of every part
 *      (one part per message of the transaction, see xact.c; the policy
 *      has checked types, lengths and ranges; here: required attributes,
 *      names, prefixes, limits, duplicates, the sets flows name);
 *   2. build the new table aside (lib/table.c, may sleep);
 *   3. attach counters: reuse the counter of every (profile, name) the
 *      active ruleset already has, else a new one;
 *   4. publish with rcu_assign_pointer() and release the old ruleset after
 *      a grace period.
 * The commit may carry SET_CONFIG's settings too (`epgate apply`): the new
 * configuration is built with step 1 and prepared (logger, conntrack,
 * hooks) after step 3, then published right after the flows.
 * The caller holds en->lock throughout.  Any error before step 4 leaves the
 * active ruleset and configuration untouched.
 */

#include <linux/err.h>
#include <linux/jhash.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include <linux/string.h>
#include <net/genetlink.h>

#include "epgate.h"

struct parsed_flow {
	const char *profile;
	const char *name;
	u8 proto;
	u8 profile_mode;
	u16 pidx;			/* into flow_set.profiles */
	u16 from_set, to_set;		/* EPGATE_SET_ID; 0: none */
};

/*
 * An address set while parsing, indexed by its id.  A set may come in
 * several entries over the parts: pass 1 counts every entry's prefixes,
 * so that pass 2 writes them where they go, each set's contiguous, in
 * the order given.
 */
struct parsed_aset {
	const char *name;		/* NULL: none given (yet) */
	u32 n;				/* prefixes, over all its entries */
	u32 first;			/* into flow_set.prefixes */
	u32 fill;			/* pass 2: written so far */
	u16 idx;			/* into flow_set.sets */
	bool present;
	bool used;			/* named by a flow */
};

struct parsed_profile {
	const char *name;
	int mode;			/* -1: not given */
	const u8 *userdata;
	u16 udlen;
	u32 nflows;
};

struct flow_set {
	unsigned int n;
	unsigned int nprofiles;
	unsigned int nranges;		/* in use, for the ruleset */
	struct parsed_flow *flows;
	struct epg_flow_spec *specs;
	struct epg_range *ranges;	/* EPGATE_MAX_RANGES per flow */
	unsigned int base;		/* number of the first flow (messages) */
	/* Address sets; pset is NULL when no part has any. */
	struct parsed_aset *pset;	/* EPGATE_MAX_SETS + 1, by id */
	unsigned int nsets;
	unsigned int nprefixes;
	/* Built at the commit; both move to the ruleset (fill_ruleset()). */
	struct epgate_aset *sets;	/* nsets, by increasing id */
	struct epg_prefix *prefixes;	/* nprefixes, set after set */
	struct parsed_profile profiles[EPGATE_MAX_PROFILES];
};

/* Only a part from the message being handled may point the extack at an
 * attribute: staged parts are copies outside that message.
 */
#define SET_ERR(part, extack, attr, msg) do {				\
	if ((part)->here)						\
		NL_SET_ERR_MSG_ATTR(extack, attr, msg);			\
	else								\
		NL_SET_ERR_MSG(extack, msg);				\
} while (0)

/* The same with numbers: @gist alone on 6.1 (see EPGATE_ERR_FMT). */
#define SET_ERR_FMT(part, extack, attr, gist, fmt, args...)		\
	EPGATE_ERR_FMT(extack, (part)->here ? (attr) : NULL, gist, fmt, ##args)

/* The table's limits are the ABI's. */
static_assert(EPGATE_MAX_SETS <= EPG_MAX_SETS);
static_assert(EPGATE_MAX_PREFIXES <= EPG_MAX_PREFIXES);
static_assert(EPGATE_MAX_SETS <= U16_MAX);

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
	for (i = 0; i < rs->nprofiles; i++) {
		epgate_pcounter_put(rs->profiles[i].pc);
		kfree(rs->profiles[i].userdata);
	}
	kfree(rs->profiles);
	kvfree(rs->ranges);
	kvfree(rs->sets);
	kvfree(rs->prefixes);
	epg_table_free(rs->table);
	kvfree(rs);
}

/*
 * A replaced ruleset is freed after a grace period, in process context:
 * it may hold 16,384 flows' per-CPU counters, too much work for softirq.
 */
static void ruleset_free_work(struct work_struct *work)
{
	epgate_ruleset_free(container_of(to_rcu_work(work),
					 struct epgate_ruleset, free_work));
}

void epgate_ruleset_free_later(struct epgate_ruleset *rs)
{
	INIT_RCU_WORK(&rs->free_work, ruleset_free_work);
	queue_rcu_work(epgate_wq, &rs->free_work);
}

/*
 * Names become sysfs directory names: ASCII letters, digits, '_', '-', '.',
 * not starting with a dot.  (The kernel's isalnum() takes Latin-1 letters
 * too.)
 */
static bool valid_name(const char *s)
{
	if (!*s || *s == '.')
		return false;
	for (; *s; s++) {
		if (!isascii(*s) ||
		    (!isalnum(*s) && *s != '_' && *s != '-' && *s != '.'))
			return false;
	}
	return true;
}

static int parse_prefix(const struct epgate_set_part *part,
			const struct nlattr *attr, struct epg_prefix *p,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[EPGATE_PREFIX_MAX + 1];
	unsigned int alen, maxlen;
	int ret;

	memset(p, 0, sizeof(*p));
	if (!attr)
		return 0;	/* unbound role: any address */
	ret = nla_parse_nested(tb, EPGATE_PREFIX_MAX, attr, NULL,
			       part->here ? extack : NULL);
	if (ret)
		return ret;
	if (!tb[EPGATE_PREFIX_FAMILY] || !tb[EPGATE_PREFIX_ADDR] ||
	    !tb[EPGATE_PREFIX_LEN]) {
		SET_ERR(part, extack, attr,
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
		SET_ERR(part, extack, tb[EPGATE_PREFIX_FAMILY],
			"prefix family must be AF_INET or AF_INET6");
		return -EINVAL;
	}
	if (nla_len(tb[EPGATE_PREFIX_ADDR]) != alen) {
		SET_ERR(part, extack, tb[EPGATE_PREFIX_ADDR],
			"address length does not match the family");
		return -EINVAL;
	}
	p->len = nla_get_u8(tb[EPGATE_PREFIX_LEN]);
	if (p->len > maxlen) {
		SET_ERR(part, extack, tb[EPGATE_PREFIX_LEN],
			"prefix length too long for the family");
		return -EINVAL;
	}
	nla_memcpy(p->addr, tb[EPGATE_PREFIX_ADDR], alen);
	return 0;
}

/* The profile called @name, created (no user data) when @create. */
static int find_profile(struct flow_set *set, const char *name, bool create)
{
	unsigned int i;

	for (i = 0; i < set->nprofiles; i++) {
		if (!strcmp(set->profiles[i].name, name))
			return i;
	}
	if (!create)
		return -ENOENT;
	if (set->nprofiles == EPGATE_MAX_PROFILES)
		return -E2BIG;
	set->profiles[i].name = name;
	set->profiles[i].mode = -1;
	set->nprofiles++;
	return i;
}

static int parse_profile(const struct epgate_set_part *part,
			 const struct nlattr *attr, struct flow_set *set,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[EPGATE_PROFILE_MAX + 1];
	struct parsed_profile *p;
	const char *name;
	int ret;

	ret = nla_parse_nested(tb, EPGATE_PROFILE_MAX, attr, NULL,
			       part->here ? extack : NULL);
	if (ret)
		return ret;
	if (!tb[EPGATE_PROFILE_NAME]) {
		SET_ERR(part, extack, attr, "profile needs a name");
		return -EINVAL;
	}
	name = nla_data(tb[EPGATE_PROFILE_NAME]);
	if (!valid_name(name)) {
		SET_ERR(part, extack, tb[EPGATE_PROFILE_NAME],
			"profile name: letters, digits, _ - . only");
		return -EINVAL;
	}
	if (find_profile(set, name, false) >= 0) {
		SET_ERR(part, extack, tb[EPGATE_PROFILE_NAME],
			"duplicate profile");
		return -EINVAL;
	}
	ret = find_profile(set, name, true);
	if (ret < 0) {
		SET_ERR(part, extack, attr, "too many profiles (max 64)");
		return ret;
	}
	p = &set->profiles[ret];
	if (tb[EPGATE_PROFILE_MODE])
		p->mode = nla_get_u8(tb[EPGATE_PROFILE_MODE]);
	if (tb[EPGATE_PROFILE_USERDATA]) {
		p->userdata = nla_data(tb[EPGATE_PROFILE_USERDATA]);
		p->udlen = nla_len(tb[EPGATE_PROFILE_USERDATA]);
	}
	return 0;
}

/*
 * A role bound to an address set: its id, checked against the sets at the
 * commit (bind_sets()).  A role is bound to a prefix or to a set, not both.
 */
static int parse_role_set(const struct epgate_set_part *part,
			  struct nlattr **tb, int prefix_type, int set_type,
			  unsigned int flow, u16 *id,
			  struct netlink_ext_ack *extack)
{
	const char *role = prefix_type == EPGATE_FLOW_FROM ? "FROM" : "TO";
	u32 v;

	*id = 0;
	if (!tb[set_type])
		return 0;
	if (tb[prefix_type]) {
		SET_ERR_FMT(part, extack, tb[set_type],
			    "a role bound to a prefix and to a set",
			    "flow %u: %s and %s_SET together", flow, role, role);
		return -EINVAL;
	}
	/* The policy's range, checked again: it indexes an array. */
	v = nla_get_u32(tb[set_type]);
	if (!v || v > EPGATE_MAX_SETS) {
		SET_ERR_FMT(part, extack, tb[set_type], "set id out of range",
			    "flow %u: set id %u out of range", flow, v);
		return -EINVAL;
	}
	*id = v;
	return 0;
}

static int parse_flow(const struct epgate_set_part *part,
		      const struct nlattr *attr, struct flow_set *set,
		      unsigned int i, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[EPGATE_FLOW_MAX + 1];
	struct epg_flow_spec *spec = &set->specs[i];
	struct parsed_flow *f = &set->flows[i];
	struct epg_range *ranges = &set->ranges[i * EPGATE_MAX_RANGES];
	struct parsed_profile *p;
	const struct nlattr *r;
	unsigned int nr = 0;
	int ret, rem;

	ret = nla_parse_nested(tb, EPGATE_FLOW_MAX, attr, NULL,
			       part->here ? extack : NULL);
	if (ret)
		return ret;
	if (!tb[EPGATE_FLOW_PROFILE] || !tb[EPGATE_FLOW_NAME] ||
	    !tb[EPGATE_FLOW_PROTO] || !tb[EPGATE_FLOW_PORTS]) {
		SET_ERR(part, extack, attr,
			"flow needs profile, name, proto and ports");
		return -EINVAL;
	}
	f->profile = nla_data(tb[EPGATE_FLOW_PROFILE]);
	f->name = nla_data(tb[EPGATE_FLOW_NAME]);
	if (!valid_name(f->profile)) {
		SET_ERR(part, extack, tb[EPGATE_FLOW_PROFILE],
			"profile name: letters, digits, _ - . only");
		return -EINVAL;
	}
	if (!valid_name(f->name)) {
		SET_ERR(part, extack, tb[EPGATE_FLOW_NAME],
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
		SET_ERR(part, extack, tb[EPGATE_FLOW_PROTO],
			"proto must be IPPROTO_TCP or IPPROTO_UDP");
		return -EINVAL;
	}

	f->profile_mode = EPGATE_MODE_ENFORCE;
	if (tb[EPGATE_FLOW_PROFILE_MODE])
		f->profile_mode = nla_get_u8(tb[EPGATE_FLOW_PROFILE_MODE]);

	nla_for_each_nested(r, tb[EPGATE_FLOW_PORTS], rem) {
		struct nlattr *rt[EPGATE_RANGE_MAX + 1];

		if (nr == EPGATE_MAX_RANGES) {
			SET_ERR(part, extack, r,
				"too many port ranges in a flow (max 64)");
			return -E2BIG;
		}
		ret = nla_parse_nested(rt, EPGATE_RANGE_MAX, r, NULL,
				       part->here ? extack : NULL);
		if (ret)
			return ret;
		if (!rt[EPGATE_RANGE_LO]) {
			SET_ERR(part, extack, r, "port range without LO");
			return -EINVAL;
		}
		ranges[nr].lo = nla_get_u16(rt[EPGATE_RANGE_LO]);
		ranges[nr].hi = rt[EPGATE_RANGE_HI] ?
				nla_get_u16(rt[EPGATE_RANGE_HI]) : ranges[nr].lo;
		if (ranges[nr].hi < ranges[nr].lo) {
			SET_ERR(part, extack, r, "port range with HI < LO");
			return -EINVAL;
		}
		nr++;
	}
	if (rem > 0) {
		SET_ERR(part, extack, tb[EPGATE_FLOW_PORTS],
			"trailing bytes after the last port range");
		return -EINVAL;
	}
	if (!nr) {
		SET_ERR(part, extack, tb[EPGATE_FLOW_PORTS],
			"flow without ports");
		return -EINVAL;
	}

	ret = parse_prefix(part, tb[EPGATE_FLOW_FROM], &spec->from, extack);
	if (ret)
		return ret;
	ret = parse_prefix(part, tb[EPGATE_FLOW_TO], &spec->to, extack);
	if (ret)
		return ret;
	ret = parse_role_set(part, tb, EPGATE_FLOW_FROM, EPGATE_FLOW_FROM_SET,
			     set->base + i, &f->from_set, extack);
	if (ret)
		return ret;
	ret = parse_role_set(part, tb, EPGATE_FLOW_TO, EPGATE_FLOW_TO_SET,
			     set->base + i, &f->to_set, extack);
	if (ret)
		return ret;

	/* A profile is monitored or enforced as a whole. */
	ret = find_profile(set, f->profile, true);
	if (ret < 0) {
		SET_ERR(part, extack, tb[EPGATE_FLOW_PROFILE],
			"too many profiles (max 64)");
		return ret;
	}
	f->pidx = ret;
	p = &set->profiles[ret];
	if (p->mode < 0) {
		p->mode = f->profile_mode;
	} else if (p->mode != f->profile_mode) {
		SET_ERR(part, extack, attr,
			"flows of one profile disagree on its mode");
		return -EINVAL;
	}
	p->nflows++;

	spec->id = i;
	spec->flags = f->profile_mode == EPGATE_MODE_MONITOR ?
		      EPGATE_RF_MONITOR : 0;
	spec->nranges = nr;
	spec->ranges = ranges;
	set->nranges += nr;
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
	kvfree(set->pset);
	kvfree(set->sets);
	kvfree(set->prefixes);
	kvfree(set->flows);
	kvfree(set->specs);
	kvfree(set->ranges);
	kfree(set);
}

/*
 * Prefix @k of set @id: FLOW_FROM's format, and no host bits (the table
 * builder would refuse them too, but could not say which set).  Errors
 * name the set and the prefix.
 */
static int parse_set_prefix(const struct epgate_set_part *part,
			    const struct nlattr *attr, struct epg_prefix *p,
			    u32 id, u32 k, struct netlink_ext_ack *extack)
{
	const char *why;
	int ret;

	ret = parse_prefix(part, attr, p, extack);
	if (ret) {
		/* parse_prefix() gave a fixed reason: say where it is. */
		why = extack && extack->_msg ? extack->_msg : "invalid prefix";
#ifdef NL_SET_ERR_MSG_ATTR_FMT
		/* (A formatted reason would be overwritten while read.) */
		if (!extack || why != extack->_msg_buf)
			NL_SET_ERR_MSG_ATTR_FMT(extack, part->here ? attr : NULL,
						"set %u: prefix %u: %s", id, k,
						why);
#else
		pr_info_ratelimited("set %u: prefix %u: %s\n", id, k, why);
#endif
		return ret;
	}
	if (epg_prefix_host_bits(p)) {
		SET_ERR_FMT(part, extack, attr,
			    "set prefix with address bits beyond its length",
			    "set %u: prefix %u: address bits beyond /%u", id, k,
			    p->len);
		return -EINVAL;
	}
	return 0;
}

/* An entry's id, the policy's range checked again: it indexes pset. */
static int set_entry_id(const struct epgate_set_part *part,
			const struct nlattr *attr, struct nlattr **tb,
			u32 *id, struct netlink_ext_ack *extack)
{
	int ret;

	ret = nla_parse_nested(tb, EPGATE_SET_MAX, attr, NULL,
			       part->here ? extack : NULL);
	if (ret)
		return ret;
	if (!tb[EPGATE_SET_ID]) {
		SET_ERR(part, extack, attr, "address set without an id");
		return -EINVAL;
	}
	*id = nla_get_u32(tb[EPGATE_SET_ID]);
	if (!*id || *id > EPGATE_MAX_SETS) {
		SET_ERR(part, extack, tb[EPGATE_SET_ID], "set id out of range");
		return -EINVAL;
	}
	return 0;
}

/* Pass 1 over one entry: its id, its name, how many prefixes. */
static int count_set_entry(const struct epgate_set_part *part,
			   const struct nlattr *attr, struct flow_set *set,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[EPGATE_SET_MAX + 1];
	const struct nlattr *a;
	struct parsed_aset *s;
	u32 id, n = 0;
	int ret, rem;

	ret = set_entry_id(part, attr, tb, &id, extack);
	if (ret)
		return ret;
	s = &set->pset[id];
	if (tb[EPGATE_SET_NAME]) {
		const char *name = nla_data(tb[EPGATE_SET_NAME]);

		if (s->name && strcmp(s->name, name)) {
			SET_ERR_FMT(part, extack, tb[EPGATE_SET_NAME],
				    "an address set given two names",
				    "set %u: name differs from the one given before",
				    id);
			return -EINVAL;
		}
		s->name = name;
	}
	if (tb[EPGATE_SET_PREFIXES]) {
		nla_for_each_nested(a, tb[EPGATE_SET_PREFIXES], rem)
			n++;
		if (rem > 0) {
			SET_ERR_FMT(part, extack, tb[EPGATE_SET_PREFIXES],
				    "trailing bytes after the last prefix of a set",
				    "set %u: trailing bytes after the last prefix",
				    id);
			return -EINVAL;
		}
	}
	if (!s->present) {
		s->present = true;
		set->nsets++;
	}
	/* No overflow: a prefix takes 4 bytes at least of 4 MiB staged. */
	s->n += n;
	set->nprefixes += n;
	return 0;
}

/* Pass 2 over one entry: its prefixes, after those of earlier entries. */
static int fill_set_entry(const struct epgate_set_part *part,
			  const struct nlattr *attr, struct flow_set *set,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[EPGATE_SET_MAX + 1];
	const struct nlattr *a;
	struct parsed_aset *s;
	struct epg_prefix tmp;
	int ret, rem;
	u32 id;

	ret = set_entry_id(part, attr, tb, &id, extack);
	if (ret)
		return ret;
	s = &set->pset[id];
	if (!tb[EPGATE_SET_PREFIXES])
		return 0;
	nla_for_each_nested(a, tb[EPGATE_SET_PREFIXES], rem) {
		/* A part checked alone keeps nothing: one scratch prefix. */
		struct epg_prefix *p = set->prefixes ?
				       &set->prefixes[s->first + s->fill] : &tmp;

		if (WARN_ON_ONCE(s->fill >= s->n))
			return -EINVAL;
		ret = parse_set_prefix(part, a, p, id, s->fill, extack);
		if (ret)
			return ret;
		s->fill++;
	}
	return 0;
}

/*
 * The address sets of every part.  Pass 1 counts and checks the limits
 * before anything is allocated for the prefixes; pass 2 parses them.  At
 * the commit (@keep) they are kept: one array of prefixes, set after set,
 * and the epg_addrset of each set (fill_ruleset() moves both into the
 * ruleset); a part checked alone only validates.
 */
static int parse_sets(const struct epgate_set_part *parts, unsigned int nparts,
		      struct flow_set *set, bool keep,
		      struct netlink_ext_ack *extack)
{
	const struct nlattr *attr;
	unsigned int k, j;
	u32 id, off;
	int ret, rem;

	for (k = 0; k < nparts && !parts[k].sets; k++)
		;
	if (k == nparts)
		return 0;
	set->pset = kvcalloc(EPGATE_MAX_SETS + 1, sizeof(*set->pset),
			     GFP_KERNEL_ACCOUNT);
	if (!set->pset)
		return -ENOMEM;

	for (k = 0; k < nparts; k++) {
		if (!parts[k].sets)
			continue;
		nla_for_each_nested(attr, parts[k].sets, rem) {
			ret = count_set_entry(&parts[k], attr, set, extack);
			if (ret)
				return ret;
		}
		if (rem > 0) {
			SET_ERR(&parts[k], extack, parts[k].sets,
				"trailing bytes after the last address set");
			return -EINVAL;
		}
	}
	for (id = 1; id <= EPGATE_MAX_SETS; id++) {
		if (set->pset[id].n > EPGATE_MAX_PREFIXES) {
			EPGATE_ERR_FMT(extack, NULL,
				       "an address set with too many prefixes",
				       "set %u: %u prefixes, limit %u", id,
				       set->pset[id].n, EPGATE_MAX_PREFIXES);
			return -E2BIG;
		}
	}
	if (set->nprefixes > EPGATE_MAX_PREFIXES) {
		EPGATE_ERR_FMT(extack, NULL, "address sets with too many prefixes",
			       "sets: %u prefixes in all, limit %u",
			       set->nprefixes, EPGATE_MAX_PREFIXES);
		return -E2BIG;
	}

	if (keep && set->nprefixes) {
		set->prefixes = kvcalloc(set->nprefixes, sizeof(*set->prefixes),
					 GFP_KERNEL_ACCOUNT);
		if (!set->prefixes)
			return -ENOMEM;
	}
	off = 0;
	for (id = 1; id <= EPGATE_MAX_SETS; id++) {
		set->pset[id].first = off;
		off += set->pset[id].n;
	}
	for (k = 0; k < nparts; k++) {
		if (!parts[k].sets)
			continue;
		nla_for_each_nested(attr, parts[k].sets, rem) {
			ret = fill_set_entry(&parts[k], attr, set, extack);
			if (ret)
				return ret;
		}
	}
	/* (An empty SETS list leaves no set: nothing to keep.) */
	if (!keep || !set->nsets)
		return 0;

	set->sets = kvcalloc(set->nsets, sizeof(*set->sets),
			     GFP_KERNEL_ACCOUNT);
	if (!set->sets)
		return -ENOMEM;
	for (id = 1, j = 0; id <= EPGATE_MAX_SETS; id++) {
		struct parsed_aset *s = &set->pset[id];
		struct epgate_aset *a;

		if (!s->present)
			continue;
		a = &set->sets[j];
		a->id = id;
		a->as.n = s->n;
		a->as.prefixes = s->n ? &set->prefixes[s->first] : NULL;
		if (s->name) {
			a->named = true;
			strscpy(a->name, s->name, sizeof(a->name));
		}
		s->idx = j++;
	}
	return 0;
}

/*
 * At the commit, with every part parsed: every set a flow names exists,
 * every set has a prefix and is named by a flow.  Each spec then points at
 * its sets' epg_addrset, the same pointer for every flow of one set, so
 * that the table compiles each set once.
 */
static int bind_sets(struct flow_set *set, struct netlink_ext_ack *extack)
{
	unsigned int i, r;
	u32 id;

	for (i = 0; i < set->n; i++) {
		const struct epg_addrset **as[2] = { &set->specs[i].from_set,
						     &set->specs[i].to_set };
		u16 ids[2] = { set->flows[i].from_set, set->flows[i].to_set };

		for (r = 0; r < 2; r++) {
			if (!ids[r])
				continue;
			if (!set->pset || !set->pset[ids[r]].present) {
				EPGATE_ERR_FMT(extack, NULL,
					       "a flow names an address set that does not exist",
					       "flow %u: set %u does not exist",
					       set->base + i, ids[r]);
				return -EINVAL;
			}
			set->pset[ids[r]].used = true;
			*as[r] = &set->sets[set->pset[ids[r]].idx].as;
		}
	}
	if (!set->pset)
		return 0;
	for (id = 1; id <= EPGATE_MAX_SETS; id++) {
		const struct parsed_aset *s = &set->pset[id];

		if (!s->present)
			continue;
		if (!s->n) {
			EPGATE_ERR_FMT(extack, NULL,
				       "an address set without a prefix",
				       "set %u: no prefix", id);
			return -EINVAL;
		}
		if (!s->used) {
			EPGATE_ERR_FMT(extack, NULL,
				       "an address set that no flow names",
				       "set %u: named by no flow", id);
			return -EINVAL;
		}
	}
	return 0;
}

static unsigned int count_flows(const struct nlattr *list)
{
	const struct nlattr *attr;
	unsigned int n = 0;
	int rem;

	if (list)
		nla_for_each_nested(attr, list, rem)
			n++;
	return n;
}

/*
 * Parse @nparts parts into one set.  Profiles come first (so that declared
 * ones keep the order given), then address sets, then flows in order.
 * @commit: the parts are the whole transaction, so the sets flows name
 * are checked and kept; else a part is checked alone, its flows numbered
 * from @base in messages.
 */
static struct flow_set *parse_set(const struct epgate_set_part *parts,
				  unsigned int nparts, unsigned int base,
				  bool commit, int *err,
				  struct netlink_ext_ack *extack)
{
	struct name_index ix = { 0 };
	const struct nlattr *attr;
	struct flow_set *set;
	unsigned int n = 0, i, k;
	int ret, rem;

	for (k = 0; k < nparts; k++)
		n += count_flows(parts[k].flows);
	if (n > EPGATE_MAX_FLOWS) {
		NL_SET_ERR_MSG(extack, "too many flows (max "
			       __stringify(EPGATE_MAX_FLOWS) ")");
		*err = -E2BIG;
		return NULL;
	}

	*err = -ENOMEM;
	set = kzalloc(sizeof(*set), GFP_KERNEL_ACCOUNT);
	if (!set)
		return NULL;
	set->base = base;
	if (n) {
		set->flows = kvcalloc(n, sizeof(*set->flows),
				      GFP_KERNEL_ACCOUNT);
		set->specs = kvcalloc(n, sizeof(*set->specs),
				      GFP_KERNEL_ACCOUNT);
		set->ranges = kvcalloc(n * EPGATE_MAX_RANGES,
				       sizeof(*set->ranges), GFP_KERNEL_ACCOUNT);
		if (!set->flows || !set->specs || !set->ranges ||
		    index_init(&ix, n))
			goto err;
	}

	for (k = 0; k < nparts; k++) {
		if (!parts[k].profiles)
			continue;
		nla_for_each_nested(attr, parts[k].profiles, rem) {
			ret = parse_profile(&parts[k], attr, set, extack);
			if (ret)
				goto err_ret;
		}
		if (rem > 0) {
			SET_ERR(&parts[k], extack, parts[k].profiles,
				"trailing bytes after the last profile");
			ret = -EINVAL;
			goto err_ret;
		}
	}

	ret = parse_sets(parts, nparts, set, commit, extack);
	if (ret)
		goto err_ret;

	i = 0;
	for (k = 0; k < nparts; k++) {
		if (!parts[k].flows)
			continue;
		nla_for_each_nested(attr, parts[k].flows, rem) {
			ret = parse_flow(&parts[k], attr, set, i, extack);
			if (ret)
				goto err_ret;
			if (index_insert(&ix, set->flows[i].profile,
					 set->flows[i].name, i, set_names, set,
					 true) >= 0) {
				SET_ERR(&parts[k], extack, attr,
					"duplicate flow (same profile and name)");
				ret = -EINVAL;
				goto err_ret;
			}
			set->n = ++i;
		}
		if (rem > 0) {
			SET_ERR(&parts[k], extack, parts[k].flows,
				"trailing bytes after the last flow");
			ret = -EINVAL;
			goto err_ret;
		}
	}
	if (commit) {
		ret = bind_sets(set, extack);
		if (ret)
			goto err_ret;
	}
	for (i = 0; i < set->nprofiles; i++) {
		if (set->profiles[i].mode < 0)
			set->profiles[i].mode = EPGATE_MODE_ENFORCE;
	}
	kvfree(ix.slot);
	return set;
err_ret:
	*err = ret;
err:
	kvfree(ix.slot);
	flow_set_free(set);
	return NULL;
}

int epgate_check_part(const struct epgate_set_part *part,
		      unsigned int first_flow, struct epgate_part_count *count,
		      struct netlink_ext_ack *extack)
{
	struct flow_set *set;
	int ret;

	set = parse_set(part, 1, first_flow, false, &ret, extack);
	if (!set)
		return ret;
	count->flows = set->n;
	count->prefixes = set->nprefixes;
	flow_set_free(set);
	return 0;
}

/* Copy what GET_FLOWS and GET_PROFILES give back into @rs. */
static int fill_ruleset(struct epgate_ruleset *rs, struct flow_set *set)
{
	unsigned int i, off = 0;

	/* The sets, with the prefixes the specs point at, move over. */
	rs->nsets = set->nsets;
	rs->sets = set->sets;
	rs->prefixes = set->prefixes;
	set->sets = NULL;
	set->prefixes = NULL;

	rs->profiles = kcalloc(max(set->nprofiles, 1U), sizeof(*rs->profiles),
			       GFP_KERNEL_ACCOUNT);
	rs->ranges = kvcalloc(max(set->nranges, 1U), sizeof(*rs->ranges),
			      GFP_KERNEL_ACCOUNT);
	if (!rs->profiles || !rs->ranges)
		return -ENOMEM;
	for (i = 0; i < set->nprofiles; i++) {
		const struct parsed_profile *p = &set->profiles[i];
		struct epgate_profile *q = &rs->profiles[i];

		strscpy(q->name, p->name, sizeof(q->name));
		q->mode = p->mode;
		q->nflows = p->nflows;
		if (p->udlen) {
			q->userdata = kmemdup(p->userdata, p->udlen,
					      GFP_KERNEL_ACCOUNT);
			if (!q->userdata)
				return -ENOMEM;
			q->udlen = p->udlen;
		}
		rs->nprofiles = i + 1;
	}
	for (i = 0; i < set->n; i++) {
		const struct epg_flow_spec *spec = &set->specs[i];
		struct epgate_flow *f = &rs->flows[i];

		f->proto = set->flows[i].proto;
		f->profile_mode = set->flows[i].profile_mode;
		f->profile = set->flows[i].pidx;
		f->from = spec->from;
		f->to = spec->to;
		f->from_set = set->flows[i].from_set;
		f->to_set = set->flows[i].to_set;
		f->nranges = spec->nranges;
		f->first_range = off;
		memcpy(&rs->ranges[off], spec->ranges,
		       spec->nranges * sizeof(*spec->ranges));
		off += spec->nranges;
	}
	return 0;
}

/* Give every profile its counters: the old ones by name, else new ones. */
static int attach_profile_counters(struct epgate_ruleset *rs,
				   const struct epgate_ruleset *old)
{
	unsigned int i, k;

	for (i = 0; i < rs->nprofiles; i++) {
		struct epgate_profile *p = &rs->profiles[i];

		for (k = 0; k < old->nprofiles; k++) {
			if (!strcmp(old->profiles[k].name, p->name))
				break;
		}
		if (k < old->nprofiles) {
			p->pc = old->profiles[k].pc;
			refcount_inc(&p->pc->ref);
		} else {
			p->pc = epgate_pcounter_new(p->name);
			if (!p->pc)
				return -ENOMEM;
		}
	}
	for (i = 0; i < rs->nflows; i++) {
		rs->flows[i].pc = rs->profiles[rs->flows[i].profile].pc;
		rs->hot[i].stats = rs->flows[i].ctr->stats;
		rs->hot[i].pstats = rs->flows[i].pc->stats;
	}
	return 0;
}

/* Give every new flow a counter, reusing by identity. */
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
		rs->nflows = i + 1;
	}
	kvfree(ix.slot);
	if (i != set->n)
		return -ENOMEM;
	return attach_profile_counters(rs, old);
}

int epgate_replace_flows(struct net *net, const struct epgate_set_part *parts,
			 unsigned int nparts, struct nlattr **attrs,
			 struct netlink_ext_ack *extack)
{
	struct epgate_net *en = epgate_pernet(net);
	struct epgate_config *cfg = NULL, *old_cfg;
	struct epgate_ruleset *rs = NULL, *old;
	struct flow_set *set;
	char *err = NULL;
	int ret;

	lockdep_assert_held(&en->lock);
	set = parse_set(parts, nparts, 0, true, &ret, extack);
	if (!set)
		return ret;
	if (epgate_config_requested(attrs)) {
		cfg = epgate_config_build(net, attrs, extack);
		if (IS_ERR(cfg)) {
			ret = PTR_ERR(cfg);
			cfg = NULL;
			goto out;
		}
	}

	ret = -ENOMEM;
	err = kzalloc(128, GFP_KERNEL);
	rs = kvzalloc(size_add(struct_size(rs, flows, set->n),
			       array_size(set->n, sizeof(*rs->hot))),
		      GFP_KERNEL_ACCOUNT);
	if (!rs || !err)
		goto out;
	rs->hot = (struct epgate_flow_hot *)&rs->flows[set->n];

	ret = epg_table_build(set->specs, set->n, &rs->table, err, 128);
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

	old = rcu_dereference_protected(en->rs, lockdep_is_held(&en->lock));
	ret = fill_ruleset(rs, set);
	if (!ret)
		ret = attach_counters(rs, set, old);
	/* The configuration's resources: the last thing that can fail. */
	if (!ret && cfg)
		ret = epgate_config_prepare(net, cfg, false, extack);
	if (ret)
		goto out;

	/*
	 * Published back to back under the lock, the flows first, as a
	 * rollback does: a packet between the two sees the new flows under
	 * the old configuration.
	 */
	rcu_assign_pointer(en->rs, rs);
	atomic64_inc(&en->generation);
	old_cfg = rcu_dereference_protected(en->cfg, lockdep_is_held(&en->lock));
	if (cfg)
		epgate_config_publish(net, cfg, &old_cfg);
	/* The state before this change, kept if it asks for a confirm. */
	epgate_rollback_arm(net, attrs[EPGATE_A_CONFIRM_SECS], old_cfg, old);
	if (cfg && !epgate_rollback_keeps(en, old_cfg))
		kfree_rcu(old_cfg, rcu);
	if (!epgate_rollback_keeps(en, old))
		epgate_ruleset_free_later(old);
	if (net_eq(net, &init_net))
		epgate_sysfs_sync(rs);
	rs = NULL;
	cfg = NULL;
	en->offload_last = epgate_offload_narrow(net);
	en->offload_total += en->offload_last;
out:
	kfree(cfg);
	epgate_ruleset_free(rs);
	kfree(err);
	flow_set_free(set);
	return ret;
}
