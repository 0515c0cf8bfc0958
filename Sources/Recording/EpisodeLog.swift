import Diagnostics
import Foundation
import Geometry

/// A Swiftlet episode log read back: metadata, commands, poses, transforms, images, events,
/// motor speeds and planner diagnostics, each in log-time order.
///
/// Poses and commands round-trip bit-exactly (the writer prints shortest round-trip decimals and
/// this reader parses them with correct rounding), so replay can re-simulate from `metadata` and
/// `commands` and compare `poses` with `==`. A cut file loads too: it holds every message of
/// every complete chunk, and `truncation` says what was lost.
public struct EpisodeLog: Sendable {
    public struct PoseSample: Sendable, Equatable {
        /// Log time in nanoseconds.
        public var logTime: UInt64
        public var frameID: String
        public var pose: Pose
        public var time: Double { Double(logTime) / 1e9 }
    }
    public struct TransformSample: Sendable, Equatable {
        public var logTime: UInt64
        public var parent: String
        public var child: String
        /// Child frame pose in the parent frame.
        public var pose: Pose
    }
    public struct CommandSample: Sendable, Equatable {
        public var logTime: UInt64
        public var step: Int
        public var values: [Double]
        public var time: Double { Double(logTime) / 1e9 }
    }
    public struct MotorSample: Sendable, Equatable {
        public var logTime: UInt64
        public var speeds: [Double]
        public var unit: String
    }
    public struct EventSample: Sendable, Equatable {
        public var logTime: UInt64
        public var step: Int
        public var kind: EpisodeEventKind
        public var detail: String
        public var position: Vec3?
    }
    public struct ImageSample: Sendable, Equatable {
        public var logTime: UInt64
        public var topic: String
        public var frameID: String
        public var width: Int
        public var height: Int
        public var encoding: ImageEncoding
        /// Bytes per row.
        public var step: Int
        /// Raw pixels (`step * height` bytes; 32FC1 little-endian).
        public var data: [UInt8]
    }
    public struct PlannerSample: Sendable, Equatable {
        public var logTime: UInt64
        public var step: Int
        public var diagnostics: PlannerDiagnostics
    }

    public var metadata: EpisodeMetadata?
    public var poses: [PoseSample] = []
    public var transforms: [TransformSample] = []
    public var commands: [CommandSample] = []
    public var motorSpeeds: [MotorSample] = []
    public var events: [EventSample] = []
    public var images: [ImageSample] = []
    public var planner: [PlannerSample] = []
    /// Messages per topic (all topics, also those not decoded here).
    public var messageCounts: [String: Int] = [:]
    /// Log-time range of all messages (ns).
    public var timeRange: ClosedRange<UInt64>?
    /// Set when the file was cut.
    public var truncation: MCAPTruncation?

    public init() {}

    /// Loads the log at `path`. `includeImages: false` skips decoding image payloads. Images are
    /// read from CDR `sensor_msgs/msg/Image` channels and from JSON `foxglove.RawImage` ones
    /// (logs written before CDR became the default), by each channel's message encoding.
    public static func load(path: String, includeImages: Bool = true, validateCRCs: Bool = true) throws -> EpisodeLog {
        let reader = try MCAPReader(path: path, validateCRCs: validateCRCs)
        return try load(reader, includeImages: includeImages, validateCRCs: validateCRCs)
    }

    /// Decodes the messages of an open reader.
    ///
    /// Each channel's topic and encoding are classified once. The control-rate JSON messages
    /// (poses, transforms, commands, motor speeds) and JSON images are read by
    /// `EpisodeJSONReader` straight into their samples; a message it does not accept, and the
    /// metadata, events and planner messages, go through the generic `JSONValue` path, which
    /// also builds the error messages (the context naming topic and log time is only built there).
    public static func load(_ reader: MCAPReader, includeImages: Bool = true, validateCRCs: Bool = true) throws -> EpisodeLog {
        try load(reader, includeImages: includeImages, validateCRCs: validateCRCs, directJSON: true)
    }

