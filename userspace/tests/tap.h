/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP for host unit tests: plan, ok(), exit 0 when all passed and 1
 * otherwise (kselftest's exit codes; 4 is skip).
 */
#ifndef EPGATE_TAP_H
#define EPGATE_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static inline void tap_plan(int n)
{
	printf("TAP version 13\n1..%d\n", n);
}

__attribute__((format(printf, 2, 3)))
static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	return cond;
}

static inline int tap_exit(void)
{
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif
