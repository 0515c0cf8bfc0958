import Geometry

/// Records one swarm episode to an MCAP log: the metadata message, the obstacles once, then per
/// control step and vehicle the command (at the step's start), the body pose and the world ->
/// body transform (at its end) and the vehicle's events, on the per-vehicle topics of
/// `SwarmTopics`. The messages are the episode log's (`EpisodeRecorder`'s encoders, schemas and
/// writer queue); only the topics differ, and swarm events carry the other vehicle of a contact.
///
/// ```swift
/// let rec = try SwarmRecorder(path: "swarm.mcap", metadata: meta, vehicles: 4)
/// try rec.obstacles(time: 0, obstacles)
/// for i in 0..<4 { try rec.pose(vehicle: i, time: 0, pose_WB[i]) }
/// try rec.command(vehicle: 2, time: 0, step: 0, values: [...])
/// try rec.pose(vehicle: 2, time: 0.25, pose)
/// try rec.close()
/// ```
///
/// Owns a file: not thread-safe.
public final class SwarmRecorder {
    public let writer: MCAPWriter
    public let metadata: EpisodeMetadata
    public let vehicles: Int
    private var schemaIDs: [String: UInt16] = [:]
    private var channelIDs: [String: UInt16] = [:]
    // per-vehicle channel ids, fixed at construction: no topic lookup per message
    private var poseChannels: [UInt16] = [], commandChannels: [UInt16] = [], eventChannels: [UInt16?]
    private var tfChannel: UInt16 = 0

    /// Opens `path` and writes the metadata message at time 0.
    public convenience init(path: String, metadata: EpisodeMetadata, vehicles: Int,
                            options: MCAPWriter.Options = MCAPWriter.Options()) throws {
        try self.init(writer: try MCAPWriter(path: path, options: options), metadata: metadata, vehicles: vehicles)
    }

    /// Records into `writer` (e.g. an in-memory writer for tests). Channels: metadata 0, `/tf` 1,
    /// then each vehicle's pose and command; event channels when first used.
    public init(writer: MCAPWriter, metadata: EpisodeMetadata, vehicles: Int) throws {
        precondition((1...SwarmTopics.maxVehicles).contains(vehicles), "1 to \(SwarmTopics.maxVehicles) vehicles")
        self.writer = writer
        self.metadata = metadata
        self.vehicles = vehicles
        eventChannels = [UInt16?](repeating: nil, count: vehicles)
        let meta = try channel(EpisodeTopics.metadata, "swiftlet.EpisodeMetadata", SwiftletSchemas.episodeMetadata)
        tfChannel = try channel(EpisodeTopics.tf, "foxglove.FrameTransform", FoxgloveSchemas.frameTransform)
        for i in 0..<vehicles {
            poseChannels.append(try channel(SwarmTopics.pose(i), "foxglove.PoseInFrame", FoxgloveSchemas.poseInFrame))
            commandChannels.append(try channel(SwarmTopics.command(i), "swiftlet.Command", SwiftletSchemas.command))
        }
        try writer.write(channel: meta, logTime: 0) { b in EpisodeRecorder.encodeMetadata(&b, metadata) }
    }

    private func channel(_ topic: String, _ schemaName: String, _ schemaText: String) throws -> UInt16 {
        try EpisodeRecorder.channel(writer, &schemaIDs, &channelIDs, topic, schemaName, schemaText)
    }

    /// Vehicle `i`'s body pose in the world frame (`/swarm/<i>/pose`) and the world -> body
    /// transform (`/tf`, child `swarm/<i>`), so Foxglove can draw and follow each vehicle.
    public func pose(vehicle i: Int, time: Double, _ pose_WB: Pose) throws {
        let ns = EpisodeRecorder.nanoseconds(time)
        try writer.write(channel: poseChannels[i], logTime: ns) { b in EpisodeRecorder.encodePose(&b, ns: ns, pose_WB) }
        try writer.write(channel: tfChannel, logTime: ns) { b in
            EpisodeRecorder.encodeTransform(&b, ns: ns, parent: EpisodeTopics.worldFrame, child: SwarmTopics.bodyFrame(i), pose_WB)
        }
    }

    /// The command vehicle `i` received at control step `step` (`/swarm/<i>/command`), values in
    /// the order of `metadata.commandNames`. Round-trips bit-exactly.
    public func command(vehicle i: Int, time: Double, step: Int, values: [Double]) throws {
        let ns = EpisodeRecorder.nanoseconds(time)
        try writer.write(channel: commandChannels[i], logTime: ns) { b in EpisodeRecorder.encodeCommand(&b, ns: ns, step: step, values) }
    }

    /// An event of vehicle `i` (`/swarm/<i>/events`); `other` names the vehicle it touched.
    public func event(vehicle i: Int, time: Double, step: Int, kind: EpisodeEventKind, detail: String = "",
                      position: Vec3? = nil, other: Int? = nil) throws {
        let c: UInt16
        if let e = eventChannels[i] { c = e } else {
            c = try channel(SwarmTopics.events(i), "swiftlet.SwarmEvent", SwiftletSchemas.swarmEvent)
            eventChannels[i] = c
        }
        let ns = EpisodeRecorder.nanoseconds(time)
        try writer.write(channel: c, logTime: ns) { b in
            EpisodeRecorder.encodeEvent(&b, ns: ns, step: step, kind: kind, detail: detail, position: position, close: false)
            if let other { b.text(",\"other_vehicle\":"); b.jsonInt(Int64(other)) }
            b.text("}")
        }
    }

    /// The obstacles (`/scene`, as `EpisodeRecorder.obstacles`): call once.
    public func obstacles(time: Double, _ obstacles: [SceneObstacle]) throws {
        let c = try channel(EpisodeTopics.scene, "foxglove.SceneUpdate", FoxgloveSchemas.sceneUpdate)
        let ns = EpisodeRecorder.nanoseconds(time)
        try writer.write(channel: c, logTime: ns) { b in
            EpisodeRecorder.encodeObstacles(&b, ns: ns, obstacles, color: EpisodeRecorder.obstacleColor)
        }
    }

    /// Writes the summary and footer. The recorder cannot be used after.
    @discardableResult
    public func close() throws -> MCAPStatistics { try writer.close() }
}
