#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Installed Debian kernels that have both an image and headers, oldest first.
for b in /lib/modules/*/build; do
	[ -f "$b/Makefile" ] || continue
	k=${b#/lib/modules/}
	k=${k%/build}
	[ -f "/boot/vmlinuz-$k" ] && echo "$k"
done | sort -V | tr '\n' ' '
