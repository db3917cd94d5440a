/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _EPGATE_HOOKS_H
#define _EPGATE_HOOKS_H

struct net;

int epgate_hooks_register(struct net *net);
void epgate_hooks_unregister(struct net *net);

#endif /* _EPGATE_HOOKS_H */
