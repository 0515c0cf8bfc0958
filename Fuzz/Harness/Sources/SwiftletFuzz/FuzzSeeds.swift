import Foundation
import Geometry
@testable import Autonomy
import Neural
import Recording

/// Seed corpora made by the same writers the product uses (`swiftlet log sample`, checkpoint
/// saving, `collect` and HInt shards, config defaults, LZ4 frames, saved policies; the zstd fixtures python wrote), kept small so libFuzzer mutates quickly. Robot and world
/// seeds are the checked-in `Robots/*.urdf` and `Worlds/*.json`, copied by `make fuzz`.
enum FuzzSeeds {
    static func write(into dir: String) throws {
        func put(_ target: FuzzTarget, _ name: String, _ bytes: [UInt8]) throws {
            let folder = dir + "/" + target.rawValue
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        for (name, log) in try mcapLogs() {
            // complete files and copies cut at two thirds (what `log recover` meets after a crash)
            for (suffix, bytes) in [("", log), ("-cut", Array(log.prefix(log.count * 2 / 3)))] {
                try put(.mcap, name + suffix + ".mcap", bytes)
                try put(.episode, name + suffix + ".mcap", bytes)
                try put(.recover, name + suffix + ".mcap", bytes)
            }
        }
        try put(.checkpoint, "small.safetensors", [UInt8](try checkpoint()))
        // shards without their trailing 8-byte hash: the harness appends it
        try put(.swcd, "small.swcd", [UInt8](try collisionShard().dropLast(8)))
        try put(.swhi, "small.swhi", [UInt8](try hintShard().dropLast(8)))
        for (name, data) in try FuzzConfigs.seeds() { try put(.config, name, [UInt8](data)) }
        for (name, bytes) in FuzzLZ4.seeds() { try put(.lz4, name, bytes) }
        for (name, bytes) in FuzzZstd.seeds() { try put(.zstd, name, bytes) }
        // a log with zstd chunks written by the public python mcap Writer, whole and cut
        if let log = try? Data(contentsOf: URL(fileURLWithPath: "tools/zstd_fixtures/py-writer-zstd.mcap")) {
            for (suffix, bytes) in [("", [UInt8](log)), ("-cut", [UInt8](log.prefix(log.count * 2 / 3)))] {
                for target in [FuzzTarget.mcap, .recover] { try put(target, "py-writer-zstd" + suffix + ".mcap", bytes) }
            }
        }
        for (name, bytes) in try FuzzPolicies.seeds() { try put(.policy, name, bytes) }
        for (target, directory) in [(FuzzTarget.ldm, FuzzModels.ldm), (.hintmodels, FuzzModels.hint), (.ocsfly, FuzzModels.ocs)] {
            for (name, bytes) in directory.seeds { try put(target, name, bytes) }
        }
    }

    /// Episode logs: the `log sample` episode (short) and a tiny-image one with every message
    /// kind in many small chunks, each uncompressed and LZ4.
    static func mcapLogs() throws -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        for compression in [MCAPCompression.none, .lz4] {
            let tag = compression == .lz4 ? "lz4" : "plain"
            out.append(("sample-\(tag)", try SampleEpisode.bytes(seconds: 0.03, full: false,
                                                                 options: MCAPWriter.Options(compression: compression))))
            let w = MCAPWriter(options: MCAPWriter.Options(chunkSize: 600, compression: compression))
            let rec = try EpisodeRecorder(writer: w, metadata: SampleEpisode.metadata)
            try rec.calibration(time: 0, width: 4, height: 3, fx: 2, fy: 2, cx: 1.5, cy: 1)
            try rec.obstacles(time: 0, [.sphere(center: Vec3(0, -3, 1.2), radius: 0.4),
                                        .box(center: Vec3(3, 1, 0.5), size: Vec3(1, 0.5, 1), orientation: .identity)])
            for step in 0..<4 {
                let t = Double(step) * 0.01
                try rec.tick(time: t, step: step, pose_WB: Pose(position: Vec3(t, 0, 1), orientation: .identity),
                             command: [1, 0.5, 0], motorSpeeds: [14000, 14000, 14000, 14000],
                             pose_BC: Pose(position: Vec3(0.02, 0, 0.01), orientation: EpisodeRecorder.opticalFromForward))
                try rec.image(time: t, width: 4, height: 3, encoding: .mono8, pixels: (0..<12).map { UInt8($0 + step) })
                try rec.depthImage(time: t, width: 4, height: 3, metres: (0..<12).map { Float($0) * 0.5 })
            }
            try rec.event(time: 0.04, step: 4, kind: .collision, detail: "box", position: Vec3(2.5, 1, 0.5))
            _ = try rec.close()
            out.append(("tiny-\(tag)", w.memory))
            // a minimal log (one-line schema, a few short messages, three chunks): fast to mutate
            let m = MCAPWriter(options: MCAPWriter.Options(chunkSize: 64, compression: compression))
            let schema = try m.addSchema(name: "s", encoding: "jsonschema", data: Array(#"{"type":"object"}"#.utf8))
            let channel = try m.addChannel(topic: "/t", messageEncoding: "json", schemaID: schema, metadata: ["k": "v"])
            for k in 0..<6 {
                try m.write(channel: channel, logTime: UInt64(k) * 1_000_000) { $0.raw(Array(#"{"v":\#(k),"pad":"aaaaaaaaaaaa"}"#.utf8)) }
            }
            _ = try m.close()
            out.append(("mini-\(tag)", m.memory))
            out.append(("swarm-\(tag)", try swarmLog(compression: compression)))
        }
        return out
    }

    /// A swarm log as `fly --swarm 3 --record` writes it (`SwarmRecorder`), in small chunks:
    /// three vehicles, two steps, a contact naming the other vehicle and a crash.
    static func swarmLog(compression: MCAPCompression) throws -> [UInt8] {
        let w = MCAPWriter(options: MCAPWriter.Options(chunkSize: 500, compression: compression))
        var meta = SampleEpisode.metadata
        meta.extra["vehicles"] = "3"
        meta.extra["swarm_settings"] = #"{"count":3,"layout":"ring","spacing":1}"#
        let rec = try SwarmRecorder(writer: w, metadata: meta, vehicles: 3)
        try rec.obstacles(time: 0, [.sphere(center: Vec3(0, -3, 1.2), radius: 0.4)])
        for i in 0..<3 { try rec.pose(vehicle: i, time: 0, Pose(position: Vec3(Double(i), 0, 1), orientation: .identity)) }
        for step in 0..<2 {
            let t = Double(step + 1) * 0.25
            for i in 0..<3 {
                try rec.command(vehicle: i, time: t - 0.25, step: step, values: [2, 0, 0, 0, 0, Double(i), 1, 1, 0.5])
                try rec.pose(vehicle: i, time: t, Pose(position: Vec3(Double(i) + t, 0, 1), orientation: .identity))
            }
        }
        try rec.event(vehicle: 0, time: 0.5, step: 2, kind: .collision, detail: "vehicle 1", position: Vec3(0.5, 0, 1), other: 1)
        try rec.event(vehicle: 2, time: 0.5, step: 2, kind: .collision, detail: "obstacle 0", position: Vec3(2.5, 0, 1))
        _ = try rec.close()
        return w.memory
    }

    static func checkpoint() throws -> Data {
        var p = Parameters()
        p["conv.weight"] = Tensor(shape: [2, 1, 2, 2], data: (0..<8).map { Float($0) * 0.25 })
        p["conv.bias"] = Tensor(shape: [2], data: [0.5, -0.5])
        p["head"] = Tensor(scalar: 1)
        return try Checkpoint.encode(p, metadata: CheckpointMetadata(architecture: "fuzz-seed", trainingConfig: ["lr": "0.001"]))
    }

    static func collisionShard() throws -> Data {
        var ds = CollisionDataset(frameStack: 2, height: 3, width: 4, horizon: 2, info: ["domain": "sim"])
        ds.frames = (0..<36).map { UInt8($0) }
        ds.stacks = [0, 1, 1, 2]
        ds.actions = [0.1, 0.2, -0.1, 0]
        ds.labels = [0, 0, 0, 1]
        ds.masks = [1, 1, 1, 1]
        ds.episodes = [0, 0]
        ds.steps = [0, 1]
        return try ds.encoded()
    }

    static func hintShard() throws -> Data {
        var ds = HIntDataset(platform: .jackal, height: 3, width: 4)
        ds.metadata = ["seed": "1"]
        let frame = [UInt8](repeating: 7, count: 12)
        for k in 0..<3 {
            frame.withUnsafeBufferPointer {
                ds.append(frame: $0, pose: SIMD3(Double(k), 0, 0.1), state: SIMD2(1, 0), action: 0.2)
            }
        }
        ds.episodes = [HIntEpisode(start: 0, steps: 2, collisionStep: 1, world: 0)]
        return try ds.encoded()
    }
}
