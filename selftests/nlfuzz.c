// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: hostile generic netlink traffic against the "epgate" family.
 * Run as root in the namespace under test (selftests/epgate_netlink.sh).
 *
 *   nlfuzz [-s SEED] [-n CASES] [-r RANDOM] [-x SCRATCH]
 *
 * 1. Reads the generation, the GET_STATUS reply and the GET_FLOWS and
 *    GET_PROFILES dumps.
 * 2. Sends CASES structured malformed messages: each is a valid message of
 *    a mutating or reading command with exactly one defect chosen from a
 *    catalogue (wrong types and lengths, missing and duplicate attributes,
 *    nests without NLA_F_NESTED, bad ports, prefixes, names, modes, limits,
 *    unknown commands and attributes, reserved header bytes and flags,
 *    truncated headers, a stale generation...).  Every one must be
 *    refused.
 * 3. Transactions: abandoned half-way (socket closed, process killed),
 *    EBUSY for a second socket, ESTALE, every limit of a transaction,
 *    the address sets' prefix limit; then address sets end to end in a
 *    namespace of their own: a set spread over a transaction's messages
 *    dumps back identical through GET_SETS (and GET_FLOWS names it), a
 *    rollback brings the sets back, every set defect is refused with sets
 *    in place and nothing changes, EPGATE_MAX_PREFIXES are taken.
 * 4. RANDOM messages of random bytes and random attribute chains, made
 *    invalid by construction (an unknown attribute closes the chain).
 * 5. SCRATCH messages in a throwaway network namespace (a child process
 *    that unshared its own), where nothing has to fail: bit flips of valid
 *    messages of every command and probes of lax parsing.  Only replies
 *    are required.
 * 6. Reads everything again: the generation, the status reply and both
 *    dumps must be byte-identical to step 1.
 *
 * The PRNG is xorshift64* seeded with SEED (printed; default: time and
 * pid): "nlfuzz -s SEED" replays a run exactly.  Output is TAP with the
 * figures as diagnostics: messages sent, errors by errno, how many carried
 * an extack message, the most frequent extack messages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>

#include <linux/epgate.h>

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG 1
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MSG_MAX (70 * 1024)
#define RX_MAX (128 * 1024)

/* ---- PRNG ---- */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* 0..n-1 */
static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

static void rnd_bytes(void *p, size_t n)
{
	uint8_t *b = p;

	while (n--)
		*b++ = (uint8_t)rnd64();
}

/* ---- message builder: raw, so that it can say anything ---- */

struct msg {
	size_t len;
	uint8_t buf[MSG_MAX];
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("Bail out! nlfuzz: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	fflush(stdout);
	exit(1);
}

static void *m_grow(struct msg *m, size_t n)
{
	void *p;

	if (m->len + n > sizeof(m->buf))
		die("message builder overflow (%zu + %zu)", m->len, n);
	p = m->buf + m->len;
	memset(p, 0, n);
	m->len += n;
	return p;
}

static uint16_t family_id;
static uint8_t cur_mode;		/* from the first snapshot */

static void m_init(struct msg *m, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	m->len = 0;
	nlh = m_grow(m, NLMSG_HDRLEN);
	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	g = m_grow(m, GENL_HDRLEN);
	g->cmd = cmd;
	g->version = EPGATE_GENL_VERSION;
}

static struct nlmsghdr *m_nlh(struct msg *m)
{
	return (struct nlmsghdr *)m->buf;
}

static struct genlmsghdr *m_genl(struct msg *m)
{
	return (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
}

/* An attribute whose header says nla_len, with n bytes of data, padded. */
static void a_raw(struct msg *m, uint16_t nla_len, uint16_t type,
		  const void *data, size_t n)
{
	struct nlattr *a = m_grow(m, NLA_HDRLEN);

	a->nla_len = nla_len;
	a->nla_type = type;
	if (n)
		memcpy(m_grow(m, n), data, n);
	if (m->len % 4)
		m_grow(m, 4 - m->len % 4);
}

static void a_put(struct msg *m, uint16_t type, const void *data, size_t n)
{
	a_raw(m, NLA_HDRLEN + n, type, data, n);
}

static void a_u8(struct msg *m, uint16_t type, uint8_t v)
{
	a_put(m, type, &v, 1);
}

static void a_u16(struct msg *m, uint16_t type, uint16_t v)
{
	a_put(m, type, &v, 2);
}

static void a_u32(struct msg *m, uint16_t type, uint32_t v)
{
	a_put(m, type, &v, 4);
}

static void a_u64(struct msg *m, uint16_t type, uint64_t v)
{
	a_put(m, type, &v, 8);
}

static void a_str(struct msg *m, uint16_t type, const char *s)
{
	a_put(m, type, s, strlen(s) + 1);
}

static size_t a_start(struct msg *m, uint16_t type)
{
	size_t off = m->len;

	a_raw(m, 0, type, NULL, 0);
	return off;
}

/* With nested=false the NLA_F_NESTED flag is taken off again. */
static void a_end(struct msg *m, size_t off)
{
	struct nlattr *a = (struct nlattr *)(m->buf + off);

	a->nla_len = m->len - off;
}

static size_t nest(struct msg *m, uint16_t type, bool flag)
{
	return a_start(m, type | (flag ? NLA_F_NESTED : 0));
}

/* ---- sockets and replies ---- */

struct reply {
	bool answered;
	int err;			/* 0 or a positive errno */
	char ext[160];			/* extack message, "" if none */
};

struct nl {
	struct mnl_socket *s;
	uint32_t portid;
};

static uint32_t seq_no = 1;
static uint8_t rxbuf[RX_MAX];
static size_t rx_len = RX_MAX;	/* what recv() asks for; smaller, smaller dump skbs */

static void nl_open(struct nl *n)
{
	struct timeval tv = { .tv_sec = 5 };
	int one = 1, big = 4 << 20;

	n->s = mnl_socket_open(NETLINK_GENERIC);
	if (!n->s || mnl_socket_bind(n->s, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink socket: %s", strerror(errno));
	mnl_socket_setsockopt(n->s, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(n->s, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(n->s), SOL_SOCKET, SO_SNDBUF, &big,
		   sizeof(big));
	setsockopt(mnl_socket_get_fd(n->s), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	n->portid = mnl_socket_get_portid(n->s);
}

static void nl_close(struct nl *n)
{
	mnl_socket_close(n->s);
	n->s = NULL;
}

static void ext_msg(const struct nlmsghdr *nlh, struct reply *r)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);
	const struct nlattr *attr, *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (mnl_nlmsg_get_payload_len(nlh) < off)
		return;
	mnl_attr_for_each_payload((const void *)((const uint8_t *)e + off),
				  mnl_nlmsg_get_payload_len(nlh) - off) {
		a = attr;
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_get_payload_len(a) > 1)
			snprintf(r->ext, sizeof(r->ext), "%.*s",
				 (int)mnl_attr_get_payload_len(a) - 1,
				 (const char *)mnl_attr_get_payload(a));
	}
}

/*
 * Callback for the messages of a reply that are not the final
 * NLMSG_ERROR / NLMSG_DONE.
 */
typedef void (*data_cb)(const struct nlmsghdr *nlh, void *arg);

/*
 * Read until the request with sequence number @seq is acknowledged or its
 * dump done.  Returns false on a receive timeout.
 */
static bool nl_wait(struct nl *n, uint32_t seq, struct reply *r,
		    data_cb cb, void *arg)
{
	const struct nlmsghdr *nlh;
	ssize_t len;

	for (;;) {
		len = recv(mnl_socket_get_fd(n->s), rxbuf, rx_len, 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return false;
			die("recv: %s", strerror(errno));
		}
		for (nlh = (const struct nlmsghdr *)rxbuf;
		     mnl_nlmsg_ok(nlh, (int)len);
		     nlh = mnl_nlmsg_next(nlh, (int *)&len)) {
			if (nlh->nlmsg_seq != seq)
				continue;	/* late reply to a dropped one */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e =
					mnl_nlmsg_get_payload(nlh);

				r->answered = true;
				r->err = -e->error;
				ext_msg(nlh, r);
				return true;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				r->answered = true;
				r->err = -*(const int *)mnl_nlmsg_get_payload(nlh);
				if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
					/* extack of a failed dump */
					const struct nlattr *a;

					mnl_attr_for_each(a, nlh, sizeof(int)) {
						if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
							snprintf(r->ext, sizeof(r->ext), "%s",
								 (const char *)mnl_attr_get_payload(a));
					}
				}
				return true;
			}
			if (cb)
				cb(nlh, arg);
		}
	}
}

/* Send @m as built (its nlmsg_len is set here unless keep_len). */
static uint32_t nl_send(struct nl *n, struct msg *m, bool keep_len)
{
	struct nlmsghdr *nlh = m_nlh(m);

	if (!keep_len)
		nlh->nlmsg_len = m->len;
	nlh->nlmsg_seq = ++seq_no;
	nlh->nlmsg_pid = 0;
	if (mnl_socket_sendto(n->s, m->buf, m->len) < 0)
		die("send (%zu bytes): %s", m->len, strerror(errno));
	return nlh->nlmsg_seq;
}

static struct reply talk(struct nl *n, struct msg *m)
{
	struct reply r = { 0 };

	if (!nl_wait(n, nl_send(n, m, false), &r, NULL, NULL))
		r.answered = false;
	return r;
}

/* ---- statistics ---- */

static struct {
	unsigned long sent;		/* messages sent */
	unsigned long refused;		/* answered with an error */
	unsigned long extack;		/* ... carrying an extack message */
	unsigned long ignored;		/* dropped by the netlink core, no reply */
	unsigned long by_errno[256];
} st;

#define MAX_EXT 96
static struct {
	char msg[160];
	unsigned long n;
} exts[MAX_EXT];

/* Counted with every number written N, so that formatted messages group. */
static void count_ext(const char *raw)
{
	char s[160];
	unsigned int i, o = 0;

	for (i = 0; raw[i] && o < sizeof(s) - 1; i++) {
		if (raw[i] >= '0' && raw[i] <= '9') {
			if (!o || s[o - 1] != 'N')
				s[o++] = 'N';
		} else {
			s[o++] = raw[i];
		}
	}
	s[o] = '\0';

	for (i = 0; i < MAX_EXT && exts[i].n; i++) {
		if (!strcmp(exts[i].msg, s)) {
			exts[i].n++;
			return;
		}
	}
	if (i < MAX_EXT) {
		snprintf(exts[i].msg, sizeof(exts[i].msg), "%s", s);
		exts[i].n = 1;
	}
}

static void account(const struct reply *r)
{
	st.sent++;
	if (!r->answered || !r->err)
		return;
	st.refused++;
	st.by_errno[r->err & 0xff]++;
	if (r->ext[0]) {
		st.extack++;
		count_ext(r->ext);
	}
}

static void print_errnos(const char *prefix)
{
	char line[512];
	size_t off = 0;
	unsigned int e;

	for (e = 0; e < 256; e++) {
		if (!st.by_errno[e])
			continue;
		off += snprintf(line + off, sizeof(line) - off, "%s%s %lu",
				off ? ", " : "", strerrorname_np(e) ?: "?",
				st.by_errno[e]);
		if (off >= sizeof(line))
			break;
	}
	printf("# %s%s\n", prefix, off ? line : "none");
}

/* ---- TAP ---- */

static unsigned int tap_n, tap_failed;
static char why[512];

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %u - ", ok ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok) {
		tap_failed++;
		if (why[0])
			printf("# %s\n", why);
	}
	why[0] = '\0';
	fflush(stdout);
}

__attribute__((format(printf, 1, 2)))
static void note_fail(const char *fmt, ...)
{
	va_list ap;

	if (why[0])
		return;		/* keep the first */
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
}

/* ---- family, state snapshots ---- */

static void family_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a;

	(void)arg;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			family_id = mnl_attr_get_u16(a);
	}
}

static bool resolve_family(struct nl *n)
{
	struct msg *m = calloc(1, sizeof(*m));
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct reply r = { 0 };

	nlh = m_grow(m, NLMSG_HDRLEN);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = m_grow(m, GENL_HDRLEN);
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	a_str(m, CTRL_ATTR_FAMILY_NAME, EPGATE_GENL_NAME);
	family_id = 0;
	nl_wait(n, nl_send(n, m, false), &r, family_cb, NULL);
	free(m);
	return r.answered && !r.err && family_id;
}

struct blob {
	size_t len, cap;
	uint8_t *p;
};

static void blob_add(struct blob *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			die("out of memory");
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static bool blob_eq(const struct blob *a, const struct blob *b)
{
	return a->len == b->len && !memcmp(a->p, b->p, a->len);
}

/* The attributes of every reply message, as received. */
static void blob_cb(const struct nlmsghdr *nlh, void *arg)
{
	blob_add(arg, mnl_nlmsg_get_payload(nlh),
		 mnl_nlmsg_get_payload_len(nlh));
}

struct snapshot {
	uint64_t generation;
	uint32_t nflows;
	uint8_t mode;
	struct blob status, flows, profiles, sets;
};

static void snap_free(struct snapshot *s)
{
	free(s->status.p);
	free(s->flows.p);
	free(s->profiles.p);
	free(s->sets.p);
	memset(s, 0, sizeof(*s));
}

static bool snap(struct nl *n, struct snapshot *s)
{
	static const struct { uint8_t cmd; bool dump; } q[] = {
		{ EPGATE_CMD_GET_STATUS, false },
		{ EPGATE_CMD_GET_FLOWS, true },
		{ EPGATE_CMD_GET_PROFILES, true },
		{ EPGATE_CMD_GET_SETS, true },
	};
	struct blob *b[] = { &s->status, &s->flows, &s->profiles, &s->sets };
	struct msg *m = malloc(sizeof(*m));
	const struct nlattr *attr, *a;
	unsigned int i;
	bool ok = true;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < ARRAY_SIZE(q); i++) {
		struct reply r = { 0 };

		m_init(m, q[i].cmd, q[i].dump ? NLM_F_DUMP : 0);
		if (!nl_wait(n, nl_send(n, m, false), &r, blob_cb, b[i]) ||
		    r.err) {
			note_fail("snapshot command %u: %s", q[i].cmd,
				  r.answered ? strerror(r.err) : "no reply");
			ok = false;
		}
	}
	free(m);
	if (s->status.len < GENL_HDRLEN)
		return false;
	mnl_attr_for_each_payload((const void *)(s->status.p + GENL_HDRLEN),
				  s->status.len - GENL_HDRLEN) {
		a = attr;
		if (mnl_attr_get_type(a) == EPGATE_A_GENERATION)
			s->generation = mnl_attr_get_u64(a);
		if (mnl_attr_get_type(a) == EPGATE_A_NFLOWS)
			s->nflows = mnl_attr_get_u32(a);
		if (mnl_attr_get_type(a) == EPGATE_A_MODE)
			s->mode = mnl_attr_get_u8(a);
	}
	return ok;
}

