/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * epgate: whitelist the traffic of endpoint-security suites at netfilter hooks.
 *
 * This header is the protocol document of the generic netlink family "epgate",
 * version EPGATE_GENL_VERSION.  It is the only definition of the ABI: the
 * kernel module and the epgate tool both include it.
 *
 * Commands
 * --------
 *
 * EPGATE_CMD_GET_STATUS
 *   Request: no attributes (any attribute is rejected).  Needs no privilege.
 *   Reply (one message, same command):
 *     EPGATE_A_VERSION       NLA_NUL_STRING  module version, e.g. "0.1.0"
 *     EPGATE_A_ABI_VERSION   NLA_U32         EPGATE_ABI_VERSION of the module;
 *                                            the tool refuses a mismatch
 *     EPGATE_A_MODE          NLA_U8          enum epgate_mode of the caller's
 *                                            network namespace
 *
 * Validation
 * ----------
 * Every command is strictly validated (the family leaves resv_start_op at 0):
 * unknown attributes, wrong lengths and reserved header bytes are errors,
 * reported with an extack message.  State is per network namespace; mutating
 * commands need CAP_NET_ADMIN over the user namespace owning the network
 * namespace (GENL_UNS_ADMIN_PERM).
 */
#ifndef _UAPI_LINUX_EPGATE_H
#define _UAPI_LINUX_EPGATE_H

#define EPGATE_GENL_NAME	"epgate"
#define EPGATE_GENL_VERSION	1

/*
 * Bumped on every incompatible change of commands or attributes.  The tool
 * compares it with the module's EPGATE_A_ABI_VERSION before anything else.
 */
#define EPGATE_ABI_VERSION	1

enum epgate_mode {
	EPGATE_MODE_OFF,	/* hook does nothing */
	EPGATE_MODE_MONITOR,	/* allow everything, count what would drop */
	EPGATE_MODE_ENFORCE,	/* drop in-scope packets matching no flow */
	__EPGATE_MODE_MAX
};
#define EPGATE_MODE_MAX (__EPGATE_MODE_MAX - 1)

enum epgate_cmd {
	EPGATE_CMD_UNSPEC,
	EPGATE_CMD_GET_STATUS,
	__EPGATE_CMD_MAX
};
#define EPGATE_CMD_MAX (__EPGATE_CMD_MAX - 1)

enum epgate_attr {
	EPGATE_A_UNSPEC,
	EPGATE_A_VERSION,	/* NLA_NUL_STRING */
	EPGATE_A_ABI_VERSION,	/* NLA_U32 */
	EPGATE_A_MODE,		/* NLA_U8, enum epgate_mode */
	__EPGATE_A_MAX
};
#define EPGATE_A_MAX (__EPGATE_A_MAX - 1)

#endif /* _UAPI_LINUX_EPGATE_H */
