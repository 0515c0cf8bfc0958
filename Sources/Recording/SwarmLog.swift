import Diagnostics
import Foundation
import Geometry

/// A swarm log (`SwarmRecorder`, `fly --swarm N --record`) read back: the metadata and, per
/// vehicle, its poses, commands and events in log-time order.
///
/// Poses and commands round-trip bit-exactly, as in `EpisodeLog`. A cut file loads too: every
/// message of every complete chunk, and `truncation` says what was lost.
public struct SwarmLog: Sendable {
    /// One vehicle's records.
    public struct Vehicle: Sendable, Equatable {
        public var poses: [EpisodeLog.PoseSample] = []
        public var commands: [EpisodeLog.CommandSample] = []
        public var events: [Event] = []
        public init() {}
    }
    /// An event of one vehicle; `other` is the vehicle it touched (contacts).
    public struct Event: Sendable, Equatable {
        public var logTime: UInt64
        public var step: Int
        public var kind: EpisodeEventKind
        public var detail: String
        public var position: Vec3?
        public var other: Int?
        public var time: Double { Double(logTime) / 1e9 }
    }

    public var metadata: EpisodeMetadata?
    /// Indexed by vehicle: as many as the metadata's `extra["vehicles"]`, or as the highest
    /// vehicle topic seen when the metadata is missing.
    public var vehicles: [Vehicle] = []
    /// Messages per topic (all topics).
    public var messageCounts: [String: Int] = [:]
    /// Log-time range of all messages (ns).
    public var timeRange: ClosedRange<UInt64>?
    /// Set when the file was cut.
    public var truncation: MCAPTruncation?

    public init() {}

    /// Whether `metadata` describes a swarm episode (it has `extra["swarm_settings"]`).
    public static func isSwarm(_ metadata: EpisodeMetadata?) -> Bool { metadata?.extra["swarm_settings"] != nil }

    /// Whether an episode log read by `EpisodeLog` is a swarm log (swarm metadata, or, when the
    /// metadata was cut off, per-vehicle topics).
    public static func isSwarm(_ log: EpisodeLog) -> Bool {
        isSwarm(log.metadata) || log.messageCounts.keys.contains { SwarmTopics.parse($0) != nil }
    }

    /// Loads the swarm log at `path`.
    public static func load(path: String, validateCRCs: Bool = true) throws -> SwarmLog {
        try load(try MCAPReader(path: path, validateCRCs: validateCRCs), validateCRCs: validateCRCs)
    }

    /// Decodes the messages of an open reader. A vehicle topic whose index is at or past the
    /// metadata's vehicle count (or `SwarmTopics.maxVehicles`) is an `InputError`.
    public static func load(_ reader: MCAPReader, validateCRCs: Bool = true) throws -> SwarmLog {
        try load(reader, validateCRCs: validateCRCs, directJSON: true)
    }

    /// `load`, with `directJSON: false` sending every message through the generic `JSONValue`
    /// path (the reference the direct reader is tested against).
    static func load(_ reader: MCAPReader, validateCRCs: Bool, directJSON: Bool) throws -> SwarmLog {
        var log = SwarmLog()
        let (channels, messages, truncation) = try EpisodeLog.allMessages(reader, validateCRCs: validateCRCs)
        log.truncation = truncation
        let src = reader.source
        var limit = SwarmTopics.maxVehicles
        var tally = MessageTally(channels: channels)
        // each channel's vehicle and kind, parsed once
        let vehicleTopics = tally.topics.map { $0.flatMap(SwarmTopics.parse) }
        // the vehicle index of a message, checked against the limit, with room in `vehicles`
        func vehicleSlot(_ i: Int, _ m: MCAPMessage, _ topic: String) throws -> Int {
            guard i < limit else {
                throw InputError(src, at: "\(topic) message at log time \(m.logTime) ns", "vehicle \(i) is past the log's \(limit) vehicles")
            }
            if i >= log.vehicles.count { log.vehicles += [Vehicle](repeating: Vehicle(), count: i + 1 - log.vehicles.count) }
            return i
        }
        for m in messages {
            guard tally.count(m), let topic = tally.topic(m.channelID) else { continue }
            let vehicle = vehicleTopics[Int(m.channelID)]
            // poses and commands through the direct reader; anything it does not accept as below
            if directJSON, let (i, kind) = vehicle {
                if kind == "pose", let (frameID, pose) = EpisodeJSONReader.pose(m.data) {
                    let v = try vehicleSlot(i, m, topic)
                    log.vehicles[v].poses.append(EpisodeLog.PoseSample(logTime: m.logTime, frameID: frameID, pose: pose))
                    continue
                }
                if kind == "command", let (step, values) = EpisodeJSONReader.command(m.data) {
                    let v = try vehicleSlot(i, m, topic)
                    log.vehicles[v].commands.append(EpisodeLog.CommandSample(logTime: m.logTime, step: step, values: values))
                    continue
                }
            }
            guard topic == EpisodeTopics.metadata || vehicle != nil else { continue }
            let where_ = "\(topic) message at log time \(m.logTime) ns"
            let j = try JSONValue.parse(m.data, source: src)
            let d = EpisodeLog.Decoder(json: j, source: src, location: where_)
            guard let (i, kind) = vehicle else {
                let meta = try d.metadata()
                if let text = meta.extra["vehicles"] {
                    guard let n = Int(text), (1...SwarmTopics.maxVehicles).contains(n) else {
                        throw d.error("extra.vehicles", "expected 1 to \(SwarmTopics.maxVehicles) vehicles, got \"\(text)\"")
                    }
                    limit = n
                    if log.vehicles.count < n { log.vehicles += [Vehicle](repeating: Vehicle(), count: n - log.vehicles.count) }
                }
                log.metadata = meta
                continue
            }
            _ = try vehicleSlot(i, m, topic)
            switch kind {
            case "pose":
                log.vehicles[i].poses.append(EpisodeLog.PoseSample(logTime: m.logTime, frameID: try d.string("frame_id"),
                                                                   pose: try d.pose(j["pose"], "pose")))
            case "command":
                log.vehicles[i].commands.append(EpisodeLog.CommandSample(
                    logTime: m.logTime, step: try d.int("step"), values: try d.array("values").map { try d.double($0, "values[]") }))
            case "events":
                let k = try d.string("kind")
                guard let kind = EpisodeEventKind(rawValue: k) else { throw d.error("kind", "unknown event kind '\(k)'") }
                var other: Int? = nil
                if j["other_vehicle"] != nil {
                    let o = try d.int("other_vehicle")
                    guard o >= 0, o < limit, o != i else { throw d.error("other_vehicle", "no vehicle \(o) to touch") }
                    other = o
                }
                log.vehicles[i].events.append(Event(logTime: m.logTime, step: try d.int("step"), kind: kind,
                                                    detail: try d.string("detail"),
                                                    position: try j["position"].map { try d.vec3($0, "position") }, other: other))
            default:
                continue
            }
        }
        log.messageCounts = tally.countsByTopic()
        log.timeRange = tally.timeRange
        return log
    }

    /// Control steps of the episode: the most any vehicle flew (its commands).
    public var steps: Int { vehicles.map(\.commands.count).max() ?? 0 }

    /// Vehicle `i`'s pose at swarm step `k` (its last pose once it finished), nil before its first.
    public func pose(_ i: Int, atStep k: Int) -> Pose? {
        let p = vehicles[i].poses
        return p.isEmpty ? nil : p[min(k, p.count - 1)].pose
    }
}