static uint64_t generation(struct nl *n)
{
	struct snapshot s;
	uint64_t g;

	snap(n, &s);
	g = s.generation;
	snap_free(&s);
	return g;
}

/* ---- valid building blocks ---- */

static const char name_chars[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.";

static void valid_name(char *s, unsigned int maxlen)
{
	unsigned int i, n = 1 + rnd(maxlen);

	for (i = 0; i < n; i++)
		s[i] = name_chars[rnd(sizeof(name_chars) - 1)];
	if (s[0] == '.')
		s[0] = 'x';
	s[n] = '\0';
}

struct prefix {
	uint8_t family, len;
	uint8_t addr[16];
};

static void valid_prefix(struct prefix *p, uint8_t family)
{
	unsigned int alen = family == AF_INET ? 4 : 16, i;

	p->family = family;
	p->len = rnd(alen * 8 + 1);
	memset(p->addr, 0, sizeof(p->addr));
	rnd_bytes(p->addr, alen);
	for (i = 0; i < alen * 8; i++) {
		if (i >= p->len)
			p->addr[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	}
}

static void put_prefix(struct msg *m, uint16_t type, const struct prefix *p)
{
	size_t o = nest(m, type, true);

	a_u8(m, EPGATE_PREFIX_FAMILY, p->family);
	a_put(m, EPGATE_PREFIX_ADDR, p->addr, p->family == AF_INET ? 4 : 16);
	a_u8(m, EPGATE_PREFIX_LEN, p->len);
	a_end(m, o);
}

/* ---- the catalogue of defects ---- */

enum defect {
	/* headers */
	D_CMD_UNKNOWN, D_DUMP_ON_DOIT, D_DOIT_ON_DUMP, D_GENL_RESERVED,
	D_NL_FLAGS, D_SHORT_GENL, D_SHORT_NL, D_LONG_NL, D_TRUNC_ATTR,
	D_READ_WITH_ATTR,
	/* SET_CONFIG */
	C_EMPTY, C_MODE_RANGE, C_U8_LEN, C_HOOKS_RANGE, C_U32_LEN,
	C_MARK_HALF, C_MARK_BITS, C_IFACES_NOFLAG, C_IFACE_NOFLAG,
	C_IFACE_LONG, C_IFACE_EMPTY, C_IFACE_NONUL, C_IFACE_MANY,
	C_IFACE_BADATTR, C_IFACE_SHORT, C_LOG_FLAGS, C_LOG_GROUP_LEN,
	C_UNKNOWN, C_NOT_TAKEN, C_TYPE0, C_DUP_BAD, C_TRAILING,
	/* SET_FLOWS */
	F_NOFLAG, F_MISSING, F_PROTO_BAD, F_PROTO_LEN, F_PORTS_EMPTY,
	F_RANGE_NO_LO, F_RANGE_HI_LT_LO, F_PORT_U32, F_PORT_LEN, F_RANGES_65,
	F_PREFIX_FAMILY, F_PREFIX_MISSING, F_PREFIX_ADDRLEN,
	F_PREFIX_ADDR_LONG, F_PREFIX_LEN_BIG, F_PREFIX_HOSTBITS,
	F_PREFIX_MIXED, F_PREFIX_UNKNOWN, F_NAME_EMPTY, F_NAME_LONG,
	F_NAME_BADCHAR, F_NAME_NONUL, F_MODE_BAD, F_MODE_DISAGREE, F_DUP_FLOW,
	F_PROFILE_NONAME, F_PROFILE_DUP, F_PROFILE_UDATA_BIG,
	F_PROFILE_MODE_BAD, F_PROFILE_MODE_DISAGREE, F_PROFILE_BADNAME,
	F_PROFILES_65, F_RULES_17, F_XACT_BADFLAG, F_GEN_STALE, F_GEN_LEN,
	F_UNKNOWN, F_NOT_TAKEN, F_FLOW_UNKNOWN, F_FLOW_DUMP_ONLY, F_TYPE0,
	F_DUP_BAD, F_TRAILING, F_ENTRY_SHORT, F_EMPTY_ENTRY,
	/* SET_FLOWS, address sets */
	S_NOFLAG, S_NO_ID, S_ID_ZERO, S_ID_BIG, S_ID_LEN, S_NAME_LONG,
	S_NAME_NONUL, S_NAME_MISMATCH, S_UNKNOWN_ATTR, S_PREFIX_HOSTBITS,
	S_PREFIX_BAD, S_TRAILING, S_EMPTY, S_UNREFERENCED, S_UNKNOWN_SET,
	S_NO_SETS, S_FROM_BOTH, S_FLOW_ID_ZERO, S_FLOW_ID_BIG,
	D_MAX
};

static const char *const defect_name[D_MAX] = {
	[D_CMD_UNKNOWN] = "unknown command",
	[D_DUMP_ON_DOIT] = "NLM_F_DUMP on a do command",
	[D_DOIT_ON_DUMP] = "dump command without NLM_F_DUMP",
	[D_GENL_RESERVED] = "genlmsghdr.reserved non-zero",
	[D_NL_FLAGS] = "reserved nlmsg_flags bits",
	[D_SHORT_GENL] = "nlmsg_len shorter than the genl header",
	[D_SHORT_NL] = "nlmsg_len shorter than the netlink header",
	[D_LONG_NL] = "nlmsg_len beyond the datagram",
	[D_TRUNC_ATTR] = "nlmsg_len cuts the first attribute",
	[D_READ_WITH_ATTR] = "read/reset command with an attribute",
	[C_EMPTY] = "config: no attribute",
	[C_MODE_RANGE] = "config: mode out of range",
	[C_U8_LEN] = "config: mode of wrong length",
	[C_HOOKS_RANGE] = "config: hooks out of range",
	[C_U32_LEN] = "config: u32 of wrong length",
	[C_MARK_HALF] = "config: mark value without mask or mask without value",
	[C_MARK_BITS] = "config: mark value outside its mask",
	[C_IFACES_NOFLAG] = "config: interface list without NLA_F_NESTED",
	[C_IFACE_NOFLAG] = "config: interface entry without NLA_F_NESTED",
	[C_IFACE_LONG] = "config: interface name too long",
	[C_IFACE_EMPTY] = "config: interface entry without a name",
	[C_IFACE_NONUL] = "config: interface name without NUL",
	[C_IFACE_MANY] = "config: more than 8 interfaces",
	[C_IFACE_BADATTR] = "config: unknown attribute in an interface entry",
	[C_IFACE_SHORT] = "config: interface entry of 1-3 bytes",
	[C_LOG_FLAGS] = "config: unknown log flags",
	[C_LOG_GROUP_LEN] = "config: log group of wrong length",
	[C_UNKNOWN] = "config: unknown attribute type",
	[C_NOT_TAKEN] = "config: attribute of another command",
	[C_TYPE0] = "config: attribute type 0",
	[C_DUP_BAD] = "config: duplicate attribute, one copy invalid",
	[C_TRAILING] = "config: 1-3 trailing bytes",
	[F_NOFLAG] = "flows: a nest without NLA_F_NESTED",
	[F_MISSING] = "flows: flow without profile, name, proto or ports",
	[F_PROTO_BAD] = "flows: protocol not TCP or UDP",
	[F_PROTO_LEN] = "flows: protocol of wrong length",
	[F_PORTS_EMPTY] = "flows: empty port list",
	[F_RANGE_NO_LO] = "flows: range without LO",
	[F_RANGE_HI_LT_LO] = "flows: range with HI < LO",
	[F_PORT_U32] = "flows: port as u32 (e.g. 70000)",
	[F_PORT_LEN] = "flows: port of wrong length",
	[F_RANGES_65] = "flows: more than 64 ranges",
	[F_PREFIX_FAMILY] = "flows: prefix family not AF_INET/AF_INET6",
	[F_PREFIX_MISSING] = "flows: prefix without family, address or length",
	[F_PREFIX_ADDRLEN] = "flows: address length not that of the family",
	[F_PREFIX_ADDR_LONG] = "flows: address longer than 16 bytes",
	[F_PREFIX_LEN_BIG] = "flows: prefix length beyond the family (33, 129)",
	[F_PREFIX_HOSTBITS] = "flows: prefix with host bits",
	[F_PREFIX_MIXED] = "flows: IPv4 initiator, IPv6 responder",
	[F_PREFIX_UNKNOWN] = "flows: unknown attribute in a prefix",
	[F_NAME_EMPTY] = "flows: empty name",
	[F_NAME_LONG] = "flows: name of 32 bytes or more",
	[F_NAME_BADCHAR] = "flows: name with a forbidden character or leading dot",
	[F_NAME_NONUL] = "flows: name without NUL",
	[F_MODE_BAD] = "flows: profile mode not MONITOR/ENFORCE",
	[F_MODE_DISAGREE] = "flows: two flows of a profile disagree on its mode",
	[F_DUP_FLOW] = "flows: duplicate (profile, name)",
	[F_PROFILE_NONAME] = "profiles: profile without a name",
	[F_PROFILE_DUP] = "profiles: duplicate profile",
	[F_PROFILE_UDATA_BIG] = "profiles: user data over 512 bytes",
	[F_PROFILE_MODE_BAD] = "profiles: mode not MONITOR/ENFORCE",
	[F_PROFILE_MODE_DISAGREE] = "profiles: mode disagrees with its flows",
	[F_PROFILE_BADNAME] = "profiles: forbidden name",
	[F_PROFILES_65] = "flows: 65 profiles",
	[F_RULES_17] = "flows: 17 rules in one port class",
	[F_XACT_BADFLAG] = "flows: unknown transaction flag",
	[F_GEN_STALE] = "flows: valid set, stale generation",
	[F_GEN_LEN] = "flows: generation of wrong length",
	[F_UNKNOWN] = "flows: unknown attribute type",
	[F_NOT_TAKEN] = "flows: attribute of another command",
	[F_FLOW_UNKNOWN] = "flows: unknown attribute in a flow or range",
	[F_FLOW_DUMP_ONLY] = "flows: dump-only attribute in a flow or profile",
	[F_TYPE0] = "flows: attribute type 0",
	[F_DUP_BAD] = "flows: duplicate FLOWS, the first invalid",
	[F_TRAILING] = "flows: trailing bytes inside a flow",
	[F_ENTRY_SHORT] = "flows: array entry of 1-3 bytes",
	[F_EMPTY_ENTRY] = "flows: empty flow entry",
	[S_NOFLAG] = "sets: a nest without NLA_F_NESTED",
	[S_NO_ID] = "sets: set without an id",
	[S_ID_ZERO] = "sets: set id 0",
	[S_ID_BIG] = "sets: set id over EPGATE_MAX_SETS",
	[S_ID_LEN] = "sets: set id of wrong length",
	[S_NAME_LONG] = "sets: name of 32 bytes or more",
	[S_NAME_NONUL] = "sets: name without NUL",
	[S_NAME_MISMATCH] = "sets: one set given two names",
	[S_UNKNOWN_ATTR] = "sets: unknown attribute in a set",
	[S_PREFIX_HOSTBITS] = "sets: prefix with host bits",
	[S_PREFIX_BAD] = "sets: malformed prefix in a set",
	[S_TRAILING] = "sets: trailing bytes after the last set or prefix",
	[S_EMPTY] = "sets: set without a prefix",
	[S_UNREFERENCED] = "sets: set that no flow names",
	[S_UNKNOWN_SET] = "sets: flow names a set that does not exist",
	[S_NO_SETS] = "sets: flow names a set, no SETS at all",
	[S_FROM_BOTH] = "sets: FROM and FROM_SET (or TO and TO_SET) together",
	[S_FLOW_ID_ZERO] = "sets: flow names set 0",
	[S_FLOW_ID_BIG] = "sets: flow names a set over EPGATE_MAX_SETS",
};

static unsigned long defect_sent[D_MAX];

/*
 * SET_FLOWS with one defect.  A valid base set of 1-4 flows (names, ports,
 * bound or unbound roles, profile modes, maybe a PROFILES list) where the
 * flow `victim` carries the defect.
 */
struct setgen {
	enum defect d;
	unsigned int nflows, victim;
	bool profiles;
	int gen_delta;			/* != 0: send a GENERATION that far off */
	uint64_t gen;
};

static void put_range(struct msg *m, unsigned int i, uint16_t lo,
		      uint16_t hi, enum defect d)
{
	size_t o = nest(m, i + 1, d != F_NOFLAG);
	uint32_t big;

	switch (d) {
	case F_RANGE_NO_LO:
		a_u16(m, EPGATE_RANGE_HI, hi);
		break;
	case F_RANGE_HI_LT_LO:
		lo = 1 + rnd(65535);
		a_u16(m, EPGATE_RANGE_LO, lo);
		a_u16(m, EPGATE_RANGE_HI, rnd(lo));
		break;
	case F_PORT_U32:
		big = rnd(2) ? 70000 : rnd64();
		a_u32(m, rnd(2) ? EPGATE_RANGE_LO : EPGATE_RANGE_HI, big);
		if (rnd(2))
			a_u16(m, EPGATE_RANGE_LO, lo);
		break;
	case F_PORT_LEN: {
		static const uint8_t lens[] = { 0, 1, 3, 8 };
		uint8_t junk[8];

		rnd_bytes(junk, sizeof(junk));
		a_put(m, EPGATE_RANGE_LO, junk, lens[rnd(4)]);
		break;
	}
	case F_FLOW_UNKNOWN:
		a_u16(m, EPGATE_RANGE_LO, lo);
		a_u16(m, 3 + rnd(0x3ffc), hi);
		break;
	default:
		a_u16(m, EPGATE_RANGE_LO, lo);
		if (hi != lo || rnd(2))
			a_u16(m, EPGATE_RANGE_HI, hi);
	}
	a_end(m, o);
}

static void put_bad_prefix(struct msg *m, uint16_t type, enum defect d)
{
	size_t o = nest(m, type, true);
	uint8_t addr[32], fam = rnd(2) ? AF_INET : AF_INET6;
	unsigned int alen = fam == AF_INET ? 4 : 16;

	memset(addr, 0, sizeof(addr));
	switch (d) {
	case F_PREFIX_FAMILY: {
		static const uint8_t fams[] = { 0, 1, 3, 9, 99, 255 };

		a_u8(m, EPGATE_PREFIX_FAMILY, fams[rnd(ARRAY_SIZE(fams))]);
		a_put(m, EPGATE_PREFIX_ADDR, addr, rnd(2) ? 4 : 16);
		a_u8(m, EPGATE_PREFIX_LEN, 0);
		break;
	}
	case F_PREFIX_MISSING: {
		unsigned int skip = rnd(3);

		if (skip != 0)
			a_u8(m, EPGATE_PREFIX_FAMILY, fam);
		if (skip != 1)
			a_put(m, EPGATE_PREFIX_ADDR, addr, alen);
		if (skip != 2)
			a_u8(m, EPGATE_PREFIX_LEN, 0);
		break;
	}
	case F_PREFIX_ADDRLEN: {
		unsigned int l;

		do
			l = rnd(17);
		while (l == alen);
		a_u8(m, EPGATE_PREFIX_FAMILY, fam);
		a_put(m, EPGATE_PREFIX_ADDR, addr, l);
		a_u8(m, EPGATE_PREFIX_LEN, 0);
		break;
	}
	case F_PREFIX_ADDR_LONG:
		a_u8(m, EPGATE_PREFIX_FAMILY, fam);
		a_put(m, EPGATE_PREFIX_ADDR, addr, 17 + rnd(16));
		a_u8(m, EPGATE_PREFIX_LEN, 0);
		break;
	case F_PREFIX_LEN_BIG:
		a_u8(m, EPGATE_PREFIX_FAMILY, fam);
		a_put(m, EPGATE_PREFIX_ADDR, addr, alen);
		a_u8(m, EPGATE_PREFIX_LEN,
		     rnd(2) ? alen * 8 + 1 : alen * 8 + 1 + rnd(255 - alen * 8));
		break;
	case F_PREFIX_HOSTBITS: {
		unsigned int len = rnd(alen * 8), bit;

		bit = len + rnd(alen * 8 - len);
		rnd_bytes(addr, alen);
		addr[bit / 8] |= 0x80 >> (bit % 8);
		a_u8(m, EPGATE_PREFIX_FAMILY, fam);
		a_put(m, EPGATE_PREFIX_ADDR, addr, alen);
		a_u8(m, EPGATE_PREFIX_LEN, len);
		break;
	}
	case F_PREFIX_UNKNOWN:
		a_u8(m, EPGATE_PREFIX_FAMILY, fam);
		a_put(m, EPGATE_PREFIX_ADDR, addr, alen);
		a_u8(m, EPGATE_PREFIX_LEN, 0);
		a_u8(m, 4 + rnd(0x3ffb), 0);
		break;
	default:
		abort();
	}
	a_end(m, o);
}

static void put_bad_name(struct msg *m, uint16_t type, enum defect d)
{
	char s[80];
	unsigned int n, i;

	switch (d) {
	case F_NAME_EMPTY:
		a_str(m, type, "");
		break;
	case F_NAME_LONG:
		n = EPGATE_NAME_MAX + rnd(40);
		for (i = 0; i < n; i++)
			s[i] = 'a' + rnd(26);
		s[n] = '\0';
		a_str(m, type, s);
		break;
	case F_NAME_BADCHAR: {
		static const char bad[] = " /\\\n\t\x01:*?'\"\x7f\xa0\xbf";

		valid_name(s, 20);
		if (rnd(4) == 0) {
			s[0] = '.';
		} else {
			n = strlen(s);
			s[rnd(n)] = bad[rnd(sizeof(bad) - 1)];
		}
		a_str(m, type, s);
		break;
	}
	case F_NAME_NONUL:
		valid_name(s, 20);
		a_put(m, type, s, strlen(s));
		break;
	default:
		abort();
	}
}

static bool name_defect(enum defect d)
{
	return d == F_NAME_EMPTY || d == F_NAME_LONG || d == F_NAME_BADCHAR ||
	       d == F_NAME_NONUL;
}

static bool prefix_defect(enum defect d)
{
	return d >= F_PREFIX_FAMILY && d <= F_PREFIX_UNKNOWN;
}

/*
 * Profiles p0..p3 with modes; flows f0.. (unique), flow i in profile i % 4
 * (the victim of a "disagree" or "duplicate" defect in p0, with f0).
 */
static bool range_defect(enum defect d)
{
	return d == F_RANGE_NO_LO || d == F_RANGE_HI_LT_LO ||
	       d == F_PORT_U32 || d == F_PORT_LEN;
}

static void put_flow(struct msg *m, const struct setgen *g, unsigned int i,
		     const uint8_t *pmode, const char (*pname)[32])
{
	enum defect d = g->victim == i ? g->d : D_MAX;
	unsigned int p = i % 4, nr, r, vr;
	int noflag = d == F_NOFLAG ? (int)rnd(3) : -1;	/* entry, ports, range */
	int unknown = d == F_FLOW_UNKNOWN ? (int)rnd(2) : -1; /* flow, range */
	size_t o = nest(m, i + 1, noflag != 0), po;
	uint8_t fam = rnd(2) ? AF_INET : AF_INET6;
	char fname[32];
	struct prefix pre;
	unsigned int skip = d == F_MISSING ? rnd(4) : 99;
	int badname = name_defect(d) ? (int)rnd(2) : -1; /* profile, name */

	if (d == F_MODE_DISAGREE || d == F_DUP_FLOW)
		p = 0;
	snprintf(fname, sizeof(fname), "f%u", i);
	if (skip != 0) {
		if (badname == 0)
			put_bad_name(m, EPGATE_FLOW_PROFILE, d);
		else
			a_str(m, EPGATE_FLOW_PROFILE, pname[p]);
	}
	if (skip != 1) {
		if (badname == 1)
			put_bad_name(m, EPGATE_FLOW_NAME, d);
		else if (d == F_DUP_FLOW)
			a_str(m, EPGATE_FLOW_NAME, "f0");
		else
			a_str(m, EPGATE_FLOW_NAME, fname);
	}
	if (skip != 2) {
		if (d == F_PROTO_BAD) {
			uint8_t v;

			do
				v = rnd(256);
			while (v == IPPROTO_TCP || v == IPPROTO_UDP);
			a_u8(m, EPGATE_FLOW_PROTO, v);
		} else if (d == F_PROTO_LEN) {
			uint32_t v = IPPROTO_TCP;

			a_put(m, EPGATE_FLOW_PROTO, &v, rnd(2) ? 0 : 2 + rnd(3));
		} else {
			a_u8(m, EPGATE_FLOW_PROTO, rnd(2) ? IPPROTO_TCP : IPPROTO_UDP);
		}
	}
	if (skip != 3) {
		po = nest(m, EPGATE_FLOW_PORTS, noflag != 1);
		nr = d == F_PORTS_EMPTY ? 0 :
		     d == F_RANGES_65 ? EPGATE_MAX_RANGES + 1 + rnd(30) :
		     1 + rnd(3);
		vr = rnd(nr);
		for (r = 0; r < nr; r++) {
			uint16_t lo = rnd(65536), hi = lo + rnd(65536 - lo);
			enum defect rd = D_MAX;

			if (r == vr && range_defect(d))
				rd = d;
			if (r == vr && noflag == 2)
				rd = F_NOFLAG;
			if (r == vr && unknown == 1)
				rd = F_FLOW_UNKNOWN;
			put_range(m, r, lo, hi, rd);
		}
		a_end(m, po);
	}
	if (prefix_defect(d) && d != F_PREFIX_MIXED) {
		put_bad_prefix(m, rnd(2) ? EPGATE_FLOW_FROM : EPGATE_FLOW_TO, d);
	} else if (d == F_PREFIX_MIXED) {
		valid_prefix(&pre, AF_INET);
		put_prefix(m, EPGATE_FLOW_FROM, &pre);
		valid_prefix(&pre, AF_INET6);
		put_prefix(m, EPGATE_FLOW_TO, &pre);
	} else {
		if (rnd(2)) {
			valid_prefix(&pre, fam);
			put_prefix(m, EPGATE_FLOW_FROM, &pre);
		}
		if (rnd(2)) {
			valid_prefix(&pre, fam);
			put_prefix(m, EPGATE_FLOW_TO, &pre);
		}
	}
	if (d == F_MODE_BAD) {
		uint8_t v;

		do
			v = rnd(256);
		while (v == EPGATE_MODE_MONITOR || v == EPGATE_MODE_ENFORCE);
		a_u8(m, EPGATE_FLOW_PROFILE_MODE, v);
	} else if (d == F_MODE_DISAGREE || d == F_PROFILE_MODE_DISAGREE) {
		/* the other mode than the profile's */
		a_u8(m, EPGATE_FLOW_PROFILE_MODE,
		     pmode[p] == EPGATE_MODE_MONITOR ? EPGATE_MODE_ENFORCE :
						       EPGATE_MODE_MONITOR);
	} else if (pmode[p] == EPGATE_MODE_MONITOR || rnd(2)) {
		a_u8(m, EPGATE_FLOW_PROFILE_MODE, pmode[p]);
	}
	if (unknown == 0)
		a_u8(m, EPGATE_FLOW_MAX + 1 + rnd(0x3fff - EPGATE_FLOW_MAX), 1);
	if (d == F_FLOW_DUMP_ONLY) {
		static const uint16_t t[] = { EPGATE_FLOW_PACKETS,
			EPGATE_FLOW_BYTES, EPGATE_FLOW_PAD, EPGATE_FLOW_UNSPEC };

		a_u64(m, t[rnd(ARRAY_SIZE(t))], rnd64());
	}
	if (d == F_TRAILING) {
		uint8_t junk[3];

		rnd_bytes(junk, 3);
		memcpy(m_grow(m, 4), junk, 3);
		a_end(m, o);
		((struct nlattr *)(m->buf + o))->nla_len -= 4 - (1 + rnd(3));
		return;
	}
	a_end(m, o);
}

static void put_profile(struct msg *m, unsigned int i, const char *name,
			uint8_t mode, enum defect d)
{
	size_t o = nest(m, i + 1, !(d == F_NOFLAG));
	uint8_t ud[600];
	unsigned int n;

	if (d == F_PROFILE_BADNAME) {
		enum defect nd = F_NAME_EMPTY + rnd(4);

		put_bad_name(m, EPGATE_PROFILE_NAME, nd);
	} else if (d != F_PROFILE_NONAME) {
		a_str(m, EPGATE_PROFILE_NAME, name);
	}
	if (d == F_PROFILE_MODE_BAD) {
		uint8_t v;

		do
			v = rnd(256);
		while (v == EPGATE_MODE_MONITOR || v == EPGATE_MODE_ENFORCE);
		a_u8(m, EPGATE_PROFILE_MODE, v);
	} else if (d == F_PROFILE_MODE_DISAGREE || rnd(2)) {
		a_u8(m, EPGATE_PROFILE_MODE, mode);
	}
	n = d == F_PROFILE_UDATA_BIG ? EPGATE_USERDATA_MAX + 1 + rnd(80) :
	    rnd(3) ? 0 : rnd(EPGATE_USERDATA_MAX + 1);
	if (n || rnd(4) == 0) {
		rnd_bytes(ud, n);
		a_put(m, EPGATE_PROFILE_USERDATA, ud, n);
	}
	if (d == F_FLOW_DUMP_ONLY) {
		static const uint16_t t[] = { EPGATE_PROFILE_NFLOWS,
			EPGATE_PROFILE_PACKETS, EPGATE_PROFILE_BYTES,
			EPGATE_PROFILE_PAD, EPGATE_PROFILE_WOULD_DROP,
			EPGATE_PROFILE_DROPPED };
		uint16_t type = t[rnd(ARRAY_SIZE(t))];

		if (type == EPGATE_PROFILE_NFLOWS)
			a_u32(m, type, 1);
		else
			a_u64(m, type, rnd64());
	}
	a_end(m, o);
}

static bool profile_defect(enum defect d)
{
	return d == F_PROFILE_NONAME || d == F_PROFILE_DUP ||
	       d == F_PROFILE_UDATA_BIG || d == F_PROFILE_MODE_BAD ||
	       d == F_PROFILE_MODE_DISAGREE || d == F_PROFILE_BADNAME;
}

static void put_flows_attr(struct msg *m, const struct setgen *g,
			   const uint8_t *pmode, const char (*pname)[32])
{
	size_t o = nest(m, EPGATE_A_FLOWS,
			!(g->d == F_NOFLAG && g->victim == 99));
	unsigned int i;

	for (i = 0; i < g->nflows; i++) {
		if (g->d == F_EMPTY_ENTRY && i == g->victim)
			a_raw(m, NLA_HDRLEN, (i + 1) | (rnd(2) ? NLA_F_NESTED : 0),
			      NULL, 0);
		if (g->d == F_ENTRY_SHORT && i == g->victim) {
			uint8_t junk[3];
			unsigned int n = 1 + rnd(3);

			rnd_bytes(junk, n);
			a_raw(m, NLA_HDRLEN + n, i + 1, junk, n);
		}
		put_flow(m, g, i, pmode, pname);
	}
	a_end(m, o);
}

/* Build the SET_FLOWS message described by @g. */
static void build_set(struct msg *m, const struct setgen *g, bool more)
{
	char pname[4][32];
	uint8_t pmode[4];
	unsigned int i;

	for (i = 0; i < 4; i++) {
		snprintf(pname[i], sizeof(pname[i]), "nlfz%u", i);
		pmode[i] = rnd(2) ? EPGATE_MODE_MONITOR : EPGATE_MODE_ENFORCE;
	}
	m_init(m, EPGATE_CMD_SET_FLOWS, 0);
	if (more)
		a_u32(m, EPGATE_A_XACT_FLAGS, EPGATE_XACT_MORE);
	if (g->d == F_DUP_BAD) {
		/* a first FLOWS with a policy violation, then a valid one */
		struct setgen bad = *g;

		bad.d = F_PROTO_LEN;
		put_flows_attr(m, &bad, pmode, pname);
	}
	put_flows_attr(m, g, pmode, pname);
	if (g->profiles || profile_defect(g->d)) {
		size_t o = nest(m, EPGATE_A_PROFILES,
				!(g->d == F_NOFLAG && g->victim == 98));
		unsigned int np = g->nflows < 4 ? g->nflows : 4;
		unsigned int bad = g->d == F_PROFILE_MODE_DISAGREE ?
				   g->victim % 4 : rnd(np);

		for (i = 0; i < np; i++)
			put_profile(m, i, pname[i], pmode[i],
				    i == bad ? g->d : D_MAX);
		if (g->d == F_PROFILE_DUP)
			put_profile(m, np, pname[bad], pmode[bad], D_MAX);
		a_end(m, o);
	}
	if (g->gen_delta)
		a_u64(m, EPGATE_A_GENERATION, g->gen + g->gen_delta);
	if (g->d == F_GEN_LEN) {
		uint64_t v = g->gen;

		a_put(m, EPGATE_A_GENERATION, &v, rnd(2) ? 4 : rnd(8));
	}
	if (g->d == F_XACT_BADFLAG)
		a_u32(m, EPGATE_A_XACT_FLAGS,
		      (uint32_t)(rnd64() | 2) & ~(more ? 0 : 1u));
	if (g->d == F_UNKNOWN)
		a_u32(m, EPGATE_A_MAX + 1 + rnd(0x3fff - EPGATE_A_MAX), 0);
	if (g->d == F_NOT_TAKEN) {
		/* SET_CONFIG's settings are taken since `apply`. */
		static const uint16_t t[] = { EPGATE_A_VERSION,
			EPGATE_A_ABI_VERSION, EPGATE_A_TABLE_BYTES,
			EPGATE_A_NFLOWS, EPGATE_A_PAD, EPGATE_A_OFFLOAD_LAST,
			EPGATE_A_ROLLBACK_SECS, EPGATE_A_ROLLBACKS };

		a_u32(m, t[rnd(ARRAY_SIZE(t))], 0);
	}
	if (g->d == F_TYPE0)
		a_u32(m, 0, 0);
}

/* ---- address sets ---- */

/* A valid prefix of either family, the length 8..32 or 8..128. */
static void set_prefix(struct prefix *p)
{
	do
		valid_prefix(p, rnd(2) ? AF_INET : AF_INET6);
	while (p->len < 8);
}

/* A name that cannot pass for another: "s<id>" or "s<id>-x". */
static void set_name(char *s, size_t n, uint32_t id, bool other)
{
	snprintf(s, n, other ? "s%u-x" : "s%u", id);
}

/*
 * One entry of EPGATE_A_SETS: the set @id with 1-5 prefixes, maybe named;
 * @d, if a set defect, is in it.
 */
static void put_set(struct msg *m, unsigned int i, uint32_t id, enum defect d,
		    bool other_name)
{
	int noflag = d == S_NOFLAG ? (int)rnd(3) : -1;	/* entry, list, prefix */
	size_t o = nest(m, i + 1, noflag != 0), po;
	unsigned int k, np = 1 + rnd(5), victim = rnd(np);
	struct prefix p;
	char name[64];

	switch (d) {
	case S_NO_ID:
		break;
	case S_ID_ZERO:
		a_u32(m, EPGATE_SET_ID, 0);
		break;
	case S_ID_BIG:
		a_u32(m, EPGATE_SET_ID, EPGATE_MAX_SETS + 1 +
			  rnd(rnd(2) ? 10 : 0x7fffffff));
		break;
	case S_ID_LEN: {
		uint64_t v = id;

		a_put(m, EPGATE_SET_ID, &v, (unsigned int[]){ 0, 1, 2, 8 }[rnd(4)]);
		break;
	}
	default:
		a_u32(m, EPGATE_SET_ID, id);
	}
	if (d == S_NAME_LONG) {
		memset(name, 'n', sizeof(name));
		name[EPGATE_NAME_MAX + rnd(sizeof(name) - EPGATE_NAME_MAX)] = '\0';
		a_str(m, EPGATE_SET_NAME, name);
	} else if (d == S_NAME_NONUL) {
		set_name(name, sizeof(name), id, false);
		a_put(m, EPGATE_SET_NAME, name, strlen(name));
	} else if (other_name || d == S_NAME_MISMATCH || rnd(2)) {
		/* (the first entry of a mismatch is named, the second differs) */
		set_name(name, sizeof(name), id, other_name);
		a_str(m, EPGATE_SET_NAME, name);
	}
	if (d == S_UNKNOWN_ATTR)
		a_u8(m, EPGATE_SET_MAX + 1 + rnd(0x3fff - EPGATE_SET_MAX), 0);
	if (d == S_EMPTY && rnd(2)) {
		a_end(m, o);	/* no PREFIXES at all */
		return;
	}
	po = nest(m, EPGATE_SET_PREFIXES, noflag != 1);
	for (k = 0; d != S_EMPTY && k < np; k++) {
		if (k == victim && d == S_PREFIX_HOSTBITS) {
			put_bad_prefix(m, k + 1, F_PREFIX_HOSTBITS);
		} else if (k == victim && d == S_PREFIX_BAD) {
			static const enum defect pd[] = { F_PREFIX_FAMILY,
				F_PREFIX_MISSING, F_PREFIX_ADDRLEN,
				F_PREFIX_ADDR_LONG, F_PREFIX_LEN_BIG,
				F_PREFIX_UNKNOWN };

			put_bad_prefix(m, k + 1, pd[rnd(ARRAY_SIZE(pd))]);
		} else {
			size_t at = m->len;

			set_prefix(&p);
			put_prefix(m, k + 1, &p);
			if (k == victim && noflag == 2)
				((struct nlattr *)(m->buf + at))->nla_type &=
					~NLA_F_NESTED;
		}
	}
	if (d == S_TRAILING) {
		/* 1-3 bytes after the last prefix, inside the list */
		unsigned int l = 1 + rnd(3);

		m_grow(m, 4);
		a_end(m, po);
		((struct nlattr *)(m->buf + po))->nla_len -= 4 - l;
	} else {
		a_end(m, po);
	}
	a_end(m, o);
}

/*
 * SET_FLOWS with 1-3 address sets and flows whose roles name them (each
 * set named by a flow, a role bound to a set or to nothing), with one
 * set defect @d in a set or a flow.
 */
static void build_sets(struct msg *m, enum defect d, bool more)
{
	unsigned int nsets = 1 + rnd(3), nflows = nsets + rnd(2), i, k;
	unsigned int victim = rnd(nsets), fvictim = rnd(nflows);
	bool inner = rnd(2);	/* S_TRAILING: in a PREFIXES list */
	uint32_t ids[4], bad;
	size_t o, fo, po;
	struct prefix p;
	char s[32];

	for (i = 0; i < nsets; i++) {
		do {
			ids[i] = 1 + rnd(EPGATE_MAX_SETS);
			for (k = 0; k < i && ids[k] != ids[i]; k++)
				;
		} while (k < i);
	}
	m_init(m, EPGATE_CMD_SET_FLOWS, 0);
	if (more)
		a_u32(m, EPGATE_A_XACT_FLAGS, EPGATE_XACT_MORE);
	if (d != S_NO_SETS) {
		o = nest(m, EPGATE_A_SETS, !(d == S_NOFLAG && rnd(4) == 0));
		for (i = 0; i < nsets; i++)
			put_set(m, i, ids[i], i == victim &&
				(d != S_TRAILING || inner) ? d : D_MAX, false);
		/* the same set again, another name, in the same message */
		if (d == S_NAME_MISMATCH)
			put_set(m, nsets, ids[victim], D_MAX, true);
		if (d == S_UNREFERENCED) {
			do {
				bad = 1 + rnd(EPGATE_MAX_SETS);
				for (k = 0; k < nsets && ids[k] != bad; k++)
					;
			} while (k < nsets);
			put_set(m, nsets, bad, D_MAX, false);
		}
		if (d == S_TRAILING && !inner) {
			/* 1-3 bytes after the last set entry */
			unsigned int l = 1 + rnd(3);

			m_grow(m, 4);
			a_end(m, o);
			((struct nlattr *)(m->buf + o))->nla_len -= 4 - l;
		} else {
			a_end(m, o);
		}
	}

	o = nest(m, EPGATE_A_FLOWS, true);
	for (i = 0; i < nflows; i++) {
		uint32_t from = ids[i % nsets], to = 0;
		bool swap = rnd(2);

		if (rnd(2))
			to = ids[rnd(nsets)];
		if (i == fvictim) {
			if (d == S_UNKNOWN_SET) {
				do {
					bad = 1 + rnd(EPGATE_MAX_SETS);
					for (k = 0; k < nsets && ids[k] != bad; k++)
						;
				} while (k < nsets);
				to = bad;
			} else if (d == S_FLOW_ID_ZERO) {
				to = 0xffffffff;	/* sent as 0 below */
			} else if (d == S_FLOW_ID_BIG) {
				to = EPGATE_MAX_SETS + 1 + rnd(rnd(2) ? 10 : 0x7fffffff);
			}
		}
		fo = nest(m, i + 1, true);
		a_str(m, EPGATE_FLOW_PROFILE, "nlfzs");
		snprintf(s, sizeof(s), "s%u", i);
		a_str(m, EPGATE_FLOW_NAME, s);
		a_u8(m, EPGATE_FLOW_PROTO, rnd(2) ? IPPROTO_TCP : IPPROTO_UDP);
		po = nest(m, EPGATE_FLOW_PORTS, true);
		put_range(m, 0, 1000 + i, 1000 + i + rnd(100), D_MAX);
		a_end(m, po);
		/* FROM_SET/TO_SET in either role */
		a_u32(m, swap ? EPGATE_FLOW_TO_SET : EPGATE_FLOW_FROM_SET, from);
		if (to)
			a_u32(m, swap ? EPGATE_FLOW_FROM_SET : EPGATE_FLOW_TO_SET,
			      to == 0xffffffff ? 0 : to);
		if (i == fvictim && d == S_FROM_BOTH) {
			set_prefix(&p);
			put_prefix(m, swap ? EPGATE_FLOW_TO : EPGATE_FLOW_FROM, &p);
		}
		a_end(m, fo);
	}
	a_end(m, o);
}

/* 65 profiles or 17 rules on one port: one message, one flow each. */
static void build_limit(struct msg *m, enum defect d)
{
	unsigned int i, n = d == F_PROFILES_65 ? 65 + rnd(10) : 17 + rnd(8);
	uint16_t port = rnd(65536);
	size_t o, fo, po;
	char s[32];

	m_init(m, EPGATE_CMD_SET_FLOWS, 0);
	o = nest(m, EPGATE_A_FLOWS, true);
	for (i = 0; i < n; i++) {
		fo = nest(m, i + 1, true);
		snprintf(s, sizeof(s), d == F_PROFILES_65 ? "lp%u" : "lr", i);
		a_str(m, EPGATE_FLOW_PROFILE, s);
		snprintf(s, sizeof(s), "f%u", i);
		a_str(m, EPGATE_FLOW_NAME, s);
		a_u8(m, EPGATE_FLOW_PROTO, IPPROTO_TCP);
		po = nest(m, EPGATE_FLOW_PORTS, true);
		put_range(m, 0, port, port, D_MAX);
		a_end(m, po);
		if (d == F_RULES_17) {
			struct prefix p = { .family = AF_INET, .len = 24 };

			p.addr[0] = 10;
			p.addr[1] = 9;
			p.addr[2] = i;
			put_prefix(m, EPGATE_FLOW_TO, &p);
		}
		a_end(m, fo);
	}
	a_end(m, o);
}

static void config_base(struct msg *m, unsigned int *nattrs)
{
	/* Only attributes with valid values; the caller adds the defect. */
	unsigned int n = 0;

	if (rnd(2)) {
		a_u8(m, EPGATE_A_MODE, rnd(3));
		n++;
	}
	if (rnd(3) == 0) {
		a_u32(m, EPGATE_A_HOOKS, 1 + rnd(7));
		n++;
	}
	if (rnd(3) == 0) {
		uint32_t mask = rnd64();

		a_u32(m, EPGATE_A_MARK_VALUE, (uint32_t)rnd64() & mask);
		a_u32(m, EPGATE_A_MARK_MASK, mask);
		n += 2;
	}
	if (rnd(4) == 0) {
		a_u16(m, EPGATE_A_LOG_GROUP, rnd(65536));
		n++;
	}
	*nattrs = n;
}

static void put_ifaces(struct msg *m, enum defect d)
{
	uint16_t type = rnd(2) ? EPGATE_A_IFACES_IN : EPGATE_A_IFACES_OUT;
	size_t o = nest(m, type, d != C_IFACES_NOFLAG), e;
	unsigned int i, n = d == C_IFACE_MANY ? EPGATE_MAX_IFACES + 1 + rnd(8) :
			       1 + rnd(EPGATE_MAX_IFACES);
	unsigned int victim = rnd(n);
	char s[48];

	for (i = 0; i < n; i++) {
		bool here = i == victim;

		if (here && d == C_IFACE_SHORT) {
			uint8_t junk[3];
			unsigned int l = 1 + rnd(3);

			rnd_bytes(junk, l);
			a_raw(m, NLA_HDRLEN + l, i + 1, junk, l);
			continue;
		}
		e = nest(m, i + 1, !(here && d == C_IFACE_NOFLAG));
		snprintf(s, sizeof(s), "eth%u", rnd(100));
		if (here && d == C_IFACE_LONG) {
			unsigned int k, l = EPGATE_IFNAME_MAX + rnd(30);

			for (k = 0; k < l; k++)
				s[k] = 'a' + rnd(26);
			s[l] = '\0';
			a_str(m, EPGATE_IFACE_NAME, s);
		} else if (here && d == C_IFACE_EMPTY) {
			if (rnd(2))
				a_str(m, EPGATE_IFACE_NAME, "");
		} else if (here && d == C_IFACE_NONUL) {
			a_put(m, EPGATE_IFACE_NAME, s, strlen(s));
		} else {
			a_str(m, EPGATE_IFACE_NAME, s);
		}
		if (here && d == C_IFACE_BADATTR)
			a_u8(m, 2 + rnd(0x3ffd), 0);
		a_end(m, e);
	}
	a_end(m, o);
}

/* SET_CONFIG with one defect. */
static void build_config(struct msg *m, enum defect d)
{
	unsigned int n;
	uint8_t junk[8];

	m_init(m, EPGATE_CMD_SET_CONFIG, 0);
	if (d == C_EMPTY)
		return;
	config_base(m, &n);
	rnd_bytes(junk, sizeof(junk));
	switch (d) {
	case C_MODE_RANGE:
		a_u8(m, EPGATE_A_MODE, EPGATE_MODE_MAX + 1 +
		     rnd(255 - EPGATE_MODE_MAX));
		break;
	case C_U8_LEN: {
		static const uint8_t lens[] = { 0, 2, 3, 4, 8 };

		a_put(m, EPGATE_A_MODE, junk, lens[rnd(5)]);
		break;
	}
	case C_HOOKS_RANGE:
		a_u32(m, EPGATE_A_HOOKS,
		      rnd(3) ? 0 : EPGATE_HOOK_ALL + 1 + rnd(0xfffffff0));
		break;
	case C_U32_LEN: {
		static const uint16_t t[] = { EPGATE_A_HOOKS,
			EPGATE_A_MARK_VALUE, EPGATE_A_MARK_MASK,
			EPGATE_A_LOG_FLAGS };
		static const uint8_t lens[] = { 0, 1, 2, 3, 5, 8 };

		a_put(m, t[rnd(4)], junk, lens[rnd(6)]);
		break;
	}
	case C_MARK_HALF:
		a_u32(m, rnd(2) ? EPGATE_A_MARK_VALUE : EPGATE_A_MARK_MASK, 1);
		/* base may have put both: then the pair is complete */
		if (n >= 2)
			build_config(m, C_MARK_BITS);
		break;
	case C_MARK_BITS: {
		uint32_t mask = (uint32_t)rnd64() & ~1u, value;

		value = ((uint32_t)rnd64() & mask) | (~mask & -~mask);
		a_u32(m, EPGATE_A_MARK_VALUE, value);
		a_u32(m, EPGATE_A_MARK_MASK, mask);
		break;
	}
	case C_IFACES_NOFLAG: case C_IFACE_NOFLAG: case C_IFACE_LONG:
	case C_IFACE_EMPTY: case C_IFACE_NONUL: case C_IFACE_MANY:
	case C_IFACE_BADATTR: case C_IFACE_SHORT:
		put_ifaces(m, d);
		break;
	case C_LOG_FLAGS:
		a_u32(m, EPGATE_A_LOG_FLAGS,
		      ((uint32_t)rnd64() | 4u << rnd(29)) & ~0u);
		break;
	case C_LOG_GROUP_LEN:
		a_put(m, EPGATE_A_LOG_GROUP, junk, rnd(2) ? 4 : rnd(2));
		break;
	case C_UNKNOWN:
		a_u32(m, EPGATE_A_MAX + 1 + rnd(0x3fff - EPGATE_A_MAX), 0);
		break;
	case C_NOT_TAKEN: {
		static const uint16_t t[] = { EPGATE_A_VERSION,
			EPGATE_A_ABI_VERSION, EPGATE_A_GENERATION,
			EPGATE_A_TABLE_BYTES, EPGATE_A_NFLOWS,
			EPGATE_A_COUNTERS, EPGATE_A_FLOWS, EPGATE_A_FLOW,
			EPGATE_A_PAD, EPGATE_A_XACT_FLAGS, EPGATE_A_PROFILES,
			EPGATE_A_PROFILE };
		uint16_t type = t[rnd(ARRAY_SIZE(t))];

		if (type == EPGATE_A_COUNTERS || type == EPGATE_A_FLOWS ||
		    type == EPGATE_A_FLOW || type == EPGATE_A_PROFILES ||
		    type == EPGATE_A_PROFILE)
			a_end(m, nest(m, type, true));
		else if (type == EPGATE_A_VERSION)
			a_str(m, type, "0.1.0");
		else
			a_put(m, type, junk,
			      type == EPGATE_A_GENERATION ||
			      type == EPGATE_A_TABLE_BYTES ? 8 : 4);
		break;
	}
	case C_TYPE0:
		a_u8(m, 0 | (rnd(2) ? NLA_F_NESTED : 0), 0);
		break;
	case C_DUP_BAD:
		/* the valid copy first or last: every copy is validated */
		if (rnd(2)) {
			a_u8(m, EPGATE_A_MODE, 3 + rnd(253));
			a_u8(m, EPGATE_A_MODE, rnd(3));
		} else {
			a_u8(m, EPGATE_A_MODE, rnd(3));
			a_u8(m, EPGATE_A_MODE, 3 + rnd(253));
		}
		break;
	case C_TRAILING:
		if (!n)
			a_u8(m, EPGATE_A_MODE, rnd(3));
		m_grow(m, 1 + rnd(3));
		break;
	default:
		abort();
	}
}

/* ---- running cases ---- */

static unsigned long unexpected;	/* accepted, or no reply */

static void expect_refusal(const struct reply *r, const char *what,
			   unsigned long idx)
{
	if (!r->answered) {
		unexpected++;
		note_fail("case %lu (%s): no reply within 5 s", idx, what);
	} else if (!r->err) {
		unexpected++;
		note_fail("case %lu (%s): ACCEPTED", idx, what);
	}
}

/*
 * A message the netlink core drops without a reply: follow it with a
 * GET_STATUS and check that the first reply is the second's.
 */
static void send_ignored(struct nl *n, struct msg *m, unsigned long idx,
			 const char *what)
{
	struct msg *ping = malloc(sizeof(*ping));
	struct reply r = { 0 };
	uint32_t s1, s2;

	s1 = nl_send(n, m, true);
	st.sent++;
	m_init(ping, EPGATE_CMD_GET_STATUS, 0);
	s2 = nl_send(n, ping, false);
	(void)s1;
	if (!nl_wait(n, s2, &r, NULL, NULL) || r.err) {
		unexpected++;
		note_fail("case %lu (%s): the socket no longer answers", idx,
			  what);
	}
	st.ignored++;
	free(ping);
}

static bool build_only(enum defect d)
{
	/* found only by the table build, or only with the whole set, at commit */
	return d == F_PREFIX_HOSTBITS || d == F_PREFIX_MIXED ||
	       d == F_RULES_17 || d == F_GEN_STALE || d == S_EMPTY ||
	       d == S_UNREFERENCED || d == S_UNKNOWN_SET || d == S_NO_SETS;
}

static void one_case(struct nl *n, struct msg *m, unsigned long idx,
		     uint64_t gen)
{
	enum defect d = rnd(D_MAX);
	struct setgen g = { 0 };
	struct reply r;
	bool more = false;

	defect_sent[d]++;
	g.d = d;
	g.nflows = 1 + rnd(4);
	g.victim = rnd(g.nflows);
	g.profiles = rnd(3) == 0;
	g.gen = gen;
	if (d == F_MODE_DISAGREE || d == F_DUP_FLOW) {
		g.nflows = 2 + rnd(3);
		g.victim = 1 + rnd(g.nflows - 1);
	}

	switch (d) {
	case D_CMD_UNKNOWN:
		build_config(m, C_MODE_RANGE);
		m_genl(m)->cmd = rnd(2) ? 0 : EPGATE_CMD_MAX + 1 +
					     rnd(255 - EPGATE_CMD_MAX);
		break;
	case D_DUMP_ON_DOIT: {
		static const uint8_t c[] = { EPGATE_CMD_GET_STATUS,
			EPGATE_CMD_SET_CONFIG, EPGATE_CMD_SET_FLOWS,
			EPGATE_CMD_RESET_COUNTERS };

		/* a valid request otherwise */
		m_init(m, c[rnd(4)], NLM_F_DUMP);
		if (m_genl(m)->cmd == EPGATE_CMD_SET_CONFIG)
			a_u8(m, EPGATE_A_MODE, rnd(3));
		break;
	}
	case D_DOIT_ON_DUMP:
		m_init(m, (uint8_t[]){ EPGATE_CMD_GET_FLOWS,
			EPGATE_CMD_GET_PROFILES, EPGATE_CMD_GET_SETS }[rnd(3)], 0);
		break;
	case D_GENL_RESERVED:
	case D_NL_FLAGS:
		/*
		 * Otherwise valid, and harmless if the header were not
		 * checked: the current mode, a reset of zero counters, a set
		 * with a stale generation (ESTALE would show that the header
		 * went unchecked).  Only genetlink's EINVAL counts.
		 */
		if (rnd(2)) {
			m_init(m, EPGATE_CMD_SET_CONFIG, 0);
			a_u8(m, EPGATE_A_MODE, cur_mode);
		} else if (rnd(2)) {
			m_init(m, EPGATE_CMD_RESET_COUNTERS, 0);
		} else {
			g.d = D_MAX;
			g.gen_delta = 1;
			build_set(m, &g, false);
		}
		if (d == D_GENL_RESERVED)
			m_genl(m)->reserved = 1 + rnd(65535);
		else
			m_nlh(m)->nlmsg_flags |= 0x100 << rnd(4);
		r = talk(n, m);
		account(&r);
		expect_refusal(&r, defect_name[d], idx);
		if (r.answered && r.err && r.err != EINVAL) {
			unexpected++;
			note_fail("case %lu (%s): %s, not the header's EINVAL",
				  idx, defect_name[d], strerror(r.err));
		}
		return;
	case D_SHORT_GENL:
		build_config(m, C_MODE_RANGE);
		m_nlh(m)->nlmsg_len = NLMSG_HDRLEN + rnd(GENL_HDRLEN);
		m->len = NLMSG_HDRLEN + GENL_HDRLEN;
		r = (struct reply){ 0 };
		nl_wait(n, nl_send(n, m, true), &r, NULL, NULL);
		account(&r);
		expect_refusal(&r, defect_name[d], idx);
		return;
	case D_SHORT_NL:
	case D_LONG_NL:
		m_init(m, EPGATE_CMD_SET_CONFIG, 0);
		a_u8(m, EPGATE_A_MODE, rnd(3));
		m_nlh(m)->nlmsg_len = d == D_SHORT_NL ? rnd(NLMSG_HDRLEN) :
				      m->len + 1 + rnd(1000);
		send_ignored(n, m, idx, defect_name[d]);
		return;
	case D_TRUNC_ATTR: {
		/* a valid message cut in the middle of its first attribute */
		const struct nlattr *a;

		if (rnd(2)) {
			m_init(m, EPGATE_CMD_SET_CONFIG, 0);
			a_u32(m, EPGATE_A_HOOKS, 1);
		} else {
			g.d = D_MAX;
			build_set(m, &g, false);
		}
		a = (const struct nlattr *)(m->buf + NLMSG_HDRLEN + GENL_HDRLEN);
		m_nlh(m)->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + 1 +
				      rnd(a->nla_len - 1);
		m->len = m_nlh(m)->nlmsg_len;
		r = (struct reply){ 0 };
		nl_wait(n, nl_send(n, m, true), &r, NULL, NULL);
		account(&r);
		expect_refusal(&r, defect_name[d], idx);
		return;
	}
	case D_READ_WITH_ATTR: {
		static const uint8_t c[] = { EPGATE_CMD_GET_STATUS,
			EPGATE_CMD_GET_FLOWS, EPGATE_CMD_GET_PROFILES,
			EPGATE_CMD_RESET_COUNTERS, EPGATE_CMD_GET_SETS };
		uint8_t cmd = c[rnd(ARRAY_SIZE(c))];

		m_init(m, cmd, cmd == EPGATE_CMD_GET_FLOWS ||
			       cmd == EPGATE_CMD_GET_PROFILES ||
			       cmd == EPGATE_CMD_GET_SETS ? NLM_F_DUMP : 0);
		a_u32(m, rnd(EPGATE_A_MAX + 2), 0);
		break;
	}
	case C_EMPTY ... C_TRAILING:
		build_config(m, d);
		break;
	case F_PROFILES_65:
	case F_RULES_17:
		build_limit(m, d);
		break;
	case S_NOFLAG ... S_FLOW_ID_BIG:
		more = !build_only(d) && rnd(2);
		build_sets(m, d, more);
		break;
	case F_GEN_STALE:
		g.gen_delta = rnd(2) ? 1 : rnd(3) ? -1 : (int)(rnd64() | 2);
		if (g.gen == 0 && g.gen_delta == -1)
			g.gen_delta = 1;
		g.d = D_MAX;
		build_set(m, &g, false);
		break;
	case F_NOFLAG:
		/* which nest: the list (99), profiles (98) or a flow's */
		g.victim = rnd(3) ? g.victim : rnd(2) ? 99 : 98;
		if (g.victim == 98)
			g.profiles = true;
		/* fall through */
	default:
		more = !build_only(d) && rnd(2);
		build_set(m, &g, more);
		break;
	}
	r = talk(n, m);
	account(&r);
	expect_refusal(&r, defect_name[d], idx);
	if (r.answered && !r.err && more) {
		/* staged by mistake: close to discard */
		nl_close(n);
		nl_open(n);
	}
}

/* ---- random messages, invalid by construction ---- */

static void random_chain(struct msg *m, unsigned int depth, size_t budget)
{
	size_t end = m->len + budget;

	while (m->len + 8 < end && rnd(6)) {
		uint16_t type = rnd(4) ? rnd(24) : rnd(65536);
		unsigned int k = rnd(10);

		if (k < 3 && depth < 4) {
			size_t o = nest(m, type & 0x3fff, rnd(5));

			random_chain(m, depth + 1, (end - m->len) / 2);
			a_end(m, o);
		} else {
			static const uint8_t lens[] = { 0, 1, 2, 4, 8, 16, 3, 5 };
			uint8_t data[64];
			unsigned int l = k < 8 ? lens[rnd(8)] : rnd(sizeof(data));

			rnd_bytes(data, l);
			if (rnd(3) == 0 && l)
				data[l - 1] = '\0';
			a_put(m, type, data, l);
		}
	}
}

static void random_case(struct nl *n, struct msg *m, unsigned long idx)
{
	uint8_t cmd = rnd(EPGATE_CMD_MAX + 2);
	struct reply r;
	bool dump = (cmd == EPGATE_CMD_GET_FLOWS ||
		     cmd == EPGATE_CMD_GET_PROFILES ||
		     cmd == EPGATE_CMD_GET_SETS) && rnd(4);

	m_init(m, cmd, dump ? NLM_F_DUMP : 0);
	if (rnd(2)) {
		/* random bytes, never empty */
		size_t l = 1 + rnd(rnd(8) ? 64 : 1024);

		rnd_bytes(m_grow(m, l), l);
	} else {
		/* well-formed random attributes closed by an unknown one */
		random_chain(m, 0, 1 + rnd(rnd(4) ? 256 : 8192));
		a_u32(m, 0x3fff, 0);
	}
	r = talk(n, m);
	account(&r);
	expect_refusal(&r, "random", idx);
	if (r.answered && !r.err) {
		nl_close(n);
		nl_open(n);
	}
}

/* ---- transactions ---- */

static struct reply set_more(struct nl *n, struct msg *m, bool more,
			     int gen_delta, uint64_t gen)
{
	struct setgen g = { .d = D_MAX, .nflows = 1 + rnd(4), .gen = gen,
			    .gen_delta = gen_delta };
	struct reply r;

	build_set(m, &g, more);
	r = talk(n, m);
	account(&r);
	return r;
}

#define EXPECT(cond, ...) do {						\
	if (!(cond)) {							\
		note_fail(__VA_ARGS__);					\
		ok = false;						\
	}								\
} while (0)

static bool test_transactions(struct nl *a, struct msg *m)
{
	struct reply r;
	struct nl b, c;
	uint64_t gen = generation(a);
	bool ok = true;
	pid_t pid;
	int status;

	nl_open(&b);

	/* A stages; B's valid commit, valid stage, stale commit: EBUSY. */
	r = set_more(a, m, true, 0, gen);
	EXPECT(r.answered && !r.err, "A's first part: %s", strerror(r.err));
	r = set_more(&b, m, false, 0, gen);
	EXPECT(r.err == EBUSY, "B's commit during A's transaction: %s",
	       strerror(r.err));
	r = set_more(&b, m, true, 0, gen);
	EXPECT(r.err == EBUSY, "B's part during A's transaction: %s",
	       strerror(r.err));
	r = set_more(&b, m, false, 1, gen);
	EXPECT(r.err == EBUSY, "B's stale commit during A's transaction: %s",
	       strerror(r.err));
	/* A policy error of A's does not reach epgate: A's stays open. */
	build_config(m, C_MODE_RANGE);
	m_genl(m)->cmd = EPGATE_CMD_SET_FLOWS;
	r = talk(a, m);
	account(&r);
	r = set_more(&b, m, true, 0, gen);
	EXPECT(r.err == EBUSY, "B after A's policy error: %s", strerror(r.err));
	/* A's semantic error discards A's transaction. */
	{
		struct setgen g = { .d = F_DUP_FLOW, .nflows = 2, .victim = 1,
				    .gen = gen };

		build_set(m, &g, true);
		r = talk(a, m);
		account(&r);
		EXPECT(r.err == EINVAL, "A's duplicate flow: %s", strerror(r.err));
	}
	r = set_more(&b, m, false, 1, gen);
	EXPECT(r.err == ESTALE, "B's stale commit after A's error: %s (want ESTALE)",
	       strerror(r.err));

	/* A stages again and closes its socket: B may write. */
	r = set_more(a, m, true, 0, gen);
	EXPECT(!r.err, "A's part: %s", strerror(r.err));
	r = set_more(a, m, true, 0, gen);
	EXPECT(!r.err, "A's second part: %s", strerror(r.err));
	nl_close(a);
	r = set_more(&b, m, false, 1, gen);
	EXPECT(r.err == ESTALE, "B after A closed mid-transaction: %s (want ESTALE)",
	       strerror(r.err));
	r = set_more(&b, m, true, 0, gen);
	EXPECT(!r.err, "B stages after A closed: %s", strerror(r.err));
	/* B's stale commit ends B's own transaction. */
	r = set_more(&b, m, false, 1 + (int)rnd(3), gen);
	EXPECT(r.err == ESTALE, "B's stale commit: %s", strerror(r.err));
	nl_open(a);
	r = set_more(a, m, false, 1, gen);
	EXPECT(r.err == ESTALE, "A after B's stale commit: %s (want ESTALE)",
	       strerror(r.err));

	/* A process killed mid-transaction blocks nobody. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		nl_open(&c);
		r = set_more(&c, m, true, 0, gen);
		if (r.err)
			_exit(2);
		raise(SIGKILL);
		_exit(3);
	}
	waitpid(pid, &status, 0);
	EXPECT(WIFSIGNALED(status), "child did not stage (status %d)", status);
	r = set_more(&b, m, false, 1, gen);
	EXPECT(r.err == ESTALE, "B after a killed writer: %s (want ESTALE)",
	       strerror(r.err));

	/* ESTALE inside a transaction: at the first part and at the commit. */
	r = set_more(a, m, true, 1, gen);
	EXPECT(r.err == ESTALE, "stale first part: %s", strerror(r.err));
	r = set_more(a, m, true, 0, gen);
	EXPECT(!r.err, "part: %s", strerror(r.err));
	r = set_more(a, m, false, 1 + rnd(100), gen);
	EXPECT(r.err == ESTALE, "stale commit: %s", strerror(r.err));
	r = set_more(&b, m, false, 1, gen);
	EXPECT(r.err == ESTALE, "after a stale commit: %s (want ESTALE)",
	       strerror(r.err));
	nl_close(&b);
	return ok;
}

/*
 * SET_CONFIG's settings on SET_FLOWS: only on the commit, and a commit
 * whose settings are refused commits nothing (the final snapshot checks
 * that the flows are as they were).
 */
static bool test_combined(struct nl *a, struct msg *m)
{
	struct setgen g = { .d = D_MAX, .nflows = 2 };
	uint64_t gen = generation(a);
	struct reply r;
	bool ok = true;

	build_set(m, &g, true);
	a_u8(m, EPGATE_A_MODE, cur_mode);
	r = talk(a, m);
	account(&r);
	EXPECT(r.err == EINVAL, "mode on a part with MORE: %s (want EINVAL)",
	       strerror(r.err));
	build_set(m, &g, true);
	a_u32(m, EPGATE_A_CONFIRM_SECS, 60);
	r = talk(a, m);
	account(&r);
	EXPECT(r.err == EINVAL, "confirm on a part with MORE: %s (want EINVAL)",
	       strerror(r.err));

	/* Valid flows, a mode, and a mark value without its mask. */
	build_set(m, &g, false);
	a_u8(m, EPGATE_A_MODE, cur_mode);
	a_u32(m, EPGATE_A_MARK_VALUE, 1);
	r = talk(a, m);
	account(&r);
	EXPECT(r.err == EINVAL, "commit with a mark value alone: %s (want EINVAL)",
	       strerror(r.err));
	/* Valid flows, a mark value outside its mask. */
	build_set(m, &g, false);
	a_u32(m, EPGATE_A_HOOKS, 1);
	a_u32(m, EPGATE_A_MARK_VALUE, 3);
	a_u32(m, EPGATE_A_MARK_MASK, 1);
	r = talk(a, m);
	account(&r);
	EXPECT(r.err == EINVAL, "commit with mark bits outside the mask: %s (want EINVAL)",
	       strerror(r.err));
	/* An interface entry without a name. */
	build_set(m, &g, false);
	{
		size_t l = nest(m, EPGATE_A_IFACES_IN, true);
		size_t e = nest(m, 1, true);

		a_end(m, e);
		a_end(m, l);
	}
	r = talk(a, m);
	account(&r);
	EXPECT(r.err == EINVAL, "commit with a nameless interface: %s (want EINVAL)",
	       strerror(r.err));
	EXPECT(generation(a) == gen, "generation moved: %llu -> %llu",
	       (unsigned long long)gen, (unsigned long long)generation(a));
	return ok;
}

/* A minimal valid flow: about 48 bytes. */
static void tiny_flow(struct msg *m, unsigned int i, unsigned int id)
{
	size_t fo = nest(m, i + 1, true), po, ro;
	char s[32];

	a_str(m, EPGATE_FLOW_PROFILE, "big");
	snprintf(s, sizeof(s), "f%u", id);
	a_str(m, EPGATE_FLOW_NAME, s);
	a_u8(m, EPGATE_FLOW_PROTO, IPPROTO_UDP);
	po = nest(m, EPGATE_FLOW_PORTS, true);
	ro = nest(m, 1, true);
	a_u16(m, EPGATE_RANGE_LO, 1000 + id % 60000);
	a_end(m, ro);
	a_end(m, po);
	a_end(m, fo);
}

static struct reply tiny_part(struct nl *n, struct msg *m, unsigned int first,
			      unsigned int count, bool more)
{
	struct reply r;
	unsigned int i;
	size_t o;

	m_init(m, EPGATE_CMD_SET_FLOWS, 0);
	if (more)
		a_u32(m, EPGATE_A_XACT_FLAGS, EPGATE_XACT_MORE);
	o = nest(m, EPGATE_A_FLOWS, true);
	for (i = 0; i < count; i++)
		tiny_flow(m, i, first + i);
	a_end(m, o);
	if (m->len - o > 65535)
		die("part of %u flows does not fit an attribute", count);
	r = talk(n, m);
	account(&r);
	return r;
}

#define TINY_PART	1365	/* tiny flows in one EPGATE_A_FLOWS */

static bool test_limits(struct nl *n, struct msg *m)
{
	unsigned int i, part, nparts;
	struct reply r;
	bool ok = true;
	size_t o;

	/*
	 * EPGATE_MAX_FLOWS + 1 flows in parts of 1365 (what fits one
	 * attribute): refused at the last part, the one that goes over.
	 */
	nparts = EPGATE_MAX_FLOWS / TINY_PART;
	for (part = 0; part < nparts && ok; part++) {
		r = tiny_part(n, m, part * TINY_PART, TINY_PART, true);
		EXPECT(!r.err, "%u flows, part %u: %s", EPGATE_MAX_FLOWS + 1,
		       part + 1, strerror(r.err));
	}
	r = tiny_part(n, m, nparts * TINY_PART,
		      EPGATE_MAX_FLOWS + 1 - nparts * TINY_PART, rnd(2));
	EXPECT(r.err == E2BIG, "%u flows, part %u: %s (want E2BIG)",
	       EPGATE_MAX_FLOWS + 1, nparts + 1, strerror(r.err));

	/* 256 parts staged, the 257th refused. */
	for (part = 0; part < 256 && ok; part++) {
		r = tiny_part(n, m, part, 1, true);
		EXPECT(!r.err, "part %u of 257: %s", part + 1, strerror(r.err));
	}
	r = tiny_part(n, m, 256, 1, true);
	EXPECT(r.err == E2BIG, "part 257: %s (want E2BIG)", strerror(r.err));

	/* More than 4 MiB staged: 64 profiles with 512 bytes each a part. */
	for (part = 0; part < 200; part++) {
		uint8_t ud[EPGATE_USERDATA_MAX];
		char s[16];

		memset(ud, 'u', sizeof(ud));
		m_init(m, EPGATE_CMD_SET_FLOWS, 0);
		a_u32(m, EPGATE_A_XACT_FLAGS, EPGATE_XACT_MORE);
		o = nest(m, EPGATE_A_PROFILES, true);
		for (i = 0; i < EPGATE_MAX_PROFILES; i++) {
			size_t po = nest(m, i + 1, true);

			snprintf(s, sizeof(s), "q%u", i);
			a_str(m, EPGATE_PROFILE_NAME, s);
			a_put(m, EPGATE_PROFILE_USERDATA, ud, sizeof(ud));
			a_end(m, po);
		}
		a_end(m, o);
		r = talk(n, m);
		account(&r);
		if (r.err)
			break;
	}
	printf("# 4 MiB staging limit: refused at part %u (%s)\n", part + 1,
	       strerror(r.err));
	EXPECT(r.err == E2BIG && part > 100 && part < 140,
	       "4 MiB staged: part %u: %s (want E2BIG near part 125)",
	       part + 1, strerror(r.err));
	return ok;
}

/* ---- address sets: limits, and end to end in a scratch namespace ---- */

/* One EPGATE_A_SETS entry: set @id, its name if any, prefixes p[0..n). */
static void put_set_entry(struct msg *m, unsigned int i, uint32_t id,
			  const char *name, const struct prefix *p,
			  unsigned int n)
{
	size_t o = nest(m, i + 1, true), po;
	unsigned int k;

	a_u32(m, EPGATE_SET_ID, id);
	if (name)
		a_str(m, EPGATE_SET_NAME, name);
	po = nest(m, EPGATE_SET_PREFIXES, true);
	for (k = 0; k < n; k++)
		put_prefix(m, k + 1, &p[k]);
	a_end(m, po);
	a_end(m, o);
}

/* One flow of profile "sets" whose roles name sets (0: unbound). */
static void put_set_flow(struct msg *m, unsigned int i, const char *name,
			 uint32_t from_set, uint32_t to_set)
{
	size_t fo = nest(m, i + 1, true), po;

	a_str(m, EPGATE_FLOW_PROFILE, "sets");
	a_str(m, EPGATE_FLOW_NAME, name);
	a_u8(m, EPGATE_FLOW_PROTO, IPPROTO_TCP);
	po = nest(m, EPGATE_FLOW_PORTS, true);
	put_range(m, 0, 2000 + i, 2000 + i, D_MAX);
	a_end(m, po);
	if (from_set)
		a_u32(m, EPGATE_FLOW_FROM_SET, from_set);
	if (to_set)
		a_u32(m, EPGATE_FLOW_TO_SET, to_set);
	a_end(m, fo);
}

#define LIMIT_PART	2000	/* IPv4 prefixes of 28 bytes in one attribute */

/* Prefix k of a large set: 10.0.0.0/32 on, one address each. */
static void nth_v4(struct prefix *p, unsigned int k)
{
	p->family = AF_INET;
	p->len = 32;
	memset(p->addr, 0, sizeof(p->addr));
	p->addr[0] = 10;
	p->addr[1] = k >> 16;
	p->addr[2] = k >> 8;
	p->addr[3] = k;
}

/*
 * @total prefixes of set 1 over parts of LIMIT_PART, then @extra of set 2
 * (0: none) in the last part, which holds the flow and commits unless
 * @more_last.  The reply to the last part.
 */
static struct reply send_big_sets(struct nl *n, struct msg *m,
				  unsigned int total, unsigned int extra,
				  bool more_last, bool *staged_ok)
{
	static struct prefix p[LIMIT_PART];
	unsigned int done = 0, k, cnt;
	struct reply r = { 0 };
	size_t o;
	bool last;

	*staged_ok = true;
	do {
		cnt = total - done < LIMIT_PART ? total - done : LIMIT_PART;
		last = done + cnt == total;
		for (k = 0; k < cnt; k++)
			nth_v4(&p[k], done + k);
		m_init(m, EPGATE_CMD_SET_FLOWS, 0);
		if (!last || more_last)
			a_u32(m, EPGATE_A_XACT_FLAGS, EPGATE_XACT_MORE);
		o = nest(m, EPGATE_A_SETS, true);
		put_set_entry(m, 0, 1, NULL, p, cnt);
		if (last && extra) {
			for (k = 0; k < extra; k++)
				nth_v4(&p[k], 0x800000 + k);
			put_set_entry(m, 1, 2, NULL, p, extra);
		}
		a_end(m, o);
		if (last) {
			o = nest(m, EPGATE_A_FLOWS, true);
			put_set_flow(m, 0, "big", 1, extra ? 2 : 0);
			a_end(m, o);
		}
		r = talk(n, m);
		account(&r);
		if (!last && r.err) {
			note_fail("%u prefixes: part at %u: %s", total + extra,
				  done, strerror(r.err));
			*staged_ok = false;
			return r;
		}
		done += cnt;
	} while (!last);
	return r;
}

static bool test_set_limits(struct nl *n, struct msg *m)
{
	unsigned int max = EPGATE_MAX_PREFIXES;
	struct reply r;
	bool ok = true, staged;

	/* One set over the limit: refused at the part that goes over... */
	r = send_big_sets(n, m, max + 1, 0, true, &staged);
	EXPECT(staged && r.err == E2BIG, "%u prefixes staged: %s (want E2BIG)",
	       max + 1, strerror(r.err));
	printf("# %u prefixes, the part that goes over: %s \"%s\"\n", max + 1,
	       strerror(r.err), r.ext);
	/* ... or at the commit that does. */
	r = send_big_sets(n, m, max + 1, 0, false, &staged);
	EXPECT(staged && r.err == E2BIG, "%u prefixes, one set, commit: %s (want E2BIG)",
	       max + 1, strerror(r.err));
	printf("# %u prefixes in one set, at the commit: %s \"%s\"\n", max + 1,
	       strerror(r.err), r.ext);
	/* Two sets that only together are over it. */
	r = send_big_sets(n, m, max - 100, 101, false, &staged);
	EXPECT(staged && r.err == E2BIG, "%u + 101 prefixes, two sets, commit: %s (want E2BIG)",
	       max - 100, strerror(r.err));
	printf("# %u + 101 prefixes in two sets, at the commit: %s \"%s\"\n",
	       max - 100, strerror(r.err), r.ext);
	return ok;
}

#define XSET_MAX 700

struct xset {
	uint32_t id;
	char name[EPGATE_NAME_MAX];	/* "": none */
	unsigned int n;
	struct prefix p[XSET_MAX];
};

/* What a GET_SETS dump gave back. */
struct sets_dump {
	unsigned int nsets, msgs, most, total;
	char why[200];
	struct xset s[4];
	uint32_t last_id;
};

#define DUMP_BAD(d, ...) do {						\
	if (!(d)->why[0])						\
		snprintf((d)->why, sizeof((d)->why), __VA_ARGS__);	\
} while (0)

