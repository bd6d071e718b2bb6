#!/usr/bin/env bash
# Load figures for coreward with wrk: requests/s and p50/p99 latency for GET /healthz, a small POST /v1/vote
# (4 groups x 8 real rollouts) and a 2,048-rollout POST /v1/reward (the bench/reward_bench.py batch, 2.6 MB)
# at 1, 16 and 64 connections, against one replica and against two replicas behind nginx (configured from
# docker/nginx.conf.template, as in production); CPU used by the replicas, nginx and wrk per cell (from
# /proc, to tell what limits throughput); and a replica's RSS before and after 100,000 requests.
#
#   bench/load.sh                          # after `make build` and `apt-get install wrk nginx-light`
#   DURATION=10 CONNECTIONS="1 16 64 256" bench/load.sh
#
# Everything runs on 127.0.0.1; wrk, nginx and the replicas share this machine's CPUs, which the report
# states. Environment: COREWARD_BIN (default .build/release/coreward), DURATION seconds per cell (5),
# CONNECTIONS ("1 16 64"), THREADS (libmicrohttpd threads per replica; default: the binary's, one per CPU),
# RSS_REQUESTS (100000).
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${COREWARD_BIN:-$REPO/.build/release/coreward}"
MODEL_DIR="${COREWARD_MODEL_DIR:-$REPO/models/all-MiniLM-L6-v2}"
DURATION="${DURATION:-5}"
CONNECTIONS="${CONNECTIONS:-1 16 64}"
RSS_REQUESTS="${RSS_REQUESTS:-100000}"
LUA="$REPO/bench/load/report.lua"
PYTHON="${PYTHON:-python3}"

for tool in wrk nginx "$PYTHON"; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || {
        echo "load.sh: $tool is missing (apt-get install wrk nginx-light)" >&2; exit 1; }
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$BIN" ] || { echo "load.sh: $BIN is missing: run make build" >&2; exit 1; }

WORK="$(mktemp -d /tmp/coreward-load.XXXXXX)"
chmod 755 "$WORK"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap "exit 143" INT TERM

"$PYTHON" "$REPO/bench/load/make_bodies.py" "$WORK"

