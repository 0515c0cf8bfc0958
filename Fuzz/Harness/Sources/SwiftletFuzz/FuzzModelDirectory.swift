import Foundation

/// The scratch directory of a model-directory target (`ldm`, `hintmodels`, `ocsfly`): loaders
/// that read several files of one directory. It holds one complete, valid set of files as the
/// product's writers save them (a baseline; a target may have several, e.g. tiny networks and
/// the bundled models); an input replaces some of them (`FuzzContainer`, or the old single-file
/// format) and every file it does not name stays valid.
final class FuzzModelDirectory {
    /// A complete directory: every file of `names`, valid, in the same order.
    struct Baseline {
        let name: String
        let files: [[UInt8]]
    }

    /// What one input did: the baseline it starts from, and the files (indices into `names`) it replaced.
    struct Input {
        let baseline: Int
        let replaced: Set<Int>
    }

    /// The directory's file names, in selector order.
    let names: [String]
    /// How many of them (the first) the single-file format's selector byte picks from.
    let selectable: Int
    let baselines: [Baseline]
    let folder: String
    /// Which baseline each file on disk holds now (nil: replaced by an input).
    var onDisk: [Int?]

    /// A directory of `names`, with the baselines `build` returns (the first is the default; a
    /// writer that fails stops the fuzzer: the seeds are part of the harness).
    init(_ target: String, names: [String], selectable: Int? = nil, build: () throws -> [(String, [[UInt8]])]) {
        self.names = names
        self.selectable = selectable ?? names.count
        do {
            baselines = try build().map { Baseline(name: $0.0, files: $0.1) }
        } catch {
            fatalError("fuzz: cannot write the \(target) seed models: \(error)")
        }
        precondition(baselines.allSatisfy { $0.files.count == names.count }, "every baseline holds every file")
        folder = FuzzScratch.path(target)
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        onDisk = Array(repeating: nil, count: names.count)
    }

    func write(_ k: Int, _ bytes: some Collection<UInt8>) {
        guard FileManager.default.createFile(atPath: folder + "/" + names[k], contents: Data(bytes)) else {
            fatalError("cannot write \(folder)/\(names[k])")
        }
    }

    /// Lays out the input's baseline with its files replaced, runs `body`, and leaves the
    /// baseline on disk for the next input.
    func run(_ bytes: [UInt8], _ body: (String, Input) -> Void) {
        var baseline = 0
        var replaced: [Int: ArraySlice<UInt8>] = [:]
        if let container = FuzzContainer.parse(bytes) {
            if let set = container.set { baseline = baselines.firstIndex { $0.name == set } ?? 0 }
            for f in container.files {
                if let k = names.firstIndex(of: f.name) { replaced[k] = f.bytes }
            }
        } else {
            guard let selector = bytes.first else { return }
            replaced[Int(selector) % selectable] = bytes.dropFirst()
        }
        for k in names.indices {
            if let b = replaced[k] {
                write(k, b)
                onDisk[k] = nil
            } else if onDisk[k] != baseline {
                write(k, baselines[baseline].files[k])
                onDisk[k] = baseline
            }
        }
        body(folder, Input(baseline: baseline, replaced: Set(replaced.keys)))
    }

    /// Seeds: in the single-file format each selectable file of the default baseline behind its
    /// selector byte (as in session 11); as containers each baseline whole (when its files total
    /// at most `maxSeed` bytes), and each other baseline named alone (its files as they are) and
    /// with each one file of at most `maxSeed` bytes.
    var seeds: [(String, [UInt8])] {
        var out = (0..<selectable).map { k in ("\(k)-\(names[k])", [UInt8(k)] + baselines[0].files[k]) }
        for (i, b) in baselines.enumerated() {
            let set = i == 0 ? nil : b.name
            if b.files.map(\.count).reduce(0, +) <= Self.maxSeed {
                out.append(("all-\(b.name)", FuzzContainer.encode(set: set, files: names.indices.map { (names[$0], b.files[$0]) })))
            }
            guard let set else { continue }
            out.append(("set-\(set)", FuzzContainer.encode(set: set, files: [])))
            for k in names.indices where b.files[k].count <= Self.maxSeed {
                out.append(("set-\(set)-\(names[k])", FuzzContainer.encode(set: set, files: [(names[k], b.files[k])])))
            }
        }
        // the container seeds must read back as written (the format's round trip, checked on every seed run)
        for (name, bytes) in out where name.hasPrefix("all-") || name.hasPrefix("set-") {
            guard let back = FuzzContainer.parse(bytes) else { fatalError("fuzz: seed \(name) is not a container") }
            let files = back.files.map { ($0.name, Array($0.bytes)) }
            let i = baselines.firstIndex { $0.name == (back.set ?? baselines[0].name) } ?? -1
            guard i >= 0, files.allSatisfy({ f in names.firstIndex(of: f.0).map { baselines[i].files[$0] == f.1 } ?? false }) else {
                fatalError("fuzz: seed \(name) does not read back as written")
            }
        }
        return out
    }

    /// Largest seed input (bytes): bigger ones slow every mutation down.
    static let maxSeed = 256 << 10

    /// `load()`, or nil when it throws; with FUZZ_EXPLAIN set the error is printed (to see why a
    /// replayed input is refused, e.g. that the seeds load).
    static func attempt<T>(_ load: () throws -> T) -> T? {
        do {
            return try load()
        } catch {
            if explain { FileHandle.standardError.write(Data("refused: \(error)\n".utf8)) }
            return nil
        }
    }

    static let explain = ProcessInfo.processInfo.environment["FUZZ_EXPLAIN"] != nil

    /// The files `names` of a directory the product's writer filled.
    static func read(_ dir: String, _ names: [String]) throws -> [[UInt8]] {
        try names.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0))) }
    }
}
