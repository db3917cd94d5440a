// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/epgate: the state of the initial network namespace, one value
 * per file (Documentation/ABI/testing/sysfs-kernel-epgate).
 *
 * kobject_put() in uninit removes the files and waits for readers that are
 * inside a show() callback (kernfs active references), so a file held open
 * across rmmod returns -ENODEV on the next read instead of calling into
 * freed module text.
 *
 * profiles/<name>/ and profiles/<name>/flows/<flow>/ mirror the initial
 * namespace's ruleset: epgate_sysfs_sync() runs after every swap there,
 * under that namespace's en->lock, and adds or removes directories so that
 * they match the new set.  Each directory holds a reference on its counter
 * object, which outlives the ruleset that created it if need be; the
 * counters' ->sysfs back-pointers (under the same lock) find a directory in
 * O(1).  show() callbacks only read per-CPU counters and never take the
 * lock: removal waits for a running show() (kernfs drain), and a show()
 * waiting for the lock would deadlock against it.
 */

#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/slab.h>
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
static struct kobject *profiles_kobj;

struct epgate_sysfs_flow {
	struct kobject kobj;
	struct epgate_counter *ctr;	/* referenced */
	struct list_head node;		/* in its profile's flows */
	u64 seen;			/* the last sync that found it */
};

struct epgate_sysfs_profile {
	struct kobject kobj;
	struct kobject *flows_kobj;	/* flows/ */
	struct epgate_pcounter *pc;	/* referenced */
	struct list_head node;		/* in profile_list */
	struct list_head flows;
	u64 seen;
	u8 mode;			/* READ_ONCE: set by sync */
};

/* Every profile directory; init_net's en->lock. */
static LIST_HEAD(profile_list);
static u64 sync_gen;

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

/* Unconfirmed changes the kernel rolled back (rollback.c). */
static ssize_t rollbacks_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  (unsigned long long)READ_ONCE(init_en()->rb.count));
}

static struct kobj_attribute mode_attr = __ATTR_RO(mode);
static struct kobj_attribute generation_attr = __ATTR_RO(generation);
static struct kobj_attribute table_bytes_attr = __ATTR_RO(table_bytes);
static struct kobj_attribute rollbacks_attr = __ATTR_RO(rollbacks);

static struct attribute *epgate_attrs[] = {
	&mode_attr.attr,
	&generation_attr.attr,
	&table_bytes_attr.attr,
	&rollbacks_attr.attr,
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

/* profiles/<name>/flows/<flow>/{packets,bytes} */
static ssize_t flow_packets_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	struct epgate_sysfs_flow *f = container_of(kobj, typeof(*f), kobj);
	u64 packets, bytes;

	epgate_counter_sum(f->ctr, &packets, &bytes);
	return sysfs_emit(buf, "%llu\n", packets);
}

static ssize_t flow_bytes_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct epgate_sysfs_flow *f = container_of(kobj, typeof(*f), kobj);
	u64 packets, bytes;

	epgate_counter_sum(f->ctr, &packets, &bytes);
	return sysfs_emit(buf, "%llu\n", bytes);
}

static struct kobj_attribute flow_packets_attr =
	__ATTR(packets, 0444, flow_packets_show, NULL);
static struct kobj_attribute flow_bytes_attr =
	__ATTR(bytes, 0444, flow_bytes_show, NULL);

static struct attribute *flow_attrs[] = {
	&flow_packets_attr.attr,
	&flow_bytes_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(flow);

static void flow_release(struct kobject *kobj)
{
	struct epgate_sysfs_flow *f = container_of(kobj, typeof(*f), kobj);

	epgate_counter_put(f->ctr);
	kfree(f);
}

static const struct kobj_type flow_ktype = {
	.release = flow_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = flow_groups,
};

/* profiles/<name>/{enabled,mode,packets,bytes,would_drop,dropped} */
static ssize_t profile_show(struct kobject *kobj, char *buf, int which)
{
	struct epgate_sysfs_profile *p = container_of(kobj, typeof(*p), kobj);
	u64 v[4];

	epgate_pcounter_sum(p->pc, &v[0], &v[1], &v[2], &v[3]);
	return sysfs_emit(buf, "%llu\n", v[which]);
}

static ssize_t profile_packets_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return profile_show(kobj, buf, 0);
}

static ssize_t profile_bytes_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return profile_show(kobj, buf, 1);
}

static ssize_t profile_would_drop_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	return profile_show(kobj, buf, 2);
}

static ssize_t profile_dropped_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return profile_show(kobj, buf, 3);
}

/* A directory exists exactly while its profile is enabled. */
static ssize_t profile_enabled_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "1\n");
}

static ssize_t profile_mode_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	struct epgate_sysfs_profile *p = container_of(kobj, typeof(*p), kobj);
	u8 mode = READ_ONCE(p->mode);

	if (mode > EPGATE_MODE_MAX)
		return -EIO;
	return sysfs_emit(buf, "%s\n", epgate_mode_names[mode]);
}

static struct kobj_attribute profile_packets_attr =
	__ATTR(packets, 0444, profile_packets_show, NULL);
static struct kobj_attribute profile_bytes_attr =
	__ATTR(bytes, 0444, profile_bytes_show, NULL);
static struct kobj_attribute profile_would_drop_attr =
	__ATTR(would_drop, 0444, profile_would_drop_show, NULL);
static struct kobj_attribute profile_dropped_attr =
	__ATTR(dropped, 0444, profile_dropped_show, NULL);
static struct kobj_attribute profile_enabled_attr =
	__ATTR(enabled, 0444, profile_enabled_show, NULL);
