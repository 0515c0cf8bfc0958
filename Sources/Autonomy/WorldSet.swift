import Diagnostics
import Foundation
import World

/// Named sets of worlds for `collect` and `eval`.
///
/// - `train`: `count` training worlds (`WorldCatalog.trainingSpecs`);
/// - `held-out`: `count` held-out worlds (`WorldCatalog.heldOutSpecs`);
/// - otherwise a comma list of world files and generator specs, where `FAMILY:A-B` expands to
///   seeds A through B (`forest:0-9,hallway:3,Worlds/room.json`).
public enum WorldSet {
    /// The most worlds a named set hands out.
    public static let maxCount = 10_000

    /// A named set takes `count` worlds (1...`maxCount`, else an error naming `countSource`);
    /// a list ignores `count`.
    public static func specs(_ text: String, count: Int, source: String = "--worlds",
                             countSource: String = "--world-count") throws -> [String] {
        switch text {
        case "train", "training", "held-out", "heldout":
            guard (1...maxCount).contains(count) else { throw InputError(countSource, "must be in 1...\(maxCount), got \(count)") }
            return text.hasPrefix("train") ? WorldCatalog.trainingSpecs(count: count) : WorldCatalog.heldOutSpecs(count: count)
        default: break
        }
        var out: [String] = []
        for item in text.split(separator: ",").map(String.init) where !item.isEmpty {
            let parts = item.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            if parts.count >= 2, WorldGenerators.families[parts[0]] != nil, let dash = parts[1].firstIndex(of: "-") {
                guard let a = UInt64(parts[1][..<dash]), let b = UInt64(parts[1][parts[1].index(after: dash)...]), a <= b else {
                    throw InputError(source, at: item, "bad seed range (expected FAMILY:A-B with A <= B)")
                }
                // the limit has its own message: "A <= B" read as wrong for a range that is only long
                guard b - a < 100_000 else {
                    throw InputError(source, at: item, "seed range of \(b - a + 1) worlds (at most 100000)")
                }
                let rest = parts.count == 3 ? ":" + parts[2] : ""
                for s in a...b { out.append("\(parts[0]):\(s)\(rest)") }
            } else {
                out.append(item)
            }
        }
        if out.isEmpty { throw InputError(source, "no worlds in \"\(text)\"") }
        return out
    }

    /// Loads or generates every world; with `flag`, a bad spec's error names it first.
    public static func scenes(_ specs: [String], flag: String? = nil) throws -> [Scene] {
        try specs.map { spec in try flag.map { try SceneLoader.resolve(spec, flag: $0) } ?? SceneLoader.resolve(spec) }
    }
}
