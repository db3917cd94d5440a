#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make install` and `make uninstall` (install.mk):
#   - into a DESTDIR, PREFIX=/usr as a package does: exactly the documented
#     files with the right modes and no depmod output; the module (from
#     Kbuild's modules_install) has the version, the installed tool runs and
#     finds the installed profiles, the man pages render without a warning,
#     the systemd units verify; uninstall leaves nothing but what an admin
#     put in /etc/epgate;
#   - into a DESTDIR, default PREFIX: the /usr/local layout;
#   - for real, in a mount namespace of its own with tmpfs overlays on /usr
#     and /etc (the guest's root is read-only): depmod runs, `modprobe
#     epgate` finds the module by name, the tool finds the profiles on its
#     compiled-in path and man finds the pages; after uninstall modprobe
#     does not, and modules.dep is as it was;
#   - the DKMS source tree (scripts/dkms-test.sh builds it with dkms).
# Nothing is built here: `make -o` keeps make from rebuilding the module or
# the tool, which the host built.
cd "$(dirname "$0")" || exit 1
source ./lib.sh

tap_begin
kver=$(uname -r)
[ -x "$EPGATE_TOP/userspace/epgate" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_TOP/build/$kver/kernel/epgate.ko" ] || skip_all "no module built for $kver"
[ -d "/lib/modules/$kver/build" ] || skip_all "no headers for $kver"
checktool "make --version" make

tmp=$(mktemp -d /tmp/epgate-install.XXXXXX)
cleanup() {
	rm -rf "$tmp"
	epgate_unload
}
trap cleanup EXIT
epgate_unload

version=$(cat "$EPGATE_TOP/VERSION")
mk=(make -s -C "$EPGATE_TOP" -o "build/$kver/kernel/epgate.ko" -o userspace
    KVER="$kver")
grep -q '^include install\.mk' "$EPGATE_TOP/Makefile" ||
	mk+=(-f Makefile -f install.mk)

# Kbuild compresses the module as the kernel's own are (6.12: xz).
ext=
grep -q '^CONFIG_MODULE_COMPRESS_XZ=y' "/lib/modules/$kver/build/.config" && ext=.xz

# --- for real, in a mount namespace of its own: "$0" --real OVERLAY_DIR ------
# /lib/modules/KVER is replaced by a small tree (nf_conntrack and what it
# needs, the build link): depmod over the whole tree of compressed modules
# takes minutes under TCG.
if [ "${1:-}" = --real ]; then
	ov=$2
	for m in usr etc; do
		mkdir -p "$ov/$m/upper" "$ov/$m/work"
		mount -t overlay overlay \
			-o "lowerdir=/$m,upperdir=$ov/$m/upper,workdir=$ov/$m/work" "/$m" ||
			{ echo "not ok - overlay on /$m"; exit 1; }
	done
	kdir=/lib/modules/$kver
	mods=$ov/modules
	build=$(readlink -f "$kdir/build")
	mkdir -p "$mods"
	for f in $(modprobe --show-depends nf_conntrack | awk '$1 == "insmod" { print $2 }') \
		 "$kdir"/modules.order "$kdir"/modules.builtin "$kdir"/modules.builtin.modinfo; do
		mkdir -p "$mods/$(dirname "${f#"$kdir"/}")"
		cp "$f" "$mods/${f#"$kdir"/}" || { echo "not ok - copy $f"; exit 1; }
	done
	if ! { mount --bind "$mods" "$kdir" && ln -s "$build" "$kdir/build" &&
	       depmod -a "$kver"; }; then
		echo "not ok - a small /lib/modules/$kver"
		exit 1
	fi
	(cd "$mods" && find . | LC_ALL=C sort) > "$ov/files.before"
	cp "$kdir/modules.dep" "$ov/modules.dep"
	profiles=("$EPGATE_TOP"/profiles/*.profile)
	nprofiles=${#profiles[@]}

	check "make install, no DESTDIR, default PREFIX" -- "${mk[@]}" install
	check "depmod ran: modinfo finds extra/epgate.ko$ext by name" -- \
		test "$(modinfo -n epgate)" = "$kdir/extra/epgate.ko$ext"
	check "modprobe epgate" -- modprobe epgate
	check "/usr/local/sbin/epgate status talks to it" -- bash -c \
		"/usr/local/sbin/epgate status | grep -q '^module:  epgate $version '"
	epgate_unload
	check "the tool finds the $nprofiles installed profiles on its own path" -- bash -c \
		"[ \"\$(env -u EPGATE_PROFILE_PATH /usr/local/sbin/epgate profile list -j |
		    grep -o '\"name\"' | wc -l)\" = $nprofiles ]"
	# (/usr/local/man is a link to share/man on Debian)
	check "man finds epgate(8) and epgate-profile(5)" -- bash -c \
		"[ \"\$(readlink -f \"\$(man -w epgate)\")\" = /usr/local/share/man/man8/epgate.8 ] &&
		 [ \"\$(readlink -f \"\$(man -w 5 epgate-profile)\")\" = /usr/local/share/man/man5/epgate-profile.5 ] ||
		 { man -w epgate epgate-profile 2>&1 | sed 's/^/# /'; exit 1; }"
	check "make uninstall" -- "${mk[@]}" uninstall
	check "modprobe finds no epgate, modules.dep is as it was" -- bash -c \
		"! modprobe -n -q epgate && cmp -s $ov/modules.dep $kdir/modules.dep"
	check "/lib/modules/$kver: the same files as before install" -- bash -c \
		"cd $mods && find . | LC_ALL=C sort | cmp -s - $ov/files.before"
	check "/usr, /etc: no file of epgate's left" -- bash -c \
		"[ -z \"\$(cd $ov && find usr/upper etc/upper ! -type d -o -name '*epgate*')\" ]"
	exit 0
fi

# files ROOT: every file and symlink under ROOT, relative, sorted.
files() {
	(cd "$1" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
}

expected() { # SBINDIR MANDIR DOCDIR (relative), then the fixed places
	local p
	{
		echo "$1/epgate"
		echo "$2/man8/epgate.8"
		echo "$2/man5/epgate-profile.5"
		echo "$3/examples/modules-load.d/epgate.conf"
		echo "$3/examples/modprobe.d/epgate.conf"
		echo "$3/examples/default/epgate-metrics"
		echo "usr/share/bash-completion/completions/epgate"
		echo "lib/systemd/system/epgate.service"
		echo "lib/systemd/system/epgate-metrics.service"
		echo "lib/systemd/system/epgate-metrics.timer"
		echo "lib/systemd/system/epgate-refresh.service"
		for p in "$EPGATE_TOP"/profiles/*.profile; do
			echo "usr/share/epgate/profiles/${p##*/}"
		done
	} | LC_ALL=C sort
}

