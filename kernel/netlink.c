// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "epgate".  The protocol is documented in
 * include/uapi/linux/epgate.h.
 *
 * resv_start_op stays 0, so every command is strictly validated: unknown
 * attributes, wrong lengths, nests without NLA_F_NESTED and non-zero
 * reserved header bytes are errors.  Attributes a command does not take
 * are NLA_UNSPEC in its policy, which strict validation rejects.
 */

#include <net/genetlink.h>
#include <net/sock.h>
#include <linux/epgate.h>

#include "epgate.h"
#include "netlink.h"

static const struct nla_policy epgate_no_attrs_policy[EPGATE_A_MAX + 1];

static struct netlink_range_validation confirm_range = {
	.min = 1,
	.max = EPGATE_CONFIRM_MAX,
};

static const struct nla_policy iface_policy[EPGATE_IFACE_MAX + 1] = {
	[EPGATE_IFACE_NAME] = { .type = NLA_NUL_STRING,
				.len = EPGATE_IFNAME_MAX - 1 },
};

/* SET_CONFIG's settings, which a SET_FLOWS commit may carry as well. */
#define EPGATE_CONFIG_POLICY						\
	[EPGATE_A_MODE] = NLA_POLICY_MAX(NLA_U8, EPGATE_MODE_MAX),	\
	[EPGATE_A_HOOKS] = NLA_POLICY_RANGE(NLA_U32, 1, EPGATE_HOOK_ALL), \
	[EPGATE_A_MARK_VALUE] = { .type = NLA_U32 },			\
	[EPGATE_A_MARK_MASK] = { .type = NLA_U32 },			\
	[EPGATE_A_IFACES_IN] = NLA_POLICY_NESTED_ARRAY(iface_policy),	\
	[EPGATE_A_IFACES_OUT] = NLA_POLICY_NESTED_ARRAY(iface_policy),	\
	[EPGATE_A_LOG_FLAGS] = NLA_POLICY_MASK(NLA_U32, EPGATE_LOG_ALL), \
	[EPGATE_A_LOG_GROUP] = { .type = NLA_U16 },			\
	[EPGATE_A_PRIORITY] = NLA_POLICY_RANGE(NLA_S32, EPGATE_PRIORITY_MIN, \
					       EPGATE_PRIORITY_MAX),	\
	[EPGATE_A_OTHER] = NLA_POLICY_MAX(NLA_U8, EPGATE_OTHER_MAX),	\
	[EPGATE_A_CONFIRM_SECS] = NLA_POLICY_FULL_RANGE(NLA_U32, &confirm_range)

static const struct nla_policy config_policy[EPGATE_A_MAX + 1] = {
	EPGATE_CONFIG_POLICY,
};

static const struct nla_policy range_policy[EPGATE_RANGE_MAX + 1] = {
	[EPGATE_RANGE_LO] = { .type = NLA_U16 },
	[EPGATE_RANGE_HI] = { .type = NLA_U16 },
};

