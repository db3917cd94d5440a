// SPDX-License-Identifier: GPL-2.0
/*
 * The netfilter hooks: IPv4 and IPv6 at FORWARD, INPUT and OUTPUT in every
 * network namespace.  Registered once per namespace, at the namespace's
 * priority; the configuration says which of them judge (EPGATE_A_HOOKS),
 * so a hook that is not selected, or mode off, costs one load and a branch.
 *
 * A packet is judged by its connection, on its real endpoints
 * (Documentation/design.md, "Endpoints and NAT"):
 *  - orientation: the connection's original direction, who initiated;
 *  - the initiator: the original-direction source, before any SNAT;
 *  - the responder, address and port: the reply-direction source, that is
 *    the real server after any DNAT or port translation.
 * For an expected connection (FTP data) the master's tuples are used; an
 * ICMP error is attached by conntrack to the entry it is about (RELATED),
 * so it follows that entry.  Replies therefore pass when the connection
 * was allowed, and a packet *from* an allowed port is judged by its own
 * connection: no source-port bypass.  Without a conntrack entry
 * (untracked, invalid) the packet is judged by its own headers.
 *
 * The hooks run after DNAT (the default priority is before the filter
 * one): by then NAT has set the reply tuple of a new connection.
 *
 * Fragments: conntrack reassembles before it tracks, so a tracked packet is
 * whole.  An untracked non-first fragment has no ports: it is counted as
 * malformed (and dropped in enforce).
 *
 * nf_hook_slow() calls the hook under rcu_read_lock().
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_log.h>

#include "epgate.h"
#include "hooks.h"

/* No conntrack entry: the packet's own headers. */
static int from_headers(struct sk_buff *skb, u8 pf, struct epgate_pkt *pkt)
{
	unsigned int thoff = 0;	/* ipv6_find_hdr() starts from it */
	__be16 _ports[2];
	const __be16 *ports;
	int l4;

	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		l4 = iph->protocol;
		if (l4 != IPPROTO_TCP && l4 != IPPROTO_UDP)
			return PKT_OUTSIDE;
		if (ntohs(iph->frag_off) & IP_OFFSET)
			return PKT_MALFORMED;
		thoff = skb_network_offset(skb) + ip_hdrlen(skb);
		pkt->family = AF_INET;
		pkt->saddr = &iph->saddr;
		pkt->daddr = &iph->daddr;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);
		unsigned short fragoff = 0;
		int flags = 0;

		l4 = ipv6_find_hdr(skb, &thoff, -1, &fragoff, &flags);
		if (l4 < 0 || ((flags & IP6_FH_F_FRAG) && fragoff))
			return PKT_MALFORMED;
		if (l4 != IPPROTO_TCP && l4 != IPPROTO_UDP)
			return PKT_OUTSIDE;
		pkt->family = AF_INET6;
		pkt->saddr = ip6h->saddr.s6_addr32;
		pkt->daddr = ip6h->daddr.s6_addr32;
	}

	/* Only the ports are read; a header shorter than its fixed part is
	 * malformed all the same.
	 */
	if (skb->len < thoff + (l4 == IPPROTO_TCP ? sizeof(struct tcphdr) :
						     sizeof(struct udphdr)))
		return PKT_MALFORMED;
	ports = skb_header_pointer(skb, thoff, sizeof(_ports), _ports);
	if (!ports)
		return PKT_MALFORMED;
	pkt->proto = l4 == IPPROTO_TCP ? EPG_PROTO_TCP : EPG_PROTO_UDP;
	pkt->sport = ntohs(ports[0]);
	pkt->dport = ntohs(ports[1]);
	return PKT_OK;
}

static bool iface_listed(const struct net_device *dev,
			 const char (*names)[IFNAMSIZ], unsigned int n)
{
	unsigned int i;

	if (!dev)
		return false;
	for (i = 0; i < n; i++) {
		if (!strncmp(dev->name, names[i], IFNAMSIZ))
			return true;
	}
	return false;
}

/*
 * Scope follows the connection too: a reply is in scope when its
 * connection's original packets were.  A reply's ingress interface is the
 * original's egress, and a reply arriving at INPUT belongs to a connection
 * that left at OUTPUT; so for reply-direction packets the interface lists
 * and the INPUT/OUTPUT hooks are swapped.
 */
