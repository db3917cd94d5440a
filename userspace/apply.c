// SPDX-License-Identifier: GPL-2.0
/*
 * epgate apply [--check] [-j] [--unchecked] FILE|-
 *
 * A file in the save format (save.h) as the desired state of the
 * namespace: its profiles and flows are the whole flow set (a profile the
 * file does not enable is disabled), and its `mode` and `config` settings
 * are what they say; a setting the file does not name is left as it is.
 * The difference with the module is printed in words (or JSON with -j);
 * then, unless --check, reached in one SET_FLOWS transaction that carries
 * the changed settings too (flows.c in the kernel), or in one SET_CONFIG
 * when the flow set is already right.  Nothing to change sends nothing, so
 * a second apply keeps every counter as it is.
 *
 * Exit codes for automation: 0 nothing to change, 2 changed (with --check:
 * would change), 1 error (nothing applied).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "flowset.h"
#include "guard.h"
#include "json.h"
#include "save.h"
#include "statusmsg.h"
#include "subcommands.h"

#define APPLY_CHANGED	2

/* The settings of a `config` line, in the order save writes them. */
static const struct {
	unsigned int bit;
	const char *name;
} settings[] = {
	{ CONFIG_MODE, "mode" },
	{ CONFIG_HOOKS, "hooks" },
	{ CONFIG_IN, "in" },
	{ CONFIG_OUT, "out" },
	{ CONFIG_MARK, "mark" },
	{ CONFIG_LOG, "log" },
	{ CONFIG_PRIORITY, "priority" },
	{ CONFIG_OTHER, "other" },
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

enum pchange { P_SAME, P_ENABLED, P_DISABLED, P_CHANGED };
enum fchange { F_SAME, F_ADDED, F_REMOVED, F_CHANGED };

struct diff {
	const struct flowlist *nowfl, *wantfl;	/* whose sets the flows name */
	/* Settings: the words now and wanted, when they differ. */
	unsigned int cfg_changed;		/* CONFIG_* bits */
	char now[NSETTINGS][128], want[NSETTINGS][128];
	/* Profiles and flows, by name; indexes into the two sets. */
	size_t nprof, nflow;
	struct {
		enum pchange what;
		const struct flowset_profile *now, *want;
	} *prof;
	struct {
		enum fchange what;
		const struct flowlist_flow *now, *want;
	} *flow;
	bool order;			/* same flows, another priority order */
	size_t changes;
};

static void setting_words(const struct epgate_config *cfg, unsigned int bit,
			  char *buf, size_t len)
{
	FILE *m = fmemopen(buf, len, "w");

	buf[0] = '\0';
	if (!m)
		return;
	save_write_setting(m, cfg, bit);
	fclose(m);
	/* "mode enforce" -> "enforce": the name is printed apart. */
	if (strchr(buf, ' '))
		memmove(buf, strchr(buf, ' ') + 1, strlen(strchr(buf, ' ')));
}

static const struct flowset_profile *find_profile(const struct flowset *fs,
						  const char *name)
{
	int i = flowset_profile_index(fs, name);

	return i < 0 ? NULL : &fs->profiles[i];
}

static const struct flowlist_flow *find_flow(const struct flowlist *fl,
					     const struct flowlist_flow *f)
{
	size_t i;

	for (i = 0; i < fl->n; i++) {
		if (!strcmp(fl->flows[i].profile, f->profile) &&
		    !strcmp(fl->flows[i].name, f->name))
			return &fl->flows[i];
	}
	return NULL;
}

static bool same_profile(const struct flowset_profile *a,
			 const struct flowset_profile *b)
{
	return a->mode == b->mode && a->udlen == b->udlen &&
	       !memcmp(a->userdata, b->userdata, a->udlen);
}

static int compute(struct diff *d, const struct epgate_status *st,
		   const struct flowset *now, const struct saveconf *sc)
{
	const struct flowset *want = &sc->fs;
	struct epgate_config cur, wanted;
	size_t i, n;

	memset(d, 0, sizeof(*d));
	config_from_status(&cur, st);
	wanted = cur;
	config_merge(&wanted, &sc->cfg);
	for (i = 0; i < NSETTINGS; i++) {
		if (!(sc->cfg.set & settings[i].bit))
			continue;
		setting_words(&cur, settings[i].bit, d->now[i],
			      sizeof(d->now[i]));
		setting_words(&wanted, settings[i].bit, d->want[i],
			      sizeof(d->want[i]));
		if (strcmp(d->now[i], d->want[i])) {
			d->cfg_changed |= settings[i].bit;
			d->changes++;
		}
	}

	d->prof = calloc(now->nprofiles + want->nprofiles + 1,
			 sizeof(*d->prof));
	d->flow = calloc(now->fl.n + want->fl.n + 1, sizeof(*d->flow));
	if (!d->prof || !d->flow)
		return -ENOMEM;
	n = 0;
	for (i = 0; i < want->nprofiles; i++) {
		const struct flowset_profile *w = &want->profiles[i];
		const struct flowset_profile *o = find_profile(now, w->name);

		d->prof[n].want = w;
		d->prof[n].now = o;
		d->prof[n].what = !o ? P_ENABLED :
				  same_profile(o, w) ? P_SAME : P_CHANGED;
		d->changes += d->prof[n++].what != P_SAME;
	}
	for (i = 0; i < now->nprofiles; i++) {
		if (find_profile(want, now->profiles[i].name))
			continue;
		d->prof[n].now = &now->profiles[i];
		d->prof[n].what = P_DISABLED;
		d->changes++;
		n++;
	}
	d->nprof = n;

	n = 0;
	d->nowfl = &now->fl;
	d->wantfl = &want->fl;
	for (i = 0; i < want->fl.n; i++) {
		const struct flowlist_flow *w = &want->fl.flows[i];
		const struct flowlist_flow *o = find_flow(&now->fl, w);

		d->flow[n].want = w;
		d->flow[n].now = o;
		d->flow[n].what = !o ? F_ADDED :
				  flowlist_same_flow(&now->fl, o, &want->fl, w) ?
				  F_SAME : F_CHANGED;
		d->changes += d->flow[n++].what != F_SAME;
	}
	for (i = 0; i < now->fl.n; i++) {
		if (find_flow(&want->fl, &now->fl.flows[i]))
			continue;
		d->flow[n].now = &now->fl.flows[i];
		d->flow[n].what = F_REMOVED;
		d->changes++;
		n++;
	}
	d->nflow = n;

	/* Same flows, same fields: is the priority order the same too? */
	for (i = 0; i < d->nflow; i++)
		if (d->flow[i].what != F_SAME)
			break;
	if (i == d->nflow && now->fl.n == want->fl.n) {
		for (i = 0; i < want->fl.n; i++) {
			if (strcmp(now->fl.flows[i].profile,
				   want->fl.flows[i].profile) ||
			    strcmp(now->fl.flows[i].name, want->fl.flows[i].name))
				d->order = true;
		}
	}
	d->changes += d->order;
	return 0;
}

/* Does the flow set (profiles, flows, order) need a SET_FLOWS? */
static bool flows_changed(const struct diff *d)
{
	size_t i;

	if (d->order)
		return true;
	for (i = 0; i < d->nprof; i++)
		if (d->prof[i].what != P_SAME)
			return true;
	for (i = 0; i < d->nflow; i++)
		if (d->flow[i].what != F_SAME)
			return true;
	return false;
}

static void free_diff(struct diff *d)
{
	free(d->prof);
	free(d->flow);
}

static const char *ud(const struct flowset_profile *p)
{
	return p->udlen ? p->userdata : "";
}

/* One `flow` line of the save format, without its newline. */
static void flow_words(const struct flowlist *fl,
		       const struct flowlist_flow *f, char *buf, size_t len)
{
	FILE *m = fmemopen(buf, len, "w");
	size_t n;

	buf[0] = '\0';
	if (!m)
		return;
	save_write_flow(m, fl, f);
	fclose(m);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
}

static void print_words(const struct diff *d, const char *file, bool check,
			bool applied)
{
	char a[512], b[512];
	size_t i;

	if (!d->changes) {
		printf("%s: nothing to change\n", file);
		return;
	}
	printf("%s: %zu change%s%s\n", file, d->changes,
	       d->changes == 1 ? "" : "s",
	       check ? " (--check: nothing applied)" :
	       applied ? ", applied" : "");
	for (i = 0; i < NSETTINGS; i++) {
		if (d->cfg_changed & settings[i].bit)
			printf("  %s%s: %s -> %s\n",
			       settings[i].bit == CONFIG_MODE ? "" : "config ",
			       settings[i].name, d->now[i], d->want[i]);
	}
	for (i = 0; i < d->nprof; i++) {
		const struct flowset_profile *o = d->prof[i].now;
		const struct flowset_profile *w = d->prof[i].want;

		switch (d->prof[i].what) {
		case P_ENABLED:
			printf("  profile %s: enabled%s%s%s\n", w->name,
			       w->udlen ? " (" : "", ud(w), w->udlen ? ")" : "");
			break;
		case P_DISABLED:
			printf("  profile %s: disabled\n", o->name);
			break;
		case P_CHANGED:
			printf("  profile %s: '%s'%s -> '%s'%s\n", w->name, ud(o),
			       o->mode == EPGATE_MODE_MONITOR ? " monitor" : "",
			       ud(w),
			       w->mode == EPGATE_MODE_MONITOR ? " monitor" : "");
			break;
		case P_SAME:
			break;
		}
	}
	for (i = 0; i < d->nflow; i++) {
		switch (d->flow[i].what) {
		case F_ADDED:
			flow_words(d->wantfl, d->flow[i].want, a, sizeof(a));
			printf("  + %s\n", a);
			break;
		case F_REMOVED:
			flow_words(d->nowfl, d->flow[i].now, a, sizeof(a));
			printf("  - %s\n", a);
			break;
		case F_CHANGED:
			flow_words(d->nowfl, d->flow[i].now, a, sizeof(a));
			flow_words(d->wantfl, d->flow[i].want, b, sizeof(b));
			printf("  - %s\n  + %s\n", a, b);
			break;
		case F_SAME:
			break;
		}
	}
	if (d->order)
		printf("  flow order: changed (the first match wins)\n");
}

static void json_flow(struct json *j, const struct flowlist *fl,
		      const struct flowlist_flow *f)
{
	char a[512];

	json_object_begin(j, NULL);
	json_string(j, "profile", f->profile);
	json_string(j, "flow", f->name);
	flow_words(fl, f, a, sizeof(a));
	json_string(j, "line", a);
	json_object_end(j);
}

static void print_json(const struct diff *d, const char *file, bool check,
		       bool applied)
{
	static const char * const what[] = {
		[P_ENABLED] = "enabled", [P_DISABLED] = "disabled",
		[P_CHANGED] = "changed",
	};
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_string(&j, "file", file);
	json_bool(&j, "changed", d->changes != 0);
	json_bool(&j, "check", check);
	json_bool(&j, "applied", applied);
	json_u64(&j, "changes", d->changes);
	json_array_begin(&j, "settings");
	for (i = 0; i < NSETTINGS; i++) {
		if (!(d->cfg_changed & settings[i].bit))
			continue;
		json_object_begin(&j, NULL);
		json_string(&j, "setting", settings[i].name);
		json_string(&j, "from", d->now[i]);
		json_string(&j, "to", d->want[i]);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "profiles");
	for (i = 0; i < d->nprof; i++) {
		const struct flowset_profile *o = d->prof[i].now;
		const struct flowset_profile *w = d->prof[i].want;

		if (d->prof[i].what == P_SAME)
			continue;
		json_object_begin(&j, NULL);
		json_string(&j, "name", w ? w->name : o->name);
		json_string(&j, "change", what[d->prof[i].what]);
		if (o)
			json_string(&j, "from", ud(o));
		else
			json_null(&j, "from");
		if (w)
			json_string(&j, "to", ud(w));
		else
			json_null(&j, "to");
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "flows_added");
	for (i = 0; i < d->nflow; i++)
		if (d->flow[i].what == F_ADDED || d->flow[i].what == F_CHANGED)
			json_flow(&j, d->wantfl, d->flow[i].want);
	json_array_end(&j);
	json_array_begin(&j, "flows_removed");
	for (i = 0; i < d->nflow; i++)
		if (d->flow[i].what == F_REMOVED || d->flow[i].what == F_CHANGED)
			json_flow(&j, d->nowfl, d->flow[i].now);
	json_array_end(&j);
	json_bool(&j, "order_changed", d->order);
	json_object_end(&j);
	json_finish(&j);
}

/* Send what differs: one transaction either way. */
static int reach(struct epgate_genl *g, const struct diff *d,
		 const struct saveconf *sc)
{
	struct epgate_config delta = sc->cfg;

	delta.set = d->cfg_changed;
	if (flows_changed(d))
		return flowset_write_config(g, &sc->fs, &delta);
	return config_send_on(g, &delta);
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: %s apply [--check] [-j] [--unchecked] [--confirm SECONDS] [--force] FILE|-\n",
		prog);
}

