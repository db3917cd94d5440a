// SPDX-License-Identifier: GPL-2.0
/*
 * Reading and writing the module's whole flow set (flowset.h).
 *
 * A write is one SET_FLOWS transaction (include/uapi/linux/epgate.h):
 * the profiles and as many flows as fit the first EPGATE_A_FLOWS nest go in
 * the first message, the rest in further messages, all but the last flagged
 * EPGATE_XACT_MORE.  Every message is acknowledged before the next is sent,
 * so an error names the message that caused it; the kernel then drops the
 * whole transaction, as it does when this process dies half-way.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "config.h"
#include "flowmsg.h"
#include "flowset.h"
#include "statusmsg.h"

#define READ_TRIES	10
/* A message: headers, the profiles, a full SETS and FLOWS nest, slack. */
#define MSG_BUF		(2 * FLOWMSG_NEST_MAX + EPGATE_MAX_PROFILES * \
			 (EPGATE_USERDATA_MAX + 128) + 4096)

void flowset_free(struct flowset *fs)
{
	flowlist_free(&fs->fl);
	free(fs->packets);
	free(fs->bytes);
	free(fs->profiles);
	memset(fs, 0, sizeof(*fs));
}

int flowset_profile_index(const struct flowset *fs, const char *name)
{
	size_t i;

	for (i = 0; i < fs->nprofiles; i++) {
		if (!strcmp(fs->profiles[i].name, name))
			return (int)i;
	}
	return -1;
}

/*
 * The sets no flow refers to any more stay in fs->fl.sets (references
 * are indexes); the writer sends only the sets flows name.
 */
void flowset_remove_profile(struct flowset *fs, const char *name)
{
	size_t i, j = 0;
	int p;

	for (i = 0; i < fs->fl.n; i++) {
		if (!strcmp(fs->fl.flows[i].profile, name))
			continue;
		if (j != i) {
			fs->fl.flows[j] = fs->fl.flows[i];
			if (fs->packets)
				fs->packets[j] = fs->packets[i];
			if (fs->bytes)
				fs->bytes[j] = fs->bytes[i];
		}
		j++;
	}
	fs->fl.n = j;
	p = flowset_profile_index(fs, name);
	if (p >= 0) {
		memmove(&fs->profiles[p], &fs->profiles[p + 1],
			(fs->nprofiles - p - 1) * sizeof(*fs->profiles));
		fs->nprofiles--;
	}
}

/* ---- reading ---------------------------------------------------------- */

static int copy_name(char *dst, const struct nlattr *a)
{
	const char *s = mnl_attr_get_str(a);
	size_t len = mnl_attr_get_payload_len(a);

	if (!len || len > EPGATE_NAME_MAX || s[len - 1] || strlen(s) + 1 != len)
		return -EBADMSG;
	memcpy(dst, s, len);
	return 0;
}

static int parse_prefix(const struct nlattr *nest, struct flowlist_prefix *p)
{
	const struct nlattr *a;
	unsigned int seen = 0;

	memset(p, 0, sizeof(*p));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case EPGATE_PREFIX_FAMILY:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -EBADMSG;
			p->family = mnl_attr_get_u8(a);
			break;
		case EPGATE_PREFIX_ADDR:
			if (mnl_attr_get_payload_len(a) != 4 &&
			    mnl_attr_get_payload_len(a) != 16)
				return -EBADMSG;
			memcpy(p->addr, mnl_attr_get_payload(a),
			       mnl_attr_get_payload_len(a));
			break;
		case EPGATE_PREFIX_LEN:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -EBADMSG;
			p->len = mnl_attr_get_u8(a);
			break;
		default:
			continue;	/* newer module: skip */
		}
		seen |= 1u << mnl_attr_get_type(a);
	}
	if (seen != (1u << EPGATE_PREFIX_FAMILY | 1u << EPGATE_PREFIX_ADDR |
		     1u << EPGATE_PREFIX_LEN))
		return -EBADMSG;
	if ((p->family != AF_INET || p->len > 32) &&
	    (p->family != AF_INET6 || p->len > 128))
		return -EBADMSG;
	return 0;
}

