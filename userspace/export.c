// SPDX-License-Identifier: GPL-2.0
/*
 * epgate export nft [-j | --apply [--confirm SECONDS]] [--table NAME]
 *                   [--from-profiles NAME... [ROLE=PREFIX...]
 *                        [--with OPTION[,OPTION...]]... [--monitor]
 *                    | --from-file FILE [--unchecked]]
 *                   [--mode MODE] [--hooks H[,H...]] [--in IF[,IF...]|any]
 *                   [--out IF[,IF...]|any] [--mark VALUE/MASK|none]
 *
 * The enabled policy as an nftables ruleset (nftgen.h): `nft -f` text by
 * default, nftables JSON with -j, or installed at once through libnftnl
 * with --apply; --confirm SECONDS makes that a change the kernel takes
 * back by itself unless `epgate confirm` comes in time (nftpending.h),
 * as every change of the module can be.  The policy is the module's (its whole flow set and its
 * GET_STATUS configuration) unless --from-profiles compiles the named
 * profiles or --from-file reads a file of `epgate save`: the fallback for
 * a host that cannot load out-of-tree modules.  There, the mode is enforce
 * and the hook forward unless the file or the options say otherwise; the
 * options override the module's configuration too.  Roles bound to
 * address sets become named interval sets (`lan-v4`, `lan-v6`, ...); the
 * text's header says which epgate set became which nft sets.  A set of
 * the module's that follows hostnames (found as refresh finds them:
 * follow.h) says so in its comment, and `epgate refresh` keeps its
 * elements in step with the module's.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"
#include "config.h"
#include "flowset.h"
#include "follow.h"
#include "genl.h"
#include "nftgen.h"
#include "nftpending.h"
#include "profile.h"
#include "save.h"
#include "statusmsg.h"
#include "subcommands.h"

#define MAX_NAMES	EPGATE_MAX_PROFILES
#define MAX_BINDS	32
#define MAX_WITH	32

struct request {
	bool json, apply;
	unsigned int save_flags;	/* --unchecked: SAVE_UNCHECKED */
	const char *table;
	enum { FROM_MODULE, FROM_PROFILES, FROM_FILE } from;
	const char *file;
	const char *names[MAX_NAMES];
	size_t nnames;
	struct profile_binding binds[MAX_BINDS];
	struct addrset_cache sets;	/* sets.d, each file read once */
	size_t nbinds;
	const char *with[MAX_WITH];
	size_t nwith;
	bool monitor;
	/* --mode/--hooks/--in/--out/--mark as `epgate config` words. */
	const char *cwords[10];
	int ncwords;
	const char *mode;
};

static void usage(void)
{
	fprintf(stderr,
		"Usage: %s export nft [-j | --apply [--confirm SECONDS]] [--table NAME]\n"
		"         [--from-profiles NAME... [ROLE=PREFIX...] [--with OPTION[,OPTION...]]... [--monitor]\n"
		"          | --from-file FILE [--unchecked]]\n"
		"         [--mode off|monitor|enforce] [--hooks HOOK[,HOOK...]] [--in IF[,IF...]|any]\n"
		"         [--out IF[,IF...]|any] [--mark VALUE/MASK|none]\n",
		prog);
}

static bool table_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n >= NFTGEN_NAME_MAX ||
	    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return false;
	}
	return true;
}

static int add_binding(struct request *rq, const char *arg)
{
	char err[160];
	int ret;

	ret = profile_binding_add(rq->binds, &rq->nbinds, MAX_BINDS, arg,
				  addrset_lookup, &rq->sets, err, sizeof(err));
	if (ret)
		fprintf(stderr, "%s: export: %s\n", prog, err);
	return ret;
}

static int add_with(struct request *rq, char *list)
{
	char *save = NULL, *opt;

	for (opt = strtok_r(list, ",", &save); opt;
	     opt = strtok_r(NULL, ",", &save)) {
		if (rq->nwith == MAX_WITH) {
			fprintf(stderr, "%s: export: too many options (max %d)\n",
				prog, MAX_WITH);
			return -E2BIG;
		}
		rq->with[rq->nwith++] = opt;
	}
	return 0;
}