static bool in_scope(const struct epgate_config *cfg,
		     const struct nf_hook_state *state, bool reply)
{
	static const u32 hook_bit[2][NF_INET_NUMHOOKS] = {
		{
			[NF_INET_FORWARD] = EPGATE_HOOK_FORWARD,
			[NF_INET_LOCAL_IN] = EPGATE_HOOK_INPUT,
			[NF_INET_LOCAL_OUT] = EPGATE_HOOK_OUTPUT,
		}, {
			[NF_INET_FORWARD] = EPGATE_HOOK_FORWARD,
			[NF_INET_LOCAL_IN] = EPGATE_HOOK_OUTPUT,
			[NF_INET_LOCAL_OUT] = EPGATE_HOOK_INPUT,
		},
	};
	const struct net_device *in = reply ? state->out : state->in;
	const struct net_device *out = reply ? state->in : state->out;

	if (!(cfg->hooks & hook_bit[reply][state->hook]))
		return false;
	if (cfg->n_in && !iface_listed(in, cfg->in, cfg->n_in))
		return false;
	if (cfg->n_out && !iface_listed(out, cfg->out, cfg->n_out))
		return false;
	return true;
}

enum { CTR_ALLOWED, CTR_DROPPED, CTR_WOULD_DROP, CTR_MALFORMED };

static void count_global(struct epgate_net *en, int which)
{
	struct epgate_global_stats *s = get_cpu_ptr(en->stats);
	unsigned long flags = u64_stats_update_begin_irqsave(&s->syncp);

	switch (which) {
	case CTR_ALLOWED:
		u64_stats_inc(&s->allowed);
		break;
	case CTR_DROPPED:
		u64_stats_inc(&s->dropped);
		break;
	case CTR_WOULD_DROP:
		u64_stats_inc(&s->would_drop);
		break;
	case CTR_MALFORMED:
		u64_stats_inc(&s->malformed);
		break;
	}
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(en->stats);
}

static void count_flow(struct epgate_flow_stats __percpu *stats,
		       unsigned int len)
{
	struct epgate_flow_stats *s = get_cpu_ptr(stats);
	unsigned long flags = u64_stats_update_begin_irqsave(&s->syncp);

	u64_stats_inc(&s->packets);
	u64_stats_add(&s->bytes, len);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(stats);
}

enum { PCTR_ALLOWED, PCTR_WOULD_DROP, PCTR_DROPPED };

/* Called with a constant which: inlined, each call site keeps one branch. */
static void count_profile(struct epgate_profile_stats __percpu *stats,
			  unsigned int len, int which)
{
	struct epgate_profile_stats *s = get_cpu_ptr(stats);
	unsigned long flags = u64_stats_update_begin_irqsave(&s->syncp);

	switch (which) {
	case PCTR_ALLOWED:
		u64_stats_inc(&s->packets);
		u64_stats_add(&s->bytes, len);
		break;
	case PCTR_WOULD_DROP:
		u64_stats_inc(&s->would_drop);
		break;
	case PCTR_DROPPED:
		u64_stats_inc(&s->dropped);
		break;
	}
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(stats);
}

enum { WHY_NO_FLOW, WHY_NO_MATCH, WHY_MALFORMED, WHY_OTHER };

static const char * const why_names[] = {
	[WHY_NO_FLOW] = "no-flow",
	[WHY_NO_MATCH] = "no-match",
	[WHY_MALFORMED] = "malformed",
	[WHY_OTHER] = "other-protocol",
};

/*
 * A dropped or would-drop packet, when the admin asked to see them: a
 * kernel log line (rate-limited per namespace) and/or the packet to an
 * NFLOG group (every one: that is what the group is for).  Kernel log
 * lines come from the initial namespace only, unless
 * net.netfilter.nf_log_all_netns says otherwise, as for nf_log's LOG
 * target: a container must not flood the host's log, nor write lines
 * that look like the host's.
 */
