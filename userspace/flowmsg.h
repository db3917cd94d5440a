/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EPGATE_CMD_SET_FLOWS request for a parsed flow list, as nested
 * attributes (layout in include/uapi/linux/epgate.h).
 */
#ifndef EPGATE_FLOWMSG_H
#define EPGATE_FLOWMSG_H

#include <stddef.h>
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
 * the nest would exceed FLOWMSG_NEST_MAX.
 */
int flowmsg_put(struct nlmsghdr *nlh, const struct flowlist *fl);

/* Bytes of one flow's array entry, and the entry itself (type = index). */
size_t flowmsg_flow_size(const struct flowlist_flow *f);
void flowmsg_put_flow(struct nlmsghdr *nlh, uint16_t type,
		      const struct flowlist_flow *f);

#endif
