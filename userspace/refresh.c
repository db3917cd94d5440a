// SPDX-License-Identifier: GPL-2.0
/*
 * epgate refresh [--daemon [--ttl-min S] [--ttl-max S] [--grace S]
 *                [--retry-max S]]
 *
 * The roles bound to hostnames follow DNS.  Which names are followed is
 * read from the module: every enabled profile whose arguments (its user
 * data, as `enable` stored them) name a hostname, directly or in a set
 * file of sets.d.  Such a profile is compiled again from its profile file,
 * its arguments, sets.d and the names' addresses in force (hosts.h,
 * names.h, follow.h), and the whole flow set is written back in one
 * generation-checked transaction only when a flow changed: flow
 * identities (profile, flow) are kept, so every counter keeps counting.
 * A profile that cannot be compiled again (a name with no address yet, a
 * set file gone, a profile file broken) keeps its flows as they are, with
 * a warning: never an empty role, never an open one.  Profiles without
 * hostnames are sent back exactly as the module has them.
 *
 * An installed `export nft` follows too: when table inet epgate exists,
 * the elements of its sets that follow hostnames are made the module's,
 * in one nf_tables transaction that touches nothing else (nftsync.h).
 * Its failure is one line and changes nothing in the module's update.
 *
 * One shot: ask DNS for every followed name once, push, write the state
 * file; exit 0 (nothing changed), 2 (the flow set or the export's sets
 * changed), 1 (error, the export's update included).
 * --daemon: the same for each name when it is due (its TTL, clamped, or
 * its retry after a failure) and for each leaving address when its grace
 * runs out, sleeping in between; SIGHUP wakes it at once (e.g. after an
 * enable), SIGTERM and SIGINT end it.
 */

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "flowset.h"
#include "follow.h"
#include "hosts.h"
#include "nftgen.h"
#include "nftsync.h"
#include "resolve.h"
#include "statusmsg.h"
#include "subcommands.h"

/* The daemon reads the module's profiles at least this often (seconds). */
#define REFRESH_IDLE_MAX	60

int hosts_resolve(struct hosts *h, const char *const *names, size_t n,
		  int64_t now, char *err, size_t errlen)
{
	struct resolve_opts o = { .server = resolve_server_env() };
	struct resolve_answer *a;
	int ret, changed = 0;
	size_t i;

	if (!n)
		return 0;
	a = calloc(n, sizeof(*a));
	if (!a) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	ret = resolve_batch(names, n, &o, a, err, errlen);
	if (ret) {
		free(a);
		return ret;
	}
	for (i = 0; i < n; i++) {
		ret = names_apply(&h->ns, names[i], &a[i], now);
		if (ret == -ENOMEM) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			changed = ret;
		} else if (ret > 0 && changed >= 0) {
			changed = 1;
		}
		resolve_answer_free(&a[i]);
	}
	free(a);
	return changed;
}

struct refresh {
	struct hosts h;
	struct epgate_genl g;
	bool daemon;
	bool quiet;
	/* The installed export (nftsync.h), this round: */
	struct nftsync_result nft;	/* the sets whose elements were replaced */
	bool nft_failed;
	char nft_err[512];		/* the failure said last (daemon: once) */
};

/*
 * An installed `export nft` follows the module too: the sets of @fs (the
 * module's policy, its sets knowing their hostnames) that follow names,
 * in the export's default table, get the module's elements (nftsync.h).
 * A failure is one line; the daemon says the same failure only once.
 */
static void follow_nft(struct refresh *r, const struct flowset *fs)
{
	/* Only the sets matter: their names and elements, not the config. */
	struct nftgen_config cfg = {
		.family = NFTGEN_FAMILY_DEFAULT, .table = NFTGEN_TABLE_DEFAULT,
		.mode = EPGATE_MODE_ENFORCE, .hooks = EPGATE_HOOK_FORWARD,
		.priority = EPGATE_PRIORITY_DEFAULT,
	};
	struct nftgen g;
	char err[512];
	int ret;

	ret = nftgen_build(&fs->fl, &cfg, &g, err, sizeof(err));
	if (!ret) {
		ret = nftsync_sets(&g, &r->nft, err, sizeof(err));
		nftgen_free(&g);
	}
	if (ret) {
		r->nft_failed = true;
		if (!r->daemon || strcmp(err, r->nft_err))
			fprintf(stderr, "%s: refresh: nft table %s %s not updated: %s\n",
				prog, cfg.family, cfg.table, err);
		snprintf(r->nft_err, sizeof(r->nft_err), "%s", err);
		return;
	}
	if (r->nft_err[0] && r->daemon)
		fprintf(stderr, "%s: refresh: nft table %s %s: no longer failing\n",
			prog, cfg.family, cfg.table);
	r->nft_err[0] = '\0';
}