static void sets_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct sets_dump *d = arg;
	const struct nlattr *attr, *a, *pa, *list;
	unsigned int cnt, k;
	const char *name;
	struct xset *x;
	uint32_t id;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		DUMP_BAD(d, "NLM_F_DUMP_INTR in a dump of a still set");
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != EPGATE_A_SET) {
			DUMP_BAD(d, "attribute %u in a GET_SETS message",
				 mnl_attr_get_type(attr));
			continue;
		}
		id = 0;
		name = NULL;
		list = NULL;
		mnl_attr_for_each_nested(a, attr) {
			switch (mnl_attr_get_type(a)) {
			case EPGATE_SET_ID:
				id = mnl_attr_get_u32(a);
				break;
			case EPGATE_SET_NAME:
				name = mnl_attr_get_str(a);
				break;
			case EPGATE_SET_PREFIXES:
				list = a;
				break;
			default:
				DUMP_BAD(d, "set attribute %u", mnl_attr_get_type(a));
			}
		}
		d->msgs++;
		if (!id || !list) {
			DUMP_BAD(d, "a set message without id or prefixes");
			continue;
		}
		/* A set's messages are consecutive, sets by increasing id. */
		if (id != d->last_id) {
			if (id < d->last_id)
				DUMP_BAD(d, "set %u after set %u", id, d->last_id);
			if (d->nsets == ARRAY_SIZE(d->s)) {
				d->total++;
				continue;
			}
			x = &d->s[d->nsets++];
			memset(x, 0, sizeof(*x));
			x->id = id;
			snprintf(x->name, sizeof(x->name), "%s", name ?: "");
			d->last_id = id;
		} else {
			x = &d->s[d->nsets - 1];
			if (strcmp(x->name, name ?: ""))
				DUMP_BAD(d, "set %u: the name changes between messages", id);
		}
		cnt = 0;
		mnl_attr_for_each_nested(pa, list) {
			struct prefix p = { 0 };
			const struct nlattr *b;

			cnt++;
			d->total++;
			mnl_attr_for_each_nested(b, pa) {
				switch (mnl_attr_get_type(b)) {
				case EPGATE_PREFIX_FAMILY:
					p.family = mnl_attr_get_u8(b);
					break;
				case EPGATE_PREFIX_ADDR:
					k = mnl_attr_get_payload_len(b);
					memcpy(p.addr, mnl_attr_get_payload(b),
					       k > 16 ? 16 : k);
					break;
				case EPGATE_PREFIX_LEN:
					p.len = mnl_attr_get_u8(b);
					break;
				}
			}
			if (x->n < XSET_MAX)
				x->p[x->n] = p;
			x->n++;
		}
		if (cnt > d->most)
			d->most = cnt;
		if (cnt > EPGATE_SET_DUMP_PREFIXES)
			DUMP_BAD(d, "%u prefixes in one message", cnt);
		if (!cnt)
			DUMP_BAD(d, "set %u: a message without prefixes", id);
	}
}

