#!/bin/sh
# Decode speed of Swiftlet's Zstd.decompress next to LZ4.decompress on the same bytes (docs/recording.md,
# "Compression (zstd, read-only)"). FILE (e.g. an uncompressed MCAP log: `swiftlet log sample` with
# `--compression none`) is cut into 1 MiB pieces, compressed by python zstandard level 3 and lz4.frame
# (tools/.venv, `make check-mcap` makes it), and decoded by a scratch program that compiles the decoders'
# sources with `swiftc -O -wmo`; prints output MB/s, best of 7 passes, by wall time and by the thread's
# CPU time (less sensitive to other load on a shared host). Run it under `nice -n 10`.
# SOURCES=DIR takes the decoders from another checkout's root (an A/B against an older commit).
#   tools/zstd_bench.sh FILE
set -e
[ -n "$1" ] || { echo "usage: tools/zstd_bench.sh FILE" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=${SOURCES:-$ROOT}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
"$ROOT/tools/.venv/bin/python" - "$1" "$DIR" <<'PY'
import struct, sys, lz4.frame, zstandard
data = open(sys.argv[1], "rb").read()
pieces = [data[i:i + (1 << 20)] for i in range(0, len(data), 1 << 20)]
for name, pack in (("zstd", zstandard.ZstdCompressor(level=3).compress), ("lz4", lz4.frame.compress)):
    with open(f"{sys.argv[2]}/frames.{name}", "wb") as f:
        for p in pieces:
            c = pack(p)
            f.write(struct.pack("<II", len(c), len(p)) + c)
PY
for f in Zstd ZstdBits ZstdFSE ZstdHuffman ZstdSequences XXHash64 LZ4 LZ4Block LZ4Encoder XXHash32; do
  sed '/^import Diagnostics/d' "$SRC/Sources/Recording/$f.swift" > "$DIR/$f.swift"
done
sed '/^public struct SettingsRangeCheck/,$d' "$SRC/Sources/Diagnostics/InputError.swift" > "$DIR/InputError.swift"
cat > "$DIR/main.swift" <<'SWIFT'
import Foundation
func load(_ path: String) -> [(frame: [UInt8], size: Int)] {
    let d = [UInt8](FileManager.default.contents(atPath: path)!)
    func u32(_ p: Int) -> Int { Int(d[p]) | Int(d[p + 1]) << 8 | Int(d[p + 2]) << 16 | Int(d[p + 3]) << 24 }
    var out: [([UInt8], Int)] = [], p = 0
    while p < d.count { out.append((Array(d[(p + 8)..<(p + 8 + u32(p))]), u32(p + 4))); p += 8 + u32(p) }
    return out
}
/// This thread's CPU seconds (on a loaded host the wall rate counts other processes' time too).
func threadCPU() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
for name in ["lz4", "zstd"] {
    let frames = load(CommandLine.arguments[1] + "/frames." + name)
    let total = frames.reduce(0) { $0 + $1.size }, stored = frames.reduce(0) { $0 + $1.frame.count }
    var best = Double.infinity, bestCPU = Double.infinity
    for _ in 0..<7 {
        let t0 = DispatchTime.now().uptimeNanoseconds, c0 = threadCPU()
        for f in frames {
            let out = name == "zstd" ? try! Zstd.decompress(f.frame, maxOutput: f.size) : try! LZ4.decompress(f.frame, maxOutput: f.size)
            precondition(out.count == f.size)
        }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        bestCPU = min(bestCPU, threadCPU() - c0)
    }
    print(String(format: "%@: %d bytes from %d in %d frames, best of 7: %.0f MB/s wall, %.0f MB/s thread CPU", name, total,
                 stored, frames.count, Double(total) / best / 1e6, Double(total) / bestCPU / 1e6))
}
SWIFT
swiftc -O -wmo "$DIR"/*.swift -o "$DIR/zstd_bench"
"$DIR/zstd_bench" "$DIR"
