// SPDX-License-Identifier: GPL-2.0
/*
 * epgate: allow-list the traffic of endpoint-security suites at netfilter
 * hooks.  This file only wires the parts together, in the order below, and
 * takes them apart in exactly the reverse order.
 */

#include <linux/module.h>
#include <linux/init.h>
#include <net/genetlink.h>
#include <linux/epgate.h>

#include "epgate.h"
#include "netlink.h"
#include "sysfs.h"

struct workqueue_struct *epgate_wq;

static int __init epgate_mod_init(void)
{
	int ret;

	/* Where replaced rulesets are freed (flows.c). */
	epgate_wq = alloc_workqueue("epgate", 0, 0);
	if (!epgate_wq)
		return -ENOMEM;

	/* Hooks and state in every namespace, before anybody can reach them. */
	ret = epgate_pernet_init();
	if (ret)
		goto err_pernet;

	ret = epgate_sysfs_init();
	if (ret)
		goto err_sysfs;

	ret = epgate_xact_init();
	if (ret)
		goto err_xact;

	/* Last: from here on userspace can send commands. */
	ret = epgate_genl_init();
	if (ret)
		goto err_genl;

	pr_info("version %s loaded\n", EPGATE_VERSION);
	return 0;

err_genl:
	epgate_xact_uninit();
err_xact:
	epgate_sysfs_uninit();
err_sysfs:
	epgate_pernet_uninit();
err_pernet:
	destroy_workqueue(epgate_wq);
	return ret;
}

static void __exit epgate_mod_exit(void)
{
	/* First: no more updates from userspace. */
	epgate_genl_uninit();
	epgate_xact_uninit();
	epgate_sysfs_uninit();
	epgate_pernet_uninit();
	/* After pernet's rcu_barrier(): every queued free is queued; drain. */
	destroy_workqueue(epgate_wq);
}

module_init(epgate_mod_init);
module_exit(epgate_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Allow-list endpoint-security traffic at netfilter hooks");
MODULE_AUTHOR("epgate developers");
MODULE_VERSION(EPGATE_VERSION);
MODULE_ALIAS_GENL_FAMILY(EPGATE_GENL_NAME);
