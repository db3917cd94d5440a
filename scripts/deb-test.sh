#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb-test.sh [KVER...]: the Debian packages of `make deb`, installed with
# apt the way an admin does, on every Debian kernel (default:
# scripts/kernels.sh).  Prints TAP; exit 0, 1, or 4 (skip: not root, no
# dpkg-buildpackage, dh_dkms or lintian, no overlayfs).
#
#   1. host: builds the packages twice, the current VERSION and an earlier
#      one (VERSION~prev), the current ones through lintian (no error, no
#      warning), and checks their contents, dependencies and conffiles;
#   2. for each kernel, a system root that is a writable overlay over the
#      host's root (build/deb-test/root; the host's files are untouched),
#      shared by two machines that take turns through files in
#      build/deb-test/sync-KVER:
#      - the host runs apt in a chroot of it: dpkg, the maintainer scripts,
#        DKMS and depmod run for real, at native speed (a chroot's DKMS
#        builds for every kernel that has headers, the guest's included);
#      - a VM booted on the kernel sees the same root over 9p and chroots
#        into it to load and drive the module.
#      The steps: host `apt install ./epgate_PREV ./epgate-dkms_PREV`;
#      guest: the DKMS module of PREV is there, `modprobe epgate`, `epgate
#      enable kaspersky`, `epgate save`, the restore unit is enabled, and
#      after rmmod its ExecStartPre/ExecStart bring the policy back; host
#      `apt install` of the current version (an upgrade, with the module
#      loaded in the guest); guest: epgate.conf and the loaded policy are
#      kept, DKMS has the new version only, the unit's commands load the new
#      module with the same policy; host `apt remove`: no module file, no
#      DKMS tree, no program, modules.dep as before, the saved policy kept;
#      guest: modprobe finds no epgate; host `apt purge`: nothing of
#      epgate's left in the overlay.
#
# Why not apt in the guest: under TCG (measured on 6.12, 2 vCPUs, a busy
# host) DKMS's module build takes 615 s, depmod over the kernel's
# compressed modules 173 s and man-db's trigger 80 s, for every apt step.
#
# The guest part is this script again: --guest PREV CUR.
set -u

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
# shellcheck source=selftests/lib.sh
source "$repo/selftests/lib.sh"

arch=$(dpkg --print-architecture)
debs=$repo/build/deb

# relay OUTPUT PREFIX: the TAP results and diagnostics of a sub-run as ours.
relay() {
	local l desc
	while IFS= read -r l; do
		case $l in
		"ok "* | "not ok "*)
			desc=${l#*- }
			[[ $l == "ok "* ]]
			tap_result $? "$2$desc"
			;;
		"# "*) echo "$l" ;;
		esac
	done <<< "$1"
}

# unit_cmds KEY: the command lines of KEY= in the installed restore unit.
unit_cmds() {
	sed -n "s/^$1=[-@+!]*//p" /lib/systemd/system/epgate.service
}

# restore_by_unit: what systemd does at boot for epgate.service.
restore_by_unit() {
	local c
	while IFS= read -r c; do
		[ -n "$c" ] || continue
		sh -c "$c" || return 1
	done <<< "$(unit_cmds ExecStartPre; unit_cmds ExecStart)"
}

# in_root COMMAND...: run COMMAND in the chroot of the shared root.
in_root() {
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		DEBIAN_FRONTEND=noninteractive "$@"
}

# restore_by_unit: what systemd does at boot for epgate.service: its
# ExecStartPre and ExecStart commands, read from the installed unit.
restore_by_unit() {
	local c unit=$root/lib/systemd/system/epgate.service
	while IFS= read -r c; do
		[ -n "$c" ] || continue
		in_root sh -c "$c" || return 1
	done <<< "$(sed -n 's/^ExecStartPre=[-@+!]*//p; s/^ExecStart=[-@+!]*//p' "$unit")"
}

# The policy in the kernel, as epgate save writes it, without comments.
policy() { in_root epgate save - 2>&1 | grep -v '^#'; }

