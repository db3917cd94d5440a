#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh: what `make deb` runs.  Builds, into build/deb/,
#   epgate_VERSION_ARCH.deb      the tool, profiles, man pages, completion,
#                                systemd units
#   epgate-dkms_VERSION_all.deb  the module's sources for DKMS
# from a copy of the tree at build/deb/epgate-VERSION (dpkg-buildpackage
# writes its packages into the parent folder of the tree it builds, and
# wants debian/ at the top: packaging/debian becomes that copy's debian/),
# then runs lintian on both, failing on any error or warning.
#
# The copy holds the files git knows (tracked, or new and not ignored), so
# build outputs of the checkout stay out of it; outside git, everything but
# build/ and .git.
#
# Environment:
#   EPGATE_DEB_VERSION=V   build version V instead of VERSION's (written into
#                          the copy's VERSION: the tool, the module and DKMS
#                          all say V); the upgrade test builds a later one
#   EPGATE_DEB_LINTIAN=0   skip lintian
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

version=${EPGATE_DEB_VERSION:-$(cat VERSION)}
# A native version (no Debian revision) that is also a sane DKMS version
# and a folder name.
if ! [[ $version =~ ^[0-9][0-9A-Za-z.+~]*$ ]]; then
	echo "deb: '$version' is not a version (digits, letters, . + ~)" >&2
	exit 2
fi
out=$repo/build/deb
src=$out/epgate-$version
arch=$(dpkg --print-architecture)

rm -rf "$src"
mkdir -p "$src"
if git rev-parse --git-dir > /dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			# tracked but deleted in the work tree
			[ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"
		done | tar -c --null -T - -f - | tar -x -C "$src" -f -
else
	tar -c --exclude=./build --exclude=./.git -f - . | tar -x -C "$src" -f -
fi
cp -a packaging/debian "$src/debian"
echo "$version" > "$src/VERSION"

# The changelog dpkg wants, from VERSION; dated like the commit, so that two
# builds of one commit are the same.
maint=$(sed -n 's/^Maintainer: //p' packaging/debian/control)
when=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
cat > "$src/debian/changelog" <<CHANGELOG
epgate ($version) unstable; urgency=medium

  * epgate $version, built from its source tree by make deb.

 -- $maint  $(date -R -u -d "@$when")
CHANGELOG

echo "deb: building epgate $version in ${src#"$repo"/}"
(cd "$src" && dpkg-buildpackage -b -us -uc) > "$out/build-$version.log" 2>&1 || {
	tail -n 40 "$out/build-$version.log" >&2
	echo "deb: dpkg-buildpackage failed (${out#"$repo"/}/build-$version.log)" >&2
	exit 1
}

debs=("$out/epgate_${version}_$arch.deb" "$out/epgate-dkms_${version}_all.deb")
for d in "${debs[@]}"; do
	[ -f "$d" ] || { echo "deb: no $d" >&2; exit 1; }
done
# lintian warns that it should not run as root: then it runs as nobody
# (the packages are world-readable).
lint=(lintian --display-info --fail-on error,warning)
if [ "$(id -u)" = 0 ] && id nobody > /dev/null 2>&1; then
	lint=(setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups
	      env HOME=/nonexistent "${lint[@]}")
fi
if [ "${EPGATE_DEB_LINTIAN:-1}" != 0 ]; then
	echo "deb: lintian (errors and warnings fail; I: is information)"
	"${lint[@]}" "${debs[@]}" || {
		echo "deb: lintian reports errors or warnings" >&2
		exit 1
	}
fi
printf '%s\n' "${debs[@]#"$repo"/}"
