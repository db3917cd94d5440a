/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The low-level flow list of `epgate load`: one flow per line,
 *
 *   PROFILE FLOW tcp|udp PORTS FROM TO [monitor|enforce]
 *
 * PORTS is a comma list of P or LO-HI; FROM and TO are `any` or ADDR[/LEN].
 * `#` starts a comment; blank lines are ignored.  The parser is pure (a
 * buffer in, an array of flows or one positioned error out) so that it can
 * be unit tested and fuzzed without a kernel.
 */
#ifndef EPGATE_FLOWLIST_H
#define EPGATE_FLOWLIST_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/epgate.h>

/*
 * family 0: any address (len 0, addr all zero).  AF_INET: len 0..32,
 * address in addr[0..3].  AF_INET6: len 0..128.  Network byte order; the
 * bits beyond len are zero (the parser refuses host bits).
 */
struct flowlist_prefix {
	uint8_t family;
	uint8_t len;
	uint8_t addr[16];
};

/* Destination ports lo..hi, inclusive, host byte order. */
struct flowlist_range {
	uint16_t lo;
	uint16_t hi;
};

struct flowlist_flow {
	char profile[EPGATE_NAME_MAX];
	char name[EPGATE_NAME_MAX];
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t mode;		/* EPGATE_MODE_ENFORCE or EPGATE_MODE_MONITOR */
	uint16_t nranges;	/* 1..EPGATE_MAX_RANGES */
	struct flowlist_range ranges[EPGATE_MAX_RANGES];
	struct flowlist_prefix from;	/* initiator */
	struct flowlist_prefix to;	/* responder */
	unsigned int line;	/* where it was defined, for later messages */
};

struct flowlist {
	struct flowlist_flow *flows;	/* in file order = priority order */
	size_t n;
	size_t alloc;
};

struct flowlist_error {
	unsigned int line;	/* 1-based */
	unsigned int col;	/* 1-based, in bytes */
	char msg[256];
};

/*
 * Parse @len bytes of @buf (need not be NUL-terminated; NUL and other
 * control bytes are errors) into @fl, which must be zeroed or freed.
 * Returns 0; -EINVAL with @err filled, @fl emptied; or -ENOMEM.
 */
int flowlist_parse(const char *buf, size_t len, struct flowlist *fl,
		   struct flowlist_error *err);
void flowlist_free(struct flowlist *fl);

/* The same flow: identity, protocol, ports, roles and mode. */
bool flowlist_same_flow(const struct flowlist_flow *a,
			const struct flowlist_flow *b);

/*
 * One prefix as the flow list writes it: `any`, ADDR or ADDR/LEN, host bits
 * zero.  Returns 0 or -EINVAL with err->msg set (line and col 1).
 */
int flowlist_parse_prefix(const char *s, struct flowlist_prefix *pfx,
			  struct flowlist_error *err);

#endif
