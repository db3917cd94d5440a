// SPDX-License-Identifier: GPL-2.0
/*
 * epgate enable NAME... [ROLE=A[,B...]...] [--with OPTION...] [--monitor]
 *   (A: ADDR[/LEN], @SET, a named set of /etc/epgate/sets.d, or HOSTNAME)
 * epgate disable NAME...
 *
 * Both read the module's whole set (flowset_read), change it in memory and
 * write it back in one transaction carrying the generation it was read at:
 * if another writer got in between, the kernel says -ESTALE and the read,
 * change and write start over (also on -EBUSY, another socket's transaction
 * in progress), for about 10 s before giving up with the error.  The other profiles' flows travel back
 * exactly as the module had them, so their counters keep counting.
 *
 * How a profile was enabled is stored with it in the module (profile user
 * data) as the arguments that would enable it again, e.g.
 * "server=10.0.0.5/32 --with push --monitor".
 *
 * Hostnames (in a binding or in a set file it names) are asked of DNS
 * before anything is read from the module: the bindings are parsed once to
 * collect the names, the names resolved in one batch, and parsed again with
 * each name's addresses (and the addresses the names state file still
 * holds for it, hosts.h).  A name without an address refuses the whole
 * enable; the state file is written after the change, for `refresh` and
 * `status`.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "addrset.h"
#include "flowset.h"
#include "guard.h"
#include "hosts.h"
#include "profile.h"
#include "statusmsg.h"
#include "subcommands.h"

#define MAX_NAMES	EPGATE_MAX_PROFILES
#define MAX_BINDS	32
#define MAX_WITH	32

struct request {
	const char *cmd;		/* "enable" or "disable" */
	const char *names[MAX_NAMES];
	size_t nnames;
	struct profile_binding binds[MAX_BINDS];
	size_t nbinds;
	/* Every ROLE= word as typed, for the user data. */
	const char *bind_args[MAX_BINDS];
	char bind_roles[MAX_BINDS][EPGATE_NAME_MAX];
	size_t nargs;
	struct addrset_cache sets;	/* sets.d, each file read once */
	struct hosts hosts;		/* the names bindings follow */
	const char *with[MAX_WITH];
	size_t nwith;
	bool monitor;
	bool bind_hosts;		/* --bind-hosts */
	char *host_args[MAX_BINDS];	/* the ROLE=NAME,... it made */
	size_t nhost_args;
	struct profile *profiles;	/* nnames of them (enable) */
};

static int add_name(struct request *rq, const char *name)
{
	size_t i;

	for (i = 0; i < rq->nnames; i++) {
		if (!strcmp(rq->names[i], name)) {
			fprintf(stderr, "%s: %s: profile '%s' named twice\n",
				prog, rq->cmd, name);
			return -EINVAL;
		}
	}
	if (rq->nnames == MAX_NAMES) {
		fprintf(stderr, "%s: %s: too many profiles (max %d)\n", prog,
			rq->cmd, MAX_NAMES);
		return -E2BIG;
	}
	rq->names[rq->nnames++] = name;
	return 0;
}

static int add_binding(struct request *rq, const char *arg)
{
	char err[160];
	int ret;

	if (rq->nargs == MAX_BINDS) {
		fprintf(stderr, "%s: enable: more than %d bindings\n", prog,
			MAX_BINDS);
		return -E2BIG;
	}
	ret = profile_binding_add(rq->binds, &rq->nbinds, MAX_BINDS, arg,
				  addrset_lookup, &rq->sets, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: enable: %s\n", prog, err);
		return ret;
	}
	snprintf(rq->bind_roles[rq->nargs], EPGATE_NAME_MAX, "%.*s",
		 (int)(strchr(arg, '=') - arg), arg);
	rq->bind_args[rq->nargs++] = arg;
	return 0;
}

