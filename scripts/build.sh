# shellcheck shell=bash
# Sourced after scripts/jdk.sh. shortr_build ROOT: (re)builds ROOT/target/shortr.jar and ROOT/target/lib/
# when the jar is missing or older than pom.xml or anything under src/main. Maven's output goes to stderr.

# True when the jar must be (re)built.
shortr_stale() {
    local root=$1 jar=$1/target/shortr.jar
    [ -f "$jar" ] && [ -d "$root/target/lib" ] || return 0
    [ -n "$(find "$root/pom.xml" "$root/src/main" -newer "$jar" -print -quit 2>/dev/null)" ]
}

shortr_build() {
    local root=$1
    shortr_stale "$root" || return 0
    mkdir -p "$root/target"
    (
        # two launchers starting at once (a test, a bench) must not run two Maven builds into one target/
        if command -v flock >/dev/null 2>&1; then
            exec 9>"$root/target/.build.lock"
            flock 9
        fi
        shortr_stale "$root" || exit 0
        echo "shortr: building target/shortr.jar ..." >&2
        cd "$root" || exit 1
        # tests are not compiled here: ./test does that; a half-written test must not stop the launcher
        if ! ./mvnw -q -B -Dmaven.test.skip=true package 1>&2; then
            echo "shortr: build failed (see the Maven output above)" >&2
            exit 1
        fi
        # Maven keeps the old mtime when nothing changed; touch so the staleness check settles
        touch "$root/target/shortr.jar"
    )
}
