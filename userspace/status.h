/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `epgate status` (status.c): the GET_STATUS message, the enabled
 * profiles and the address sets, as text or JSON.
 */
#ifndef EPGATE_STATUS_H
#define EPGATE_STATUS_H

#include <stdio.h>

#include "flowset.h"
#include "names.h"
#include "statusmsg.h"

void status_print(const struct epgate_status *st, FILE *f);
void status_print_json(const struct epgate_status *st, FILE *f);

#endif
