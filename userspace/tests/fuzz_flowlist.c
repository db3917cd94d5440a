// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the flow-list parser and the SET_FLOWS builder
 * (`make fuzz`, needs clang).  Invariants checked beyond the sanitizers':
 * an error has a position and a message; a parsed list obeys every limit;
 * the built request is exactly the size computed ahead.
 */

#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "flowlist.h"
#include "flowmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flowlist fl = { 0 };
	struct flowlist_error err;
	struct nlmsghdr *nlh;
	size_t i;
	void *buf;

	if (flowlist_parse((const char *)data, size, &fl, &err)) {
		if (!err.line || !err.msg[0] || fl.n || fl.flows)
			abort();
		return 0;
	}
	for (i = 0; i < fl.n; i++) {
		const struct flowlist_flow *f = &fl.flows[i];

		if (!f->nranges || f->nranges > EPGATE_MAX_RANGES ||
		    !f->profile[0] || !f->name[0] ||
		    strlen(f->profile) >= EPGATE_NAME_MAX ||
		    f->from.len > 128 || f->to.len > 128)
			abort();
	}
	buf = calloc(1, flowmsg_size(&fl));
	nlh = mnl_nlmsg_put_header(buf);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	if (!flowmsg_put(nlh, &fl) && nlh->nlmsg_len != flowmsg_size(&fl))
		abort();
	free(buf);
	flowlist_free(&fl);
	return 0;
}
