/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace state of epgate.
 *
 * Two RCU-published objects, each replaced whole by a writer holding
 * epgate_net.lock and read by the hook without locks:
 *
 *   cfg  mode, hooks, scope, mark            (EPGATE_CMD_SET_CONFIG)
 *   rs   the flow table and, per flow, its   (EPGATE_CMD_SET_FLOWS)
 *        counter object
 *
 * Counter objects belong to a flow identity (profile, flow name), not to a
 * table: a new ruleset takes a reference on the counter of every flow that
 * was already there, so enabling or disabling one profile does not reset the
 * others.  A ruleset is released by an RCU callback after the swap.
 */
#ifndef _EPGATE_H
#define _EPGATE_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>	/* NL_SET_ERR_MSG_ATTR_FMT, if any */
#include <linux/ratelimit.h>
#include <linux/refcount.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/netfilter.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/epgate.h>
#include <epgate/table.h>
#include <epgate/verdict.h>	/* EPGATE_RF_MONITOR */

/* IPv4 and IPv6 at FORWARD, LOCAL_IN and LOCAL_OUT. */
#define EPGATE_NHOOKS		6

struct epgate_config {
	struct rcu_head rcu;
	u8 mode;			/* enum epgate_mode */
	u8 n_in, n_out;
	u8 other;			/* enum epgate_other */
	s32 priority;			/* of the registered hooks */
	u32 hooks;			/* EPGATE_HOOK_* */
	u32 mark_value, mark_mask;
	u32 log_flags;			/* EPGATE_LOG_* */
	u16 log_group;			/* NFLOG group */
	char in[EPGATE_MAX_IFACES][IFNAMSIZ];
	char out[EPGATE_MAX_IFACES][IFNAMSIZ];
};

struct epgate_global_stats {
	u64_stats_t allowed;
	u64_stats_t dropped;
	u64_stats_t would_drop;
	u64_stats_t malformed;
	struct u64_stats_sync syncp;
};

struct epgate_flow_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	struct u64_stats_sync syncp;
};

struct epgate_profile_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t would_drop;
	u64_stats_t dropped;
	struct u64_stats_sync syncp;
};

struct epgate_sysfs_flow;
struct epgate_sysfs_profile;

/* The counters of one flow identity, shared by successive rulesets. */
struct epgate_counter {
	refcount_t ref;
	struct epgate_flow_stats __percpu *stats;
	char profile[EPGATE_NAME_MAX];
	char name[EPGATE_NAME_MAX];
	struct epgate_sysfs_flow *sysfs;	/* init_net only; en->lock */
};

/* The counters of one profile, by name, shared like flow counters. */
struct epgate_pcounter {
	refcount_t ref;
	struct epgate_profile_stats __percpu *stats;
	char name[EPGATE_NAME_MAX];
	struct epgate_sysfs_profile *sysfs;	/* init_net only; en->lock */
};

/*
 * What the hook touches of a flow: the per-CPU stats of its counter and of
 * its profile's, copied when the ruleset is built (they never change while
 * the counter lives; the ruleset holds a reference on the flow's counter
 * and its profile one on the profile's).  16 bytes a flow, in an array of
 * their own, so that at 16,384 flows the packet path reads 256 KiB of them
 * at most, not the flows' full records.
 */
struct epgate_flow_hot {
	struct epgate_flow_stats __percpu *stats;
	struct epgate_profile_stats __percpu *pstats;
};

/*
 * A flow as it was set, kept so that EPGATE_CMD_GET_FLOWS can give the set
 * back (the table does not keep it); the packet path does not read it.
 */
struct epgate_flow {
	struct epgate_counter *ctr;
	struct epgate_pcounter *pc;	/* its profile's; no reference */
	u8 proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	u8 profile_mode;		/* EPGATE_MODE_MONITOR or _ENFORCE */
	u16 nranges;
	u32 first_range;		/* into epgate_ruleset.ranges */
	u16 profile;			/* into epgate_ruleset.profiles */
	struct epg_prefix from, to;	/* family 0: any address */
	u16 from_set, to_set;		/* EPGATE_SET_ID; 0: none */
};

