import Diagnostics
import Foundation
import Geometry
import Recording
import Testing
@testable import Autonomy

@Suite struct HIntDatasetMCAPTests {
    static let robots = Fixtures.root + "/Robots"

    /// A small jackal dataset (24x16 images, episodes of 12 steps, a wall 2.5 m ahead).
    static func jackalDataset(steps: Int, seed: UInt64) throws -> HIntDataset {
        try HIntCollector.collect(platform: .jackal, settings: .defaults(.jackal), scenes: [Fixtures.wall(at: 2.5)],
                                  robotsDirectory: robots, steps: steps, episodeSteps: 12, seed: seed, imageWidth: 24, imageHeight: 16)
    }

    static func temp(_ ext: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hint-mcap-\(UInt32.random(in: 0...UInt32.max)).\(ext)").path
    }

    /// Every field of a `.swhi` round trip and of an MCAP round trip agree, sample for sample, for
    /// a robot (collision episodes against a wall) and the hand-held camera; the file records the
    /// platform (channel metadata shown by `log info`, the episode metadata, every sample) and
    /// carries the training targets `HIntLabels` computes.
    @Test(arguments: [HIntPlatform.jackal, .handheld])
    func mcapRoundTripEqualsTheSwhiRoundTrip(platform: HIntPlatform) throws {
        // the robot turns slowly toward a wall 0.8 m ahead: every episode ends in a collision
        let settings = platform == .jackal ? HIntPlatformSettings(speed: 0.5, maxYawRateDegrees: 20) : .defaults(platform)
        let ds = try HIntCollector.collect(platform: platform, settings: settings, scenes: [Fixtures.wall(at: 0.8)], robotsDirectory: Self.robots,
                                           steps: 40, episodeSteps: 16, seed: 11, imageWidth: 24, imageHeight: 16)
        #expect(ds.episodes.count >= 3 && (platform == .handheld || ds.collisions >= 1))
        let swhi = Self.temp("swhi"), mcap = Self.temp("mcap")
        defer { try? FileManager.default.removeItem(atPath: swhi); try? FileManager.default.removeItem(atPath: mcap) }
        try ds.write(to: swhi)
        try HIntDatasetMCAP.write(ds, to: mcap)
        let a = try HIntDataset.read(path: swhi), b = try HIntDatasetMCAP.read(path: mcap)
        #expect(b.platform == platform && b.height == a.height && b.width == a.width)
        #expect(b.frames == a.frames && b.frames == ds.frames)
        // bit for bit (poses are Float64, states and actions Float32)
        #expect(b.poses.map { [$0.x.bitPattern, $0.y.bitPattern, $0.z.bitPattern] } == ds.poses.map { [$0.x.bitPattern, $0.y.bitPattern, $0.z.bitPattern] })
        #expect(b.states.map(\.bitPattern) == ds.states.map(\.bitPattern) && b.actions.map(\.bitPattern) == ds.actions.map(\.bitPattern))
        #expect(b.episodes == ds.episodes && b.episodes == a.episodes)
        #expect(b.metadata == a.metadata)
        #expect(b.metadata["cameraHeight"].flatMap(Double.init).map { $0 > 0.05 && $0 < 1.5 } == true)

        // the platform is recorded where tools look: channel metadata (log info), episode metadata
        let info = try MCAPInfo.load(path: mcap)
        let sample = try #require(info.channels.first { $0.topic == HIntDatasetMCAP.sampleTopic })
        #expect(sample.metadata["platform"] == platform.rawValue && sample.metadata["speed_mps"] == "\(settings.speed)")
        #expect(sample.metadata["max_yaw_rate_deg_s"] == "\(settings.maxYawRateDegrees)" && sample.metadata["camera_height_m"] != nil)
        #expect(info.text.contains("platform=\(platform.rawValue)"))
        #expect(info.channels.contains { $0.topic == "/camera/image" && $0.schemaName == "sensor_msgs/msg/Image" && $0.messageCount == UInt64(ds.records) })
        let log = try EpisodeLog.load(path: mcap, includeImages: false)
        #expect(log.metadata?.robot == platform.rawValue && log.metadata?.extra["platform"] == platform.rawValue)
        // Foxglove's pose and command channels carry every record
        #expect(log.poses.count == ds.records && log.commands.count == ds.records)
        #expect(zip(log.poses, ds.poses).allSatisfy { abs($0.pose.position.x - $1.x) < 1e-12 && abs(wrapAngle($0.pose.orientation.yaw - $1.z)) < 1e-9 })
        #expect(zip(log.commands, ds.actions).allSatisfy { $0.values == [Double($1)] })
        // /tf: world -> body and body -> camera (at the recorded camera height) for every record
        #expect(info.channels.first { $0.topic == "/tf" }?.messageCount == UInt64(2 * ds.records))
        let height = try #require(ds.metadata["cameraHeight"].flatMap(Double.init))
        let tf = try MCAPReader(path: mcap).messages(topics: ["/tf"]).map { try JSONValue.parse($0.data) }
        let camera = tf.filter { $0["parent_frame_id"]?.string == EpisodeTopics.bodyFrame }
        #expect(camera.count == ds.records)
        #expect(camera.allSatisfy { $0["translation"]?["z"]?.double == height && $0["translation"]?["x"]?.double == 0 })
        let body = tf.filter { $0["parent_frame_id"]?.string == "world" }
        #expect(zip(body, ds.poses).allSatisfy { abs(($0["translation"]?["x"]?.double ?? .nan) - $1.x) < 1e-12 })

        // each sample's targets are HIntLabels' for its step (empty on an episode's last record)
        let reader = try MCAPReader(path: mcap)
        let msgs = try reader.messages(topics: [HIntDatasetMCAP.sampleTopic])
        for (e, ep) in ds.episodes.enumerated() {
            for k in [0, ep.steps - 1, ep.steps] {
                let j = try JSONValue.parse(msgs[ep.start + k].data)
                #expect(j["platform"]?.string == platform.rawValue && j["episode"]?.int == e && j["step"]?.int == k)
                let fp = try #require(j["future_poses"]?.array)
                let labels = try #require(j["collision_labels"]?.array).compactMap(\.double)
                if k == ep.steps {
                    #expect(fp.isEmpty && labels.isEmpty)
                    continue
                }
                let t = HIntLabels.compute(trace: ds.trace(e), collisionStep: ep.collisionStep, t: k, horizon: 8)
                let got = fp.map { $0.array!.compactMap(\.double) }
                #expect(got == t.poses.map { [$0.x, $0.y, $0.z] })
                #expect(labels == t.labels.map(Double.init))
                #expect(try #require(j["label_mask"]?.array).compactMap(\.double) == t.mask.map(Double.init))
            }
        }
    }