# same_list WANT_FILE GOT_FILE: equal, or the difference as diagnostics.
same_list() {
	diff "$1" "$2" > "$tmp/diff" && return 0
	sed 's/^/# /' "$tmp/diff"
	return 1
}

# --- PREFIX=/usr, as a package installs ----------------------------------
t=$SECONDS
d=$tmp/pkg
check "make install DESTDIR PREFIX=/usr: succeeds, nothing on stderr" -- bash -c \
	"${mk[*]@Q} install DESTDIR=$d PREFIX=/usr > $tmp/out 2> $tmp/err && ! [ -s $tmp/err ] ||
	 { sed 's/^/# /' $tmp/err; exit 1; }"
{ expected usr/sbin usr/share/man usr/share/doc/epgate
  echo "lib/modules/$kver/extra/epgate.ko$ext"; } | LC_ALL=C sort > "$tmp/want"
files "$d" > "$tmp/got"
check "exactly the documented files, no depmod output under DESTDIR" -- \
	same_list "$tmp/want" "$tmp/got"
check "/etc/epgate/profiles.d is an empty folder" -- bash -c \
	"[ -d $d/etc/epgate/profiles.d ] && [ -z \"\$(ls -A $d/etc/epgate/profiles.d)\" ]"
check "modes: the tool 0755, every other file 0644" -- bash -c \
	"[ \"\$(stat -c %a $d/usr/sbin/epgate)\" = 755 ] &&
	 [ -z \"\$(find $d ! -type d ! -path $d/usr/sbin/epgate ! -perm 0644)\" ]"

E=$d/usr/sbin/epgate
check "installed tool: --version says $version" -- \
	bash -c "[ \"\$($E --version)\" = 'epgate $version' ]"
check "installed tool finds the installed profiles" -- bash -c \
	"[ \"\$(EPGATE_PROFILE_PATH=$d/usr/share/epgate/profiles $E profile list -j |
		grep -o '\"name\": \"[a-z]*\"' | tr '\n' ' ')\" = \
	   '\"name\": \"escan\" \"name\": \"eset\" \"name\": \"kaspersky\" \"name\": \"symantec\" \"name\": \"trendmicro\" ' ]"
