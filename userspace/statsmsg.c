// SPDX-License-Identifier: GPL-2.0
/*
 * The counters of the active flow set: read them (GET_PROFILES and
 * GET_FLOWS dumps, GET_STATUS's globals) and print them as `epgate stats`
 * shows them.  A library of stats, watch and metrics.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/genetlink.h>
#include <linux/epgate.h>

#include "genl.h"
#include "json.h"
#include "statsmsg.h"
#include "statusmsg.h"


struct flow_ctx {
	struct stats_flow *f;
	unsigned int seen;	/* bit per EPGATE_FLOW_* */
};

static int name_attr(const struct nlattr *attr, char *out)
{
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 ||
	    mnl_attr_get_payload_len(attr) > EPGATE_NAME_MAX)
		return MNL_CB_ERROR;
	snprintf(out, EPGATE_NAME_MAX, "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

static int flow_attr_cb(const struct nlattr *attr, void *data)
{
	struct flow_ctx *ctx = data;
	struct stats_flow *f = ctx->f;
	int type = mnl_attr_get_type(attr);
	int ret;

	switch (type) {
	case EPGATE_FLOW_PROFILE:
		ret = name_attr(attr, f->profile);
		break;
	case EPGATE_FLOW_NAME:
		ret = name_attr(attr, f->name);
		break;
	case EPGATE_FLOW_PROTO:
	case EPGATE_FLOW_PROFILE_MODE:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		if (type == EPGATE_FLOW_PROTO)
			f->proto = mnl_attr_get_u8(attr);
		else
			f->mode = mnl_attr_get_u8(attr);
		ret = MNL_CB_OK;
		break;
	case EPGATE_FLOW_PACKETS:
	case EPGATE_FLOW_BYTES:
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return MNL_CB_ERROR;
		if (type == EPGATE_FLOW_PACKETS)
			f->packets = mnl_attr_get_u64(attr);
		else
			f->bytes = mnl_attr_get_u64(attr);
		ret = MNL_CB_OK;
		break;
	default:
		return MNL_CB_OK;	/* PAD, or a newer module */
	}
	if (ret == MNL_CB_OK)
		ctx->seen |= 1u << type;
	return ret;
}

static int add_flow(struct stats *s, const struct nlattr *attr)
{
	const unsigned int need = 1u << EPGATE_FLOW_PROFILE |
				  1u << EPGATE_FLOW_NAME |
				  1u << EPGATE_FLOW_PROTO |
				  1u << EPGATE_FLOW_PROFILE_MODE |
				  1u << EPGATE_FLOW_PACKETS |
				  1u << EPGATE_FLOW_BYTES;
	struct flow_ctx ctx = { 0 };
	struct stats_flow *n;

	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
		return -EBADMSG;
	if (s->n == s->alloc) {
		size_t alloc = s->alloc ? s->alloc * 2 : 64;

		n = realloc(s->flows, alloc * sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->flows = n;
		s->alloc = alloc;
	}
	ctx.f = &s->flows[s->n];
	memset(ctx.f, 0, sizeof(*ctx.f));
	if (mnl_attr_parse_nested(attr, flow_attr_cb, &ctx) < 0 ||
	    (ctx.seen & need) != need)
		return -EBADMSG;
	s->n++;
	return 0;
}

int stats_parse(const struct nlmsghdr *nlh, void *data)
{
	struct stats *s = data;
	const struct nlattr *attr;
	bool found = false;
	int ret;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) != EPGATE_A_FLOW)
			continue;
		ret = add_flow(s, attr);
		if (ret) {
			errno = -ret;
			return MNL_CB_ERROR;
		}
		found = true;
	}
	if (!found) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

void stats_free(struct stats *s)
{
	free(s->flows);
	free(s->profiles);
	memset(s, 0, sizeof(*s));
}

int stats_read(struct epgate_genl *g, struct stats *s, int profiles)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct epgate_status st;
	struct nlmsghdr *nlh;
	struct flowset fs;
	int ret, tries;

	stats_free(s);
	ret = status_fetch(g, &st);
	if (ret)
		return ret;
	s->mode = st.mode;
	memcpy(s->counters, st.counters, sizeof(s->counters));
	if (profiles) {
		ret = flowset_read_profiles(g, &fs);
		if (ret)
			return ret;
		s->profiles = fs.profiles;	/* taken over */
		s->nprofiles = fs.nprofiles;
		fs.profiles = NULL;
		flowset_free(&fs);
	}
	memset(buf, 0, sizeof(buf));	/* no stack byte to the kernel */
	/*
	 * A load during the dump makes it show part of the old set and part
	 * of the new one; the kernel flags that and the whole dump is taken
	 * again rather than showing a mix.
	 */
	for (tries = 0; tries < STATS_DUMP_TRIES; tries++) {
		free(s->flows);
		s->flows = NULL;
		s->n = s->alloc = 0;
		nlh = epgate_genl_msg(g, buf, EPGATE_CMD_GET_FLOWS,
				      NLM_F_DUMP);
		ret = epgate_genl_talk(g, nlh, stats_parse, s);
		if (ret != -EINTR)
			break;
	}
	return ret;
}