static bool dump_sets(struct nl *n, struct msg *m, struct sets_dump *d)
{
	struct reply r = { 0 };

	memset(d, 0, sizeof(*d));
	m_init(m, EPGATE_CMD_GET_SETS, NLM_F_DUMP);
	if (!nl_wait(n, nl_send(n, m, false), &r, sets_cb, d) || r.err) {
		DUMP_BAD(d, "GET_SETS: %s", r.answered ? strerror(r.err) :
							  "no reply");
		return false;
	}
	return !d->why[0];
}

/* The dump is exactly @want (sorted by id). */
static bool sets_match(const struct sets_dump *d, const struct xset *want,
		       unsigned int nwant, char *why, size_t len)
{
	unsigned int i, k;

	if (d->nsets != nwant) {
		snprintf(why, len, "%u sets dumped, %u set", d->nsets, nwant);
		return false;
	}
	for (i = 0; i < nwant; i++) {
		const struct xset *a = &d->s[i], *b = &want[i];

		if (a->id != b->id || strcmp(a->name, b->name) || a->n != b->n) {
			snprintf(why, len, "set %u \"%s\" of %u prefixes dumped, set %u \"%s\" of %u set",
				 a->id, a->name, a->n, b->id, b->name, b->n);
			return false;
		}
		for (k = 0; k < b->n; k++) {
			if (a->p[k].family != b->p[k].family ||
			    a->p[k].len != b->p[k].len ||
			    memcmp(a->p[k].addr, b->p[k].addr, 16)) {
				snprintf(why, len, "set %u: prefix %u differs",
					 b->id, k);
				return false;
			}
		}
	}
	return true;
}

