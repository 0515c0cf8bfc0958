import Diagnostics
import Geometry

/// Records one episode to an MCAP log with Foxglove and Swiftlet JSON messages, and camera
/// frames as ROS 2 `sensor_msgs/msg/Image` CDR messages (or, with `imageEncoding: .json`,
/// `foxglove.RawImage` JSON).
///
/// The simulation loop calls it each tick with plain values; each call encodes JSON (or CDR) by
/// hand straight into the writer's chunk buffer (no `JSONEncoder`, no per-message allocation
/// apart from the text of each Double); full chunks go to disk with one `write()` from the
/// writer's queue. Times are simulated seconds since the episode start; they become nanosecond
/// log times.
///
/// ```swift
/// let rec = try EpisodeRecorder(path: "run.mcap", metadata: EpisodeMetadata(
///     world: "forest:seed=3", seed: 42, robot: "cf2x", profile: "sim", dt: 0.01,
///     commandNames: ["forward_speed", "yaw_rate"]))
/// try rec.obstacles(time: 0, obstacles)
/// for step in 0..<steps {
///     try rec.command(time: t, step: step, values: [v, r])
///     try rec.pose(time: t, pose_WB)
///     try rec.transforms(time: t, pose_WB: pose_WB, pose_BC: pose_BC)
///     if step % 25 == 0 { try rec.image(time: t, width: 96, height: 72, encoding: .mono8, pixels: gray) }
/// }
/// try rec.close()
/// ```
///
/// Owns a file: not thread-safe, one recorder per episode per thread.
public final class EpisodeRecorder {
    public let writer: MCAPWriter
    public let metadata: EpisodeMetadata
    /// Name of the camera frame used by `transforms` ("camera").
    public let cameraFrame: String
    /// How camera frames are written: CDR `sensor_msgs/msg/Image` (default) or JSON `foxglove.RawImage`.
    public let imageEncoding: ImageMessageEncoding
    private var schemaIDs: [String: UInt16] = [:]
    private var channelIDs: [String: UInt16] = [:]
    private let poseChannel: UInt16, tfChannel: UInt16, commandChannel: UInt16

    /// Opens `path` and writes the metadata message at time 0.
    public convenience init(path: String, metadata: EpisodeMetadata, cameraFrame: String = "camera",
                            options: MCAPWriter.Options = MCAPWriter.Options(),
                            imageEncoding: ImageMessageEncoding = .cdr) throws {
        try self.init(writer: try MCAPWriter(path: path, options: options), metadata: metadata, cameraFrame: cameraFrame,
                      imageEncoding: imageEncoding)
    }

    /// Records into `writer` (e.g. an in-memory writer for tests).
    public init(writer: MCAPWriter, metadata: EpisodeMetadata, cameraFrame: String = "camera",
                imageEncoding: ImageMessageEncoding = .cdr) throws {
        self.writer = writer
        self.metadata = metadata
        self.cameraFrame = cameraFrame
        self.imageEncoding = imageEncoding
        // fixed channels first, so their ids are stable: metadata 0, pose 1, tf 2, command 3
        let metaChannel = try EpisodeRecorder.channel(writer, &schemaIDs, &channelIDs, EpisodeTopics.metadata,
                                                      "swiftlet.EpisodeMetadata", SwiftletSchemas.episodeMetadata)
        poseChannel = try EpisodeRecorder.channel(writer, &schemaIDs, &channelIDs, EpisodeTopics.pose,
                                                  "foxglove.PoseInFrame", FoxgloveSchemas.poseInFrame)
        tfChannel = try EpisodeRecorder.channel(writer, &schemaIDs, &channelIDs, EpisodeTopics.tf,
                                                "foxglove.FrameTransform", FoxgloveSchemas.frameTransform)
        commandChannel = try EpisodeRecorder.channel(writer, &schemaIDs, &channelIDs, EpisodeTopics.command,
                                                     "swiftlet.Command", SwiftletSchemas.command)
        try writer.write(channel: metaChannel, logTime: 0) { b in EpisodeRecorder.encodeMetadata(&b, metadata) }
    }