static int parse_ranges(const struct nlattr *nest, struct flowlist_flow *f)
{
	const struct nlattr *r, *a;

	f->nranges = 0;
	mnl_attr_for_each_nested(r, nest) {
		struct flowlist_range *rg;
		unsigned int seen = 0;

		if (f->nranges == EPGATE_MAX_RANGES)
			return -EBADMSG;
		rg = &f->ranges[f->nranges++];
		mnl_attr_for_each_nested(a, r) {
			int type = mnl_attr_get_type(a);

			if (type != EPGATE_RANGE_LO && type != EPGATE_RANGE_HI)
				continue;
			if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
				return -EBADMSG;
			if (type == EPGATE_RANGE_LO)
				rg->lo = mnl_attr_get_u16(a);
			else
				rg->hi = mnl_attr_get_u16(a);
			seen |= 1u << type;
		}
		if (!(seen & 1u << EPGATE_RANGE_LO))
			return -EBADMSG;
		if (!(seen & 1u << EPGATE_RANGE_HI))
			rg->hi = rg->lo;
		if (rg->hi < rg->lo)
			return -EBADMSG;
	}
	return f->nranges ? 0 : -EBADMSG;
}

int flowset_parse_flow(const struct nlattr *nest, struct flowlist_flow *f,
		       uint64_t *packets, uint64_t *bytes)
{
	const struct nlattr *a;
	unsigned int seen = 0;
	int ret = 0;

	memset(f, 0, sizeof(*f));
	*packets = *bytes = 0;
	f->mode = EPGATE_MODE_ENFORCE;
	mnl_attr_for_each_nested(a, nest) {
		int type = mnl_attr_get_type(a);

		switch (type) {
		case EPGATE_FLOW_PROFILE:
			ret = copy_name(f->profile, a);
			break;
		case EPGATE_FLOW_NAME:
			ret = copy_name(f->name, a);
			break;
		case EPGATE_FLOW_PROTO:
			ret = mnl_attr_validate(a, MNL_TYPE_U8) < 0 ? -EBADMSG : 0;
			if (!ret)
				f->proto = mnl_attr_get_u8(a);
			break;
		case EPGATE_FLOW_PORTS:
			ret = parse_ranges(a, f);
			break;
		case EPGATE_FLOW_FROM:
			ret = parse_prefix(a, &f->from);
			break;
		case EPGATE_FLOW_TO:
			ret = parse_prefix(a, &f->to);
			break;
		case EPGATE_FLOW_FROM_SET:
		case EPGATE_FLOW_TO_SET:
			/* The module's EPGATE_SET_ID: flowset_read() maps it. */
			ret = mnl_attr_validate(a, MNL_TYPE_U32) < 0 ||
			      !mnl_attr_get_u32(a) ||
			      mnl_attr_get_u32(a) > EPGATE_MAX_SETS ? -EBADMSG : 0;
			if (ret)
				break;
			if (type == EPGATE_FLOW_FROM_SET)
				f->from_set = mnl_attr_get_u32(a);
			else
				f->to_set = mnl_attr_get_u32(a);
			break;
		case EPGATE_FLOW_PROFILE_MODE:
			ret = mnl_attr_validate(a, MNL_TYPE_U8) < 0 ? -EBADMSG : 0;
			if (!ret)
				f->mode = mnl_attr_get_u8(a);
			break;
		case EPGATE_FLOW_PACKETS:
		case EPGATE_FLOW_BYTES:
			ret = mnl_attr_validate(a, MNL_TYPE_U64) < 0 ? -EBADMSG : 0;
			if (ret)
				break;
			if (type == EPGATE_FLOW_PACKETS)
				*packets = mnl_attr_get_u64(a);
			else
				*bytes = mnl_attr_get_u64(a);
			break;
		default:
			continue;	/* newer module: skip */
		}
		if (ret)
			return ret;
		seen |= 1u << type;
	}
	if ((seen & (1u << EPGATE_FLOW_PROFILE | 1u << EPGATE_FLOW_NAME |
		     1u << EPGATE_FLOW_PROTO | 1u << EPGATE_FLOW_PORTS)) !=
	    (1u << EPGATE_FLOW_PROFILE | 1u << EPGATE_FLOW_NAME |
	     1u << EPGATE_FLOW_PROTO | 1u << EPGATE_FLOW_PORTS))
		return -EBADMSG;
	/* A role is a prefix or a set, never both. */
	if ((seen & 1u << EPGATE_FLOW_FROM && f->from_set) ||
	    (seen & 1u << EPGATE_FLOW_TO && f->to_set))
		return -EBADMSG;
	return 0;
}

