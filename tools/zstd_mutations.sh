#!/bin/sh
# Random mutations of the committed zstd fixtures under AddressSanitizer (docs/fuzzing.md, "Not fuzzed"):
# the decoder's sources compiled alone with `swiftc -Onone -sanitize=address`; each input gets 1-4 byte
# changes, flips, cuts, inserts or deletes, and must be refused or decode within a 400 kB cap, as must
# `decompressPrefix`. A trap or an AddressSanitizer report ends the run non-zero. Run it under `nice -n 10`.
#   tools/zstd_mutations.sh [COUNT]      (default 60000: about 75 s on an idle core)
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
for f in Zstd ZstdBits ZstdFSE ZstdHuffman ZstdSequences XXHash64; do
  sed '/^import Diagnostics/d' "$ROOT/Sources/Recording/$f.swift" > "$DIR/$f.swift"
done
sed '/^public struct SettingsRangeCheck/,$d' "$ROOT/Sources/Diagnostics/InputError.swift" > "$DIR/InputError.swift"
cat > "$DIR/main.swift" <<'SWIFT'
import Foundation
let dir = CommandLine.arguments[1], total = Int(CommandLine.arguments[2])!
let names = try! FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".zst") }.sorted()
let frames = names.map { [UInt8](FileManager.default.contents(atPath: dir + "/" + $0)!) }.filter { !$0.isEmpty }
var x: UInt64 = 88_172_645_463_325_252
func rnd(_ n: Int) -> Int { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return Int(x % UInt64(max(n, 1))) }
var ok = 0, bad = 0
let t0 = Date(), cap = 400_000
for trial in 0..<total {
    var f = frames[trial % frames.count]
    for _ in 0..<(1 + rnd(4)) {
        switch rnd(5) {
        case 0: f[rnd(f.count)] = UInt8(truncatingIfNeeded: rnd(256))
        case 1: f[rnd(f.count)] ^= UInt8(1 << rnd(8))
        case 2: f = Array(f.prefix(max(1, rnd(f.count))))
        case 3: f.insert(UInt8(truncatingIfNeeded: rnd(256)), at: rnd(f.count))
        default: if f.count > 1 { f.remove(at: rnd(f.count)) }
        }
    }
    do {
        let out = try Zstd.decompress(f, maxOutput: cap)
        precondition(out.count <= cap)
        ok += 1
    } catch is InputError { bad += 1 }
    precondition(f.withUnsafeBytes { Zstd.decompressPrefix($0, maxOutput: cap) }.count <= cap)
    if (trial + 1) % 5000 == 0 || trial + 1 == total {
        print("\(trial + 1) mutations: \(ok) decoded, \(bad) refused, \(Int(Date().timeIntervalSince(t0))) s")
        fflush(stdout)
    }
}
SWIFT
swiftc -Onone -sanitize=address "$DIR"/*.swift -o "$DIR/zstd_mutations"
"$DIR/zstd_mutations" "$ROOT/tools/zstd_fixtures" "${1:-60000}"
