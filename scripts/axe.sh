#!/usr/bin/env bash
# shellcheck shell=bash
# Makes axe-core (the accessibility checker the browser tests run inside Chromium) available offline and
# prints the path of its axe.min.js on stdout.
#   scripts/axe.sh              run it: prints the path, exits non-zero with a message on stderr on failure
#   . scripts/axe.sh            source it: also sets shortr_axe_js to the path, returns instead of exiting
# axe-core (MPL-2.0) comes from the npm registry at a pinned version, into ~/.cache/shortr/npm, once: later runs
# find it there and need no network. When npm is missing, Debian's nodejs and npm are installed first
# (scripts/need.sh). Nothing here is exported as SHORTR_*: shortr itself refuses unknown SHORTR_ variables.

shortr_axe_version=4.14.1

shortr_axe_fail() {
    echo "shortr axe: $*" >&2
    return 1
}

shortr_axe_fetch() {
    local dir=$HOME/.cache/shortr/npm
    local js="$dir/node_modules/axe-core/axe.min.js" have
    have=$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$dir/node_modules/axe-core/package.json" 2>/dev/null | head -n 1)
    if [ -s "$js" ] && [ "$have" = "$shortr_axe_version" ]; then
        echo "$js"
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        # shellcheck source=scripts/need.sh
        declare -F need >/dev/null || . "$(dirname "${BASH_SOURCE[0]}")/need.sh"
        # need exits the shell when it cannot install: run it in a subshell so that a sourcing ./test gets a message
        (need nodejs npm) || shortr_axe_fail "npm is missing and could not be installed" || return 1
    fi
    mkdir -p "$dir" || shortr_axe_fail "cannot create $dir" || return 1
    if ! npm install --silent --no-save --no-audit --no-fund --no-package-lock --prefix "$dir" \
            "axe-core@$shortr_axe_version" >&2 </dev/null; then
        shortr_axe_fail "npm install axe-core@$shortr_axe_version into $dir failed"
        return 1
    fi
    [ -s "$js" ] || shortr_axe_fail "npm installed axe-core@$shortr_axe_version but $js is missing" || return 1
    echo "$js"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    shortr_axe_js=$(shortr_axe_fetch) && echo "$shortr_axe_js"
    return $?
fi
shortr_axe_fetch
exit $?
