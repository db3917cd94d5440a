/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One route lookup over rtnetlink, as `ip route get DST from SRC` does it.
 */
#ifndef EPGATE_ROUTE_H
#define EPGATE_ROUTE_H

#include <stdint.h>
#include <net/if.h>

/*
 * The interface that packets from @src (NULL: any) to @dst leave by, in
 * the caller's network namespace.  @family is AF_INET or AF_INET6, the
 * addresses 4 or 16 bytes in network order.  Returns 0 with the name in
 * @ifname, or a negative errno (-ENETUNREACH and the like from the kernel).
 */
int route_oif(uint8_t family, const void *dst, const void *src,
	      char ifname[IF_NAMESIZE]);

#endif