# turn NAME: tell the other machine that NAME is done; wait_for NAME.
turn() { : > "$sync/$1"; }
wait_for() { busywait 1200000 test -e "$sync/$1"; }

# --- in the VM --------------------------------------------------------------------
if [ "${1:-}" = --guest ]; then
	prev=$2 cur=$3
	kver=$(uname -r)
	root=$repo/build/deb-test/root
	sync=$repo/build/deb-test/sync-$kver
	# The guest's own kernel file systems and a /run and /tmp of its own
	# inside the shared root (mounts of the guest's, on top of the 9p view).
	mount --rbind /proc "$root/proc" && mount --rbind /sys "$root/sys" &&
	mount --rbind /dev "$root/dev" &&
	mount -t tmpfs tmpfs "$root/run" && mount -t tmpfs tmpfs "$root/tmp" ||
		{ echo "not ok - $kver: mounts in the shared root"; turn guest-done; exit 1; }
	same_policy() { [ "$(policy)" = "$saved" ]; }
	reload_by_unit() { rmmod epgate && ! epgate_loaded && restore_by_unit; }
	dkms_has() { # VERSION: built and installed for this kernel
		in_root dkms status -m epgate -v "$1" -k "$kver" 2>/dev/null | grep -q ': installed'
	}

	check "$kver: DKMS built and installed epgate/$prev for this kernel" -- dkms_has "$prev"
	modinfo_dkms() {
		in_root modinfo -n epgate | grep -q "^/lib/modules/$kver/updates/dkms/epgate\.ko" &&
		[ "$(in_root modinfo -F version epgate)" = "$prev" ]
	}
	tool_is() { # VERSION
		[ "$(in_root sh -c 'command -v epgate')" = /usr/sbin/epgate ] &&
		[ "$(in_root epgate --version)" = "epgate $1" ]
	}
	enable_kaspersky() {
		in_root epgate enable kaspersky server=10.0.2.10 > /dev/null &&
		in_root epgate mode monitor &&
		[ "$(cat "$SYSFS/profiles/kaspersky/enabled")" = 1 ]
	}
	save() {
		in_root epgate save && grep -q '^enable kaspersky' "$root/etc/epgate/epgate.conf"
	}
	upgraded_dkms() {
		dkms_has "$cur" && [ ! -e "$root/var/lib/dkms/epgate/$prev" ] &&
		[ ! -e "$root/usr/src/epgate-$prev" ]
	}
	reload_is() { # VERSION
		reload_by_unit && [ "$(cat /sys/module/epgate/version)" = "$1" ]
	}
	check "$kver: modinfo finds it in updates/dkms, version $prev" -- modinfo_dkms
	check "$kver: modprobe epgate" -- in_root modprobe epgate
	check "$kver: epgate is /usr/sbin/epgate, version $prev" -- tool_is "$prev"
	check "$kver: epgate enable kaspersky server=10.0.2.10; mode monitor" -- enable_kaspersky
	check "$kver: epgate save writes /etc/epgate/epgate.conf" -- save
	saved=$(policy)
	diag "$kver: saved policy: $(grep -v '^$' <<< "$saved" | tr '\n' ';')"
	check "$kver: the restore unit is enabled (sysinit.target.wants)" -- \
		test -L "$root/etc/systemd/system/sysinit.target.wants/epgate.service"
	check "$kver: rmmod; the unit's ExecStartPre and ExecStart bring the policy back" -- \
		reload_by_unit
	check "$kver: the restored policy is the saved one" -- same_policy

	turn loaded
	wait_for upgraded || { echo "not ok - $kver: the host did not upgrade"; exit 1; }
	check "$kver: the upgrade kept the policy loaded in the kernel" -- same_policy
	check "$kver: DKMS has epgate/$cur installed for this kernel; $prev is gone" -- \
		upgraded_dkms
	check "$kver: the restore unit is still enabled" -- \
		test -L "$root/etc/systemd/system/sysinit.target.wants/epgate.service"
	check "$kver: epgate is now version $cur" -- tool_is "$cur"
	check "$kver: rmmod; the unit's commands load epgate $cur" -- reload_is "$cur"
	check "$kver: with the saved policy" -- same_policy

	turn reloaded
	wait_for removed || { echo "not ok - $kver: the host did not remove"; exit 1; }
	check "$kver: after apt remove, modprobe finds no epgate" -- \
		fails in_root modprobe -n -q epgate
	# Removing the packages does not unload the module: that would lift the
	# policy of a running gateway (as stopping the unit does not either).
	check "$kver: the loaded module outlived its packages; rmmod" -- rmmod epgate
	umount -R "$root/tmp" "$root/run" "$root/dev" "$root/sys" "$root/proc"
	turn guest-done
	exit 0
