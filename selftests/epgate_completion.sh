#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion (packaging/bash-completion/epgate): the completion
# function is called as bash calls it (COMP_LINE, COMP_POINT, COMP_WORDS,
# COMP_CWORD) and its COMPREPLY compared with the words it must offer:
# commands, modes, profile names from the search path (first occurrence,
# as the tool finds them), the roles and `--with` options of the profiles
# named on the line (checked against `epgate profile show NAME -j`),
# `lookup tcp|udp`, `config` words and comma lists.  Needs no kernel; runs
# on the host as well as in the VM.
cd "$(dirname "$0")" || exit 1
source ./lib.sh

tap_begin
comp_file=$EPGATE_TOP/packaging/bash-completion/epgate
[ -f "$comp_file" ] || skip_all "no packaging/bash-completion/epgate"

tmp=$(mktemp -d /tmp/epgate-completion.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# A site folder first on the path: a profile of its own, and a copy of
# eset that must not make eset appear twice.
mkdir -p "$tmp/site"
cp "$EPGATE_TOP/profiles/eset.profile" "$tmp/site/"
printf 'profile zz-site\n' > "$tmp/site/zz-site.profile"
export EPGATE_PROFILE_PATH=$tmp/site:$EPGATE_TOP/profiles

# shellcheck source=../packaging/bash-completion/epgate
source "$comp_file"

# compopt works only while bash is completing: record what is asked.
compopt_args=
compopt() { compopt_args="$compopt_args $*"; }

# comp LINE: call the completion at the end of LINE; got is what it offers
# in one string, " a b c " (no fork: every exec costs in a TCG guest).
comp() {
	local IFS=$' \t\n'
	COMP_LINE=$1
	COMP_POINT=${#1}
	read -r -a COMP_WORDS <<< "$1"
	[[ $1 == *' ' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	compopt_args=
	_epgate epgate "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	got=" ${COMPREPLY[*]} "
	[ ${#COMPREPLY[@]} = 0 ] && got=" "
}

# offers LINE WANT: comp LINE offers exactly the words of WANT, in any order.
offers() {
	local w n=0
	comp "$1"
	for w in $2; do
		n=$((n + 1))
		[[ $got == *" $w "* ]] || break
	done
	[[ $got == *" $w "* || -z $2 ]] && [ "$n" = ${#COMPREPLY[@]} ] && return 0
	diag "'$1': got '$got', want '$2'"
	return 1
}

# includes LINE WORD...: comp LINE offers every WORD (and maybe more);
# excludes LINE WORD...: none of them.
includes() {
	local w
	comp "$1"
	shift
	for w in "$@"; do
		[[ $got == *" $w "* ]] || { diag "no '$w' in '$got'"; return 1; }
	done
}
excludes() {
	local w
	comp "$1"
	shift
	for w in "$@"; do
		[[ $got != *" $w "* ]] || { diag "'$w' in '$got'"; return 1; }
	done
}

# With readline's file name completion (compopt -o default), nothing else.
files_at() {
	comp "$1"
	[ ${#COMPREPLY[@]} = 0 ] && [[ $compopt_args == *"-o default"* ]]
}

# With readline's folder name completion (compopt -o dirnames), nothing else.
dirs_at() {
	comp "$1"
	[ ${#COMPREPLY[@]} = 0 ] && [[ $compopt_args == *"-o dirnames"* ]]
}

check "complete -p: _epgate completes epgate" -- \
	test "$(complete -p epgate)" = "complete -F _epgate epgate"

profiles="escan eset kaspersky symantec trendmicro zz-site"
check "commands" -- offers "epgate " \
	"--version apply config confirm disable enable export help load lookup metrics mode profile refresh restore rollback save stats status version"
check "a command from its start" -- offers "epgate st" "stats status"
check "mode" -- offers "epgate mode " "enforce monitor off"
check "mode takes one word" -- offers "epgate mode off " ""
check "status -j" -- offers "epgate status " "-j"
check "stats options" -- offers "epgate stats " "--reset --watch -i -j -n"
check "stats -i takes a number" -- offers "epgate stats --watch -i " ""
check "metrics --textfile" -- offers "epgate metrics " "--textfile"
check "metrics --textfile: folder names (readline's)" -- dirs_at "epgate metrics --textfile "
check "metrics --textfile DIR: nothing more" -- offers "epgate metrics --textfile /tmp " ""
check "profile subcommands" -- offers "epgate profile " "check list show"
check "profile show: profile names on the path, each once" -- \
	offers "epgate profile show " "$profiles"
check "profile show NAME -j" -- offers "epgate profile show eset " "-j"
check "profile check: file names (readline's default)" -- files_at "epgate profile check "
check "load: file names" -- files_at "epgate load "
check "restore: file names" -- files_at "epgate restore "
check "enable: profile names" -- offers "epgate enable " "$profiles"
check "enable: a profile from its start" -- offers "epgate enable ka" "kaspersky"
check "enable: options" -- offers "epgate enable kaspersky --" "--bind-hosts --monitor --with"
check "enable: a role of the profile as ROLE=" -- offers "epgate enable kaspersky ser" "server="
comp "epgate enable kaspersky ser"
check "enable: no space after ROLE=" -- test "$compopt_args" = " -o nospace"
check "enable: names and bound roles given are not offered again" -- \
	excludes "epgate enable kaspersky server=10.0.2.10 " kaspersky server=
check "enable: ... the others are" -- \
	includes "epgate enable kaspersky server=10.0.2.10 " console= eset
check "enable: no completion of an address" -- offers "epgate enable kaspersky server=10." ""
check "enable --with: the options of both profiles named" -- \
	includes "epgate enable eset kaspersky --with " push web-console
check "enable --with: comma list, options given not offered again" -- \
	offers "epgate enable eset --with push,legacy,r" "push,legacy,rd-sensor"
check "disable: profile names" -- offers "epgate disable e" "escan eset"
check "lookup: protocols" -- offers "epgate lookup " "tcp udp"
check "lookup: no completion of the port" -- offers "epgate lookup tcp " ""
check "lookup: from, to, -j" -- offers "epgate lookup tcp 443 " "-j from to"
check "lookup: an IPv6 address is one word" -- \
	offers "epgate lookup tcp 443 from fd00::1 " "-j from to"
check "lookup: no completion of an address" -- offers "epgate lookup tcp 443 from " ""
check "config: settings" -- offers "epgate config " "hooks in log mark out"
check "config hooks: a comma list" -- offers "epgate config hooks forward," \
	"forward,input forward,output"
check "config in: any and the interfaces" -- includes "epgate config in " any lo
check "config log" -- offers "epgate config log " "kernel kernel,nflog nflog off"
check "config mark" -- offers "epgate config mark " "none"
check "config: settings again after a value" -- offers "epgate config mark none " \
	"hooks in log mark out"
check "enable: a profile after --monitor is a profile" -- \
	includes "epgate enable eset --monitor kaspersky --with " push web-console
check "export nft" -- offers "epgate export " "nft"
check "export nft: options" -- includes "epgate export nft -" -j --apply --confirm --table \
	--from-profiles --from-file --unchecked --mode --hooks --in --out --mark
check "export nft --from-profiles: names, then their roles" -- \
	includes "epgate export nft --from-profiles kaspersky " server= eset
check "export nft --from-profiles NAME --with: its options" -- \
	includes "epgate export nft --from-profiles kaspersky --with " web-console
check "export nft --mode" -- offers "epgate export nft --mode " "enforce monitor off"
check "export nft --hooks: a comma list" -- offers "epgate export nft --hooks input," \
	"input,forward input,output"
check "export nft --from-file: file names" -- files_at "epgate export nft --from-file "
check "save: file names" -- files_at "epgate save "
check "restore -: standard input, --unchecked" -- offers "epgate restore -" "- --unchecked"
check "restore --unchecked: file names" -- files_at "epgate restore --unchecked "
check "apply: options" -- offers "epgate apply -" "- --check --unchecked -j"
check "apply --check: file names" -- files_at "epgate apply --check "
check "help: commands" -- offers "epgate help l" "load lookup"
check "help: commands, metrics among them" -- offers "epgate help m" "metrics mode"

# The roles and options offered are the ones the tool reads in each profile.
if [ -x "$EPGATE" ] && command -v jq > /dev/null; then
	for p in escan eset kaspersky symantec trendmicro; do
		json=$("$EPGATE" profile show "$p" -j)
		want=$(jq -r '.options[].name' <<< "$json")
		check "$p: --with offers the options of 'profile show -j'" -- \
			offers "epgate enable $p --with " "$want"
		want="$(jq -r '.roles[].name + "="' <<< "$json") ${profiles/$p/}"
		check "$p: the roles of 'profile show -j' as ROLE=, and the other profiles" -- \
			offers "epgate enable $p " "$want"
	done
else
	tap_result 0 "options and roles against profile show -j # SKIP needs the tool and jq"
fi

# As bash-completion finds it: its loader sources the file named after the
# command from the user's completions folder.
bc=/usr/share/bash-completion/bash_completion
if [ -f "$bc" ]; then
	mkdir -p "$tmp/data/bash-completion/completions"
	cp "$comp_file" "$tmp/data/bash-completion/completions/epgate"
	check "bash-completion's loader finds and loads it" -- env -u EPGATE_PROFILE_PATH \
		XDG_DATA_HOME="$tmp/data" BASH_COMPLETION_USER_DIR="$tmp/data/bash-completion" \
		bash --norc --noprofile -c "source $bc; _completion_loader epgate;
			[ \"\$(complete -p epgate)\" = 'complete -F _epgate epgate' ]"
else
	tap_result 0 "bash-completion's loader # SKIP bash-completion is not installed"
fi

tap_end
