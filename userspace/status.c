// SPDX-License-Identifier: GPL-2.0
/*
 * epgate status [-j]: everything GET_STATUS tells about this network
 * namespace: module version and ABI, mode, scope, mark, drop logging, the
 * active table and the global counters.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/epgate.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <time.h>

#include "genl.h"
#include "hosts.h"
#include "json.h"
#include "status.h"
#include "subcommands.h"

static const char * const hook_names[] = {
	"forward",	/* EPGATE_HOOK_FORWARD */
	"input",	/* EPGATE_HOOK_INPUT */
	"output",	/* EPGATE_HOOK_OUTPUT */
};

static const char * const counter_names[] = {
	[EPGATE_CTR_ALLOWED] = "allowed",
	[EPGATE_CTR_DROPPED] = "dropped",
	[EPGATE_CTR_WOULD_DROP] = "would_drop",
	[EPGATE_CTR_MALFORMED] = "malformed",
};

/* Hook names separated by @sep; a bit this tool does not know in hex. */
static void print_hooks(FILE *f, uint32_t hooks, int32_t priority)
{
	const char *sep = "";
	unsigned int i;

	for (i = 0; i < 32; i++) {
		if (!(hooks & 1u << i))
			continue;
		if (i < sizeof(hook_names) / sizeof(hook_names[0]))
			fprintf(f, "%s%s", sep, hook_names[i]);
		else
			fprintf(f, "%s0x%x", sep, 1u << i);
		sep = ",";
	}
	if (!*sep)
		fputs("none", f);
	fprintf(f, " (priority %d)\n", priority);
}

/*
 * The log targets: "off", or "kernel", "nflog group N", "kernel,nflog
 * group N"; a bit this tool does not know in hex.
 */
static void print_log(FILE *f, uint32_t flags, uint16_t group)
{
	const char *sep = "";
	unsigned int i;

	if (!flags) {
		fputs("off\n", f);
		return;
	}
	if (flags & EPGATE_LOG_KERNEL) {
		fputs("kernel", f);
		sep = ",";
	}
	if (flags & EPGATE_LOG_NFLOG) {
		fprintf(f, "%snflog group %u", sep, group);
		sep = ",";
	}
	for (i = 0; i < 32; i++) {
		if (flags & ~EPGATE_LOG_ALL & 1u << i) {
			fprintf(f, "%s0x%x", sep, 1u << i);
			sep = ",";
		}
	}
	fputc('\n', f);
}

static void print_ifaces(FILE *f, const char *key,
			 const char (*names)[EPGATE_IFNAME_MAX], unsigned int n)
{
	unsigned int i;

	fprintf(f, "%-9s", key);
	if (!n)
		fputs("any", f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? "," : "", names[i]);
	fputc('\n', f);
}

/* Prefixes of a set shown on its status line. */
#define STATUS_SET_SHOWN	3

/* Does a flow of profile @name refer to set @ref? */
static bool profile_uses(const struct flowlist *fl, const char *name,
			 uint32_t ref)
{
	size_t i;

	for (i = 0; i < fl->n; i++) {
		if ((fl->flows[i].from_set == ref || fl->flows[i].to_set == ref) &&
		    !strcmp(fl->flows[i].profile, name))
			return true;
	}
	return false;
}

/* Is set @ref named by a flow? (Sets no flow names are not the module's.) */
static bool set_used(const struct flowlist *fl, uint32_t ref)
{
	size_t i;

	for (i = 0; i < fl->n; i++) {
		if (fl->flows[i].from_set == ref || fl->flows[i].to_set == ref)
			return true;
	}
	return false;
}

/*
 * set:     @lan  3 prefixes  10.1.0.0/16,10.2.0.0/16,fd00:1::/48  eset
 * set:     -     10000 prefixes  10.0.0.0/24,...  kaspersky
 */