/* The set roles of the flows "sets/<name>" in GET_FLOWS. */
struct role_dump {
	unsigned int n;
	struct {
		char name[EPGATE_NAME_MAX];
		uint32_t from_set, to_set;
		bool prefix;		/* FROM or TO too */
	} f[8];
};

static void roles_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct role_dump *d = arg;
	const struct nlattr *attr, *a;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != EPGATE_A_FLOW ||
		    d->n == ARRAY_SIZE(d->f))
			continue;
		memset(&d->f[d->n], 0, sizeof(d->f[0]));
		mnl_attr_for_each_nested(a, attr) {
			switch (mnl_attr_get_type(a)) {
			case EPGATE_FLOW_NAME:
				snprintf(d->f[d->n].name, EPGATE_NAME_MAX, "%s",
					 mnl_attr_get_str(a));
				break;
			case EPGATE_FLOW_FROM_SET:
				d->f[d->n].from_set = mnl_attr_get_u32(a);
				break;
			case EPGATE_FLOW_TO_SET:
				d->f[d->n].to_set = mnl_attr_get_u32(a);
				break;
			case EPGATE_FLOW_FROM:
			case EPGATE_FLOW_TO:
				d->f[d->n].prefix = true;
				break;
			}
		}
		d->n++;
	}
}

