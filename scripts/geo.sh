#!/usr/bin/env bash
# shellcheck shell=bash
# Fetches the default free IP-to-country database and prints its path on stdout.
#   scripts/geo.sh              run it: prints the path, exits non-zero with a message on stderr on failure
#   . scripts/geo.sh            source it: also sets SHORTR_GEO_DB to the path, returns instead of exiting
# The database is the npm package @ip-location-db/geo-whois-asn-country-mmdb (CC0-1.0, see
# scripts/geo.LICENSE). It lands in $SHORTR_GEO_DIR (default ~/.cache/shortr/geo) as
# geo-whois-asn-country.mmdb, and is downloaded again only when older than 30 days.
# SHORTR_GEO_REGISTRY overrides the npm registry (default https://registry.npmjs.org), e.g. for a mirror.

shortr_geo_package=@ip-location-db/geo-whois-asn-country-mmdb
shortr_geo_max_age_days=30

shortr_geo_fail() {
    echo "shortr geo: $*" >&2
    return 1
}

# The value of the string field $1 in the npm metadata JSON on stdin ("tarball", "shasum").
shortr_geo_field() {
    sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" | head -n 1
}

# Downloads the package tarball into $1 (a scratch directory) and prints the path of the .mmdb inside it.
shortr_geo_download() {
    local scratch=$1 meta url sum entries entry
    local registry="${SHORTR_GEO_REGISTRY:-https://registry.npmjs.org}/$shortr_geo_package/latest"
    meta=$(curl -fsSL --max-time 30 "$registry") || shortr_geo_fail "cannot read $registry" || return 1
    url=$(shortr_geo_field tarball <<<"$meta")
    sum=$(shortr_geo_field shasum <<<"$meta")
    [ -n "$url" ] || shortr_geo_fail "no dist.tarball in $registry" || return 1
    curl -fsSL --max-time 300 -o "$scratch/package.tgz" "$url" || shortr_geo_fail "cannot download $url" || return 1
    # npm's dist.shasum is the SHA-1 of the tarball: a truncated or tampered download stops here
    if [ -n "$sum" ] && ! echo "$sum  $scratch/package.tgz" | sha1sum -c --status; then
        shortr_geo_fail "checksum mismatch for $url (expected sha1 $sum)"
        return 1
    fi
    # the package holds -ipv4.mmdb, -ipv6.mmdb and one with both: prefer the one with both
    entries=$(tar -tzf "$scratch/package.tgz" | grep '\.mmdb$')
    entry=$(grep -v -e '-ipv4\.mmdb$' -e '-ipv6\.mmdb$' <<<"$entries" | head -n 1)
    [ -n "$entry" ] || entry=$(head -n 1 <<<"$entries")
    [ -n "$entry" ] || shortr_geo_fail "no *.mmdb file inside $url" || return 1
    tar -xzOf "$scratch/package.tgz" "$entry" >"$scratch/db.mmdb" || shortr_geo_fail "cannot extract $entry" || return 1
    [ -s "$scratch/db.mmdb" ] || shortr_geo_fail "$entry in $url is empty" || return 1
    echo "$scratch/db.mmdb"
}

shortr_geo_fetch() {
    local dir=${SHORTR_GEO_DIR:-$HOME/.cache/shortr/geo}
    local out="$dir/geo-whois-asn-country.mmdb" scratch db rc=0
    if [ -s "$out" ] && [ -n "$(find "$out" -mtime -"$shortr_geo_max_age_days" 2>/dev/null)" ]; then
        echo "$out"
        return 0
    fi
    mkdir -p "$dir" || shortr_geo_fail "cannot create $dir" || return 1
    # the scratch directory sits beside the target so the final mv is a rename on one file system
    scratch=$(mktemp -d "$dir/.download.XXXXXX") || shortr_geo_fail "cannot create a temporary directory in $dir" || return 1
    if db=$(shortr_geo_download "$scratch") && mv -f "$db" "$out"; then
        echo "$out"
    else
        rc=1
        echo "shortr geo: failed; $out is unchanged" >&2
    fi
    rm -rf "$scratch"
    return "$rc"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    SHORTR_GEO_DB=$(shortr_geo_fetch) && echo "$SHORTR_GEO_DB"
    return $?
fi
shortr_geo_fetch
exit $?
