#!/usr/bin/env bash
# Single-message produce against Redis Streams with appendfsync always, in one sitting:
# `scripts/bench-redis.sh DRIFTQ [ROUNDS] [MESSAGES]`. Installs Debian's redis-server when it is
# missing, starts it on a loopback port with AOF `appendfsync always` in a temp directory, and
# alternates, for 1 and 16 connections: `driftq bench produce --batch 1` (1 KiB, fsync always,
# a fresh server and data directory per run) and `redis-benchmark XADD` (1 KiB field, no
# pipelining, a fresh AOF per run). With FLOOR_SYNCS="1 2" (sync threads per file) it also
# measures `examples/http_floor.rs` in append mode — axum and a group-commit fdatasync, no
# broker — the floor HTTP/1.1 sets on this path. Prints one line per run:
#   round system connections msgs_per_sec p50_ms p99_ms
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin=${1:?usage: bench-redis.sh DRIFTQ [ROUNDS] [MESSAGES]}
rounds=${2:-3}
messages=${3:-20000}
if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server redis-tools >/dev/null
fi
work=$(mktemp -d)
pid=
rpid=
trap 'kill "$pid" "$rpid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))
value=$(head -c 1024 /dev/zero | tr '\0' 'x')
root=$(cd "$(dirname "$0")/.." && pwd)
floor_syncs=${FLOOR_SYNCS:-}
if [ -n "$floor_syncs" ]; then
    (cd "$root" && cargo build --release -q --example http_floor)
fi

redis_run() { # CONNECTIONS → one line
    start_redis_always "$port" "$work/redis"
    redis-benchmark -p "$port" -c "$1" -n "$messages" -P 1 --csv XADD bench '*' v "$value" \
        | tail -1 | python3 -c '
import csv, sys
row = next(csv.reader(sys.stdin))
print(int(float(row[1])), row[4], row[6])'
    kill "$rpid"; wait "$rpid" 2>/dev/null || true
}

floor_run() { # CONNECTIONS SYNC_THREADS → one line
    rm -f "$work/floor.log"
    "$root/target/release/examples/http_floor" "127.0.0.1:$((port + 1))" append \
        "$work/floor.log" 1 "$2" 2>"$work/log" &
    pid=$!
    for _ in $(seq 100); do
        grep -q listening "$work/log" && break
        sleep 0.1
    done
    bench_produce "http://127.0.0.1:$((port + 1))" "$1"
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

bench_produce() { # URL CONNECTIONS → msgs/s p50 p99
    "$bin" bench produce --url "$1" --topic sdk --partitions 1 --size 1024 \
        --messages "$messages" --batch 1 --producers "$2" -o json | python3 -c '
import json, sys
p = [p for p in json.load(sys.stdin)["phases"] if p["phase"] == "produce"][0]
print(int(p["msgs_per_sec"]), p["latency_ms"]["p50"], p["latency_ms"]["p99"])'
}

driftq_run() { # CONNECTIONS → one line
    rm -rf "$work/data"
    "$bin" serve --addr 127.0.0.1:0 --data-dir "$work/data" --fsync always 2>"$work/log" &
    pid=$!
    wait_for_url "$work/log"
    bench_produce "$url" "$1"
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

for round in $(seq "$rounds"); do
    for conns in 1 16; do
        echo "$round driftq $conns $(driftq_run "$conns")"
        echo "$round redis $conns $(redis_run "$conns")"
        for syncs in $floor_syncs; do
            echo "$round floor-s$syncs $conns $(floor_run "$conns" "$syncs")"
        done
    done
done