/* "push,legacy" or "push": each option once. */
static int add_with(struct request *rq, char *list)
{
	char *save = NULL, *opt;
	size_t i;

	for (opt = strtok_r(list, ",", &save); opt;
	     opt = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < rq->nwith; i++) {
			if (!strcmp(rq->with[i], opt))
				break;
		}
		if (i < rq->nwith)
			continue;
		if (rq->nwith == MAX_WITH) {
			fprintf(stderr, "%s: enable: too many options (max %d)\n",
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
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(rq->cmd, "enable") && !strcmp(a, "--monitor")) {
			rq->monitor = true;
		} else if (!strcmp(rq->cmd, "enable") && !strcmp(a, "--bind-hosts")) {
			rq->bind_hosts = true;
		} else if (!strcmp(rq->cmd, "enable") && !strcmp(a, "--with")) {
			if (++i == argc || !*argv[i]) {
				usage_error(rq->cmd, "missing an option after --with");
				return -EINVAL;
			}
			copies[i] = strdup(argv[i]);
			if (!copies[i] || add_with(rq, copies[i]))
				return -EINVAL;
		} else if (a[0] == '-') {
			usage_error(rq->cmd, "unknown option '%s'", a);
			return -EINVAL;
		} else if (strchr(a, '=')) {
			if (strcmp(rq->cmd, "enable")) {
				usage_error(rq->cmd,
					    "'%s': disable takes profile names, not bindings",
					    a);
				return -EINVAL;
			}
			if (add_binding(rq, a))
				return -EINVAL;
		} else if (add_name(rq, a)) {
			return -EINVAL;
		}
	}
	if (!rq->nnames) {
		usage_error(rq->cmd, "missing a profile name");
		return -EINVAL;
	}
	return 0;
}

/*
 * The bindings name hostnames (the first parse only followed them): ask
 * DNS, then parse the bindings again with the names' addresses.  A name
 * without an address in force is refused with its DNS status.
 */
static int resolve_bindings(struct request *rq)
{
	const char **names;
	char err[512];
	int64_t now = time(NULL);
	size_t i, n = rq->hosts.nseen;
	int ret;

	names = calloc(n, sizeof(*names));
	if (!names) {
		fprintf(stderr, "%s: enable: %s\n", prog, strerror(ENOMEM));
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		names[i] = rq->hosts.seen[i];
	ret = hosts_resolve(&rq->hosts, names, n, now, err, sizeof(err));
	free(names);
	if (ret < 0) {
		fprintf(stderr, "%s: enable: %s\n", prog, err);
		return ret;
	}
	names_expire(&rq->hosts.ns, now);
	profile_bindings_free(rq->binds, rq->nbinds);
	rq->nbinds = 0;
	addrset_cache_free(&rq->sets);
	memset(&rq->sets.loaded, 0, sizeof(rq->sets.loaded));
	rq->hosts.collect = false;
	rq->hosts.now = now;
	for (i = 0; i < rq->nargs; i++) {
		ret = profile_binding_add(rq->binds, &rq->nbinds, MAX_BINDS,
					  rq->bind_args[i], addrset_lookup,
					  &rq->sets, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "%s: enable: %s\n", prog, err);
			return ret;
		}
	}
	return 0;
}

/*
 * --bind-hosts: each role for which a named profile lists hosts is bound
 * to them, as if ROLE=NAME,NAME... had been typed (so that the user data,
 * hence refresh, save and restore, see ordinary hostname bindings).
 */