static int parse_args(struct request *rq, int argc, const char *argv[],
		      char **copies)
{
	static const char * const settings[] = {
		"--hooks", "--in", "--out", "--mark", "--priority",
	};
	int i;
	size_t s;

	rq->table = NFTGEN_TABLE_DEFAULT;
	if (argc < 2 || strcmp(argv[1], "nft")) {
		if (argc < 2)
			fprintf(stderr, "%s: export: missing the format (nft)\n",
				prog);
		else
			fprintf(stderr, "%s: export: unknown format '%s' (nft)\n",
				prog, argv[1]);
		usage();
		return -EINVAL;
	}
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		bool value = i + 1 < argc;

		for (s = 0; s < sizeof(settings) / sizeof(settings[0]); s++) {
			if (!strcmp(a, settings[s]))
				break;
		}
		if (!strcmp(a, "-j")) {
			rq->json = true;
		} else if (!strcmp(a, "--apply")) {
			rq->apply = true;
		} else if (!strcmp(a, "--table") && value) {
			rq->table = argv[++i];
			if (!table_name_ok(rq->table)) {
				fprintf(stderr, "%s: export: bad table name '%s'\n",
					prog, rq->table);
				return -EINVAL;
			}
		} else if (!strcmp(a, "--from-profiles") &&
			   rq->from == FROM_MODULE) {
			rq->from = FROM_PROFILES;
		} else if (!strcmp(a, "--from-file") && value &&
			   rq->from == FROM_MODULE) {
			rq->from = FROM_FILE;
			rq->file = argv[++i];
		} else if (!strcmp(a, "--unchecked")) {
			rq->save_flags |= SAVE_UNCHECKED;
		} else if (!strcmp(a, "--mode") && value && !rq->mode) {
			rq->mode = argv[++i];
		} else if (s < sizeof(settings) / sizeof(settings[0]) && value) {
			rq->cwords[rq->ncwords++] = settings[s] + 2;
			rq->cwords[rq->ncwords++] = argv[++i];
		} else if (rq->from == FROM_PROFILES && !strcmp(a, "--with") &&
			   value) {
			i++;
			copies[i] = strdup(argv[i]);
			if (!copies[i] || add_with(rq, copies[i]))
				return -EINVAL;
		} else if (rq->from == FROM_PROFILES && !strcmp(a, "--monitor")) {
			rq->monitor = true;
		} else if (rq->from == FROM_PROFILES && a[0] != '-' &&
			   strchr(a, '=')) {
			if (add_binding(rq, a))
				return -EINVAL;
		} else if (rq->from == FROM_PROFILES && a[0] != '-') {
			if (rq->nnames == MAX_NAMES) {
				fprintf(stderr, "%s: export: more than %d profiles\n",
					prog, MAX_NAMES);
				return -E2BIG;
			}
			rq->names[rq->nnames++] = a;
		} else {
			fprintf(stderr, "%s: export: unexpected '%s'\n", prog, a);
			usage();
			return -EINVAL;
		}
	}
	if (rq->json && rq->apply) {
		fprintf(stderr, "%s: export: -j and --apply exclude each other\n",
			prog);
		return -EINVAL;
	}
	/* epgate.c took --confirm SECONDS out of the words already. */
	if (epgate_confirm_secs && !rq->apply) {
		fprintf(stderr, "%s: export: --confirm goes with --apply\n",
			prog);
		return -EINVAL;
	}
	if (rq->save_flags && rq->from != FROM_FILE) {
		fprintf(stderr, "%s: export: --unchecked goes with --from-file\n",
			prog);
		return -EINVAL;
	}
	if (rq->from == FROM_PROFILES && !rq->nnames) {
		fprintf(stderr, "%s: export: --from-profiles needs at least one profile\n",
			prog);
		return -EINVAL;
	}
	return 0;
}

