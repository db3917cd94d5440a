/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel names that the shared flow table (table.h, lib/table.c)
 * uses, so that the same files build in epgate.ko and in userspace tests
 * and benchmarks.  In the kernel this is only a list of includes; in
 * userspace it maps the names onto libc.  Add nothing the table does not
 * need: every stand-in here is code the kernel build never checks.
 */
#ifndef _EPGATE_COMPAT_H
#define _EPGATE_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kernel.h>	/* vsnprintf */
#include <linux/mm.h>		/* kvzalloc, kvfree */
#include <linux/slab.h>
#include <linux/sched.h>	/* cond_resched */
#include <linux/socket.h>	/* AF_INET, AF_INET6 */
#include <linux/string.h>
#include <linux/sort.h>
#include <asm/byteorder.h>	/* cpu_to_be32 */

#else /* userspace */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>		/* htonl */
#include <sys/socket.h>		/* AF_INET, AF_INET6 */
#include <linux/types.h>	/* __u8 .. __be32, as the kernel spells them */

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#ifndef noinline
#define noinline	__attribute__((__noinline__))
#endif

#ifndef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#endif

#ifndef READ_ONCE
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#endif

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

#define cpu_to_be32(x)	((__be32)htonl(x))
#define be32_to_cpu(x)	((u32)ntohl(x))
#define cond_resched()	do { } while (0)

/* The gfp argument is kept so that call sites read as in the kernel. */
#define GFP_KERNEL_ACCOUNT	0

static inline void *kvzalloc(size_t size, int gfp)
{
	(void)gfp;
	return calloc(1, size);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

/* The kernel's sort(), without its swap callback (always NULL here). */
static inline void sort(void *base, size_t num, size_t size,
			int (*cmp)(const void *, const void *), void *swap)
{
	(void)swap;
	qsort(base, num, size, cmp);
}

#endif /* __KERNEL__ */

#endif /* _EPGATE_COMPAT_H */
