#!/usr/bin/env bash
# Consume + ack, two server builds alternated in one sitting, every wire measured by one bench
# client (the newer binary's): `scripts/consume-ab.sh OLD_DRIFTQ NEW_DRIFTQ [ROUNDS] [MESSAGES]`.
# Loopback only; each run is bounded by its message count. Prints one line per run:
#   round build wire msgs_per_sec p50_ms p99_ms
set -euo pipefail
old=${1:?usage: consume-ab.sh OLD_DRIFTQ NEW_DRIFTQ [ROUNDS] [MESSAGES]}
new=${2:?usage: consume-ab.sh OLD_DRIFTQ NEW_DRIFTQ [ROUNDS] [MESSAGES]}
rounds=${3:-3}
messages=${4:-200000}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=

start() { # BINARY → sets pid and url
    rm -rf "$work/data"
    "$1" serve --addr 127.0.0.1:0 --data-dir "$work/data" 2>"$work/log" &
    pid=$!
    for _ in $(seq 100); do
        url=$(sed -n 's/^driftq listening on \([^ ]*\).*/\1/p' "$work/log")
        [ -n "$url" ] && return 0
        sleep 0.1
    done
    echo "server did not start" >&2
    exit 1
}

for round in $(seq "$rounds"); do
    for build in old new; do
        bin=$old
        [ "$build" = new ] && bin=$new
        for wire in json binary stream; do
            start "$bin"
            "$new" bench consume --url "$url" --topic "ab-$wire" --partitions 4 \
                --messages "$messages" --batch 500 --consumers 4 --wire "$wire" -o json >"$work/out"
            kill "$pid"
            wait "$pid" 2>/dev/null || true
            python3 - "$round" "$build" "$wire" "$work/out" <<'EOF'
import json, sys
r = json.load(open(sys.argv[4]))
c = [p for p in r["phases"] if p["phase"] == "consume+ack"][0]
print(sys.argv[1], sys.argv[2], sys.argv[3], int(c["msgs_per_sec"]), c["latency_ms"]["p50"], c["latency_ms"]["p99"])
EOF
        done
    done
done
