#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-test.sh [KVER...]: epgate through DKMS the way an appliance gets it,
# for every Debian kernel (default: scripts/kernels.sh), then the host put
# back as it was.  Prints TAP; exit 0, 1, or 4 (skip: not root, no dkms, or
# an epgate already registered with DKMS, which this test would clobber).
#
#   1. host: `make install-dkms` (/usr/src/epgate-VERSION), `dkms add`, then
#      `dkms build` and `dkms install` for each kernel: the module lands in
#      /lib/modules/KVER/updates/dkms and depmod knows it;
#   2. VM, one boot per kernel (the guest shares the host's /lib/modules):
#      `modprobe epgate` loads the DKMS module by name, `epgate status`
#      answers with its version, and after rmmod `epgate status` alone loads
#      it again through the generic netlink family alias;
#   3. host: `dkms remove epgate/VERSION --all`, `make uninstall-dkms`, and
#      the DKMS signing key removed if this test made it; nothing of epgate
#      stays in /usr/src, /var/lib/dkms or /lib/modules.
#
# While it runs, /lib/modules of the host holds an epgate.ko that any VM
# can load by name: do not run it beside the selftests (epgate_status.sh
# expects no loadable module).
#
# The guest part is this script again: dkms-test.sh --guest VERSION.
set -u

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
# shellcheck source=selftests/lib.sh
source "$repo/selftests/lib.sh"

# --- in the VM ---------------------------------------------------------------
if [ "${1:-}" = --guest ]; then
	version=$2
	kver=$(uname -r)
	E=$EPGATE
	path=$(modinfo -n epgate 2>/dev/null)
	check "$kver: modinfo finds epgate in updates/dkms ($path)" -- \
		grep -q "^/lib/modules/$kver/updates/dkms/epgate\.ko" <<< "$path"
	check "$kver: modprobe epgate" -- modprobe epgate
	check "$kver: the loaded module is version $version" -- \
		grep -qx "$version" /sys/module/epgate/version
	out=$($E status 2>&1)
	check "$kver: epgate status answers" -- grep -q "$version" <<< "$out"
	[ "$tap_failed" = 0 ] || diag "$out"
	check "$kver: rmmod epgate" -- rmmod epgate
	out=$($E status 2>&1)
	check "$kver: epgate status loads it again through its genl alias" -- \
		epgate_loaded
	[ "$tap_failed" = 0 ] || diag "$out"
	epgate_unload
	exit 0
fi

# --- on the host -------------------------------------------------------------
tap_begin
[ "$(id -u)" = 0 ] || skip_all "needs root (dkms installs into /lib/modules)"
command -v dkms > /dev/null || skip_all "dkms is not installed (apt-get install dkms)"
[ -x userspace/epgate ] || skip_all "userspace/epgate is not built"

version=$(cat VERSION)
if [ $# -gt 0 ]; then
	kvers=("$@")
else
	read -r -a kvers <<< "$(scripts/kernels.sh)"
fi
if [ -e "/usr/src/epgate-$version" ] || [ -e /var/lib/dkms/epgate ]; then
	skip_all "epgate is already registered with DKMS on this host; not touching it"
fi

# logged LOG COMMAND...: run COMMAND into LOG; on failure show its end.
# shellcheck disable=SC2317 # called through check
logged() {
	local log=$1
	shift
	"$@" > "$log" 2>&1 && return 0
	tail -n 20 "$log" | sed 's/^/# /'
	return 1
}

mk=(make -s)
grep -q '^include install\.mk' Makefile || mk+=(-f Makefile -f install.mk)

# The guest runs a private copy: userspace/ may be rebuilt meanwhile.
priv=$repo/build/dkms-test
mkdir -p "$priv"
cp userspace/epgate "$priv/epgate"

made_key=0
[ -e /var/lib/dkms/mok.key ] || made_key=1
remove_rc=
cleanup() {
	dkms remove "epgate/$version" --all > "$priv/remove.log" 2>&1
	remove_rc=$?
	"${mk[@]}" uninstall-dkms > /dev/null 2>&1
	if [ "$made_key" = 1 ]; then
		rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	fi
}
trap cleanup EXIT

t0=$SECONDS
check "make install-dkms: /usr/src/epgate-$version/dkms.conf says $version" -- \
	bash -c "${mk[*]} install-dkms && grep -qx 'PACKAGE_VERSION=\"$version\"' /usr/src/epgate-$version/dkms.conf"
check "dkms add epgate/$version" -- logged "$priv/add.log" dkms add "epgate/$version"
for k in "${kvers[@]}"; do
	t=$SECONDS
	check "$k: dkms build" -- \
		logged "$priv/build-$k.log" dkms build -k "$k" "epgate/$version"
	diag "$k: dkms build took $((SECONDS - t)) s"
done
diag "host build part: $((SECONDS - t0)) s"

# One kernel at a time, so that the host's /lib/modules holds a loadable
# epgate.ko only while its VM runs.
for k in "${kvers[@]}"; do
	t=$SECONDS
	check "$k: dkms install" -- \
		logged "$priv/install-$k.log" dkms install -k "$k" "epgate/$version"
	check "$k: modules.dep lists updates/dkms/epgate.ko" -- \
		grep -q "^updates/dkms/epgate\.ko[.a-z]*:" "/lib/modules/$k/modules.dep"
	out=$(nice selftests/vm/run.sh -k "$k" -o "$priv/vm-$k" -t 300 -- \
		env EPGATE="$priv/epgate" scripts/dkms-test.sh --guest "$version" 2>&1)
	rc=$?
	while IFS= read -r l; do
		case $l in
		"ok "* | "not ok "*)
			desc=${l#*- }
			[[ $l == "ok "* ]]
			tap_result $? "$desc"
			;;
		"# "*) echo "$l" ;;
		esac
	done <<< "$out"
	tap_result "$rc" "$k: guest completed, kernel log clean"
	[ "$rc" = 0 ] || tail -n 20 <<< "$out" | sed 's/^/# /'
	check "$k: dkms uninstall" -- \
		logged "$priv/uninstall-$k.log" dkms uninstall -k "$k" "epgate/$version"
	check "$k: modules.dep no longer lists epgate" -- \
		fails grep -q "epgate\.ko" "/lib/modules/$k/modules.dep"
	diag "$k: install, VM and uninstall took $((SECONDS - t)) s"
done

t=$SECONDS
trap - EXIT
cleanup
tap_result "$remove_rc" "dkms remove epgate/$version --all"
left=$(ls -d "/usr/src/epgate-$version" /var/lib/dkms/epgate \
	/lib/modules/*/updates/dkms/epgate.ko* 2>/dev/null)
check "nothing of epgate left in /usr/src, /var/lib/dkms, /lib/modules" -- \
	test -z "$left"
[ -z "$left" ] || diag "left: $left"
diag "cleanup: $((SECONDS - t)) s; total $((SECONDS - t0)) s"
tap_end
