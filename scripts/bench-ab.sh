#!/usr/bin/env bash
# Produce and consume, two server builds alternated in one sitting, every run measured by one
# bench client (the newer binary's): `scripts/bench-ab.sh OLD_DRIFTQ NEW_DRIFTQ [ROUNDS] [MESSAGES]`.
#   produce: batch 100 × 4 connections, 1 KiB, fsync always (the server's default);
#   consume: consume + ack, 4 consumers, on each wire of $WIRES (default: json binary stream).
#   single: one message per request, 1 KiB, fsync always, 1 and 16 connections, one partition
#     ($SINGLE_MESSAGES each, default 10000);
#   sdk: `bench e2e --pattern sdk`, 4 producers, 8 workers on 8 partitions ($SINGLE_MESSAGES).
# BENCHES="produce consume" (the default) picks which run, out of "produce consume single sdk".
# Loopback only; each run is bounded by its message count. Prints one line per run:
#   round build bench msgs_per_sec p50_ms p99_ms
set -euo pipefail
source "$(dirname "$0")/lib.sh"
old=${1:?usage: bench-ab.sh OLD_DRIFTQ NEW_DRIFTQ [ROUNDS] [MESSAGES]}
new=${2:?usage: bench-ab.sh OLD_DRIFTQ NEW_DRIFTQ [ROUNDS] [MESSAGES]}
rounds=${3:-3}
messages=${4:-200000}
benches=${BENCHES:-produce consume}
wires=${WIRES:-json binary stream}
single_messages=${SINGLE_MESSAGES:-10000}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=

start() { # BINARY → sets pid and url
    rm -rf "$work/data"
    "$1" serve --addr 127.0.0.1:0 --data-dir "$work/data" --fsync always 2>"$work/log" &
    pid=$!
    wait_for_url "$work/log"
}

report() { # ROUND BUILD BENCH PHASE
    python3 - "$1" "$2" "$3" "$4" "$work/out" <<'PY'
import json, sys
r = json.load(open(sys.argv[5]))
c = [p for p in r["phases"] if p["phase"].startswith(sys.argv[4])][0]
print(sys.argv[1], sys.argv[2], sys.argv[3], int(c["msgs_per_sec"]), c["latency_ms"]["p50"], c["latency_ms"]["p99"])
PY
}

for round in $(seq "$rounds"); do
    for build in old new; do
        bin=$old
        [ "$build" = new ] && bin=$new
        if [[ " $benches " == *" produce "* ]]; then
            start "$bin"
            "$new" bench produce --url "$url" --topic ab-produce --partitions 4 --size 1024 \
                --messages "$messages" --batch 100 --producers 4 -o json >"$work/out"
            report "$round" "$build" produce-b100x4 produce
            kill "$pid"; wait "$pid" 2>/dev/null || true
        fi
        if [[ " $benches " == *" single "* ]]; then
            for conns in 1 16; do
                start "$bin"
                "$new" bench produce --url "$url" --topic ab-single --partitions 1 --size 1024 \
                    --messages "$single_messages" --batch 1 --producers "$conns" -o json >"$work/out"
                report "$round" "$build" "single-c$conns" produce
                kill "$pid"; wait "$pid" 2>/dev/null || true
            done
        fi
        if [[ " $benches " == *" sdk "* ]]; then
            start "$bin"
            "$new" bench e2e --pattern sdk --url "$url" --topic ab-sdk --partitions 8 \
                --messages "$single_messages" --producers 4 --consumers 8 -o json >"$work/out"
            report "$round" "$build" sdk e2e
            kill "$pid"; wait "$pid" 2>/dev/null || true
        fi
        [[ " $benches " == *" consume "* ]] || continue
        for wire in $wires; do
            start "$bin"
            "$new" bench consume --url "$url" --topic "ab-$wire" --partitions 4 \
                --messages "$messages" --batch 500 --consumers 4 --wire "$wire" -o json >"$work/out"
            report "$round" "$build" "consume-$wire" consume+ack
            kill "$pid"; wait "$pid" 2>/dev/null || true
        done
    done
done