    /// `load`, with `directJSON: false` sending every JSON message through the generic path (the
    /// reference the direct readers are tested against).
    static func load(_ reader: MCAPReader, includeImages: Bool, validateCRCs: Bool, directJSON: Bool) throws -> EpisodeLog {
        var log = EpisodeLog()
        let (channels, messages, truncation) = try allMessages(reader, validateCRCs: validateCRCs)
        log.truncation = truncation
        let src = reader.source
        let kinds = ChannelKind.table(channels, includeImages: includeImages)
        var tally = MessageTally(channels: channels)
        // room for every sample, from the messages per channel
        var expected = [Int](repeating: 0, count: ChannelKind.allCases.count)
        for m in messages where Int(m.channelID) < kinds.count {
            if let k = kinds[Int(m.channelID)] { expected[k.rawValue] += 1 }
        }
        log.poses.reserveCapacity(expected[ChannelKind.pose.rawValue])
        log.transforms.reserveCapacity(expected[ChannelKind.tf.rawValue])
        log.commands.reserveCapacity(expected[ChannelKind.command.rawValue])
        log.motorSpeeds.reserveCapacity(expected[ChannelKind.motors.rawValue])
        log.images.reserveCapacity(expected[ChannelKind.cdrImage.rawValue] + expected[ChannelKind.jsonImage.rawValue])
        for m in messages {
            guard tally.count(m), Int(m.channelID) < kinds.count, let kind = kinds[Int(m.channelID)],
                  let topic = tally.topic(m.channelID) else { continue }
            if kind == .cdrImage {
                let where_ = "\(topic) message at log time \(m.logTime) ns"
                log.images.append(try ROS2Image.decode(m.data, topic: topic, logTime: m.logTime, source: src, context: where_).image)
                continue
            }
            if directJSON, decodeDirect(m, kind: kind, topic: topic, into: &log) { continue }
            try decodeGeneric(m, topic: topic, into: &log, source: src)
        }
        log.messageCounts = tally.countsByTopic()
        log.timeRange = tally.timeRange
        return log
    }

    /// Decodes a pose, transform, command, motor speeds or JSON image message with
    /// `EpisodeJSONReader` and appends it; false (nothing appended) for other kinds and for a
    /// message the reader does not accept, which then goes to `decodeGeneric`.
    static func decodeDirect(_ m: MCAPMessage, kind: ChannelKind, topic: String, into log: inout EpisodeLog) -> Bool {
        switch kind {
        case .pose:
            guard let (frameID, pose) = EpisodeJSONReader.pose(m.data) else { return false }
            log.poses.append(PoseSample(logTime: m.logTime, frameID: frameID, pose: pose))
        case .tf:
            guard let (parent, child, pose) = EpisodeJSONReader.transform(m.data) else { return false }
            log.transforms.append(TransformSample(logTime: m.logTime, parent: parent, child: child, pose: pose))
        case .command:
            guard let (step, values) = EpisodeJSONReader.command(m.data) else { return false }
            log.commands.append(CommandSample(logTime: m.logTime, step: step, values: values))
        case .motors:
            guard let (speeds, unit) = EpisodeJSONReader.motors(m.data) else { return false }
            log.motorSpeeds.append(MotorSample(logTime: m.logTime, speeds: speeds, unit: unit))
        case .jsonImage:
            guard let image = EpisodeJSONReader.rawImage(m.data, topic: topic, logTime: m.logTime) else { return false }
            log.images.append(image)
        case .metadata, .events, .planner, .cdrImage:
            return false
        }
        return true
    }

    /// What a channel holds for `load`, from its topic and message encoding; nil: not decoded.
    enum ChannelKind: Int, CaseIterable {
        case metadata, pose, tf, command, motors, events, planner, cdrImage, jsonImage

