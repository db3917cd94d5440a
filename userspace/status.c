// SPDX-License-Identifier: GPL-2.0
/*
 * epgate status [-j]: module version, ABI and mode of this network namespace.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/epgate.h>

#include "genl.h"
#include "json.h"
#include "status.h"
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

static int status_attr_cb(const struct nlattr *attr, void *data)
{
	struct epgate_status *st = data;
	int type = mnl_attr_get_type(attr);

	switch (type) {
	case EPGATE_A_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		snprintf(st->version, sizeof(st->version), "%s",
			 mnl_attr_get_str(attr));
		break;
	case EPGATE_A_ABI_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		st->abi_version = mnl_attr_get_u32(attr);
		break;
	case EPGATE_A_MODE:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		st->mode = mnl_attr_get_u8(attr);
		break;
	default:
		return MNL_CB_OK;	/* newer module: ignore */
	}
	st->seen |= 1u << type;
	return MNL_CB_OK;
}

int status_parse(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), status_attr_cb,
			      data);
}

static void usage(void)
{
	fprintf(stderr, "Usage: %s status [-j]\n", prog);
}

int status_main(int argc, const char *argv[])
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct epgate_status st = { 0 };
	const unsigned int need = 1u << EPGATE_A_VERSION |
				  1u << EPGATE_A_ABI_VERSION |
				  1u << EPGATE_A_MODE;
	struct epgate_genl g;
	struct nlmsghdr *nlh;
	int json = 0;
	int ret;

	if (argc == 2 && !strcmp(argv[1], "-j")) {
		json = 1;
	} else if (argc != 1) {
		usage();
		return 1;
	}

	ret = epgate_genl_open(&g);
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, epgate_genl_strerror(&g, ret));
		return 1;
	}
	nlh = epgate_genl_msg(&g, buf, EPGATE_CMD_GET_STATUS, 0);
	ret = epgate_genl_talk(&g, nlh, status_parse, &st);
	if (ret) {
		fprintf(stderr, "%s: status: %s\n", prog,
			epgate_genl_strerror(&g, ret));
		goto out;
	}
	ret = -EPROTO;
	if ((st.seen & need) != need) {
		fprintf(stderr, "%s: status: incomplete reply from the module\n",
			prog);
		goto out;
	}
	if (st.abi_version != EPGATE_ABI_VERSION) {
		fprintf(stderr,
			"%s: module speaks ABI %u, this tool ABI %u: use a tool and module built from the same tree\n",
			prog, st.abi_version, EPGATE_ABI_VERSION);
		goto out;
	}
	ret = 0;

	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_string(&j, "version", st.version);
		json_u64(&j, "abi_version", st.abi_version);
		json_string(&j, "mode", mode_name(st.mode));
		json_object_end(&j);
		json_finish(&j);
	} else {
		printf("module:  epgate %s (abi %u)\n", st.version,
		       st.abi_version);
		printf("mode:    %s\n", mode_name(st.mode));
	}
out:
	epgate_genl_close(&g);
	return ret ? 1 : 0;
}
