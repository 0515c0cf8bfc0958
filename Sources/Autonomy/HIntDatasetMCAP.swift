import Diagnostics
import Foundation
import Geometry
import Recording

/// An `HIntDataset` as an MCAP file (docs/hint.md, "MCAP datasets"), written with the Recording
/// module's `EpisodeRecorder` so it opens in Foxglove and the public `mcap` readers:
///
/// - `/swiftlet/metadata` (`swiftlet.EpisodeMetadata`, t = 0): `robot` = the platform name,
///   `world` = the collection's worlds, `seed`, `dt` 0.25 s, `command_names` ["yaw_rate"], and
///   `extra` = the dataset's metadata (as the `.swhi` header stores it: platform, speed,
///   maxYawRateDegrees, cameraHeight, height, width, records, episodes, ...);
/// - `/camera/image` (mono8): the record's gray frame, a CDR `sensor_msgs/msg/Image` (datasets
///   written before CDR images, or with `imageEncoding: .json`: `foxglove.RawImage` JSON; `read`
///   takes both);
/// - `/pose` (`foxglove.PoseInFrame`, at ground level) and `/swiftlet/command` (the action), so
///   Foxglove can draw and plot the paths;
/// - `/hint/sample` (`swiftlet.HIntSample`, JSON schema `sampleSchema`): per record its platform,
///   record / episode / step / world indices, world pose (x, y, yaw), state (forward speed m/s,
///   yaw rate rad/s), action (commanded yaw rate rad/s), the episode's collision step, and the
///   training targets of the sample at this step (`HIntLabels`: 8 future relative poses
///   [dx, dy, dyaw], collision labels and mask; empty on an episode's last record). The channel's
///   MCAP metadata records the platform: name, speed, yaw-rate limit, camera height.
///
/// Record i is logged at i x 0.25 s. Numbers are shortest round-trip text, so `read` gives back
/// the dataset bit for bit (tested against the `.swhi` round trip, every field).
public enum HIntDatasetMCAP {
    public static let sampleTopic = "/hint/sample"
    public static let camera = "camera"
    public static let sampleSchemaName = "swiftlet.HIntSample"
    /// JSON schema of a `/hint/sample` message.
    public static let sampleSchema = #"{"title":"swiftlet.HIntSample","description":"One record of an HInt dataset: pose, state and action at a 4 Hz control tick, with the sample's training targets","type":"object","properties":{"timestamp":{"type":"object","properties":{"sec":{"type":"integer","minimum":0},"nsec":{"type":"integer","minimum":0,"maximum":999999999}}},"platform":{"type":"string","enum":["jackal","rccar","quadrotor","handheld"]},"record":{"type":"integer","minimum":0},"episode":{"type":"integer","minimum":0},"step":{"type":"integer","minimum":0,"description":"record index within the episode (0..T)"},"world":{"type":"integer","minimum":0},"pose":{"type":"object","description":"world frame, m and rad","properties":{"x":{"type":"number"},"y":{"type":"number"},"yaw":{"type":"number"}},"required":["x","y","yaw"]},"state":{"type":"object","properties":{"speed":{"type":"number","description":"forward speed, m/s"},"yaw_rate":{"type":"number","description":"rad/s"}},"required":["speed","yaw_rate"]},"action":{"type":"number","description":"commanded yaw rate after this record, rad/s (hand-held: turn-rate target)"},"collision_step":{"type":["integer","null"],"description":"step of this episode that ended in a collision"},"future_poses":{"type":"array","items":{"type":"array","items":{"type":"number"},"minItems":3,"maxItems":3},"description":"p_{t+h} in the body frame of p_t, h = 1..8: dx, dy (m), dyaw (rad)"},"collision_labels":{"type":"array","items":{"type":"number"}},"label_mask":{"type":"array","items":{"type":"number"}}},"required":["platform","record","episode","step","world","pose","state","action"]}"#