static int add_profile_hosts(struct request *rq)
{
	size_t k, i, m, len;
	char *arg;

	for (k = 0; k < rq->nnames; k++) {
		const struct profile *p = &rq->profiles[k];

		for (i = 0; i < p->nhosts; i++) {
			/* One argument per role, at the role's first host. */
			for (m = 0; m < i; m++) {
				if (!strcmp(p->hosts[m].role, p->hosts[i].role))
					break;
			}
			if (m < i)
				continue;
			len = strlen(p->hosts[i].role) + 2;
			for (m = i; m < p->nhosts; m++) {
				if (!strcmp(p->hosts[m].role, p->hosts[i].role))
					len += strlen(p->hosts[m].name) + 1;
			}
			if (rq->nhost_args == MAX_BINDS)
				return -E2BIG;
			arg = malloc(len);
			if (!arg)
				return -ENOMEM;
			rq->host_args[rq->nhost_args++] = arg;
			len = sprintf(arg, "%s=", p->hosts[i].role);
			for (m = i; m < p->nhosts; m++) {
				if (!strcmp(p->hosts[m].role, p->hosts[i].role))
					len += sprintf(arg + len, "%s%s",
						       arg[len - 1] == '=' ? "" : ",",
						       p->hosts[m].name);
			}
			if (add_binding(rq, arg))
				return -EINVAL;
		}
	}
	if (!rq->nhost_args) {
		fprintf(stderr, "%s: enable: --bind-hosts: %s lists no hosts (see: %s profile show %s)\n",
			prog, rq->nnames > 1 ? "none of the profiles" : rq->names[0],
			prog, rq->names[0]);
		return -EINVAL;
	}
	return 0;
}

/* Every role bound and every option asked for exists somewhere. */
static int check_request(const struct request *rq)
{
	size_t i, k;

	for (i = 0; i < rq->nbinds; i++) {
		for (k = 0; k < rq->nnames; k++) {
			if (profile_has_role(&rq->profiles[k], rq->binds[i].role))
				break;
		}
		if (k == rq->nnames) {
			fprintf(stderr,
				"%s: enable: no role '%s' in %s%s (see: %s profile show %s)\n",
				prog, rq->binds[i].role,
				rq->nnames > 1 ? "any of the profiles " : "profile ",
				rq->names[0], prog, rq->names[0]);
			return -EINVAL;
		}
	}
	for (i = 0; i < rq->nwith; i++) {
		for (k = 0; k < rq->nnames; k++) {
			if (profile_has_option(&rq->profiles[k], rq->with[i]))
				break;
		}
		if (k == rq->nnames) {
			fprintf(stderr,
				"%s: enable: no option '%s' in %s%s (see: %s profile show %s)\n",
				prog, rq->with[i],
				rq->nnames > 1 ? "any of the profiles " : "profile ",
				rq->names[0], prog, rq->names[0]);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * The user data of one profile: the arguments that apply to it, as typed.
 * -E2BIG when they do not fit EPGATE_USERDATA_MAX: the module could not
 * say how the profile was enabled, and save could not enable it again.
 */
static int userdata(const struct request *rq, const struct profile *p,
		    struct flowset_profile *fp)
{
	char *out = fp->userdata;
	size_t room = EPGATE_USERDATA_MAX + 1, n = 0, i;
	bool cut = false;

#define APPEND(...) do {						\
	int w_ = snprintf(out + n, room - n, __VA_ARGS__);		\
	if (w_ > 0 && (size_t)w_ < room - n)				\
		n += w_;						\
	else								\
		cut = true;						\
} while (0)
	for (i = 0; i < rq->nargs; i++) {
		if (profile_has_role(p, rq->bind_roles[i]))
			APPEND("%s%s", n ? " " : "", rq->bind_args[i]);
	}
	for (i = 0; i < rq->nwith; i++) {
		if (profile_has_option(p, rq->with[i]))
			APPEND("%s--with %s", n ? " " : "", rq->with[i]);
	}
	if (rq->monitor)
		APPEND("%s--monitor", n ? " " : "");
#undef APPEND
	fp->udlen = n;
	if (!cut)
		return 0;
	fprintf(stderr,
		"%s: enable: the arguments of profile %s are longer than the %d bytes the module keeps of them: put the prefixes in a set file (ROLE=@NAME, %s/NAME.set)\n",
		prog, p->name, EPGATE_USERDATA_MAX, addrset_dir());
	return -E2BIG;
}

/* Apply the request to the snapshot @fs. */
static int change(const struct request *rq, struct flowset *fs)
{
	uint8_t mode = rq->monitor ? EPGATE_MODE_MONITOR : EPGATE_MODE_ENFORCE;
	size_t k, before;
	char err[384];
	int ret;

	for (k = 0; k < rq->nnames; k++) {
		if (!strcmp(rq->cmd, "disable") &&
		    flowset_profile_index(fs, rq->names[k]) < 0) {
			fprintf(stderr, "%s: disable: profile '%s' is not enabled\n",
				prog, rq->names[k]);
			return -ENOENT;
		}
		flowset_remove_profile(fs, rq->names[k]);
	}
	if (strcmp(rq->cmd, "enable"))
		return 0;

	for (k = 0; k < rq->nnames; k++) {
		const struct profile *p = &rq->profiles[k];
		struct flowset_profile *fp;

		if (fs->nprofiles == EPGATE_MAX_PROFILES) {
			fprintf(stderr, "%s: enable: too many profiles enabled (max %d)\n",
				prog, EPGATE_MAX_PROFILES);
			return -E2BIG;
		}
		before = fs->fl.n;
		ret = profile_compile(p, rq->binds, rq->nbinds, rq->with,
				      rq->nwith, mode, &fs->fl, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "%s: enable: %s\n", prog, err);
			return ret;
		}
		fp = &fs->profiles[fs->nprofiles++];
		memset(fp, 0, sizeof(*fp));
		snprintf(fp->name, sizeof(fp->name), "%s", p->name);
		fp->mode = mode;
		fp->nflows = fs->fl.n - before;
		ret = userdata(rq, p, fp);
		if (ret)
			return ret;
	}
	ret = flowlist_set_ids(&fs->fl, NULL, NULL, NULL, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: enable: %s\n", prog,
			ret == -ENOMEM ? strerror(ENOMEM) : err);
		return ret;
	}
	/* The counters arrays are not sent; keep them from being misread. */
	free(fs->packets);
	free(fs->bytes);
	fs->packets = fs->bytes = NULL;
	return 0;
}

