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
