#!/usr/bin/env bash
# Runs the SIGKILL crash test (tests/it/crash.rs: 3 kill/restart rounds per run) N times and
# prints how many runs passed. Usage: scripts/crash-loop.sh [runs, default 100]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
cargo test --release --test it --no-run >/dev/null 2>&1
pass=0
for i in $(seq "$runs"); do
    if cargo test --release --test it -q crash:: >/tmp/driftq-crash-loop.log 2>&1; then
        pass=$((pass + 1))
    else
        echo "run $i failed:" >&2
        tail -30 /tmp/driftq-crash-loop.log >&2
    fi
done
echo "crash loop: $pass of $runs runs passed ($((runs * 3)) SIGKILL rounds attempted)"
[ "$pass" -eq "$runs" ]
