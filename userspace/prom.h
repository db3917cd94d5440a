/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus text exposition format (version 0.0.4), as node_exporter's
 * textfile collector and `promtool check metrics` read it: every metric
 * family once, its samples together after its # HELP and # TYPE lines.
 *
 *   # HELP epgate_flow_packets_total Packets the flow allowed.
 *   # TYPE epgate_flow_packets_total counter
 *   epgate_flow_packets_total{profile="eset",flow="agent-server"} 42
 *
 * Label values escape backslash, double quote and newline; HELP text
 * escapes backslash and newline; bytes that are not UTF-8 (the format's
 * encoding) become U+FFFD.  Names are the caller's constants, checked.
 */
#ifndef EPGATE_PROM_H
#define EPGATE_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* [a-zA-Z_:][a-zA-Z0-9_:]* (metric) or [a-zA-Z_][a-zA-Z0-9_]* (label). */
bool prom_valid_name(const char *name, bool label);

/* The # HELP and # TYPE lines; @type is "counter", "gauge", ... */
void prom_family(FILE *f, const char *name, const char *type,
		 const char *help);

/*
 * One sample: @name, the label pairs (name, value, ..., NULL), the value.
 *   prom_sample(f, "epgate_flows", 17, NULL);
 *   prom_sample(f, "epgate_packets_total", 5, "verdict", "dropped", NULL);
 */
void prom_sample(FILE *f, const char *name, uint64_t value, ...)
	__attribute__((sentinel));

/* A label value, escaped, without the quotes. */
void prom_label_value(FILE *f, const char *v);

/* HELP text, escaped. */
void prom_help_text(FILE *f, const char *s);

/*
 * Write DIR/NAME atomically for a reader that may open it at any time
 * (node_exporter): a temporary file in DIR (a name that does not end in
 * .prom, so the collector never reads it), written by @emit, fsync'ed,
 * mode 0644, renamed over DIR/NAME, then DIR fsync'ed.  On error the
 * temporary file is removed, DIR/NAME is left as it was, @err says what
 * failed, and a negative errno is returned.
 */
int prom_write_file(const char *dir, const char *name,
		    void (*emit)(FILE *f, const void *arg), const void *arg,
		    char *err, size_t errlen);

#endif