    /// The `swiftlet.EpisodeMetadata` message of `metadata` (log time 0).
    static func encodeMetadata(_ b: inout ByteBuffer, _ metadata: EpisodeMetadata) {
        b.text("{\"timestamp\":"); b.jsonTime(0)
        b.text(",\"world\":"); b.jsonString(metadata.world)
        b.text(",\"seed\":"); b.jsonUInt(metadata.seed)
        b.text(",\"robot\":"); b.jsonString(metadata.robot)
        b.text(",\"profile\":"); b.jsonString(metadata.profile)
        b.text(",\"software_version\":"); b.jsonString(metadata.softwareVersion)
        b.text(",\"dt\":"); b.jsonNumber(metadata.dt)
        b.text(",\"command_names\":[")
        for (i, n) in metadata.commandNames.enumerated() {
            if i > 0 { b.text(",") }
            b.jsonString(n)
        }
        b.text("],\"extra\":{")
        for (i, k) in metadata.extra.keys.sorted().enumerated() {
            if i > 0 { b.text(",") }
            b.jsonString(k); b.text(":"); b.jsonString(metadata.extra[k]!)
        }
        b.text("}}")
    }

    /// The channel of `topic` (created with its schema on first use), shared by the recorders.
    static func channel(_ w: MCAPWriter, _ schemas: inout [String: UInt16], _ channels: inout [String: UInt16],
                                _ topic: String, _ schemaName: String, _ schemaText: String,
                                schemaEncoding: String = "jsonschema", messageEncoding: String = "json",
                                metadata: [String: String] = [:]) throws -> UInt16 {
        if let c = channels[topic] { return c }
        let s: UInt16
        if let id = schemas[schemaName] { s = id } else {
            s = try w.addSchema(name: schemaName, encoding: schemaEncoding, data: Array(schemaText.utf8))
            schemas[schemaName] = s
        }
        let c = try w.addChannel(topic: topic, messageEncoding: messageEncoding, schemaID: s, metadata: metadata)
        channels[topic] = c
        return c
    }

    private func channel(_ topic: String, _ schemaName: String, _ schemaText: String,
                         schemaEncoding: String = "jsonschema", messageEncoding: String = "json") throws -> UInt16 {
        if let c = channelIDs[topic] { return c }
        return try EpisodeRecorder.channel(writer, &schemaIDs, &channelIDs, topic, schemaName, schemaText,
                                           schemaEncoding: schemaEncoding, messageEncoding: messageEncoding)
    }

    /// Simulated seconds to log-time nanoseconds (negative times clamp to 0).
    @inlinable public static func nanoseconds(_ t: Double) -> UInt64 {
        t > 0 ? UInt64((t * 1e9).rounded()) : 0
    }

    /// The usual records of one control tick in one call: the command applied at `step`, the
    /// body pose, the world -> body (and, given `pose_BC`, body -> camera) transforms, and the
    /// motor speeds when given.
    public func tick(time: Double, step: Int, pose_WB: Pose, command: [Double], motorSpeeds: [Double]? = nil,
                     pose_BC: Pose? = nil) throws {
        try self.command(time: time, step: step, values: command)
        try pose(time: time, pose_WB)
        try transforms(time: time, pose_WB: pose_WB, pose_BC: pose_BC)
        if let motorSpeeds { try self.motorSpeeds(time: time, motorSpeeds) }
    }

    /// The body pose in the world frame (`/pose`, foxglove.PoseInFrame, frame_id "world").
    public func pose(time: Double, _ pose_WB: Pose) throws {
        let ns = EpisodeRecorder.nanoseconds(time)
        try writer.write(channel: poseChannel, logTime: ns) { b in EpisodeRecorder.encodePose(&b, ns: ns, pose_WB) }
    }

    /// A `foxglove.PoseInFrame` message in frame "world".
    static func encodePose(_ b: inout ByteBuffer, ns: UInt64, _ pose_WB: Pose) {
        b.text("{\"timestamp\":"); b.jsonTime(ns)
        b.text(",\"frame_id\":\"world\",\"pose\":"); b.jsonPose(pose_WB)
        b.text("}")
    }

