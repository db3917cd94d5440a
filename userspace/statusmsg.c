// SPDX-License-Identifier: GPL-2.0
/*
 * The GET_STATUS message: parse it, check it is complete and of this
 * tool's ABI, fetch it.  A library of every command (status.c prints it).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/epgate.h>

#include "genl.h"
#include "statusmsg.h"
#include "subcommands.h"

static const char * const mode_names[] = {
	[EPGATE_MODE_OFF] = "off",
	[EPGATE_MODE_MONITOR] = "monitor",
	[EPGATE_MODE_ENFORCE] = "enforce",
};

const char *mode_name(unsigned int mode)
{
	return mode <= EPGATE_MODE_MAX ? mode_names[mode] : "unknown";
}

const char *other_name(unsigned int other)
{
	static const char * const names[] = {
		[EPGATE_OTHER_ACCEPT] = "accept",
		[EPGATE_OTHER_DROP] = "drop",
	};

	return other <= EPGATE_OTHER_MAX ? names[other] : "unknown";
}

/* One interface list being parsed: where the names go. */
struct iface_list {
	char (*names)[EPGATE_IFNAME_MAX];
	unsigned int *n;
	bool named;
};

static int iface_name_cb(const struct nlattr *attr, void *data)
{
	struct iface_list *l = data;

	if (mnl_attr_get_type(attr) != EPGATE_IFACE_NAME)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 ||
	    mnl_attr_get_payload_len(attr) > EPGATE_IFNAME_MAX)
		return MNL_CB_ERROR;
	snprintf(l->names[*l->n], EPGATE_IFNAME_MAX, "%s",
		 mnl_attr_get_str(attr));
	l->named = true;
	return MNL_CB_OK;
}

/* One entry of the nested array: a nest holding EPGATE_IFACE_NAME. */
static int iface_entry_cb(const struct nlattr *attr, void *data)
{
	struct iface_list *l = data;

	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0 ||
	    *l->n == EPGATE_MAX_IFACES)
		return MNL_CB_ERROR;
	l->named = false;
	if (mnl_attr_parse_nested(attr, iface_name_cb, l) < 0 || !l->named)
		return MNL_CB_ERROR;
	(*l->n)++;
	return MNL_CB_OK;
}

static int parse_ifaces(const struct nlattr *attr,
			char (*names)[EPGATE_IFNAME_MAX], unsigned int *n)
{
	struct iface_list l = { .names = names, .n = n };

	*n = 0;
	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
		return MNL_CB_ERROR;
	return mnl_attr_parse_nested(attr, iface_entry_cb, &l);
}

static int counter_cb(const struct nlattr *attr, void *data)
{
	struct epgate_status *st = data;
	int type = mnl_attr_get_type(attr);

	if (type < EPGATE_CTR_ALLOWED || type > EPGATE_CTR_MALFORMED)
		return MNL_CB_OK;	/* PAD, or a newer counter */
	if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
		return MNL_CB_ERROR;
	st->counters[type] = mnl_attr_get_u64(attr);
	st->ctr_seen |= 1u << type;
	return MNL_CB_OK;
}

