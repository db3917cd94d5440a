// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/epgate: the state of the initial network namespace, one value
 * per file (Documentation/ABI/testing/sysfs-kernel-epgate).
 *
 * kobject_put() in uninit removes the files and waits for readers that are
 * inside a show() callback (kernfs active references), so a file held open
 * across rmmod returns -ENODEV on the next read instead of calling into
 * freed module text.
 */

#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/epgate.h>

#include "epgate.h"
#include "sysfs.h"

static const char * const epgate_mode_names[] = {
	[EPGATE_MODE_OFF] = "off",
	[EPGATE_MODE_MONITOR] = "monitor",
	[EPGATE_MODE_ENFORCE] = "enforce",
};

static struct kobject *epgate_kobj;

static struct epgate_net *init_en(void)
{
	return epgate_pernet(&init_net);
}

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	u8 mode;

	rcu_read_lock();
	mode = rcu_dereference(init_en()->cfg)->mode;
	rcu_read_unlock();
	if (mode > EPGATE_MODE_MAX)
		return -EIO;
	return sysfs_emit(buf, "%s\n", epgate_mode_names[mode]);
}

static ssize_t generation_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  (long long)atomic64_read(&init_en()->generation));
}

static ssize_t table_bytes_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	size_t bytes;

	rcu_read_lock();
	bytes = epg_table_bytes(rcu_dereference(init_en()->rs)->table);
	rcu_read_unlock();
	return sysfs_emit(buf, "%zu\n", bytes);
}

static struct kobj_attribute mode_attr = __ATTR_RO(mode);
static struct kobj_attribute generation_attr = __ATTR_RO(generation);
static struct kobj_attribute table_bytes_attr = __ATTR_RO(table_bytes);

static struct attribute *epgate_attrs[] = {
	&mode_attr.attr,
	&generation_attr.attr,
	&table_bytes_attr.attr,
	NULL,
};

static const struct attribute_group epgate_attr_group = {
	.attrs = epgate_attrs,
};

/* counters/: the global counters, sums of the per-CPU values. */
static ssize_t counter_show(char *buf, int which)
{
	u64 v[4];

	epgate_global_sum(init_en()->stats, &v[0], &v[1], &v[2], &v[3]);
	return sysfs_emit(buf, "%llu\n", v[which]);
}

#define EPGATE_COUNTER_ATTR(name, idx)					\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return counter_show(buf, idx);					\
}									\
static struct kobj_attribute name##_attr = __ATTR_RO(name)

EPGATE_COUNTER_ATTR(allowed, 0);
EPGATE_COUNTER_ATTR(dropped, 1);
EPGATE_COUNTER_ATTR(would_drop, 2);
EPGATE_COUNTER_ATTR(malformed, 3);

static struct attribute *epgate_counter_attrs[] = {
	&allowed_attr.attr,
	&dropped_attr.attr,
	&would_drop_attr.attr,
	&malformed_attr.attr,
	NULL,
};

static const struct attribute_group epgate_counter_group = {
	.name = "counters",
	.attrs = epgate_counter_attrs,
};

static const struct attribute_group *epgate_groups[] = {
	&epgate_attr_group,
	&epgate_counter_group,
	NULL,
};

int __init epgate_sysfs_init(void)
{
	int ret;

	epgate_kobj = kobject_create_and_add("epgate", kernel_kobj);
	if (!epgate_kobj)
		return -ENOMEM;

	ret = sysfs_create_groups(epgate_kobj, epgate_groups);
	if (ret)
		kobject_put(epgate_kobj);
	return ret;
}

void epgate_sysfs_uninit(void)
{
	sysfs_remove_groups(epgate_kobj, epgate_groups);
	kobject_put(epgate_kobj);
}
