// SPDX-License-Identifier: GPL-2.0
/*
 * SET_FLOWS transactions over several messages.
 *
 * One attribute holds at most 64 KiB, so a large flow set is sent as a
 * series of SET_FLOWS messages, all but the last flagged EPGATE_XACT_MORE.
 * Each message is checked on arrival and a copy of its FLOWS, PROFILES and
 * SETS attributes is staged (an address set may span messages: its
 * entries are joined at the commit); the last message commits the staged parts and its
 * own as one set (flows.c).  Nothing staged reaches packets.
 *
 * A transaction belongs to the netlink socket (portid) that opened it: other
 * writers get -EBUSY meanwhile, and the socket's release discards it (the
 * NETLINK_URELEASE notifier), so a writer that dies mid-way blocks nobody.
 * All of it runs under en->lock.
 */

#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include <net/genetlink.h>

#include "epgate.h"

#define XACT_MAX_PARTS	256

struct epgate_xact {
	u32 portid;
	unsigned int nparts;
	unsigned int nflows;
	unsigned int nprefixes;		/* of address sets */
	size_t bytes;
	struct nlattr *flows[XACT_MAX_PARTS];
	struct nlattr *profiles[XACT_MAX_PARTS];
	struct nlattr *sets[XACT_MAX_PARTS];
};

/* Under en->lock. */
void epgate_xact_free(struct epgate_net *en)
{
	struct epgate_xact *x = en->xact;
	unsigned int i;

	if (!x)
		return;
	for (i = 0; i < x->nparts; i++) {
		kfree(x->flows[i]);
		kfree(x->profiles[i]);
		kfree(x->sets[i]);
	}
	kfree(x);
	WRITE_ONCE(en->xact, NULL);
}

/* A copy of @attr, or NULL for none; false when out of memory. */
static bool copy_attr(struct nlattr **to, const struct nlattr *attr)
{
	*to = NULL;
	if (!attr)
		return true;
	*to = kmemdup(attr, attr->nla_len, GFP_KERNEL_ACCOUNT);
	return *to != NULL;
}

static int stage(struct epgate_net *en, u32 portid,
		 const struct epgate_set_part *part,
		 const struct epgate_part_count *count,
		 struct netlink_ext_ack *extack)
{
	struct epgate_xact *x = en->xact;
	size_t bytes = 0;
	unsigned int k;

	if (part->flows)
		bytes += nla_total_size(nla_len(part->flows));
	if (part->profiles)
		bytes += nla_total_size(nla_len(part->profiles));
	if (part->sets)
		bytes += nla_total_size(nla_len(part->sets));

	if (!x) {
		x = kzalloc(sizeof(*x), GFP_KERNEL_ACCOUNT);
		if (!x)
			return -ENOMEM;
		x->portid = portid;
		WRITE_ONCE(en->xact, x);
	}
	if (x->nparts == XACT_MAX_PARTS || x->bytes + bytes >
	    EPGATE_XACT_MAX_BYTES) {
		NL_SET_ERR_MSG(extack, "transaction too large (max 4 MiB staged)");
		return -E2BIG;
	}
	if (x->nflows + count->flows > EPGATE_MAX_FLOWS) {
		NL_SET_ERR_MSG(extack, "too many flows (max "
			       __stringify(EPGATE_MAX_FLOWS) ")");
		return -E2BIG;
	}
	/* Refused now rather than at the commit, megabytes later. */
	if (x->nprefixes + count->prefixes > EPGATE_MAX_PREFIXES) {
		EPGATE_ERR_FMT(extack, NULL, "address sets with too many prefixes",
			       "sets: %u prefixes in all, limit %u",
			       x->nprefixes + count->prefixes,
			       EPGATE_MAX_PREFIXES);
		return -E2BIG;
	}
	k = x->nparts;
	if (!copy_attr(&x->flows[k], part->flows) ||
	    !copy_attr(&x->profiles[k], part->profiles) ||
	    !copy_attr(&x->sets[k], part->sets)) {
		kfree(x->flows[k]);
		kfree(x->profiles[k]);
		kfree(x->sets[k]);
		x->flows[k] = x->profiles[k] = x->sets[k] = NULL;
		return -ENOMEM;
	}
	x->nparts++;
	x->nflows += count->flows;
	x->nprefixes += count->prefixes;
	x->bytes += bytes;
	return 0;
}

