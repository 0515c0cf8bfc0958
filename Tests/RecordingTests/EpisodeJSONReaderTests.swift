import Diagnostics
import Foundation
import Geometry
@testable import Recording
import TestSupport
import Testing

/// Every field of a log as text, Doubles as bit patterns, so -0.0, NaN and one ulp all count.
func fieldDump(_ log: EpisodeLog) -> [String] {
    func b(_ x: Double) -> String { String(x.bitPattern, radix: 16) }
    func p(_ q: Pose) -> String {
        [q.position.x, q.position.y, q.position.z, q.orientation.x, q.orientation.y, q.orientation.z, q.orientation.w]
            .map(b).joined(separator: ",")
    }
    var out = [log.metadata.map { m in
        "metadata \(m.world) \(m.seed) \(m.robot) \(m.profile) \(m.softwareVersion) \(b(m.dt)) \(m.commandNames) "
            + "\(m.extra.keys.sorted().map { "\($0)=\(m.extra[$0]!)" })"
    } ?? "no metadata"]
    out += log.poses.map { "pose \($0.logTime) \($0.frameID) \(p($0.pose))" }
    out += log.transforms.map { "tf \($0.logTime) \($0.parent) \($0.child) \(p($0.pose))" }
    out += log.commands.map { "command \($0.logTime) \($0.step) \($0.values.map(b))" }
    out += log.motorSpeeds.map { "motors \($0.logTime) \($0.speeds.map(b)) \($0.unit)" }
    out += log.events.map { "event \($0.logTime) \($0.step) \($0.kind) \($0.detail) \($0.position.map { [$0.x, $0.y, $0.z].map(b) } ?? [])" }
    out += log.images.map { "image \($0.logTime) \($0.topic) \($0.frameID) \($0.width)x\($0.height) \($0.encoding) \($0.step) \($0.data)" }
    out += log.planner.map { d in
        "planner \(d.logTime) \(d.step) \(d.diagnostics.planner) \(b(d.diagnostics.bestCost)) "
            + "\(b(d.diagnostics.collisionProbability)) \(d.diagnostics.candidates) \(d.diagnostics.iterations) "
            + "\(d.diagnostics.values.keys.sorted().map { "\($0)=\(b(d.diagnostics.values[$0]!))" })"
    }
    out.append("counts \(log.messageCounts.keys.sorted().map { "\($0)=\(log.messageCounts[$0]!)" })")
    out.append("range \(String(describing: log.timeRange)) truncation \(String(describing: log.truncation))")
    return out
}

/// An uncompressed log holding `messages` (topic, JSON text) in order, one per millisecond, each
/// topic on its own JSON channel.
func rawJSONLog(_ messages: [(topic: String, text: String)]) throws -> [UInt8] {
    let w = MCAPWriter(options: MCAPWriter.Options(chunkSize: 2048, compression: .none, background: false))
    let s = try w.addSchema(name: "any", encoding: "jsonschema", data: Array("{}".utf8))
    var channels: [String: UInt16] = [:]
    for (i, m) in messages.enumerated() {
        let c = try channels[m.topic] ?? w.addChannel(topic: m.topic, messageEncoding: "json", schemaID: s)
        channels[m.topic] = c
        try w.write(channel: c, logTime: UInt64(i + 1) * 1_000_000) { $0.raw(Array(m.text.utf8)) }
    }
    try w.close()
    return w.memory
}

/// `EpisodeJSONReader` (the direct path of `EpisodeLog.load` and `SwarmLog.load`) against the
/// generic `JSONValue` path: the same log, field for field and bit for bit, and the same errors.
@Suite struct EpisodeJSONReaderTests {
    static let poseText = #"{"timestamp":{"sec":0,"nsec":1000000},"frame_id":"world","pose":{"position":{"x":1.25,"y":-0.5,"z":2.0},"orientation":{"x":0.0,"y":0.0,"z":0.7071067811865476,"w":0.7071067811865476}}}"#

    func both(_ bytes: [UInt8], includeImages: Bool = true) throws -> (direct: EpisodeLog, generic: EpisodeLog) {
        let r = try MCAPReader(bytes: bytes, source: "log.mcap", validateCRCs: true)
        return (try EpisodeLog.load(r, includeImages: includeImages, validateCRCs: true, directJSON: true),
                try EpisodeLog.load(r, includeImages: includeImages, validateCRCs: true, directJSON: false))
    }

