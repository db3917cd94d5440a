// SPDX-License-Identifier: GPL-2.0
/*
 * epgate config [hooks HOOK[,HOOK...]] [in IF[,IF...]|any]
 *               [out IF[,IF...]|any] [mark VALUE/MASK|none]
 *               [log off|kernel|nflog GROUP|kernel,nflog GROUP]
 *               [priority N] [other accept|drop]
 *
 * One SET_CONFIG carrying only the settings given: the kernel changes only
 * what is present, so `epgate config mark none` leaves hooks and scope
 * alone.  Everything the kernel's policy would refuse is checked here first
 * so that the error can quote the word typed.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/epgate.h>

#include "config.h"
#include "genl.h"
#include "statusmsg.h"
#include "subcommands.h"

static const struct {
	const char *name;
	uint32_t bit;
} hooks[] = {
	{ "forward", EPGATE_HOOK_FORWARD },
	{ "input", EPGATE_HOOK_INPUT },
	{ "output", EPGATE_HOOK_OUTPUT },
};

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int config_parse_mode(const char *word, uint8_t *mode)
{
	unsigned int m;

	for (m = 0; m <= EPGATE_MODE_MAX; m++) {
		if (!strcmp(word, mode_name(m))) {
			*mode = m;
			return 0;
		}
	}
	return -EINVAL;
}

/* Comma-separated words of @list into @out, at most @max, each < @size. */
static int split_list(const char *list, char *out, size_t size,
		      unsigned int max, unsigned int *n, const char **bad)
{
	const char *p = list;

	*n = 0;
	*bad = NULL;
	for (;;) {
		size_t len = strcspn(p, ",");

		if (*n == max)
			return -E2BIG;
		if (!len || len >= size) {
			*bad = p;
			return len ? -ENAMETOOLONG : -ENODATA;
		}
		memcpy(out + *n * size, p, len);
		out[*n * size + len] = '\0';
		(*n)++;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int parse_hooks(const char *list, uint32_t *mask, char *err,
		       size_t errlen)
{
	const size_t nhooks = sizeof(hooks) / sizeof(hooks[0]);
	const char *p = list;
	size_t len, h;

	*mask = 0;
	for (;;) {
		len = strcspn(p, ",");
		if (!len)
			return fail(err, errlen, "empty hook in '%s'", list);
		for (h = 0; h < nhooks; h++) {
			if (strlen(hooks[h].name) == len &&
			    !strncmp(p, hooks[h].name, len))
				break;
		}
		if (h == nhooks)
			return fail(err, errlen,
				    "unknown hook '%.*s' (forward, input, output)",
				    (int)len, p);
		if (*mask & hooks[h].bit)
			return fail(err, errlen, "hook '%s' given twice",
				    hooks[h].name);
		*mask |= hooks[h].bit;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/* What the kernel's dev_valid_name() accepts, minus the length. */
static int bad_ifname(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..") ||
	       strpbrk(name, "/: \t\n");
}

static int parse_ifaces(const char *list, char (*names)[EPGATE_IFNAME_MAX],
			unsigned int *n, char *err, size_t errlen)
{
	unsigned int i, k;
	const char *bad;
	int ret;

	if (!strcmp(list, "any")) {
		*n = 0;		/* an empty nest clears the list */
		return 0;
	}
	ret = split_list(list, names[0], EPGATE_IFNAME_MAX, EPGATE_MAX_IFACES,
			 n, &bad);
	if (ret == -E2BIG)
		return fail(err, errlen,
			    "too many interfaces in '%s' (at most %d)", list,
			    EPGATE_MAX_IFACES);
	if (ret == -ENODATA)
		return fail(err, errlen, "empty interface name in '%s'",
			    list);
	if (ret)
		return fail(err, errlen,
			    "interface name '%.*s' is longer than %d characters",
			    (int)strcspn(bad, ","), bad, EPGATE_IFNAME_MAX - 1);
	for (i = 0; i < *n; i++) {
		if (bad_ifname(names[i]))
			return fail(err, errlen, "bad interface name '%s'",
				    names[i]);
		/*
		 * nft and iptables read a trailing '*' as a prefix match,
		 * the module compares names exactly: refuse it rather than
		 * have the module and the export mean two things.
		 */
		if (strchr(names[i], '*'))
			return fail(err, errlen,
				    "interface name '%s': wildcards are not supported (names are compared exactly; list each interface)",
				    names[i]);
		if (!strcmp(names[i], "any"))
			return fail(err, errlen,
				    "'any' mixed with interface names in '%s' (give 'any' alone, or only names)",
				    list);
		for (k = 0; k < i; k++) {
			if (!strcmp(names[k], names[i]))
				return fail(err, errlen,
					    "interface '%s' given twice",
					    names[i]);
		}
	}
	return 0;
}

/* Decimal or 0x hex, the whole word, 32 bits; no sign, no octal. */
static int parse_u32(const char *s, size_t len, uint32_t *v)
{
	unsigned long long x = 0;
	int base = 10;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		char c = s[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		x = x * base + d;
		if (x > UINT32_MAX)
			return -ERANGE;
	}
	*v = x;
	return 0;
}

static int parse_mark(const char *word, struct epgate_config *cfg,
		      char *err, size_t errlen)
{
	const char *slash = strchr(word, '/');

	if (!strcmp(word, "none")) {
		cfg->mark_value = 0;
		cfg->mark_mask = 0;
		return 0;
	}
	if (!slash || parse_u32(word, slash - word, &cfg->mark_value) ||
	    parse_u32(slash + 1, strlen(slash + 1), &cfg->mark_mask))
		return fail(err, errlen,
			    "bad mark '%s' (VALUE/MASK, 32-bit, decimal or 0x hex; or none)",
			    word);
	if (cfg->mark_value & ~cfg->mark_mask)
		return fail(err, errlen,
			    "mark '%s' sets bits outside its mask (0x%x)", word,
			    cfg->mark_value & ~cfg->mark_mask);
	return 0;
}

/* A whole decimal word, 0..65535: no sign, no space, no hex. */
static int parse_group(const char *s, uint16_t *group)
{
	unsigned long v = 0;
	const char *p;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (*p - '0');
		if (v > UINT16_MAX)
			return -ERANGE;
	}
	*group = v;
	return 0;
}

/*
 * `log off`, `log kernel`, `log nflog GROUP`, `log kernel,nflog GROUP`:
 * @argv[0] is the target list, @argv[1] the group when nflog is in it.
 * Returns the words used (1 or 2), or -EINVAL.
 */
static int parse_log(int argc, const char *argv[], struct epgate_config *cfg,
		     char *err, size_t errlen)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} targets[] = {
		{ "kernel", EPGATE_LOG_KERNEL },
		{ "nflog", EPGATE_LOG_NFLOG },
	};
	const size_t ntargets = sizeof(targets) / sizeof(targets[0]);
	const char *list = argv[0], *p = list;
	size_t len, t;

	cfg->log_flags = 0;
	cfg->log_group = 0;
	if (!strcmp(list, "off"))
		return 1;
	for (;;) {
		len = strcspn(p, ",");
		if (!len)
			return fail(err, errlen, "empty log target in '%s'",
				    list);
		for (t = 0; t < ntargets; t++) {
			if (strlen(targets[t].name) == len &&
			    !strncmp(p, targets[t].name, len))
				break;
		}
		if (t == ntargets && len == 3 && !strncmp(p, "off", 3))
			return fail(err, errlen,
				    "'off' cannot be combined with other log targets in '%s'",
				    list);
		if (t == ntargets)
			return fail(err, errlen,
				    "unknown log target '%.*s' (off, kernel, nflog)",
				    (int)len, p);
		if (cfg->log_flags & targets[t].bit)
			return fail(err, errlen, "log target '%s' given twice",
				    targets[t].name);
		cfg->log_flags |= targets[t].bit;
		if (!p[len])
			break;
		p += len + 1;
	}
	if (!(cfg->log_flags & EPGATE_LOG_NFLOG))
		return 1;
	if (argc < 2)
		return fail(err, errlen, "nflog needs a group (log %s GROUP)",
			    list);
	if (parse_group(argv[1], &cfg->log_group))
		return fail(err, errlen, "bad NFLOG group '%s' (0..65535)",
			    argv[1]);
	return 2;
}

/* A whole decimal word, optionally negative, in the kernel's range. */
static int parse_priority(const char *s, int32_t *prio, char *err,
			  size_t errlen)
{
	const char *p = s;
	long v = 0;
	int neg = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (!*p)
		goto bad;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		v = v * 10 + (*p - '0');
		if (v > 1000000)
			goto bad;
	}
	if (neg)
		v = -v;
	if (v < EPGATE_PRIORITY_MIN || v > EPGATE_PRIORITY_MAX)
		goto bad;
	*prio = v;
	return 0;
bad:
	return fail(err, errlen,
		    "bad priority '%s' (%d..%d: after DNAT at -100; default %d, before the filter priority 0)",
		    s, EPGATE_PRIORITY_MIN, EPGATE_PRIORITY_MAX,
		    EPGATE_PRIORITY_DEFAULT);
}

