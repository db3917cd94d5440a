// SPDX-License-Identifier: GPL-2.0
/*
 * SET_FLOWS message builder.  The size is computed exactly before anything
 * is written, for two reasons: the caller allocates the request to fit (a
 * large set does not fit a fixed socket buffer), and libmnl's nest end
 * would silently truncate a nest longer than nla_len's 16 bits can say.
 *
 *   EPGATE_A_FLOWS
 *     1: EPGATE_FLOW_PROFILE, NAME, PROTO,
 *        EPGATE_FLOW_PORTS { 1: { LO [HI] }, 2: ... },
 *        [EPGATE_FLOW_FROM { FAMILY, ADDR, LEN }], [EPGATE_FLOW_TO { ... }],
 *        EPGATE_FLOW_PROFILE_MODE
 *     2: ...
 *
 * The optional parts are left out when they say the default (HI equal to
 * LO, a role bound to any address): every byte saved is one more flow under
 * the 64 KiB nest limit.  PROFILE_MODE is always sent, so the kernel never
 * has to guess.
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/epgate.h>

#include "flowmsg.h"

static size_t attr_size(size_t payload)
{
	return MNL_ALIGN(MNL_ATTR_HDRLEN + payload);
}

static size_t prefix_size(const struct flowlist_prefix *pfx)
{
	if (!pfx->family)
		return 0;
	return attr_size(0) + attr_size(1) +
	       attr_size(pfx->family == AF_INET ? 4 : 16) + attr_size(1);
}

size_t flowmsg_flow_size(const struct flowlist_flow *f)
{
	size_t n = attr_size(0);	/* the array entry */
	unsigned int i;

	n += attr_size(strlen(f->profile) + 1);
	n += attr_size(strlen(f->name) + 1);
	n += attr_size(1);		/* proto */
	n += attr_size(0);		/* ports */
	for (i = 0; i < f->nranges; i++) {
		n += attr_size(0) + attr_size(2);
		if (f->ranges[i].hi != f->ranges[i].lo)
			n += attr_size(2);
	}
	n += f->from_set ? attr_size(4) : prefix_size(&f->from);
	n += f->to_set ? attr_size(4) : prefix_size(&f->to);
	n += attr_size(1);		/* profile mode */
	return n;
}

size_t flowmsg_flows_size(const struct flowlist *fl)
{
	size_t i, n;

	if (!fl->n)
		return 0;
	n = attr_size(0);
	for (i = 0; i < fl->n; i++)
		n += flowmsg_flow_size(&fl->flows[i]);
	return n;
}

size_t flowmsg_size(const struct flowlist *fl)
{
	return MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)) +
	       flowmsg_flows_size(fl);
}

static void put_prefix(struct nlmsghdr *nlh, uint16_t type,
		       const struct flowlist_prefix *pfx)
{
	struct nlattr *nest;

	if (!pfx->family)
		return;		/* absent: any address */
	nest = mnl_attr_nest_start(nlh, type);
	mnl_attr_put_u8(nlh, EPGATE_PREFIX_FAMILY, pfx->family);
	mnl_attr_put(nlh, EPGATE_PREFIX_ADDR,
		     pfx->family == AF_INET ? 4 : 16, pfx->addr);
	mnl_attr_put_u8(nlh, EPGATE_PREFIX_LEN, pfx->len);
	mnl_attr_nest_end(nlh, nest);
}

void flowmsg_put_flow(struct nlmsghdr *nlh, uint16_t type,
		      const struct flowlist_flow *f, const uint32_t *ids)
{
	struct nlattr *entry, *ports, *range;
	unsigned int i;

	entry = mnl_attr_nest_start(nlh, type);
	mnl_attr_put_strz(nlh, EPGATE_FLOW_PROFILE, f->profile);
	mnl_attr_put_strz(nlh, EPGATE_FLOW_NAME, f->name);
	mnl_attr_put_u8(nlh, EPGATE_FLOW_PROTO, f->proto);
	ports = mnl_attr_nest_start(nlh, EPGATE_FLOW_PORTS);
	for (i = 0; i < f->nranges; i++) {
		range = mnl_attr_nest_start(nlh, i + 1);
		mnl_attr_put_u16(nlh, EPGATE_RANGE_LO, f->ranges[i].lo);
		if (f->ranges[i].hi != f->ranges[i].lo)
			mnl_attr_put_u16(nlh, EPGATE_RANGE_HI,
					 f->ranges[i].hi);
		mnl_attr_nest_end(nlh, range);
	}
	mnl_attr_nest_end(nlh, ports);
	if (f->from_set)
		mnl_attr_put_u32(nlh, EPGATE_FLOW_FROM_SET, ids[f->from_set - 1]);
	else
		put_prefix(nlh, EPGATE_FLOW_FROM, &f->from);
	if (f->to_set)
		mnl_attr_put_u32(nlh, EPGATE_FLOW_TO_SET, ids[f->to_set - 1]);
	else
		put_prefix(nlh, EPGATE_FLOW_TO, &f->to);
	mnl_attr_put_u8(nlh, EPGATE_FLOW_PROFILE_MODE, f->mode);
	mnl_attr_nest_end(nlh, entry);
}