    /// One transform `parent -> child` (`/tf`, foxglove.FrameTransform): `pose_PC` is the child
    /// frame's pose in the parent frame.
    public func transform(time: Double, parent: String, child: String, _ pose_PC: Pose) throws {
        let ns = EpisodeRecorder.nanoseconds(time)
        try writer.write(channel: tfChannel, logTime: ns) { b in
            EpisodeRecorder.encodeTransform(&b, ns: ns, parent: parent, child: child, pose_PC)
        }
    }

    /// A `foxglove.FrameTransform` message.
    static func encodeTransform(_ b: inout ByteBuffer, ns: UInt64, parent: String, child: String, _ pose_PC: Pose) {
        b.text("{\"timestamp\":"); b.jsonTime(ns)
        b.text(",\"parent_frame_id\":"); b.jsonString(parent)
        b.text(",\"child_frame_id\":"); b.jsonString(child)
        b.text(",\"translation\":"); b.jsonVec3(pose_PC.position)
        b.text(",\"rotation\":"); b.jsonQuaternion(pose_PC.orientation)
        b.text("}")
    }

    /// world -> body and body -> camera. `pose_BC` is the camera's optical frame in the body
    /// frame (Foxglove images: +x right, +y down, +z forward; see `opticalFromForward`).
    public func transforms(time: Double, pose_WB: Pose, pose_BC: Pose?) throws {
        try transform(time: time, parent: EpisodeTopics.worldFrame, child: EpisodeTopics.bodyFrame, pose_WB)
        if let pose_BC { try transform(time: time, parent: EpisodeTopics.bodyFrame, child: cameraFrame, pose_BC) }
    }

    /// Rotation from a camera frame with x forward, y left, z up to the optical frame (z forward,
    /// x right, y down): `pose_BC.orientation = q_B_cam * opticalFromForward`.
    public static let opticalFromForward = Quaternion(x: -0.5, y: 0.5, z: -0.5, w: 0.5)

    /// The command applied at control step `step` (`/swiftlet/command`); `values` in the order of
    /// `metadata.commandNames`. Round-trips bit-exactly.
    public func command(time: Double, step: Int, values: [Double]) throws {
        let ns = EpisodeRecorder.nanoseconds(time)
        try writer.write(channel: commandChannel, logTime: ns) { b in EpisodeRecorder.encodeCommand(&b, ns: ns, step: step, values) }
    }

    /// A `swiftlet.Command` message.
    static func encodeCommand(_ b: inout ByteBuffer, ns: UInt64, step: Int, _ values: [Double]) {
        b.text("{\"timestamp\":"); b.jsonTime(ns)
        b.text(",\"step\":"); b.jsonInt(Int64(step))
        b.text(",\"values\":"); b.jsonArray(values)
        b.text("}")
    }

    /// Rotor or wheel speeds (`/swiftlet/motors`), `unit` "rpm" or "rad/s".
    public func motorSpeeds(time: Double, _ speeds: [Double], unit: StaticString = "rpm") throws {
        let ns = EpisodeRecorder.nanoseconds(time)
        let c = try channel(EpisodeTopics.motors, "swiftlet.MotorSpeeds", SwiftletSchemas.motorSpeeds)
        try writer.write(channel: c, logTime: ns) { b in
            b.text("{\"timestamp\":"); b.jsonTime(ns)
            b.text(",\"speeds\":"); b.jsonArray(speeds)
            b.text(",\"unit\":\""); b.text(unit)
            b.text("\"}")
        }
    }

    /// An event (`/swiftlet/events`): collision, reset or warning, with a free-text `detail` and
    /// optionally where it happened (world frame).
    public func event(time: Double, step: Int, kind: EpisodeEventKind, detail: String = "", position: Vec3? = nil) throws {
        let ns = EpisodeRecorder.nanoseconds(time)
        let c = try channel(EpisodeTopics.events, "swiftlet.Event", SwiftletSchemas.event)
        try writer.write(channel: c, logTime: ns) { b in
            EpisodeRecorder.encodeEvent(&b, ns: ns, step: step, kind: kind, detail: detail, position: position)
        }
    }

