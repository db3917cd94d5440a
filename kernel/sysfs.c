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

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	u8 mode = READ_ONCE(epgate_pernet(&init_net)->mode);

	if (mode > EPGATE_MODE_MAX)
		return -EIO;
	return sysfs_emit(buf, "%s\n", epgate_mode_names[mode]);
}

static struct kobj_attribute mode_attr = __ATTR_RO(mode);

static struct attribute *epgate_attrs[] = {
	&mode_attr.attr,
	NULL,
};

static const struct attribute_group epgate_attr_group = {
	.attrs = epgate_attrs,
};

int __init epgate_sysfs_init(void)
{
	int ret;

	epgate_kobj = kobject_create_and_add("epgate", kernel_kobj);
	if (!epgate_kobj)
		return -ENOMEM;

	ret = sysfs_create_group(epgate_kobj, &epgate_attr_group);
	if (ret)
		kobject_put(epgate_kobj);
	return ret;
}

void epgate_sysfs_uninit(void)
{
	sysfs_remove_group(epgate_kobj, &epgate_attr_group);
	kobject_put(epgate_kobj);
}
