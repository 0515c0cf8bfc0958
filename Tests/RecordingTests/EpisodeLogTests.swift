import Diagnostics
import Foundation
import Geometry
@testable import Recording
import TestSupport
import Testing

/// JSON text of each message on `topic`, parsed by Foundation (an independent JSON reader).
func foundationJSON(_ bytes: [UInt8], topic: String) throws -> [[String: Any]] {
    let r = try MCAPReader(bytes: bytes, source: "log")
    let ch = try #require(r.summary?.channels.values.first { $0.topic == topic })
    return try r.messages(topics: [topic]).map { m in
        #expect(m.channelID == ch.id)
        return try #require(try JSONSerialization.jsonObject(with: Data(m.data)) as? [String: Any])
    }
}

@Suite struct EpisodeLogTests {
    func sampleBytes(seconds: Double = 1, imageEncoding: ImageMessageEncoding = .cdr) throws -> [UInt8] {
        let w = MCAPWriter(options: MCAPWriter.Options(chunkDuration: 250_000_000))
        let rec = try EpisodeRecorder(writer: w, metadata: SampleEpisode.metadata, imageEncoding: imageEncoding)
        try SampleEpisode.record(into: rec, seconds: seconds)
        try rec.close()
        return w.memory
    }

    /// (with JSON images, `foxglove.RawImage`: the CDR images are ROS2ImageTests')
    @Test func foxgloveMessagesHaveTheFoxgloveFields() throws {
        let bytes = try sampleBytes(imageEncoding: .json)
        let r = try MCAPReader(bytes: bytes, source: "log", validateCRCs: true)
        let s = try #require(r.summary)
        // schema names, encodings and valid JSON schema texts
        let names = Dictionary(uniqueKeysWithValues: s.channels.values.map { ($0.topic, s.schemas[$0.schemaID]!.name) })
        #expect(names["/pose"] == "foxglove.PoseInFrame")
        #expect(names["/tf"] == "foxglove.FrameTransform")
        #expect(names["/camera/image"] == "foxglove.RawImage")
        #expect(names["/camera/depth"] == "foxglove.RawImage")
        #expect(names["/camera/calibration"] == "foxglove.CameraCalibration")
        #expect(names["/scene"] == "foxglove.SceneUpdate")
        #expect(names["/planner/paths"] == "foxglove.SceneUpdate")
        #expect(names["/swiftlet/command"] == "swiftlet.Command")
        for schema in s.schemas.values {
            #expect(schema.encoding == "jsonschema")
            let j = try #require(try JSONSerialization.jsonObject(with: Data(schema.data)) as? [String: Any])
            #expect(j["title"] as? String == schema.name)
        }
        #expect(s.channels.values.allSatisfy { $0.messageEncoding == "json" })

        let pose = try foundationJSON(bytes, topic: "/pose")[7]
        let ts = try #require(pose["timestamp"] as? [String: Any])
        #expect(ts["sec"] as? Int == 0 && ts["nsec"] as? Int == 70_000_000)
        #expect(pose["frame_id"] as? String == "world")
        let p = try #require(pose["pose"] as? [String: Any])
        let q = try #require(p["orientation"] as? [String: Double])
        #expect(Set(q.keys) == ["x", "y", "z", "w"])
        #expect(isClose(q.values.map { $0 * $0 }.reduce(0, +), 1, abs: 1e-12))
        #expect(Set((p["position"] as! [String: Double]).keys) == ["x", "y", "z"])

        let tf = try foundationJSON(bytes, topic: "/tf")
        #expect(tf[0]["parent_frame_id"] as? String == "world" && tf[0]["child_frame_id"] as? String == "body")
        #expect(tf[1]["parent_frame_id"] as? String == "body" && tf[1]["child_frame_id"] as? String == "camera")
        #expect(tf[1]["translation"] as? [String: Double] == ["x": 0.02, "y": 0, "z": 0.01])
        #expect(tf[1]["rotation"] as? [String: Double] == ["x": -0.5, "y": 0.5, "z": -0.5, "w": 0.5])

        let img = try foundationJSON(bytes, topic: "/camera/image")[1]
        #expect(img["encoding"] as? String == "mono8" && img["width"] as? Int == 96 && img["height"] as? Int == 72)
        #expect(img["step"] as? Int == 96 && img["frame_id"] as? String == "camera")
        let pixels = [UInt8](try #require(Data(base64Encoded: img["data"] as! String)))
        #expect(pixels.count == 96 * 72)
        #expect(pixels[2 * 96 + 3] == UInt8(truncatingIfNeeded: 3 + 2 * 2 + 5 * 1))
        let rgb = try foundationJSON(bytes, topic: "/rgb/image")[0]
        #expect(rgb["encoding"] as? String == "rgb8" && rgb["step"] as? Int == 96 * 3)
        let depth = try foundationJSON(bytes, topic: "/camera/depth")[0]
        #expect(depth["encoding"] as? String == "32FC1" && depth["step"] as? Int == 96 * 4)
        let d = [UInt8](Data(base64Encoded: depth["data"] as! String)!)
        let d5 = d[20..<24].withUnsafeBytes { $0.loadUnaligned(as: Float.self) }
        #expect(d5 == 0.5 + 5 * 0.05)

        let cal = try foundationJSON(bytes, topic: "/camera/calibration")[0]
        #expect(cal["K"] as? [Double] == [48, 0, 47.5, 0, 48, 35.5, 0, 0, 1])
        #expect((cal["P"] as? [Double])?.count == 12 && (cal["R"] as? [Double])?.count == 9)
        #expect(cal["distortion_model"] as? String == "plumb_bob")

        let scene = try foundationJSON(bytes, topic: "/scene")
        #expect(scene.count == 1)
        let ent = try #require((scene[0]["entities"] as? [[String: Any]])?.first)
        #expect(ent["frame_id"] as? String == "world" && ent["id"] as? String == "obstacles")
        let cubes = try #require(ent["cubes"] as? [[String: Any]])
        #expect(cubes.count == 1 && cubes[0]["size"] as? [String: Double] == ["x": 1, "y": 0.5, "z": 1])
        let cyl = try #require(ent["cylinders"] as? [[String: Any]])
        #expect(cyl.count == 1 && cyl[0]["size"] as? [String: Double] == ["x": 0.4, "y": 0.4, "z": 2])
        let sph = try #require(ent["spheres"] as? [[String: Any]])
        #expect(sph.count == 1 && (sph[0]["size"] as? [String: Double])?["x"] == 0.8)

        let plan = try foundationJSON(bytes, topic: "/planner/paths")[0]
        let lines = try #require(((plan["entities"] as? [[String: Any]])?.first?["lines"]) as? [[String: Any]])
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0["type"] as? Int == 0 && ($0["points"] as? [Any])?.count == 5 })
        let red = lines[2]["color"] as! [String: Double], green = lines[0]["color"] as! [String: Double]
        #expect(red["r"]! > 0.9 && red["g"]! < 0.1 && green["g"]! > 0.9 && green["r"]! < 0.1)

