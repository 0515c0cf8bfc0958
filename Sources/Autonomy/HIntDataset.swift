import Diagnostics
import Foundation
import Geometry

/// One logged episode inside an `HIntDataset`.
public struct HIntEpisode: Sendable, Equatable {
    /// Index of the episode's first record (pose p_0).
    public var start: Int
    /// Control steps T (the episode has T + 1 records, p_0..p_T).
    public var steps: Int
    /// Step whose motion ended in a collision (then the robot stopped), or nil.
    public var collisionStep: Int?
    /// Index of the world in the collection's world list.
    public var world: Int

    public init(start: Int, steps: Int, collisionStep: Int?, world: Int) {
        self.start = start; self.steps = steps; self.collisionStep = collisionStep; self.world = world
    }
}

/// One platform's HInt log in compact training form: per record (one per control tick, 4 Hz)
/// a gray image, the world pose, the robot state and the commanded action.
///
/// - `frames`: `[records][height][width]` gray bytes (single frame, row 0 at the top);
/// - `poses`: `[records]` (x, y, yaw) in the world frame, metres and radians;
/// - `states`: `[records][2]` (forward speed m/s, yaw rate rad/s) measured at the record;
/// - `actions`: `[records]` commanded yaw rate rad/s applied after the record (0 for an
///   episode's last record; the hand-held camera stores its smoothed turn-rate target).
///
/// File (`.swhi`, version 1, little-endian): magic `SWHI`, UInt32 version, UInt32 metadata
/// length, metadata JSON (string values, incl. `platform`), frames, poses (3 x Float64), states
/// (2 x Float32), actions (Float32), episodes (4 x Int32: start, steps, collision step or -1,
/// world), UInt64 FNV-1a-64 of all preceding bytes.
public struct HIntDataset: Sendable {
    public var platform: HIntPlatform
    public var height: Int
    public var width: Int
    public var frames: [UInt8] = []
    public var poses: [SIMD3<Double>] = []
    public var states: [Float] = []
    public var actions: [Float] = []
    public var episodes: [HIntEpisode] = []
    /// Provenance (seed, worlds, speed, ...); `platform` is always written too.
    public var metadata: [String: String] = [:]

    public init(platform: HIntPlatform, height: Int, width: Int) {
        self.platform = platform; self.height = height; self.width = width
    }

    /// Records stored.
    public var records: Int { poses.count }
    /// Control steps (= training samples) over all episodes.
    public var sampleCount: Int { episodes.reduce(0) { $0 + $1.steps } }
    /// Episodes that ended in a collision.
    public var collisions: Int { episodes.filter { $0.collisionStep != nil }.count }

    /// Appends one record.
    public mutating func append(frame: UnsafeBufferPointer<UInt8>, pose: SIMD3<Double>, state: SIMD2<Float>, action: Float) {
        precondition(frame.count == height * width, "frame of \(frame.count) bytes, expected \(height * width)")
        frames.append(contentsOf: frame)
        poses.append(pose)
        states.append(state.x); states.append(state.y)
        actions.append(action)
    }

    /// The pose trace p_0..p_T of episode `e`.
    public func trace(_ e: Int) -> [SIMD3<Double>] {
        let ep = episodes[e]
        return Array(poses[ep.start...(ep.start + ep.steps)])
    }

    static let magic: [UInt8] = Array("SWHI".utf8)
    static let version: UInt32 = 1