# start_replica NAME: starts a replica on a free port; sets REPLICA_PID and REPLICA_PORT
start_replica() {
    local log="$WORK/$1.log" flags=()
    [ -n "${THREADS:-}" ] && flags+=(--threads "$THREADS")
    "$BIN" serve --host 127.0.0.1 --port 0 --model-dir "$MODEL_DIR" --log-level notice "${flags[@]}" \
        >/dev/null 2>"$log" &
    REPLICA_PID=$!
    PIDS+=("$REPLICA_PID")
    REPLICA_PORT=""
    for _ in $(seq 300); do
        REPLICA_PORT="$(grep -oE 'address=127\.0\.0\.1:[0-9]+' "$log" | head -1 | cut -d: -f2 || true)"
        [ -n "$REPLICA_PORT" ] && curl -fs "http://127.0.0.1:$REPLICA_PORT/readyz" >/dev/null && return 0
        sleep 0.1
    done
    echo "load.sh: replica $1 did not get ready:" >&2; cat "$log" >&2; exit 1
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
# CPU ticks (user + system) of a process and its threads, from /proc/PID/stat
cpu_ticks() { [ -r "/proc/$1/stat" ] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
nginx_ticks() { local t=0 p; for p in $(pgrep -f "nginx: worker process" -P "$NGINX_PID" 2>/dev/null); do
    t=$((t + $(cpu_ticks "$p"))); done; echo "$t"; }
HZ="$(getconf CLK_TCK)"

start_replica a; A_PID=$REPLICA_PID; A_PORT=$REPLICA_PORT
RSS_READY=$(rss_kib "$A_PID")
start_replica b; B_PID=$REPLICA_PID; B_PORT=$REPLICA_PORT

NGINX_PORT="$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$PYTHON" "$REPO/docker/render-nginx-conf.py" --listen "127.0.0.1:$NGINX_PORT" --runtime-dir "$WORK" \
    --upstream "127.0.0.1:$A_PORT" --upstream "127.0.0.1:$B_PORT" -o "$WORK/nginx.conf"
# no access log in a benchmark: it would measure the disk
sed -i 's|^\(    access_log \).*coreward;|\1off;|' "$WORK/nginx.conf"
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$NGINX_PORT/nginx-health" >/dev/null && break; sleep 0.1; done

# Server-Timing of one reward request: time in the app vs. wall time over loopback
TIMING="$(curl -s -o /dev/null -D - -w 'total_ms=%{time_total}\n' -H 'Content-Type: application/json' \
    --data-binary "@$WORK/reward_2048.json" "http://127.0.0.1:$A_PORT/v1/reward" | tr -d '\r' |
    awk -F'[=;: ]+' '/^[Ss]erver-[Tt]iming/ {match($0, /app;dur=[0-9.]+/); app=substr($0, RSTART + 8, RLENGTH - 8)}
         /^total_ms/ {print "app " app " ms, curl total " $2 * 1000 " ms"}')"

run_cell() {  # run_cell TARGET_NAME URL BODY_FILE CONNECTIONS
    local name="$1" url="$2" body="$3" conns="$4" threads out
    threads=$(( conns < 2 ? 1 : 2 ))
    local a0 b0 n0 w0 t0 a1 b1 n1 t1
    a0=$(cpu_ticks "$A_PID"); b0=$(cpu_ticks "$B_PID"); n0=$(nginx_ticks)
    t0=$(date +%s.%N)
    out="$(BODY_FILE="$body" /usr/bin/time -f 'WRKCPU %U %S' wrk -t "$threads" -c "$conns" -d "${DURATION}s" \
        --timeout 30s --latency -s "$LUA" "$url" 2>&1)"
    t1=$(date +%s.%N)
    a1=$(cpu_ticks "$A_PID"); b1=$(cpu_ticks "$B_PID"); n1=$(nginx_ticks)
    local result wrkcpu
    result="$(grep '^RESULT' <<<"$out")" || { echo "wrk failed: $out" >&2; exit 1; }
    wrkcpu="$(grep '^WRKCPU' <<<"$out" | awk '{print $2 + $3}')"
    eval "$(sed 's/^RESULT //' <<<"$result" | tr ' ' '\n' | sed 's/^/local /')"
    local wall; wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')
    awk -v name="$name" -v path="${url#http://*/}" -v c="$conns" -v rps="$rps" -v p50="$p50_ms" \
        -v p99="$p99_ms" -v bad="$((non200 + socket_errors))" -v req="$requests" \
        -v ca="$((a1 - a0))" -v cb="$((b1 - b0))" -v cn="$((n1 - n0))" -v cw="$wrkcpu" -v hz="$HZ" -v wall="$wall" \
        'BEGIN { printf "| %s | /%s | %d | %d | %.0f | %.2f | %.2f | %d | %.0f%% | %.0f%% | %.0f%% |\n",
                 name, path, c, req, rps, p50, p99, bad, 100 * (ca + cb) / hz / wall, 100 * cn / hz / wall,
                 100 * cw / wall }'
}

echo "coreward load, $(date -u +%Y-%m-%dT%H:%MZ), load average before: $(cut -d" " -f1-3 /proc/loadavg), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), ${DURATION} s per cell"
echo "wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'), $("$NGINX" -v 2>&1 | sed 's/.*: //'), replicas: $(basename "$BIN") with $(grep -oE "threads=[0-9]+" "$WORK/a.log" | head -1) each"
echo "one /v1/reward of 2,048 rollouts, Server-Timing: $TIMING"
echo
echo "CPU columns: share of one CPU used during the cell (100% = one core; $(nproc) cores in all), by the replica(s), nginx's workers, and wrk."
echo
echo "| target | path | conns | requests | req/s | p50 ms | p99 ms | errors | replicas CPU | nginx CPU | wrk CPU |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for target in one two; do
    if [ "$target" = one ]; then base="http://127.0.0.1:$A_PORT"; label="1 replica"
    else base="http://127.0.0.1:$NGINX_PORT"; label="2 behind nginx"; fi
    for spec in "healthz:" "v1/vote:$WORK/vote_small.json" "v1/reward:$WORK/reward_2048.json"; do
        path="${spec%%:*}"; body="${spec#*:}"
        for conns in $CONNECTIONS; do
            run_cell "$label" "$base/$path" "$body" "$conns"
        done
    done
done

# RSS of a fresh replica (c) before and after RSS_REQUESTS GET /healthz, and of replica a after all of the above
start_replica c; C_PID=$REPLICA_PID; C_PORT=$REPLICA_PORT
RSS_C0=$(rss_kib "$C_PID")
count=0
while [ "$count" -lt "$RSS_REQUESTS" ]; do  # wrk runs for a time, not a count: repeat 2 s runs
    n="$(wrk -t 2 -c 16 -d 2s --timeout 30s -s "$LUA" "http://127.0.0.1:$C_PORT/healthz" |
        grep -oE '^RESULT requests=[0-9]+' | cut -d= -f2)"
    count=$((count + n))
done
RSS_C1=$(rss_kib "$C_PID")
echo
echo "RSS (KiB) of a replica with the encoder loaded: ready, before any request: $RSS_READY (replica a);"
echo "  fresh replica c: $RSS_C0 before, $RSS_C1 after $count GET /healthz (16 connections);"
echo "  replica a after every cell above: $(rss_kib "$A_PID") now, peak (VmHWM) $(hwm_kib "$A_PID");"
for _ in 1 2; do  # two concurrent /v1/embed calls of full batches, twice: the encoder's working memory
    curls=()
    for _ in 1 2; do curl -fs -o /dev/null -H 'Content-Type: application/json' --data-binary "@$WORK/embed_64.json" \
        "http://127.0.0.1:$C_PORT/v1/embed" & curls+=($!); done
    wait "${curls[@]}"
done
echo "  replica c after 4 POST /v1/embed of 64 long texts (2 at a time): $(rss_kib "$C_PID") now, peak $(hwm_kib "$C_PID");"
echo "  replica b (behind nginx only): $(rss_kib "$B_PID") now, peak $(hwm_kib "$B_PID")"