int config_parse_other(const char *word, uint8_t *other)
{
	if (!strcmp(word, "accept"))
		*other = EPGATE_OTHER_ACCEPT;
	else if (!strcmp(word, "drop"))
		*other = EPGATE_OTHER_DROP;
	else
		return -EINVAL;
	return 0;
}

int config_parse(int argc, const char *argv[], struct epgate_config *cfg,
		 char *err, size_t errlen)
{
	static const struct {
		const char *key;
		unsigned int bit;
	} keys[] = {
		{ "hooks", CONFIG_HOOKS },
		{ "in", CONFIG_IN },
		{ "out", CONFIG_OUT },
		{ "mark", CONFIG_MARK },
		{ "log", CONFIG_LOG },
		{ "priority", CONFIG_PRIORITY },
		{ "other", CONFIG_OTHER },
	};
	unsigned int k;
	int i, ret, used;

	memset(cfg, 0, sizeof(*cfg));
	err[0] = '\0';
	if (argc < 1)
		return -EINVAL;
	/* Each setting is a key and a value; `log ... nflog` adds a group. */
	for (i = 0; i < argc; i += 1 + used) {
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			if (!strcmp(argv[i], keys[k].key))
				break;
		}
		if (k == sizeof(keys) / sizeof(keys[0]))
			return fail(err, errlen,
				    "unknown setting '%s' (hooks, in, out, mark, log, priority, other)",
				    argv[i]);
		if (cfg->set & keys[k].bit)
			return fail(err, errlen, "'%s' given twice", argv[i]);
		if (i + 1 == argc)
			return fail(err, errlen, "missing value after '%s'",
				    argv[i]);
		cfg->set |= keys[k].bit;
		used = 1;

		switch (keys[k].bit) {
		case CONFIG_HOOKS:
			ret = parse_hooks(argv[i + 1], &cfg->hooks, err,
					  errlen);
			break;
		case CONFIG_IN:
			ret = parse_ifaces(argv[i + 1], cfg->in, &cfg->nin,
					   err, errlen);
			break;
		case CONFIG_OUT:
			ret = parse_ifaces(argv[i + 1], cfg->out, &cfg->nout,
					   err, errlen);
			break;
		case CONFIG_MARK:
			ret = parse_mark(argv[i + 1], cfg, err, errlen);
			break;
		case CONFIG_PRIORITY:
			ret = parse_priority(argv[i + 1], &cfg->priority, err,
					     errlen);
			break;
		case CONFIG_OTHER:
			ret = config_parse_other(argv[i + 1], &cfg->other);
			if (ret)
				fail(err, errlen,
				     "bad value '%s' for other (accept, drop)",
				     argv[i + 1]);
			break;
		default:
			ret = parse_log(argc - i - 1, argv + i + 1, cfg, err,
					errlen);
			if (ret > 0) {
				used = ret;	/* the targets and a group */
				ret = 0;
			}
			break;
		}
		if (ret)
			return ret;
	}
	return 0;
}

int config_send_on(struct epgate_genl *g, const struct epgate_config *cfg)
{
	/*
	 * At most 2 x 8 names of 16 bytes in nests, and four numbers.  Zeroed
	 * libmnl 1.0.4 does not clear attribute padding, and no stack byte
	 * should go to the kernel.
	 */
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = epgate_genl_msg(g, buf, EPGATE_CMD_SET_CONFIG, 0);
	config_put(nlh, cfg);
	epgate_genl_put_confirm(nlh);
	return epgate_genl_talk(g, nlh, NULL, NULL);
}

int config_send(const struct epgate_config *cfg, const char *cmd)
{
	struct epgate_genl g;
	int ret;

	ret = status_connect(&g, cmd);
	if (ret)
		return ret;
	ret = config_send_on(&g, cfg);
	if (ret)
		fprintf(stderr, "%s: %s: %s\n", prog, cmd,
			epgate_genl_strerror(&g, ret));
	else
		status_report_change(&g, cmd);
	epgate_genl_close(&g);
	return ret;
}