        let cmd = try foundationJSON(bytes, topic: "/swiftlet/command")[3]
        #expect(cmd["step"] as? Int == 3 && (cmd["values"] as? [Double])?.count == 3)
        let ev = try foundationJSON(bytes, topic: "/swiftlet/events")
        #expect(ev.map { $0["kind"] as? String } == ["warning", "collision", "reset"])
        let meta = try foundationJSON(bytes, topic: "/swiftlet/metadata")
        #expect(meta.count == 1 && meta[0]["robot"] as? String == "cf2x" && meta[0]["profile"] as? String == "sim")
    }

    /// Poses and commands come back bit for bit, also for awkward doubles.
    @Test func episodeLogRoundTripsBitExactly() throws {
        var rng = RNG(seed: 11)
        let awkward: [Double] = [0, -0.0, 1, -1, 0.1, 1.0 / 3, .pi, 1e-300, .leastNonzeroMagnitude, -2.2250738585072014e-308,
                                 1.7976931348623157e308, 123456789.123456789, 9007199254740994, 1e15, 1e16, -1e22]
        let meta = EpisodeMetadata(world: "forest \"quoted\"\n", seed: .max, robot: "cf2x", profile: "real", dt: 0.002,
                                   commandNames: ["a", "b"], extra: ["policy": "p.safetensors", "ü": "ß"])
        let w = MCAPWriter(options: MCAPWriter.Options(chunkSize: 2000))
        let rec = try EpisodeRecorder(writer: w, metadata: meta)
        var poses: [Pose] = [], commands: [[Double]] = []
        for i in 0..<200 {
            let v = { (k: Int) -> Double in i < awkward.count ? awkward[(i + k) % awkward.count] : rng.normal() * pow(10, rng.uniform(-8, 8)) }
            let pose = Pose(position: Vec3(v(0), v(1), v(2)),
                            orientation: Quaternion(x: v(3), y: v(4), z: v(5), w: v(6)))
            let c = [v(7), v(8)]
            poses.append(pose); commands.append(c)
            let t = Double(i) * 0.002
            try rec.command(time: t, step: i, values: c)
            try rec.pose(time: t, pose)
            try rec.transforms(time: t, pose_WB: pose, pose_BC: nil)
            if i % 50 == 0 {
                try rec.event(time: t, step: i, kind: .warning, detail: "w\(i)", position: pose.position)
                try rec.motorSpeeds(time: t, [v(9), v(10)], unit: "rad/s")
                try rec.planner(time: t, step: i, PlannerDiagnostics(planner: "mppi", bestCost: v(11), collisionProbability: 0.25,
                                                                      candidates: 128, iterations: 2, values: ["x": v(12)]))
            }
        }
        try rec.close()
        let dir = TempDir("episode")
        defer { dir.remove() }
        try Data(w.memory).write(to: URL(fileURLWithPath: dir.file("e.mcap")))
        let log = try EpisodeLog.load(path: dir.file("e.mcap"))
        #expect(log.metadata == meta)
        #expect(log.truncation == nil)
        #expect(log.poses.count == 200 && log.commands.count == 200 && log.transforms.count == 200)
        func bits(_ p: Pose) -> [UInt64] {
            [p.position.x, p.position.y, p.position.z, p.orientation.x, p.orientation.y, p.orientation.z, p.orientation.w].map(\.bitPattern)
        }
        for i in 0..<200 {
            #expect(bits(log.poses[i].pose) == bits(poses[i]), "pose \(i)")
            #expect(bits(log.transforms[i].pose) == bits(poses[i]), "transform \(i)")
            #expect(log.commands[i].values.map(\.bitPattern) == commands[i].map(\.bitPattern), "command \(i)")
            #expect(log.commands[i].step == i)
            #expect(log.poses[i].logTime == EpisodeRecorder.nanoseconds(Double(i) * 0.002))
        }
        #expect(log.events.count == 4 && log.events[1].kind == .warning && log.events[1].step == 50)
        #expect(log.events[1].position.map { [$0.x, $0.y, $0.z].map(\.bitPattern) } == [poses[50].position.x, poses[50].position.y, poses[50].position.z].map(\.bitPattern))
        #expect(log.motorSpeeds.count == 4 && log.motorSpeeds[0].unit == "rad/s")
        #expect(log.planner.count == 4 && log.planner[2].diagnostics.candidates == 128)
        #expect(log.messageCounts["/pose"] == 200 && log.messageCounts["/swiftlet/metadata"] == 1)
    }

    @Test func imagesRoundTripAndCutLogsLoad() throws {
        let bytes = try sampleBytes(seconds: 1)
        let full = try EpisodeLog.load(try MCAPReader(bytes: bytes, source: "s"))
        #expect(full.images.filter { $0.topic == "/camera/image" }.count == 4)
        let depth = try #require(full.images.first { $0.encoding == .depth32F })
        #expect(depth.step == 96 * 4 && depth.data.count == 96 * 4 * 72)
        #expect(full.metadata == SampleEpisode.metadata)
        // a cut log loads what its complete chunks hold and says it was cut
        let cut = try EpisodeLog.load(try MCAPReader(bytes: Array(bytes[0..<(bytes.count * 3 / 5)]), source: "cut"))
        #expect(cut.truncation != nil)
        #expect(cut.poses.count > 0 && cut.poses.count < full.poses.count)
        #expect(cut.poses == Array(full.poses[0..<cut.poses.count]))
        #expect(cut.metadata == SampleEpisode.metadata)
        // without images
        #expect(try EpisodeLog.load(try MCAPReader(bytes: bytes, source: "s"), includeImages: false).images.isEmpty)
    }

    @Test func base64MatchesFoundation() {
        var rng = RNG(seed: 3)
        for n in 0..<70 {
            let data = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var b = ByteBuffer()
            data.withUnsafeBytes { b.jsonBase64($0) }
            let text = String(decoding: b.bytes.dropFirst().dropLast(), as: UTF8.self)
            #expect(text == Data(data).base64EncodedString())
            #expect(Base64.decode(Array(text.utf8)) == data)
        }
        #expect(Base64.decode(Array("a$==".utf8)) == nil)
        #expect(Base64.decode(Array("abcde".utf8)) == nil)
    }

    @Test func jsonNumbersAndStringsRoundTrip() throws {
        var rng = RNG(seed: 9)
        for _ in 0..<2000 {
            let v = Double(bitPattern: rng.next())
            var b = ByteBuffer()
            b.jsonNumber(v)
            let t = String(decoding: b.bytes, as: UTF8.self)
            if v.isFinite {
                #expect(Double(t)?.bitPattern == v.bitPattern, "\(t)")
            } else {
                #expect(t == "null")
            }
        }
        for i: Int64 in [0, 1, -1, 42, Int64.max, Int64.min] {
            var b = ByteBuffer()
            b.jsonInt(i)
            #expect(String(decoding: b.bytes, as: UTF8.self) == String(i))
        }
        var b = ByteBuffer()
        b.jsonUInt(.max)
        #expect(String(decoding: b.bytes, as: UTF8.self) == "18446744073709551615")
        let s = "quote \" backslash \\ newline \n tab \t bell \u{7} ü 🚁"
        var sb = ByteBuffer()
        sb.jsonString(s)
        #expect(try JSONSerialization.jsonObject(with: Data(sb.bytes), options: .fragmentsAllowed) as? String == s)
        #expect(try JSONValue.parse(sb.bytes).string == s)
        #expect(try JSONValue.parse(Array(#"{"a":[1,2.5e-3,true,null,"\u00e9\ud83d\ude81"]}"#.utf8))["a"]?.array?[4].string == "é🚁")
        #expect(inputError { try JSONValue.parse(Array("[1,2".utf8)) } != nil)
        #expect(inputError { try JSONValue.parse(Array(repeating: UInt8(ascii: "["), count: 1000)) }?.description.contains("nesting") == true)
    }

    @Test func opticalRotationMapsCameraAxes() {
        let q = EpisodeRecorder.opticalFromForward
        // optical z (forward) is camera x, optical x (right) is camera -y, optical y (down) is camera -z
        #expect(isClose(q.rotate(Vec3(0, 0, 1)), Vec3(1, 0, 0)))
        #expect(isClose(q.rotate(Vec3(1, 0, 0)), Vec3(0, -1, 0)))
        #expect(isClose(q.rotate(Vec3(0, 1, 0)), Vec3(0, 0, -1)))
    }
}