/* Lint the profiles that will be enabled together; warnings only. */
static void lint_together(const struct request *rq, const struct flowset *fs)
{
	const struct profile *all[EPGATE_MAX_PROFILES] = { NULL };
	struct profile others[EPGATE_MAX_PROFILES];
	struct profile_error err;
	size_t n = 0, nothers = 0, i, k;

	memset(others, 0, sizeof(others));
	for (k = 0; k < rq->nnames; k++) {
		profile_lint(&rq->profiles[k], stderr);
		all[n++] = &rq->profiles[k];
	}
	for (i = 0; i < fs->nprofiles && n < EPGATE_MAX_PROFILES; i++) {
		for (k = 0; k < rq->nnames; k++) {
			if (!strcmp(fs->profiles[i].name, rq->names[k]))
				break;
		}
		/* Profiles loaded with `epgate load` have no file: skip. */
		if (k < rq->nnames ||
		    profile_load(fs->profiles[i].name, &others[nothers], &err))
			continue;
		all[n++] = &others[nothers++];
	}
	profile_lint_set(all, n, stderr);
	for (i = 0; i < nothers; i++)
		profile_free(&others[i]);
}

static void report(const struct request *rq, const struct flowset *fs)
{
	size_t k;
	int i;

	for (k = 0; k < rq->nnames; k++) {
		if (strcmp(rq->cmd, "enable")) {
			printf("%s: disabled\n", rq->names[k]);
			continue;
		}
		i = flowset_profile_index(fs, rq->names[k]);
		printf("%s: enabled, %u flows, %s%s%s\n", rq->names[k],
		       fs->profiles[i].nflows,
		       mode_name(fs->profiles[i].mode),
		       fs->profiles[i].udlen ? ", " : "",
		       fs->profiles[i].userdata);
	}
}

/* The names state after an enable that follows names, for refresh and status. */
static void write_names(struct request *rq)
{
	char err[512];

	if (hosts_state_write(&rq->hosts.ns, err, sizeof(err)))
		fprintf(stderr, "%s: enable: warning: %s\n", prog, err);
}

