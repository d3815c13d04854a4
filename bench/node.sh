# shellcheck shell=bash disable=SC2154 # $root and $out come from the script that sources this file
# Sourced by bench/*: start, wait for and stop a shortr node, and read what /proc says about a process.
# Expects $root (the repository) and $out (where logs go).

# The first port from $1 up that nothing listens on.
free_port() {
    local p=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do
        p=$((p + 1))
    done
    echo "$p"
}

# start_shortr CPUS PORT DATA LOG [serve args...]: starts `shortr serve` pinned to CPUS; sets shortr_pid.
start_shortr() {
    local cpus=$1 port=$2 data=$3 log=$4
    shift 4
    SHORTR_JAVA_OPTS=$BENCH_JAVA_OPTS taskset -c "$cpus" "$root/shortr" serve --port "$port" --data "$data" "$@" >"$log" 2>&1 &
    shortr_pid=$!
    local deadline=$((SECONDS + 60))
    until curl -fs -o /dev/null "http://127.0.0.1:$port/healthz"; do
        if ! kill -0 "$shortr_pid" 2>/dev/null; then
            echo "shortr exited during start-up; its log ($log):" >&2
            tail -n 30 "$log" >&2
            exit 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "shortr did not answer /healthz within 60 s; see $log" >&2
            exit 1
        fi
        sleep 0.2
    done
}

# stop_pid PID [SECONDS]: SIGTERM, wait (graceful shutdown flushes clicks), then SIGKILL.
stop_pid() {
    local pid=$1 grace=${2:-30} i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < grace * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    echo "pid $pid did not stop within ${grace}s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
    return 0
}

# CPU time (user + system, in clock ticks) of a process and its direct children (nginx's workers).
cpu_ticks() {
    local pid=$1 total=0 p stat
    for p in "$pid" $(cat "/proc/$pid/task/$pid/children" 2>/dev/null); do
        stat=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        stat=${stat##*) } # the command name may hold spaces; fields after it are plain
        # shellcheck disable=SC2086
        set -- $stat
        total=$((total + ${12} + ${13})) # utime and stime are fields 14 and 15 of the whole line
    done
    echo "$total"
}

rss_mb() {
    awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null
}

# "anon N MB, file N MB": heap and native memory, against mapped files (jars, libjvm, SQLite's mmap).
rss_split() {
    awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 } END { printf "anon %.0f MB, file %.0f MB", a / 1024, f / 1024 }' \
        "/proc/$1/status" 2>/dev/null
}

peak_rss_mb() {
    awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null
}

# One metric's value from shortr's /metrics (summed over its label sets), or nothing when absent.
metric() {
    local port=$1 name=$2
    curl -fs "http://127.0.0.1:$port/metrics" | awk -v n="$name" '
        $1 == n || index($1, n "{") == 1 { s += $NF; found = 1 }
        END { if (found) printf "%.0f\n", s }'
}

# "gc kind count sum_seconds" lines (kind: minor or major) from Micrometer's jvm_gc_pause_seconds, plus
# "alloc bytes" from jvm_gc_memory_allocated_bytes_total; diff two of these with gc_delta.
gc_snapshot() {
    curl -fs "http://127.0.0.1:$1/metrics" | awk '
        /^jvm_gc_pause_seconds_(count|sum)\{/ {
            kind = ($0 ~ /action="end of minor GC"/) ? "minor" : "major"
            if ($1 ~ /_count\{/) n[kind] += $NF; else t[kind] += $NF
        }
        /^jvm_gc_memory_allocated_bytes_total / { alloc = $NF }
        END {
            printf "gc minor %d %f\ngc major %d %f\nalloc bytes %.0f\n", n["minor"], t["minor"], n["major"], t["major"], alloc
        }'
}

# gc_delta BEFORE AFTER REQUESTS: "minor GCs: N (X ms in all), major: N (X ms); allocation: N bytes/request"
gc_delta() {
    awk -v req="$3" 'FNR == NR { b[$1 " " $2] = $3; bt[$1 " " $2] = $4; next }
        { d[$1 " " $2] = $3 - b[$1 " " $2]; dt[$1 " " $2] = $4 - bt[$1 " " $2] }
        END {
            printf "minor GCs %d (%.0f ms in all), major GCs %d (%.0f ms in all); %.0f bytes allocated per request",
                d["gc minor"], dt["gc minor"] * 1000, d["gc major"], dt["gc major"] * 1000, (req > 0 ? d["alloc bytes"] / req : 0)
        }' "$1" "$2"
}
