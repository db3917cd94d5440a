// SPDX-License-Identifier: GPL-2.0
/*
 * The enabled profiles that follow hostnames, compiled again (follow.h).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addrset.h"
#include "follow.h"
#include "save.h"
#include "subcommands.h"

int follow_recompile(struct hosts *h, const struct flowset_profile *p,
		     struct flowlist *fl, char *err, size_t errlen)
{
	struct addrset_cache sets = { .hosts = hosts_lookup, .hosts_ctx = h };
	int ret;

	ret = save_recompile(p->name, p->userdata, p->udlen, &sets, fl, err,
			     errlen);
	addrset_cache_free(&sets);
	return ret;
}

int follow_collect(struct hosts *h, const struct flowset *fs, bool *follows)
{
	struct flowlist scratch = { 0 };
	char err[512];
	unsigned long before;
	size_t i;
	int ret;

	h->collect = true;
	hosts_seen_clear(h);
	for (i = 0; i < fs->nprofiles; i++) {
		before = h->lookups;
		follows[i] = false;
		if (!fs->profiles[i].udlen)
			continue;
		ret = follow_recompile(h, &fs->profiles[i], &scratch, err,
				       sizeof(err));
		flowlist_free(&scratch);
		if (ret == -ENOMEM) {
			h->collect = false;
			return ret;
		}
		follows[i] = h->lookups != before;
	}
	h->collect = false;
	hosts_forget_unseen(h);
	return 0;
}

int follow_rebuild(struct hosts *h, const struct flowset *fs,
		   const bool *follows, int64_t now, struct flowset *out,
		   bool quiet)
{
	bool *done;
	char err[512];
	size_t i, k;
	int ret = 0, pi;

	memset(out, 0, sizeof(*out));
	out->generation = fs->generation;
	out->profiles = calloc(fs->nprofiles ? fs->nprofiles : 1,
			       sizeof(*out->profiles));
	done = calloc(fs->nprofiles ? fs->nprofiles : 1, sizeof(*done));
	if (!out->profiles || !done) {
		free(done);
		return -ENOMEM;
	}
	memcpy(out->profiles, fs->profiles,
	       fs->nprofiles * sizeof(*out->profiles));
	out->nprofiles = fs->nprofiles;
	h->now = now;
	h->collect = false;
	for (i = 0; i < fs->fl.n && !ret; i++) {
		const struct flowlist_flow *f = &fs->fl.flows[i];

		pi = flowset_profile_index(fs, f->profile);
		if (pi >= 0 && follows[pi]) {
			size_t before = out->fl.n;

			if (done[pi])
				continue;
			done[pi] = true;
			ret = follow_recompile(h, &fs->profiles[pi], &out->fl, err,
					sizeof(err));
			if (!ret)
				continue;
			if (ret == -ENOMEM)
				break;
			if (!quiet)
				fprintf(stderr,
					"%s: refresh: profile %s keeps its flows: %s\n",
					prog, f->profile, err);
			/* Keep every flow of the profile as it is. */
			out->fl.n = before;
			ret = 0;
			for (k = i; k < fs->fl.n && !ret; k++) {
				if (!strcmp(fs->fl.flows[k].profile, f->profile))
					ret = flowlist_copy_flow(&out->fl, &fs->fl,
								 &fs->fl.flows[k]);
			}
			continue;
		}
		ret = flowlist_copy_flow(&out->fl, &fs->fl, f);
	}
	free(done);
	if (ret)
		return ret;
	for (i = 0; i < out->nprofiles; i++) {
		out->profiles[i].nflows = 0;
		for (k = 0; k < out->fl.n; k++)
			out->profiles[i].nflows +=
				!strcmp(out->fl.flows[k].profile,
					out->profiles[i].name);
	}
	if (out->fl.n != fs->fl.n)
		return 1;
	for (i = 0; i < fs->fl.n; i++) {
		if (!flowlist_same_flow(&fs->fl, &fs->fl.flows[i], &out->fl,
					&out->fl.flows[i]))
			return 1;
	}
	return 0;
}

/* The names role @oref of @from follows, given to role @ref of @fl. */
static int give_hosts(struct flowlist *fl, uint32_t ref,
		      const struct flowlist *from, uint32_t oref)
{
	const struct flowlist_set *o = flowlist_set_of(from, oref);

	if (!ref || ref > fl->nsets || !o || !o->hosts)
		return 0;
	return flowlist_set_follow(&fl->sets[ref - 1], o->hosts);
}

int follow_hosts(struct flowset *fs, char *err, size_t errlen)
{
	struct flowset out = { 0 };
	bool *follows = NULL;
	struct hosts h;
	size_t i, k;
	int ret, pi;

	hosts_init(&h, NULL);
	ret = hosts_state_load(&h.ns, err, errlen);
	if (ret) {
		hosts_free(&h);
		return ret;
	}
	follows = calloc(fs->nprofiles ? fs->nprofiles : 1, sizeof(*follows));
	ret = follows ? follow_collect(&h, fs, follows) : -ENOMEM;
	if (!ret)
		ret = follow_rebuild(&h, fs, follows, time(NULL), &out, true);
	for (i = 0; ret >= 0 && i < fs->fl.n; i++) {
		struct flowlist_flow *f = &fs->fl.flows[i];

		ret = 0;
		pi = flowset_profile_index(fs, f->profile);
		if (pi < 0 || !follows[pi])
			continue;
		for (k = 0; k < out.fl.n; k++) {
			const struct flowlist_flow *o = &out.fl.flows[k];

			if (o->proto != f->proto || strcmp(o->profile, f->profile) ||
			    strcmp(o->name, f->name))
				continue;
			ret = give_hosts(&fs->fl, f->from_set, &out.fl,
					 o->from_set);
			if (!ret)
				ret = give_hosts(&fs->fl, f->to_set, &out.fl,
						 o->to_set);
			break;
		}
	}
	if (ret > 0)
		ret = 0;
	if (ret)
		snprintf(err, errlen, "%s", strerror(-ret));
	flowset_free(&out);
	free(follows);
	hosts_free(&h);
	return ret;
}