    /// Writes `ds` to `path` (temporary file, then rename). The platform facts come from the
    /// dataset's metadata (`speed`, `maxYawRateDegrees`, `cameraHeight`).
    public static func write(_ ds: HIntDataset, to path: String, horizon: Int = 8,
                             imageEncoding: ImageMessageEncoding = .cdr) throws {
        var extra = ds.metadata
        extra["platform"] = ds.platform.rawValue
        extra["height"] = "\(ds.height)"; extra["width"] = "\(ds.width)"
        extra["records"] = "\(ds.records)"; extra["episodes"] = "\(ds.episodes.count)"
        let dt = 1 / HIntCollector.controlRate
        let meta = EpisodeMetadata(world: ds.metadata["worlds"] ?? "", seed: ds.metadata["seed"].flatMap { UInt64($0) } ?? 0,
                                   robot: ds.platform.rawValue, profile: "sim", dt: dt, commandNames: ["yaw_rate"], extra: extra)
        let tmp = path + ".tmp"
        // chunks by size only: a 4 Hz dataset would otherwise get a chunk every 4 records
        let rec = try EpisodeRecorder(path: tmp, metadata: meta, options: MCAPWriter.Options(chunkDuration: .max),
                                      imageEncoding: imageEncoding)
        var closed = false
        defer { if !closed { _ = try? rec.close(); try? FileManager.default.removeItem(atPath: tmp) } }
        let w = rec.writer
        let schema = try w.addSchema(name: sampleSchemaName, encoding: "jsonschema", data: Array(sampleSchema.utf8))
        let channel = try w.addChannel(topic: sampleTopic, messageEncoding: "json", schemaID: schema, metadata: platformFacts(ds))
        let pixels = ds.height * ds.width
        let name = ds.platform.rawValue
        // camera optical frame in the body frame (for /tf); the height is the dataset's when recorded
        let cameraHeight = ds.metadata["cameraHeight"].flatMap(Double.init)
        let pose_BC = cameraHeight.map { Pose(position: Vec3(0, 0, $0), orientation: EpisodeRecorder.opticalFromForward) }
        for (e, ep) in ds.episodes.enumerated() {
            let trace = ds.trace(e)
            for k in 0...ep.steps {
                let i = ep.start + k
                let ns = UInt64(i) * UInt64((dt * 1e9).rounded())
                try ds.frames.withUnsafeBytes { f in
                    try rec.image(time: Double(ns) / 1e9, camera: camera, width: ds.width, height: ds.height, encoding: .mono8,
                                  pixels: UnsafeRawBufferPointer(rebasing: f[(i * pixels)..<((i + 1) * pixels)]))
                }
                // for Foxglove's 3D and plot panels: the pose (ground level) and the applied command
                let p = ds.poses[i]
                let pose_WB = Pose(position: Vec3(p.x, p.y, 0), orientation: Quaternion(roll: 0, pitch: 0, yaw: p.z))
                try rec.pose(time: Double(ns) / 1e9, pose_WB)
                try rec.transforms(time: Double(ns) / 1e9, pose_WB: pose_WB, pose_BC: pose_BC)
                try rec.command(time: Double(ns) / 1e9, step: k, values: [Double(ds.actions[i])])
                let targets = k < ep.steps ? HIntLabels.compute(trace: trace, collisionStep: ep.collisionStep, t: k, horizon: horizon) : nil
                try w.write(channel: channel, logTime: ns) { b in
                    b.text("{\"timestamp\":"); b.jsonTime(ns)
                    b.text(",\"platform\":"); b.jsonString(name)
                    b.text(",\"record\":"); b.jsonInt(Int64(i))
                    b.text(",\"episode\":"); b.jsonInt(Int64(e))
                    b.text(",\"step\":"); b.jsonInt(Int64(k))
                    b.text(",\"world\":"); b.jsonInt(Int64(ep.world))
                    b.text(",\"pose\":{\"x\":"); b.jsonNumber(p.x)
                    b.text(",\"y\":"); b.jsonNumber(p.y)
                    b.text(",\"yaw\":"); b.jsonNumber(p.z)
                    b.text("},\"state\":{\"speed\":"); b.jsonNumber(ds.states[2 * i])
                    b.text(",\"yaw_rate\":"); b.jsonNumber(ds.states[2 * i + 1])
                    b.text("},\"action\":"); b.jsonNumber(ds.actions[i])
                    b.text(",\"collision_step\":")
                    if let c = ep.collisionStep { b.jsonInt(Int64(c)) } else { b.text("null") }
                    b.text(",\"future_poses\":[")
                    if let t = targets {
                        for (h, q) in t.poses.enumerated() {
                            if h > 0 { b.text(",") }
                            b.text("["); b.jsonNumber(q.x); b.text(","); b.jsonNumber(q.y); b.text(","); b.jsonNumber(q.z); b.text("]")
                        }
                    }
                    b.text("],\"collision_labels\":"); b.jsonArray((targets?.labels ?? []).map(Double.init))
                    b.text(",\"label_mask\":"); b.jsonArray((targets?.mask ?? []).map(Double.init))
                    b.text("}")
                }
            }
        }
        _ = try rec.close()
        closed = true
        guard rename(tmp, path) == 0 else { throw InputError(path, "cannot rename \(tmp) into place (errno \(errno))") }
    }

    /// The platform facts on the `/hint/sample` channel: name, robot file, speed (m/s),
    /// commanded yaw-rate range (deg/s), camera height (m).
    static func platformFacts(_ ds: HIntDataset) -> [String: String] {
        var m = ["platform": ds.platform.rawValue, "robot": ds.platform.robotFile ?? "none (hand-held camera)"]
        if let v = ds.metadata["speed"] { m["speed_mps"] = v }
        if let v = ds.metadata["maxYawRateDegrees"] { m["max_yaw_rate_deg_s"] = v }
        if let v = ds.metadata["cameraHeight"] { m["camera_height_m"] = v }
        return m
    }