        /// The kind of every channel, indexed by channel id (nil for ids without a decoded channel).
        static func table(_ channels: [UInt16: MCAPChannel], includeImages: Bool) -> [ChannelKind?] {
            var t = [ChannelKind?](repeating: nil, count: Int(channels.keys.max() ?? 0) + 1)
            for (id, ch) in channels { t[Int(id)] = kind(ch, includeImages: includeImages) }
            return t
        }

        static func kind(_ ch: MCAPChannel, includeImages: Bool) -> ChannelKind? {
            switch ch.topic {
            case EpisodeTopics.metadata: return .metadata
            case EpisodeTopics.pose: return .pose
            case EpisodeTopics.tf: return .tf
            case EpisodeTopics.command: return .command
            case EpisodeTopics.motors: return .motors
            case EpisodeTopics.events: return .events
            case EpisodeTopics.planner: return .planner
            default:
                guard includeImages, ch.topic.hasSuffix("/image") || ch.topic.hasSuffix("/depth") else { return nil }
                return ch.messageEncoding == ROS2Image.messageEncoding ? .cdrImage : .jsonImage
            }
        }
    }

    /// Decodes one JSON message on `topic` (a decoded topic or a JSON image topic) through a
    /// `JSONValue` tree: the reference decoding, whose errors name the file, the topic, the log
    /// time and the field.
    static func decodeGeneric(_ m: MCAPMessage, topic: String, into log: inout EpisodeLog, source src: String) throws {
        let where_ = "\(topic) message at log time \(m.logTime) ns"
        let j = try JSONValue.parse(m.data, source: src)
        let d = Decoder(json: j, source: src, location: where_)
        switch topic {
        case EpisodeTopics.metadata:
            log.metadata = try d.metadata()
        case EpisodeTopics.pose:
            log.poses.append(PoseSample(logTime: m.logTime, frameID: try d.string("frame_id"),
                                        pose: try d.pose(j["pose"], "pose")))
        case EpisodeTopics.tf:
            log.transforms.append(TransformSample(
                logTime: m.logTime, parent: try d.string("parent_frame_id"), child: try d.string("child_frame_id"),
                pose: Pose(position: try d.vec3(j["translation"], "translation"),
                           orientation: try d.quaternion(j["rotation"], "rotation"))))
        case EpisodeTopics.command:
            log.commands.append(CommandSample(logTime: m.logTime, step: try d.int("step"),
                                              values: try d.array("values").map { try d.double($0, "values[]") }))
        case EpisodeTopics.motors:
            log.motorSpeeds.append(MotorSample(logTime: m.logTime,
                                               speeds: try d.array("speeds").map { try d.double($0, "speeds[]") },
                                               unit: try d.string("unit")))
        case EpisodeTopics.events:
            let k = try d.string("kind")
            guard let kind = EpisodeEventKind(rawValue: k) else { throw d.error("kind", "unknown event kind '\(k)'") }
            log.events.append(EventSample(logTime: m.logTime, step: try d.int("step"), kind: kind,
                                          detail: try d.string("detail"),
                                          position: try j["position"].map { try d.vec3($0, "position") }))
        case EpisodeTopics.planner:
            let values = try (j["values"]?.object ?? [:]).mapValues { try d.double($0, "values") }
            log.planner.append(PlannerSample(logTime: m.logTime, step: try d.int("step"), diagnostics: PlannerDiagnostics(
                planner: try d.string("planner"), bestCost: try d.double("best_cost"),
                collisionProbability: try d.double("collision_probability"), candidates: try d.int("candidates"),
                iterations: try d.int("iterations"), values: values)))
        default:
            let e = try d.string("encoding")
            guard let enc = ImageEncoding(rawValue: e) else { throw d.error("encoding", "unsupported image encoding '\(e)'") }
            let w = try d.int("width"), h = try d.int("height"), step = try d.int("step")
            guard let text = j["data"]?.string, let data = Base64.decode(Array(text.utf8)) else {
                throw d.error("data", "missing or invalid base64")
            }
            guard enc.fits(width: w, height: h, step: step, count: data.count) else {
                throw d.error("data", "\(data.count) bytes do not fit \(w)x\(h) \(e) with step \(step)")
            }
            log.images.append(ImageSample(logTime: m.logTime, topic: topic, frameID: try d.string("frame_id"),
                                          width: w, height: h, encoding: enc, step: step, data: data))
        }
    }

