// SPDX-License-Identifier: GPL-2.0
/*
 * resolve_probe [-t TIMEOUT_MS] [-r TRIES] NAME...: resolve_batch() of the
 * names against the system's DNS server or EPGATE_DNS_SERVER, one line per
 * name then one per address, in a stable order (the test compares them):
 *
 *   NAME STATUS NADDRS [ERROR]
 *   NAME ADDR TTL              (sorted: IPv4 first, then by address)
 *
 * Exits 0 when every name was asked (whatever it answered), 1 otherwise.
 * Used by selftests/epgate_resolve.sh against a dnsmasq in the VM.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "resolve.h"

static int cmp(const void *a, const void *b)
{
	const struct resolve_addr *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->addr, y->addr, 16);
}

int main(int argc, char **argv)
{
	struct resolve_opts opts = { 0 };
	struct resolve_answer *out;
	char err[256];
	size_t i, k, n;
	int c;

	while ((c = getopt(argc, argv, "t:r:")) != -1) {
		switch (c) {
		case 't':
			opts.timeout_ms = (unsigned int)atoi(optarg);
			break;
		case 'r':
			opts.tries = (unsigned int)atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: resolve_probe [-t MS] [-r TRIES] NAME...\n");
			return 2;
		}
	}
	n = argc - optind;
	opts.server = resolve_server_env();
	out = calloc(n ? n : 1, sizeof(*out));
	if (!out)
		return 1;
	if (resolve_batch((const char *const *)argv + optind, n, &opts, out,
			  err, sizeof(err))) {
		fprintf(stderr, "resolve_probe: %s\n", err);
		free(out);
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct resolve_answer *a = &out[i];

		printf("%s %s %zu%s%s\n", argv[optind + i],
		       resolve_status_name(a->status), a->naddrs,
		       a->error[0] ? " " : "", a->error);
		qsort(a->addrs, a->naddrs, sizeof(*a->addrs), cmp);
		for (k = 0; k < a->naddrs; k++) {
			char buf[INET6_ADDRSTRLEN];

			inet_ntop(a->addrs[k].family, a->addrs[k].addr, buf,
				  sizeof(buf));
			printf("%s %s %u\n", argv[optind + i], buf,
			       a->addrs[k].ttl);
		}
		resolve_answer_free(a);
	}
	free(out);
	return 0;
}
