// SPDX-License-Identifier: GPL-2.0
/*
 * A flow list as the module's table: the specs kernel/flows.c builds from
 * a SET_FLOWS request, handed to the same builder.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <epgate/verdict.h>

#include "flowtable.h"

static void to_epg_prefix(const struct flowlist_prefix *in,
			  struct epg_prefix *out)
{
	memset(out, 0, sizeof(*out));
	out->family = in->family;
	out->len = in->len;
	memcpy(out->addr, in->addr, sizeof(in->addr));
}

/*
 * The flow list's sets as the builder takes them, one epg_addrset per set
 * so that flows naming the same set hand the builder the same pointer.
 */
static int build_sets(const struct flowlist *fl, struct epg_addrset **sets,
		      struct epg_prefix **pfx)
{
	size_t i, np = 0;
	uint32_t k;

	*sets = calloc(fl->nsets ? fl->nsets : 1, sizeof(**sets));
	for (i = 0; i < fl->nsets; i++)
		np += fl->sets[i].n;
	*pfx = calloc(np ? np : 1, sizeof(**pfx));
	if (!*sets || !*pfx)
		return -ENOMEM;
	np = 0;
	for (i = 0; i < fl->nsets; i++) {
		(*sets)[i].n = fl->sets[i].n;
		(*sets)[i].prefixes = &(*pfx)[np];
		for (k = 0; k < fl->sets[i].n; k++)
			to_epg_prefix(&fl->sets[i].prefixes[k], &(*pfx)[np++]);
	}
	return 0;
}

int flowtable_build(const struct flowlist *fl, struct epg_table **t,
		    char *err, size_t errlen)
{
	struct epg_flow_spec *specs;
	struct epg_addrset *sets = NULL;
	struct epg_prefix *pfx = NULL;
	struct epg_range *ranges;
	size_t i, j, nr = 0;
	int ret;

	specs = calloc(fl->n ? fl->n : 1, sizeof(*specs));
	for (i = 0; i < fl->n; i++)
		nr += fl->flows[i].nranges;
	ranges = calloc(nr ? nr : 1, sizeof(*ranges));
	if (!specs || !ranges || build_sets(fl, &sets, &pfx)) {
		free(specs);
		free(ranges);
		free(sets);
		free(pfx);
		return -ENOMEM;
	}
	nr = 0;
	for (i = 0; i < fl->n; i++) {
		const struct flowlist_flow *f = &fl->flows[i];

		specs[i].id = i;
		specs[i].proto = f->proto == IPPROTO_TCP ? EPG_PROTO_TCP :
							   EPG_PROTO_UDP;
		/* As kernel/flows.c: the profile's mode rides on each rule. */
		specs[i].flags = f->mode == EPGATE_MODE_MONITOR ?
				 EPGATE_RF_MONITOR : 0;
		specs[i].nranges = f->nranges;
		specs[i].ranges = &ranges[nr];
		for (j = 0; j < f->nranges; j++, nr++) {
			ranges[nr].lo = f->ranges[j].lo;
			ranges[nr].hi = f->ranges[j].hi;
		}
		to_epg_prefix(&f->from, &specs[i].from);
		to_epg_prefix(&f->to, &specs[i].to);
		if (f->from_set)
			specs[i].from_set = &sets[f->from_set - 1];
		if (f->to_set)
			specs[i].to_set = &sets[f->to_set - 1];
	}
	ret = epg_table_build(specs, fl->n, t, err, errlen);
	free(specs);
	free(ranges);
	free(sets);
	free(pfx);
	return ret;
}