    /// Every message of `reader` in log-time order with the channels: through the chunk index of
    /// a complete file, else by a linear scan that stops at the cut (`truncation` says where).
    static func allMessages(_ reader: MCAPReader, validateCRCs: Bool) throws
        -> (channels: [UInt16: MCAPChannel], messages: [MCAPMessage], truncation: MCAPTruncation?) {
        if let s = reader.summary, !s.chunkIndexes.isEmpty {
            return (s.channels, try reader.messages(validateCRCs: validateCRCs), nil)
        }
        let scan = try reader.scan(validateCRCs: validateCRCs)
        return (scan.channels, reader.stableSortedByTime(scan.messages), scan.truncation)
    }

    /// Field access with errors naming the file, message and field.
    struct Decoder {
        let json: JSONValue
        let source: String
        let location: String

        func error(_ field: String, _ m: String) -> InputError { InputError(source, at: "\(location), field \(field)", m) }

        func value(_ f: String) throws -> JSONValue {
            guard let v = json[f] else { throw error(f, "missing") }
            return v
        }
        func string(_ f: String) throws -> String { try string(try value(f), f) }
        func string(_ v: JSONValue, _ f: String) throws -> String {
            guard let s = v.string else { throw error(f, "expected a string") }
            return s
        }
        func double(_ f: String) throws -> Double { try double(try value(f), f) }
        func double(_ v: JSONValue, _ f: String) throws -> Double {
            guard let x = v.double else { throw error(f, "expected a number") }
            return x
        }
        func int(_ f: String) throws -> Int {
            guard let x = try value(f).int else { throw error(f, "expected an integer") }
            return x
        }
        func uint64(_ f: String) throws -> UInt64 {
            guard let x = try value(f).uint64 else { throw error(f, "expected an unsigned integer") }
            return x
        }
        func array(_ f: String) throws -> [JSONValue] {
            guard let a = try value(f).array else { throw error(f, "expected an array") }
            return a
        }
        func vec3(_ v: JSONValue?, _ f: String) throws -> Vec3 {
            guard let v, let x = v["x"]?.double, let y = v["y"]?.double, let z = v["z"]?.double else {
                throw error(f, "expected {x, y, z}")
            }
            return Vec3(x, y, z)
        }
        func quaternion(_ v: JSONValue?, _ f: String) throws -> Quaternion {
            guard let v, let x = v["x"]?.double, let y = v["y"]?.double, let z = v["z"]?.double, let w = v["w"]?.double else {
                throw error(f, "expected {x, y, z, w}")
            }
            return Quaternion(x: x, y: y, z: z, w: w)
        }
        /// The `swiftlet.EpisodeMetadata` message.
        func metadata() throws -> EpisodeMetadata {
            EpisodeMetadata(
                world: try string("world"), seed: try uint64("seed"), robot: try string("robot"),
                profile: try string("profile"), dt: try double("dt"),
                commandNames: try array("command_names").map { try string($0, "command_names[]") },
                extra: try (json["extra"]?.object ?? [:]).mapValues { try string($0, "extra") },
                softwareVersion: try string("software_version"))
        }
        func pose(_ v: JSONValue?, _ f: String) throws -> Pose {
            Pose(position: try vec3(v?["position"], f + ".position"),
                 orientation: try quaternion(v?["orientation"], f + ".orientation"))
        }
    }
}