int apply_main(int argc, const char *argv[])
{
	bool check = false, json = false, applied = false;
	const char *path = NULL;
	unsigned int flags = 0;
	struct epgate_status st;
	struct saveconf sc;
	struct epgate_genl g;
	struct flowset now;
	struct diff d;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--check")) {
			check = true;
		} else if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--unchecked")) {
			flags |= SAVE_UNCHECKED;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "%s: apply: unknown option '%s'\n",
				prog, argv[i]);
			usage();
			return 1;
		} else if (path) {
			fprintf(stderr, "%s: apply: one file, got '%s' and '%s'\n",
				prog, path, argv[i]);
			usage();
			return 1;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		fprintf(stderr, "%s: apply: which file? (the desired state, in the format save writes)\n",
			prog);
		usage();
		return 1;
	}
	if (save_load_file(path, flags, &sc, "apply"))
		return 1;
	if (flags & SAVE_UNCHECKED)
		save_lint_profiles(&sc);
	if (status_connect(&g, "apply")) {
		save_free(&sc);
		return 1;
	}
	memset(&now, 0, sizeof(now));
	ret = status_fetch(&g, &st);
	if (!ret)
		ret = flowset_read(&g, &now);
	if (ret) {
		fprintf(stderr, "%s: apply: cannot read the module's state: %s\n",
			prog, epgate_genl_strerror(&g, ret));
		goto out;
	}
	ret = compute(&d, &st, &now, &sc);
	if (ret) {
		fprintf(stderr, "%s: apply: %s\n", prog, strerror(-ret));
		goto out_diff;
	}
	if (d.changes && !check) {
		/* The lock-out guard: it prints its own line. */
		if (guard_change(&g, "apply", &sc.cfg, &sc.fs.fl)) {
			ret = -EPERM;
			goto out_diff;
		}
		ret = reach(&g, &d, &sc);
		if (ret)
			fprintf(stderr, "%s: apply: %s\n", prog,
				epgate_genl_strerror(&g, ret));
		applied = !ret;
	}
	if (!ret) {
		if (json)
			print_json(&d, path, check, applied);
		else
			print_words(&d, path, check, applied);
		if (applied)
			status_report_change(&g, "apply");
	}
out_diff:
	free_diff(&d);
out:
	flowset_free(&now);
	epgate_genl_close(&g);
	save_free(&sc);
	if (ret)
		return 1;
	return d.changes ? APPLY_CHANGED : 0;
}