const char *stats_proto_name(uint8_t proto, char *buf, size_t len)
{
	if (proto == IPPROTO_TCP)
		return "tcp";
	if (proto == IPPROTO_UDP)
		return "udp";
	snprintf(buf, len, "%u", proto);
	return buf;
}

int stats_digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Names left-aligned, counters right-aligned, columns as wide as needed. */
static void print_profiles(const struct stats *s, FILE *f)
{
	int wp = 7, wn = 5, wk = 7, wb = 5, wd = 10, wx = 7;
	size_t i;

	for (i = 0; i < s->nprofiles; i++) {
		const struct flowset_profile *p = &s->profiles[i];

		wp = MAX(wp, (int)strlen(p->name));
		wn = MAX(wn, stats_digits(p->nflows));
		wk = MAX(wk, stats_digits(p->packets));
		wb = MAX(wb, stats_digits(p->bytes));
		wd = MAX(wd, stats_digits(p->would_drop));
		wx = MAX(wx, stats_digits(p->dropped));
	}
	fprintf(f, "%-*s  %-7s  %*s  %*s  %*s  %*s  %*s\n", wp, "PROFILE",
		"MODE", wn, "FLOWS", wk, "PACKETS", wb, "BYTES", wd,
		"WOULD_DROP", wx, "DROPPED");
	for (i = 0; i < s->nprofiles; i++) {
		const struct flowset_profile *p = &s->profiles[i];

		fprintf(f, "%-*s  %-7s  %*u  %*" PRIu64 "  %*" PRIu64 "  %*" PRIu64 "  %*" PRIu64 "\n",
			wp, p->name, mode_name(p->mode), wn, p->nflows,
			wk, p->packets, wb, p->bytes, wd, p->would_drop,
			wx, p->dropped);
	}
}

static void print_flows(const struct stats *s, FILE *f)
{
	int wp = 7, wf = 4, wk = 7, wb = 5;
	char pbuf[4];
	size_t i;

	for (i = 0; i < s->n; i++) {
		wp = MAX(wp, (int)strlen(s->flows[i].profile));
		wf = MAX(wf, (int)strlen(s->flows[i].name));
		wk = MAX(wk, stats_digits(s->flows[i].packets));
		wb = MAX(wb, stats_digits(s->flows[i].bytes));
	}
	fprintf(f, "%-*s  %-*s  %-5s  %-7s  %*s  %*s\n", wp, "PROFILE", wf,
		"FLOW", "PROTO", "MODE", wk, "PACKETS", wb, "BYTES");
	for (i = 0; i < s->n; i++) {
		const struct stats_flow *fl = &s->flows[i];

		fprintf(f, "%-*s  %-*s  %-5s  %-7s  %*" PRIu64 "  %*" PRIu64 "\n",
			wp, fl->profile, wf, fl->name,
			stats_proto_name(fl->proto, pbuf, sizeof(pbuf)),
			mode_name(fl->mode), wk, fl->packets, wb, fl->bytes);
	}
}

void stats_print(const struct stats *s, FILE *f)
{
	print_profiles(s, f);
	fputc('\n', f);
	print_flows(s, f);
}

void stats_print_json(const struct stats *s, FILE *f)
{
	char pbuf[4];
	struct json j;
	size_t i;

	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "profiles");
	for (i = 0; i < s->nprofiles; i++) {
		const struct flowset_profile *p = &s->profiles[i];

		json_object_begin(&j, NULL);
		json_string(&j, "name", p->name);
		json_string(&j, "mode", mode_name(p->mode));
		json_u64(&j, "flows", p->nflows);
		json_u64(&j, "packets", p->packets);
		json_u64(&j, "bytes", p->bytes);
		json_u64(&j, "would_drop", p->would_drop);
		json_u64(&j, "dropped", p->dropped);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "flows");
	for (i = 0; i < s->n; i++) {
		const struct stats_flow *fl = &s->flows[i];

		json_object_begin(&j, NULL);
		json_string(&j, "profile", fl->profile);
		json_string(&j, "name", fl->name);
		json_string(&j, "proto",
			    stats_proto_name(fl->proto, pbuf, sizeof(pbuf)));
		json_string(&j, "mode", mode_name(fl->mode));
		json_u64(&j, "packets", fl->packets);
		json_u64(&j, "bytes", fl->bytes);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_begin(&j, "counters");
	json_u64(&j, "allowed", s->counters[EPGATE_CTR_ALLOWED]);
	json_u64(&j, "dropped", s->counters[EPGATE_CTR_DROPPED]);
	json_u64(&j, "would_drop", s->counters[EPGATE_CTR_WOULD_DROP]);
	json_u64(&j, "malformed", s->counters[EPGATE_CTR_MALFORMED]);
	json_object_end(&j);
	json_object_end(&j);
	json_finish(&j);
}