fi

# --- on the host -------------------------------------------------------------
tap_begin
[ "$(id -u)" = 0 ] || skip_all "needs root (the VM's chroot installs packages)"
command -v dpkg-buildpackage > /dev/null || skip_all "dpkg-dev is not installed (make deps)"
command -v dh_dkms > /dev/null || skip_all "dh-dkms is not installed (make deps)"
command -v lintian > /dev/null || skip_all "lintian is not installed (make deps)"

cur=$(cat VERSION)
prev="$cur~prev"
if [ $# -gt 0 ]; then
	kvers=("$@")
else
	read -r -a kvers <<< "$(scripts/kernels.sh)"
fi
priv=$repo/build/deb-test
# A run that was killed may have left the shared root mounted, with the
# host's /dev bound inside: unmount before removing anything, and never
# cross into another file system.
if mountpoint -q "$priv/root"; then
	umount -R "$priv/root" || umount -R -l "$priv/root"
fi
rm -rf --one-file-system "$priv"
mkdir -p "$priv"

t0=$SECONDS
t=$SECONDS
check "make deb, version $prev" -- bash -c \
	"EPGATE_DEB_VERSION='$prev' EPGATE_DEB_LINTIAN=0 scripts/deb.sh > $priv/deb-prev.log 2>&1 ||
	 { tail -n 20 $priv/deb-prev.log | sed 's/^/# /'; exit 1; }"
diag "make deb $prev: $((SECONDS - t)) s"
t=$SECONDS
scripts/deb.sh > "$priv/deb.log" 2>&1
tap_result $? "make deb, version $cur: built, lintian reports no error and no warning"
grep -E '^[EWIPXON]: |^deb: ' "$priv/deb.log" | sed 's/^/# /'
diag "make deb $cur with lintian: $((SECONDS - t)) s"
tool=$debs/epgate_${cur}_$arch.deb
mod=$debs/epgate-dkms_${cur}_all.deb

# contents PACKAGE: its files and folders, without the leading dot.
contents() { dpkg-deb -c "$1" | awk '{ print $6 }' | sed 's|^\./|/|'; }
contents "$tool" > "$priv/tool.files"
contents "$mod" > "$priv/dkms.files"

want=(/usr/sbin/epgate /usr/share/man/man8/epgate.8.gz /usr/share/man/man5/epgate-profile.5.gz
      /usr/share/bash-completion/completions/epgate /etc/epgate/profiles.d/
      /usr/share/doc/epgate/copyright)
for p in profiles/*.profile; do want+=("/usr/share/epgate/profiles/${p##*/}"); done
for u in packaging/*.service packaging/*.timer; do
	[ -e "$u" ] && want+=("/lib/systemd/system/${u##*/}")
done
missing=$(printf '%s\n' "${want[@]}" | grep -v -x -F -f "$priv/tool.files")
check "epgate: tool, ${#want[@]} files in place (profiles, man pages, completion, every unit)" -- \
	test -z "$missing"
[ -z "$missing" ] || diag "missing: $(tr '\n' ' ' <<< "$missing")"
dpkg-deb --ctrl-tarfile "$tool" | tar -xO ./conffiles > "$priv/conffiles" 2>/dev/null
grep '^/etc/.*[^/]$' "$priv/tool.files" | sort > "$priv/etcfiles"
check "epgate: every file it ships in /etc is a conffile" -- \
	bash -c "sort $priv/conffiles | sed 's/^remove-on-upgrade //' | cmp -s - $priv/etcfiles"