/* The flows of --from-profiles, each option and role checked. */
static int compile_profiles(const struct request *rq, struct flowlist *fl)
{
	struct profile *ps;
	struct profile_error err;
	char msg[384];
	size_t k, i, loaded = 0;
	int ret = -EINVAL;

	ps = calloc(rq->nnames, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	for (k = 0; k < rq->nnames; k++, loaded++) {
		if (profile_load(rq->names[k], &ps[k], &err)) {
			fprintf(stderr, "%s: export: ", prog);
			profile_perror(stderr, &err);
			goto out;
		}
	}
	for (i = 0; i < rq->nbinds; i++) {
		for (k = 0; k < rq->nnames; k++) {
			if (profile_has_role(&ps[k], rq->binds[i].role))
				break;
		}
		if (k == rq->nnames) {
			fprintf(stderr, "%s: export: no role '%s' in the profiles named\n",
				prog, rq->binds[i].role);
			goto out;
		}
	}
	for (i = 0; i < rq->nwith; i++) {
		for (k = 0; k < rq->nnames; k++) {
			if (profile_has_option(&ps[k], rq->with[i]))
				break;
		}
		if (k == rq->nnames) {
			fprintf(stderr, "%s: export: no option '%s' in the profiles named\n",
				prog, rq->with[i]);
			goto out;
		}
	}
	for (k = 0; k < rq->nnames; k++) {
		ret = profile_compile(&ps[k], rq->binds, rq->nbinds, rq->with,
				      rq->nwith, rq->monitor ?
				      EPGATE_MODE_MONITOR : EPGATE_MODE_ENFORCE,
				      fl, msg, sizeof(msg));
		if (ret) {
			fprintf(stderr, "%s: export: %s\n", prog, msg);
			goto out;
		}
	}
	ret = 0;
out:
	for (k = 0; k < loaded; k++)
		profile_free(&ps[k]);
	free(ps);
	return ret;
}

/* The settings @e has set, over the export's configuration @c. */
static void config_apply(struct nftgen_config *c, const struct epgate_config *e)
{
	if (e->set & CONFIG_MODE)
		c->mode = e->mode;
	if (e->set & CONFIG_HOOKS)
		c->hooks = e->hooks;
	if (e->set & CONFIG_LOG) {
		c->log_flags = e->log_flags;
		c->log_group = e->log_group;
	}
	if (e->set & CONFIG_MARK) {
		c->mark_value = e->mark_value;
		c->mark_mask = e->mark_mask;
	}
	if (e->set & CONFIG_PRIORITY)
		c->priority = e->priority;
	if (e->set & CONFIG_IN) {
		c->nin = e->nin;
		memcpy(c->in, e->in, sizeof(c->in));
	}
	if (e->set & CONFIG_OUT) {
		c->nout = e->nout;
		memcpy(c->out, e->out, sizeof(c->out));
	}
}

/* The policy: flows into @fl and configuration into @cfg. */
static int gather(const struct request *rq, struct flowset *fs,
		  struct nftgen_config *cfg)
{
	const char *words[10];
	struct epgate_config over;
	struct epgate_config ec;
	struct epgate_status st;
	struct epgate_genl g;
	struct saveconf sc;
	char err[512];
	int ret;

	memset(fs, 0, sizeof(*fs));
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->family, sizeof(cfg->family), NFTGEN_FAMILY_DEFAULT);
	snprintf(cfg->table, sizeof(cfg->table), "%s", rq->table);
	cfg->mode = EPGATE_MODE_ENFORCE;
	cfg->hooks = EPGATE_HOOK_FORWARD;
	cfg->priority = EPGATE_PRIORITY_DEFAULT;

	/* The overrides first: a typo is reported before any work. */
	memset(&over, 0, sizeof(over));
	memcpy(words, rq->cwords, sizeof(words));
	if (rq->ncwords &&
	    config_parse(rq->ncwords, words, &over, err, sizeof(err))) {
		fprintf(stderr, "%s: export: %s\n", prog, err);
		return -EINVAL;
	}
	if (rq->mode) {
		if (config_parse_mode(rq->mode, &over.mode)) {
			fprintf(stderr, "%s: export: bad mode '%s' (off, monitor, enforce)\n",
				prog, rq->mode);
			return -EINVAL;
		}
		over.set |= CONFIG_MODE;
	}

	switch (rq->from) {
	case FROM_MODULE:
		/* Without the module, say where else the policy can come from. */
		memset(&g, 0, sizeof(g));
		ret = epgate_genl_open(&g);
		epgate_genl_close(&g);
		if (ret == -ENOENT) {
			fprintf(stderr, "%s: kernel module not loaded (try: modprobe epgate; without it: export nft --from-file FILE or --from-profiles NAME...)\n",
				prog);
			return ret;
		}
		if (status_connect(&g, "export"))
			return -ENOENT;
		ret = status_fetch(&g, &st);
		if (!ret)
			ret = flowset_read(&g, fs);
		if (ret)
			fprintf(stderr, "%s: export: %s\n", prog,
				epgate_genl_strerror(&g, ret));
		epgate_genl_close(&g);
		if (ret)
			return ret;
		/* The module keeps no hostnames: find them as refresh does. */
		ret = follow_hosts(fs, err, sizeof(err));
		if (ret == -ENOMEM) {
			fprintf(stderr, "%s: export: %s\n", prog, err);
			return ret;
		}
		if (ret)
			fprintf(stderr, "%s: export: warning: %s: no set is said to follow hostnames\n",
				prog, err);
		config_from_status(&ec, &st);	/* every setting */
		config_apply(cfg, &ec);
		break;
	case FROM_PROFILES:
		ret = compile_profiles(rq, &fs->fl);
		if (ret)
			return ret;
		break;
	case FROM_FILE:
		ret = save_load_file(rq->file, rq->save_flags, &sc, "export");
		if (ret)
			return ret;
		config_apply(cfg, &sc.cfg);
		*fs = sc.fs;
		memset(&sc.fs, 0, sizeof(sc.fs));
		save_free(&sc);
		break;
	}
	config_apply(cfg, &over);
	return 0;
}