int flowmsg_put(struct nlmsghdr *nlh, const struct flowlist *fl)
{
	struct nlattr *flows;
	size_t i;

	if (!fl->n)
		return 0;	/* no EPGATE_A_FLOWS: the set becomes empty */
	if (flowmsg_flows_size(fl) > FLOWMSG_NEST_MAX)
		return -EMSGSIZE;
	for (i = 0; i < fl->n; i++) {
		if (fl->flows[i].from_set || fl->flows[i].to_set)
			return -EMSGSIZE;
	}
	flows = mnl_attr_nest_start(nlh, EPGATE_A_FLOWS);
	for (i = 0; i < fl->n; i++)
		flowmsg_put_flow(nlh, i + 1, &fl->flows[i], NULL);
	mnl_attr_nest_end(nlh, flows);
	return 0;
}

/* ---- address sets ------------------------------------------------------ */

/* An entry's bytes before its first prefix: entry, ID, NAME, PREFIXES. */
static size_t set_head_size(const struct flowlist_set *s)
{
	return attr_size(0) + attr_size(4) +
	       (s->name[0] ? attr_size(strlen(s->name) + 1) : 0) + attr_size(0);
}

static void skip_unnumbered(const struct flowlist *fl, const uint32_t *ids,
			    struct flowmsg_cursor *c)
{
	while (c->set < fl->nsets && (!ids[c->set] || !fl->sets[c->set].n)) {
		c->set++;
		c->prefix = 0;
	}
}

bool flowmsg_sets_done(const struct flowlist *fl, const uint32_t *ids,
		       const struct flowmsg_cursor *c)
{
	struct flowmsg_cursor k = *c;

	if (!ids)
		return true;
	skip_unnumbered(fl, ids, &k);
	return k.set >= fl->nsets;
}

size_t flowmsg_put_sets(struct nlmsghdr *nlh, const struct flowlist *fl,
			const uint32_t *ids, struct flowmsg_cursor *c)
{
	struct nlattr *sets = NULL, *entry = NULL, *pfxs = NULL;
	size_t n = attr_size(0);
	uint16_t k = 0, j;

	if (!ids)
		return 0;
	skip_unnumbered(fl, ids, c);
	if (c->set >= fl->nsets)
		return 0;
	if (nlh)
		sets = mnl_attr_nest_start(nlh, EPGATE_A_SETS);
	while (c->set < fl->nsets) {
		const struct flowlist_set *s = &fl->sets[c->set];
		size_t head = set_head_size(s);

		if (n + head + prefix_size(&s->prefixes[c->prefix]) >
		    FLOWMSG_NEST_MAX)
			break;	/* not one more prefix: the next nest */
		n += head;
		j = 0;
		if (nlh) {
			entry = mnl_attr_nest_start(nlh, ++k);
			mnl_attr_put_u32(nlh, EPGATE_SET_ID, ids[c->set]);
			if (s->name[0])
				mnl_attr_put_strz(nlh, EPGATE_SET_NAME, s->name);
			pfxs = mnl_attr_nest_start(nlh, EPGATE_SET_PREFIXES);
		}
		for (; c->prefix < s->n; c->prefix++) {
			const struct flowlist_prefix *p = &s->prefixes[c->prefix];

			if (n + prefix_size(p) > FLOWMSG_NEST_MAX)
				break;
			n += prefix_size(p);
			if (nlh)
				put_prefix(nlh, ++j, p);
		}
		if (nlh) {
			mnl_attr_nest_end(nlh, pfxs);
			mnl_attr_nest_end(nlh, entry);
		}
		if (c->prefix < s->n)
			break;	/* the nest is full mid-set */
		c->set++;
		c->prefix = 0;
		skip_unnumbered(fl, ids, c);
	}
	if (nlh)
		mnl_attr_nest_end(nlh, sets);
	return n;
}
