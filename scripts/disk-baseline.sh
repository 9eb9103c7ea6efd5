#!/usr/bin/env bash
# Measures this machine's own disk baseline for docs/PERFORMANCE.md: buffered sequential write
# bandwidth, 4 KiB write+fdatasync latency, and the bandwidth of synced 100 / 400 KiB writes (the
# ceiling of `--fsync always` throughput), and 1 KiB write+fdatasync three ways — appending (the
# file grows), inside space reserved with its size (what a segment's reservation does), inside
# space reserved keeping the size — with fio, in a temp dir on the filesystem that holds TMPDIR
# (the one the benchmarks write to).
set -euo pipefail
command -v fio >/dev/null || { echo "fio is needed: apt-get install -y fio" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/driftq-fio.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fio --name=seqwrite --directory="$dir" --rw=write --bs=256k --size=2G --ioengine=psync \
    --output-format=json >"$dir/seq.json"
rm -f "$dir"/seqwrite*
fio --name=fsynclat --directory="$dir" --rw=write --bs=4k --size=64M --ioengine=sync \
    --fdatasync=1 --output-format=json >"$dir/sync.json"
# The ceiling of `--fsync always`: sequential writes each followed by fdatasync, at the sizes a
# group commit of 100-message requests writes (one file), and 4 files at once (4 partitions).
for bs in 100k 400k; do
    fio --name="synced$bs" --directory="$dir" --rw=write --bs="$bs" --size=256M --ioengine=sync \
        --fdatasync=1 --output-format=json >"$dir/synced$bs.json"
    rm -f "$dir"/synced"$bs".*.*
done
fio --name=synced4 --directory="$dir" --rw=write --bs=100k --size=64M --numjobs=4 \
    --ioengine=sync --fdatasync=1 --group_reporting --output-format=json >"$dir/synced4.json"
# A single-message produce under `always`: one small write and one fdatasync. fio's
# `fallocate` option picks how the file's space is set aside before the writes.
for fa in none posix keep; do
    fio --name="small$fa" --directory="$dir" --rw=write --bs=1k --size=8M --ioengine=sync \
        --fdatasync=1 --fallocate="$fa" --output-format=json >"$dir/small$fa.json"
    rm -f "$dir"/small"$fa".*.*
done
python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
def job(name):
    return json.load(open(f"{d}/{name}.json"))["jobs"][0]
seq = job("seq")["write"]
sync = job("sync")["sync"]["lat_ns"]
p = sync["percentile"]
print(f"buffered sequential write (256 KiB blocks, 2 GiB): {seq['bw_bytes'] / 1e6:.0f} MB/s")
print(f"4 KiB write + fdatasync: mean {sync['mean'] / 1e3:.0f} us, p50 {p['50.000000'] / 1e3:.0f} us, "
      f"p99 {p['99.000000'] / 1e3:.0f} us ({1e9 / sync['mean']:.0f} syncs/s)")
for name, what in [("smallnone", "appending (the file grows)"),
                   ("smallposix", "inside space reserved with the file's size"),
                   ("smallkeep", "inside space reserved keeping the size")]:
    j = job(name)
    p = j["sync"]["lat_ns"]["percentile"]
    print(f"1 KiB write + fdatasync, {what}: p50 {p['50.000000'] / 1e3:.0f} us, "
          f"{j['write']['iops']:.0f} writes/s")
for name, what in [("synced100k", "100 KiB writes, fdatasync after each, one file"),
                   ("synced400k", "400 KiB writes, fdatasync after each, one file"),
                   ("synced4", "100 KiB writes, fdatasync after each, 4 files at once")]:
    w = job(name)["write"]
    print(f"{what}: {w['bw_bytes'] / 1e6:.0f} MB/s ({w['iops']:.0f} writes/s, "
          f"mean {1e6 / w['iops'] if name != 'synced4' else 4e6 / w['iops']:.0f} us each)")
PY
