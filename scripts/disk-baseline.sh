#!/usr/bin/env bash
# Measures this machine's own disk baseline for docs/PERFORMANCE.md: buffered sequential write
# bandwidth and 4 KiB write+fdatasync latency, with fio, in a temp dir on the filesystem that
# holds TMPDIR (the one the benchmarks write to).
set -euo pipefail
command -v fio >/dev/null || { echo "fio is needed: apt-get install -y fio" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/driftq-fio.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fio --name=seqwrite --directory="$dir" --rw=write --bs=256k --size=2G --ioengine=psync \
    --output-format=json >"$dir/seq.json"
rm -f "$dir"/seqwrite*
fio --name=fsynclat --directory="$dir" --rw=write --bs=4k --size=64M --ioengine=sync \
    --fdatasync=1 --output-format=json >"$dir/sync.json"
python3 - "$dir/seq.json" "$dir/sync.json" <<'PY'
import json, sys
seq = json.load(open(sys.argv[1]))["jobs"][0]["write"]
sync = json.load(open(sys.argv[2]))["jobs"][0]["sync"]["lat_ns"]
p = sync["percentile"]
print(f"buffered sequential write (256 KiB blocks, 2 GiB): {seq['bw_bytes'] / 1e6:.0f} MB/s")
print(f"4 KiB write + fdatasync: mean {sync['mean'] / 1e3:.0f} us, p50 {p['50.000000'] / 1e3:.0f} us, "
      f"p99 {p['99.000000'] / 1e3:.0f} us ({1e9 / sync['mean']:.0f} syncs/s)")
PY
