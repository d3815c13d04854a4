# shellcheck shell=bash
# Sourced by ./test and bench/*. need PKG...: installs the Debian packages that are missing, quietly,
# running apt-get update at most once per script. "a|b" means either package will do (the first is installed).

shortr_apt_updated=

need() {
    local spec alt missing=() ok
    for spec in "$@"; do
        ok=
        for alt in ${spec//|/ }; do
            if dpkg-query -W -f='${Status}' "$alt" 2>/dev/null | grep -q 'install ok installed'; then
                ok=1
                break
            fi
        done
        [ -n "$ok" ] || missing+=("${spec%%|*}")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "" >&2
        echo "!!! missing Debian packages: ${missing[*]}" >&2
        echo "!!! not root, so they cannot be installed here: run  sudo apt-get install -y ${missing[*]}  and retry" >&2
        echo "" >&2
        exit 1
    fi
    echo "installing ${missing[*]} ..." >&2
    if [ -z "$shortr_apt_updated" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null || { echo "apt-get update failed" >&2; exit 1; }
        shortr_apt_updated=1
    fi
    if ! DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends "${missing[@]}" >/dev/null </dev/null; then
        echo "apt-get install ${missing[*]} failed" >&2
        exit 1
    fi
}
