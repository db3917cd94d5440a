// SPDX-License-Identifier: GPL-2.0
/*
 * Named address sets (addrset.h).  The parser keeps nothing of its own
 * but the line loop: words come from flowlist_words(), prefixes from
 * flowlist_parse_set_prefix(), the validator every format shares.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addrset.h"
#include "flowcheck.h"

const char *addrset_dir(void)
{
	const char *env = getenv("EPGATE_SETS_DIR");

	return env && *env ? env : ADDRSET_DEFAULT_DIR;
}

/* Hostname-like with a dot: what flowlist.c hands its lookup as a name. */
static bool host_word(const char *s, size_t len)
{
	bool letter = false, dot = false;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			letter = true;
		else if (c == '.')
			dot = true;
		else if (!(c >= '0' && c <= '9') && c != '-')
			return false;
	}
	return letter && dot && len <= 253;
}

int addrset_parse(const char *file, const char *name, const char *buf,
		  size_t len, struct flowlist_set *out, char *err,
		  size_t errlen)
{
	return addrset_parse_hosts(file, name, buf, len, out, err, errlen,
				   NULL, NULL);
}

int addrset_parse_hosts(const char *file, const char *name, const char *buf,
			size_t len, struct flowlist_set *out, char *err,
			size_t errlen, flowlist_lookup_fn hosts, void *ctx)
{
	unsigned int nhosts = 0;
	struct flowlist_word w[2];
	struct flowlist_error fe;
	struct flowlist_prefix p;
	unsigned int line = 0;
	size_t off = 0;
	int n, ret = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	err[0] = '\0';
	while (off < len && !ret) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t llen = nl ? (size_t)(nl - buf) - off : len - off;

		line++;
		ret = flowlist_words(buf + off, llen, line, w, 2, &n, &fe);
		if (ret) {
			snprintf(err, errlen, "%s:%u: %s", file, line, fe.msg);
			break;
		}
		off += llen + 1;
		if (!n)
			continue;
		if (n > 1) {
			char q[FLOWCHECK_QUOTE_BUF];

			snprintf(err, errlen,
				 "%s:%u: '%s' after the prefix (one prefix per line)",
				 file, line, flowcheck_quote(q, w[1].s, w[1].len));
			ret = -EINVAL;
			break;
		}
		if (hosts && host_word(w[0].s, w[0].len)) {
			const struct flowlist_set *addrs;
			char host[254], msg[256];
			uint32_t i;

			memcpy(host, w[0].s, w[0].len);
			host[w[0].len] = '\0';
			msg[0] = '\0';
			ret = hosts(ctx, host, &addrs, msg, sizeof(msg));
			if (ret) {
				snprintf(err, errlen, "%s:%u: %s", file, line, msg);
				break;
			}
			for (i = 0; !ret && i < addrs->n; i++) {
				if (out->n == EPGATE_MAX_PREFIXES) {
					snprintf(err, errlen,
						 "%s:%u: more than %d prefixes",
						 file, line, EPGATE_MAX_PREFIXES);
					ret = -EINVAL;
					break;
				}
				ret = flowlist_set_add(out, &addrs->prefixes[i]);
			}
			if (!ret)
				ret = flowlist_set_follow(out, host);
			nhosts++;
			continue;
		}
		ret = flowlist_parse_set_prefix(w[0].s, w[0].len, &p, &fe);
		if (ret) {
			snprintf(err, errlen, "%s:%u: %s", file, line, fe.msg);
			break;
		}
		if (out->n == EPGATE_MAX_PREFIXES) {
			snprintf(err, errlen, "%s:%u: more than %d prefixes",
				 file, line, EPGATE_MAX_PREFIXES);
			ret = -EINVAL;
			break;
		}
		ret = flowlist_set_add(out, &p);
	}
	if (!ret)
		ret = flowlist_set_dedup(out);
	if (!ret && !out->n && !nhosts) {
		snprintf(err, errlen, "%s: set '%s' is empty (no prefix)", file,
			 name);
		ret = -EINVAL;
	}
	if (ret == -ENOMEM && !err[0])
		snprintf(err, errlen, "%s: %s", file, strerror(ENOMEM));
	if (ret)
		flowlist_set_free(out);
	return ret;
}

static char *read_file(int fd, size_t *len)
{
	size_t alloc = 0, n;
	char *buf = NULL, *nb;
	ssize_t r;

	*len = 0;
	for (;;) {
		if (*len + 4096 > alloc) {
			alloc = alloc ? 2 * alloc : 16384;
			nb = realloc(buf, alloc);
			if (!nb) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		n = alloc - *len;
		r = read(fd, buf + *len, n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return NULL;
		}
		if (!r)
			return buf;
		*len += r;
	}
}

static int load(const char *name, struct flowlist_set *out, char *err,
		size_t errlen, flowlist_lookup_fn hosts, void *ctx)
{
	struct flowcheck_error fe;
	char path[4096];
	struct stat st;
	size_t len;
	char *buf;
	int fd, ret;

	memset(out, 0, sizeof(*out));
	if (flowcheck_name("set", name, strlen(name), &fe)) {
		snprintf(err, errlen, "%s", fe.msg);
		return -EINVAL;
	}
	if (snprintf(path, sizeof(path), "%s/%s.set", addrset_dir(), name) >=
	    (int)sizeof(path)) {
		snprintf(err, errlen, "set '%s': path too long", name);
		return -ENAMETOOLONG;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT) {
			snprintf(err, errlen, "unknown set '%s' (no %s)", name,
				 path);
			return -EINVAL;
		}
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "%s: not a regular file", path);
		return -EINVAL;
	}
	buf = read_file(fd, &len);
	ret = buf ? 0 : -errno;
	close(fd);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = addrset_parse_hosts(path, name, buf, len, out, err, errlen,
				  hosts, ctx);
	free(buf);
	return ret;
}

int addrset_load(const char *name, struct flowlist_set *out, char *err,
		 size_t errlen)
{
	return load(name, out, err, errlen, NULL, NULL);
}

static const struct flowlist_set *find(const struct flowlist *fl,
				       const char *name)
{
	size_t i;

	for (i = 0; fl && i < fl->nsets; i++) {
		if (!strcmp(fl->sets[i].name, name))
			return &fl->sets[i];
	}
	return NULL;
}

int addrset_lookup(void *cache, const char *name,
		   const struct flowlist_set **out, char *err, size_t errlen)
{
	struct addrset_cache *c = cache;
	struct flowlist_set s;
	uint32_t ref;
	int ret;

	if (strchr(name, '.')) {
		/* A hostname (flowlist.h): set names have no dot. */
		if (c->hosts)
			return c->hosts(c->hosts_ctx, name, out, err, errlen);
		snprintf(err, errlen,
			 "'%s': hostnames are not supported here (give its addresses)",
			 name);
		return -EINVAL;
	}
	*out = find(c->first, name);
	if (!*out)
		*out = find(&c->loaded, name);
	if (*out)
		return 0;
	if (c->first_only) {
		snprintf(err, errlen, "unknown set '%s'", name);
		return -EINVAL;
	}
	ret = load(name, &s, err, errlen, c->hosts, c->hosts_ctx);
	if (ret)
		return ret;
	ret = flowlist_push_set(&c->loaded, &s, &ref);
	flowlist_set_free(&s);
	if (ret)
		return ret;
	*out = flowlist_set_of(&c->loaded, ref);
	return 0;
}

void addrset_cache_free(struct addrset_cache *c)
{
	flowlist_free(&c->loaded);
}
