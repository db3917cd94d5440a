// SPDX-License-Identifier: GPL-2.0
/*
 * epgate metrics [--textfile DIR]: every counter of the caller's network
 * namespace, and the module's mode, version and table, in the Prometheus
 * text format; with --textfile, written atomically to DIR/epgate.prom for
 * node_exporter's textfile collector (the shipped epgate-metrics.timer
 * does that every 15 s).
 *
 * A module that is not loaded is a state to report, not an error: the
 * output is then `epgate_module_loaded 0` alone and the exit status 0, so
 * that an alert can fire on it.  Whether it is loaded is read from
 * /sys/module/epgate before any netlink request, because resolving the
 * family by name makes the kernel modprobe an installed module: a scrape
 * every 15 s would otherwise load the module an admin just removed.
 *
 * The numbers are those of `epgate stats -j` and `epgate status -j`, read
 * with the same library functions (stats_read(), status_fetch()).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/epgate.h>

#include "genl.h"
#include "metrics.h"
#include "prom.h"
#include "statsmsg.h"
#include "statusmsg.h"
#include "subcommands.h"

#define MODULE_DIR "/sys/module/epgate"

/* A load between the reads makes them disagree this often in a row: give up. */
#define READ_TRIES 3

int metrics_read(struct epgate_genl *g, struct metrics *m)
{
	struct epgate_status before;
	int tries, ret = -EAGAIN;

	for (tries = 0; tries < READ_TRIES; tries++) {
		ret = status_fetch(g, &before);
		if (!ret)
			ret = stats_read(g, &m->s, 1);
		if (!ret)
			ret = status_fetch(g, &m->st);
		if (ret == -EINTR ||
		    (!ret && before.generation != m->st.generation)) {
			ret = -EAGAIN;
			continue;
		}
		break;
	}
	if (!ret)
		m->loaded = true;
	return ret;
}

void metrics_free(struct metrics *m)
{
	stats_free(&m->s);
	m->loaded = false;
}

/*
 * The sections, in output order.  Each prints whole families: a family's
 * samples must stay together under its HELP and TYPE lines.
 */

static void module_loaded(FILE *f, const struct metrics *m)
{
	prom_family(f, "epgate_module_loaded", "gauge",
		    "1 if the epgate module is loaded, 0 if not (then no other epgate metric is exposed).");
	prom_sample(f, "epgate_module_loaded", m->loaded, NULL);
}

static void info(FILE *f, const struct metrics *m)
{
	char abi[16];

	snprintf(abi, sizeof(abi), "%u", m->st.abi_version);
	prom_family(f, "epgate_info", "gauge",
		    "Always 1; the module's version and netlink ABI, and the tool's version, as labels.");
	prom_sample(f, "epgate_info", 1, "version", m->st.version,
		    "abi", abi, "tool_version", EPGATE_VERSION, NULL);
}

/* One sample per state, 1 for the current one (a Prometheus "stateset"). */
static void mode(FILE *f, const struct metrics *m)
{
	unsigned int i;

	prom_family(f, "epgate_mode", "gauge",
		    "The global mode: 1 on the current one of off, monitor, enforce.");
	for (i = EPGATE_MODE_OFF; i <= EPGATE_MODE_MAX; i++)
		prom_sample(f, "epgate_mode", m->st.mode == i,
			    "mode", mode_name(i), NULL);
}

static void table(FILE *f, const struct metrics *m)
{
	prom_family(f, "epgate_generation", "gauge",
		    "Generation of the active flow table; changes on every swap.");
	prom_sample(f, "epgate_generation", m->st.generation, NULL);
	prom_family(f, "epgate_table_bytes", "gauge",
		    "Memory of the active flow table, in bytes.");
	prom_sample(f, "epgate_table_bytes", m->st.table_bytes, NULL);
	prom_family(f, "epgate_flows", "gauge",
		    "Flows in the active table, all profiles.");
	prom_sample(f, "epgate_flows", m->st.nflows, NULL);
	prom_family(f, "epgate_profiles", "gauge", "Enabled profiles.");
	prom_sample(f, "epgate_profiles", m->s.nprofiles, NULL);
}