static struct xset want[3];

/* Bits of the scratch child's exit status, one per TAP line. */
enum {
	E2E_COMMIT = 1, E2E_FLOWS = 2, E2E_ROLLBACK = 4, E2E_REFUSED = 8,
	E2E_MAX = 16, E2E_SKIP = 100,
};

#define E2E_FAIL(bit, ...) do {						\
	printf("# address sets: " __VA_ARGS__);				\
	putchar('\n');							\
	fails |= (bit);							\
} while (0)

static int run_sets(void)
{
	static struct msg mm;
	struct msg *m = &mm;
	static struct sets_dump d, d2;
	struct snapshot a, b;
	struct role_dump rd = { 0 };
	struct reply r;
	struct nl n, small;
	unsigned int i, k, kind, fails = 0;
	char why[200];
	size_t o;
	uint64_t gen;

	if (unshare(CLONE_NEWNET)) {
		printf("# address sets: unshare(CLONE_NEWNET): %s\n",
		       strerror(errno));
		return E2E_SKIP;
	}
	nl_open(&n);
	if (!resolve_family(&n)) {
		printf("# address sets: no epgate family in a new namespace\n");
		return 31;
	}

	/*
	 * Set 5 "lan": 601 prefixes in three entries over three messages,
	 * named twice; set 9: 300 in two entries, unnamed; set 1000 "dmz":
	 * one.  IPv4 and IPv6 mixed, in the order they are sent.
	 */
	want[0].id = 5;
	strcpy(want[0].name, "lan");
	want[0].n = 601;
	want[1].id = 9;
	want[1].n = 300;
	want[2].id = EPGATE_MAX_SETS;
	strcpy(want[2].name, "dmz");
	want[2].n = 1;
	for (i = 0; i < 3; i++)
		for (k = 0; k < want[i].n; k++)
			set_prefix(&want[i].p[k]);

	m_init(m, EPGATE_CMD_SET_FLOWS, 0);
	a_u32(m, EPGATE_A_XACT_FLAGS, EPGATE_XACT_MORE);
	o = nest(m, EPGATE_A_SETS, true);
	put_set_entry(m, 0, 5, "lan", want[0].p, 300);
	put_set_entry(m, 1, 9, NULL, want[1].p, 100);
	a_end(m, o);
	o = nest(m, EPGATE_A_FLOWS, true);
	put_set_flow(m, 0, "f0", 5, 9);
	a_end(m, o);
	r = talk(&n, m);
	if (r.err)
		E2E_FAIL(E2E_COMMIT, "part 1: %s \"%s\"", strerror(r.err), r.ext);

	m_init(m, EPGATE_CMD_SET_FLOWS, 0);
	a_u32(m, EPGATE_A_XACT_FLAGS, EPGATE_XACT_MORE);
	o = nest(m, EPGATE_A_SETS, true);
	put_set_entry(m, 0, 5, NULL, want[0].p + 300, 300);
	put_set_entry(m, 1, EPGATE_MAX_SETS, "dmz", want[2].p, 1);
	a_end(m, o);
	o = nest(m, EPGATE_A_FLOWS, true);
	put_set_flow(m, 0, "f1", 0, EPGATE_MAX_SETS);
	a_end(m, o);
	r = talk(&n, m);
	if (r.err)
		E2E_FAIL(E2E_COMMIT, "part 2: %s \"%s\"", strerror(r.err), r.ext);

	m_init(m, EPGATE_CMD_SET_FLOWS, 0);
	o = nest(m, EPGATE_A_SETS, true);
	put_set_entry(m, 0, 9, NULL, want[1].p + 100, 200);
	put_set_entry(m, 1, 5, "lan", want[0].p + 600, 1);
	a_end(m, o);
	o = nest(m, EPGATE_A_FLOWS, true);
	put_set_flow(m, 0, "f2", 9, 5);
	a_end(m, o);
	r = talk(&n, m);
	if (r.err)
		E2E_FAIL(E2E_COMMIT, "commit: %s \"%s\"", strerror(r.err), r.ext);

	/* Dumped back identical, with a large and with a one-page buffer. */
	if (!dump_sets(&n, m, &d))
		E2E_FAIL(E2E_COMMIT, "%s", d.why);
	else if (!sets_match(&d, want, 3, why, sizeof(why)))
		E2E_FAIL(E2E_COMMIT, "%s", why);
	nl_open(&small);
	rx_len = 4096;
	if (!dump_sets(&small, m, &d2))
		E2E_FAIL(E2E_COMMIT, "one-page reads: %s", d2.why);
	else if (!sets_match(&d2, want, 3, why, sizeof(why)))
		E2E_FAIL(E2E_COMMIT, "one-page reads: %s", why);
	rx_len = RX_MAX;
	nl_close(&small);
	printf("# address sets: 3 sets, 902 prefixes committed over 3 messages; GET_SETS: %u messages (at most %u prefixes), %u with one-page reads (at most %u)\n",
	       d.msgs, d.most, d2.msgs, d2.most);

	/* GET_FLOWS gives the ids back, and no prefix. */
	m_init(m, EPGATE_CMD_GET_FLOWS, NLM_F_DUMP);
	r = (struct reply){ 0 };
	if (!nl_wait(&n, nl_send(&n, m, false), &r, roles_cb, &rd) || r.err ||
	    rd.n != 3 ||
	    strcmp(rd.f[0].name, "f0") || rd.f[0].from_set != 5 ||
	    rd.f[0].to_set != 9 ||
	    strcmp(rd.f[1].name, "f1") || rd.f[1].from_set ||
	    rd.f[1].to_set != EPGATE_MAX_SETS ||
	    strcmp(rd.f[2].name, "f2") || rd.f[2].from_set != 9 ||
	    rd.f[2].to_set != 5 ||
	    rd.f[0].prefix || rd.f[1].prefix || rd.f[2].prefix)
		E2E_FAIL(E2E_FLOWS, "GET_FLOWS: %u flows, roles not as set", rd.n);

	/* A change with a confirm deadline, rolled back: the sets return. */
	snap(&n, &a);
	m_init(m, EPGATE_CMD_SET_FLOWS, 0);
	o = nest(m, EPGATE_A_SETS, true);
	put_set_entry(m, 0, 7, "other", want[1].p, 2);
	a_end(m, o);
	o = nest(m, EPGATE_A_FLOWS, true);
	put_set_flow(m, 0, "g0", 7, 0);
	a_end(m, o);
	a_u32(m, EPGATE_A_CONFIRM_SECS, 600);
	r = talk(&n, m);
	if (r.err)
		E2E_FAIL(E2E_ROLLBACK, "change with a confirm: %s \"%s\"",
			 strerror(r.err), r.ext);
	if (!dump_sets(&n, m, &d) || d.nsets != 1 || d.s[0].id != 7)
		E2E_FAIL(E2E_ROLLBACK, "the pending change's sets: %u sets %s",
			 d.nsets, d.why);
	m_init(m, EPGATE_CMD_ROLLBACK, 0);
	r = talk(&n, m);
	if (r.err)
		E2E_FAIL(E2E_ROLLBACK, "ROLLBACK: %s", strerror(r.err));
	snap(&n, &b);
	if (!blob_eq(&a.sets, &b.sets) || !blob_eq(&a.flows, &b.flows) ||
	    !blob_eq(&a.profiles, &b.profiles))
		E2E_FAIL(E2E_ROLLBACK, "after the rollback the dumps differ from before the change");
	snap_free(&a);
	snap_free(&b);

	/* Every kind of set defect, with sets in place: nothing changes. */
	snap(&n, &a);
	gen = a.generation;
	for (kind = S_NOFLAG; kind <= S_FLOW_ID_BIG; kind++) {
		bool more = !build_only(kind) && rnd(2);

		for (i = 0; i < 4; i++) {
			build_sets(m, kind, more);
			r = talk(&n, m);
			account(&r);
			if (!r.answered || !r.err)
				E2E_FAIL(E2E_REFUSED, "%s: %s", defect_name[kind],
					 r.answered ? "ACCEPTED" : "no reply");
			if (i == 0)
				printf("#   %-52s %s \"%s\"\n", defect_name[kind],
				       r.err ? strerror(r.err) : "accepted",
				       r.ext);
			if (r.answered && !r.err) {
				nl_close(&n);
				nl_open(&n);
			}
			more = !build_only(kind) && rnd(2);
		}
	}
	nl_close(&n);
	nl_open(&n);
	snap(&n, &b);
	if (b.generation != gen || !blob_eq(&a.sets, &b.sets) ||
	    !blob_eq(&a.flows, &b.flows) || !blob_eq(&a.profiles, &b.profiles))
		E2E_FAIL(E2E_REFUSED, "the state changed (generation %llu -> %llu)",
			 (unsigned long long)gen,
			 (unsigned long long)b.generation);
	snap_free(&a);
	snap_free(&b);

	/* EPGATE_MAX_PREFIXES exactly: taken, and dumped back whole. */
	{
		bool staged;

		r = send_big_sets(&n, m, EPGATE_MAX_PREFIXES, 0, false,
				  &staged);
		if (!staged || r.err)
			E2E_FAIL(E2E_MAX, "%u prefixes: %s \"%s\"",
				 EPGATE_MAX_PREFIXES, strerror(r.err), r.ext);
		else if (!dump_sets(&n, m, &d) || d.nsets != 1 ||
			 d.total != EPGATE_MAX_PREFIXES)
			E2E_FAIL(E2E_MAX, "%u prefixes set, %u dumped %s",
				 EPGATE_MAX_PREFIXES, d.total, d.why);
		else
			printf("# address sets: %u prefixes in one set taken, dumped back in %u messages\n",
			       d.total, d.msgs);
	}
	nl_close(&n);
	return fails;
}

