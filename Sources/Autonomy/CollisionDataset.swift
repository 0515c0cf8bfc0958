import Diagnostics
import Foundation

/// A compact collision-prediction training set: gray frames stored once, samples that index
/// their frame stacks, the H-step action sequences, collision-by-step labels and masks.
///
/// File format (`.swcd`, version 1, little-endian; docs/runtime.md "Dataset format"):
///
/// | bytes | content |
/// |---|---|
/// | 4 | magic `SWCD` |
/// | 4 | UInt32 version (1) |
/// | 4 | UInt32 metadata length M |
/// | M | metadata JSON (UTF-8): sizes (`samples`, `frames`, `frameStack`, `height`, `width`, `horizon`, `actionDim`) and provenance |
/// | F*H*W | UInt8 frames, row-major, row 0 at the top |
/// | N*S*4 | UInt32 frame indices of each sample's stack, oldest first |
/// | N*Hz*A*4 | Float32 actions (yaw rate, rad/s) `[N][Hz][A]` |
/// | N*Hz | UInt8 labels y[n][h] |
/// | N*Hz | UInt8 masks m[n][h] |
/// | N*4 | UInt32 episode index of each sample |
/// | N*4 | UInt32 step index within the episode |
/// | 8 | UInt64 FNV-1a hash of every preceding byte |
public struct CollisionDataset: Sendable, Equatable {
    public static let magic: [UInt8] = Array("SWCD".utf8)
    public static let version: UInt32 = 1

    public var frameStack: Int
    public var height: Int
    public var width: Int
    public var horizon: Int
    public var actionDim: Int
    /// `[frameCount][height][width]` gray bytes.
    public var frames: [UInt8]
    /// `[samples][frameStack]` indices into `frames`, oldest first.
    public var stacks: [UInt32]
    /// `[samples][horizon][actionDim]` actions.
    public var actions: [Float]
    /// `[samples][horizon]` 0/1 labels and masks.
    public var labels: [UInt8]
    public var masks: [UInt8]
    /// Per sample: episode index and step within it.
    public var episodes: [UInt32]
    public var steps: [UInt32]
    /// Provenance (domain, seeds, worlds, settings...): string values, kept in the metadata JSON.
    public var info: [String: String]

    public init(frameStack: Int, height: Int, width: Int, horizon: Int, actionDim: Int = 1, info: [String: String] = [:]) {
        self.frameStack = frameStack
        self.height = height
        self.width = width
        self.horizon = horizon
        self.actionDim = actionDim
        frames = []
        stacks = []
        actions = []
        labels = []
        masks = []
        episodes = []
        steps = []
        self.info = info
    }

    public var sampleCount: Int { episodes.count }
    public var frameCount: Int { width * height == 0 ? 0 : frames.count / (width * height) }

    /// The frame stack of sample `i`: `[frameStack][height][width]` bytes, oldest first.
    public func stack(_ i: Int) -> [UInt8] {
        let n = width * height
        var out = [UInt8](repeating: 0, count: frameStack * n)
        for k in 0..<frameStack {
            let f = Int(stacks[i * frameStack + k])
            out.replaceSubrange(k * n ..< (k + 1) * n, with: frames[f * n ..< (f + 1) * n])
        }
        return out
    }

    /// Appends another dataset with the same shapes (frame and episode indices are offset).
    public mutating func append(_ other: CollisionDataset) {
        precondition(other.frameStack == frameStack && other.height == height && other.width == width
                     && other.horizon == horizon && other.actionDim == actionDim, "dataset shapes differ")
        let frameOffset = UInt32(frameCount)
        let episodeOffset = (episodes.max().map { $0 + 1 }) ?? 0
        frames += other.frames
        stacks += other.stacks.map { $0 + frameOffset }
        actions += other.actions
        labels += other.labels
        masks += other.masks
        episodes += other.episodes.map { $0 + episodeOffset }
        steps += other.steps
    }

    // MARK: encoding

