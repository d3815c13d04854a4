# shellcheck shell=bash
# Sourced by ./shortr, ./test and bench/*: finds a JDK >= 21 and sets JAVA_HOME and JAVA.
# Order: $JAVA_HOME when it is new enough, else /usr/lib/jvm/*: a JDK 25 if there is one, else the newest >= 21.

SHORTR_MIN_JAVA=21
SHORTR_PREFERRED_JAVA=25

# The feature version (8, 17, 21, 25...) of the JDK at $1, or nothing when $1/bin/java is not a working JDK.
shortr_java_major() {
    local home=$1 v=
    [ -x "$home/bin/java" ] || return 1
    # the release file answers without starting a JVM; fall back to -version when it is absent
    if [ -r "$home/release" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
    fi
    if [ -z "$v" ]; then
        v=$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
    fi
    v=${v#1.}                 # 1.8.0_402 -> 8.0_402
    v=${v%%[!0-9]*}           # 25.0.3 -> 25, 21-ea -> 21
    [ -n "$v" ] || return 1
    echo "$v"
}

shortr_find_jdk() {
    local major best='' best_major=0 dir
    if [ -n "${JAVA_HOME:-}" ] && major=$(shortr_java_major "$JAVA_HOME") && [ "$major" -ge "$SHORTR_MIN_JAVA" ]; then
        echo "$JAVA_HOME"
        return 0
    fi
    for dir in /usr/lib/jvm/*; do
        major=$(shortr_java_major "$dir") || continue
        [ "$major" -ge "$SHORTR_MIN_JAVA" ] || continue
        if [ "$major" -eq "$SHORTR_PREFERRED_JAVA" ]; then
            echo "$dir"
            return 0
        fi
        if [ "$major" -gt "$best_major" ]; then
            best=$dir
            best_major=$major
        fi
    done
    [ -n "$best" ] || return 1
    echo "$best"
}

if ! shortr_jdk=$(shortr_find_jdk); then
    echo "shortr: no JDK >= $SHORTR_MIN_JAVA found (JAVA_HOME=${JAVA_HOME:-unset}; searched /usr/lib/jvm/*): install JDK 21+ (25 preferred) under /usr/lib/jvm or point JAVA_HOME at one" >&2
    exit 1
fi
export JAVA_HOME=$shortr_jdk
unset shortr_jdk
# shellcheck disable=SC2034 # used by the scripts that source this one
JAVA="$JAVA_HOME/bin/java"
JAVA_MAJOR=$(shortr_java_major "$JAVA_HOME")

# Maven 3.9 (through Guice) calls sun.misc.Unsafe, which JDK 24+ warns about in four lines on every build
if [ "$JAVA_MAJOR" -ge 24 ]; then
    case " ${MAVEN_OPTS:-} " in
        *unsafe-memory-access*) ;;
        *) export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow" ;;
    esac
fi