/*
 * An address set as it was set, kept for EPGATE_CMD_GET_SETS and pointed
 * at by the specs the table was built from (the table holds its compiled
 * form).  as.prefixes is a slice of epgate_ruleset.prefixes, in the order
 * given.  Immutable once published, like the rest of the ruleset.
 */
struct epgate_aset {
	struct epg_addrset as;
	u16 id;				/* EPGATE_SET_ID, the tool's number */
	bool named;
	char name[EPGATE_NAME_MAX];
};

struct epgate_profile {
	struct epgate_pcounter *pc;
	char name[EPGATE_NAME_MAX];
	u8 mode;			/* EPGATE_MODE_MONITOR or _ENFORCE */
	u16 udlen;
	u32 nflows;
	u8 *userdata;			/* NULL when udlen is 0 */
};

struct epgate_ruleset {
	struct rcu_work free_work;	/* freed in process context */
	struct epg_table *table;
	u32 nflows;
	u32 nprofiles;
	struct epg_range *ranges;
	struct epgate_profile *profiles;
	u32 nsets;
	struct epgate_aset *sets;	/* nsets, by increasing id */
	struct epg_prefix *prefixes;	/* of every set, set after set */
	struct epgate_flow_hot *hot;	/* nflows, after flows[] (same block) */
	struct epgate_flow flows[];	/* indexed by epg_rule.id */
};

/*
 * A change waiting for its confirm (rollback.c): the configuration and the
 * ruleset before it, both objects kept whole (neither is freed while
 * pending, even when replaced) so that a rollback republishes them.
 */
struct epgate_rollback {
	struct epgate_config *cfg;	/* NULL: nothing pending */
	struct epgate_ruleset *rs;
	unsigned long deadline;		/* jiffies */
	u64 count;			/* rollbacks so far */
};

/* A SET_FLOWS transaction spread over several messages (xact.c). */
struct epgate_xact;

struct epgate_net {
	struct mutex lock;		/* serialises writers */
	struct epgate_config __rcu *cfg;
	struct epgate_ruleset __rcu *rs;
	struct epgate_global_stats __percpu *stats;
	atomic64_t generation;		/* ruleset swaps */
	struct epgate_xact *xact;	/* staged SET_FLOWS; lock */
	bool ct_held;			/* nf_ct_netns_get() taken; lock */
	bool nflog_held;		/* nf_logger_find_get() taken; lock */
	struct ratelimit_state log_rs;	/* kernel log lines of drops */
	/* Two sets of hook ops: a priority change registers the other. */
	struct nf_hook_ops hook_ops[2][EPGATE_NHOOKS];
	u8 hook_set;			/* the registered one; lock */
	u32 offload_last;		/* lock; read racily by status */
	u64 offload_total;
	struct epgate_rollback rb;	/* rollback.c; lock */
	struct delayed_work rb_work;
	possible_net_t net;		/* for rb_work */
};

extern unsigned int epgate_net_id __read_mostly;

static inline struct epgate_net *epgate_pernet(const struct net *net)
{
	return net_generic(net, epgate_net_id);
}

int epgate_pernet_init(void);
void epgate_pernet_uninit(void);

/* counters.c */
struct epgate_counter *epgate_counter_new(const char *profile,
					  const char *name);
void epgate_counter_put(struct epgate_counter *c);
void epgate_counter_sum(const struct epgate_counter *c, u64 *packets,
			u64 *bytes);
void epgate_global_sum(const struct epgate_global_stats __percpu *stats,
		       u64 *allowed, u64 *dropped, u64 *would_drop,
		       u64 *malformed);
struct epgate_pcounter *epgate_pcounter_new(const char *name);
void epgate_pcounter_put(struct epgate_pcounter *pc);
void epgate_pcounter_sum(const struct epgate_pcounter *pc, u64 *packets,
			 u64 *bytes, u64 *would_drop, u64 *dropped);
void epgate_reset_counters(struct epgate_net *en);

/* flows.c: one part of a set is one message's FLOWS, PROFILES and SETS. */
struct epgate_set_part {
	const struct nlattr *flows;
	const struct nlattr *profiles;
	const struct nlattr *sets;
	bool here;		/* from the message being handled (extack) */
};

