// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus text format writer (escaping, names, samples), the
 * metrics epgate exposes from a known state, the output's structure as
 * node_exporter and promtool require it (each family once, HELP and TYPE
 * before its samples, counters named _total), and the atomic textfile.
 */

#define _GNU_SOURCE	/* open_memstream, mkdtemp */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/epgate.h>

#include "metrics.h"
#include "prom.h"
#include "tap.h"

const char *prog = "epgate";

/* What @fn wrote, as a string (freed by the caller). */
#define CAPTURE(out, stmt) do {						\
		size_t len_;						\
		FILE *f = open_memstream(&(out), &len_);		\
		if (!f)							\
			abort();					\
		stmt;							\
		fclose(f);						\
	} while (0)

static void test_names(void)
{
	ok(prom_valid_name("epgate_flows", false) &&
	   prom_valid_name("a:b_c9", false) && prom_valid_name("_x", true),
	   "valid metric and label names");
	ok(!prom_valid_name("", false) && !prom_valid_name("9a", false) &&
	   !prom_valid_name("a-b", false) && !prom_valid_name("a:b", true) &&
	   !prom_valid_name("a b", true),
	   "invalid names: empty, leading digit, dash, colon in a label, blank");
}

static void test_escaping(void)
{
	char *out;

	CAPTURE(out, prom_label_value(f, "a\\b\"c\nd"));
	ok(!strcmp(out, "a\\\\b\\\"c\\nd"),
	   "label value: backslash, quote and newline escaped (%s)", out);
	free(out);
	CAPTURE(out, prom_help_text(f, "say \"x\"\\\nnext"));
	ok(!strcmp(out, "say \"x\"\\\\\\nnext"),
	   "HELP text: backslash and newline escaped, quotes kept (%s)", out);
	free(out);
	CAPTURE(out, prom_label_value(f, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa1"));
	ok(!strcmp(out, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa1"),
	   "UTF-8 of 2, 3 and 4 bytes passes unchanged");
	free(out);
	/* A stray continuation, a truncated sequence, an overlong '/', a surrogate, a bad lead. */
	CAPTURE(out, prom_label_value(f, "a\x80" "b\xe2\x82" "c\xc0\xaf" "d\xed\xa0\x80" "e\xff"));
	ok(!strcmp(out, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd"
		   "c\xef\xbf\xbd\xef\xbf\xbd"
		   "d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "e\xef\xbf\xbd"),
	   "bytes that are not UTF-8 become U+FFFD, one each");
	free(out);
}

static void test_samples(void)
{
	char *out;

	CAPTURE(out, prom_sample(f, "epgate_flows", 17, NULL));
	ok(!strcmp(out, "epgate_flows 17\n"), "sample without labels");
	free(out);
	CAPTURE(out, prom_sample(f, "x_total", UINT64_MAX, "a", "1",
				 "b", "q\"", NULL));
	ok(!strcmp(out, "x_total{a=\"1\",b=\"q\\\"\"} 18446744073709551615\n"),
	   "labels in order, values escaped, the whole u64 range");
	free(out);
	CAPTURE(out, prom_family(f, "x_total", "counter", "Things.\nMore."));
	ok(!strcmp(out, "# HELP x_total Things.\\nMore.\n# TYPE x_total counter\n"),
	   "HELP and TYPE lines");
	free(out);
}

/*
 * The exposition's rules, checked line by line: every line a comment of
 * the two kinds or a sample; each family's HELP, then TYPE, then only its
 * own samples; no family twice; valid names; counters end in _total and
 * only they do; every label value quoted with nothing unescaped inside.
 * Returns NULL or what is wrong.
 */
static const char *check_exposition(const char *text, int *families)
{
	static char why[256];
	char seen[64][64], fam[64] = "", name[64], *copy, *line, *save, *p;
	int nseen = 0, state = 0, i;	/* state: 0 none, 1 HELP, 2 TYPE */
	char type[16] = "";

	copy = strdup(text);
	*families = 0;
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# HELP ", 7)) {
			if (sscanf(line + 7, "%63s", name) != 1 ||
			    !prom_valid_name(name, false))
				goto bad;
			for (i = 0; i < nseen; i++)
				if (!strcmp(seen[i], name))
					goto bad;
			if (nseen == (int)(sizeof(seen) / sizeof(seen[0])))
				goto bad;
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
			snprintf(fam, sizeof(fam), "%s", name);
			(*families)++;
			state = 1;
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			if (state != 1 ||
			    sscanf(line + 7, "%63s %15s", name, type) != 2 ||
			    strcmp(name, fam) ||
			    (strcmp(type, "counter") && strcmp(type, "gauge")))
				goto bad;
			p = strstr(fam, "_total");
			if (!strcmp(type, "counter") != (p && !p[6]))
				goto bad;
			state = 2;
			continue;
		}
		if (state != 2)
			goto bad;
		/* name{l="v",...} value */
		p = line;
		while (*p && *p != '{' && *p != ' ')
			p++;
		if (p - line != (long)strlen(fam) || strncmp(line, fam, p - line))
			goto bad;
		if (*p == '{') {
			p++;
			while (*p != '}') {
				char *eq = strchr(p, '=');

				if (!eq || eq[1] != '"')
					goto bad;
				*eq = '\0';
				if (!prom_valid_name(p, true))
					goto bad;
				for (p = eq + 2; *p != '"'; p++) {
					if (!*p || *p == '\n')
						goto bad;
					if (*p == '\\' && !strchr("\\\"n", *++p))
						goto bad;
				}
				p++;
				if (*p == ',')
					p++;
				else if (*p != '}')
					goto bad;
			}
			p++;
		}
		if (*p++ != ' ' || !*p || strspn(p, "0123456789") != strlen(p))
			goto bad;
	}
	free(copy);
	return NULL;
bad:
	snprintf(why, sizeof(why), "%s", line);
	free(copy);
	return why;
}

/* The checker itself: it must reject what promtool rejects. */
static void test_checker(void)
{
	static const char head[] = "# HELP a_total A.\n# TYPE a_total counter\n";
	static const char * const bad[] = {
		"# HELP a_total A.\n# TYPE a_total counter\na_total 1\n"
		"# HELP a_total A.\n# TYPE a_total counter\n",	/* twice */
		"# HELP a A.\n# TYPE a counter\na 1\n",		/* no _total */
		"# HELP a_total A.\n# TYPE a_total gauge\n",	/* gauge _total */
		"# HELP a_total A.\na_total 1\n",			/* no TYPE */
		"a_total 1\n",						/* no HELP */
		"# HELP a_total A.\n# TYPE a_total counter\nb_total 1\n",
		"# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1} 1\n",
		"# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"\\q\"} 1\n",
		"# HELP a_total A.\n# TYPE a_total counter\na_total{x-y=\"1\"} 1\n",
		"# HELP a_total A.\n# TYPE a_total counter\na_total -1\n",
	};
	char good[256];
	size_t i, n = 0;
	int fams;

	snprintf(good, sizeof(good), "%sa_total{x=\"\\\"\",y=\"\"} 3\n", head);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		n += check_exposition(bad[i], &fams) != NULL;
	ok(n == sizeof(bad) / sizeof(bad[0]) && !check_exposition(good, &fams),
	   "the structure checker rejects %zu of %zu broken expositions, accepts a good one",
	   n, sizeof(bad) / sizeof(bad[0]));
}

static struct metrics known(void)
{
	struct metrics m = { .loaded = true };
	static struct flowset_profile profiles[2];
	static struct stats_flow flows[3];

	snprintf(m.st.version, sizeof(m.st.version), "0.1.0 \"x\\y\"");
	m.st.abi_version = 7;
	m.st.mode = EPGATE_MODE_ENFORCE;
	m.st.generation = 42;
	m.st.table_bytes = 8192;
	m.st.nflows = 3;
	m.st.counters[EPGATE_CTR_ALLOWED] = 1000;
	m.st.counters[EPGATE_CTR_DROPPED] = 7;
	m.st.counters[EPGATE_CTR_WOULD_DROP] = 8;
	m.st.counters[EPGATE_CTR_MALFORMED] = 2;
	m.st.rollback_secs = 25;
	m.st.rollbacks = 3;
	m.st.offload_total = 4;
	memset(profiles, 0, sizeof(profiles));
	snprintf(profiles[0].name, sizeof(profiles[0].name), "kaspersky");
	profiles[0].mode = EPGATE_MODE_ENFORCE;
	profiles[0].nflows = 2;
	profiles[0].packets = 50;
	profiles[0].bytes = 6400;
	profiles[0].dropped = 5;
	snprintf(profiles[1].name, sizeof(profiles[1].name), "eset");
	profiles[1].mode = EPGATE_MODE_MONITOR;
	profiles[1].nflows = 1;
	profiles[1].would_drop = 8;
	memset(flows, 0, sizeof(flows));
	snprintf(flows[0].profile, sizeof(flows[0].profile), "kaspersky");
	snprintf(flows[0].name, sizeof(flows[0].name), "agent-shutdown");
	flows[0].proto = IPPROTO_UDP;
	flows[0].packets = 50;
	flows[0].bytes = 6400;
	snprintf(flows[1].profile, sizeof(flows[1].profile), "kaspersky");
	snprintf(flows[1].name, sizeof(flows[1].name), "agent-server");
	flows[1].proto = IPPROTO_TCP;
	snprintf(flows[2].profile, sizeof(flows[2].profile), "eset");
	snprintf(flows[2].name, sizeof(flows[2].name), "agent.server_2");
	flows[2].proto = 132;
	flows[2].mode = EPGATE_MODE_MONITOR;
	m.s.profiles = profiles;
	m.s.nprofiles = 2;
	m.s.flows = flows;
	m.s.n = 3;
	return m;
}

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
		p += n;
	}
	return 0;
}