    /// Writes the dataset atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(try encoded(), to: path)
    }

    /// The `.swhi` file bytes.
    public func encoded() throws -> Data {
        var d = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Self.magic)
        u32(Self.version)
        var meta = metadata
        meta["platform"] = platform.rawValue
        meta["height"] = "\(height)"; meta["width"] = "\(width)"
        meta["records"] = "\(records)"; meta["episodes"] = "\(episodes.count)"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(meta)
        u32(UInt32(json.count))
        d.append(json)
        d.append(contentsOf: frames)
        for p in poses { for v in [p.x, p.y, p.z] { withUnsafeBytes(of: v.bitPattern.littleEndian) { d.append(contentsOf: $0) } } }
        for v in states { u32(v.bitPattern) }
        for v in actions { u32(v.bitPattern) }
        for e in episodes {
            for v in [Int32(e.start), Int32(e.steps), Int32(e.collisionStep ?? -1), Int32(e.world)] { u32(UInt32(bitPattern: v)) }
        }
        let h = FNV1a.hash(d)
        withUnsafeBytes(of: h.littleEndian) { d.append(contentsOf: $0) }
        return d
    }

    /// Reads and validates a `.swhi` file; `InputError` naming the file and the field.
    public static func read(path: String) throws -> HIntDataset {
        let d = try InputFile.read(path, as: "a .swhi HInt dataset")
        return try decode(d, source: path)
    }

    /// Decodes and validates `.swhi` bytes; `source` names them in errors.
    public static func decode(_ d: Data, source path: String) throws -> HIntDataset {
        let b = [UInt8](d)
        guard b.count >= 20, Array(b[0..<4]) == magic else { throw InputError(path, at: "magic", "not an HInt dataset (.swhi)") }
        func u32(_ o: Int) -> UInt32 { UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24 }
        func u64(_ o: Int) -> UInt64 { UInt64(u32(o)) | UInt64(u32(o + 4)) << 32 }
        guard u32(4) == version else { throw InputError(path, at: "version", "\(u32(4)), expected \(version)") }
        let stored = u64(b.count - 8)
        guard FNV1a.hash(b[0..<(b.count - 8)]) == stored else { throw InputError(path, at: "hash", "checksum mismatch (truncated or corrupted)") }
        let m = Int(u32(8))
        guard 12 + m <= b.count,
              let meta = try? JSONDecoder().decode([String: String].self, from: Data(b[12..<(12 + m)])) else {
            throw InputError(path, at: "metadata", "unreadable JSON")
        }
        guard let platform = meta["platform"].flatMap(HIntPlatform.init(rawValue:)) else {
            throw InputError(path, at: "metadata.platform", "'\(meta["platform"] ?? "missing")' is not a platform")
        }
        guard let h = meta["height"].flatMap(Int.init), let w = meta["width"].flatMap(Int.init),
              let n = meta["records"].flatMap(Int.init), let ne = meta["episodes"].flatMap(Int.init), h > 0, w > 0, n >= 0, ne >= 0 else {
            throw InputError(path, at: "metadata", "height/width/records/episodes missing or invalid")
        }
        // the sizes must fit the bytes present before they are multiplied (no overflow, no huge arrays)
        let frameBytes = h.multipliedReportingOverflow(by: w)
        guard !frameBytes.overflow, frameBytes.partialValue <= b.count, n <= b.count / (frameBytes.partialValue + 36),
              ne <= b.count / 16 else {
            throw InputError(path, at: "metadata", "height \(h) x width \(w), \(n) records and \(ne) episodes need more than the file's \(b.count) bytes")
        }
        let expected = 12 + m + n * h * w + n * 24 + n * 8 + n * 4 + ne * 16 + 8
        guard b.count == expected else { throw InputError(path, at: "size", "\(b.count) bytes, metadata implies \(expected)") }
        var ds = HIntDataset(platform: platform, height: h, width: w)
        ds.metadata = meta
        var o = 12 + m
        ds.frames = Array(b[o..<(o + n * h * w)]); o += n * h * w
        ds.poses.reserveCapacity(n)
        for _ in 0..<n {
            ds.poses.append(SIMD3(Double(bitPattern: u64(o)), Double(bitPattern: u64(o + 8)), Double(bitPattern: u64(o + 16))))
            o += 24
        }
        ds.states = (0..<(2 * n)).map { Float(bitPattern: u32(o + 4 * $0)) }; o += 8 * n
        ds.actions = (0..<n).map { Float(bitPattern: u32(o + 4 * $0)) }; o += 4 * n
        for i in 0..<ne {
            let v = (0..<4).map { Int(Int32(bitPattern: u32(o + 16 * i + 4 * $0))) }
            guard v[0] >= 0, v[1] >= 1, v[0] + v[1] < n, v[2] >= -1, v[2] < v[1] else {
                throw InputError(path, at: "episodes[\(i)]", "start \(v[0]), steps \(v[1]), collision \(v[2]) outside \(n) records")
            }
            ds.episodes.append(HIntEpisode(start: v[0], steps: v[1], collisionStep: v[2] < 0 ? nil : v[2], world: v[3]))
        }
        return ds
    }

}
