// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the flow-list parser and the SET_FLOWS builder
 * (`make fuzz`, needs clang).  Invariants checked beyond the sanitizers':
 * an error has a position and a message; a parsed list obeys every limit
 * and the flow rules shared with profiles (flowcheck.h: names, ports
 * 1..65535 without overlap, one family); the built request is exactly the
 * size computed ahead.
 */

#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "flowcheck.h"
#include "flowlist.h"
#include "flowmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flowlist fl = { 0 };
	struct flowlist_error err;
	struct nlmsghdr *nlh;
	size_t i, j, k;
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
		    f->from.len > 128 || f->to.len > 128 ||
		    !flowcheck_name_ok(f->profile, strlen(f->profile)) ||
		    !flowcheck_name_ok(f->name, strlen(f->name)) ||
		    !flowcheck_families(&f->from, &f->to))
			abort();
		for (k = 0; k < f->nranges; k++) {
			if (!f->ranges[k].lo || f->ranges[k].lo > f->ranges[k].hi)
				abort();
			for (j = 0; j < k; j++) {
				if (f->ranges[k].lo <= f->ranges[j].hi &&
				    f->ranges[j].lo <= f->ranges[k].hi)
					abort();
			}
		}
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