/*
 * Every judged packet is allowed, dropped or would_drop, exactly one:
 * verdict is a label, and the sum is every packet judged.  malformed is
 * not a verdict (such packets are also dropped or would_drop), so it is a
 * metric of its own.
 */
static void globals(FILE *f, const struct metrics *m)
{
	static const struct {
		int ctr;
		const char *verdict;
	} verdicts[] = {
		{ EPGATE_CTR_ALLOWED, "allowed" },
		{ EPGATE_CTR_DROPPED, "dropped" },
		{ EPGATE_CTR_WOULD_DROP, "would_drop" },
	};
	size_t i;

	prom_family(f, "epgate_packets_total", "counter",
		    "In-scope TCP and UDP packets by verdict: allowed by a flow, dropped (enforce), or would_drop (counted and passed: monitor).");
	for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		prom_sample(f, "epgate_packets_total",
			    m->st.counters[verdicts[i].ctr],
			    "verdict", verdicts[i].verdict, NULL);
	prom_family(f, "epgate_malformed_packets_total", "counter",
		    "TCP and UDP packets whose ports could not be read; also counted as dropped or would_drop.");
	prom_sample(f, "epgate_malformed_packets_total",
		    m->st.counters[EPGATE_CTR_MALFORMED], NULL);
}

static void profiles(FILE *f, const struct metrics *m)
{
	const struct stats *s = &m->s;
	size_t i;
	int k;

	prom_family(f, "epgate_profile_mode", "gauge",
		    "Mode of each enabled profile: 1 on the current one of monitor, enforce.");
	for (i = 0; i < s->nprofiles; i++) {
		for (k = EPGATE_MODE_MONITOR; k <= EPGATE_MODE_ENFORCE; k++)
			prom_sample(f, "epgate_profile_mode",
				    s->profiles[i].mode == k,
				    "profile", s->profiles[i].name,
				    "mode", mode_name(k), NULL);
	}
	prom_family(f, "epgate_profile_flows", "gauge",
		    "Flows of each enabled profile in the active table.");
	for (i = 0; i < s->nprofiles; i++)
		prom_sample(f, "epgate_profile_flows", s->profiles[i].nflows,
			    "profile", s->profiles[i].name, NULL);
	prom_family(f, "epgate_profile_packets_total", "counter",
		    "Packets the profile's flows allowed, both directions, since it was enabled or the counters reset.");
	for (i = 0; i < s->nprofiles; i++)
		prom_sample(f, "epgate_profile_packets_total",
			    s->profiles[i].packets,
			    "profile", s->profiles[i].name, NULL);
	prom_family(f, "epgate_profile_bytes_total", "counter",
		    "Bytes (IP length) the profile's flows allowed.");
	for (i = 0; i < s->nprofiles; i++)
		prom_sample(f, "epgate_profile_bytes_total",
			    s->profiles[i].bytes,
			    "profile", s->profiles[i].name, NULL);
	prom_family(f, "epgate_profile_would_drop_total", "counter",
		    "Packets to a port only monitored profiles use that none of their flows matched (a role bound to other addresses), credited to the port's first profile.");
	for (i = 0; i < s->nprofiles; i++)
		prom_sample(f, "epgate_profile_would_drop_total",
			    s->profiles[i].would_drop,
			    "profile", s->profiles[i].name, NULL);
	prom_family(f, "epgate_profile_dropped_total", "counter",
		    "Packets enforce dropped on a port the profile's flows use that no flow matched (a role bound to other addresses), credited to the port's first profile; drops on ports no flow uses are in no profile.");
	for (i = 0; i < s->nprofiles; i++)
		prom_sample(f, "epgate_profile_dropped_total",
			    s->profiles[i].dropped,
			    "profile", s->profiles[i].name, NULL);
}