check "installed tool: profile show kaspersky from the installed file" -- bash -c \
	"EPGATE_PROFILE_PATH=$d/usr/share/epgate/profiles $E profile show kaspersky |
		grep -q 'agent-server'"

diag "install: $((SECONDS - t)) s"
ko=$d/lib/modules/$kver/extra/epgate.ko$ext
check "installed module: modinfo version $version" -- \
	bash -c "[ \"\$(modinfo -F version $ko)\" = $version ]"

for page in man5/epgate-profile.5 man8/epgate.8; do
	check "man page $page renders, no warning from man --warnings" -- bash -c \
		"MANWIDTH=200 man --warnings -l $d/usr/share/man/$page > $tmp/page 2> $tmp/warn
		 [ ! -s $tmp/warn ] && [ \$(wc -l < $tmp/page) -gt 50 ] ||
		 { sed 's/^/# /' $tmp/warn; exit 1; }"
done

# Every command `epgate help` lists has an entry in epgate(8), the last page
# rendered, with its grammar at the margin.
every_command_in_page() {
	local c
	for c in $("$E" help | awk '/^  [a-z]/ { print $1 }'); do
		grep -Eq "^       $c( |\$)" "$tmp/page" || { diag "no entry: $c"; return 1; }
	done
}
check "epgate(8) has an entry for every command of 'epgate help'" -- every_command_in_page

unit=$d/lib/systemd/system/epgate.service
check "unit runs /usr/sbin/epgate restore, after modprobe epgate" -- bash -c \
	"grep -qx 'ExecStart=/usr/sbin/epgate restore /etc/epgate/epgate.conf' $unit &&
	 grep -qx 'ExecStartPre=/sbin/modprobe epgate' $unit"
check "metrics unit runs /usr/sbin/epgate metrics --textfile; the timer every 15 s" -- bash -c \
	"grep -qx 'ExecStart=/usr/sbin/epgate metrics --textfile \${EPGATE_METRICS_DIR}' $d/lib/systemd/system/epgate-metrics.service &&
	 grep -qx 'OnUnitActiveSec=15s' $d/lib/systemd/system/epgate-metrics.timer"
check "refresh unit runs /usr/sbin/epgate refresh --daemon, after the restore unit" -- bash -c \
	"grep -qx 'ExecStart=/usr/sbin/epgate refresh --daemon \$EPGATE_REFRESH_ARGS' $d/lib/systemd/system/epgate-refresh.service &&
	 grep -qx 'After=network-online.target epgate.service' $d/lib/systemd/system/epgate-refresh.service"
if command -v systemd-analyze > /dev/null; then
	mkdir -p "$tmp/unit"
	for u in epgate.service epgate-metrics.service epgate-metrics.timer epgate-refresh.service; do
		sed "s|/usr/sbin/epgate|$E|" "$d/lib/systemd/system/$u" > "$tmp/unit/$u"
	done
	# It exits 0 on some errors ("..., ignoring"): any output fails.
	check "systemd-analyze verify: the units, their commands and man pages" -- bash -c \
		"MANPATH=$d/usr/share/man systemd-analyze verify $tmp/unit/* > $tmp/verify 2>&1 &&
		 ! [ -s $tmp/verify ] || { sed 's/^/# /' $tmp/verify; exit 1; }"
