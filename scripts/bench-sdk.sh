#!/usr/bin/env bash
# The SDK-shaped load, driftq against Redis Streams with appendfsync always, in one sitting:
# `scripts/bench-sdk.sh DRIFTQ [ROUNDS] [MESSAGES] [PRODUCERS] [WORKERS]`.
# driftq: `bench e2e --pattern sdk` (one message per POST /v1/produce, workers on the NDJSON
# stream acking each message with its own POST /v1/ack), fsync always, one partition per worker.
# Redis: `examples/redis_sdk.rs` (XADD per message; workers XREADGROUP COUNT 1 + XACK per
# message), Debian's redis-server on a loopback port, AOF appendfsync always. Alternated, a fresh
# server and data directory per run. Prints one line per run:
#   round system msgs_per_sec p50_ms p99_ms        (latency: produce to ack)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin=${1:?usage: bench-sdk.sh DRIFTQ [ROUNDS] [MESSAGES] [PRODUCERS] [WORKERS]}
rounds=${2:-3}
messages=${3:-10000}
producers=${4:-4}
workers=${5:-8}
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v redis-server >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null
fi
(cd "$root" && cargo build --release -q --example redis_sdk)
redis_sdk=$root/target/release/examples/redis_sdk
work=$(mktemp -d)
pid=
rpid=
trap 'kill "$pid" "$rpid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))

for round in $(seq "$rounds"); do
    rm -rf "$work/data"
    "$bin" serve --addr 127.0.0.1:0 --data-dir "$work/data" --fsync always 2>"$work/log" &
    pid=$!
    wait_for_url "$work/log"
    "$bin" bench e2e --pattern sdk --url "$url" --topic sdk --partitions "$workers" \
        --messages "$messages" --producers "$producers" --consumers "$workers" -o json |
        python3 -c '
import json, sys
p = [p for p in json.load(sys.stdin)["phases"] if p["phase"].startswith("e2e")][0]
print(sys.argv[1], "driftq", int(p["msgs_per_sec"]), p["latency_ms"]["p50"], p["latency_ms"]["p99"])' "$round"
    kill "$pid"; wait "$pid" 2>/dev/null || true

    start_redis_always "$port" "$work/redis"
    "$redis_sdk" "$port" "$messages" "$producers" "$workers" 1024 | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(sys.argv[1], "redis", int(r["msgs_per_sec"]), r["p50_ms"], r["p99_ms"])' "$round"
    kill "$rpid"; wait "$rpid" 2>/dev/null || true
done