/* ---- the scratch namespace: bit flips and lax-parsing probes ---- */

struct scratch_stats {
	unsigned long sent, accepted, refused, noreply;
	unsigned long lax[4], lax_tried[4];
};

static void flip_bits(struct msg *m, size_t from)
{
	unsigned int k, flips = 1 + rnd(rnd(4) ? 4 : 16);

	if (m->len <= from)
		return;
	for (k = 0; k < flips; k++) {
		size_t at = from + rnd(m->len - from);

		if (rnd(3))
			m->buf[at] ^= 1u << rnd(8);
		else
			m->buf[at] = rnd(256);
	}
}

/*
 * A valid message of any command, then random bit flips past the genl
 * header (and past the XACT_FLAGS of a staged SET_FLOWS).
 */
static void scratch_case(struct nl *n, struct msg *m, struct scratch_stats *ss)
{
	struct setgen g = { .d = D_MAX, .nflows = 1 + rnd(6),
			    .profiles = rnd(2) };
	size_t from = NLMSG_HDRLEN + GENL_HDRLEN;
	unsigned int k = rnd(7);
	struct reply r;

	switch (k) {
	case 6:
		build_sets(m, D_MAX, rnd(2));
		from += 8;	/* a MORE flag, if any, stays */
		break;
	case 0: case 1: case 2:
		build_set(m, &g, true);
		from += 8;	/* keep the MORE flag */
		break;
	case 3: {
		unsigned int nattrs;

		m_init(m, EPGATE_CMD_SET_CONFIG, 0);
		config_base(m, &nattrs);
		if (rnd(2))
			put_ifaces(m, D_MAX);
		if (rnd(3) == 0)
			a_u32(m, EPGATE_A_LOG_FLAGS, rnd(2));
		break;
	}
	case 4:
		m_init(m, rnd(2) ? EPGATE_CMD_GET_STATUS :
				   EPGATE_CMD_RESET_COUNTERS, 0);
		random_chain(m, 0, rnd(200));
		break;
	default:
		m_init(m, (uint8_t[]){ EPGATE_CMD_GET_FLOWS,
			EPGATE_CMD_GET_PROFILES, EPGATE_CMD_GET_SETS }[rnd(3)],
		       NLM_F_DUMP);
		random_chain(m, 0, rnd(200));
		break;
	}
	flip_bits(m, from);
	r = (struct reply){ 0 };
	ss->sent++;
	if (!nl_wait(n, nl_send(n, m, false), &r, NULL, NULL)) {
		ss->noreply++;
	} else if (r.err) {
		ss->refused++;
	} else {
		ss->accepted++;
	}
	/* Whatever got staged goes away with the socket, now and then. */
	if (rnd(50) == 0) {
		nl_close(n);
		nl_open(n);
	}
}

