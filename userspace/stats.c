// SPDX-License-Identifier: GPL-2.0
/*
 * epgate stats [-j]: every flow of the active set with its packet and byte
 * counters, from a GET_FLOWS dump.
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
#include "stats.h"
#include "status.h"
#include "subcommands.h"

/* A dump torn by concurrent loads this many times in a row: give up. */
#define DUMP_TRIES 3

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
	s->flows = NULL;
	s->n = 0;
	s->alloc = 0;
}

static const char *proto_name(uint8_t proto, char *buf, size_t len)
{
	if (proto == IPPROTO_TCP)
		return "tcp";
	if (proto == IPPROTO_UDP)
		return "udp";
	snprintf(buf, len, "%u", proto);
	return buf;
}

static int digits(uint64_t v)
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
void stats_print(const struct stats *s, FILE *f)
{
	int wp = 7, wf = 4, wk = 7, wb = 5;
	char pbuf[4];
	size_t i;

	for (i = 0; i < s->n; i++) {
		wp = MAX(wp, (int)strlen(s->flows[i].profile));
		wf = MAX(wf, (int)strlen(s->flows[i].name));
		wk = MAX(wk, digits(s->flows[i].packets));
		wb = MAX(wb, digits(s->flows[i].bytes));
	}
	fprintf(f, "%-*s  %-*s  %-5s  %-7s  %*s  %*s\n", wp, "PROFILE", wf,
		"FLOW", "PROTO", "MODE", wk, "PACKETS", wb, "BYTES");
	for (i = 0; i < s->n; i++) {
		const struct stats_flow *fl = &s->flows[i];

		fprintf(f, "%-*s  %-*s  %-5s  %-7s  %*" PRIu64 "  %*" PRIu64 "\n",
			wp, fl->profile, wf, fl->name,
			proto_name(fl->proto, pbuf, sizeof(pbuf)),
			mode_name(fl->mode), wk, fl->packets, wb, fl->bytes);
	}
}

void stats_print_json(const struct stats *s, FILE *f)
{
	char pbuf[4];
	struct json j;
	size_t i;

	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "flows");
	for (i = 0; i < s->n; i++) {
		const struct stats_flow *fl = &s->flows[i];

		json_object_begin(&j, NULL);
		json_string(&j, "profile", fl->profile);
		json_string(&j, "name", fl->name);
		json_string(&j, "proto",
			    proto_name(fl->proto, pbuf, sizeof(pbuf)));
		json_string(&j, "mode", mode_name(fl->mode));
		json_u64(&j, "packets", fl->packets);
		json_u64(&j, "bytes", fl->bytes);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static void usage(void)
{
	fprintf(stderr, "Usage: %s stats [-j]\n", prog);
}

int stats_main(int argc, const char *argv[])
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct stats s = { 0 };
	struct epgate_genl g;
	struct nlmsghdr *nlh;
	int json = 0, tries;
	int ret;

	if (argc == 2 && !strcmp(argv[1], "-j")) {
		json = 1;
	} else if (argc != 1) {
		usage();
		return 1;
	}

	ret = status_connect(&g, "stats");
	if (ret)
		return 1;
	memset(buf, 0, sizeof(buf));	/* no stack byte to the kernel */
	/*
	 * A load during the dump makes it show part of the old set and part
	 * of the new one; the kernel flags that and the whole dump is taken
	 * again rather than showing a mix.
	 */
	for (tries = 0; tries < DUMP_TRIES; tries++) {
		stats_free(&s);
		nlh = epgate_genl_msg(&g, buf, EPGATE_CMD_GET_FLOWS,
				      NLM_F_DUMP);
		ret = epgate_genl_talk(&g, nlh, stats_parse, &s);
		if (ret != -EINTR)
			break;
	}
	if (ret == -EINTR)
		fprintf(stderr,
			"%s: stats: the flow set changed during each of %d dumps; try again\n",
			prog, DUMP_TRIES);
	else if (ret)
		fprintf(stderr, "%s: stats: %s\n", prog,
			epgate_genl_strerror(&g, ret));
	epgate_genl_close(&g);
	if (!ret) {
		if (json)
			stats_print_json(&s, stdout);
		else
			stats_print(&s, stdout);
	}
	stats_free(&s);
	return ret ? 1 : 0;
}