static int commit(struct net *net, struct epgate_net *en,
		  const struct epgate_set_part *last, struct nlattr **attrs,
		  struct netlink_ext_ack *extack)
{
	struct epgate_xact *x = en->xact;
	struct epgate_set_part *parts;
	unsigned int i, n = x ? x->nparts : 0;
	int ret;

	if (!n)
		return epgate_replace_flows(net, last, 1, attrs, extack);

	parts = kcalloc(n + 1, sizeof(*parts), GFP_KERNEL);
	if (!parts)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		parts[i].flows = x->flows[i];
		parts[i].profiles = x->profiles[i];
		parts[i].sets = x->sets[i];
	}
	parts[n] = *last;
	ret = epgate_replace_flows(net, parts, n + 1, attrs, extack);
	kfree(parts);
	return ret;
}

int epgate_set_flows(struct net *net, u32 portid, struct nlattr **attrs,
		     struct netlink_ext_ack *extack)
{
	struct epgate_net *en = epgate_pernet(net);
	struct epgate_set_part part = {
		.flows = attrs[EPGATE_A_FLOWS],
		.profiles = attrs[EPGATE_A_PROFILES],
		.sets = attrs[EPGATE_A_SETS],
		.here = true,
	};
	struct epgate_part_count count;
	u32 flags = 0;
	u64 gen;
	int ret;

	if (attrs[EPGATE_A_XACT_FLAGS])
		flags = nla_get_u32(attrs[EPGATE_A_XACT_FLAGS]);
	if (!(flags & EPGATE_XACT_MORE))
		epgate_config_preload(attrs);

	mutex_lock(&en->lock);
	if (en->xact && en->xact->portid != portid) {
		NL_SET_ERR_MSG(extack,
			       "another socket's flow set transaction is in progress");
		ret = -EBUSY;
		goto unlock;	/* theirs stays */
	}
	gen = atomic64_read(&en->generation);
	if (attrs[EPGATE_A_GENERATION] &&
	    nla_get_u64(attrs[EPGATE_A_GENERATION]) != gen) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[EPGATE_A_GENERATION],
				    "flow set changed since that generation; read it again");
		ret = -ESTALE;
		goto out;
	}
	if (flags & EPGATE_XACT_MORE) {
		ret = -EINVAL;
		if (epgate_config_requested(attrs) ||
		    attrs[EPGATE_A_CONFIRM_SECS]) {
			NL_SET_ERR_MSG(extack,
				       "configuration and confirm go in the transaction's last message");
			goto out;
		}
		ret = epgate_check_part(&part, en->xact ? en->xact->nflows : 0,
					&count, extack);
		if (!ret)
			ret = stage(en, portid, &part, &count, extack);
		if (!ret)
			goto unlock;	/* staged, wait for the rest */
		goto out;
	}
	/* A pending change takes only changes that join it. */
	ret = epgate_rollback_check(en, attrs[EPGATE_A_CONFIRM_SECS], extack);
	if (!ret)
		ret = commit(net, en, &part, attrs, extack);
out:
	/* Committed or failed: either way the transaction is over. */
	epgate_xact_free(en);
unlock:
	mutex_unlock(&en->lock);
	return ret;
}

static int epgate_netlink_event(struct notifier_block *nb,
				unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct epgate_net *en;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	en = epgate_pernet(n->net);
	/* Cheap racy test first: almost every socket has no transaction. */
	if (!READ_ONCE(en->xact))
		return NOTIFY_DONE;
	mutex_lock(&en->lock);
	if (en->xact && en->xact->portid == n->portid)
		epgate_xact_free(en);
	mutex_unlock(&en->lock);
	return NOTIFY_DONE;
}

static struct notifier_block epgate_netlink_notifier = {
	.notifier_call = epgate_netlink_event,
};

int __init epgate_xact_init(void)
{
	return netlink_register_notifier(&epgate_netlink_notifier);
}

void epgate_xact_uninit(void)
{
	netlink_unregister_notifier(&epgate_netlink_notifier);
}