/* What a round (@ret of round_once()) changed, on stdout. */
static void say_round(const struct refresh *r, int ret)
{
	if (ret == 1)
		printf("%s: refresh: flow set updated\n", prog);
	if (ret >= 0 && r->nft.nsets)
		printf("%s: refresh: nft table %s %s: set%s %s updated\n", prog,
		       NFTGEN_FAMILY_DEFAULT, NFTGEN_TABLE_DEFAULT,
		       r->nft.nsets == 1 ? "" : "s", r->nft.sets);
	fflush(stdout);
}

/*
 * One round: read the module's set, follow its names, ask DNS for the
 * due ones (all of them with @all), drop what expired, push the set if a
 * flow changed.  1 pushed, 0 nothing to push, or -errno (said).
 */
static int round_once(struct refresh *r, bool all)
{
	const char **due = NULL;
	struct flowset fs, out;
	unsigned int tries;
	bool *follows = NULL;
	bool asked = false;
	char err[512];
	int64_t now;
	size_t n;
	int ret;

	memset(&r->nft, 0, sizeof(r->nft));
	r->nft_failed = false;
	for (tries = 0;; tries++) {
		ret = flowset_read(&r->g, &fs);
		if (ret) {
			fprintf(stderr, "%s: refresh: cannot read the flow set: %s\n",
				prog, epgate_genl_strerror(&r->g, ret));
			return ret;
		}
		free(follows);
		follows = calloc(fs.nprofiles ? fs.nprofiles : 1,
				 sizeof(*follows));
		ret = follows ? follow_collect(&r->h, &fs, follows) : -ENOMEM;
		if (ret)
			goto fail;
		now = time(NULL);
		if (!asked) {
			/* DNS is asked once per round, retries or not. */
			asked = true;
			free(due);
			due = calloc(r->h.ns.n ? r->h.ns.n : 1, sizeof(*due));
			if (!due) {
				ret = -ENOMEM;
				goto fail;
			}
			if (all) {
				for (n = 0; n < r->h.ns.n; n++)
					due[n] = r->h.ns.v[n].name;
			} else {
				n = names_due(&r->h.ns, now, due);
			}
			ret = hosts_resolve(&r->h, due, n, now, err, sizeof(err));
			if (ret < 0) {
				/* Nothing could be asked: keep what is in force. */
				fprintf(stderr, "%s: refresh: %s\n", prog, err);
				if (ret == -ENOMEM)
					goto fail;
			}
		}
		names_expire(&r->h.ns, now);
		ret = follow_rebuild(&r->h, &fs, follows, now, &out, r->quiet);
		if (ret <= 0) {
			/* The module has these flows already: the export too? */
			if (!ret)
				follow_nft(r, &out);
			flowset_free(&out);
			if (ret)
				goto fail;
			break;
		}
		ret = flowset_write(&r->g, &out, true);
		if (!ret)
			follow_nft(r, &out);
		flowset_free(&out);
		flowset_free(&fs);
		if (flowset_retry(ret, tries))
			continue;
		if (ret) {
			fprintf(stderr, "%s: refresh: %s\n", prog,
				epgate_genl_strerror(&r->g, ret));
			goto out;
		}
		ret = 1;
		goto out;
	}
	flowset_free(&fs);
	goto out;
fail:
	if (ret == -ENOMEM)
		fprintf(stderr, "%s: refresh: %s\n", prog, strerror(ENOMEM));
	flowset_free(&fs);
out:
	free(due);
	free(follows);
	return ret;
}

static void write_state(struct refresh *r)
{
	char err[512];

	if (hosts_state_write(&r->h.ns, err, sizeof(err)))
		fprintf(stderr, "%s: refresh: %s\n", prog, err);
}

/*
 * Milliseconds until the next deadline (a name due, an address leaving),
 * at most REFRESH_IDLE_MAX s: the daemon also looks at the module that
 * often, for profiles enabled with new names since (SIGHUP: at once).
 */