static void test_metrics(void)
{
	struct metrics m = { 0 };
	const char *why;
	char *out;
	int fams;

	CAPTURE(out, metrics_print(f, &m));
	ok(!strcmp(out, "# HELP epgate_module_loaded 1 if the epgate module is loaded, 0 if not (then no other epgate metric is exposed).\n"
		   "# TYPE epgate_module_loaded gauge\n"
		   "epgate_module_loaded 0\n"),
	   "module not loaded: epgate_module_loaded 0 and nothing else");
	free(out);

	m = known();
	CAPTURE(out, metrics_print(f, &m));
	why = check_exposition(out, &fams);
	ok(!why, "the exposition follows the format's rules%s%s",
	   why ? ": bad line: " : "", why ? why : "");
	ok(fams == 20, "20 families (%d)", fams);
	ok(has_line(out, "epgate_rollback_pending_seconds 25") &&
	   has_line(out, "epgate_rollbacks_total 3") &&
	   has_line(out, "epgate_offload_teardowns_total 4"),
	   "a pending rollback, rollbacks and offload teardowns");
	ok(has_line(out, "epgate_module_loaded 1") &&
	   has_line(out, "epgate_info{version=\"0.1.0 \\\"x\\\\y\\\"\",abi=\"7\",tool_version=\"" EPGATE_VERSION "\"} 1"),
	   "loaded; info carries the module's version escaped, the ABI and the tool's version");
	ok(has_line(out, "epgate_mode{mode=\"off\"} 0") &&
	   has_line(out, "epgate_mode{mode=\"monitor\"} 0") &&
	   has_line(out, "epgate_mode{mode=\"enforce\"} 1"),
	   "epgate_mode: one sample per mode, 1 on enforce");
	ok(has_line(out, "epgate_generation 42") &&
	   has_line(out, "epgate_table_bytes 8192") &&
	   has_line(out, "epgate_flows 3") && has_line(out, "epgate_profiles 2"),
	   "generation, table bytes, flows, profiles");
	ok(has_line(out, "epgate_packets_total{verdict=\"allowed\"} 1000") &&
	   has_line(out, "epgate_packets_total{verdict=\"dropped\"} 7") &&
	   has_line(out, "epgate_packets_total{verdict=\"would_drop\"} 8") &&
	   !strstr(out, "verdict=\"malformed\"") &&
	   has_line(out, "epgate_malformed_packets_total 2"),
	   "global counters: three verdicts, malformed apart (it overlaps them)");
	ok(has_line(out, "epgate_profile_mode{profile=\"kaspersky\",mode=\"enforce\"} 1") &&
	   has_line(out, "epgate_profile_mode{profile=\"kaspersky\",mode=\"monitor\"} 0") &&
	   has_line(out, "epgate_profile_mode{profile=\"eset\",mode=\"monitor\"} 1") &&
	   has_line(out, "epgate_profile_flows{profile=\"kaspersky\"} 2"),
	   "per profile: mode as a stateset, flows");
	ok(has_line(out, "epgate_profile_packets_total{profile=\"kaspersky\"} 50") &&
	   has_line(out, "epgate_profile_bytes_total{profile=\"kaspersky\"} 6400") &&
	   has_line(out, "epgate_profile_would_drop_total{profile=\"eset\"} 8") &&
	   has_line(out, "epgate_profile_would_drop_total{profile=\"kaspersky\"} 0") &&
	   has_line(out, "epgate_profile_dropped_total{profile=\"kaspersky\"} 5") &&
	   has_line(out, "epgate_profile_dropped_total{profile=\"eset\"} 0"),
	   "per profile counters, dropped (enforce) beside would_drop (monitor)");
	ok(has_line(out, "epgate_flow_packets_total{profile=\"kaspersky\",flow=\"agent-shutdown\",proto=\"udp\"} 50") &&
	   has_line(out, "epgate_flow_bytes_total{profile=\"kaspersky\",flow=\"agent-shutdown\",proto=\"udp\"} 6400") &&
	   has_line(out, "epgate_flow_packets_total{profile=\"kaspersky\",flow=\"agent-server\",proto=\"tcp\"} 0") &&
	   has_line(out, "epgate_flow_bytes_total{profile=\"eset\",flow=\"agent.server_2\",proto=\"132\"} 0"),
	   "per flow counters, protocol by name or number");
	free(out);

	/* No profile enabled: the families stay, empty, and still valid. */
	m.s.nprofiles = 0;
	m.s.n = 0;
	CAPTURE(out, metrics_print(f, &m));
	why = check_exposition(out, &fams);
	ok(!why && fams == 20 && !strstr(out, "profile=\""),
	   "no profile enabled: same families, no per-profile sample");
	free(out);
}