static int run(struct request *rq)
{
	struct epgate_genl g;
	struct flowset fs;
	unsigned int tries;
	int ret;

	if (status_connect(&g, rq->cmd))
		return -1;
	for (tries = 0;; tries++) {
		ret = flowset_read(&g, &fs);
		if (ret) {
			fprintf(stderr, "%s: %s: cannot read the flow set: %s\n",
				prog, rq->cmd, epgate_genl_strerror(&g, ret));
			break;
		}
		ret = change(rq, &fs);
		if (ret) {
			flowset_free(&fs);
			break;
		}
		if (!tries && !strcmp(rq->cmd, "enable"))
			lint_together(rq, &fs);
		ret = guard_change(&g, rq->cmd, NULL, &fs.fl);
		if (ret) {
			flowset_free(&fs);
			break;
		}
		ret = flowset_write(&g, &fs, true);
		if (flowset_retry(ret, tries)) {
			flowset_free(&fs);
			continue;	/* somebody else wrote or writes: again */
		}
		if (ret)
			fprintf(stderr, "%s: %s: %s\n", prog, rq->cmd,
				epgate_genl_strerror(&g, ret));
		else
			report(rq, &fs);
		if (!ret)
			status_report_change(&g, rq->cmd);
		if (!ret && rq->hosts.nseen)
			write_names(rq);
		flowset_free(&fs);
		break;
	}
	epgate_genl_close(&g);
	return ret;
}

static int enable_disable(const char *cmd, int argc, const char *argv[])
{
	struct request rq = { .cmd = cmd };
	struct profile_error err;
	char **copies;
	size_t k, loaded = 0;
	int i, ret = -1;

	copies = calloc(argc, sizeof(*copies));
	if (!copies) {
		fprintf(stderr, "%s: %s: %s\n", prog, cmd, strerror(ENOMEM));
		return 1;
	}
	hosts_init(&rq.hosts, NULL);
	rq.hosts.collect = true;
	rq.sets.hosts = hosts_lookup;
	rq.sets.hosts_ctx = &rq.hosts;
	if (parse_args(&rq, argc, argv, copies))
		goto out;
	if (!strcmp(cmd, "enable")) {
		rq.profiles = calloc(rq.nnames, sizeof(*rq.profiles));
		if (!rq.profiles)
			goto out;
		for (k = 0; k < rq.nnames; k++, loaded++) {
			if (profile_load(rq.names[k], &rq.profiles[k], &err)) {
				fprintf(stderr, "%s: %s: ", prog, cmd);
				profile_perror(stderr, &err);
				goto out;
			}
		}
		if (rq.bind_hosts && add_profile_hosts(&rq))
			goto out;
		if (check_request(&rq))
			goto out;
	}
	if (rq.hosts.nseen) {
		char msg[512];

		/* Leaving addresses a refresh still keeps stay in force. */
		if (hosts_state_load(&rq.hosts.ns, msg, sizeof(msg)))
			fprintf(stderr, "%s: enable: warning: %s (ignored)\n",
				prog, msg);
		for (k = 0; k < rq.hosts.nseen; k++) {
			if (names_add(&rq.hosts.ns, rq.hosts.seen[k]))
				goto out;
		}
		if (resolve_bindings(&rq))
			goto out;
	}
	ret = run(&rq);
out:
	profile_bindings_free(rq.binds, rq.nbinds);
	addrset_cache_free(&rq.sets);
	hosts_free(&rq.hosts);
	for (k = 0; k < rq.nhost_args; k++)
		free(rq.host_args[k]);
	for (k = 0; k < loaded; k++)
		profile_free(&rq.profiles[k]);
	free(rq.profiles);
	for (i = 0; i < argc; i++)
		free(copies[i]);
	free(copies);
	return ret ? 1 : 0;
}

int enable_main(int argc, const char *argv[])
{
	return enable_disable("enable", argc, argv);
}

int disable_main(int argc, const char *argv[])
{
	return enable_disable("disable", argc, argv);
}
