# Shared by the measuring scripts: `source "$(dirname "$0")/lib.sh"`.

# Waits (up to 10 s) for the "driftq listening on URL" line in LOG; sets `url`.
wait_for_url() { # LOG
    for _ in $(seq 100); do
        url=$(sed -n 's/^driftq listening on \([^ ]*\).*/\1/p' "$1")
        [ -n "$url" ] && return 0
        sleep 0.1
    done
    echo "server did not start: $(cat "$1")" >&2
    exit 1
}

# Starts Redis on 127.0.0.1:PORT with a fresh AOF under DIR, `appendfsync always`, and waits
# (up to 10 s) for it to answer; sets `rpid`.
start_redis_always() { # PORT DIR
    rm -rf "$2" && mkdir -p "$2"
    redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly yes \
        --appendfsync always --dir "$2" --daemonize no >"$2.log" 2>&1 &
    rpid=$!
    for _ in $(seq 100); do
        redis-cli -p "$1" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "redis did not start: $(cat "$2.log")" >&2
    exit 1
}
