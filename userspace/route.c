// SPDX-License-Identifier: GPL-2.0
/*
 * RTM_GETROUTE for one destination over libmnl: the kernel answers with
 * the route it would use, RTA_OIF its interface.
 */

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "route.h"

static int route_attr_cb(const struct nlattr *attr, void *data)
{
	uint32_t *oif = data;

	/* Skip what we do not know before validating: forward compatible. */
	if (mnl_attr_get_type(attr) != RTA_OIF)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	*oif = mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

/* The one RTM_NEWROUTE answer: no ACK follows it, so stop there. */
static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(struct rtmsg), route_attr_cb, data) < 0)
		return MNL_CB_ERROR;
	return MNL_CB_STOP;
}

int route_oif(uint8_t family, const void *dst, const void *src,
	      char ifname[IF_NAMESIZE])
{
	/* A route answer is a few hundred bytes; MNL's size is not a constant. */
	char buf[8192];
	size_t alen = family == AF_INET ? 4 : 16;
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	uint32_t seq, portid, oif = 0;
	ssize_t n;
	int ret;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	/* Zeroed: no stack byte goes to the kernel in the padding. */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq = time(NULL);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_dst_len = alen * 8;
	mnl_attr_put(nlh, RTA_DST, alen, dst);
	if (src) {
		rtm->rtm_src_len = alen * 8;
		mnl_attr_put(nlh, RTA_SRC, alen, src);
	}

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		/* An error reply comes back as -1 with errno set. */
		ret = mnl_cb_run(buf, n, seq, portid, route_cb, &oif);
	} while (ret == MNL_CB_OK);
	if (ret < 0) {
		ret = errno ? -errno : -EIO;
		goto out;
	}
	ret = -ENODEV;
	if (oif && if_indextoname(oif, ifname))
		ret = 0;
out:
	mnl_socket_close(nl);
	return ret;
}