    /// A `swiftlet.Event` message, open (without its closing brace) when `close` is false so a
    /// caller can append fields.
    static func encodeEvent(_ b: inout ByteBuffer, ns: UInt64, step: Int, kind: EpisodeEventKind, detail: String,
                            position: Vec3?, close: Bool = true) {
        b.text("{\"timestamp\":"); b.jsonTime(ns)
        b.text(",\"step\":"); b.jsonInt(Int64(step))
        b.text(",\"kind\":"); b.jsonString(kind.rawValue)
        b.text(",\"detail\":"); b.jsonString(detail)
        if let position { b.text(",\"position\":"); b.jsonVec3(position) }
        if close { b.text("}") }
    }

    /// One planning call (`/swiftlet/planner`).
    public func planner(time: Double, step: Int, _ d: PlannerDiagnostics) throws {
        let ns = EpisodeRecorder.nanoseconds(time)
        let c = try channel(EpisodeTopics.planner, "swiftlet.PlannerDiagnostics", SwiftletSchemas.plannerDiagnostics)
        try writer.write(channel: c, logTime: ns) { b in
            b.text("{\"timestamp\":"); b.jsonTime(ns)
            b.text(",\"step\":"); b.jsonInt(Int64(step))
            b.text(",\"planner\":"); b.jsonString(d.planner)
            b.text(",\"best_cost\":"); b.jsonNumber(d.bestCost)
            b.text(",\"collision_probability\":"); b.jsonNumber(d.collisionProbability)
            b.text(",\"candidates\":"); b.jsonInt(Int64(d.candidates))
            b.text(",\"iterations\":"); b.jsonInt(Int64(d.iterations))
            b.text(",\"values\":{")
            for (i, k) in d.values.keys.sorted().enumerated() {
                if i > 0 { b.text(",") }
                b.jsonString(k); b.text(":"); b.jsonNumber(d.values[k]!)
            }
            b.text("}}")
        }
    }

    /// A camera image (`/<camera>/image` for mono8/rgb8, `/<camera>/depth` for 32FC1), rows top
    /// to bottom, `pixels` exactly `width * height * encoding.bytesPerPixel` bytes, written
    /// straight from `pixels` into the chunk: as a CDR `sensor_msgs/msg/Image` (raw bytes) or,
    /// with `imageEncoding` `.json`, a `foxglove.RawImage` with base64 data.
    public func image(time: Double, camera: String = "camera", width: Int, height: Int, encoding: ImageEncoding,
                      pixels: UnsafeRawBufferPointer) throws {
        let step = width * encoding.bytesPerPixel
        precondition(pixels.count == step * height,
                     "image \(width)x\(height) \(encoding.rawValue) needs \(step * height) bytes, got \(pixels.count)")
        let topic = encoding == .depth32F ? EpisodeTopics.depth(camera) : EpisodeTopics.image(camera)
        let ns = EpisodeRecorder.nanoseconds(time)
        if imageEncoding == .cdr {
            guard ns <= ROS2Image.maxStamp, pixels.count <= Int(UInt32.max) else {
                throw InputError(writer.path, at: topic, "image at \(time) s with \(pixels.count) bytes does not fit a ROS 2 Image (int32 seconds, uint32 sizes)")
            }
            let c = try channel(topic, ROS2Image.schemaName, ROS2Image.schemaText, schemaEncoding: ROS2Image.schemaEncoding,
                                messageEncoding: ROS2Image.messageEncoding)
            try writer.write(channel: c, logTime: ns) { b in
                ROS2Image.encode(into: &b, ns: ns, frameID: camera, width: width, height: height, encoding: encoding,
                                 step: step, pixels: pixels)
            }
            return
        }
        let c = try channel(topic, "foxglove.RawImage", FoxgloveSchemas.rawImage)
        try writer.write(channel: c, logTime: ns) { b in
            b.text("{\"timestamp\":"); b.jsonTime(ns)
            b.text(",\"frame_id\":"); b.jsonString(camera)
            b.text(",\"width\":"); b.jsonInt(Int64(width))
            b.text(",\"height\":"); b.jsonInt(Int64(height))
            b.text(",\"encoding\":"); b.jsonString(encoding.rawValue)
            b.text(",\"step\":"); b.jsonInt(Int64(step))
            b.text(",\"data\":"); b.jsonBase64(pixels)
            b.text("}")
        }
    }