/*
 * The lint warnings `profile check` and `enable` give, for the profiles in
 * the exported policy that have a profile file (on stderr: the ruleset is
 * on stdout).
 */
static void lint_policy(const struct request *rq, const struct flowset *fs)
{
	const char *names[EPGATE_MAX_PROFILES];
	size_t i, n;

	if (rq->from == FROM_PROFILES) {
		profile_lint_names(rq->names, rq->nnames, stderr);
		return;
	}
	n = fs->nprofiles < EPGATE_MAX_PROFILES ? fs->nprofiles :
						  EPGATE_MAX_PROFILES;
	for (i = 0; i < n; i++)
		names[i] = fs->profiles[i].name;
	profile_lint_names(names, n, stderr);
}

int export_main(int argc, const char *argv[])
{
	struct request rq;
	struct nftgen_config cfg;
	struct flowset fs;
	struct nftpending_state st;
	struct nftgen g;
	char **copies, err[256], hooks[32];
	size_t nrules = 0, i;
	int ret = -1;

	memset(&rq, 0, sizeof(rq));
	copies = calloc(argc + 1, sizeof(*copies));
	if (!copies) {
		fprintf(stderr, "%s: export: %s\n", prog, strerror(ENOMEM));
		return 1;
	}
	if (parse_args(&rq, argc, argv, copies) || gather(&rq, &fs, &cfg))
		goto out;
	lint_policy(&rq, &fs);
	ret = nftgen_build(&fs.fl, &cfg, &g, err, sizeof(err));
	flowset_free(&fs);
	if (ret) {
		fprintf(stderr, "%s: export: %s\n", prog, err);
		goto out;
	}
	if (rq.apply) {
		ret = nftgen_apply(&g, epgate_confirm_secs, &st, err,
				   sizeof(err));
		if (ret) {
			fprintf(stderr, "%s: export: %s\n", prog, err);
		} else {
			if (epgate_confirm_secs && st.live)
				printf("%s: export: joins the change of table %s %s that awaits its confirm\n",
				       prog, cfg.family, cfg.table);
			for (i = 0; i < NFTGEN_NCHAINS; i++)
				nrules += g.chains[i].n;
			printf("table %s %s: %zu flows, %zu sets, %zu rules, mode %s, hooks %s\n",
			       cfg.family, cfg.table, g.nflows,
			       g.nsets + g.naddrsets, nrules,
			       mode_name(cfg.mode),
			       nftgen_hooks(cfg.hooks, hooks, sizeof(hooks)));
			if (epgate_confirm_secs)
				printf("%s: export: rolled back in %u s unless 'epgate confirm'\n",
				       prog, epgate_confirm_secs);
		}
		nftpending_free(&st);
	} else if (rq.json) {
		nftgen_print_json(&g, stdout);
	} else {
		nftgen_print(&g, stdout);
	}
	nftgen_free(&g);
out:
	profile_bindings_free(rq.binds, rq.nbinds);
	addrset_cache_free(&rq.sets);
	for (i = 0; i < (size_t)argc; i++)
		free(copies[i]);
	free(copies);
	return ret ? 1 : 0;
}