check "epgate: Recommends epgate-dkms (= $cur)" -- bash -c \
	"dpkg-deb -f $tool Recommends | grep -q 'epgate-dkms (= $cur)'"
check "epgate: Depends on the libraries it links (libmnl, libnftnl)" -- bash -c \
	"dpkg-deb -f $tool Depends | grep -q libmnl && dpkg-deb -f $tool Depends | grep -q libnftnl"
src=/usr/src/epgate-$cur
check "epgate-dkms: dkms.conf of version $cur, AUTOINSTALL, the module's sources" -- bash -c \
	"dpkg-deb --fsys-tarfile $mod | tar -xO .$src/dkms.conf > $priv/dkms.conf &&
	 grep -qx 'PACKAGE_VERSION=\"$cur\"' $priv/dkms.conf &&
	 grep -qx 'AUTOINSTALL=\"yes\"' $priv/dkms.conf &&
	 grep -qx $src/kernel/Kbuild $priv/dkms.files &&
	 grep -qx $src/kernel/table.c $priv/dkms.files &&
	 grep -qx $src/include/uapi/linux/epgate.h $priv/dkms.files"
check "epgate-dkms: Depends on dkms, its scripts call DKMS" -- bash -c \
	"dpkg-deb -f $mod Depends | grep -q dkms &&
	 dpkg-deb --ctrl-tarfile $mod | tar -xO ./postinst | grep -q 'dkms/common.postinst' &&
	 dpkg-deb --ctrl-tarfile $mod | tar -xO ./prerm | grep -q 'dkms remove'"
diag "host part: $((SECONDS - t0)) s"

# --- each kernel: apt on the host in the shared root, the module in the VM ---
checktool "modprobe -q overlay || grep -qw overlay /proc/filesystems" "overlayfs"
root=$priv/root
mkdir -p "$root"
umount_root() {
	mountpoint -q "$root" || return 0
	umount -R "$root" || umount -R -l "$root"
}
trap umount_root EXIT

# aptstep KVER STEP ARGS...: apt-get ARGS in the shared root, its output in
# the log, its time as a diagnostic.
aptstep() {
	local k=$1 step=$2 t=$SECONDS rc
	shift 2
	echo "=== $step" >> "$priv/apt-$k.log"
	nice chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Use-Pty=0 "$@" \
		>> "$priv/apt-$k.log" 2>&1
	rc=$?
	diag "$k: apt-get $step: $((SECONDS - t)) s"
	[ "$rc" = 0 ] || tail -n 30 "$priv/apt-$k.log" | sed 's/^/# /'
	return "$rc"
}

# epgate_files: what of epgate's is in the root, outside /etc.
epgate_files() {
	find "$root/lib/modules/" "$root/var/lib/dkms" "$root/usr/src" "$root/usr/sbin" \
		"$root/usr/share" "$root/lib/systemd/system" -name '*epgate*' 2>/dev/null
}