    /// A gray (mono8) or RGB (rgb8) image from a byte array.
    public func image(time: Double, camera: String = "camera", width: Int, height: Int, encoding: ImageEncoding,
                      pixels: [UInt8]) throws {
        try pixels.withUnsafeBytes {
            try image(time: time, camera: camera, width: width, height: height, encoding: encoding, pixels: $0)
        }
    }

    /// A depth image in metres (32FC1), row-major, top row first.
    public func depthImage(time: Double, camera: String = "camera", width: Int, height: Int, metres: [Float]) throws {
        try metres.withUnsafeBytes {
            try image(time: time, camera: camera, width: width, height: height, encoding: .depth32F, pixels: $0)
        }
    }

    /// Pinhole intrinsics (`/<camera>/calibration`, foxglove.CameraCalibration), no distortion;
    /// focal lengths and principal point in pixels.
    public func calibration(time: Double, camera: String = "camera", width: Int, height: Int,
                            fx: Double, fy: Double, cx: Double, cy: Double) throws {
        let c = try channel(EpisodeTopics.calibration(camera), "foxglove.CameraCalibration", FoxgloveSchemas.cameraCalibration)
        let ns = EpisodeRecorder.nanoseconds(time)
        try writer.write(channel: c, logTime: ns) { b in
            b.text("{\"timestamp\":"); b.jsonTime(ns)
            b.text(",\"frame_id\":"); b.jsonString(camera)
            b.text(",\"width\":"); b.jsonInt(Int64(width))
            b.text(",\"height\":"); b.jsonInt(Int64(height))
            b.text(",\"distortion_model\":\"plumb_bob\",\"D\":[0.0,0.0,0.0,0.0,0.0],\"K\":")
            b.jsonArray([fx, 0, cx, 0, fy, cy, 0, 0, 1])
            b.text(",\"R\":[1.0,0.0,0.0,0.0,1.0,0.0,0.0,0.0,1.0],\"P\":")
            b.jsonArray([fx, 0, cx, 0, 0, fy, cy, 0, 0, 0, 1, 0])
            b.text("}")
        }
    }

    /// The obstacles (`/scene`, foxglove.SceneUpdate, entity "obstacles"): call once.
    public func obstacles(time: Double, _ obstacles: [SceneObstacle],
                          color: (r: Double, g: Double, b: Double, a: Double) = EpisodeRecorder.obstacleColor) throws {
        let c = try channel(EpisodeTopics.scene, "foxglove.SceneUpdate", FoxgloveSchemas.sceneUpdate)
        let ns = EpisodeRecorder.nanoseconds(time)
        try writer.write(channel: c, logTime: ns) { b in EpisodeRecorder.encodeObstacles(&b, ns: ns, obstacles, color: color) }
    }

    /// The obstacles' default colour (grey).
    public static let obstacleColor = (r: 0.55, g: 0.6, b: 0.65, a: 1.0)