    /// The file bytes.
    public func encoded() throws -> Data {
        var meta = info
        for (k, v) in ["samples": sampleCount, "frames": frameCount, "frameStack": frameStack, "height": height, "width": width,
                       "horizon": horizon, "actionDim": actionDim] { meta[k] = String(v) }
        meta["format"] = "swiftlet-collision-dataset"
        let json = try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys])
        var d = Data()
        d.reserveCapacity(64 + json.count + frames.count + stacks.count * 4 + actions.count * 4 + labels.count * 2 + episodes.count * 8)
        d.append(contentsOf: Self.magic)
        Self.put(&d, Self.version)
        Self.put(&d, UInt32(json.count))
        d.append(json)
        d.append(contentsOf: frames)
        for v in stacks { Self.put(&d, v) }
        for v in actions { Self.put(&d, v.bitPattern) }
        d.append(contentsOf: labels)
        d.append(contentsOf: masks)
        for v in episodes { Self.put(&d, v) }
        for v in steps { Self.put(&d, v) }
        let hash = FNV1a.hash(d)
        Self.put(&d, hash)
        return d
    }

    /// Writes the file atomically (temporary file, fsync, rename).
    public func write(to path: String) throws {
        try AtomicFile.write(try encoded(), to: path)
    }

    /// Reads and validates a file; every problem is an `InputError` naming the file and field.
    public static func read(path: String) throws -> CollisionDataset {
        let data = try InputFile.read(path, as: "a .swcd collision dataset")
        return try decode(data, source: path)
    }

    /// Decodes and validates file bytes.
    public static func decode(_ data: Data, source: String) throws -> CollisionDataset {
        let bytes = [UInt8](data)
        guard bytes.count >= 20, Array(bytes[0..<4]) == magic else {
            throw InputError(source, at: "header", "not a Swiftlet collision dataset (magic SWCD missing)")
        }
        var r = Reader(bytes: bytes, source: source, offset: 4)
        let version = try r.u32("version")
        guard version == Self.version else { throw InputError(source, at: "version", "unsupported version \(version) (expected \(Self.version))") }
        let storedHash = bytes.withUnsafeBytes { raw in
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(raw[bytes.count - 8 + $1]) << (8 * UInt64($1)) }
        }
        let actualHash = FNV1a.hash(bytes[0..<(bytes.count - 8)])
        guard storedHash == actualHash else {
            throw InputError(source, at: "checksum", "content hash mismatch (file truncated or corrupted)")
        }
        let metaLength = Int(try r.u32("metadata length"))
        let metaBytes = try r.take(metaLength, "metadata")
        guard let meta = (try? JSONSerialization.jsonObject(with: Data(metaBytes))) as? [String: String] else {
            throw InputError(source, at: "metadata", "metadata is not a JSON object of strings")
        }
        func size(_ key: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let s = meta[key], let v = Int(s), range.contains(v) else {
                throw InputError(source, at: "metadata.\(key)", "bad value \(meta[key] ?? "missing") (expected \(range.lowerBound)...\(range.upperBound))")
            }
            return v
        }
        let n = try size("samples", 0...100_000_000), f = try size("frames", 0...100_000_000)
        let stack = try size("frameStack", 1...64), h = try size("height", 1...4096), w = try size("width", 1...4096)
        let horizon = try size("horizon", 1...1024), a = try size("actionDim", 1...64)
        let expected = 12 + metaLength + f * h * w + n * stack * 4 + n * horizon * a * 4 + 2 * n * horizon + 8 * n + 8
        guard expected == bytes.count else {
            throw InputError(source, at: "size", "file has \(bytes.count) bytes, metadata implies \(expected)")
        }
        var ds = CollisionDataset(frameStack: stack, height: h, width: w, horizon: horizon, actionDim: a)
        ds.info = meta.filter { !["samples", "frames", "frameStack", "height", "width", "horizon", "actionDim", "format"].contains($0.key) }
        ds.frames = try r.take(f * h * w, "frames")
        ds.stacks = try (0..<(n * stack)).map { _ in try r.u32("stacks") }
        ds.actions = try (0..<(n * horizon * a)).map { _ in Float(bitPattern: try r.u32("actions")) }
        ds.labels = try r.take(n * horizon, "labels")
        ds.masks = try r.take(n * horizon, "masks")
        ds.episodes = try (0..<n).map { _ in try r.u32("episodes") }
        ds.steps = try (0..<n).map { _ in try r.u32("steps") }
        if let bad = ds.stacks.firstIndex(where: { Int($0) >= f }) {
            throw InputError(source, at: "stacks[\(bad)]", "frame index \(ds.stacks[bad]) out of range (\(f) frames)")
        }
        if let bad = ds.labels.firstIndex(where: { $0 > 1 }) { throw InputError(source, at: "labels[\(bad)]", "label \(ds.labels[bad]) is not 0 or 1") }
        if let bad = ds.masks.firstIndex(where: { $0 > 1 }) { throw InputError(source, at: "masks[\(bad)]", "mask \(ds.masks[bad]) is not 0 or 1") }
        if let bad = ds.actions.firstIndex(where: { !$0.isFinite }) { throw InputError(source, at: "actions[\(bad)]", "non-finite action") }
        return ds
    }

    struct Reader {
        let bytes: [UInt8]
        let source: String
        var offset: Int

        mutating func take(_ count: Int, _ what: String) throws -> [UInt8] {
            guard count >= 0, offset + count <= bytes.count - 8 else { throw InputError(source, at: what, "file ends early") }
            defer { offset += count }
            return Array(bytes[offset ..< offset + count])
        }

        mutating func u32(_ what: String) throws -> UInt32 {
            guard offset + 4 <= bytes.count else { throw InputError(source, at: what, "file ends early") }
            defer { offset += 4 }
            return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        }
    }

    static func put<T: FixedWidthInteger>(_ d: inout Data, _ v: T) {
        withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) }
    }
}
