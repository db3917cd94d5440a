// SPDX-License-Identifier: GPL-2.0
/*
 * epgate profile list [-j] | show NAME [-j] | check FILE... [-q]: the
 * vendor profiles on the search path, one of them in detail, and the
 * check of profile files before they are installed.  Nothing here talks
 * to the module.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "profile.h"
#include "subcommands.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s profile list [-j] | show NAME [-j] | check FILE|-... [-q]\n",
		prog);
}

/* A positioned error as is; any other prefixed with the program name. */
static void print_error(const struct profile_error *err)
{
	if (!err->line)
		fprintf(stderr, "%s: ", prog);
	profile_perror(stderr, err);
}

/* Compiled flows (one per protocol), and how many are on by default. */
static void count_flows(const struct profile *p, size_t *total, size_t *dflt)
{
	size_t i, n;

	*total = *dflt = 0;
	for (i = 0; i < p->nflows; i++) {
		n = p->flows[i].protos ==
		    (PROFILE_PROTO_TCP | PROFILE_PROTO_UDP) ? 2 : 1;
		*total += n;
		if (p->flows[i].option < 0)
			*dflt += n;
	}
}

/* Terminal columns of UTF-8 text, taking every code point as one. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* A table of strings printed with aligned columns, the last one ragged. */
struct table {
	size_t ncols, n, alloc;
	char **cells;
};

static int table_add(struct table *t, char **row)
{
	char **cells;
	size_t i;

	if (t->n + t->ncols > t->alloc) {
		size_t alloc = t->alloc ? t->alloc * 2 : 16 * t->ncols;

		cells = realloc(t->cells, alloc * sizeof(*cells));
		if (!cells)
			goto nomem;
		t->cells = cells;
		t->alloc = alloc;
	}
	for (i = 0; i < t->ncols; i++)
		t->cells[t->n++] = row[i];
	return 0;
nomem:
	for (i = 0; i < t->ncols; i++)
		free(row[i]);
	return -ENOMEM;
}

static void table_print(const struct table *t, FILE *f)
{
	size_t w[16] = { 0 }, i, c;

	for (i = 0; i < t->n; i++) {
		c = i % t->ncols;
		if (width(t->cells[i]) > w[c])
			w[c] = width(t->cells[i]);
	}
	for (i = 0; i < t->n; i++) {
		c = i % t->ncols;
		if (c == t->ncols - 1) {
			fprintf(f, "%s\n", t->cells[i]);
			continue;
		}
		fprintf(f, "%s%*s", t->cells[i],
			(int)(w[c] - width(t->cells[i]) + 2), "");
	}
}

static void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
}

__attribute__((format(printf, 1, 2)))
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;
	int len;

	va_start(ap, f);
	len = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	if (len < 0)
		return NULL;
	s = malloc(len + 1);
	if (!s)
		return NULL;
	va_start(ap, f);
	vsnprintf(s, len + 1, f, ap);
	va_end(ap);
	return s;
}

/* "80,443,1024-2047" */
static char *ports_text(const struct profile_flow *f)
{
	char *s = malloc(EPGATE_MAX_RANGES * 12 + 2);
	size_t off = 0;
	unsigned int i;

	if (!s)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < f->nranges; i++) {
		const struct flowlist_range *r = &f->ranges[i];

		if (r->lo == r->hi)
			off += sprintf(s + off, "%s%u", i ? "," : "", r->lo);
		else
			off += sprintf(s + off, "%s%u-%u", i ? "," : "", r->lo,
				       r->hi);
	}
	if (f->override_line)
		strcpy(s + off, "*");
	return s;
}

static const char *role_of(const struct profile *p, int role)
{
	return role >= 0 ? p->roles[role].name : "?";
}

static void nomem(void)
{
	fprintf(stderr, "%s: profile: %s\n", prog, strerror(ENOMEM));
}

