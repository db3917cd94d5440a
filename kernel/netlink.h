/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _EPGATE_NETLINK_H
#define _EPGATE_NETLINK_H

int epgate_genl_init(void);
void epgate_genl_uninit(void);

#endif /* _EPGATE_NETLINK_H */
