/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _EPGATE_SYSFS_H
#define _EPGATE_SYSFS_H

int epgate_sysfs_init(void);
void epgate_sysfs_uninit(void);

#endif /* _EPGATE_SYSFS_H */
