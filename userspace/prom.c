// SPDX-License-Identifier: GPL-2.0
/*
 * Writing the Prometheus text exposition format: escaping, family headers,
 * samples, and the atomic file a textfile collector reads.
 */

#define _GNU_SOURCE	/* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prom.h"

bool prom_valid_name(const char *name, bool label)
{
	const char *p;

	if (!*name || (*name >= '0' && *name <= '9'))
		return false;
	for (p = name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_')
			continue;
		if (*p == ':' && !label)
			continue;
		return false;
	}
	return true;
}

/*
 * Length of the well-formed UTF-8 sequence at @s (1 to 4), or 0 if it is
 * not one (overlong forms, surrogates and values above U+10FFFF are not).
 */
static size_t utf8_len(const unsigned char *s)
{
	unsigned int c = s[0], min, n, i;
	uint32_t v;

	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0) {
		n = 2, v = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3, v = c & 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	return n;
}

/* @s with \\ and \n escaped, and \" too when @quote. */
static void escape(FILE *f, const char *s, bool quote)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p) {
		if (*p == '\\') {
			fputs("\\\\", f);
		} else if (*p == '\n') {
			fputs("\\n", f);
		} else if (*p == '"' && quote) {
			fputs("\\\"", f);
		} else {
			n = utf8_len(p);
			if (!n) {
				fputs("\xef\xbf\xbd", f);	/* U+FFFD */
				p++;
				continue;
			}
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		p++;
	}
}

void prom_label_value(FILE *f, const char *v)
{
	escape(f, v, true);
}

void prom_help_text(FILE *f, const char *s)
{
	escape(f, s, false);
}

void prom_family(FILE *f, const char *name, const char *type,
		 const char *help)
{
	fprintf(f, "# HELP %s ", name);
	prom_help_text(f, help);
	fprintf(f, "\n# TYPE %s %s\n", name, type);
}

void prom_sample(FILE *f, const char *name, uint64_t value, ...)
{
	const char *label, *sep = "{";
	va_list ap;

	fputs(name, f);
	va_start(ap, value);
	while ((label = va_arg(ap, const char *))) {
		fprintf(f, "%s%s=\"", sep, label);
		prom_label_value(f, va_arg(ap, const char *));
		fputc('"', f);
		sep = ",";
	}
	va_end(ap);
	if (*sep == ',')
		fputc('}', f);
	fprintf(f, " %" PRIu64 "\n", value);
}

int prom_write_file(const char *dir, const char *name,
		    void (*emit)(FILE *f, const void *arg), const void *arg,
		    char *err, size_t errlen)
{
	char tmp[4096], path[4096];
	const char *what = tmp;
	FILE *f = NULL;
	int fd, dfd, ret = 0;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >=
	    (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: name too long", dir);
		return -ENAMETOOLONG;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(-ret));
		return ret;
	}
	/* mkstemp makes it 0600; the collector runs as another user. */
	if (fchmod(fd, 0644) || !(f = fdopen(fd, "w"))) {
		ret = -errno;
		close(fd);
		goto fail;
	}
	errno = 0;
	emit(f, arg);
	if (fflush(f) || ferror(f) || fsync(fileno(f)))
		ret = errno ? -errno : -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret)
		goto fail;
	if (rename(tmp, path)) {
		ret = -errno;
		what = path;
		goto fail;
	}
	/* The rename itself survives a crash once the folder is synced. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(-ret));
	}
	if (dfd >= 0)
		close(dfd);
	return ret;

fail:
	snprintf(err, errlen, "%s: %s", what, strerror(-ret));
	unlink(tmp);
	return ret;
}