int flowset_parse_set(const struct nlattr *nest, uint32_t *id,
		      struct flowlist_set *s)
{
	const struct nlattr *a, *p;
	struct flowlist_prefix pfx;
	bool named = false;

	*id = 0;
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case EPGATE_SET_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EBADMSG;
			*id = mnl_attr_get_u32(a);
			break;
		case EPGATE_SET_NAME:
			if (copy_name(s->name, a))
				return -EBADMSG;
			named = true;
			break;
		case EPGATE_SET_PREFIXES:
			mnl_attr_for_each_nested(p, a) {
				if (s->n == EPGATE_MAX_PREFIXES ||
				    parse_prefix(p, &pfx))
					return -EBADMSG;
				if (flowlist_set_add(s, &pfx))
					return -ENOMEM;
			}
			break;
		default:
			break;	/* newer module: skip */
		}
	}
	if (!named)
		s->name[0] = '\0';
	return *id && *id <= EPGATE_MAX_SETS ? 0 : -EBADMSG;
}

int flowset_parse_profile(const struct nlattr *nest,
			  struct flowset_profile *p)
{
	const struct nlattr *a;
	bool named = false;
	size_t len;

	memset(p, 0, sizeof(*p));
	p->mode = EPGATE_MODE_ENFORCE;
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case EPGATE_PROFILE_NAME:
			if (copy_name(p->name, a))
				return -EBADMSG;
			named = true;
			break;
		case EPGATE_PROFILE_MODE:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -EBADMSG;
			p->mode = mnl_attr_get_u8(a);
			break;
		case EPGATE_PROFILE_NFLOWS:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EBADMSG;
			p->nflows = mnl_attr_get_u32(a);
			break;
		case EPGATE_PROFILE_USERDATA:
			len = mnl_attr_get_payload_len(a);
			if (len > EPGATE_USERDATA_MAX)
				return -EBADMSG;
			memcpy(p->userdata, mnl_attr_get_payload(a), len);
			p->userdata[len] = '\0';
			p->udlen = len;
			break;
		case EPGATE_PROFILE_PACKETS:
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				return -EBADMSG;
			p->packets = mnl_attr_get_u64(a);
			break;
		case EPGATE_PROFILE_BYTES:
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				return -EBADMSG;
			p->bytes = mnl_attr_get_u64(a);
			break;
		case EPGATE_PROFILE_WOULD_DROP:
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				return -EBADMSG;
			p->would_drop = mnl_attr_get_u64(a);
			break;
		case EPGATE_PROFILE_DROPPED:
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				return -EBADMSG;
			p->dropped = mnl_attr_get_u64(a);
			break;
		default:
			break;
		}
	}
	return named ? 0 : -EBADMSG;
}

static int grow(void **p, size_t n, size_t *alloc, size_t size)
{
	void *np;
	size_t na;

	if (n < *alloc)
		return 0;
	na = *alloc ? *alloc * 2 : 64;
	np = realloc(*p, na * size);
	if (!np)
		return -ENOMEM;
	*p = np;
	*alloc = na;
	return 0;
}

struct read_ctx {
	struct flowset *fs;
	int err;
	uint32_t *refs;		/* EPGATE_SET_ID -> set reference, 0: none */
};

/* Room for one more flow, with its two counters. */
static int grow_flows(struct flowset *fs)
{
	size_t old = fs->fl.alloc;
	uint64_t *p;

	if (grow((void **)&fs->fl.flows, fs->fl.n, &fs->fl.alloc,
		 sizeof(*fs->fl.flows)))
		return -ENOMEM;
	if (fs->fl.alloc == old)
		return 0;
	p = realloc(fs->packets, fs->fl.alloc * sizeof(*p));
	if (!p)
		return -ENOMEM;
	fs->packets = p;
	p = realloc(fs->bytes, fs->fl.alloc * sizeof(*p));
	if (!p)
		return -ENOMEM;
	fs->bytes = p;
	return 0;
}