static int dir_entries(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") &&
					     strcmp(e->d_name, ".."));
	closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void emit_fail(FILE *f, const void *arg)
{
	(void)arg;
	fputs("partial\n", f);
	close(fileno(f));	/* the flush that follows fails: EBADF */
}

static void test_textfile(void)
{
	char dir[] = "/tmp/epgate-test-metrics.XXXXXX", path[64], err[256];
	struct metrics m = known();
	struct stat sb;
	char *want, *got;
	FILE *f;
	int ret;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/epgate.prom", dir);
	f = fopen(path, "w");
	fputs("old\n", f);
	fclose(f);

	CAPTURE(want, metrics_print(f, &m));
	ret = prom_write_file(dir, METRICS_TEXTFILE, metrics_print, &m, err,
			      sizeof(err));
	got = slurp(path);
	ok(!ret && got && !strcmp(got, want),
	   "textfile: DIR/epgate.prom replaced with the exposition");
	if (stat(path, &sb))
		sb.st_mode = 0;
	ok((sb.st_mode & 07777) == 0644,
	   "textfile: mode 0644, readable by the collector's user (%o)",
	   sb.st_mode & 07777);
	ok(dir_entries(dir) == 1, "textfile: no temporary file left behind");
	free(got);

	ret = prom_write_file(dir, METRICS_TEXTFILE, emit_fail, NULL, err,
			      sizeof(err));
	got = slurp(path);
	ok(ret < 0 && got && !strcmp(got, want) && dir_entries(dir) == 1 &&
	   strstr(err, dir),
	   "textfile: a failed write leaves the old file and no temporary (%s)",
	   err);
	free(got);
	free(want);

	unlink(path);
	rmdir(dir);
	ret = prom_write_file(dir, METRICS_TEXTFILE, metrics_print, &m, err,
			      sizeof(err));
	ok(ret == -ENOENT && strstr(err, "No such file"),
	   "textfile: a missing folder is an error (%s)", err);
}

int main(void)
{
	tap_plan(27);
	test_names();
	test_escaping();
	test_samples();
	test_checker();
	test_metrics();
	test_textfile();
	return tap_exit();
}
