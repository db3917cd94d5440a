/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace state of epgate.
 */
#ifndef _EPGATE_H
#define _EPGATE_H

#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

struct epgate_net {
	/* enum epgate_mode; read locklessly by the hook and sysfs. */
	u8 mode;
};

extern unsigned int epgate_net_id __read_mostly;

static inline struct epgate_net *epgate_pernet(const struct net *net)
{
	return net_generic(net, epgate_net_id);
}

int epgate_pernet_init(void);
void epgate_pernet_uninit(void);

#endif /* _EPGATE_H */