    /// Reads a dataset written by `write` (CRCs checked); errors name the file, the message and
    /// the field.
    public static func read(path: String) throws -> HIntDataset {
        let reader = try MCAPReader(path: path, validateCRCs: true)
        let log = try EpisodeLog.load(reader, includeImages: true, validateCRCs: true)
        guard let meta = log.metadata else { throw InputError(path, at: EpisodeTopics.metadata, "missing") }
        let extra = meta.extra
        guard let platform = HIntPlatform(rawValue: meta.robot), extra["platform"] == meta.robot else {
            throw InputError(path, at: "\(EpisodeTopics.metadata).robot", "'\(meta.robot)' is not a platform (extra.platform '\(extra["platform"] ?? "missing")')")
        }
        guard let h = extra["height"].flatMap(Int.init), let w = extra["width"].flatMap(Int.init),
              let n = extra["records"].flatMap(Int.init), let ne = extra["episodes"].flatMap(Int.init), h > 0, w > 0, n >= 0, ne >= 0 else {
            throw InputError(path, at: "\(EpisodeTopics.metadata).extra", "height/width/records/episodes missing or invalid")
        }
        let frameBytes = h.multipliedReportingOverflow(by: w)
        guard !frameBytes.overflow else {
            throw InputError(path, at: "\(EpisodeTopics.metadata).extra", "height \(h) x width \(w) is too large for an image")
        }
        let imageTopic = "/\(camera)/image"
        let images = log.images.filter { $0.topic == imageTopic }
        guard images.count == n else { throw InputError(path, at: imageTopic, "\(images.count) images, metadata says \(n) records") }
        let samples = try reader.messages(topics: [sampleTopic], validateCRCs: true)
        guard samples.count == n else { throw InputError(path, at: sampleTopic, "\(samples.count) samples, metadata says \(n) records") }
        var ds = HIntDataset(platform: platform, height: h, width: w)
        ds.metadata = extra
        // sized by the image bytes present, not by the metadata's claim
        ds.frames.reserveCapacity(images.reduce(0) { $0 + $1.data.count })
        var spans: [Int: (start: Int, last: Int, collision: Int?, world: Int)] = [:]
        for (i, (img, m)) in zip(images, samples).enumerated() {
            let at = "\(sampleTopic) message \(i)"
            guard img.width == w, img.height == h, img.encoding == .mono8, img.data.count == frameBytes.partialValue else {
                throw InputError(path, at: "\(imageTopic) message \(i)", "\(img.width)x\(img.height) \(img.encoding.rawValue), expected \(w)x\(h) mono8")
            }
            let j = try JSONValue.parse(m.data, source: path)
            func number(_ v: JSONValue?, _ field: String) throws -> String {
                guard case .number(let t)? = v else { throw InputError(path, at: "\(at).\(field)", "missing or not a number") }
                return t
            }
            func double(_ v: JSONValue?, _ field: String) throws -> Double {
                guard let d = Double(try number(v, field)) else { throw InputError(path, at: "\(at).\(field)", "not a number") }
                return d
            }
            func float(_ v: JSONValue?, _ field: String) throws -> Float {
                guard let f = Float(try number(v, field)) else { throw InputError(path, at: "\(at).\(field)", "not a number") }
                return f
            }
            func int(_ field: String) throws -> Int {
                guard let k = j[field]?.int else { throw InputError(path, at: "\(at).\(field)", "missing or not an integer") }
                return k
            }
            guard j["platform"]?.string == platform.rawValue else {
                throw InputError(path, at: "\(at).platform", "'\(j["platform"]?.string ?? "missing")', the file is \(platform.rawValue)'s")
            }
            let record = try int("record"), e = try int("episode"), k = try int("step"), world = try int("world")
            guard record == i else { throw InputError(path, at: "\(at).record", "\(record), expected \(i)") }
            let collision: Int? = j["collision_step"]?.int
            if var ep = spans[e] {
                guard k == i - ep.start, ep.last == i - 1 else { throw InputError(path, at: "\(at).step", "\(k): records of episode \(e) are not contiguous") }
                ep.last = i
                spans[e] = ep
            } else {
                guard k == 0, e == spans.count else { throw InputError(path, at: "\(at).episode", "episode \(e) starts at step \(k)") }
                spans[e] = (i, i, collision, world)
            }
            ds.frames.append(contentsOf: img.data)
            let pose = j["pose"]
            ds.poses.append(SIMD3(try double(pose?["x"], "pose.x"), try double(pose?["y"], "pose.y"), try double(pose?["yaw"], "pose.yaw")))
            let state = j["state"]
            ds.states.append(try float(state?["speed"], "state.speed"))
            ds.states.append(try float(state?["yaw_rate"], "state.yaw_rate"))
            ds.actions.append(try float(j["action"], "action"))
        }
        guard spans.count == ne else { throw InputError(path, at: sampleTopic, "\(spans.count) episodes, metadata says \(ne)") }
        for e in 0..<ne {
            let ep = spans[e]!
            guard ep.last > ep.start, ep.collision.map({ $0 >= 0 && $0 < ep.last - ep.start }) ?? true else {
                throw InputError(path, at: "\(sampleTopic) episode \(e)", "\(ep.last - ep.start) steps, collision step \(ep.collision.map(String.init) ?? "none")")
            }
            ds.episodes.append(HIntEpisode(start: ep.start, steps: ep.last - ep.start, collisionStep: ep.collision, world: ep.world))
        }
        return ds
    }
}