static void print_sets(const struct epgate_status *st, FILE *f)
{
	const struct flowlist *fl = st->fl;
	char buf[512], name[EPGATE_NAME_MAX + 1];
	const char *sep;
	size_t i, k;

	if (!fl)
		return;
	for (i = 0; i < fl->nsets; i++) {
		const struct flowlist_set *s = &fl->sets[i];
		struct flowlist_set anon = *s;

		if (!set_used(fl, i + 1))
			continue;
		anon.name[0] = '\0';
		snprintf(name, sizeof(name), "%s%s", s->name[0] ? "@" : "",
			 s->name[0] ? s->name : "-");
		fprintf(f, "set:     %-12s %u prefix%s  %s ", name, s->n,
			s->n == 1 ? "" : "es",
			flowlist_role_str(&(struct flowlist){ .sets = &anon,
							      .nsets = 1 },
					  NULL, 1, STATUS_SET_SHOWN, buf,
					  sizeof(buf)));
		sep = "";
		for (k = 0; st->profiles && k < st->nprofiles; k++) {
			if (profile_uses(fl, st->profiles[k].name, i + 1)) {
				fprintf(f, "%s%s", sep, st->profiles[k].name);
				sep = ",";
			}
		}
		fputc('\n', f);
	}
}

static void json_sets(struct json *j, const struct epgate_status *st)
{
	const struct flowlist *fl = st->fl;
	char buf[64];
	size_t i, k;
	uint32_t n;

	if (!fl)
		return;
	json_array_begin(j, "sets");
	for (i = 0; i < fl->nsets; i++) {
		const struct flowlist_set *s = &fl->sets[i];

		if (!set_used(fl, i + 1))
			continue;
		json_object_begin(j, NULL);
		if (s->name[0])
			json_string(j, "name", s->name);
		else
			json_null(j, "name");
		json_array_begin(j, "prefixes");
		for (n = 0; n < s->n; n++)
			json_string(j, NULL, flowlist_prefix_str(&s->prefixes[n],
								 buf, sizeof(buf)));
		json_array_end(j);
		json_array_begin(j, "profiles");
		for (k = 0; st->profiles && k < st->nprofiles; k++) {
			if (profile_uses(fl, st->profiles[k].name, i + 1))
				json_string(j, NULL, st->profiles[k].name);
		}
		json_array_end(j);
		json_object_end(j);
	}
	json_array_end(j);
}

/* `key: value` lines, the key column 9 characters wide. */
/* Stale as names_stale() says (not called: status.o links no names.o). */
static bool name_stale(const struct names_entry *e, int64_t now)
{
	return e->good && now >= e->good_until;
}

