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

# preload: leaves shortr running on $data at $port (shortr_pid) with $LINKS links, created through the bulk API
# (1000 a request, $WORKERS at once, as a key made with `shortr keys create`), or with the links of $REUSE when it
# has them; sets $codes (the file of their codes, one a line) and $created. Expects $root $tmp $out $data $port
# $LINKS $WORKERS $SERVER_CPU $CLIENT_CPU $REUSE and a say function.
preload() {
    codes=$tmp/codes.txt
    if [ -n "$REUSE" ] && [ -s "$REUSE/codes.txt" ]; then
        codes=$REUSE/codes.txt
        created=$(wc -l <"$codes")
        say "preload: reusing $created links from $REUSE"
        start_shortr "$SERVER_CPU" "$port" "$data" "$out/shortr-preload.log" --io-threads 1
    else
        key=$("$root/shortr" keys create --data "$data" --name bench --scopes admin)
        case $key in sk_*) ;; *) echo "unexpected output from 'shortr keys create': $key" >&2; exit 1 ;; esac

        start_shortr "$SERVER_CPU" "$port" "$data" "$out/shortr-preload.log" --io-threads 1

        # post_batch I: creates links I*1000 .. I*1000+999 (capped at LINKS) with one bulk request; codes to $tmp/codes/I
        post_batch() {
            local i=$1 first=$(($1 * 1000)) try status
            local body=$tmp/codes/$i.body
            awk -v s="$first" -v max="$LINKS" 'BEGIN {
                printf "{\"links\":["
                for (j = s; j < s + 1000 && j < max; j++) printf "%s{\"url\":\"https://example.com/p/%06d\"}", (j > s ? "," : ""), j
                printf "]}"
            }' >"$body"
            for try in 1 2 3 4 5; do
                status=$(curl -s -o "$tmp/codes/$i.json" -w '%{http_code}' -H "authorization: Bearer $key" \
                    -H 'content-type: application/json' --data-binary "@$body" "http://127.0.0.1:$port/api/v1/links/bulk") || status=000
                case $status in
                    200 | 207)
                        jq -r '.items[] | select(.status == 201) | .link.code' "$tmp/codes/$i.json" >"$tmp/codes/$i"
                        jq -r '.items[] | select(.status != 201) | "\(.status) \(.problem.detail // .problem.title)"' "$tmp/codes/$i.json" >>"$tmp/codes/$i.failed"
                        rm -f "$body" "$tmp/codes/$i.json"
                        return 0 ;;
                    429 | 5* | 000) sleep "$try" ;;
                    *) echo "bulk request $i: HTTP $status: $(head -c 300 "$tmp/codes/$i.json")" >&2; return 1 ;;
                esac
            done
            echo "bulk request $i: gave up after 5 tries (last HTTP $status)" >&2
            return 1
        }
        export -f post_batch
        export tmp key port LINKS

        mkdir -p "$tmp/codes"
        batches=$(((LINKS + 999) / 1000))
        t0=$(date +%s.%N)
        seq 0 $((batches - 1)) | taskset -c "$CLIENT_CPU" xargs -P "$WORKERS" -I{} bash -c 'post_batch {}'
        t1=$(date +%s.%N)
        for ((i = 0; i < batches; i++)); do cat "$tmp/codes/$i"; done >"$codes"
        created=$(wc -l <"$codes")
        failed=$(cat "$tmp"/codes/*.failed 2>/dev/null | wc -l)
        preload_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
        say "preload: $created links created in ${preload_s}s = $(awk -v n="$created" -v s="$preload_s" 'BEGIN { printf "%.0f", n / s }') links/s (bulk of 1000, $WORKERS concurrent requests; $failed refused)"
        if [ "$failed" -gt 0 ]; then
            say "  first refusals: $(cat "$tmp"/codes/*.failed | sort | uniq -c | sort -rn | head -n 3 | tr '\n' ';')"
        fi
        [ -z "$REUSE" ] || cp "$codes" "$REUSE/codes.txt"
    fi
}