/*
 * Probes of parsing the kernel's nested-array validation leaves lax: junk
 * after the last entry of a nested array (shorter than an attribute
 * header), in the FLOWS list, a PORTS list and an interface list.
 */
static void lax_probes(struct nl *n, struct msg *m, struct scratch_stats *ss)
{
	unsigned int k, i;

	for (k = 0; k < 4; k++) {
		for (i = 0; i < 20; i++) {
			struct reply r;
			size_t o, fo, po;
			uint8_t junk[3];
			unsigned int l = 1 + rnd(3);

			rnd_bytes(junk, sizeof(junk));
			if (k == 2) {
				m_init(m, EPGATE_CMD_SET_CONFIG, 0);
				o = nest(m, EPGATE_A_IFACES_IN, true);
				fo = nest(m, 1, true);
				a_str(m, EPGATE_IFACE_NAME, "lo");
				a_end(m, fo);
				memcpy(m_grow(m, 4), junk, l);
				a_end(m, o);
				((struct nlattr *)(m->buf + o))->nla_len -= 4 - l;
			} else {
				m_init(m, EPGATE_CMD_SET_FLOWS, 0);
				a_u32(m, EPGATE_A_XACT_FLAGS, EPGATE_XACT_MORE);
				o = nest(m, EPGATE_A_FLOWS, true);
				fo = nest(m, 1, true);
				a_str(m, EPGATE_FLOW_PROFILE, "lax");
				if (k == 3) {
					/* Latin-1 letters: 0xc0-0xff */
					char nm[4] = { 'f', (char)(0xc0 + rnd(64)), 'x', 0 };

					a_str(m, EPGATE_FLOW_NAME, nm);
				} else {
					a_str(m, EPGATE_FLOW_NAME, "f");
				}
				a_u8(m, EPGATE_FLOW_PROTO, IPPROTO_TCP);
				po = nest(m, EPGATE_FLOW_PORTS, true);
				put_range(m, 0, 80, 80, D_MAX);
				if (k == 3) {
					a_end(m, po);
					a_end(m, fo);
					a_end(m, o);
				} else if (k == 1) {
					memcpy(m_grow(m, 4), junk, l);
					a_end(m, po);
					((struct nlattr *)(m->buf + po))->nla_len -= 4 - l;
					a_end(m, fo);
					a_end(m, o);
				} else {
					a_end(m, po);
					a_end(m, fo);
					memcpy(m_grow(m, 4), junk, l);
					a_end(m, o);
					((struct nlattr *)(m->buf + o))->nla_len -= 4 - l;
				}
			}
			r = (struct reply){ 0 };
			ss->sent++;
			ss->lax_tried[k]++;
			nl_wait(n, nl_send(n, m, false), &r, NULL, NULL);
			if (r.answered && !r.err)
				ss->lax[k]++;
			nl_close(n);
			nl_open(n);
		}
	}
}

static int run_scratch(unsigned long count)
{
	struct scratch_stats ss = { 0 };
	struct msg *m = malloc(sizeof(*m));
	struct nl n;
	unsigned long i;

	if (unshare(CLONE_NEWNET)) {
		printf("# scratch: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 4;
	}
	nl_open(&n);
	if (!resolve_family(&n)) {
		printf("# scratch: no epgate family in a new namespace\n");
		return 1;
	}
	for (i = 0; i < count; i++)
		scratch_case(&n, m, &ss);
	lax_probes(&n, m, &ss);
	nl_close(&n);
	printf("# scratch namespace: %lu messages (bit flips of valid messages of every command, lax probes): %lu refused, %lu accepted, %lu unanswered\n",
	       ss.sent, ss.refused, ss.accepted, ss.noreply);
	printf("# lax probes (1-3 bytes of junk after the last entry of a nested array), accepted: FLOWS %lu/%lu, PORTS %lu/%lu, IFACES_IN %lu/%lu\n",
	       ss.lax[0], ss.lax_tried[0], ss.lax[1], ss.lax_tried[1],
	       ss.lax[2], ss.lax_tried[2]);
	printf("# lax probe: flow names with a Latin-1 byte (0xc0-0xff) accepted: %lu/%lu\n",
	       ss.lax[3], ss.lax_tried[3]);
	free(m);
	return ss.noreply ? 1 : 0;
}

/* ---- main ---- */

static void usage(void)
{
	fprintf(stderr, "Usage: nlfuzz [-s SEED] [-n CASES] [-r RANDOM] [-x SCRATCH]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long ncases = 20000, nrandom = 10000, nscratch = 10000, i;
	struct snapshot before, after;
	struct msg *m = malloc(sizeof(*m));
	uint64_t seed;
	struct nl n;
	struct reply r;
	unsigned int e, k;
	int opt, status;
	pid_t pid;
	bool ok;

	seed = (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid() << 32;
	if (getenv("NLFUZZ_SEED"))
		seed = strtoull(getenv("NLFUZZ_SEED"), NULL, 0);
	while ((opt = getopt(argc, argv, "s:n:r:x:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': ncases = strtoul(optarg, NULL, 0); break;
		case 'r': nrandom = strtoul(optarg, NULL, 0); break;
		case 'x': nscratch = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (!seed)
		seed = 1;
	rng_state = seed;

	printf("TAP version 13\n");
	printf("# seed %llu (replay: nlfuzz -s %llu -n %lu -r %lu -x %lu)\n",
	       (unsigned long long)seed, (unsigned long long)seed, ncases,
	       nrandom, nscratch);
	nl_open(&n);
	if (!resolve_family(&n)) {
		printf("1..0 # SKIP the epgate family is not registered\n");
		return 4;
	}
	ok = snap(&n, &before);
	cur_mode = before.mode;
	tap(ok, "family %s (id %u): generation %llu, %u flows, status %zu bytes, flows dump %zu bytes, profiles dump %zu bytes",
	    EPGATE_GENL_NAME, family_id,
	    (unsigned long long)before.generation, before.nflows,
	    before.status.len, before.flows.len, before.profiles.len);

	/* Structured defects. */
	unexpected = 0;
	for (i = 0; i < ncases; i++)
		one_case(&n, m, i, before.generation);
	printf("# %lu structured messages: %lu refused (%lu with an extack message), %lu dropped by the netlink core without a reply\n",
	       st.sent, st.refused, st.extack, st.ignored);
	print_errnos("errors: ");
	for (k = 0; k < D_MAX; k++) {
		if (!defect_sent[k])
			note_fail("defect '%s' never drawn (raise -n)",
				  defect_name[k]);
	}
	tap(!unexpected && !why[0],
	    "%lu structured malformed messages (%u kinds of defect), every one refused",
	    ncases, (unsigned int)D_MAX);

	/* The genl version byte: not checked by genetlink. */
	m_init(m, EPGATE_CMD_GET_STATUS, 0);
	m_genl(m)->version = 0;
	r = talk(&n, m);
	printf("# GET_STATUS with genl version 0: %s (the version byte is informational in genetlink)\n",
	       r.err ? strerror(r.err) : "answered");

	/* Transactions. */
	ok = test_transactions(&n, m);
	tap(ok, "transactions: EBUSY for another socket; discarded on error, close and SIGKILL; ESTALE on a stale generation");
	ok = test_combined(&n, m);
	tap(ok, "SET_FLOWS with SET_CONFIG's settings: refused on a part, and a refused setting commits nothing");
	ok = test_limits(&n, m);
	tap(ok, "transaction limits: EPGATE_MAX_FLOWS + 1 flows, 257 parts, 4 MiB staged: E2BIG");
	ok = test_set_limits(&n, m);
	tap(ok, "address set limits: EPGATE_MAX_PREFIXES + 1 prefixes in one set (staged, committed) and over two sets: E2BIG");

	/* Address sets end to end, in a namespace of their own. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		rng_state ^= 0x5e75;
		exit(run_sets());
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == E2E_SKIP) {
		tap_n++;
		printf("ok %u - address sets end to end # SKIP cannot unshare\n",
		       tap_n);
	} else {
		k = WIFEXITED(status) ? WEXITSTATUS(status) : 31;
		tap(!(k & E2E_COMMIT), "address sets: 3 sets over 3 messages (appended, named twice) committed, GET_SETS gives them back identical (large and one-page reads)");
		tap(!(k & E2E_FLOWS), "address sets: GET_FLOWS gives FROM_SET/TO_SET back as set");
		tap(!(k & E2E_ROLLBACK), "address sets: a change rolled back brings the sets back");
		tap(!(k & E2E_REFUSED), "address sets: every kind of set defect refused, with sets in place nothing changes");
		tap(!(k & E2E_MAX), "address sets: EPGATE_MAX_PREFIXES prefixes taken and dumped back");
	}

	/* Random, invalid by construction. */
	unexpected = 0;
	for (i = 0; i < nrandom; i++)
		random_case(&n, m, i);
	tap(!unexpected, "%lu random messages (random bytes, random attribute chains), every one refused",
	    nrandom);

	/* Scratch namespace: anything goes, only answers are required. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		rng_state ^= 0x5c7a7c4;
		exit(run_scratch(nscratch));
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 4) {
		tap_n++;
		printf("ok %u - scratch namespace # SKIP cannot unshare\n", tap_n);
	} else {
		tap(WIFEXITED(status) && !WEXITSTATUS(status),
		    "%lu bit-flipped messages in a scratch network namespace: every one answered",
		    nscratch);
	}

	/* Totals, then nothing changed. */
	printf("# total: %lu messages sent, %lu refused, %lu with an extack message\n",
	       st.sent, st.refused, st.extack);
	print_errnos("errors by errno: ");
	for (k = 0; k < MAX_EXT; k++) {
		unsigned long best = 0;
		unsigned int bi = 0;

		for (e = 0; e < MAX_EXT && exts[e].msg[0]; e++) {
			if (exts[e].n > best) {
				best = exts[e].n;
				bi = e;
			}
		}
		if (!best)
			break;
		printf("#   extack %6lu x \"%s\"\n", best, exts[bi].msg);
		exts[bi].n = 0;
	}

	nl_close(&n);
	nl_open(&n);
	ok = snap(&n, &after);
	tap(ok && after.generation == before.generation,
	    "generation unchanged (%llu -> %llu)",
	    (unsigned long long)before.generation,
	    (unsigned long long)after.generation);
	tap(blob_eq(&before.status, &after.status),
	    "GET_STATUS reply byte-identical (%zu bytes)", after.status.len);
	tap(blob_eq(&before.flows, &after.flows) &&
	    blob_eq(&before.profiles, &after.profiles) &&
	    blob_eq(&before.sets, &after.sets),
	    "GET_FLOWS, GET_PROFILES and GET_SETS dumps byte-identical (%zu, %zu, %zu bytes)",
	    after.flows.len, after.profiles.len, after.sets.len);
	snap_free(&before);
	snap_free(&after);
	nl_close(&n);
	free(m);
	printf("1..%u\n", tap_n);
	return tap_failed ? 1 : 0;
}