static void flows(FILE *f, const struct metrics *m)
{
	const struct stats *s = &m->s;
	char pbuf[4];
	size_t i;

	prom_family(f, "epgate_flow_packets_total", "counter",
		    "Packets the flow allowed, both directions of its connections.");
	for (i = 0; i < s->n; i++)
		prom_sample(f, "epgate_flow_packets_total", s->flows[i].packets,
			    "profile", s->flows[i].profile,
			    "flow", s->flows[i].name,
			    "proto", stats_proto_name(s->flows[i].proto, pbuf,
						      sizeof(pbuf)), NULL);
	prom_family(f, "epgate_flow_bytes_total", "counter",
		    "Bytes (IP length) the flow allowed.");
	for (i = 0; i < s->n; i++)
		prom_sample(f, "epgate_flow_bytes_total", s->flows[i].bytes,
			    "profile", s->flows[i].profile,
			    "flow", s->flows[i].name,
			    "proto", stats_proto_name(s->flows[i].proto, pbuf,
						      sizeof(pbuf)), NULL);
}

/*
 * A change made with --confirm and not confirmed yet, and how the kernel
 * undid the others; offloaded connections changes took out of flowtables.
 */
static void changes(FILE *f, const struct metrics *m)
{
	prom_family(f, "epgate_rollback_pending_seconds", "gauge",
		    "Seconds before the kernel rolls back the change that awaits its confirm; 0: none.");
	prom_sample(f, "epgate_rollback_pending_seconds", m->st.rollback_secs,
		    NULL);
	prom_family(f, "epgate_rollbacks_total", "counter",
		    "Unconfirmed changes rolled back (deadline or epgate rollback).");
	prom_sample(f, "epgate_rollbacks_total", m->st.rollbacks, NULL);
	prom_family(f, "epgate_offload_teardowns_total", "counter",
		    "Offloaded connections that changes no longer allowed, taken out of flowtables.");
	prom_sample(f, "epgate_offload_teardowns_total", m->st.offload_total,
		    NULL);
}

/* Later sources (resolver staleness) go at the end. */
static void (*const sections[])(FILE *f, const struct metrics *m) = {
	info, mode, table, globals, profiles, flows, changes,
};

void metrics_print(FILE *f, const void *arg)
{
	const struct metrics *m = arg;
	size_t i;

	module_loaded(f, m);
	if (!m->loaded)
		return;
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		sections[i](f, m);
}

static void usage(void)
{
	fprintf(stderr, "Usage: %s metrics [--textfile DIR]\n", prog);
}

int metrics_main(int argc, const char *argv[])
{
	struct metrics m = { 0 };
	const char *dir = NULL;
	struct epgate_genl g;
	char err[4200];
	int ret;

	if (argc == 3 && !strcmp(argv[1], "--textfile") && *argv[2]) {
		dir = argv[2];
	} else if (argc != 1) {
		usage();
		return 1;
	}

	if (!access(MODULE_DIR, F_OK)) {
		if (status_connect(&g, "metrics"))
			return 1;
		ret = metrics_read(&g, &m);
		if (ret == -EAGAIN)
			fprintf(stderr,
				"%s: metrics: the flow set changed during each of %d reads; try again\n",
				prog, READ_TRIES);
		else if (ret)
			fprintf(stderr, "%s: metrics: %s\n", prog,
				epgate_genl_strerror(&g, ret));
		epgate_genl_close(&g);
		if (ret) {
			metrics_free(&m);
			return 1;
		}
	}

	if (dir) {
		ret = prom_write_file(dir, METRICS_TEXTFILE, metrics_print, &m,
				      err, sizeof(err));
		if (ret)
			fprintf(stderr, "%s: metrics: %s\n", prog, err);
	} else {
		metrics_print(stdout, &m);
		ret = fflush(stdout) ? -errno : 0;
		if (ret)
			fprintf(stderr, "%s: metrics: %s\n", prog,
				strerror(-ret));
	}
	metrics_free(&m);
	return ret ? 1 : 0;
}