for k in "${kvers[@]}"; do
	t=$SECONDS
	ov=$priv/ov-$k
	sync=$priv/sync-$k
	rm -rf --one-file-system "$ov" "$sync"
	mkdir -p "$ov/upper" "$ov/work" "$sync"
	# DKMS in a chroot builds for every kernel in /lib/modules unless the
	# host's kernel is older than the newest of them; say so explicitly.
	if ! { mount -t overlay overlay \
		-o "lowerdir=/,upperdir=$ov/upper,workdir=$ov/work" "$root" &&
	       mount --rbind /proc "$root/proc" && mount --make-rslave "$root/proc" &&
	       mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys" &&
	       mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" &&
	       mount -t tmpfs tmpfs "$root/run" && mount -t tmpfs tmpfs "$root/tmp" &&
	       echo 'autoinstall_all_kernels="y"' >> "$root/etc/dkms/framework.conf"; }; then
		tap_result 1 "$k: a writable overlay of the host's root"
		umount_root
		continue
	fi
	declare -A dep_before=()
	for m in "$root"/lib/modules/*/modules.dep; do
		dep_before[$m]=$(md5sum < "$m")
	done

	check "$k: apt install ./epgate_$prev ./epgate-dkms_$prev (DKMS builds)" -- \
		aptstep "$k" "install $prev" install "$debs/epgate_${prev}_$arch.deb" \
			"$debs/epgate-dkms_${prev}_all.deb"
	# The host's mounts in the root are its own: the guest makes its own.
	umount -R "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/tmp"
	nice selftests/vm/run.sh -k "$k" -o "$priv/vm-$k" -t 1800 -- \
		scripts/deb-test.sh --guest "$prev" "$cur" > "$priv/vm-$k.out" 2>&1 &
	vm=$!
	up() { test -e "$sync/$1" || ! kill -0 "$vm" 2> /dev/null; }
	with_host_mounts() {
		mount --rbind /proc "$root/proc" && mount --make-rslave "$root/proc" &&
		mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys" &&
		mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" &&
		mount -t tmpfs tmpfs "$root/run" && mount -t tmpfs tmpfs "$root/tmp" || return 1
		"$@"
		local rc=$?
		umount -R "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/tmp"
		return "$rc"
	}
	busywait 1800000 up loaded
	if [ -e "$sync/loaded" ]; then
		check "$k: upgrade: apt install ./epgate_$cur ./epgate-dkms_$cur" -- \
			with_host_mounts aptstep "$k" "upgrade to $cur" install \
				"$debs/epgate_${cur}_$arch.deb" "$debs/epgate-dkms_${cur}_all.deb"
		check "$k: the upgrade kept /etc/epgate/epgate.conf" -- \
			grep -q '^enable kaspersky server=10.0.2.10' "$root/etc/epgate/epgate.conf"
		cp "$root/etc/epgate/epgate.conf" "$priv/epgate.conf.$k"
		turn upgraded
	fi
	busywait 1800000 up reloaded
	if [ -e "$sync/reloaded" ]; then
		check "$k: apt remove epgate epgate-dkms" -- \
			with_host_mounts aptstep "$k" remove remove epgate epgate-dkms
		left=$(epgate_files)
		check "$k: after remove: no module file, no DKMS tree, no program, no unit" -- \
			test -z "$left"
		[ -z "$left" ] || diag "left: $(tr '\n' ' ' <<< "${left//$root/}")"
		same=0
		for m in "${!dep_before[@]}"; do
			[ "$(md5sum < "$m")" = "${dep_before[$m]}" ] || same=1
		done
		tap_result "$same" "$k: after remove: every kernel's modules.dep as before"
		check "$k: after remove: the saved policy is kept" -- \
			cmp -s "$root/etc/epgate/epgate.conf" "$priv/epgate.conf.$k"
		turn removed
	fi
	wait "$vm"
	rc=$?
	relay "$(cat "$priv/vm-$k.out")" ""
	tap_result "$rc" "$k: guest completed, kernel log clean"
	[ "$rc" = 0 ] || tail -n 20 "$priv/vm-$k.out" | sed 's/^/# /'

	check "$k: apt purge epgate epgate-dkms" -- \
		with_host_mounts aptstep "$k" purge purge epgate epgate-dkms
	check "$k: after purge: dpkg knows no epgate package" -- bash -c \
		"! chroot $root dpkg-query -W -f='\${db:Status-Abbrev}\n' epgate epgate-dkms 2>/dev/null |
		   grep -q '^[a-z]'"
	umount_root
	# Everything the packages changed is in the upper layer.
	left=$(cd "$ov/upper" && find . -name '*epgate*')
	check "$k: after purge: nothing of epgate's anywhere in the overlay" -- test -z "$left"
	[ -z "$left" ] || diag "left: $(tr '\n' ' ' <<< "$left")"
	rm -rf --one-file-system "$ov"
	diag "$k: install, VM, upgrade, remove, purge: $((SECONDS - t)) s"
done
trap - EXIT
diag "total: $((SECONDS - t0)) s"
tap_end