static int flow_cb(const struct nlmsghdr *nlh, void *data)
{
	struct read_ctx *ctx = data;
	struct flowset *fs = ctx->fs;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != EPGATE_A_FLOW)
			continue;
		if (grow_flows(fs)) {
			ctx->err = -ENOMEM;
			return MNL_CB_ERROR;
		}
		if (flowset_parse_flow(a, &fs->fl.flows[fs->fl.n],
				       &fs->packets[fs->fl.n],
				       &fs->bytes[fs->fl.n])) {
			ctx->err = -EBADMSG;
			return MNL_CB_ERROR;
		}
		fs->fl.n++;
	}
	return MNL_CB_OK;
}

/* A set in several messages (same ID) gets its prefixes appended. */
static int set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct read_ctx *ctx = data;
	struct flowlist *fl = &ctx->fs->fl;
	struct flowlist_set part = { .name = "" };
	const struct nlattr *a;
	uint32_t id, ref, i;
	int ret;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != EPGATE_A_SET)
			continue;
		ret = flowset_parse_set(a, &id, &part);
		if (!ret && !ctx->refs[id]) {
			ret = flowlist_push_set(fl, &part, &ref);
			if (!ret)
				ctx->refs[id] = ref;
		} else if (!ret) {
			struct flowlist_set *s = &fl->sets[ctx->refs[id] - 1];

			if (strcmp(s->name, part.name))
				ret = -EBADMSG;
			for (i = 0; !ret && i < part.n; i++)
				ret = flowlist_set_add(s, &part.prefixes[i]);
		}
		flowlist_set_free(&part);
		if (ret) {
			ctx->err = ret;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_OK;
}

/* The module's set numbers of the flows, as references into fs->fl.sets. */
static int map_sets(struct read_ctx *ctx)
{
	struct flowlist *fl = &ctx->fs->fl;
	size_t i;

	for (i = 0; i < fl->n; i++) {
		struct flowlist_flow *f = &fl->flows[i];

		if (f->from_set && !(f->from_set = ctx->refs[f->from_set]))
			return -EBADMSG;
		if (f->to_set && !(f->to_set = ctx->refs[f->to_set]))
			return -EBADMSG;
	}
	return 0;
}

static int profile_cb(const struct nlmsghdr *nlh, void *data)
{
	struct read_ctx *ctx = data;
	struct flowset *fs = ctx->fs;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != EPGATE_A_PROFILE)
			continue;
		if (fs->nprofiles == EPGATE_MAX_PROFILES ||
		    flowset_parse_profile(a, &fs->profiles[fs->nprofiles])) {
			ctx->err = -EBADMSG;
			return MNL_CB_ERROR;
		}
		fs->nprofiles++;
	}
	return MNL_CB_OK;
}

static int dump(struct epgate_genl *g, uint8_t cmd, mnl_cb_t cb,
		struct read_ctx *ctx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int ret;

	memset(buf, 0, sizeof(buf));
	nlh = epgate_genl_msg(g, buf, cmd, NLM_F_DUMP);
	ctx->err = 0;
	ret = epgate_genl_talk(g, nlh, cb, ctx);
	return ctx->err ? ctx->err : ret;
}

static int generation(struct epgate_genl *g, uint64_t *gen)
{
	struct epgate_status st;
	int ret;

	ret = status_fetch(g, &st);
	if (!ret)
		*gen = st.generation;
	return ret;
}

int flowset_read_profiles(struct epgate_genl *g, struct flowset *fs)
{
	struct read_ctx ctx = { .fs = fs };
	int tries, ret = -EAGAIN;

	memset(fs, 0, sizeof(*fs));
	for (tries = 0; tries < READ_TRIES; tries++) {
		flowset_free(fs);
		fs->profiles = calloc(EPGATE_MAX_PROFILES, sizeof(*fs->profiles));
		if (!fs->profiles)
			return -ENOMEM;
		ret = dump(g, EPGATE_CMD_GET_PROFILES, profile_cb, &ctx);
		if (ret != -EINTR)
			break;
	}
	if (ret)
		flowset_free(fs);
	return ret;
}