static void log_miss(struct epgate_net *en, const struct epgate_config *cfg,
		     struct sk_buff *skb, const struct nf_hook_state *state,
		     const struct epgate_pkt *pkt, int why, bool drop)
{
	const char *verdict = drop ? "drop" : "would-drop";
	const char *in = state->in ? state->in->name : "-";
	const char *out = state->out ? state->out->name : "-";
	const char *proto;

	if (cfg->log_flags & EPGATE_LOG_NFLOG) {
		struct nf_loginfo li = {
			.type = NF_LOG_TYPE_ULOG,
			.u.ulog.group = cfg->log_group,
			.u.ulog.qthreshold = 1,
		};

		nf_log_packet(state->net, state->pf, state->hook, skb,
			      state->in, state->out, &li, "epgate %s %s ",
			      verdict, why_names[why]);
	}
	if (!(cfg->log_flags & EPGATE_LOG_KERNEL) ||
	    (!net_eq(state->net, &init_net) &&
	     !READ_ONCE(sysctl_nf_log_all_netns)) ||
	    !__ratelimit(&en->log_rs))
		return;
	if (why == WHY_MALFORMED || why == WHY_OTHER) {
		pr_info("%s in=%s out=%s reason=%s\n", verdict, in, out,
			why_names[why]);
		return;
	}
	proto = pkt->proto == EPG_PROTO_TCP ? "tcp" : "udp";
	if (pkt->family == AF_INET)
		pr_info("%s %s %pI4:%u -> %pI4:%u in=%s out=%s reason=%s\n",
			verdict, proto, pkt->saddr, pkt->sport, pkt->daddr,
			pkt->dport, in, out, why_names[why]);
	else
		pr_info("%s %s [%pI6c]:%u -> [%pI6c]:%u in=%s out=%s reason=%s\n",
			verdict, proto, pkt->saddr, pkt->sport, pkt->daddr,
			pkt->dport, in, out, why_names[why]);
}

/* IPv6 neighbour discovery (and router discovery, redirects) always pass. */
static bool is_ndisc(struct sk_buff *skb, u8 pf)
{
	unsigned int thoff = 0;
	u8 _type;
	const u8 *type;

	if (pf != NFPROTO_IPV6 ||
	    ipv6_find_hdr(skb, &thoff, IPPROTO_ICMPV6, NULL, NULL) < 0)
		return false;
	type = skb_header_pointer(skb, thoff, sizeof(_type), &_type);
	return type && *type >= NDISC_ROUTER_SOLICITATION &&
	       *type <= NDISC_REDIRECT;
}

static unsigned int epgate_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct epgate_net *en = epgate_pernet(state->net);
	const struct epgate_config *cfg = rcu_dereference(en->cfg);
	const struct epg_rule *rule, *rules;
	const struct epgate_ruleset *rs;
	enum ip_conntrack_info ctinfo;
	const struct nf_conn *ct;
	struct epgate_pkt pkt;
	unsigned int n;
	int ret, why;

	if (likely(cfg->mode == EPGATE_MODE_OFF))
		return NF_ACCEPT;

	ct = nf_ct_get(skb, &ctinfo);
	if (!in_scope(cfg, state,
		      ct && CTINFO2DIR(ctinfo) == IP_CT_DIR_REPLY))
		return NF_ACCEPT;

	ret = ct ? epgate_from_conntrack(ct, &pkt) :
		   from_headers(skb, state->pf, &pkt);
	if (ret == PKT_OUTSIDE) {
		if (likely(cfg->other == EPGATE_OTHER_ACCEPT) ||
		    is_ndisc(skb, state->pf))
			return NF_ACCEPT;
		why = WHY_OTHER;
		goto no_match;
	}
	if (ret == PKT_MALFORMED) {
		count_global(en, CTR_MALFORMED);
		why = WHY_MALFORMED;
		goto no_match;
	}

	rs = rcu_dereference(en->rs);
	rule = epg_table_match(rs->table, pkt.proto, pkt.dport, pkt.family,
			       pkt.saddr, pkt.daddr);
	if (rule) {
		const struct epgate_flow_hot *h = &rs->hot[rule->id];

		count_flow(h->stats, skb->len);
		count_profile(h->pstats, skb->len, PCTR_ALLOWED);
		count_global(en, CTR_ALLOWED);
		if (cfg->mark_mask)
			skb->mark = (skb->mark & ~cfg->mark_mask) |
				    cfg->mark_value;
		return NF_ACCEPT;
	}

	/*
	 * No flow matched.  Enforce drops unless every profile that uses this
	 * port is in monitor.  A miss on a port some flow uses is credited to
	 * the profile of the port's first flow: would_drop when it passes for
	 * per-profile monitor, dropped when enforce drops it (global monitor
	 * credits no profile).  A port no flow uses, malformed and
	 * other-protocol packets belong to no profile.
	 */
	rules = epg_table_rules(rs->table, pkt.proto, pkt.dport, &n);
	why = n ? WHY_NO_MATCH : WHY_NO_FLOW;
	if (epgate_rules_monitored(rules, n)) {
		count_profile(rs->hot[rules[0].id].pstats, 0, PCTR_WOULD_DROP);
		goto would_drop;
	}
	if (n && cfg->mode == EPGATE_MODE_ENFORCE)
		count_profile(rs->hot[rules[0].id].pstats, 0, PCTR_DROPPED);

