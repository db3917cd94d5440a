// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "epgate".  The protocol is documented in
 * include/uapi/linux/epgate.h.
 *
 * resv_start_op stays 0, so every command is strictly validated: unknown
 * attributes, wrong lengths and non-zero reserved header bytes are errors.
 */

#include <net/genetlink.h>
#include <linux/epgate.h>

#include "epgate.h"
#include "netlink.h"

/* Commands without attributes: every entry is NLA_UNSPEC, which strict
 * validation rejects ("Unsupported attribute").
 */
static const struct nla_policy epgate_no_attrs_policy[EPGATE_A_MAX + 1];

static struct genl_family epgate_genl_family;

static int epgate_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct epgate_net *en = epgate_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &epgate_genl_family, 0,
				EPGATE_CMD_GET_STATUS);
	if (!hdr)
		goto err_size;

	if (nla_put_string(msg, EPGATE_A_VERSION, EPGATE_VERSION) ||
	    nla_put_u32(msg, EPGATE_A_ABI_VERSION, EPGATE_ABI_VERSION) ||
	    nla_put_u8(msg, EPGATE_A_MODE, READ_ONCE(en->mode)))
		goto err_size;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_size:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_ops epgate_genl_ops[] = {
	{
		.cmd = EPGATE_CMD_GET_STATUS,
		.doit = epgate_get_status,
		.policy = epgate_no_attrs_policy,
		.maxattr = EPGATE_A_MAX,
	},
};

static struct genl_family epgate_genl_family __ro_after_init = {
	.name = EPGATE_GENL_NAME,
	.version = EPGATE_GENL_VERSION,
	.netnsok = true,
	.ops = epgate_genl_ops,
	.n_ops = ARRAY_SIZE(epgate_genl_ops),
	.module = THIS_MODULE,
};

int __init epgate_genl_init(void)
{
	return genl_register_family(&epgate_genl_family);
}

void epgate_genl_uninit(void)
{
	genl_unregister_family(&epgate_genl_family);
}
