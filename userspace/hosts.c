// SPDX-License-Identifier: GPL-2.0
/*
 * The followed hostnames as the commands use them (hosts.h).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hosts.h"

void hosts_init(struct hosts *h, const struct names_params *p)
{
	memset(h, 0, sizeof(*h));
	names_init(&h->ns, p);
}

void hosts_free(struct hosts *h)
{
	names_free(&h->ns);
	flowlist_set_free(&h->answer);
	free(h->seen);
	memset(h, 0, sizeof(*h));
}

void hosts_seen_clear(struct hosts *h)
{
	h->nseen = 0;
}

bool hosts_seen(const struct hosts *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->nseen; i++) {
		if (!strcmp(h->seen[i], name))
			return true;
	}
	return false;
}

static int see(struct hosts *h, const char *name)
{
	if (hosts_seen(h, name))
		return 0;
	if (h->nseen == h->seen_alloc) {
		size_t alloc = h->seen_alloc ? 2 * h->seen_alloc : 16;
		void *n = realloc(h->seen, alloc * sizeof(*h->seen));

		if (!n)
			return -ENOMEM;
		h->seen = n;
		h->seen_alloc = alloc;
	}
	snprintf(h->seen[h->nseen++], sizeof(*h->seen), "%s", name);
	return 0;
}

void hosts_forget_unseen(struct hosts *h)
{
	size_t i = 0;

	while (i < h->ns.n) {
		if (hosts_seen(h, h->ns.v[i].name))
			i++;
		else
			names_remove(&h->ns, h->ns.v[i].name);
	}
}

int hosts_lookup(void *ctx, const char *raw, const struct flowlist_set **out,
		 char *err, size_t errlen)
{
	struct hosts *h = ctx;
	struct names_addr addrs[NAMES_ADDRS_MAX];
	const struct names_entry *e;
	char name[HOSTNAME_MAX + 1], why[128];
	size_t n, i, off = 0;
	int ret;

	h->lookups++;
	if (!hostname_valid(raw, strlen(raw), &off, why, sizeof(why))) {
		snprintf(err, errlen, "'%s': not a hostname: %s (at byte %zu)",
			 raw, why, off + 1);
		return -EINVAL;
	}
	hostname_lower(name, raw, strlen(raw));
	ret = see(h, name);
	if (ret)
		return ret;
	flowlist_set_free(&h->answer);
	*out = &h->answer;
	if (h->collect) {
		ret = names_add(&h->ns, name);
		if (ret == -ENOSPC)
			snprintf(err, errlen, "'%s': more than %d followed names",
				 name, NAMES_MAX);
		else if (ret)
			snprintf(err, errlen, "'%s': %s", name, strerror(-ret));
		return ret;
	}
	n = names_addrs(&h->ns, name, h->now, addrs, NAMES_ADDRS_MAX);
	if (!n) {
		e = names_get(&h->ns, name);
		if (!e || !e->tried)
			snprintf(err, errlen, "%s: not resolved yet", name);
		else {
			const char *st = resolve_status_name(e->status);
			bool more = e->error[0] && strcmp(e->error, st);

			snprintf(err, errlen, "%s: no address (DNS: %s%s%s)",
				 name, st, more ? ": " : "", more ? e->error : "");
		}
		return -EHOSTUNREACH;
	}
	for (i = 0; i < n && i < NAMES_ADDRS_MAX; i++) {
		struct flowlist_prefix p = { .family = addrs[i].family };

		p.len = p.family == AF_INET ? 32 : 128;
		memcpy(p.addr, addrs[i].addr, 16);
		ret = flowlist_set_add(&h->answer, &p);
		if (ret)
			return ret;
	}
	return 0;
}

const char *hosts_run_dir(void)
{
	const char *env = getenv("EPGATE_RUN_DIR");

	return env && *env ? env : HOSTS_RUN_DIR;
}

const char *hosts_state_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", hosts_run_dir(), HOSTS_STATE_FILE);
	return buf;
}

int hosts_state_load(struct names *ns, char *err, size_t errlen)
{
	char path[4096], *buf = NULL, *nb;
	size_t len = 0, alloc = 0;
	ssize_t r;
	int fd, ret;

	hosts_state_path(path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	for (;;) {
		if (len == alloc) {
			alloc = alloc ? 2 * alloc : 65536;
			nb = realloc(buf, alloc);
			if (!nb) {
				ret = -ENOMEM;
				goto out;
			}
			buf = nb;
		}
		r = read(fd, buf + len, alloc - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s", path, strerror(-ret));
			goto out;
		}
		if (!r)
			break;
		len += r;
	}
	ret = names_parse(ns, path, buf, len, err, errlen);
out:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
	free(buf);
	close(fd);
	return ret;
}

int hosts_state_write(const struct names *ns, char *err, size_t errlen)
{
	char path[4096], tmp[4096 + 16];
	FILE *f;
	int fd, ret = 0;

	if (mkdir(hosts_run_dir(), 0755) && errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", hosts_run_dir(), strerror(-ret));
		return ret;
	}
	hosts_state_path(path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "%s: %s", tmp, strerror(-ret));
		return ret;
	}
	ret = names_write(ns, f);
	if (fflush(f) || ferror(f) || fsync(fileno(f)))
		ret = ret ? ret : -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(ret < 0 ? -ret : EIO));
		unlink(tmp);
	}
	return ret;
}