no_match:
	if (cfg->mode == EPGATE_MODE_ENFORCE) {
		count_global(en, CTR_DROPPED);
		if (unlikely(cfg->log_flags))
			log_miss(en, cfg, skb, state, &pkt, why, true);
		return NF_DROP;
	}
would_drop:
	count_global(en, CTR_WOULD_DROP);
	if (unlikely(cfg->log_flags))
		log_miss(en, cfg, skb, state, &pkt, why, false);
	return NF_ACCEPT;
}

static const struct {
	u8 pf;
	u8 hooknum;
} epgate_hook_points[EPGATE_NHOOKS] = {
	{ NFPROTO_IPV4, NF_INET_FORWARD },
	{ NFPROTO_IPV4, NF_INET_LOCAL_IN },
	{ NFPROTO_IPV4, NF_INET_LOCAL_OUT },
	{ NFPROTO_IPV6, NF_INET_FORWARD },
	{ NFPROTO_IPV6, NF_INET_LOCAL_IN },
	{ NFPROTO_IPV6, NF_INET_LOCAL_OUT },
};

/*
 * One priority for both families: the configuration gives it relative to
 * the filter priorities, which are the same number.
 */
static struct nf_hook_ops *fill_ops(struct epgate_net *en, u8 set,
				    int priority)
{
	struct nf_hook_ops *ops = en->hook_ops[set];
	unsigned int i;

	BUILD_BUG_ON((int)NF_IP_PRI_FILTER != (int)NF_IP6_PRI_FILTER);
	BUILD_BUG_ON(EPGATE_PRIORITY_MIN <= (int)NF_IP_PRI_NAT_DST ||
		     EPGATE_PRIORITY_MIN <= (int)NF_IP6_PRI_NAT_DST);
	for (i = 0; i < EPGATE_NHOOKS; i++) {
		ops[i] = (struct nf_hook_ops) {
			.hook = epgate_hook,
			.pf = epgate_hook_points[i].pf,
			.hooknum = epgate_hook_points[i].hooknum,
			.priority = priority,
		};
	}
	return ops;
}

/* Namespace init: before anybody else can reach en. */
int epgate_hooks_register(struct net *net, int priority)
{
	struct epgate_net *en = epgate_pernet(net);

	en->hook_set = 0;
	return nf_register_net_hooks(net, fill_ops(en, 0, priority),
				     EPGATE_NHOOKS);
}

/*
 * A new priority, under en->lock: the new hooks are in place before the old
 * ones go, so no packet passes unjudged meanwhile (one may pass both).
 */
int epgate_hooks_move(struct net *net, int priority)
{
	struct epgate_net *en = epgate_pernet(net);
	u8 next = !en->hook_set;
	int ret;

	lockdep_assert_held(&en->lock);
	ret = nf_register_net_hooks(net, fill_ops(en, next, priority),
				    EPGATE_NHOOKS);
	if (ret)
		return ret;
	nf_unregister_net_hooks(net, en->hook_ops[en->hook_set],
				EPGATE_NHOOKS);
	en->hook_set = next;
	return 0;
}

void epgate_hooks_unregister(struct net *net)
{
	struct epgate_net *en = epgate_pernet(net);

	mutex_lock(&en->lock);
	nf_unregister_net_hooks(net, en->hook_ops[en->hook_set],
				EPGATE_NHOOKS);
	mutex_unlock(&en->lock);
}