static int validate(const struct nlattr *attr, enum mnl_attr_data_type t)
{
	return mnl_attr_validate(attr, t) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

static int status_attr_cb(const struct nlattr *attr, void *data)
{
	struct epgate_status *st = data;
	int type = mnl_attr_get_type(attr);
	int ret;

	switch (type) {
	case EPGATE_A_VERSION:
		ret = validate(attr, MNL_TYPE_NUL_STRING);
		if (ret == MNL_CB_OK)
			snprintf(st->version, sizeof(st->version), "%s",
				 mnl_attr_get_str(attr));
		break;
	case EPGATE_A_ABI_VERSION:
		ret = validate(attr, MNL_TYPE_U32);
		if (ret == MNL_CB_OK)
			st->abi_version = mnl_attr_get_u32(attr);
		break;
	case EPGATE_A_MODE:
		ret = validate(attr, MNL_TYPE_U8);
		if (ret == MNL_CB_OK)
			st->mode = mnl_attr_get_u8(attr);
		break;
	case EPGATE_A_HOOKS:
		ret = validate(attr, MNL_TYPE_U32);
		if (ret == MNL_CB_OK)
			st->hooks = mnl_attr_get_u32(attr);
		break;
	case EPGATE_A_MARK_VALUE:
		ret = validate(attr, MNL_TYPE_U32);
		if (ret == MNL_CB_OK)
			st->mark_value = mnl_attr_get_u32(attr);
		break;
	case EPGATE_A_MARK_MASK:
		ret = validate(attr, MNL_TYPE_U32);
		if (ret == MNL_CB_OK)
			st->mark_mask = mnl_attr_get_u32(attr);
		break;
	case EPGATE_A_LOG_FLAGS:
		ret = validate(attr, MNL_TYPE_U32);
		if (ret == MNL_CB_OK)
			st->log_flags = mnl_attr_get_u32(attr);
		break;
	case EPGATE_A_LOG_GROUP:
		ret = validate(attr, MNL_TYPE_U16);
		if (ret == MNL_CB_OK)
			st->log_group = mnl_attr_get_u16(attr);
		break;
	case EPGATE_A_PRIORITY:
		ret = validate(attr, MNL_TYPE_U32);
		if (ret == MNL_CB_OK)
			st->priority = (int32_t)mnl_attr_get_u32(attr);
		break;
	case EPGATE_A_OTHER:
		ret = validate(attr, MNL_TYPE_U8);
		if (ret == MNL_CB_OK)
			st->other = mnl_attr_get_u8(attr);
		break;
	case EPGATE_A_OFFLOAD_LAST:
		ret = validate(attr, MNL_TYPE_U32);
		if (ret == MNL_CB_OK)
			st->offload_last = mnl_attr_get_u32(attr);
		break;
	case EPGATE_A_OFFLOAD_TOTAL:
		ret = validate(attr, MNL_TYPE_U64);
		if (ret == MNL_CB_OK)
			st->offload_total = mnl_attr_get_u64(attr);
		break;
	case EPGATE_A_ROLLBACK_SECS:
		ret = validate(attr, MNL_TYPE_U32);
		if (ret == MNL_CB_OK)
			st->rollback_secs = mnl_attr_get_u32(attr);
		break;
	case EPGATE_A_ROLLBACKS:
		ret = validate(attr, MNL_TYPE_U64);
		if (ret == MNL_CB_OK)
			st->rollbacks = mnl_attr_get_u64(attr);
		break;
	case EPGATE_A_IFACES_IN:
		ret = parse_ifaces(attr, st->in, &st->nin);
		break;
	case EPGATE_A_IFACES_OUT:
		ret = parse_ifaces(attr, st->out, &st->nout);
		break;
	case EPGATE_A_GENERATION:
		ret = validate(attr, MNL_TYPE_U64);
		if (ret == MNL_CB_OK)
			st->generation = mnl_attr_get_u64(attr);
		break;
	case EPGATE_A_TABLE_BYTES:
		ret = validate(attr, MNL_TYPE_U64);
		if (ret == MNL_CB_OK)
			st->table_bytes = mnl_attr_get_u64(attr);
		break;
	case EPGATE_A_NFLOWS:
		ret = validate(attr, MNL_TYPE_U32);
		if (ret == MNL_CB_OK)
			st->nflows = mnl_attr_get_u32(attr);
		break;
	case EPGATE_A_COUNTERS:
		ret = validate(attr, MNL_TYPE_NESTED);
		if (ret == MNL_CB_OK)
			ret = mnl_attr_parse_nested(attr, counter_cb, st);
		break;
	default:
		return MNL_CB_OK;	/* PAD, or a newer module: ignore */
	}
	if (ret == MNL_CB_OK)
		st->seen |= 1u << type;
	return ret;
}

int status_parse(const struct nlmsghdr *nlh, void *data)
{
	int ret = mnl_attr_parse(nlh, sizeof(struct genlmsghdr),
				 status_attr_cb, data);

	/* libmnl's EINVAL/ERANGE would read as our own mistake. */
	if (ret == MNL_CB_ERROR)
		errno = EBADMSG;
	return ret;
}

const char *status_missing(const struct epgate_status *st)
{
	static const struct {
		int type;
		const char *name;
	} required[] = {
		{ EPGATE_A_VERSION, "EPGATE_A_VERSION" },
		{ EPGATE_A_ABI_VERSION, "EPGATE_A_ABI_VERSION" },
		{ EPGATE_A_MODE, "EPGATE_A_MODE" },
		{ EPGATE_A_HOOKS, "EPGATE_A_HOOKS" },
		{ EPGATE_A_MARK_VALUE, "EPGATE_A_MARK_VALUE" },
		{ EPGATE_A_MARK_MASK, "EPGATE_A_MARK_MASK" },
		{ EPGATE_A_GENERATION, "EPGATE_A_GENERATION" },
		{ EPGATE_A_TABLE_BYTES, "EPGATE_A_TABLE_BYTES" },
		{ EPGATE_A_NFLOWS, "EPGATE_A_NFLOWS" },
		{ EPGATE_A_COUNTERS, "EPGATE_A_COUNTERS" },
		{ EPGATE_A_PRIORITY, "EPGATE_A_PRIORITY" },
		{ EPGATE_A_OTHER, "EPGATE_A_OTHER" },
		{ EPGATE_A_OFFLOAD_LAST, "EPGATE_A_OFFLOAD_LAST" },
		{ EPGATE_A_OFFLOAD_TOTAL, "EPGATE_A_OFFLOAD_TOTAL" },
		{ EPGATE_A_ROLLBACK_SECS, "EPGATE_A_ROLLBACK_SECS" },
		{ EPGATE_A_ROLLBACKS, "EPGATE_A_ROLLBACKS" },
	};
	static const char * const ctr_attr[] = {
		[EPGATE_CTR_ALLOWED] = "EPGATE_CTR_ALLOWED",
		[EPGATE_CTR_DROPPED] = "EPGATE_CTR_DROPPED",
		[EPGATE_CTR_WOULD_DROP] = "EPGATE_CTR_WOULD_DROP",
		[EPGATE_CTR_MALFORMED] = "EPGATE_CTR_MALFORMED",
	};
	size_t i;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (!(st->seen & 1u << required[i].type))
			return required[i].name;
	}
	for (i = EPGATE_CTR_ALLOWED; i <= EPGATE_CTR_MALFORMED; i++) {
		if (!(st->ctr_seen & 1u << i))
			return ctr_attr[i];
	}
	return NULL;
}