static struct kobj_attribute profile_mode_attr =
	__ATTR(mode, 0444, profile_mode_show, NULL);

static struct attribute *profile_attrs[] = {
	&profile_enabled_attr.attr,
	&profile_mode_attr.attr,
	&profile_packets_attr.attr,
	&profile_bytes_attr.attr,
	&profile_would_drop_attr.attr,
	&profile_dropped_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(profile);

static void profile_release(struct kobject *kobj)
{
	struct epgate_sysfs_profile *p = container_of(kobj, typeof(*p), kobj);

	epgate_pcounter_put(p->pc);
	kfree(p);
}

static const struct kobj_type profile_ktype = {
	.release = profile_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = profile_groups,
};

static void flow_remove(struct epgate_sysfs_flow *f)
{
	list_del(&f->node);
	f->ctr->sysfs = NULL;
	kobject_del(&f->kobj);
	kobject_put(&f->kobj);
}

static void profile_remove(struct epgate_sysfs_profile *p)
{
	struct epgate_sysfs_flow *f, *tmp;

	list_for_each_entry_safe(f, tmp, &p->flows, node)
		flow_remove(f);
	list_del(&p->node);
	p->pc->sysfs = NULL;
	kobject_put(p->flows_kobj);
	kobject_del(&p->kobj);
	kobject_put(&p->kobj);
}

static struct epgate_sysfs_profile *profile_add(struct epgate_pcounter *pc)
{
	struct epgate_sysfs_profile *p;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return NULL;
	INIT_LIST_HEAD(&p->flows);
	refcount_inc(&pc->ref);
	p->pc = pc;
	if (kobject_init_and_add(&p->kobj, &profile_ktype, profiles_kobj,
				 "%s", pc->name))
		goto err;
	p->flows_kobj = kobject_create_and_add("flows", &p->kobj);
	if (!p->flows_kobj) {
		kobject_del(&p->kobj);
		goto err;
	}
	list_add_tail(&p->node, &profile_list);
	pc->sysfs = p;
	return p;
err:
	kobject_put(&p->kobj);	/* the release drops the reference */
	return NULL;
}

static struct epgate_sysfs_flow *flow_add(struct epgate_sysfs_profile *p,
					  struct epgate_counter *ctr)
{
	struct epgate_sysfs_flow *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return NULL;
	refcount_inc(&ctr->ref);
	f->ctr = ctr;
	if (kobject_init_and_add(&f->kobj, &flow_ktype, p->flows_kobj,
				 "%s", ctr->name)) {
		kobject_put(&f->kobj);
		return NULL;
	}
	list_add_tail(&f->node, &p->flows);
	ctr->sysfs = f;
	return f;
}

void epgate_sysfs_sync(const struct epgate_ruleset *rs)
{
	struct epgate_sysfs_profile *p, *ptmp;
	struct epgate_sysfs_flow *f, *ftmp;
	unsigned int failed = 0;
	u32 i;

	lockdep_assert_held(&epgate_pernet(&init_net)->lock);
	if (!profiles_kobj)
		return;
	sync_gen++;
	for (i = 0; i < rs->nprofiles; i++) {
		struct epgate_pcounter *pc = rs->profiles[i].pc;

		p = pc->sysfs ? pc->sysfs : profile_add(pc);
		if (!p) {
			failed++;
			continue;
		}
		p->seen = sync_gen;
		WRITE_ONCE(p->mode, rs->profiles[i].mode);
	}
	for (i = 0; i < rs->nflows; i++) {
		struct epgate_counter *ctr = rs->flows[i].ctr;

		p = rs->flows[i].pc->sysfs;
		f = ctr->sysfs;
		if (!f && p)
			f = flow_add(p, ctr);
		if (!f) {
			failed++;
			continue;
		}
		f->seen = sync_gen;
	}
	list_for_each_entry_safe(p, ptmp, &profile_list, node) {
		if (p->seen != sync_gen) {
			profile_remove(p);
			continue;
		}
		list_for_each_entry_safe(f, ftmp, &p->flows, node) {
			if (f->seen != sync_gen)
				flow_remove(f);
		}
	}
	/* The set is in force; only its view is incomplete. */
	if (failed)
		pr_warn_ratelimited("%u profile or flow directories missing in sysfs (out of memory)\n",
				    failed);
}

int __init epgate_sysfs_init(void)
{
	int ret;

	epgate_kobj = kobject_create_and_add("epgate", kernel_kobj);
	if (!epgate_kobj)
		return -ENOMEM;

	ret = sysfs_create_groups(epgate_kobj, epgate_groups);
	if (ret)
		goto err;
	profiles_kobj = kobject_create_and_add("profiles", epgate_kobj);
	if (!profiles_kobj) {
		ret = -ENOMEM;
		sysfs_remove_groups(epgate_kobj, epgate_groups);
		goto err;
	}
	return 0;
err:
	kobject_put(epgate_kobj);
	return ret;
}

/* After the family is gone: no more swaps, so no more syncs. */
void epgate_sysfs_uninit(void)
{
	struct epgate_net *en = epgate_pernet(&init_net);
	struct epgate_sysfs_profile *p, *tmp;

	mutex_lock(&en->lock);
	list_for_each_entry_safe(p, tmp, &profile_list, node)
		profile_remove(p);
	kobject_put(profiles_kobj);
	profiles_kobj = NULL;
	mutex_unlock(&en->lock);
	sysfs_remove_groups(epgate_kobj, epgate_groups);
	kobject_put(epgate_kobj);
}