    /// The messages of `bytes` on `topic` that the direct reader `accepts` (by its kind).
    func accepted(_ bytes: [UInt8], _ topic: String, _ accepts: ([UInt8]) -> Bool) throws -> (yes: Int, of: Int) {
        let ms = try MCAPReader(bytes: bytes, source: "log").messages(topics: [topic])
        return (ms.filter { accepts($0.data) }.count, ms.count)
    }

    /// Logs as the recorder writes them: uncompressed and lz4, CDR and JSON images, cut, with and
    /// without images, and the committed old-format log. Every control-rate message takes the
    /// direct path, and the log equals the generic path's in every field.
    @Test func recordedLogsDecodeAsTheGenericPathDoes() throws {
        for compression in MCAPCompression.allCases {
            for images in ImageMessageEncoding.allCases {
                let bytes = try SampleEpisode.bytes(seconds: 1.5, options: MCAPWriter.Options(chunkDuration: 400_000_000, compression: compression),
                                                    imageEncoding: images)
                let (direct, generic) = try both(bytes)
                #expect(fieldDump(direct) == fieldDump(generic), "\(compression) \(images)")
                #expect(direct.poses.count == 150 && direct.images.count == 18 && direct.planner.count > 0 && direct.events.count == 3)
                // the direct reader took every control-rate message and every JSON image
                #expect(try accepted(bytes, "/pose") { EpisodeJSONReader.pose($0) != nil } == (150, 150))
                #expect(try accepted(bytes, "/tf") { EpisodeJSONReader.transform($0) != nil } == (300, 300))
                #expect(try accepted(bytes, "/swiftlet/command") { EpisodeJSONReader.command($0) != nil } == (150, 150))
                #expect(try accepted(bytes, "/swiftlet/motors") { EpisodeJSONReader.motors($0) != nil } == (150, 150))
                if images == .json {
                    #expect(try accepted(bytes, "/camera/depth") { EpisodeJSONReader.rawImage($0, topic: "t", logTime: 0) != nil } == (6, 6))
                }
                let (noImages, noImagesGeneric) = try both(bytes, includeImages: false)
                #expect(noImages.images.isEmpty && fieldDump(noImages) == fieldDump(noImagesGeneric))
                // a cut copy: what its complete chunks hold
                let (cut, cutGeneric) = try both(Array(bytes[0..<(bytes.count * 2 / 3)]))
                #expect(cut.truncation != nil && cut.poses.count > 0 && cut.poses.count < 150)
                #expect(fieldDump(cut) == fieldDump(cutGeneric))
            }
        }
        let old = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ROS2ImageTests.oldLogPath)))
        let (direct, generic) = try both(old)
        #expect(direct.images.count == 6 && fieldDump(direct) == fieldDump(generic))
    }

    /// A log with zstd chunks (`swiftlet log sample --seconds 0.3 --chunk-seconds 0.1` by the
    /// binary of commit 31f76f6, rewritten by the public python mcap Writer with zstd chunks:
    /// tools/mcap_rechunk.py) decodes as the generic path decodes it and as the same episode
    /// recorded here.
    @Test func zstdLogDecodesAsTheGenericPathDoes() throws {
        let path = URL(fileURLWithPath: ROS2ImageTests.oldLogPath).deletingLastPathComponent()
            .appendingPathComponent("sample-zstd-31f76f6.mcap").path
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let index = try #require(try MCAPReader(bytes: bytes, source: "z").summary).chunkIndexes
        #expect(index.count > 1 && index.allSatisfy { $0.compression == "zstd" })
        let (direct, generic) = try both(bytes)
        #expect(fieldDump(direct) == fieldDump(generic))
        let swift = try EpisodeLog.load(try MCAPReader(bytes: try SampleEpisode.bytes(seconds: 0.3), source: "s"))
        #expect(direct.poses.count == 30 && direct.images.count == 6)
        #expect(direct.poses == swift.poses && direct.transforms == swift.transforms && direct.commands == swift.commands)
        #expect(direct.motorSpeeds == swift.motorSpeeds && direct.images == swift.images && direct.events == swift.events)
        #expect(direct.planner == swift.planner && direct.messageCounts == swift.messageCounts && direct.timeRange == swift.timeRange)
    }

    /// Random bit patterns (NaN and infinities are written as null), subnormals and extremes in
    /// poses, transforms, commands and motor speeds: bit for bit as the generic path reads them.
    @Test func awkwardNumbersDecodeBitForBit() throws {
        var rng = RNG(seed: 31)
        let awkward: [Double] = [0, -0.0, 1, -1, 0.1, 1.0 / 3, .pi, 1e-300, .leastNonzeroMagnitude, -2.2250738585072014e-308,
                                 1.7976931348623157e308, 9007199254740992.nextUp, 9007199254740992, 1e22, 1e23, 123456789.123456789,
                                 .nan, .infinity, Double(bitPattern: 1), Double(bitPattern: 0x0010_0000_0000_0001)]
        let w = MCAPWriter(options: MCAPWriter.Options(chunkSize: 4000, compression: .lz4, background: false))
        let rec = try EpisodeRecorder(writer: w, metadata: SampleEpisode.metadata)
        for i in 0..<400 {
            let v = { (k: Int) -> Double in
                i < 60 ? awkward[(i + k) % awkward.count]
                    : (i % 2 == 0 ? Double(bitPattern: rng.next()) : rng.normal() * pow(10, rng.uniform(-20, 20)))
            }
            let pose = Pose(position: Vec3(v(0), v(1), v(2)), orientation: Quaternion(x: v(3), y: v(4), z: v(5), w: v(6)))
            try rec.tick(time: Double(i) * 0.01, step: i, pose_WB: pose, command: [v(7), v(8), v(9)], motorSpeeds: [v(10), v(11)],
                         pose_BC: Pose(position: Vec3(v(12), 0, 0), orientation: .identity))
        }
        try rec.close()
        let (direct, generic) = try both(w.memory)
        #expect(direct.poses.count == 400 && direct.transforms.count == 800)
        #expect(fieldDump(direct) == fieldDump(generic))
        #expect(direct.poses.contains { $0.pose.position.x.isNaN })
        #expect(try accepted(w.memory, "/pose") { EpisodeJSONReader.pose($0) != nil } == (400, 400))
    }

    /// Hand-written messages in forms the recorder never writes: keys in other orders,
    /// whitespace, no timestamp, numbers as exponents, -0, integers, null, a plus sign; and
    /// forms the direct reader leaves to the generic path (escapes, extra keys). Each decodes as
    /// the generic path decodes it.
    @Test func otherJSONFormsDecodeAsTheGenericPathDoes() throws {
        let img = "AAECAwQFBgcICQoL"  // 12 bytes: a 4x3 mono8 frame
        // (topic, text, the direct reader takes it)
        let cases: [(String, String, Bool)] = [
            ("/pose", Self.poseText, true),
            ("/pose", #"{"pose":{"orientation":{"w":1,"z":-0,"y":-0.0,"x":0E0},"position":{"z":1e3,"y":2E-5,"x":-1.5e+2}},"frame_id":"world","timestamp":{"nsec":7,"sec":1}}"#, true),
            ("/pose", " \n{ \"frame_id\" :\t\"world\" ,\r\n \"pose\" : { \"position\" : { \"x\" : 1 , \"y\" : 2 , \"z\" : 3 } , \"orientation\" : { \"x\" : 0 , \"y\" : 0 , \"z\" : 0 , \"w\" : 1 } } }\n ", true),
            ("/pose", #"{"frame_id":"wörld 🚁","pose":{"position":{"x":null,"y":+4,"z":.5},"orientation":{"x":5.,"y":1.e1,"z":00012,"w":123456789012345678901234567890}}}"#, true),
            ("/pose", #"{"frame_id":"w","pose":{"position":{"x":0.1000000000000000055511151231257827,"y":1e-320,"z":2.2250738585072011e-308},"orientation":{"x":1e-400,"y":9007199254740993,"z":1.7976931348623157e308,"w":4.9e-324}}}"#, true),
            ("/pose", #"{"frame_id":"wor\u006cd","pose":{"position":{"x":1,"y":2,"z":3},"orientation":{"x":0,"y":0,"z":0,"w":1}}}"#, false),
            ("/pose", #"{"frame_id":"a\"b\\c\/d","pose":{"position":{"x":1,"y":2,"z":3},"orientation":{"x":0,"y":0,"z":0,"w":1}}}"#, false),
            ("/pose", #"{"frame_id":"world","extra":[1,{"a":null}],"pose":{"position":{"x":1,"y":2,"z":3},"orientation":{"x":0,"y":0,"z":0,"w":1}}}"#, false),
            ("/pose", #"{"frame_id":"world","pose":{"position":{"x":1,"y":2,"z":3,"t":4},"orientation":{"x":0,"y":0,"z":0,"w":1}}}"#, false),
            ("/pose", #"{"timestamp":{"sec":1,"nsec":2,"ms":3},"frame_id":"world","pose":{"position":{"x":1,"y":2,"z":3},"orientation":{"x":0,"y":0,"z":0,"w":1}}}"#, false),
            ("/pose", #"{"timestamp":"now","frame_id":"world","pose":{"position":{"x":1,"y":2,"z":3},"orientation":{"x":0,"y":0,"z":0,"w":1}}}"#, false),
            ("/tf", #"{"rotation":{"w":0.5,"x":-0.5,"y":0.5,"z":-0.5},"translation":{"z":0.01,"y":0,"x":0.02},"child_frame_id":"camera","parent_frame_id":"body"}"#, true),
            ("/tf", #"{"parent_frame_id":"world","child_frame_id":"b\u00f6dy","translation":{"x":1,"y":2,"z":3},"rotation":{"x":0,"y":0,"z":0,"w":1}}"#, false),
            ("/swiftlet/command", #"{"timestamp":{"sec":0,"nsec":0},"step":3,"values":[]}"#, true),
            ("/swiftlet/command", #"{"values":[ 1 , null, -0.0, 1e2, -7 ],"step":-7}"#, true),
            ("/swiftlet/command", #"{"step":3.0,"values":[0.1]}"#, true),
            ("/swiftlet/command", #"{"step":4e0,"values":[0.2]}"#, true),
            ("/swiftlet/command", #"{"step":+5,"values":[0.3]}"#, true),
            ("/swiftlet/command", #"{"step":0006,"values":[0.4]}"#, true),
            ("/swiftlet/command", #"{"step":123456789012345678,"values":[0.5]}"#, true),
            ("/swiftlet/command", #"{"step":1234567890123456789,"values":[0.6]}"#, true),
            ("/swiftlet/command", #"{"step":1,"values":[1],"note":"x"}"#, false),
            ("/swiftlet/motors", #"{"unit":"rad/s","speeds":[1.5,2.5e3,null,-0]}"#, true),
            ("/swiftlet/motors", #"{"speeds":[],"unit":"r\u0070m"}"#, false),
            ("/camera/image", #"{"timestamp":{"sec":0,"nsec":0},"frame_id":"camera","width":4,"height":3,"encoding":"mono8","step":4,"data":"\#(img)"}"#, true),
            ("/camera/image", #"{"data":"\#(img)","step":6,"encoding":"mono8","height":2,"width":5,"frame_id":"c"}"#, true),
            ("/camera/image", #"{"frame_id":"c","width":2,"height":2,"encoding":"mono8","step":2,"data":"AAECAw"}"#, true),
            ("/camera/image", #"{"frame_id":"c","width":2,"height":2,"encoding":"mono8","step":2,"data":"AAECAw==","d":0}"#, false),
        ]
        let bytes = try rawJSONLog(cases.map { ($0.0, $0.1) })
        let (direct, generic) = try both(bytes)
        #expect(fieldDump(direct) == fieldDump(generic))
        #expect(direct.poses.count == 11 && direct.transforms.count == 2 && direct.commands.count == 9
                && direct.motorSpeeds.count == 2 && direct.images.count == 4)
        #expect(direct.poses[3].frameID == "wörld 🚁" && direct.poses[3].pose.position.x.isNaN && direct.poses[5].frameID == "world")
        #expect(direct.commands.map(\.step) == [3, -7, 3, 4, 5, 6, 123456789012345678, 1234567890123456789, 1])
        #expect(direct.transforms[1].child == "bödy" && direct.motorSpeeds[1].unit == "rpm")
        // which forms the direct reader takes itself
        for (topic, text, direct) in cases {
            let m = Array(text.utf8)
            let took: Bool
            switch topic {
            case "/pose": took = EpisodeJSONReader.pose(m) != nil
            case "/tf": took = EpisodeJSONReader.transform(m) != nil
            case "/swiftlet/command": took = EpisodeJSONReader.command(m) != nil
            case "/swiftlet/motors": took = EpisodeJSONReader.motors(m) != nil
            default: took = EpisodeJSONReader.rawImage(m, topic: topic, logTime: 0) != nil
            }
            #expect(took == direct, "\(text)")
        }
    }

    /// Malformed messages fail with exactly the generic path's error (file, topic, log time,
    /// field, value, or the JSON syntax error's line and column).
    @Test func malformedMessagesFailWithTheGenericErrors() throws {
        let pose = Self.poseText
        let bad: [(String, String, String)] = [
            ("/pose", "", "unexpected end"),
            ("/pose", "{", "expected a string key"),
            ("/pose", String(pose.dropLast()), "unexpected end inside an object"),
            ("/pose", pose + " x", "unexpected text"),
            ("/pose", pose.replacingOccurrences(of: #""frame_id":"world""#, with: #""frame_id":"world","frame_id":"w""#), "duplicate key"),
            ("/pose", pose.replacingOccurrences(of: #""frame_id":"world""#, with: #""frame_id":5"#), "frame_id: expected a string"),
            ("/pose", pose.replacingOccurrences(of: #""frame_id":"world","#, with: ""), "frame_id: missing"),
            ("/pose", pose.replacingOccurrences(of: #","z":2.0"#, with: ""), "pose.position: expected {x, y, z}"),
            ("/pose", pose.replacingOccurrences(of: #""x":1.25"#, with: #""x":"1.25""#), "pose.position: expected {x, y, z}"),
            ("/pose", pose.replacingOccurrences(of: #""x":1.25"#, with: #""x":nul"#), "invalid literal"),
            ("/pose", pose.replacingOccurrences(of: #""x":1.25"#, with: #""x":1.2.5"#), "invalid value starting with '1.2.5"),
            ("/pose", pose.replacingOccurrences(of: #""x":1.25"#, with: #""x":-"#), "invalid value"),
            ("/pose", pose.replacingOccurrences(of: #""x":1.25"#, with: #""x":1e"#), "invalid value"),
            ("/pose", pose.replacingOccurrences(of: "world", with: "wo\u{1}rld"), "control character"),
            ("/pose", pose.replacingOccurrences(of: "world", with: #"wo\qrld"#), "bad escape"),
            ("/pose", pose.replacingOccurrences(of: #""sec":0"#, with: #""sec":0,"sec":1"#), "duplicate key"),
            ("/tf", #"{"parent_frame_id":"world","child_frame_id":"body","translation":{"x":1,"y":2,"z":3}}"#, "rotation: expected {x, y, z, w}"),
            ("/swiftlet/command", #"{"step":1.5,"values":[1]}"#, "step: expected an integer"),
            ("/swiftlet/command", #"{"step":null,"values":[1]}"#, "step: expected an integer"),
            ("/swiftlet/command", #"{"step":1,"values":[1,]}"#, "invalid value"),
            ("/swiftlet/command", #"{"step":1,"values":"1"}"#, "values: expected an array"),
            ("/swiftlet/command", #"{"step":1,"values":[true]}"#, "values[]: expected a number"),
            ("/swiftlet/command", #"{"step":99999999999999999999,"values":[1]}"#, "step: expected an integer"),
            ("/swiftlet/motors", #"{"speeds":[1,2]}"#, "unit: missing"),
            ("/camera/image", #"{"frame_id":"c","width":2,"height":2,"encoding":"bgr8","step":2,"data":"AAECAw=="}"#, "unsupported image encoding 'bgr8'"),
            ("/camera/image", #"{"frame_id":"c","width":2,"height":2,"encoding":"mono8","step":2,"data":"AAE$Aw=="}"#, "missing or invalid base64"),
            ("/camera/image", #"{"frame_id":"c","width":2,"height":3,"encoding":"mono8","step":2,"data":"AAECAw=="}"#, "4 bytes do not fit 2x3 mono8 with step 2"),
            ("/camera/image", #"{"frame_id":"c","width":3,"height":2,"encoding":"mono8","step":2,"data":"AAECAw=="}"#, "do not fit"),
            ("/camera/image", #"{"width":2,"height":2,"encoding":"mono8","step":2,"data":"AAECAw=="}"#, "frame_id: missing"),
        ]
        for (topic, text, words) in bad {
            let bytes = try rawJSONLog([("/pose", pose), (topic, text)])
            let r = try MCAPReader(bytes: bytes, source: "bad.mcap")
            let direct = inputError { try EpisodeLog.load(r, includeImages: true, validateCRCs: true, directJSON: true) }
            let generic = inputError { try EpisodeLog.load(r, includeImages: true, validateCRCs: true, directJSON: false) }
            #expect(direct != nil && direct == generic, "\(text)")
            let said = direct?.description ?? ""
            #expect(said.hasPrefix("bad.mcap: ") && said.contains(words), "\(said) lacks \(words)")
        }
    }

    /// `EpisodeJSONReader.number` gives `Double(String)`'s value bit for bit (or nil with it) for
    /// text in every form: shortest round-trip, printf exponents and fixed, long, subnormal,
    /// overflowing and underflowing numbers, and random strings of number characters.
    @Test func numbersConvertExactlyAsDoubleFromString() {
        var texts = ["0", "-0", "+0", "0.0", "-0.0", "00", "1", "-1", "+1", ".5", "-.5", "5.", "1.e3", "1e", "1e+", "e5", ".", "-", "+",
                     "--1", "1-", "1e5.5", "1..2", "0.1", "1e22", "1e23", "-1e22", "9007199254740992", "9007199254740993",
                     "9007199254740991", "18014398509481984", "1e-22", "1e-23", "4.9e-324", "5e-324", "2e-324", "1e-400", "1e400",
                     "1.7976931348623157e308", "1.7976931348623159e308", "2.2250738585072011e-308", "2.2250738585072014e-308",
                     "0.1000000000000000055511151231257827", "123456789012345678901234567890", "1234567890123456789",
                     "12345678901234567890", "0.000000000000000000000000000001", "1E2", "1E-2", "0e999999", "1e999999",
                     String(repeating: "9", count: 60), "0." + String(repeating: "0", count: 50) + "1"]
        var rng = RNG(seed: 77)
        for _ in 0..<3000 {
            let v = Double(bitPattern: rng.next())
            guard v.isFinite else { continue }
            texts.append(v.description)
            let digits = rng.int(below: 21)
            texts.append(String(format: "%.\(digits)e", v))
            texts.append(String(format: "%.\(digits)E", v * 1e-300))
            let small = rng.normal() * pow(10, rng.uniform(-6, 8))
            texts += [small.description, String(format: "%.\(rng.int(below: 12))f", small), String(Int64(small * 1000))]
        }
        let alphabet = Array("0123456789-+.eE".utf8)
        for _ in 0..<3000 {
            texts.append(String(decoding: (0..<(1 + rng.int(below: 8))).map { _ in alphabet[rng.int(below: alphabet.count)] }, as: UTF8.self))
        }
        var exact = 0
        for t in texts {
            let bytes = Array(t.utf8)
            let mine = bytes.withUnsafeBufferPointer { EpisodeJSONReader.number($0) }
            #expect(mine?.bitPattern == Double(t)?.bitPattern, "\(t)")
            if bytes.withUnsafeBufferPointer({ EpisodeJSONReader.exactDecimal($0) }) != nil { exact += 1 }
        }
        // the exact path carries a good share on its own
        #expect(exact > 3000)
    }

    /// Random mutations of every kind of message (bytes replaced by JSON punctuation, digits,
    /// letters or anything, inserted, deleted, cuts): whenever the direct reader takes a message,
    /// the generic path takes it too and gives the same sample; never a trap.
    @Test func mutatedMessagesTheDirectReaderTakesDecodeAlikeGenerically() throws {
        let templates: [(EpisodeLog.ChannelKind, String, String)] = [
            (.pose, "/pose", Self.poseText),
            (.tf, "/tf", #"{"timestamp":{"sec":0,"nsec":0},"parent_frame_id":"body","child_frame_id":"camera","translation":{"x":0.02,"y":0.0,"z":-1e-3},"rotation":{"x":-0.5,"y":0.5,"z":-0.5,"w":0.5}}"#),
            (.command, "/swiftlet/command", #"{"timestamp":{"sec":1,"nsec":20000000},"step":102,"values":[1.0841470984807897,0.5,0.02]}"#),
            (.motors, "/swiftlet/motors", #"{"timestamp":{"sec":0,"nsec":50000000},"speeds":[14472.997916927068,14463.0,null],"unit":"rpm"}"#),
            (.jsonImage, "/camera/image", #"{"timestamp":{"sec":0,"nsec":0},"frame_id":"camera","width":2,"height":2,"encoding":"mono8","step":2,"data":"AAECAw=="}"#),
        ]
        let alphabet = Array(#"{}[]":,0123456789.-+eE ntulrfaxyzw"#.utf8)
        var rng = RNG(seed: 12)
        var taken = 0
        for trial in 0..<6000 {
            let (kind, topic, text) = templates[trial % templates.count]
            var bytes = Array(text.utf8)
            for _ in 0..<(1 + rng.int(below: 2)) {
                let at = rng.int(below: bytes.count)
                let b = rng.int(below: 4) == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[rng.int(below: alphabet.count)]
                switch rng.int(below: 4) {
                case 0: bytes[at] = b
                case 1: bytes.insert(b, at: at)
                case 2: bytes.remove(at: at)
                default: bytes = Array(bytes.prefix(at))
                }
                if bytes.isEmpty { break }
            }
            let m = MCAPMessage(channelID: 1, sequence: 0, logTime: 7, publishTime: 7, data: bytes)
            var direct = EpisodeLog(), generic = EpisodeLog()
            guard EpisodeLog.decodeDirect(m, kind: kind, topic: topic, into: &direct) else { continue }
            taken += 1
            let e = inputError { try EpisodeLog.decodeGeneric(m, topic: topic, into: &generic, source: "m") }
            #expect(e == nil && fieldDump(direct) == fieldDump(generic), "\(String(decoding: bytes, as: UTF8.self))")
        }
        // some mutations keep a message readable (a digit for a digit, whitespace)
        #expect(taken > 300)
    }

    /// Swarm logs: poses and commands through the direct reader give the generic path's log,
    /// and a bad pose the generic error.
    @Test func swarmLogsDecodeAsTheGenericPathDoes() throws {
        let w = MCAPWriter(options: MCAPWriter.Options(chunkSize: 1500, background: false))
        let rec = try SwarmRecorder(writer: w, metadata: SwarmLogTests.metadata(vehicles: 3), vehicles: 3)
        var rng = RNG(seed: 5)
        for k in 0..<30 {
            for i in 0..<3 {
                let p = Pose(position: Vec3(Double(bitPattern: rng.next() >> 2), rng.normal(), -0.0),
                             orientation: Quaternion(x: rng.normal(), y: 0.1, z: Double(i), w: 1e-300))
                try rec.command(vehicle: i, time: Double(k) * 0.25, step: k, values: [rng.normal(), 1.0 / 3])
                try rec.pose(vehicle: i, time: Double(k) * 0.25, p)
            }
        }
        try rec.event(vehicle: 1, time: 0.5, step: 2, kind: .collision, detail: "vehicle 2", position: Vec3(1, 2, 3), other: 2)
        try rec.close()
        let r = try MCAPReader(bytes: w.memory, source: "swarm.mcap", validateCRCs: true)
        let direct = try SwarmLog.load(r, validateCRCs: true, directJSON: true)
        let generic = try SwarmLog.load(r, validateCRCs: true, directJSON: false)
        func dump(_ log: SwarmLog) -> [String] {
            var e = EpisodeLog()
            e.metadata = log.metadata
            e.messageCounts = log.messageCounts
            e.timeRange = log.timeRange
            return fieldDump(e) + log.vehicles.flatMap { v in
                e = EpisodeLog()
                e.poses = v.poses
                e.commands = v.commands
                return fieldDump(e) + v.events.map { "\($0)" }
            }
        }
        #expect(direct.vehicles.map(\.poses.count) == [30, 30, 30] && direct.vehicles[1].events.count == 1)
        #expect(dump(direct) == dump(generic))
        // a vehicle past the metadata's count, and a bad pose: the generic errors
        let pose = Self.poseText
        for (topic, text) in [(SwarmTopics.pose(3), pose), (SwarmTopics.pose(0), pose.replacingOccurrences(of: #""y":-0.5,"#, with: ""))] {
            let meta = String(decoding: try MCAPReader(bytes: w.memory, source: "m").messages(topics: [EpisodeTopics.metadata])[0].data,
                              as: UTF8.self)
            let bytes = try rawJSONLog([(EpisodeTopics.metadata, meta), (topic, text)])
            let r = try MCAPReader(bytes: bytes, source: "bad.mcap")
            let d = inputError { try SwarmLog.load(r, validateCRCs: true, directJSON: true) }
            let g = inputError { try SwarmLog.load(r, validateCRCs: true, directJSON: false) }
            #expect(d != nil && d == g)
            #expect(d?.description.contains("\(topic) message at log time 2000000 ns") == true, "\(String(describing: d))")
        }
    }
}