else
	tap_result 0 "systemd-analyze verify # SKIP no systemd-analyze"
fi

# An admin's files in /etc/epgate are not install's to remove.
echo "# saved" > "$d/etc/epgate/epgate.conf"
check "make uninstall DESTDIR PREFIX=/usr" -- \
	"${mk[@]}" uninstall DESTDIR="$d" PREFIX=/usr
check "uninstall leaves only the admin's /etc/epgate/epgate.conf, no other folder of epgate's" -- \
	bash -c "[ \"\$(cd $d && find . ! -type d -o -name '*epgate*' -o -name extra)\" = \
		'./etc/epgate
./etc/epgate/epgate.conf' ]"

# --- the default PREFIX (/usr/local) --------------------------------------
diag "PREFIX=/usr: $((SECONDS - t)) s"
t=$SECONDS
d=$tmp/local
check "make install-tool DESTDIR, default PREFIX" -- \
	"${mk[@]}" install-tool DESTDIR="$d"
expected usr/local/sbin usr/local/share/man usr/local/share/doc/epgate > "$tmp/want"
files "$d" > "$tmp/got"
check "/usr/local layout; profiles in the tool's search path /usr/share/epgate/profiles" -- \
	same_list "$tmp/want" "$tmp/got"
check "the units run /usr/local/sbin/epgate" -- bash -c \
	"grep -qx 'ExecStart=/usr/local/sbin/epgate restore /etc/epgate/epgate.conf' $d/lib/systemd/system/epgate.service &&
	 grep -q '^ExecStart=/usr/local/sbin/epgate metrics ' $d/lib/systemd/system/epgate-metrics.service &&
	 ! grep -q /usr/sbin/epgate $d/lib/systemd/system/epgate*"
"${mk[@]}" uninstall DESTDIR="$d" > /dev/null
check "make uninstall, default PREFIX: nothing left" -- \
	bash -c "[ -z \"\$(cd $d && find . ! -type d -o -name '*epgate*')\" ]"

# --- for real --------------------------------------------------------------
diag "PREFIX=/usr/local: $((SECONDS - t)) s"
t=$SECONDS
if unshare --version > /dev/null 2>&1 && modprobe -q overlay; then
	out=$(unshare -m --propagation private -- "./${0##*/}" --real "$tmp/ov" 2>&1)
	rc=$?
	while IFS= read -r l; do
		case $l in
		"ok "* | "not ok "*)
			desc=${l#*- }
			[[ $l == "ok "* ]]
			tap_result $? "for real: $desc"
			;;
		"# "*) echo "$l" ;;
		"TAP version"*) ;;
		*) echo "# $l" ;;
		esac
	done <<< "$out"
	tap_result "$rc" "for real: completed"
else
	tap_result 0 "for real in an overlay # SKIP no unshare or overlayfs"
fi

# --- the DKMS source tree (built for real by scripts/dkms-test.sh) ---------
diag "for real: $((SECONDS - t)) s"
t=$SECONDS
d=$tmp/dkms
src=$d/usr/src/epgate-$version
check "make install-dkms: dkms.conf of version $version" -- bash -c \
	"${mk[*]@Q} install-dkms DESTDIR=$d &&
	 grep -qx 'PACKAGE_VERSION=\"$version\"' $src/dkms.conf &&
	 grep -qx 'PACKAGE_NAME=\"epgate\"' $src/dkms.conf"
check "dkms tree: the module's sources, lib/table.c beside them, the headers" -- bash -c \
	"cd $EPGATE_TOP && for f in kernel/*.c kernel/*.h kernel/Kbuild; do cmp -s \$f $src/\$f || exit 1; done &&
	 cmp -s lib/table.c $src/kernel/table.c &&
	 for f in include/epgate/*.h include/uapi/linux/*.h; do cmp -s \$f $src/\$f || exit 1; done"
"${mk[@]}" uninstall-dkms DESTDIR="$d"
check "make uninstall-dkms: nothing left" -- \
	bash -c "[ -z \"\$(cd $d && find . ! -type d -o -name '*epgate*')\" ]"
diag "DKMS tree: $((SECONDS - t)) s"

tap_end