static const struct nla_policy prefix_policy[EPGATE_PREFIX_MAX + 1] = {
	[EPGATE_PREFIX_FAMILY] = { .type = NLA_U8 },
	[EPGATE_PREFIX_ADDR] = { .type = NLA_BINARY, .len = 16 },
	[EPGATE_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy flow_policy[EPGATE_FLOW_MAX + 1] = {
	[EPGATE_FLOW_PROFILE] = { .type = NLA_NUL_STRING,
				  .len = EPGATE_NAME_MAX - 1 },
	[EPGATE_FLOW_NAME] = { .type = NLA_NUL_STRING,
			       .len = EPGATE_NAME_MAX - 1 },
	[EPGATE_FLOW_PROTO] = { .type = NLA_U8 },
	[EPGATE_FLOW_PORTS] = NLA_POLICY_NESTED_ARRAY(range_policy),
	[EPGATE_FLOW_FROM] = NLA_POLICY_NESTED(prefix_policy),
	[EPGATE_FLOW_TO] = NLA_POLICY_NESTED(prefix_policy),
	[EPGATE_FLOW_PROFILE_MODE] = NLA_POLICY_RANGE(NLA_U8,
						      EPGATE_MODE_MONITOR,
						      EPGATE_MODE_ENFORCE),
	[EPGATE_FLOW_FROM_SET] = NLA_POLICY_RANGE(NLA_U32, 1, EPGATE_MAX_SETS),
	[EPGATE_FLOW_TO_SET] = NLA_POLICY_RANGE(NLA_U32, 1, EPGATE_MAX_SETS),
};

static const struct nla_policy set_policy[EPGATE_SET_MAX + 1] = {
	[EPGATE_SET_ID] = NLA_POLICY_RANGE(NLA_U32, 1, EPGATE_MAX_SETS),
	[EPGATE_SET_NAME] = { .type = NLA_NUL_STRING,
			      .len = EPGATE_NAME_MAX - 1 },
	[EPGATE_SET_PREFIXES] = NLA_POLICY_NESTED_ARRAY(prefix_policy),
};

static const struct nla_policy profile_policy[EPGATE_PROFILE_MAX + 1] = {
	[EPGATE_PROFILE_NAME] = { .type = NLA_NUL_STRING,
				  .len = EPGATE_NAME_MAX - 1 },
	[EPGATE_PROFILE_MODE] = NLA_POLICY_RANGE(NLA_U8, EPGATE_MODE_MONITOR,
						 EPGATE_MODE_ENFORCE),
	[EPGATE_PROFILE_USERDATA] = { .type = NLA_BINARY,
				      .len = EPGATE_USERDATA_MAX },
};

static const struct nla_policy set_flows_policy[EPGATE_A_MAX + 1] = {
	[EPGATE_A_FLOWS] = NLA_POLICY_NESTED_ARRAY(flow_policy),
	[EPGATE_A_PROFILES] = NLA_POLICY_NESTED_ARRAY(profile_policy),
	[EPGATE_A_SETS] = NLA_POLICY_NESTED_ARRAY(set_policy),
	[EPGATE_A_GENERATION] = { .type = NLA_U64 },
	[EPGATE_A_XACT_FLAGS] = NLA_POLICY_MASK(NLA_U32, EPGATE_XACT_ALL),
	EPGATE_CONFIG_POLICY,
};

static struct genl_family epgate_genl_family;

static int put_ifaces(struct sk_buff *msg, int type,
		      const char (*names)[IFNAMSIZ], unsigned int n)
{
	struct nlattr *list, *entry;
	unsigned int i;

	if (!n)
		return 0;
	list = nla_nest_start(msg, type);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		entry = nla_nest_start(msg, i + 1);
		if (!entry || nla_put_string(msg, EPGATE_IFACE_NAME, names[i]))
			return -EMSGSIZE;
		nla_nest_end(msg, entry);
	}
	nla_nest_end(msg, list);
	return 0;
}

static int put_counters(struct sk_buff *msg, struct epgate_net *en)
{
	u64 allowed, dropped, would_drop, malformed;
	struct nlattr *nest;

	epgate_global_sum(en->stats, &allowed, &dropped, &would_drop,
			  &malformed);
	nest = nla_nest_start(msg, EPGATE_A_COUNTERS);
	if (!nest ||
	    nla_put_u64_64bit(msg, EPGATE_CTR_ALLOWED, allowed, EPGATE_CTR_PAD) ||
	    nla_put_u64_64bit(msg, EPGATE_CTR_DROPPED, dropped, EPGATE_CTR_PAD) ||
	    nla_put_u64_64bit(msg, EPGATE_CTR_WOULD_DROP, would_drop,
			      EPGATE_CTR_PAD) ||
	    nla_put_u64_64bit(msg, EPGATE_CTR_MALFORMED, malformed,
			      EPGATE_CTR_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int fill_status(struct sk_buff *msg, struct epgate_net *en)
{
	const struct epgate_config *cfg;
	const struct epgate_ruleset *rs;
	int ret = -EMSGSIZE;

	rcu_read_lock();
	cfg = rcu_dereference(en->cfg);
	rs = rcu_dereference(en->rs);
	if (nla_put_string(msg, EPGATE_A_VERSION, EPGATE_VERSION) ||
	    nla_put_u32(msg, EPGATE_A_ABI_VERSION, EPGATE_ABI_VERSION) ||
	    nla_put_u8(msg, EPGATE_A_MODE, cfg->mode) ||
	    nla_put_u32(msg, EPGATE_A_HOOKS, cfg->hooks) ||
	    nla_put_u32(msg, EPGATE_A_MARK_VALUE, cfg->mark_value) ||
	    nla_put_u32(msg, EPGATE_A_MARK_MASK, cfg->mark_mask) ||
	    nla_put_u32(msg, EPGATE_A_LOG_FLAGS, cfg->log_flags) ||
	    nla_put_u16(msg, EPGATE_A_LOG_GROUP, cfg->log_group) ||
	    put_ifaces(msg, EPGATE_A_IFACES_IN, cfg->in, cfg->n_in) ||
	    put_ifaces(msg, EPGATE_A_IFACES_OUT, cfg->out, cfg->n_out) ||
	    nla_put_u64_64bit(msg, EPGATE_A_GENERATION,
			      atomic64_read(&en->generation), EPGATE_A_PAD) ||
	    nla_put_u64_64bit(msg, EPGATE_A_TABLE_BYTES,
			      epg_table_bytes(rs->table), EPGATE_A_PAD) ||
	    nla_put_u32(msg, EPGATE_A_NFLOWS, rs->nflows) ||
	    nla_put_s32(msg, EPGATE_A_PRIORITY, cfg->priority) ||
	    nla_put_u8(msg, EPGATE_A_OTHER, cfg->other) ||
	    nla_put_u32(msg, EPGATE_A_OFFLOAD_LAST,
			READ_ONCE(en->offload_last)) ||
	    nla_put_u64_64bit(msg, EPGATE_A_OFFLOAD_TOTAL,
			      READ_ONCE(en->offload_total), EPGATE_A_PAD) ||
	    nla_put_u32(msg, EPGATE_A_ROLLBACK_SECS,
			epgate_rollback_secs(en)) ||
	    nla_put_u64_64bit(msg, EPGATE_A_ROLLBACKS, READ_ONCE(en->rb.count),
			      EPGATE_A_PAD) ||
	    put_counters(msg, en))
		goto out;
	ret = 0;
out:
	rcu_read_unlock();
	return ret;
}

static int epgate_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct epgate_net *en = epgate_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &epgate_genl_family, 0,
				EPGATE_CMD_GET_STATUS);
	if (!hdr || fill_status(msg, en)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int epgate_set_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	return epgate_set_config(genl_info_net(info), info->attrs,
				 info->extack);
}

static int epgate_set_flows_doit(struct sk_buff *skb, struct genl_info *info)
{
	return epgate_set_flows(genl_info_net(info), info->snd_portid,
				info->attrs, info->extack);
}

static int epgate_reset_counters_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	struct epgate_net *en = epgate_pernet(genl_info_net(info));

	mutex_lock(&en->lock);
	epgate_reset_counters(en);
	mutex_unlock(&en->lock);
	return 0;
}

static int epgate_confirm_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct epgate_net *en = epgate_pernet(net);
	int ret;

	mutex_lock(&en->lock);
	ret = info->genlhdr->cmd == EPGATE_CMD_CONFIRM ? epgate_confirm(net) :
							 epgate_rollback_now(net);
	mutex_unlock(&en->lock);
	if (ret == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "no change awaits its confirm");
	return ret;
}

static int put_prefix(struct sk_buff *skb, int type,
		      const struct epg_prefix *p)
{
	struct nlattr *nest;

	if (!p->family)
		return 0;	/* any address */
	nest = nla_nest_start(skb, type);
	if (!nest ||
	    nla_put_u8(skb, EPGATE_PREFIX_FAMILY, p->family) ||
	    nla_put(skb, EPGATE_PREFIX_ADDR, p->family == AF_INET ? 4 : 16,
		    p->addr) ||
	    nla_put_u8(skb, EPGATE_PREFIX_LEN, p->len))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_ranges(struct sk_buff *skb, const struct epgate_ruleset *rs,
		      const struct epgate_flow *f)
{
	struct nlattr *list, *entry;
	unsigned int i;

	list = nla_nest_start(skb, EPGATE_FLOW_PORTS);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < f->nranges; i++) {
		const struct epg_range *r = &rs->ranges[f->first_range + i];

		entry = nla_nest_start(skb, i + 1);
		if (!entry ||
		    nla_put_u16(skb, EPGATE_RANGE_LO, r->lo) ||
		    nla_put_u16(skb, EPGATE_RANGE_HI, r->hi))
			return -EMSGSIZE;
		nla_nest_end(skb, entry);
	}
	nla_nest_end(skb, list);
	return 0;
}

static int put_flow(struct sk_buff *skb, const struct epgate_ruleset *rs,
		    const struct epgate_flow *f)
{
	struct nlattr *nest;
	u64 packets, bytes;

	epgate_counter_sum(f->ctr, &packets, &bytes);
	nest = nla_nest_start(skb, EPGATE_A_FLOW);
	if (!nest ||
	    nla_put_string(skb, EPGATE_FLOW_PROFILE, f->ctr->profile) ||
	    nla_put_string(skb, EPGATE_FLOW_NAME, f->ctr->name) ||
	    nla_put_u8(skb, EPGATE_FLOW_PROTO, f->proto) ||
	    put_ranges(skb, rs, f) ||
	    put_prefix(skb, EPGATE_FLOW_FROM, &f->from) ||
	    put_prefix(skb, EPGATE_FLOW_TO, &f->to) ||
	    (f->from_set &&
	     nla_put_u32(skb, EPGATE_FLOW_FROM_SET, f->from_set)) ||
	    (f->to_set && nla_put_u32(skb, EPGATE_FLOW_TO_SET, f->to_set)) ||
	    nla_put_u8(skb, EPGATE_FLOW_PROFILE_MODE, f->profile_mode) ||
	    nla_put_u64_64bit(skb, EPGATE_FLOW_PACKETS, packets,
			      EPGATE_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, EPGATE_FLOW_BYTES, bytes, EPGATE_FLOW_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_profile(struct sk_buff *skb, const struct epgate_ruleset *rs,
		       u32 idx)
{
	const struct epgate_profile *p = &rs->profiles[idx];
	u64 packets, bytes, would_drop, dropped;
	struct nlattr *nest;

	epgate_pcounter_sum(p->pc, &packets, &bytes, &would_drop, &dropped);
	nest = nla_nest_start(skb, EPGATE_A_PROFILE);
	if (!nest ||
	    nla_put_string(skb, EPGATE_PROFILE_NAME, p->name) ||
	    nla_put_u8(skb, EPGATE_PROFILE_MODE, p->mode) ||
	    nla_put_u32(skb, EPGATE_PROFILE_NFLOWS, p->nflows) ||
	    (p->udlen &&
	     nla_put(skb, EPGATE_PROFILE_USERDATA, p->udlen, p->userdata)) ||
	    nla_put_u64_64bit(skb, EPGATE_PROFILE_PACKETS, packets,
			      EPGATE_PROFILE_PAD) ||
	    nla_put_u64_64bit(skb, EPGATE_PROFILE_BYTES, bytes,
			      EPGATE_PROFILE_PAD) ||
	    nla_put_u64_64bit(skb, EPGATE_PROFILE_WOULD_DROP, would_drop,
			      EPGATE_PROFILE_PAD) ||
	    nla_put_u64_64bit(skb, EPGATE_PROFILE_DROPPED, dropped,
			      EPGATE_PROFILE_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One message per flow (GET_FLOWS) or per profile (GET_PROFILES) of the
 * ruleset; cb->args[0] is the next one.  cb->seq carries the generation so
 * that genl_dump_check_consistent() flags a dump that spans a table swap
 * (NLM_F_DUMP_INTR).
 */
static int dump_ruleset(struct sk_buff *skb, struct netlink_callback *cb,
			u8 cmd)
{
	struct epgate_net *en = epgate_pernet(sock_net(skb->sk));
	const struct epgate_ruleset *rs;
	unsigned long idx = cb->args[0];
	unsigned int n;
	void *hdr;
	int err;

	rcu_read_lock();
	rs = rcu_dereference(en->rs);
	cb->seq = (u32)atomic64_read(&en->generation) + 1;
	n = cmd == EPGATE_CMD_GET_FLOWS ? rs->nflows : rs->nprofiles;
	for (; idx < n; idx++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &epgate_genl_family,
				  NLM_F_MULTI, cmd);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (cmd == EPGATE_CMD_GET_FLOWS)
			err = put_flow(skb, rs, &rs->flows[idx]);
		else
			err = put_profile(skb, rs, idx);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	return skb->len;
}

static int epgate_get_flows_dump(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	return dump_ruleset(skb, cb, EPGATE_CMD_GET_FLOWS);
}

static int epgate_get_profiles_dump(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	return dump_ruleset(skb, cb, EPGATE_CMD_GET_PROFILES);
}

/*
 * One message holds one set's prefixes from cb->args[1] on, at most
 * EPGATE_SET_DUMP_PREFIXES, fewer when the skb fills (a dump skb may be a
 * page): 0 when not even one fitted, else how many were put.
 */
static int put_set(struct sk_buff *skb, const struct epgate_aset *a, u32 from)
{
	struct nlattr *nest, *list, *last;
	u32 i, end = min_t(u32, a->as.n, from + EPGATE_SET_DUMP_PREFIXES);

	nest = nla_nest_start(skb, EPGATE_A_SET);
	if (!nest ||
	    nla_put_u32(skb, EPGATE_SET_ID, a->id) ||
	    (a->named && nla_put_string(skb, EPGATE_SET_NAME, a->name)))
		return 0;
	list = nla_nest_start(skb, EPGATE_SET_PREFIXES);
	if (!list)
		return 0;
	for (i = from; i < end; i++) {
		last = (struct nlattr *)skb_tail_pointer(skb);
		if (put_prefix(skb, i - from + 1, &a->as.prefixes[i])) {
			nlmsg_trim(skb, last);
			break;
		}
	}
	if (i == from)
		return 0;
	nla_nest_end(skb, list);
	nla_nest_end(skb, nest);
	return i - from;
}

/*
 * GET_SETS: the active ruleset's sets, by id; cb->args[0] is the set,
 * cb->args[1] the prefix of it the next message starts at.  Consistency
 * as dump_ruleset(): a swap between two calls sets NLM_F_DUMP_INTR, and
 * the cursor is clamped to the new ruleset, so the dump ends regardless.
 */
static int epgate_get_sets_dump(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct epgate_net *en = epgate_pernet(sock_net(skb->sk));
	const struct epgate_ruleset *rs;
	unsigned long idx = cb->args[0], from = cb->args[1];
	void *hdr;
	int n;

	rcu_read_lock();
	rs = rcu_dereference(en->rs);
	cb->seq = (u32)atomic64_read(&en->generation) + 1;
	while (idx < rs->nsets) {
		const struct epgate_aset *a = &rs->sets[idx];

		if (from >= a->as.n) {	/* done, or a new ruleset's */
			idx++;
			from = 0;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &epgate_genl_family,
				  NLM_F_MULTI, EPGATE_CMD_GET_SETS);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		n = put_set(skb, a, from);
		if (!n) {
			genlmsg_cancel(skb, hdr);
			/* Not even one prefix in an empty skb: no progress. */
			if (!skb->len) {
				rcu_read_unlock();
				return -EMSGSIZE;
			}
			break;
		}
		genlmsg_end(skb, hdr);
		from += n;
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	cb->args[1] = from;
	return skb->len;
}

static const struct genl_ops epgate_genl_ops[] = {
	{
		.cmd = EPGATE_CMD_GET_STATUS,
		.doit = epgate_get_status,
		.policy = epgate_no_attrs_policy,
		.maxattr = EPGATE_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = EPGATE_CMD_SET_CONFIG,
		.doit = epgate_set_config_doit,
		.policy = config_policy,
		.maxattr = EPGATE_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = EPGATE_CMD_SET_FLOWS,
		.doit = epgate_set_flows_doit,
		.policy = set_flows_policy,
		.maxattr = EPGATE_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = EPGATE_CMD_GET_FLOWS,
		.dumpit = epgate_get_flows_dump,
		.policy = epgate_no_attrs_policy,
		.maxattr = EPGATE_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = EPGATE_CMD_GET_PROFILES,
		.dumpit = epgate_get_profiles_dump,
		.policy = epgate_no_attrs_policy,
		.maxattr = EPGATE_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = EPGATE_CMD_GET_SETS,
		.dumpit = epgate_get_sets_dump,
		.policy = epgate_no_attrs_policy,
		.maxattr = EPGATE_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = EPGATE_CMD_CONFIRM,
		.doit = epgate_confirm_doit,
		.policy = epgate_no_attrs_policy,
		.maxattr = EPGATE_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = EPGATE_CMD_ROLLBACK,
		.doit = epgate_confirm_doit,
		.policy = epgate_no_attrs_policy,
		.maxattr = EPGATE_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = EPGATE_CMD_RESET_COUNTERS,
		.doit = epgate_reset_counters_doit,
		.policy = epgate_no_attrs_policy,
		.maxattr = EPGATE_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family epgate_genl_family __ro_after_init = {
	.name = EPGATE_GENL_NAME,
	.version = EPGATE_GENL_VERSION,
	.netnsok = true,
	/*
	 * Writers serialise on their namespace's en->lock, readers use RCU:
	 * a table build must not hold genl_mutex and stall every other
	 * generic netlink family in every namespace.
	 */
	.parallel_ops = true,
	.ops = epgate_genl_ops,
	.n_ops = ARRAY_SIZE(epgate_genl_ops),
	.module = THIS_MODULE,
};

int __init epgate_genl_init(void)
{
	return genl_register_family(&epgate_genl_family);
}

void epgate_genl_uninit(void)
{
	genl_unregister_family(&epgate_genl_family);
}
