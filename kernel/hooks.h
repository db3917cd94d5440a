/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _EPGATE_HOOKS_H
#define _EPGATE_HOOKS_H

#include <linux/types.h>
#include <net/netfilter/nf_conntrack.h>
#include <epgate/table.h>

#include "epgate.h"

struct net;

/* What a packet is judged on. */
struct epgate_pkt {
	u8 family;		/* AF_INET or AF_INET6 */
	u8 proto;		/* EPG_PROTO_* */
	u16 dport;		/* the responder's */
	u16 sport;		/* for drop logging only */
	const __be32 *saddr;	/* the initiator */
	const __be32 *daddr;	/* the responder */
};

enum {
	PKT_OK,
	PKT_OUTSIDE,		/* not TCP or UDP: outside the policy */
	PKT_MALFORMED,
};

/*
 * The connection's real endpoints (see hooks.c).  Inline: the hook's
 * fast path is a handful of loads, and a call would cost more than them.
 */
static __always_inline int epgate_from_conntrack(const struct nf_conn *ct,
						 struct epgate_pkt *pkt)
{
	const struct nf_conntrack_tuple *t, *r;

	if (ct->master)
		ct = ct->master;
	t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	r = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	switch (t->dst.protonum) {
	case IPPROTO_TCP:
		pkt->proto = EPG_PROTO_TCP;
		break;
	case IPPROTO_UDP:
		pkt->proto = EPG_PROTO_UDP;
		break;
	default:
		return PKT_OUTSIDE;
	}
	pkt->family = t->src.l3num == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	/* The initiator before SNAT, the responder after DNAT. */
	pkt->sport = ntohs(t->src.u.all);
	pkt->saddr = t->src.u3.ip6;
	pkt->dport = ntohs(r->src.u.all);
	pkt->daddr = r->src.u3.ip6;
	return PKT_OK;
}

int epgate_hooks_register(struct net *net, int priority);
int epgate_hooks_move(struct net *net, int priority);
void epgate_hooks_unregister(struct net *net);

#endif /* _EPGATE_HOOKS_H */
