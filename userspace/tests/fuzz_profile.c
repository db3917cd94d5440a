// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the profile parser, the override parser, the
 * compiler and the lint (`make fuzz`, needs clang).  The input is a profile,
 * optionally followed by a NUL byte and an override file (a NUL is an
 * error in both formats, so it never hides a valid input).  Invariants
 * checked beyond the sanitizers': an error has a position and a message
 * and leaves the profile empty (or, for an override, unchanged); a parsed
 * profile obeys every limit; compiled flows fit the kernel's names.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

static FILE *devnull;

static void check_profile(const struct profile *p)
{
	size_t i;

	if (!p->name[0] || strlen(p->name) >= EPGATE_NAME_MAX ||
	    !p->description[0] || !p->document[0] || !p->nroles ||
	    !p->nflows || p->nflows > EPGATE_MAX_FLOWS)
		abort();
	for (i = 0; i < p->nflows; i++) {
		const struct profile_flow *f = &p->flows[i];
		unsigned int k;

		if (!f->name[0] || !f->nranges || f->nranges > EPGATE_MAX_RANGES ||
		    !f->protos || f->protos > 3 || f->from < 0 || f->to < 0 ||
		    (size_t)f->from >= p->nroles || (size_t)f->to >= p->nroles ||
		    f->option >= (int)p->noptions || !f->description[0] ||
		    !f->source[0] || f->nservices > 4 || !f->line)
			abort();
		for (k = 0; k < f->nranges; k++) {
			if (!f->ranges[k].lo || f->ranges[k].lo > f->ranges[k].hi)
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *nul;
	const char *with[64];
	struct profile_flow *before;
	struct flowlist fl = { 0 };
	struct profile_error err;
	struct profile p;
	size_t len, i, nwith;
	int ret;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	nul = memchr(buf, '\0', size);
	len = nul ? (size_t)(nul - buf) : size;

	if (profile_parse("f.profile", buf, nul ? len : size, &p, &err)) {
		if (!err.line || !err.msg[0] || p.flows || p.roles || p.nflows)
			abort();
		return 0;
	}
	check_profile(&p);

	if (nul) {
		before = malloc(p.nflows * sizeof(*before));
		if (!before)
			abort();
		memcpy(before, p.flows, p.nflows * sizeof(*before));
		ret = profile_override(&p, "f.override", nul + 1,
				       size - len - 1, &err);
		if (ret && (!err.line || !err.msg[0] ||
			    memcmp(before, p.flows, p.nflows * sizeof(*before))))
			abort();
		free(before);
		check_profile(&p);
	}

	nwith = p.noptions < 64 ? p.noptions : 64;
	for (i = 0; i < nwith; i++)
		with[i] = p.options[i].name;
	ret = profile_compile(&p, NULL, 0, with, nwith, EPGATE_MODE_ENFORCE,
			      &fl, NULL, 0);
	if (ret && ret != -E2BIG)
		abort();
	for (i = 0; i < fl.n; i++) {
		if (!fl.flows[i].name[0] ||
		    strnlen(fl.flows[i].name, EPGATE_NAME_MAX) >= EPGATE_NAME_MAX ||
		    fl.flows[i].from.family || fl.flows[i].to.family)
			abort();
	}
	profile_lint(&p, devnull);
	{
		const struct profile *set[2] = { &p, &p };

		profile_lint_set(set, 2, devnull);
	}
	flowlist_free(&fl);
	profile_free(&p);
	return 0;
}
