#!/usr/bin/env bash
# The cost of TLS + a token, measured in one sitting: `scripts/bench-tls.sh DRIFTQ [ROUNDS] [MESSAGES]`.
# Alternates three servers of the same binary — plain HTTP without auth (`plain`), plain HTTP
# with an auth file whose token the bench sends (`token`), and https (rustls, a CA and a
# 127.0.0.1 certificate made here with openssl) with that auth file (`tls`) — and runs `driftq bench produce` against each: batch 100 × 4 connections and single
# messages (batch 1) × 4 connections, 1 KiB, fsync always. Loopback only; every run is bounded
# by its message count. Prints one line per run:
#   round server bench msgs_per_sec p50_ms p99_ms server_cpu_us_per_msg
# The last column is the server process's own CPU time (user + system, from /proc) per message:
# what TLS costs the server, apart from the bench client's crypto on the same two cores.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin=${1:?usage: bench-tls.sh DRIFTQ [ROUNDS] [MESSAGES]}
rounds=${2:-3}
messages=${3:-200000}
single=$((messages / 10))
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=

# A CA and a certificate it signs for 127.0.0.1.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/ca.key" \
    -out "$work/ca.pem" -days 2 -subj "/CN=bench CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/leaf.key" \
    -out "$work/leaf.csr" -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$work/leaf.ext"
openssl x509 -req -in "$work/leaf.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
    -out "$work/leaf.pem" -days 2 -extfile "$work/leaf.ext" 2>/dev/null
token=$("$bin" auth gen-token -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
hash=$(printf %s "$token" | "$bin" auth hash-token -)
printf '[[principals]]\nname = "bench"\ntoken_sha256 = "%s"\npermissions = [{ action = "admin", topics = "*" }]\n' \
    "$hash" >"$work/auth.toml"

start() { # plain|token|tls → sets pid and url
    rm -rf "$work/data"
    local extra=()
    case $1 in
    token) extra=(--auth-file "$work/auth.toml") ;;
    tls) extra=(--tls-cert "$work/leaf.pem" --tls-key "$work/leaf.key" --auth-file "$work/auth.toml") ;;
    esac
    "$bin" serve --addr 127.0.0.1:0 --data-dir "$work/data" --fsync always "${extra[@]}" 2>"$work/log" &
    pid=$!
    wait_for_url "$work/log"
}

report() { # ROUND SERVER BENCH MESSAGES
    python3 - "$1" "$2" "$3" "$work/out" "$4" "$(cut -d' ' -f14,15 "/proc/$pid/stat")" "$(getconf CLK_TCK)" <<'PY'
import json, sys
r = json.load(open(sys.argv[4]))
c = [p for p in r["phases"] if p["phase"] == "produce"][0]
ticks = sum(int(t) for t in sys.argv[6].split())
cpu_us = ticks / int(sys.argv[7]) * 1e6 / int(sys.argv[5])
print(sys.argv[1], sys.argv[2], sys.argv[3], int(c["msgs_per_sec"]), c["latency_ms"]["p50"], c["latency_ms"]["p99"], round(cpu_us, 2))
PY
}

for round in $(seq "$rounds"); do
    for server in plain token tls; do
        client=()
        [ "$server" = token ] && client=(--token "$token")
        [ "$server" = tls ] && client=(--ca-cert "$work/ca.pem" --token "$token")
        for shape in "b100x4 100 $messages" "b1x4 1 $single"; do
            read -r name batch n <<<"$shape"
            start "$server"
            "$bin" bench produce --url "$url" "${client[@]}" --topic tls-bench --partitions 4 \
                --size 1024 --messages "$n" --batch "$batch" --producers 4 -o json >"$work/out"
            report "$round" "$server" "produce-$name" "$n"
            kill "$pid"; wait "$pid" 2>/dev/null || true
        done
    done
done