/*
 * Open the family and fetch the status.  With @complete, every attribute
 * must be there; without, only what the ABI check needs.
 */
static int fetch(struct epgate_genl *g, struct epgate_status *st,
		 const char *cmd, bool complete)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const char *missing;
	struct nlmsghdr *nlh;
	int ret;

	memset(st, 0, sizeof(*st));
	memset(buf, 0, sizeof(buf));	/* no stack byte to the kernel */
	ret = epgate_genl_open(g);
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, epgate_genl_strerror(g, ret));
		return ret;
	}
	nlh = epgate_genl_msg(g, buf, EPGATE_CMD_GET_STATUS, 0);
	ret = epgate_genl_talk(g, nlh, status_parse, st);
	if (ret) {
		fprintf(stderr, "%s: %s: %s\n", prog, cmd,
			epgate_genl_strerror(g, ret));
		goto err;
	}
	ret = -EPROTO;
	/* The ABI first: another ABI may well lack the other attributes. */
	if (!(st->seen & 1u << EPGATE_A_ABI_VERSION)) {
		missing = "EPGATE_A_ABI_VERSION";
		goto incomplete;
	}
	if (st->abi_version != EPGATE_ABI_VERSION) {
		fprintf(stderr,
			"%s: module speaks ABI %u, this tool ABI %u: use a tool and module built from the same tree\n",
			prog, st->abi_version, EPGATE_ABI_VERSION);
		goto err;
	}
	missing = complete ? status_missing(st) : NULL;
	if (missing)
		goto incomplete;
	return 0;

incomplete:
	fprintf(stderr, "%s: %s: incomplete reply from the module (no %s)\n",
		prog, cmd, missing);
err:
	epgate_genl_close(g);
	return ret;
}

int status_fetch(struct epgate_genl *g, struct epgate_status *st)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	const char *missing;
	int ret;

	memset(st, 0, sizeof(*st));
	memset(buf, 0, sizeof(buf));
	nlh = epgate_genl_msg(g, buf, EPGATE_CMD_GET_STATUS, 0);
	ret = epgate_genl_talk(g, nlh, status_parse, st);
	if (ret)
		return ret;
	missing = status_missing(st);
	return missing ? -EBADMSG : 0;
}

void status_report_change(struct epgate_genl *g, const char *cmd)
{
	struct epgate_status st;

	if (status_fetch(g, &st))
		return;
	if (st.offload_last)
		printf("%s: %s: %u offloaded connection%s no longer allowed: flowtable offload torn down, the forward hook judges them again\n",
		       prog, cmd, st.offload_last,
		       st.offload_last == 1 ? "" : "s");
	if (st.rollback_secs)
		printf("%s: %s: rolled back in %u s unless 'epgate confirm'\n",
		       prog, cmd, st.rollback_secs);
}

int status_connect(struct epgate_genl *g, const char *cmd)
{
	struct epgate_status st;

	return fetch(g, &st, cmd, false);
}

int status_open(struct epgate_genl *g, struct epgate_status *st,
		const char *cmd)
{
	return fetch(g, st, cmd, true);
}