static int wait_ms(const struct refresh *r)
{
	int64_t next = names_next(&r->h.ns), now = time(NULL), s;

	s = next == INT64_MAX ? REFRESH_IDLE_MAX : next - now;
	if (s > REFRESH_IDLE_MAX)
		s = REFRESH_IDLE_MAX;
	if (s < 0)
		s = 0;
	/* A deadline at second T is reached once time() says T. */
	return (int)(s * 1000 + (s ? 50 : 200));
}

static int daemon_loop(struct refresh *r)
{
	struct signalfd_siginfo si;
	struct pollfd pfd;
	sigset_t mask;
	int sfd, ret = 0;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		fprintf(stderr, "%s: refresh: signalfd: %s\n", prog,
			strerror(errno));
		return -errno;
	}
	printf("%s: refresh: following DNS (ttl %" PRIu32 "..%" PRIu32
	       " s, grace %" PRIu32 " s, retry max %" PRIu32 " s)\n", prog,
	       r->h.ns.p.ttl_min, r->h.ns.p.ttl_max, r->h.ns.p.grace,
	       r->h.ns.p.retry_max);
	fflush(stdout);
	for (;;) {
		ret = round_once(r, false);
		if (ret == -ENOMEM)
			break;
		say_round(r, ret);
		write_state(r);
		pfd.fd = sfd;
		pfd.events = POLLIN;
		ret = poll(&pfd, 1, wait_ms(r));
		if (ret < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		if (ret > 0 && read(sfd, &si, sizeof(si)) == sizeof(si) &&
		    si.ssi_signo != SIGHUP) {
			ret = 0;
			break;
		}
	}
	close(sfd);
	return ret;
}

static int parse_secs(const char *flag, const char *v, uint32_t *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = v ? strtoul(v, &end, 10) : 0;
	if (!v || !*v || *end || errno || n > 86400 || v[0] == '-') {
		usage_error("refresh", "%s takes seconds (0..86400), got '%s'",
			    flag, v ? v : "");
		return -EINVAL;
	}
	*out = n;
	return 0;
}

int refresh_main(int argc, const char *argv[])
{
	struct names_params p;
	struct refresh r;
	char err[512];
	int i, ret;

	memset(&r, 0, sizeof(r));
	names_params_default(&p);
	for (i = 1; i < argc; i++) {
		uint32_t *dst = NULL;

		if (!strcmp(argv[i], "--daemon"))
			r.daemon = true;
		else if (!strcmp(argv[i], "--ttl-min"))
			dst = &p.ttl_min;
		else if (!strcmp(argv[i], "--ttl-max"))
			dst = &p.ttl_max;
		else if (!strcmp(argv[i], "--grace"))
			dst = &p.grace;
		else if (!strcmp(argv[i], "--retry-max"))
			dst = &p.retry_max;
		else {
			usage_error("refresh", "unknown argument '%s'", argv[i]);
			return 1;
		}
		if (dst) {
			if (parse_secs(argv[i], i + 1 < argc ? argv[i + 1] : NULL, dst))
				return 1;
			i++;
		}
	}
	/* A smaller --ttl-max brings the retry bound down with it. */
	if (p.retry_max > p.ttl_max)
		p.retry_max = p.ttl_max;
	if (p.retry_max < p.ttl_min)
		p.retry_max = p.ttl_min;
	if (names_params_check(&p, err, sizeof(err))) {
		usage_error("refresh", "%s", err);
		return 1;
	}
	hosts_init(&r.h, &p);
	ret = hosts_state_load(&r.h.ns, err, sizeof(err));
	if (ret) {
		/* A damaged state file is no reason to stop following. */
		fprintf(stderr, "%s: refresh: %s (starting afresh)\n", prog, err);
		names_free(&r.h.ns);
		names_init(&r.h.ns, &p);
	}
	if (status_connect(&r.g, "refresh")) {
		hosts_free(&r.h);
		return 1;
	}
	if (r.daemon) {
		ret = daemon_loop(&r);
	} else {
		ret = round_once(&r, true);
		if (ret >= 0)
			write_state(&r);
		say_round(&r, ret);
	}
	epgate_genl_close(&r.g);
	hosts_free(&r.h);
	if (ret < 0 || r.nft_failed)
		return 1;
	return ret == 1 || r.nft.nsets ? 2 : 0;
}
