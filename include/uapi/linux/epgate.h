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
 *   Request: no attributes (any attribute is rejected).  CAP_NET_ADMIN over
 *   the namespace (its bound addresses are the site's inventory), as nft
 *   asks to list a ruleset; so do GET_FLOWS and GET_PROFILES.
 *   Reply (one message, same command):
 *     EPGATE_A_VERSION       NLA_NUL_STRING  module version, e.g. "0.1.0"
 *     EPGATE_A_LOG_FLAGS     NLA_U32         EPGATE_LOG_*
 *     EPGATE_A_LOG_GROUP     NLA_U16         the NFLOG group
 *     EPGATE_A_ABI_VERSION   NLA_U32         EPGATE_ABI_VERSION of the module;
 *                                            the tool refuses a mismatch
 *     EPGATE_A_MODE          NLA_U8          enum epgate_mode
 *     EPGATE_A_HOOKS         NLA_U32         EPGATE_HOOK_* mask
 *     EPGATE_A_MARK_VALUE    NLA_U32         fwmark bits set on allowed packets
 *     EPGATE_A_MARK_MASK     NLA_U32         which bits; 0 = no mark
 *     EPGATE_A_IFACES_IN     nested          ingress scope (absent: any)
 *     EPGATE_A_IFACES_OUT    nested          egress scope (absent: any)
 *     EPGATE_A_GENERATION    NLA_U64         table swaps so far
 *     EPGATE_A_TABLE_BYTES   NLA_U64         size of the active flow table
 *     EPGATE_A_NFLOWS        NLA_U32         flows in the active set
 *     EPGATE_A_COUNTERS      nested          EPGATE_CTR_* NLA_U64 totals
 *     EPGATE_A_PRIORITY      NLA_S32         the hooks' netfilter priority
 *     EPGATE_A_OTHER         NLA_U8          enum epgate_other
 *     EPGATE_A_OFFLOAD_LAST  NLA_U32         offloaded connections the last
 *                                            change took out of a flowtable
 *     EPGATE_A_OFFLOAD_TOTAL NLA_U64         the same, summed over changes
 *     EPGATE_A_ROLLBACK_SECS NLA_U32         seconds before a pending change
 *                                            is rolled back; 0: none pending
 *     EPGATE_A_ROLLBACKS     NLA_U64         rollbacks so far (deadline or
 *                                            ROLLBACK)
 *   all of the caller's network namespace.
 *
 * EPGATE_CMD_SET_CONFIG                                  (CAP_NET_ADMIN)
 *   Changes only what is present; at least one attribute:
 *     EPGATE_A_MODE          NLA_U8          0..EPGATE_MODE_MAX
 *     EPGATE_A_HOOKS         NLA_U32         non-empty subset of
 *                                            EPGATE_HOOK_ALL
 *     EPGATE_A_MARK_VALUE    NLA_U32         with EPGATE_A_MARK_MASK; value
 *     EPGATE_A_MARK_MASK     NLA_U32         bits outside mask are rejected
 *     EPGATE_A_IFACES_IN     nested array (entry types 1, 2, ...) of nests
 *     EPGATE_A_IFACES_OUT    each holding one EPGATE_IFACE_NAME; an empty
 *                            array clears the list (scope: any interface)
 *     EPGATE_A_LOG_FLAGS     NLA_U32         EPGATE_LOG_* (0: no logging)
 *     EPGATE_A_LOG_GROUP     NLA_U16         the NFLOG group of
 *                                            EPGATE_LOG_NFLOG
 *     EPGATE_A_PRIORITY      NLA_S32         EPGATE_PRIORITY_MIN..
 *                                            EPGATE_PRIORITY_MAX
 *     EPGATE_A_OTHER         NLA_U8          enum epgate_other
 *   Priority: the hooks run after conntrack and DNAT (NF_IP_PRI_NAT_DST,
 *   -100) at every priority allowed; the default, EPGATE_PRIORITY_DEFAULT,
 *   is before the filter priority (0) so that the chain every distribution
 *   ships (`type filter hook forward priority filter`) sees the mark.  A
 *   new priority registers the new hooks before it removes the old ones:
 *   no packet passes unjudged (one may be judged, and counted, twice).
 *   Other: in enforce with EPGATE_OTHER_DROP, packets in scope that are
 *   neither TCP nor UDP are dropped, except ICMP/ICMPv6 errors RELATED to
 *   a TCP or UDP connection (judged as that connection) and IPv6 neighbour
 *   discovery (ICMPv6 133-137).
 *   Flowtables: after a change that leaves the namespace in enforce with
 *   the FORWARD hook, the offloaded connections (IPS_OFFLOAD) that the new
 *   policy does not allow are counted, and the flowtables' connections on
 *   the namespace's devices go back to the forward path, where the hook
 *   judges them; the change returns after that (EPGATE_A_OFFLOAD_LAST).
 *   Drop logging: with EPGATE_LOG_KERNEL every packet dropped (enforce) or
 *   counted as would_drop (monitor) gives a kernel log line, rate-limited
 *   per namespace (at most 10 lines per 5 s): the verdict, the
 *   5-tuple of the connection's original direction, the interfaces and
 *   the reason (no-flow: no enabled flow uses the port; no-match: the
 *   port's flows are bound to other addresses; malformed).  With
 *   EPGATE_LOG_NFLOG every such packet, unlimited, goes to NFLOG group
 *   LOG_GROUP (nfnetlink_log: `tcpdump -i nflog:N`, ulogd) with the prefix
 *   "epgate drop " or "epgate would-drop " and the reason.  Kernel log
 *   lines come from the initial namespace only, unless the sysctl
 *   net.netfilter.nf_log_all_netns is set (as for nf_log's LOG target).
 *   A packet is in scope when its hook is in HOOKS, its ingress interface
 *   is in IFACES_IN (or the list is empty) and its egress interface is in
 *   IFACES_OUT (or the list is empty).  Scope follows the connection: a
 *   reply-direction packet is judged with ingress and egress swapped and
 *   INPUT and OUTPUT swapped, so it is in scope exactly when its
 *   connection's original packets were.  At INPUT there is no egress and at
 *   OUTPUT no ingress interface: a non-empty list for that side puts no
 *   packet of that hook in scope.
 *
 * EPGATE_CMD_SET_FLOWS                                   (CAP_NET_ADMIN)
 *   Replaces the whole flow set in one transaction: the new table is built
 *   aside and swapped in under RCU; a packet sees the old set or the new
 *   one.  Counters follow the flow identity (profile, name): a flow present
 *   before and after keeps counting; a flow that leaves loses its counters.
 *     EPGATE_A_FLOWS         nested array (entry types 1, 2, ...) of flows,
 *                            in priority order (first match wins and is
 *                            counted):
 *       EPGATE_FLOW_PROFILE  NLA_NUL_STRING  1..EPGATE_NAME_MAX-1 bytes
 *       EPGATE_FLOW_NAME     NLA_NUL_STRING  1..EPGATE_NAME_MAX-1 bytes
 *       EPGATE_FLOW_PROTO    NLA_U8          IPPROTO_TCP or IPPROTO_UDP
 *       EPGATE_FLOW_PORTS    nested array of ranges, 1..EPGATE_MAX_RANGES:
 *         EPGATE_RANGE_LO    NLA_U16         destination port, host order
 *         EPGATE_RANGE_HI    NLA_U16         >= LO; absent: LO
 *       EPGATE_FLOW_FROM     nested prefix   initiator; absent: any address
 *       EPGATE_FLOW_TO       nested prefix   responder; absent: any address
 *         EPGATE_PREFIX_FAMILY NLA_U8        AF_INET or AF_INET6
 *         EPGATE_PREFIX_ADDR   NLA_BINARY    4 or 16 bytes, network order
 *         EPGATE_PREFIX_LEN    NLA_U8        <= 32 or 128
 *       EPGATE_FLOW_FROM_SET NLA_U32         initiator bound to address set
 *                                            N of EPGATE_A_SETS (with
 *                                            EPGATE_FLOW_FROM: -EINVAL)
 *       EPGATE_FLOW_TO_SET   NLA_U32         responder, the same
 *       EPGATE_FLOW_PROFILE_MODE NLA_U8      enum epgate_mode: ENFORCE
 *                                            (default) or MONITOR;
 *                                            the same for every flow of a
 *                                            profile
 *     EPGATE_A_PROFILES      nested array of profiles (optional), at most
 *                            EPGATE_MAX_PROFILES in the whole set:
 *       EPGATE_PROFILE_NAME  NLA_NUL_STRING  1..EPGATE_NAME_MAX-1 bytes
 *       EPGATE_PROFILE_MODE  NLA_U8          MONITOR or ENFORCE; must agree
 *                                            with the profile's flows
 *       EPGATE_PROFILE_USERDATA NLA_BINARY   0..EPGATE_USERDATA_MAX bytes,
 *                                            kept and dumped verbatim (the
 *                                            tool stores how the profile
 *                                            was enabled, like nftables'
 *                                            NFTA_RULE_USERDATA)
 *                            A profile may have no flows (enabled, all of
 *                            its flows opt-in).  A flow's profile that is
 *                            not listed is created with no user data.
 *     EPGATE_A_SETS          nested array of address sets (optional):
 *       EPGATE_SET_ID        NLA_U32         1..EPGATE_MAX_SETS, the number
 *                                            flows refer to; the tool's
 *                                            choice, kept for the dump
 *       EPGATE_SET_NAME      NLA_NUL_STRING  optional, < EPGATE_NAME_MAX:
 *                                            shown, never interpreted
 *       EPGATE_SET_PREFIXES  nested array of prefixes (as FLOW_FROM's),
 *                            IPv4 and IPv6 mixed, overlaps allowed
 *                            A set may come in several entries, in one
 *                            message or over the transaction's messages:
 *                            its prefixes are appended (a name, if given
 *                            twice, must agree).  At the commit every set
 *                            a flow names must exist and every set must
 *                            have a prefix and be named by a flow.  Totals:
 *                            EPGATE_MAX_SETS sets, EPGATE_MAX_PREFIXES
 *                            prefixes (-E2BIG, at the message that goes
 *                            over); in the table's count a plain prefix
 *                            role of a flow whose other role is a set of
 *                            several is one more set of one prefix.  A
 *                            role bound to a set holds an address that any
 *                            of its prefixes holds.
 *     EPGATE_A_GENERATION    NLA_U64 (optional): the generation the set was
 *                            computed from.  The set is committed only if
 *                            it is still the current generation, else
 *                            -ESTALE: a read-modify-write by two tools at
 *                            once cannot lose either's change silently.
 *     EPGATE_A_XACT_FLAGS    NLA_U32 (optional): EPGATE_XACT_MORE stages
 *                            this message's flows and profiles and waits
 *                            for more; the first message without it
 *                            commits everything staged plus its own.
 *   Large sets: one attribute holds at most 65,535 bytes (about 700
 *   one-range flows), so a larger set is split over several messages, each
 *   with its own EPGATE_A_FLOWS, all but the last with EPGATE_XACT_MORE.
 *   Each message is validated when it arrives (its errors carry its
 *   extack); cross-message checks (duplicates, limits, the table build)
 *   happen at the commit.  A transaction belongs to the netlink socket
 *   that opened it: another socket's SET_FLOWS gets -EBUSY until it
 *   commits, fails or the socket is closed (which discards it).  Any error
 *   discards the whole transaction; nothing staged is ever visible to
 *   packets.  Totals: EPGATE_MAX_FLOWS flows, EPGATE_XACT_MAX_BYTES of
 *   staged attributes.
 *   The committing message may also carry any of SET_CONFIG's settings
 *   (EPGATE_A_MODE ... EPGATE_A_OTHER, same types and checks): the flow
 *   set and the configuration then change in one transaction, under one
 *   lock, both or neither (`epgate apply`).  They are published back to
 *   back, the flows first.  On a message with EPGATE_XACT_MORE they, and
 *   EPGATE_A_CONFIRM_SECS, are refused with -EINVAL.
 *   Without EPGATE_A_FLOWS the set becomes empty.  Duplicate (profile,
 *   name) pairs are rejected.  A profile in MONITOR changes one thing:
 *   a packet to a port that only monitored profiles use, matching none of
 *   their flows (a role binding excluded it), is counted as would_drop and
 *   passes instead of being dropped.
 * EPGATE_CMD_GET_FLOWS (dump)                           (CAP_NET_ADMIN)
 *   One message per flow, EPGATE_A_FLOW nesting EPGATE_FLOW_PROFILE, NAME,
 *   PROTO, PORTS, FROM and TO or FROM_SET and TO_SET (when bound),
 *   PROFILE_MODE, PACKETS and BYTES
 *   (NLA_U64): the flow as it was set, so a tool can rebuild the set.
 *   A dump that spans a replacement of the flow set has NLM_F_DUMP_INTR
 *   set on its messages (genl_dump_check_consistent() over the
 *   generation); the tool retries.  Large sets are naturally multi-part.
 *
 * EPGATE_CMD_GET_SETS (dump)                            (CAP_NET_ADMIN)
 *   The address sets of the active flow set, by increasing id: messages of
 *   EPGATE_A_SET nesting EPGATE_SET_ID, EPGATE_SET_NAME (when given) and
 *   EPGATE_SET_PREFIXES, 1..EPGATE_SET_DUMP_PREFIXES prefixes per message
 *   (fewer when the reader's buffer is small); a larger set takes several
 *   consecutive messages with the same ID and NAME, its prefixes in the
 *   order they were set.  With GET_FLOWS (same generation,
 *   same NLM_F_DUMP_INTR rule) a tool rebuilds the whole set.
 *
 * Confirm or roll back (SET_CONFIG, and the last message of SET_FLOWS):
 *     EPGATE_A_CONFIRM_SECS  NLA_U32         1..EPGATE_CONFIRM_MAX
 *   The change is applied, and the state before it (configuration and
 *   flow set, whole) is kept: unless EPGATE_CMD_CONFIRM arrives within
 *   CONFIRM_SECS, the kernel restores it by itself, whatever happened to
 *   the writer (an SSH session that dropped, a killed tool).  While a
 *   change is pending, further changes must carry CONFIRM_SECS too: they
 *   join it (the deadline becomes theirs; a rollback restores the state
 *   before the first); a change without it is refused with -EALREADY.
 *   A rollback is counted (EPGATE_A_ROLLBACKS, sysfs rollbacks) and logged.
 *   Counters are kept across it, like any change's.
 *
 * EPGATE_CMD_CONFIRM                                     (CAP_NET_ADMIN)
 *   No attributes.  Keeps the pending change; -ENOENT if none.
 *
 * EPGATE_CMD_ROLLBACK                                    (CAP_NET_ADMIN)
 *   No attributes.  Restores the state before the pending change now;
 *   -ENOENT if none.
 *
 * EPGATE_CMD_RESET_COUNTERS                              (CAP_NET_ADMIN)
 *   No attributes.  Sets every counter of the namespace to zero: the
 *   global ones, every flow's and every profile's.  Packets counted while
 *   the reset runs are never lost: each counter is lowered by the value
 *   read, not overwritten.
 *
 * EPGATE_CMD_GET_PROFILES (dump)                        (CAP_NET_ADMIN)
 *   One message per profile of the active set, EPGATE_A_PROFILE nesting
 *   EPGATE_PROFILE_NAME, MODE, NFLOWS (NLA_U32), USERDATA (when set),
 *   PACKETS, BYTES, WOULD_DROP and DROPPED, with the same NLM_F_DUMP_INTR
 *   rule.  PACKETS and BYTES count what the profile's flows allowed since
 *   the profile was enabled (or the last reset), flows since removed
 *   included; WOULD_DROP counts packets to a port that only monitored
 *   profiles use and that none of their flows matched; DROPPED counts
 *   packets enforce dropped on a port some flow uses (not only monitored
 *   profiles') that none of its flows matched.  Both are credited to the
 *   profile of the port's first flow.  Drops of packets to a port no flow
 *   uses, of malformed packets and of other protocols are credited to no
 *   profile, only to the global EPGATE_CTR_DROPPED.  DROPPED came after
 *   WOULD_DROP within the same ABI version: an older module leaves it out.
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
#define EPGATE_ABI_VERSION	4

enum epgate_mode {
	EPGATE_MODE_OFF,	/* hook does nothing */
	EPGATE_MODE_MONITOR,	/* allow everything, count what would drop */
	EPGATE_MODE_ENFORCE,	/* drop in-scope packets matching no flow */
	__EPGATE_MODE_MAX
};
#define EPGATE_MODE_MAX (__EPGATE_MODE_MAX - 1)

/* Hooks epgate judges at (EPGATE_A_HOOKS). */
#define EPGATE_HOOK_FORWARD	(1U << 0)
#define EPGATE_HOOK_INPUT	(1U << 1)
#define EPGATE_HOOK_OUTPUT	(1U << 2)
#define EPGATE_HOOK_ALL		(EPGATE_HOOK_FORWARD | EPGATE_HOOK_INPUT | \
				 EPGATE_HOOK_OUTPUT)

/*
 * Hook priority (EPGATE_A_PRIORITY): after DNAT (NF_IP_PRI_NAT_DST = -100),
 * before the filter priority by default (NF_IP_PRI_FILTER and
 * NF_IP6_PRI_FILTER are 0).
 */
#define EPGATE_PRIORITY_MIN	(-99)
#define EPGATE_PRIORITY_MAX	32767
#define EPGATE_PRIORITY_DEFAULT	(-10)

/* What enforce does with packets that are neither TCP nor UDP. */
enum epgate_other {
	EPGATE_OTHER_ACCEPT,	/* outside the policy, pass (default) */
	EPGATE_OTHER_DROP,	/* dropped in enforce (see SET_CONFIG) */
	__EPGATE_OTHER_MAX
};
#define EPGATE_OTHER_MAX (__EPGATE_OTHER_MAX - 1)

/* EPGATE_A_CONFIRM_SECS: the longest a change may wait for its confirm. */
#define EPGATE_CONFIRM_MAX	86400

/* Limits, enforced by the netlink policy and the table builder. */
#define EPGATE_NAME_MAX		32	/* profile and flow names, with NUL */
#define EPGATE_IFNAME_MAX	16	/* IFNAMSIZ, with NUL */
#define EPGATE_MAX_FLOWS	16384
#define EPGATE_MAX_SETS		1024	/* address sets in a flow set */
#define EPGATE_MAX_PREFIXES	65536	/* prefixes over all of them */
#define EPGATE_SET_DUMP_PREFIXES 256	/* per GET_SETS message */
#define EPGATE_MAX_RANGES	64	/* per flow */
#define EPGATE_MAX_IFACES	8	/* per direction */
#define EPGATE_MAX_PROFILES	64
#define EPGATE_USERDATA_MAX	512	/* bytes per profile */
#define EPGATE_XACT_MAX_BYTES	(4U << 20)	/* staged per transaction */

/* EPGATE_A_LOG_FLAGS */
#define EPGATE_LOG_KERNEL	(1U << 0)	/* rate-limited kernel log line */
#define EPGATE_LOG_NFLOG	(1U << 1)	/* the packet to NFLOG LOG_GROUP */
#define EPGATE_LOG_ALL		(EPGATE_LOG_KERNEL | EPGATE_LOG_NFLOG)

/* EPGATE_A_XACT_FLAGS */
#define EPGATE_XACT_MORE	(1U << 0)	/* stage; more messages follow */
#define EPGATE_XACT_ALL		EPGATE_XACT_MORE

enum epgate_cmd {
	EPGATE_CMD_UNSPEC,
	EPGATE_CMD_GET_STATUS,
	EPGATE_CMD_SET_CONFIG,
	EPGATE_CMD_SET_FLOWS,
	EPGATE_CMD_GET_FLOWS,
	EPGATE_CMD_GET_PROFILES,
	EPGATE_CMD_RESET_COUNTERS,
	EPGATE_CMD_CONFIRM,
	EPGATE_CMD_ROLLBACK,
	EPGATE_CMD_GET_SETS,
	__EPGATE_CMD_MAX
};
#define EPGATE_CMD_MAX (__EPGATE_CMD_MAX - 1)

enum epgate_attr {
	EPGATE_A_UNSPEC,
	EPGATE_A_VERSION,	/* NLA_NUL_STRING */
	EPGATE_A_ABI_VERSION,	/* NLA_U32 */
	EPGATE_A_MODE,		/* NLA_U8, enum epgate_mode */
	EPGATE_A_HOOKS,		/* NLA_U32, EPGATE_HOOK_* */
	EPGATE_A_MARK_VALUE,	/* NLA_U32 */
	EPGATE_A_MARK_MASK,	/* NLA_U32 */
	EPGATE_A_IFACES_IN,	/* nested array of enum epgate_iface_attr */
	EPGATE_A_IFACES_OUT,	/* nested array of enum epgate_iface_attr */
	EPGATE_A_GENERATION,	/* NLA_U64 */
	EPGATE_A_TABLE_BYTES,	/* NLA_U64 */
	EPGATE_A_NFLOWS,	/* NLA_U32 */
	EPGATE_A_COUNTERS,	/* nested, enum epgate_counter_attr */
	EPGATE_A_FLOWS,		/* nested array of enum epgate_flow_attr */
	EPGATE_A_FLOW,		/* nested, enum epgate_flow_attr (dump) */
	EPGATE_A_PAD,
	EPGATE_A_XACT_FLAGS,	/* NLA_U32, EPGATE_XACT_* */
	EPGATE_A_PROFILES,	/* nested array of enum epgate_profile_attr */
	EPGATE_A_PROFILE,	/* nested, enum epgate_profile_attr (dump) */
	EPGATE_A_LOG_FLAGS,	/* NLA_U32, EPGATE_LOG_* */
	EPGATE_A_LOG_GROUP,	/* NLA_U16 */
	EPGATE_A_PRIORITY,	/* NLA_S32 */
	EPGATE_A_OTHER,		/* NLA_U8, enum epgate_other */
	EPGATE_A_OFFLOAD_LAST,	/* NLA_U32, status only */
	EPGATE_A_OFFLOAD_TOTAL,	/* NLA_U64, status only */
	EPGATE_A_CONFIRM_SECS,	/* NLA_U32, 1..EPGATE_CONFIRM_MAX */
	EPGATE_A_ROLLBACK_SECS,	/* NLA_U32, status only */
	EPGATE_A_ROLLBACKS,	/* NLA_U64, status only */
	EPGATE_A_SETS,		/* nested array of enum epgate_set_attr */
	EPGATE_A_SET,		/* nested, enum epgate_set_attr (dump) */
	__EPGATE_A_MAX
};
#define EPGATE_A_MAX (__EPGATE_A_MAX - 1)

enum epgate_iface_attr {
	EPGATE_IFACE_UNSPEC,
	EPGATE_IFACE_NAME,	/* NLA_NUL_STRING, < EPGATE_IFNAME_MAX */
	__EPGATE_IFACE_MAX
};
#define EPGATE_IFACE_MAX (__EPGATE_IFACE_MAX - 1)

enum epgate_counter_attr {
	EPGATE_CTR_UNSPEC,
	EPGATE_CTR_ALLOWED,	/* packets that matched an enabled flow */
	EPGATE_CTR_DROPPED,	/* in scope, no flow, dropped (enforce) */
	EPGATE_CTR_WOULD_DROP,	/* would have been dropped (monitor) */
	EPGATE_CTR_MALFORMED,	/* truncated or unparsable L4 header */
	EPGATE_CTR_PAD,
	__EPGATE_CTR_MAX
};
#define EPGATE_CTR_MAX (__EPGATE_CTR_MAX - 1)

enum epgate_flow_attr {
	EPGATE_FLOW_UNSPEC,
	EPGATE_FLOW_PROFILE,	/* NLA_NUL_STRING */
	EPGATE_FLOW_NAME,	/* NLA_NUL_STRING */
	EPGATE_FLOW_PROTO,	/* NLA_U8, IPPROTO_TCP or IPPROTO_UDP */
	EPGATE_FLOW_PORTS,	/* nested array of enum epgate_range_attr */
	EPGATE_FLOW_FROM,	/* nested, enum epgate_prefix_attr */
	EPGATE_FLOW_TO,		/* nested, enum epgate_prefix_attr */
	EPGATE_FLOW_PROFILE_MODE, /* NLA_U8, MONITOR or ENFORCE */
	EPGATE_FLOW_PACKETS,	/* NLA_U64, dump only */
	EPGATE_FLOW_BYTES,	/* NLA_U64, dump only */
	EPGATE_FLOW_PAD,
	EPGATE_FLOW_FROM_SET,	/* NLA_U32, EPGATE_SET_ID */
	EPGATE_FLOW_TO_SET,	/* NLA_U32, EPGATE_SET_ID */
	__EPGATE_FLOW_MAX
};
#define EPGATE_FLOW_MAX (__EPGATE_FLOW_MAX - 1)

enum epgate_profile_attr {
	EPGATE_PROFILE_UNSPEC,
	EPGATE_PROFILE_NAME,	/* NLA_NUL_STRING */
	EPGATE_PROFILE_MODE,	/* NLA_U8, MONITOR or ENFORCE */
	EPGATE_PROFILE_USERDATA, /* NLA_BINARY, <= EPGATE_USERDATA_MAX */
	EPGATE_PROFILE_NFLOWS,	/* NLA_U32, dump only */
	EPGATE_PROFILE_PACKETS,	/* NLA_U64, dump only */
	EPGATE_PROFILE_BYTES,	/* NLA_U64, dump only */
	EPGATE_PROFILE_PAD,
	EPGATE_PROFILE_WOULD_DROP, /* NLA_U64, dump only */
	EPGATE_PROFILE_DROPPED,	/* NLA_U64, dump only */
	__EPGATE_PROFILE_MAX
};
#define EPGATE_PROFILE_MAX (__EPGATE_PROFILE_MAX - 1)

enum epgate_range_attr {
	EPGATE_RANGE_UNSPEC,
	EPGATE_RANGE_LO,	/* NLA_U16 */
	EPGATE_RANGE_HI,	/* NLA_U16 */
	__EPGATE_RANGE_MAX
};
#define EPGATE_RANGE_MAX (__EPGATE_RANGE_MAX - 1)

enum epgate_prefix_attr {
	EPGATE_PREFIX_UNSPEC,
	EPGATE_PREFIX_FAMILY,	/* NLA_U8, AF_INET or AF_INET6 */
	EPGATE_PREFIX_ADDR,	/* NLA_BINARY, 4 or 16 bytes */
	EPGATE_PREFIX_LEN,	/* NLA_U8 */
	__EPGATE_PREFIX_MAX
};
#define EPGATE_PREFIX_MAX (__EPGATE_PREFIX_MAX - 1)

enum epgate_set_attr {
	EPGATE_SET_UNSPEC,
	EPGATE_SET_ID,		/* NLA_U32, 1..EPGATE_MAX_SETS */
	EPGATE_SET_NAME,	/* NLA_NUL_STRING, < EPGATE_NAME_MAX */
	EPGATE_SET_PREFIXES,	/* nested array of enum epgate_prefix_attr */
	__EPGATE_SET_MAX
};
#define EPGATE_SET_MAX (__EPGATE_SET_MAX - 1)

#endif /* _UAPI_LINUX_EPGATE_H */
