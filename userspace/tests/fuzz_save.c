// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the save-file parser of `epgate restore` and
 * `export nft --from-file` (`make fuzz`, needs clang), with and without
 * the trailer check.  Invariants beyond the sanitizers': an error is one
 * line naming the file and nothing is returned; a checked parse succeeds
 * only when the trailer matches; every flow obeys the shared flow rules
 * (flowcheck.h); an accepted state written back by save_write() parses
 * again, checked, to as many profiles and flows; with the names state a
 * restore of it seeds (save_seed_names()), it is written back with its
 * `host` lines, and that file written again from its own parse is the
 * same bytes.  The first byte picks the mode (even: checked), so one
 * corpus serves both.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowcheck.h"
#include "names.h"
#include "save.h"

const char *prog = "epgate";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* enable lines load the shipped profiles (run from userspace/). */
	setenv("EPGATE_PROFILE_PATH", "../profiles", 1);
	return 0;
}

static void check_flows(const struct flowset *fs)
{
	size_t i, k, j;

	for (i = 0; i < fs->fl.n; i++) {
		const struct flowlist_flow *f = &fs->fl.flows[i];

		if (!flowcheck_name_ok(f->profile, strlen(f->profile)) ||
		    !flowcheck_name_ok(f->name, strlen(f->name)) ||
		    !f->nranges || f->nranges > EPGATE_MAX_RANGES ||
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
	if (fs->fl.n > EPGATE_MAX_FLOWS || fs->nprofiles > EPGATE_MAX_PROFILES)
		abort();
}

#define NOW 1700000000

/* save_write() of @sc with the names state @ns; NULL on -ENOMEM. */
static char *written(const struct saveconf *sc, const struct names *ns,
		     size_t *len)
{
	struct epgate_status st;
	char *text = NULL;
	FILE *f;

	memset(&st, 0, sizeof(st));
	st.mode = sc->cfg.mode;
	st.hooks = sc->cfg.hooks ? sc->cfg.hooks : EPGATE_HOOK_FORWARD;
	st.mark_value = sc->cfg.mark_value;
	st.mark_mask = sc->cfg.mark_mask;
	st.log_flags = sc->cfg.log_flags;
	st.log_group = sc->cfg.log_group;
	st.nin = sc->cfg.nin;
	memcpy(st.in, sc->cfg.in, sizeof(st.in));
	st.nout = sc->cfg.nout;
	memcpy(st.out, sc->cfg.out, sizeof(st.out));
	f = open_memstream(&text, len);
	if (!f)
		return NULL;
	if (save_write(f, &st, &sc->fs, ns, NULL)) {
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	return text;
}

/*
 * save_write() of @sc, parsed back with its trailer checked: without a
 * names state (hostname-bound profiles as flows), then with the one a
 * restore of @sc seeds (as `host` and `enable` lines).
 */
static void round_trip(const struct saveconf *sc)
{
	struct saveconf back;
	char err[768], *text, *text2;
	size_t len = 0, len2 = 0;
	struct names ns;

	text = written(sc, NULL, &len);
	if (!text)
		return;
	if (save_parse("fuzz.conf", text, len, 0, &back, err, sizeof(err)))
		abort();
	/* A profile without flows is left out of the file (with a warning). */
	if (back.fs.fl.n != sc->fs.fl.n || back.fs.nprofiles > sc->fs.nprofiles ||
	    back.nhosts)
		abort();
	save_free(&back);
	free(text);

	names_init(&ns, NULL);
	if (save_seed_names(sc, &ns, NOW, err, sizeof(err)))
		goto out;
	text = written(sc, &ns, &len);
	if (!text)
		goto out;
	if (save_parse("fuzz.conf", text, len, 0, &back, err, sizeof(err)))
		abort();
	if (back.fs.fl.n != sc->fs.fl.n || back.fs.nprofiles > sc->fs.nprofiles)
		abort();
	/* Saved again after restoring it: the same file. */
	names_free(&ns);
	names_init(&ns, NULL);
	if (save_seed_names(&back, &ns, NOW, err, sizeof(err)))
		abort();
	text2 = written(&back, &ns, &len2);
	if (text2 && (len2 != len || memcmp(text, text2, len)))
		abort();
	free(text2);
	save_free(&back);
	free(text);
out:
	names_free(&ns);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int flags;
	struct saveconf sc;
	char err[768];
	int ret;

	if (!size)
		return 0;
	flags = data[0] & 1 ? SAVE_UNCHECKED : 0;
	ret = save_parse("fuzz.conf", (const char *)data + 1, size - 1, flags,
			 &sc, err, sizeof(err));
	if (ret) {
		if (strncmp(err, "fuzz.conf:", 10) || strchr(err, '\n') ||
		    sc.fs.nprofiles || sc.fs.fl.n || sc.cfg.set)
			abort();
		return 0;
	}
	if (!flags && save_check("fuzz.conf", (const char *)data + 1, size - 1,
				 0, err, sizeof(err)))
		abort();
	check_flows(&sc.fs);
	round_trip(&sc);
	save_free(&sc);
	return 0;
}