static const char *addr_str(const struct names_addr *a, char *buf,
			    size_t len)
{
	if (!inet_ntop(a->family, a->addr, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

/* Seconds from @now to @t, at least 0. */
static int64_t until(int64_t t, int64_t now)
{
	return t > now ? t - now : 0;
}

/*
 * name: update.vendor.test  2 addresses  age 3 s  next in 2 s  ok
 *       10.0.2.3 fd00:2::2 10.0.2.2 (leaving in 5 s)
 */
static void print_names(const struct epgate_status *st, FILE *f)
{
	char a[INET6_ADDRSTRLEN];
	size_t i, k;

	for (i = 0; st->names && i < st->names->n; i++) {
		const struct names_entry *e = &st->names->v[i];

		fprintf(f, "name: %-24s %zu address%s", e->name, e->naddrs,
			e->naddrs == 1 ? "" : "es");
		if (e->good)
			fprintf(f, "  age %" PRId64 " s", st->now - e->good);
		else
			fprintf(f, "  never resolved");
		fprintf(f, "  next in %" PRId64 " s  %s%s%s%s%s\n",
			until(e->next, st->now), resolve_status_name(e->status),
			name_stale(e, st->now) ? "  stale" : "",
			e->truncated ? "  truncated" : "",
			e->error[0] ? ": " : "", e->error);
		if (!e->naddrs)
			continue;
		fprintf(f, "     ");
		for (k = 0; k < e->naddrs; k++) {
			fprintf(f, " %s", addr_str(&e->addrs[k], a, sizeof(a)));
			if (e->addrs[k].leaving)
				fprintf(f, " (leaving in %" PRId64 " s)",
					until(e->addrs[k].leaving, st->now));
		}
		fputc('\n', f);
	}
}

static void json_names(struct json *j, const struct epgate_status *st)
{
	char a[INET6_ADDRSTRLEN];
	size_t i, k;

	if (!st->names)
		return;
	json_array_begin(j, "names");
	for (i = 0; i < st->names->n; i++) {
		const struct names_entry *e = &st->names->v[i];

		json_object_begin(j, NULL);
		json_string(j, "name", e->name);
		json_array_begin(j, "addresses");
		for (k = 0; k < e->naddrs; k++) {
			json_object_begin(j, NULL);
			json_string(j, "address",
				    addr_str(&e->addrs[k], a, sizeof(a)));
			json_bool(j, "leaving", e->addrs[k].leaving != 0);
			if (e->addrs[k].leaving)
				json_i64(j, "leaves_in",
					 until(e->addrs[k].leaving, st->now));
			json_object_end(j);
		}
		json_array_end(j);
		if (e->good)
			json_i64(j, "age", st->now - e->good);
		else
			json_null(j, "age");
		json_i64(j, "next_refresh", until(e->next, st->now));
		json_bool(j, "stale", name_stale(e, st->now));
		json_string(j, "status", resolve_status_name(e->status));
		json_string(j, "error", e->error);
		json_u64(j, "failures", e->failures);
		json_bool(j, "truncated", e->truncated);
		json_object_end(j);
	}
	json_array_end(j);
}

void status_print(const struct epgate_status *st, FILE *f)
{
	size_t i;

	fprintf(f, "module:  epgate %s (abi %u)\n", st->version,
		st->abi_version);
	fprintf(f, "mode:    %s\n", mode_name(st->mode));
	fprintf(f, "hooks:   ");
	print_hooks(f, st->hooks, st->priority);
	print_ifaces(f, "in:", st->in, st->nin);
	print_ifaces(f, "out:", st->out, st->nout);
	fprintf(f, "other:   %s\n", other_name(st->other));
	if (st->mark_mask)
		fprintf(f, "mark:    0x%x/0x%x\n", st->mark_value,
			st->mark_mask);
	else
		fprintf(f, "mark:    none\n");
	fprintf(f, "log:     ");
	print_log(f, st->log_flags, st->log_group);
	fprintf(f, "flows:   %u\n", st->nflows);
	fprintf(f, "table:   %llu bytes, generation %llu\n",
		(unsigned long long)st->table_bytes,
		(unsigned long long)st->generation);
	fprintf(f, "offload: %u taken out of flowtables by the last change, %llu in all\n",
		st->offload_last, (unsigned long long)st->offload_total);
	if (st->rollback_secs)
		fprintf(f, "confirm: pending, rolled back in %u s unless 'epgate confirm' (%llu rollbacks so far)\n",
			st->rollback_secs, (unsigned long long)st->rollbacks);
	else
		fprintf(f, "confirm: nothing pending (%llu rollbacks so far)\n",
			(unsigned long long)st->rollbacks);
	fprintf(f, "packets: allowed %llu, dropped %llu, would_drop %llu, malformed %llu\n",
		(unsigned long long)st->counters[EPGATE_CTR_ALLOWED],
		(unsigned long long)st->counters[EPGATE_CTR_DROPPED],
		(unsigned long long)st->counters[EPGATE_CTR_WOULD_DROP],
		(unsigned long long)st->counters[EPGATE_CTR_MALFORMED]);
	if (!st->profiles)
		return;
	if (!st->nprofiles)
		fprintf(f, "profile: none\n");
	for (i = 0; i < st->nprofiles; i++) {
		const struct flowset_profile *p = &st->profiles[i];

		fprintf(f, "profile: %-12s %-8s %4u flow%s%s%s\n", p->name,
			mode_name(p->mode), p->nflows, p->nflows == 1 ? " " : "s",
			p->udlen ? "  " : "", p->userdata);
	}
	print_sets(st, f);
	print_names(st, f);
}

static void json_ifaces(struct json *j, const char *key,
			const char (*names)[EPGATE_IFNAME_MAX], unsigned int n)
{
	unsigned int i;

	json_array_begin(j, key);
	for (i = 0; i < n; i++)
		json_string(j, NULL, names[i]);
	json_array_end(j);
}

void status_print_json(const struct epgate_status *st, FILE *f)
{
	char hex[16];
	struct json j;
	unsigned int i;

	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_string(&j, "version", st->version);
	json_u64(&j, "abi_version", st->abi_version);
	json_string(&j, "mode", mode_name(st->mode));
	json_array_begin(&j, "hooks");
	for (i = 0; i < 32; i++) {
		if (!(st->hooks & 1u << i))
			continue;
		if (i < sizeof(hook_names) / sizeof(hook_names[0])) {
			json_string(&j, NULL, hook_names[i]);
		} else {
			snprintf(hex, sizeof(hex), "0x%x", 1u << i);
			json_string(&j, NULL, hex);
		}
	}
	json_array_end(&j);
	json_object_begin(&j, "scope");
	json_ifaces(&j, "in", st->in, st->nin);
	json_ifaces(&j, "out", st->out, st->nout);
	json_object_end(&j);
	json_i64(&j, "priority", st->priority);
	json_string(&j, "other", other_name(st->other));
	json_object_begin(&j, "offload");
	json_u64(&j, "last", st->offload_last);
	json_u64(&j, "total", st->offload_total);
	json_object_end(&j);
	json_object_begin(&j, "rollback");
	json_bool(&j, "pending", st->rollback_secs != 0);
	json_u64(&j, "seconds_left", st->rollback_secs);
	json_u64(&j, "count", st->rollbacks);
	json_object_end(&j);
	json_object_begin(&j, "mark");
	json_u64(&j, "value", st->mark_value);
	json_u64(&j, "mask", st->mark_mask);
	json_object_end(&j);
	json_object_begin(&j, "log");
	json_bool(&j, "kernel", st->log_flags & EPGATE_LOG_KERNEL);
	json_bool(&j, "nflog", st->log_flags & EPGATE_LOG_NFLOG);
	json_u64(&j, "group", st->log_group);
	json_object_end(&j);
	json_u64(&j, "generation", st->generation);
	json_u64(&j, "table_bytes", st->table_bytes);
	json_u64(&j, "flows", st->nflows);
	json_object_begin(&j, "counters");
	for (i = EPGATE_CTR_ALLOWED; i <= EPGATE_CTR_MALFORMED; i++)
		json_u64(&j, counter_names[i], st->counters[i]);
	json_object_end(&j);
	if (st->profiles) {
		json_array_begin(&j, "profiles");
		for (i = 0; i < st->nprofiles; i++) {
			const struct flowset_profile *p = &st->profiles[i];

			json_object_begin(&j, NULL);
			json_string(&j, "name", p->name);
			json_string(&j, "mode", mode_name(p->mode));
			json_u64(&j, "flows", p->nflows);
			json_string(&j, "args", p->userdata);
			json_u64(&j, "packets", p->packets);
			json_u64(&j, "bytes", p->bytes);
			json_object_end(&j);
		}
		json_array_end(&j);
	}
	json_sets(&j, st);
	json_names(&j, st);
	json_object_end(&j);
	json_finish(&j);
}

static void usage(void)
{
	fprintf(stderr, "Usage: %s status [-j]\n", prog);
}

int status_main(int argc, const char *argv[])
{
	struct epgate_status st;
	struct epgate_genl g;
	struct flowset fs;
	struct names names;
	char err[512];
	int json = 0, ret;

	if (argc == 2 && !strcmp(argv[1], "-j")) {
		json = 1;
	} else if (argc != 1) {
		usage();
		return 1;
	}

	if (status_open(&g, &st, "status"))
		return 1;
	/* The flows too, for the address sets and who uses them. */
	ret = flowset_read(&g, &fs);
	epgate_genl_close(&g);
	if (ret) {
		fprintf(stderr, "%s: status: %s\n", prog,
			epgate_genl_strerror(&g, ret));
		return 1;
	}
	st.profiles = fs.profiles;
	st.nprofiles = fs.nprofiles;
	st.fl = &fs.fl;
	/* The followed hostnames, when a refresh or an enable wrote them. */
	names_init(&names, NULL);
	if (hosts_state_load(&names, err, sizeof(err)))
		fprintf(stderr, "%s: status: warning: %s\n", prog, err);
	else if (names.n)
		st.names = &names;
	st.now = time(NULL);
	if (json)
		status_print_json(&st, stdout);
	else
		status_print(&st, stdout);
	names_free(&names);
	flowset_free(&fs);
	return 0;
}