/* What a part adds to its transaction, counted by epgate_check_part(). */
struct epgate_part_count {
	unsigned int flows;
	unsigned int prefixes;		/* over its address sets */
};

struct epgate_ruleset *epgate_ruleset_empty(void);
void epgate_ruleset_free(struct epgate_ruleset *rs);
int epgate_check_part(const struct epgate_set_part *part,
		      unsigned int first_flow, struct epgate_part_count *count,
		      struct netlink_ext_ack *extack);
int epgate_replace_flows(struct net *net, const struct epgate_set_part *parts,
			 unsigned int nparts, struct nlattr **attrs,
			 struct netlink_ext_ack *extack);

/* xact.c */
int epgate_set_flows(struct net *net, u32 portid, struct nlattr **attrs,
		     struct netlink_ext_ack *extack);
void epgate_xact_free(struct epgate_net *en);
int epgate_xact_init(void);
void epgate_xact_uninit(void);

/* rollback.c, under en->lock unless said otherwise */
int epgate_rollback_check(struct epgate_net *en, const struct nlattr *secs,
			  struct netlink_ext_ack *extack);
void epgate_rollback_arm(struct net *net, const struct nlattr *secs,
			 struct epgate_config *cfg, struct epgate_ruleset *rs);
bool epgate_rollback_keeps(const struct epgate_net *en, const void *obj);
int epgate_rollback_now(struct net *net);
int epgate_confirm(struct net *net);
u32 epgate_rollback_secs(const struct epgate_net *en);	/* racy read */
void epgate_rollback_init(struct net *net);
void epgate_rollback_stop(struct net *net);	/* no lock; pre_exit */
void epgate_rollback_free(struct epgate_net *en);	/* .exit */
void epgate_ruleset_free_later(struct epgate_ruleset *rs);
/* offload.c: after a change, under en->lock; the count taken out. */
u32 epgate_offload_narrow(struct net *net);

/* The module's workqueue: rulesets are freed there (flows.c). */
extern struct workqueue_struct *epgate_wq;

/* config.c */
struct epgate_config *epgate_config_default(void);
int epgate_set_config(struct net *net, struct nlattr **attrs,
		      struct netlink_ext_ack *extack);
/* The settings of SET_CONFIG, also carried by SET_FLOWS' commit. */
bool epgate_config_requested(struct nlattr **attrs);
void epgate_config_preload(struct nlattr **attrs);	/* before en->lock */
/* The rest under en->lock. */
struct epgate_config *epgate_config_build(struct net *net,
					  struct nlattr **attrs,
					  struct netlink_ext_ack *extack);
int epgate_config_prepare(struct net *net, struct epgate_config *cfg,
			  bool force, struct netlink_ext_ack *extack);
void epgate_config_publish(struct net *net, struct epgate_config *cfg,
			   struct epgate_config **oldp);
int epgate_config_swap(struct net *net, struct epgate_config *cfg,
		       bool force, struct epgate_config **oldp,
		       struct netlink_ext_ack *extack);
void epgate_config_release_ct(struct net *net);

/*
 * A one-line error with numbers in it ("set 3: no prefix").  6.2 and later
 * format it into the extack; 6.1 cannot, so its extack gets the fixed
 * gist and the formatted line goes to the kernel log (info level,
 * rate-limited).  Keep the formatted line under NETLINK_MAX_FMTMSG_LEN
 * (80): a longer one is truncated with a kernel warning.
 */
#ifdef NL_SET_ERR_MSG_ATTR_FMT
#define EPGATE_ERR_FMT(extack, attr, gist, fmt, args...)		\
	NL_SET_ERR_MSG_ATTR_FMT(extack, attr, fmt, ##args)
#else
#define EPGATE_ERR_FMT(extack, attr, gist, fmt, args...) do {		\
	NL_SET_ERR_MSG_ATTR(extack, attr, gist);			\
	pr_info_ratelimited(fmt "\n", ##args);				\
} while (0)
#endif

/* sysfs.c: mirror the init_net ruleset's profiles and flows; en->lock. */
void epgate_sysfs_sync(const struct epgate_ruleset *rs);

#endif /* _EPGATE_H */