    /// The `foxglove.SceneUpdate` message of `obstacles` (entity "obstacles").
    static func encodeObstacles(_ b: inout ByteBuffer, ns: UInt64, _ obstacles: [SceneObstacle],
                                color: (r: Double, g: Double, b: Double, a: Double)) {
        func writeColor(_ b: inout ByteBuffer) {
            b.text("{\"r\":"); b.jsonNumber(color.r); b.text(",\"g\":"); b.jsonNumber(color.g)
            b.text(",\"b\":"); b.jsonNumber(color.b); b.text(",\"a\":"); b.jsonNumber(color.a); b.text("}")
        }
        EpisodeRecorder.entityStart(&b, ns: ns, id: "obstacles")
        for (kind, key) in [(0, "cubes"), (1, "spheres"), (2, "cylinders")] {
            b.text(","); b.jsonString(key); b.text(":[")
            var first = true
            for o in obstacles {
                var center = Vec3.zero, size = Vec3.zero, q = Quaternion.identity
                switch (kind, o) {
                case (0, .box(let c0, let s0, let q0)): center = c0; size = s0; q = q0
                case (1, .sphere(let c0, let r)): center = c0; size = Vec3(2 * r, 2 * r, 2 * r)
                case (2, .cylinder(let c0, let r, let h, let q0)): center = c0; size = Vec3(2 * r, 2 * r, h); q = q0
                default: continue
                }
                if !first { b.text(",") }
                first = false
                b.text("{\"pose\":"); b.jsonPose(Pose(position: center, orientation: q))
                b.text(",\"size\":"); b.jsonVec3(size)
                if kind == 2 { b.text(",\"bottom_scale\":1.0,\"top_scale\":1.0") }
                b.text(",\"color\":"); writeColor(&b)
                b.text("}")
            }
            b.text("]")
        }
        b.text(",\"lines\":[]}]}")
    }

    /// Planned trajectories (`/planner/paths`, foxglove.SceneUpdate, entity "plan" replaced each
    /// call): one line strip per path (world-frame points), coloured from green (probability 0)
    /// to red (1) by its predicted collision probability.
    public func plannedPaths(time: Double, _ paths: [[Vec3]], collisionProbabilities: [Double],
                             thickness: Double = 0.02) throws {
        precondition(paths.count == collisionProbabilities.count, "one collision probability per path")
        let c = try channel(EpisodeTopics.plannedPaths, "foxglove.SceneUpdate", FoxgloveSchemas.sceneUpdate)
        let ns = EpisodeRecorder.nanoseconds(time)
        try writer.write(channel: c, logTime: ns) { b in
            EpisodeRecorder.entityStart(&b, ns: ns, id: "plan")
            b.text(",\"cubes\":[],\"spheres\":[],\"cylinders\":[],\"lines\":[")
            for (i, path) in paths.enumerated() {
                if i > 0 { b.text(",") }
                let p = min(1, max(0, collisionProbabilities[i].isFinite ? collisionProbabilities[i] : 1))
                b.text("{\"type\":0,\"pose\":"); b.jsonPose(.identity)
                b.text(",\"thickness\":"); b.jsonNumber(thickness)
                b.text(",\"scale_invariant\":false,\"points\":[")
                for (k, q) in path.enumerated() {
                    if k > 0 { b.text(",") }
                    b.jsonVec3(q)
                }
                b.text("],\"color\":{\"r\":"); b.jsonNumber(p)
                b.text(",\"g\":"); b.jsonNumber(1 - p)
                b.text(",\"b\":0.0,\"a\":1.0},\"colors\":[],\"indices\":[]}")
            }
            b.text("]}]}")
        }
    }

    /// `{"deletions":[],"entities":[{...common fields` of a SceneUpdate with one entity.
    private static func entityStart(_ b: inout ByteBuffer, ns: UInt64, id: StaticString) {
        b.text("{\"deletions\":[],\"entities\":[{\"timestamp\":"); b.jsonTime(ns)
        b.text(",\"frame_id\":\"world\",\"id\":\""); b.text(id)
        b.text("\",\"lifetime\":{\"sec\":0,\"nsec\":0},\"frame_locked\":false,\"metadata\":[],\"arrows\":[]")
        b.text(",\"triangles\":[],\"texts\":[],\"models\":[]")
    }

    /// Writes the last chunk, the summary and the footer. The recorder cannot be used after.
    @discardableResult
    public func close() throws -> MCAPStatistics { try writer.close() }
}