int flowset_read(struct epgate_genl *g, struct flowset *fs)
{
	struct read_ctx ctx;
	uint64_t before, after;
	int tries, ret = -EAGAIN;

	memset(fs, 0, sizeof(*fs));
	uint32_t *refs;

	refs = calloc(EPGATE_MAX_SETS + 1, sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	for (tries = 0; tries < READ_TRIES; tries++) {
		flowset_free(fs);
		fs->profiles = calloc(EPGATE_MAX_PROFILES, sizeof(*fs->profiles));
		if (!fs->profiles) {
			ret = -ENOMEM;
			break;
		}
		memset(&ctx, 0, sizeof(ctx));
		memset(refs, 0, (EPGATE_MAX_SETS + 1) * sizeof(*refs));
		ctx.fs = fs;
		ctx.refs = refs;
		ret = generation(g, &before);
		if (!ret)
			ret = dump(g, EPGATE_CMD_GET_PROFILES, profile_cb, &ctx);
		if (!ret) {
			ret = dump(g, EPGATE_CMD_GET_SETS, set_cb, &ctx);
			/* A module without GET_SETS has no sets. */
			if (ret == -EOPNOTSUPP)
				ret = 0;
		}
		if (!ret)
			ret = dump(g, EPGATE_CMD_GET_FLOWS, flow_cb, &ctx);
		if (!ret)
			ret = generation(g, &after);
		if (ret == -EINTR || (!ret && before != after)) {
			ret = -EAGAIN;
			continue;	/* changed under us: again */
		}
		if (!ret)
			ret = map_sets(&ctx);
		if (ret)
			break;
		fs->generation = before;
		free(refs);
		return 0;
	}
	free(refs);
	flowset_free(fs);
	return ret;
}

/* ---- writing ---------------------------------------------------------- */

static size_t attr_size(size_t payload)
{
	return MNL_ALIGN(MNL_ATTR_HDRLEN + payload);
}

/* Flows [first, return) fit one EPGATE_A_FLOWS nest. */
static size_t chunk_end(const struct flowlist *fl, size_t first)
{
	size_t n = attr_size(0), i;

	for (i = first; i < fl->n; i++) {
		n += flowmsg_flow_size(&fl->flows[i]);
		if (n > FLOWMSG_NEST_MAX)
			break;
	}
	return i;
}

/*
 * The messages of a write: the sets first, each message a SETS nest as
 * full as it goes, then the flows, a FLOWS nest per message; the message
 * where the sets end takes the first flows too.
 */
size_t flowset_messages(const struct flowset *fs)
{
	struct flowmsg_cursor c = { 0 };
	size_t first = 0, n = 0;
	uint32_t *ids = NULL;

	if (fs->fl.nsets) {
		ids = calloc(fs->fl.nsets, sizeof(*ids));
		if (!ids || flowlist_set_ids(&fs->fl, ids, NULL, NULL, NULL, 0)) {
			free(ids);
			return 0;
		}
	}
	do {
		flowmsg_put_sets(NULL, &fs->fl, ids, &c);
		if (flowmsg_sets_done(&fs->fl, ids, &c))
			first = chunk_end(&fs->fl, first);
		n++;
	} while (!flowmsg_sets_done(&fs->fl, ids, &c) || first < fs->fl.n);
	free(ids);
	return n;
}

static void put_profiles(struct nlmsghdr *nlh, const struct flowset *fs)
{
	struct nlattr *list, *entry;
	size_t i;

	if (!fs->nprofiles)
		return;
	list = mnl_attr_nest_start(nlh, EPGATE_A_PROFILES);
	for (i = 0; i < fs->nprofiles; i++) {
		const struct flowset_profile *p = &fs->profiles[i];

		entry = mnl_attr_nest_start(nlh, i + 1);
		mnl_attr_put_strz(nlh, EPGATE_PROFILE_NAME, p->name);
		mnl_attr_put_u8(nlh, EPGATE_PROFILE_MODE, p->mode);
		if (p->udlen)
			mnl_attr_put(nlh, EPGATE_PROFILE_USERDATA, p->udlen,
				     p->userdata);
		mnl_attr_nest_end(nlh, entry);
	}
	mnl_attr_nest_end(nlh, list);
}

bool flowset_retry(int err, unsigned int attempt)
{
	struct timespec ts;
	long ms;

	if ((err != -ESTALE && err != -EBUSY) || attempt >= FLOWSET_RETRIES)
		return false;
	/* 5, 10, 20 ... 320 ms, then 320 ms: about 10 s in all. */
	ms = attempt < 6 ? 5L << attempt : 320;
	ts.tv_sec = 0;
	ts.tv_nsec = ms * 1000000L;
	nanosleep(&ts, NULL);
	return true;
}

static int write_once(struct epgate_genl *g, const struct flowset *fs,
		      const struct epgate_config *cfg, bool check_generation);

int flowset_write_retry(struct epgate_genl *g, const struct flowset *fs)
{
	return flowset_write_config(g, fs, NULL);
}

int flowset_write_config(struct epgate_genl *g, const struct flowset *fs,
			 const struct epgate_config *cfg)
{
	unsigned int attempt = 0;
	int ret;

	do
		ret = write_once(g, fs, cfg, false);
	while (ret && flowset_retry(ret, attempt++));
	return ret;
}

int flowset_write(struct epgate_genl *g, const struct flowset *fs,
		  bool check_generation)
{
	return write_once(g, fs, NULL, check_generation);
}

static int write_once(struct epgate_genl *g, const struct flowset *fs,
		      const struct epgate_config *cfg, bool check_generation)
{
	struct flowmsg_cursor c = { 0 };
	size_t first = 0, end, i;
	struct nlattr *flows;
	struct nlmsghdr *nlh;
	uint32_t *ids = NULL;
	bool sets_done, head = true;
	char *buf;
	int ret = 0;

	buf = malloc(MSG_BUF);
	if (fs->fl.nsets)
		ids = calloc(fs->fl.nsets, sizeof(*ids));
	if (!buf || (fs->fl.nsets && !ids)) {
		free(buf);
		free(ids);
		return -ENOMEM;
	}
	if (ids) {
		ret = flowlist_set_ids(&fs->fl, ids, NULL, NULL, NULL, 0);
		if (ret) {
			free(buf);
			free(ids);
			return ret;
		}
	}
	do {
		memset(buf, 0, MSG_BUF);	/* no heap byte to the kernel */
		nlh = epgate_genl_msg(g, buf, EPGATE_CMD_SET_FLOWS, NLM_F_ACK);
		if (head) {
			if (check_generation)
				mnl_attr_put_u64(nlh, EPGATE_A_GENERATION,
						 fs->generation);
			put_profiles(nlh, fs);
		}
		head = false;
		flowmsg_put_sets(nlh, &fs->fl, ids, &c);
		sets_done = flowmsg_sets_done(&fs->fl, ids, &c);
		end = sets_done ? chunk_end(&fs->fl, first) : first;
		if (sets_done && end == first && first < fs->fl.n) {
			ret = -EMSGSIZE;	/* one flow over 64 KiB: impossible */
			break;
		}
		if (!sets_done || end < fs->fl.n)
			mnl_attr_put_u32(nlh, EPGATE_A_XACT_FLAGS,
					 EPGATE_XACT_MORE);
		else {
			/* The commit: the configuration rides on it. */
			epgate_genl_put_confirm(nlh);
			if (cfg && cfg->set)
				config_put(nlh, cfg);
		}
		if (end > first) {
			flows = mnl_attr_nest_start(nlh, EPGATE_A_FLOWS);
			for (i = first; i < end; i++)
				flowmsg_put_flow(nlh, i - first + 1,
						 &fs->fl.flows[i], ids);
			mnl_attr_nest_end(nlh, flows);
		}
		ret = epgate_genl_talk(g, nlh, NULL, NULL);
		first = end;
	} while (!ret && (!sets_done || first < fs->fl.n));
	free(buf);
	free(ids);
	return ret;
}
