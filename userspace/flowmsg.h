/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EPGATE_CMD_SET_FLOWS request for a parsed flow list, as nested
 * attributes (layout in include/uapi/linux/epgate.h).
 */
#ifndef EPGATE_FLOWMSG_H
#define EPGATE_FLOWMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "flowlist.h"

/*
 * An attribute's nla_len is 16 bits, so the one EPGATE_A_FLOWS nest that
 * carries the whole set cannot exceed this many bytes, header included.
 */
#define FLOWMSG_NEST_MAX 65535

/* Bytes of the EPGATE_A_FLOWS attribute; 0 for an empty list (omitted). */
size_t flowmsg_flows_size(const struct flowlist *fl);

/* Bytes of the whole request: netlink and genetlink headers included. */
size_t flowmsg_size(const struct flowlist *fl);

/*
 * Append EPGATE_A_FLOWS for @fl to @nlh, whose buffer has room for
 * flowmsg_size(@fl).  Returns 0, or -EMSGSIZE without touching @nlh when
 * the nest would exceed FLOWMSG_NEST_MAX or a flow has an address set
 * (those go with flowset_write(), EPGATE_A_SETS first).
 */
int flowmsg_put(struct nlmsghdr *nlh, const struct flowlist *fl);

/*
 * Bytes of one flow's array entry, and the entry itself (type = index).
 * A role bound to a set goes as FROM_SET/TO_SET, the number @ids gives
 * the set (flowlist_set_ids()); @ids may be NULL when no flow has a set.
 */
size_t flowmsg_flow_size(const struct flowlist_flow *f);
void flowmsg_put_flow(struct nlmsghdr *nlh, uint16_t type,
		      const struct flowlist_flow *f, const uint32_t *ids);

/*
 * The address sets of a flow list, as EPGATE_A_SETS nests of at most
 * FLOWMSG_NEST_MAX bytes each: a large set is split over several entries
 * with the same EPGATE_SET_ID (and name), in as many messages as it takes;
 * the module appends them.  The cursor says where the next nest starts;
 * zeroed, the first set with a number in @ids.
 */
struct flowmsg_cursor {
	size_t set;
	uint32_t prefix;
};

/* Are all the sets numbered in @ids behind @c? */
bool flowmsg_sets_done(const struct flowlist *fl, const uint32_t *ids,
		       const struct flowmsg_cursor *c);

/*
 * Put one EPGATE_A_SETS nest from @c on, as much as fits, and move @c
 * past it; @nlh NULL only moves @c (to count messages).  Returns the
 * nest's bytes (0: nothing left).  @nlh needs that much room.
 */
size_t flowmsg_put_sets(struct nlmsghdr *nlh, const struct flowlist *fl,
			const uint32_t *ids, struct flowmsg_cursor *c);

#endif