    /// A dataset written with JSON images (the format before CDR images, still on users' disks)
    /// and one with CDR images read back to the same samples, bit for bit; the CDR file is smaller.
    @Test func jsonAndCDRImageDatasetsReadTheSame() throws {
        let ds = try Self.jackalDataset(steps: 24, seed: 5)
        let cdr = Self.temp("mcap"), json = Self.temp("mcap")
        defer { try? FileManager.default.removeItem(atPath: cdr); try? FileManager.default.removeItem(atPath: json) }
        try HIntDatasetMCAP.write(ds, to: cdr)
        try HIntDatasetMCAP.write(ds, to: json, imageEncoding: .json)
        let a = try HIntDatasetMCAP.read(path: cdr), b = try HIntDatasetMCAP.read(path: json)
        #expect(a.frames == ds.frames && b.frames == ds.frames)
        #expect(a.poses.map { [$0.x.bitPattern, $0.y.bitPattern, $0.z.bitPattern] } == b.poses.map { [$0.x.bitPattern, $0.y.bitPattern, $0.z.bitPattern] })
        #expect(a.states.map(\.bitPattern) == b.states.map(\.bitPattern) && a.actions.map(\.bitPattern) == b.actions.map(\.bitPattern))
        #expect(a.episodes == b.episodes && a.metadata == b.metadata && a.episodes == ds.episodes)
        let schemas = try MCAPInfo.load(path: json).channels.filter { $0.topic == "/camera/image" }.map(\.schemaName)
        #expect(schemas == ["foxglove.RawImage"])
        let size = { (p: String) in (try FileManager.default.attributesOfItem(atPath: p)[.size] as? NSNumber)?.intValue ?? 0 }
        #expect(try size(cdr) < size(json))
    }

    /// A cut file is refused with an error that names the file, not read as a shorter dataset.
    @Test func cutFileIsRefused() throws {
        let ds = try Self.jackalDataset(steps: 20, seed: 3)
        let mcap = Self.temp("mcap"), cut = Self.temp("mcap")
        defer { try? FileManager.default.removeItem(atPath: mcap); try? FileManager.default.removeItem(atPath: cut) }
        try HIntDatasetMCAP.write(ds, to: mcap)
        let bytes = try #require(FileManager.default.contents(atPath: mcap))
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: cut))
        #expect(throws: InputError.self) { try HIntDatasetMCAP.read(path: cut) }
    }
}