static int list_main(bool json)
{
	struct profile *ps = NULL;
	struct profile_error err;
	struct table t = { .ncols = 3 };
	size_t i, k, total, dflt;
	char **names, *row[3];
	int n, ret = 0;
	struct json j;

	n = profile_list(&names);
	if (n < 0) {
		fprintf(stderr, "%s: profile list: %s\n", prog,
			n == -E2BIG ? PROFILE_PATH_TOO_LONG : strerror(-n));
		return 1;
	}
	ps = calloc(n ? n : 1, sizeof(*ps));
	if (!ps) {
		nomem();
		ret = 1;
		goto out;
	}
	for (i = 0; i < (size_t)n; i++) {
		if (profile_load(names[i], &ps[i], &err)) {
			print_error(&err);
			ret = 1;
		}
	}
	if (json) {
		json_init(&j, stdout);
		json_array_begin(&j, NULL);
		for (i = 0; i < (size_t)n; i++) {
			if (!ps[i].name[0])
				continue;
			count_flows(&ps[i], &total, &dflt);
			json_object_begin(&j, NULL);
			json_string(&j, "name", ps[i].name);
			json_string(&j, "description", ps[i].description);
			if (ps[i].product[0])
				json_string(&j, "product", ps[i].product);
			else
				json_null(&j, "product");
			json_string(&j, "file", ps[i].file);
			json_u64(&j, "flows", total);
			json_u64(&j, "default_flows", dflt);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_finish(&j);
		goto out;
	}
	row[0] = strdup("NAME");
	row[1] = strdup("FLOWS");
	row[2] = strdup("DESCRIPTION");
	for (i = 0; ; i++) {
		for (k = 0; k < 3; k++) {
			if (!row[k])
				break;
		}
		if (k < 3 || table_add(&t, row)) {
			for (k = 0; k < 3; k++)
				free(row[k]);
			nomem();
			ret = 1;
			goto out;
		}
		while (i < (size_t)n && !ps[i].name[0])
			i++;
		if (i == (size_t)n)
			break;
		count_flows(&ps[i], &total, &dflt);
		row[0] = strdup(ps[i].name);
		row[1] = fmt("%zu/%zu", dflt, total);
		row[2] = strdup(ps[i].description);
	}
	table_print(&t, stdout);
out:
	table_free(&t);
	for (i = 0; i < (size_t)n; i++) {
		if (ps)
			profile_free(&ps[i]);
		free(names[i]);
	}
	free(names);
	free(ps);
	return ret;
}

static void show_json(const struct profile *p)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} protos[] = {
		{ PROFILE_PROTO_TCP, "tcp" },
		{ PROFILE_PROTO_UDP, "udp" },
	};
	char name[EPGATE_NAME_MAX + 8], where[300];
	unsigned int k, r;
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_string(&j, "name", p->name);
	json_string(&j, "description", p->description);
	if (p->product[0])
		json_string(&j, "product", p->product);
	else
		json_null(&j, "product");
	json_string(&j, "document", p->document);
	json_array_begin(&j, "roles");
	for (i = 0; i < p->nroles; i++) {
		json_object_begin(&j, NULL);
		json_string(&j, "name", p->roles[i].name);
		json_string(&j, "description", p->roles[i].description);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "options");
	for (i = 0; i < p->noptions; i++) {
		json_object_begin(&j, NULL);
		json_string(&j, "name", p->options[i].name);
		json_string(&j, "description", p->options[i].description);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "flows");
	for (i = 0; i < p->nflows; i++) {
		const struct profile_flow *f = &p->flows[i];
		bool both = f->protos == (PROFILE_PROTO_TCP | PROFILE_PROTO_UDP);

		for (k = 0; k < 2; k++) {
			if (!(f->protos & protos[k].bit))
				continue;
			snprintf(name, sizeof(name), "%s%s%s", f->name,
				 both ? "-" : "", both ? protos[k].name : "");
			json_object_begin(&j, NULL);
			json_string(&j, "name", name);
			json_string(&j, "proto", protos[k].name);
			json_array_begin(&j, "ports");
			for (r = 0; r < f->nranges; r++) {
				json_array_begin(&j, NULL);
				json_u64(&j, NULL, f->ranges[r].lo);
				json_u64(&j, NULL, f->ranges[r].hi);
				json_array_end(&j);
			}
			json_array_end(&j);
			json_string(&j, "from", role_of(p, f->from));
			json_string(&j, "to", role_of(p, f->to));
			json_bool(&j, "default", f->option < 0);
			if (f->option < 0)
				json_null(&j, "option");
			else
				json_string(&j, "option",
					    p->options[f->option].name);
			json_string(&j, "description", f->description);
			json_string(&j, "source", f->source);
			if (f->where[0])
				json_string(&j, "where", f->where);
			else
				json_null(&j, "where");
			if (f->override_line) {
				snprintf(where, sizeof(where), "%s:%u",
					 f->override_file, f->override_line);
				json_string(&j, "overridden", where);
			}
			json_object_end(&j);
		}
	}
	json_array_end(&j);
	json_array_begin(&j, "hosts");
	for (i = 0; i < p->nhosts; i++) {
		json_object_begin(&j, NULL);
		json_string(&j, "role", p->hosts[i].role);
		json_string(&j, "name", p->hosts[i].name);
		json_string(&j, "source", p->document);
		json_string(&j, "where", p->hosts[i].where);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

/* The aligned flow table of `profile show`, one row per compiled flow. */
static int show_flows(const struct profile *p)
{
	struct table t = { .ncols = 7 };
	char *row[7];
	unsigned int k;
	size_t i;
	int ret = 0;

	row[0] = strdup("NAME");
	row[1] = strdup("PROTO");
	row[2] = strdup("PORTS");
	row[3] = strdup("DIRECTION");
	row[4] = strdup("DEFAULT/OPTION");
	row[5] = strdup("SOURCE");
	row[6] = strdup("DESCRIPTION");
	for (i = 0, k = 0; ; ) {
		const struct profile_flow *f;
		bool both;
		int c;

		for (c = 0; c < 7; c++) {
			if (!row[c])
				break;
		}
		if (c < 7 || table_add(&t, row)) {
			for (c = 0; c < 7; c++)
				free(row[c]);
			ret = -ENOMEM;
			break;
		}
		/* Next (flow, protocol): k is 0 for tcp, 1 for udp. */
		for (; i < p->nflows; i++, k = 0) {
			f = &p->flows[i];
			while (k < 2 && !(f->protos & (1U << k)))
				k++;
			if (k < 2)
				break;
		}
		if (i == p->nflows)
			break;
		f = &p->flows[i];
		both = f->protos == (PROFILE_PROTO_TCP | PROFILE_PROTO_UDP);
		row[0] = fmt("%s%s", f->name,
			     !both ? "" : k ? "-udp" : "-tcp");
		row[1] = strdup(k ? "udp" : "tcp");
		row[2] = ports_text(f);
		row[3] = fmt("%s -> %s", role_of(p, f->from), role_of(p, f->to));
		row[4] = f->option < 0 ? strdup("default") :
			 fmt("with %s", p->options[f->option].name);
		row[5] = strdup(f->source);	/* where: in -j, too long here */
		row[6] = strdup(f->description);
		k++;
	}
	if (!ret)
		table_print(&t, stdout);
	table_free(&t);
	for (i = 0; !ret && i < p->nflows; i++) {
		const struct profile_flow *f = &p->flows[i];

		if (f->override_line)
			printf("* %s: overridden at %s:%u\n", f->name,
			       f->override_file, f->override_line);
	}
	return ret;
}

static int show_human(const struct profile *p)
{
	size_t i, w = 0;

	printf("profile:     %s\n", p->name);
	if (p->product[0])
		printf("product:     %s\n", p->product);
	printf("description: %s\n", p->description);
	if (p->document_title[0])
		printf("document:    %s (%s)\n", p->document, p->document_title);
	else
		printf("document:    %s\n", p->document);
	printf("file:        %s\n", p->file);
	if (!p->noverrides)
		printf("overrides:   none\n");
	for (i = 0; i < p->noverrides; i++)
		printf("%s%s\n", i ? "             " : "overrides:   ",
		       p->overrides[i]);

	for (i = 0; i < p->nroles; i++)
		w = strlen(p->roles[i].name) > w ? strlen(p->roles[i].name) : w;
	for (i = 0; i < p->noptions; i++)
		w = strlen(p->options[i].name) > w ?
		    strlen(p->options[i].name) : w;
	printf("\nroles:\n");
	for (i = 0; i < p->nroles; i++)
		printf("  %-*s  %s\n", (int)w, p->roles[i].name,
		       p->roles[i].description);
	printf("\noptions:%s\n", p->noptions ? "" : " none");
	for (i = 0; i < p->noptions; i++)
		printf("  %-*s  %s\n", (int)w, p->options[i].name,
		       p->options[i].description);
	if (p->nhosts) {
		printf("\nhosts (enable --bind-hosts binds their roles to them):\n");
		for (i = 0; i < p->nhosts; i++)
			printf("  %-*s  %-24s %s\n", (int)w, p->hosts[i].role,
			       p->hosts[i].name, p->hosts[i].where);
	}
	printf("\n");
	return show_flows(p);
}

static int show_main(const char *name, bool json)
{
	struct profile_error err;
	struct profile p;
	int ret;

	if (profile_load(name, &p, &err)) {
		print_error(&err);
		return 1;
	}
	if (json) {
		show_json(&p);
		ret = 0;
	} else {
		ret = show_human(&p);
		if (ret)
			nomem();
	}
	profile_free(&p);
	return ret ? 1 : 0;
}

static int check_main(int argc, const char *argv[])
{
	const struct profile **set = NULL;
	struct profile_error err;
	struct profile *ps = NULL;
	size_t total, dflt, nset = 0;
	bool quiet = false;
	int i, nfiles = 0, stdin_seen = 0, ret = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-q")) {
			quiet = true;
		} else if (!strcmp(argv[i], "-")) {
			/* Standard input can be read once. */
			if (stdin_seen++) {
				fprintf(stderr, "%s: profile check: '-' given twice\n",
					prog);
				usage(stderr);
				return 1;
			}
			nfiles++;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "%s: profile check: unknown option '%s'\n",
				prog, argv[i]);
			usage(stderr);
			return 1;
		} else {
			nfiles++;
		}
	}
	if (!nfiles) {
		fprintf(stderr, "%s: profile check: missing a file (- is standard input)\n",
			prog);
		usage(stderr);
		return 1;
	}
	ps = calloc(argc, sizeof(*ps));
	set = calloc(argc, sizeof(*set));
	if (!ps || !set) {
		nomem();
		ret = 1;
		goto out;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-q"))
			continue;
		if (profile_load_file(argv[i], &ps[i], &err)) {
			print_error(&err);
			ret = 1;
			continue;
		}
		fflush(stdout);
		profile_lint(&ps[i], stderr);
		set[nset++] = &ps[i];
		count_flows(&ps[i], &total, &dflt);
		if (!quiet)
			printf("%s: ok (%zu flows, %zu default)\n",
			       strcmp(argv[i], "-") ? argv[i] : "<stdin>",
			       total, dflt);
		fflush(stdout);
	}
	profile_lint_set(set, nset, stderr);
out:
	for (i = 0; ps && i < argc; i++)
		profile_free(&ps[i]);
	free(ps);
	free(set);
	return ret;
}

int profile_main(int argc, const char *argv[])
{
	bool json = false;
	const char *name = NULL;
	int i;

	if (argc < 2) {
		fprintf(stderr, "%s: profile: missing a subcommand (list, show, check)\n",
			prog);
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "check"))
		return check_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") && strcmp(argv[1], "show")) {
		fprintf(stderr, "%s: profile: unknown subcommand '%s' (list, show, check)\n",
			prog, argv[1]);
		goto bad;
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-j") && !json) {
			json = true;
		} else if (argv[i][0] != '-' && !name &&
			   !strcmp(argv[1], "show")) {
			name = argv[i];
		} else {
			fprintf(stderr, "%s: profile %s: unexpected '%s'\n", prog,
				argv[1], argv[i]);
			goto bad;
		}
	}
	if (!strcmp(argv[1], "list"))
		return list_main(json);
	if (name)
		return show_main(name, json);
	fprintf(stderr, "%s: profile show: missing the profile name\n", prog);
bad:
	usage(stderr);
	return 1;
}
