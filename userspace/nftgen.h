/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The epgate policy as an nftables ruleset: `epgate export nft`.
 *
 * nftgen_build() turns a flow set and the module's configuration into a
 * small intermediate ruleset (sets, chains, rules of typed matches); the
 * printers render it as `nft -f` text or as nftables JSON, and
 * nftapply.c sends the very same ruleset through libnftnl.  Everything
 * here is pure (flows and configuration in, text out), for the tests.
 *
 * The ruleset, in a table of its own (default `inet epgate`):
 *
 *   - a base chain per netfilter hook that has packets in scope (FORWARD,
 *     INPUT, OUTPUT), `type filter`, at the module's priority (filter - 10
 *     by default: after DNAT, before the distribution's filter chains),
 *     policy accept; it sends the in-scope packets to `judge` (the
 *     interface scope and the reply-direction swap of SET_CONFIG: a reply
 *     is in scope when its connection's original packets were);
 *   - `judge`: a tracked packet is judged by its connection's real
 *     endpoints, as the module judges it: the initiator is the ORIGINAL
 *     source (`ct original ip saddr`, before SNAT), the responder and its
 *     port the REPLY source (`ct reply ip saddr`, `ct reply proto-src`,
 *     after DNAT); replies of an allowed connection pass, a packet sent
 *     from an allowed port belongs to a connection whose own responder
 *     port is judged (no source-port bypass).  Untracked and
 *     invalid packets go to `judge-untracked`, which judges their own
 *     headers (`th dport`, `ip saddr`, ...), as the module does without a
 *     conntrack entry;
 *   - one rule per (protocol, initiator role, responder role) with the
 *     union of the ports of its flows: one port is a comparison, one range
 *     a range, more a named set (`tcp-1`, ...; `flags interval` only when
 *     it holds a range) shared by both judging chains.  A role is unbound,
 *     a prefix, or an address set of the flow list (the same set is the
 *     same role); a role bound to a set gives one rule per address family
 *     both roles can hold, matched against a named set of that family
 *     (struct nftgen_addrset: `ct original ip saddr @lan-v4`, ...);
 *   - an allowed packet gets the fwmark when one is configured; in enforce
 *     mode, a miss on a port that only monitored profiles use is counted
 *     and accepted (sets `tcp-monitored`, `udp-monitored`), and any other
 *     TCP or UDP packet is counted and dropped; in monitor mode it is only
 *     counted.  Other protocols pass untouched.  Mode off: no chains.
 *
 * Drop logging (`epgate config log`): every rule that counts a miss logs
 * it, to the kernel log through a rule of its own rate-limited as the
 * module is (10 lines per 5 s), and/or to the NFLOG group.
 *
 * Differences from the module, by construction of nftables: an expected
 * connection (conntrack helpers) is judged by its own tuple, not its
 * master's; an ICMP error RELATED to a connection passes unmarked (nft
 * cannot type `ct reply proto-src` without the packet's own protocol);
 * there are no per-flow counters.
 */
#ifndef EPGATE_NFTGEN_H
#define EPGATE_NFTGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/epgate.h>

#include "flowlist.h"

#define NFTGEN_NAME_MAX		64	/* table, chain and set names */
/* The table `export nft` writes unless --table says otherwise. */
#define NFTGEN_FAMILY_DEFAULT	"inet"
#define NFTGEN_TABLE_DEFAULT	"epgate"

struct nftgen_config {
	char family[8];			/* "inet" */
	char table[NFTGEN_NAME_MAX];	/* "epgate" */
	uint8_t mode;			/* enum epgate_mode */
	uint32_t hooks;			/* EPGATE_HOOK_* */
	uint32_t mark_value, mark_mask;	/* mask 0: no mark */
	int32_t priority;		/* of the base chains */
	unsigned int nin, nout;		/* 0: any interface */
	char in[EPGATE_MAX_IFACES][EPGATE_IFNAME_MAX];
	char out[EPGATE_MAX_IFACES][EPGATE_IFNAME_MAX];
	/* Drop logging, as `epgate config log`: EPGATE_LOG_* and the group. */
	uint32_t log_flags;
	uint16_t log_group;
};

enum nftgen_key {
	NK_L4PROTO,		/* meta l4proto */
	NK_NFPROTO,		/* meta nfproto */
	NK_CT_STATE,		/* ct state invalid,untracked */
	NK_CT_DIRECTION,	/* ct direction reply */
	NK_CT_DPORT,		/* ct reply proto-src: the responder's port */
	NK_TH_DPORT,		/* th dport */
	NK_CT_SADDR,		/* ct original ip[6] saddr: the initiator */
	NK_CT_DADDR,		/* ct reply ip[6] saddr: the responder */
	NK_SADDR,		/* ip[6] saddr */
	NK_DADDR,		/* ip[6] daddr */
	NK_IIFNAME,		/* iifname */
	NK_OIFNAME,		/* oifname */
};

enum nftgen_val {
	NV_U8,			/* proto (l4proto) or NFPROTO_IPV4/6 */
	NV_TCPUDP,		/* { tcp, udp } */
	NV_UNTRACKED,		/* invalid,untracked */
	NV_REPLY,		/* reply */
	NV_PORT,		/* lo */
	NV_RANGE,		/* lo-hi */
	NV_SET,			/* @sets[set] */
	NV_PREFIX,		/* pfx */
	NV_NAMES,		/* names[0..nnames) */
	NV_ADDRSET,		/* @addrsets[set], of family pfx.family */
};

struct nftgen_match {
	uint8_t key;		/* enum nftgen_key */
	uint8_t val;		/* enum nftgen_val */
	uint8_t u8;
	uint16_t lo, hi;
	unsigned int set;
	struct flowlist_prefix pfx;
	const char (*names)[EPGATE_IFNAME_MAX];
	unsigned int nnames;
};

enum nftgen_verdict {
	NFTGEN_NONE,		/* go on with the next rule */
	NFTGEN_ACCEPT,
	NFTGEN_DROP,
	NFTGEN_RETURN,
	NFTGEN_GOTO,		/* chains[target] */
};

#define NFTGEN_MAX_MATCHES	6

struct nftgen_rule {
	struct nftgen_match m[NFTGEN_MAX_MATCHES];
	unsigned int nm;
	bool counter;
	/*
	 * Drop logging, before the counter: `limit rate 2/second burst 10
	 * packets log prefix P level info` (the module's kernel log rate)
	 * and/or `log prefix P group N` (NFLOG: every packet); P is
	 * "epgate drop " or, for a rule without a drop, "epgate would-drop ".
	 */
	bool log_kernel;
	bool log_group;
	bool would_drop;
	bool mark;		/* meta mark set, from the configuration */
	uint8_t verdict;	/* enum nftgen_verdict */
	unsigned int target;	/* with NFTGEN_GOTO */
};

enum nftgen_chain_id {
	NFTGEN_JUDGE,
	NFTGEN_JUDGE_UNTRACKED,
	NFTGEN_FORWARD,
	NFTGEN_INPUT,
	NFTGEN_OUTPUT,
	NFTGEN_NCHAINS
};

struct nftgen_chain {
	const char *name;
	const char *hook;	/* NULL: a regular chain */
	bool used;		/* emitted at all */
	struct nftgen_rule *rules;
	size_t n, alloc;
};

struct nftgen_set {
	char name[NFTGEN_NAME_MAX];
	bool interval;		/* holds a range */
	struct flowlist_range *ranges;	/* sorted, disjoint, not adjacent */
	size_t n, alloc;
};

/* Addresses lo..hi, inclusive, network byte order (IPv4: bytes 0..3). */
struct nftgen_addr_range {
	uint8_t lo[16];
	uint8_t hi[16];
};

/* nft's longest comment (NFTNL_UDATA_COMMENT_MAXLEN), in characters. */
#define NFTGEN_COMMENT_MAX	128

/*
 * The prefixes of one address family of an address set of the flow list,
 * as a named set `type ipv4_addr` or `ipv6_addr`, `flags interval`: nft
 * refuses overlapping intervals (without auto-merge) and the kernel's
 * interval backends need them disjoint, so they are merged.  Its name
 * stays the same as long as the policy does, for a refresh that replaces
 * only the elements: the epgate set's name and the family (`lan-v4`,
 * `lan-v6`), or `addr-N-v4`/`-v6` for the N-th anonymous set in flow
 * order (N skips the numbers of sets named `addr-N`), also for a name
 * that is not an nft identifier (one that starts with a digit).
 *
 * A set that follows hostnames (flowlist_set.hosts) carries the comment
 * `follows NAME, NAME` and is always both an IPv4 and an IPv6 set, empty
 * or not, with the rules of both families: a name that gains its first
 * AAAA record (or loses its last A) then changes set elements only, which
 * is all `epgate refresh` changes in an installed export.
 */
struct nftgen_addrset {
	char name[NFTGEN_NAME_MAX];
	char role[192];		/* "@lan" or the first prefixes, for comments */
	char comment[NFTGEN_COMMENT_MAX + 1];	/* "" without hostnames */
	uint32_t ref;		/* the flow list's set (flowlist_flow.from_set) */
	uint8_t family;		/* AF_INET or AF_INET6 */
	struct nftgen_addr_range *ranges;	/* sorted, disjoint, not adjacent */
	size_t n;		/* 0: an empty set (hostnames only) */
};

struct nftgen {
	struct nftgen_config cfg;
	size_t nflows;		/* enabled flows the ruleset was built from */
	struct nftgen_set *sets;
	size_t nsets;
	/* Of one flow list set, the IPv4 half (if any) comes first, then IPv6. */
	struct nftgen_addrset *addrsets;
	size_t naddrsets;
	struct nftgen_chain chains[NFTGEN_NCHAINS];
};

/*
 * Build the ruleset of @fl under @cfg into @g (zeroed or freed).  A flow
 * whose two roles share no address family (a prefix or a set of IPv4
 * only, the other of IPv6 only) matches nothing and is left out.  Returns
 * 0, -EINVAL with @err set (a name nft cannot quote), or -ENOMEM.
 */
int nftgen_build(const struct flowlist *fl, const struct nftgen_config *cfg,
		 struct nftgen *g, char *err, size_t errlen);
void nftgen_free(struct nftgen *g);

/*
 * `nft -f` text that replaces the table atomically (the table is created
 * if absent, deleted and defined again in the same transaction).  Its
 * comment header names the nft sets each address set became.
 */
void nftgen_print(const struct nftgen *g, FILE *f);

/* The same as nftables JSON (`nft -j -f`): one line. */
void nftgen_print_json(const struct nftgen *g, FILE *f);

/* "forward", "forward,input", ... for comments; @buf of 32 bytes. */
const char *nftgen_hooks(uint32_t hooks, char *buf, size_t len);

struct nftpending_state;

/*
 * Install @g through libnftnl in one nfnetlink batch (nftapply.c); with
 * @secs, as a change the kernel takes back unless `epgate confirm` comes
 * within @secs seconds (nftpending.h).  @st gets what was there before
 * (nftpending_free() it, whatever the result).  Returns 0 or a negative
 * errno with @err set; -EALREADY: a change awaits its confirm and @secs
 * is 0.
 */
int nftgen_apply(const struct nftgen *g, unsigned int secs,
		 struct nftpending_state *st, char *err, size_t errlen);

struct nftbatch_elem;

/*
 * The elements set @a holds in nf_tables, as --apply sends them
 * (nftbatch_intervals()), into *@out (malloc()ed) and *@n (nftapply.c).
 * 0 or -ENOMEM.
 */
int nftgen_addrset_elems(const struct nftgen_addrset *a,
			 struct nftbatch_elem **out, size_t *n);

#endif
