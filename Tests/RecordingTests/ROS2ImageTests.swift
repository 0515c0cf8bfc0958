import Diagnostics
import Foundation
import Geometry
@testable import Recording
import TestSupport
import Testing

/// Camera frames as ROS 2 `sensor_msgs/msg/Image` in CDR, and the old JSON/base64 frames.
@Suite struct ROS2ImageTests {
    /// The old-format log: `swiftlet log sample --seconds 0.5 --chunk-seconds 0.25` written by the
    /// binary of commit f44f84b (JSON `foxglove.RawImage` images, before CDR).
    static let oldLogPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/mcap_fixtures/json-images-f44f84b.mcap").path

    static func encode(ns: UInt64, frameID: String, width: Int, height: Int, encoding: ImageEncoding,
                       pixels: [UInt8]) -> [UInt8] {
        var b = ByteBuffer()
        pixels.withUnsafeBytes {
            ROS2Image.encode(into: &b, ns: ns, frameID: frameID, width: width, height: height, encoding: encoding,
                             step: width * encoding.bytesPerPixel, pixels: $0)
        }
        return b.bytes
    }

    /// One tiny message against bytes derived by hand from the CDR rules (XCDR1 LE, alignment
    /// counted after the 4-byte encapsulation header). Cross-checked once with the public python
    /// `mcap_ros2` package (0.6.0): `mcap_ros2._dynamic.serialize_dynamic("sensor_msgs/msg/Image",
    /// ROS2Image.schemaText)` on the same message gives exactly these 50 bytes, and its decoder
    /// reads them back.
    @Test func goldenBytesOfATinyMessage() throws {
        let hand: [UInt8] = [
            0x00, 0x01, 0x00, 0x00,                          // encapsulation: CDR little-endian
            0x01, 0x00, 0x00, 0x00,                          // header.stamp.sec = 1        (offset 0)
            0x05, 0x00, 0x00, 0x00,                          // header.stamp.nanosec = 5    (4)
            0x04, 0x00, 0x00, 0x00, 0x63, 0x61, 0x6D, 0x00,  // frame_id "cam" + NUL        (8)
            0x01, 0x00, 0x00, 0x00,                          // height = 1                  (16)
            0x02, 0x00, 0x00, 0x00,                          // width = 2                   (20)
            0x06, 0x00, 0x00, 0x00,                          // encoding length 6           (24)
            0x6D, 0x6F, 0x6E, 0x6F, 0x38, 0x00,              // "mono8" + NUL               (28)
            0x00,                                            // is_bigendian = 0            (34)
            0x00,                                            // padding to 36
            0x02, 0x00, 0x00, 0x00,                          // step = 2                    (36)
            0x02, 0x00, 0x00, 0x00,                          // data count = 2              (40)
            0x07, 0x09,                                      // data                        (44)
        ]
        let mine = Self.encode(ns: 1_000_000_005, frameID: "cam", width: 2, height: 1, encoding: .mono8, pixels: [7, 9])
        #expect(mine == hand)
        let f = try ROS2Image.decode(hand, topic: "/cam/image", logTime: 3, source: "golden", context: "m")
        #expect(f.stamp == 1_000_000_005)
        #expect(f.image == EpisodeLog.ImageSample(logTime: 3, topic: "/cam/image", frameID: "cam", width: 2, height: 1,
                                                  encoding: .mono8, step: 2, data: [7, 9]))
    }

    /// mono8, rgb8 and 32FC1 frames (random pixels, odd sizes, frame ids of every length mod 4)
    /// come back from a log bit for bit, with their times and frame ids, on CDR channels.
    @Test func framesRoundTripThroughALog() throws {
        var rng = RNG(seed: 21)
        let w = MCAPWriter(options: MCAPWriter.Options(chunkSize: 4096))
        let rec = try EpisodeRecorder(writer: w, metadata: SampleEpisode.metadata)
        var sent: [EpisodeLog.ImageSample] = []
        for k in 0..<24 {
            let camera = String(repeating: "c", count: 1 + k % 5)
            let width = 1 + rng.int(below: 13), height = 1 + rng.int(below: 7)
            let encoding = ImageEncoding.allCases[k % 3]
            let t = Double(k) * 0.0371 + (k == 23 ? 4000 : 0)
            var pixels = (0..<(width * height * encoding.bytesPerPixel)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if encoding == .depth32F {
                // NaN, infinity and -0 bit patterns too
                let specials: [Float] = [.nan, .infinity, -0.0, .leastNonzeroMagnitude]
                withUnsafeBytes(of: specials[k % 4]) { for i in 0..<4 { pixels[i] = $0[i] } }
                try pixels.withUnsafeBytes { try rec.image(time: t, camera: camera, width: width, height: height, encoding: .depth32F, pixels: $0) }
            } else {
                try rec.image(time: t, camera: camera, width: width, height: height, encoding: encoding, pixels: pixels)
            }
            let topic = encoding == .depth32F ? EpisodeTopics.depth(camera) : EpisodeTopics.image(camera)
            sent.append(EpisodeLog.ImageSample(logTime: EpisodeRecorder.nanoseconds(t), topic: topic, frameID: camera, width: width,
                                               height: height, encoding: encoding, step: width * encoding.bytesPerPixel, data: pixels))
        }
        try rec.close()
        let reader = try MCAPReader(bytes: w.memory, source: "log", validateCRCs: true)
        let log = try EpisodeLog.load(reader)
        #expect(log.images == sent)
        // the image channels are CDR sensor_msgs/msg/Image, the others stay JSON
        let schemas = try reader.schemas()
        for c in try reader.channels().values {
            let isImage = c.topic.hasSuffix("/image") || c.topic.hasSuffix("/depth")
            #expect(c.messageEncoding == (isImage ? "cdr" : "json"))
            #expect(schemas[c.schemaID]?.encoding == (isImage ? "ros2msg" : "jsonschema"))
            #expect(isImage == (schemas[c.schemaID]?.name == "sensor_msgs/msg/Image"))
        }
        // the stamp in each message is its log time
        for m in try reader.messages() where m.data.first == 0 {
            #expect(try ROS2Image.decode(m.data, topic: "t", logTime: m.logTime, source: "log", context: "m").stamp == m.logTime)
        }
    }

    /// Old logs (JSON images, committed fixture from commit f44f84b) still load, and decode to
    /// exactly what the same episode recorded with CDR images decodes to. Recording with
    /// `imageEncoding: .json` writes every message byte for byte as before.
    @Test func oldJSONLogLoadsLikeTheCDRLog() throws {
        let old = try EpisodeLog.load(path: Self.oldLogPath)
        let options = MCAPWriter.Options(chunkDuration: 250_000_000)
        let cdrBytes = try SampleEpisode.bytes(seconds: 0.5, options: options)
        let new = try EpisodeLog.load(try MCAPReader(bytes: cdrBytes, source: "cdr", validateCRCs: true))
        #expect(old.images.count == 6 && Set(old.images.map(\.encoding)) == Set(ImageEncoding.allCases))
        #expect(new.images == old.images)
        #expect(new.poses == old.poses && new.commands == old.commands && new.transforms == old.transforms)
        #expect(new.metadata == old.metadata && new.events == old.events && new.messageCounts == old.messageCounts)
        // the JSON option reproduces the old messages exactly; with CDR only the image messages differ
        let oldMessages = try MCAPReader(path: Self.oldLogPath).messages()
        let json = try MCAPReader(bytes: try SampleEpisode.bytes(seconds: 0.5, options: options, imageEncoding: .json), source: "json")
        #expect(try json.messages() == oldMessages)
        let channels = try json.channels()
        let cdr = try MCAPReader(bytes: cdrBytes, source: "cdr").messages()
        #expect(cdr.count == oldMessages.count)
        for (a, b) in zip(cdr, oldMessages) {
            let topic = channels[b.channelID]?.topic ?? ""
            let isImage = topic.hasSuffix("/image") || topic.hasSuffix("/depth")
            #expect(isImage ? a.data != b.data && a.data.count < b.data.count : a == b)
        }
    }

    /// Same seed, same log bytes, with CDR images.
    @Test func recordingIsDeterministic() throws {
        let a = try SampleEpisode.bytes(seconds: 0.5), b = try SampleEpisode.bytes(seconds: 0.5)
        #expect(a == b)
        #expect(a != (try SampleEpisode.bytes(seconds: 0.5, imageEncoding: .json)))
    }

    /// Bad CDR throws an `InputError` naming the file, the message and the bad value; never traps.
    @Test func malformedCDRIsRefused() throws {
        let good = Self.encode(ns: 2_500_000_000, frameID: "camera", width: 3, height: 2, encoding: .rgb8,
                               pixels: (0..<18).map { UInt8($0) })
        func decode(_ bytes: [UInt8]) throws -> EpisodeLog.ImageSample {
            try ROS2Image.decode(bytes, topic: "/camera/image", logTime: 1, source: "f.mcap", context: "/camera/image message at log time 1 ns").image
        }
        #expect(try decode(good).width == 3)
        func refused(_ bytes: [UInt8], _ words: [String]) {
            let e = inputError { try decode(bytes) }
            #expect(e != nil)
            let text = e.map { "\($0)" } ?? ""
            for w in ["f.mcap", "/camera/image"] + words { #expect(text.contains(w), "\(text) lacks \(w)") }
        }
        // every proper prefix (short buffer)
        for n in 0..<good.count { refused(Array(good.prefix(n)), []) }
        // wrong encapsulation: parameter-list CDR, XCDR2 (00 00, big-endian CDR, is read: see below)
        var bad = good; bad[1] = 0x02
        refused(bad, ["encapsulation", "00 02"])
        bad = good; bad[1] = 0x07
        refused(bad, ["encapsulation", "00 07"])
        // frame_id length past the end (offset 8 after the header)
        bad = good; bad[12] = 0xFF; bad[13] = 0xFF; bad[14] = 0xFF; bad[15] = 0x7F
        refused(bad, ["header.frame_id", "2147483647"])
        // a string that is not NUL-terminated
        bad = good; bad[12 + 4 + 6] = UInt8(ascii: "x")
        refused(bad, ["header.frame_id", "NUL"])
        // unknown pixel encoding: "rgb8" -> "bgr8" (frame_id "camera\0" ends at 4+8+4+7 = 23, pad to 24, h, w, len)
        let encAt = 4 + 8 + 4 + 8 + 8 + 4
        #expect(Array(good[encAt..<(encAt + 4)]) == Array("rgb8".utf8))
        bad = good; bad[encAt] = UInt8(ascii: "b"); bad[encAt + 2] = UInt8(ascii: "r")
        refused(bad, ["encoding", "bgr8"])
        // height changed: step * height no longer equals the data count
        #expect(good[4 + 20] == 2)
        bad = good; bad[4 + 20] = 3
        refused(bad, ["data count 18", "3x3", "step 9"])
        // step smaller than a row
        let stepAt = encAt + 5 + 1 + 2
        #expect(good[stepAt] == 9)
        bad = good; bad[stepAt] = 8
        refused(bad, ["step 8"])
        // a data count past the end
        bad = good; bad[stepAt + 4] = 0xFF; bad[stepAt + 7] = 0xFF
        refused(bad, ["data"])
        // a stamp out of range: negative seconds
        bad = good; bad[4 + 3] = 0x80
        refused(bad, ["header.stamp"])
        // random corruption: an error or a frame, never a trap
        var rng = RNG(seed: 4)
        for _ in 0..<3000 {
            var m = good
            for _ in 0..<(1 + rng.int(below: 3)) { m[rng.int(below: m.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            if let f = try? decode(m) {
                #expect(f.data.count == f.step * f.height)
            }
        }
    }

    /// A big-endian `32FC1` frame (`is_bigendian` 1, as a big-endian machine's driver writes it)
    /// decodes to the same little-endian pixels as the little-endian frame of the same values; row
    /// padding is left as it is, and a one-byte encoding is not touched by the flag.
    @Test func bigEndianDepthDecodesToTheSameValues() throws {
        let values: [Float] = [1.5, -2.25, 0.001, .infinity, 3, 0]
        let width = 3, height = 2, step = width * 4 + 2
        func message(bigEndian: Bool) -> [UInt8] {
            var pixels: [UInt8] = []
            for row in 0..<height {
                for x in 0..<width {
                    let bits = values[row * width + x].bitPattern
                    pixels += withUnsafeBytes(of: bigEndian ? bits.bigEndian : bits.littleEndian, Array.init)
                }
                pixels += [0xAA, 0xBB]
            }
            var b = ByteBuffer()
            pixels.withUnsafeBytes {
                ROS2Image.encode(into: &b, ns: 5, frameID: "c", width: width, height: height, encoding: .depth32F,
                                 step: step, pixels: $0)
            }
            var m = b.bytes
            let flagAt = 4 + 8 + 8 + 8 + 4 + 6  // encapsulation, stamp, "c", height/width, "32FC1"
            #expect(m[flagAt] == 0)
            if bigEndian { m[flagAt] = 1 }
            return m
        }
        func decode(_ m: [UInt8]) throws -> EpisodeLog.ImageSample {
            try ROS2Image.decode(m, topic: "/depth", logTime: 5, source: "f.mcap", context: "test").image
        }
        let little = try decode(message(bigEndian: false)), big = try decode(message(bigEndian: true))
        #expect(message(bigEndian: false) != message(bigEndian: true))
        #expect(big.data == little.data)
        #expect(big.step == step && big.width == width && big.height == height)
        let decoded = (0..<height).flatMap { row in
            (0..<width).map { x in
                let at = row * step + 4 * x
                return Float(bitPattern: UInt32(big.data[at]) | UInt32(big.data[at + 1]) << 8
                    | UInt32(big.data[at + 2]) << 16 | UInt32(big.data[at + 3]) << 24)
            }
        }
        #expect(decoded == values)
        #expect(Array(big.data[12..<14]) == [0xAA, 0xBB])
        // mono8 with the flag set is the same image
        var mono = Self.encode(ns: 1, frameID: "c", width: 2, height: 1, encoding: .mono8, pixels: [7, 9])
        let plain = try decode(mono)
        mono[4 + 8 + 8 + 8 + 4 + 6] = 1  // "mono8\0" is as long as "32FC1\0"
        #expect(try decode(mono).data == plain.data)
    }

    /// A big-endian CDR message (encapsulation 00 00: every uint32/int32 field big-endian, the
    /// same layout and alignment), built here byte by byte and independently of the decoder.
    static func bigEndianMessage(sec: UInt32, nanosec: UInt32, frameID: String, height: UInt32, width: UInt32,
                                 encoding: String, isBigEndian: UInt8, step: UInt32, data: [UInt8]) -> [UInt8] {
        var m: [UInt8] = [0x00, 0x00, 0x00, 0x00]
        func u32(_ v: UInt32) { m += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
        func pad4() { while (m.count - 4) % 4 != 0 { m.append(0) } }
        func string(_ s: String) { pad4(); u32(UInt32(s.utf8.count + 1)); m += Array(s.utf8) + [0] }
        u32(sec); u32(nanosec)
        string(frameID)
        pad4(); u32(height); u32(width)
        string(encoding)
        m.append(isBigEndian)
        pad4(); u32(step)
        u32(UInt32(data.count)); m += data
        return m
    }

    /// Big-endian CDR: the golden bytes of a tiny message, then every field of bigger ones
    /// (odd frame id lengths, rgb8, and 32FC1 with big-endian pixels), each equal to the
    /// little-endian message of the same image; through `EpisodeLog.load` too. The golden bytes
    /// are what the public `mcap_ros2` CdrWriter writes with encapsulation CDR_BE, and its
    /// decoder reads them back (tools/cdr_be_check.py, run by `make check-mcap`).
    @Test func bigEndianCDRDecodesEveryField() throws {
        let hand: [UInt8] = [
            0x00, 0x00, 0x00, 0x00,                          // encapsulation: CDR big-endian
            0x00, 0x00, 0x00, 0x01,                          // header.stamp.sec = 1        (offset 0)
            0x00, 0x00, 0x00, 0x05,                          // header.stamp.nanosec = 5    (4)
            0x00, 0x00, 0x00, 0x04, 0x63, 0x61, 0x6D, 0x00,  // frame_id "cam" + NUL        (8)
            0x00, 0x00, 0x00, 0x01,                          // height = 1                  (16)
            0x00, 0x00, 0x00, 0x02,                          // width = 2                   (20)
            0x00, 0x00, 0x00, 0x06,                          // encoding length 6           (24)
            0x6D, 0x6F, 0x6E, 0x6F, 0x38, 0x00,              // "mono8" + NUL               (28)
            0x00,                                            // is_bigendian = 0            (34)
            0x00,                                            // padding to 36
            0x00, 0x00, 0x00, 0x02,                          // step = 2                    (36)
            0x00, 0x00, 0x00, 0x02,                          // data count = 2              (40)
            0x07, 0x09,                                      // data                        (44)
        ]
        #expect(Self.bigEndianMessage(sec: 1, nanosec: 5, frameID: "cam", height: 1, width: 2, encoding: "mono8", isBigEndian: 0,
                                      step: 2, data: [7, 9]) == hand)
        let tiny = try ROS2Image.decode(hand, topic: "/cam/image", logTime: 3, source: "golden", context: "m")
        #expect(tiny.stamp == 1_000_000_005)
        #expect(tiny.image == EpisodeLog.ImageSample(logTime: 3, topic: "/cam/image", frameID: "cam", width: 2, height: 1,
                                                     encoding: .mono8, step: 2, data: [7, 9]))
        // bigger frames: every frame id length mod 4, rows with padding, stamps with four distinct bytes
        var rng = RNG(seed: 8)
        for k in 0..<12 {
            let frameID = String(repeating: "f", count: k % 5) + (k % 3 == 0 ? "_optical" : "")
            let encoding = ImageEncoding.allCases[k % 3]
            let width = 1 + rng.int(below: 9), height = 1 + rng.int(below: 5)
            let step = width * encoding.bytesPerPixel + k % 3
            let sec = UInt32(0x0102_0304 + k), nanosec = UInt32(0x0506_0708 + k)
            var values: [UInt8] = (0..<(step * height)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var big = values
            if encoding == .depth32F {
                // pixels written big-endian (is_bigendian 1): each float's bytes reversed, padding kept
                for row in 0..<height { for x in 0..<width { big[(row * step + 4 * x)..<(row * step + 4 * x + 4)].reverse() } }
            } else {
                values = big
            }
            let m = Self.bigEndianMessage(sec: sec, nanosec: nanosec, frameID: frameID, height: UInt32(height), width: UInt32(width),
                                          encoding: encoding.rawValue, isBigEndian: encoding == .depth32F ? 1 : 0, step: UInt32(step),
                                          data: big)
            let f = try ROS2Image.decode(m, topic: "/c/image", logTime: 11, source: "be.mcap", context: "m")
            #expect(f.stamp == UInt64(sec) * 1_000_000_000 + UInt64(nanosec))
            #expect(f.image.frameID == frameID && f.image.height == height && f.image.width == width)
            #expect(f.image.encoding == encoding && f.image.step == step && f.image.data == values)
            // the little-endian message of the same image decodes to the same sample
            var le = ByteBuffer()
            values.withUnsafeBytes {
                ROS2Image.encode(into: &le, ns: UInt64(sec) * 1_000_000_000 + UInt64(nanosec), frameID: frameID, width: width,
                                 height: height, encoding: encoding, step: step, pixels: $0)
            }
            #expect(try ROS2Image.decode(le.bytes, topic: "/c/image", logTime: 11, source: "le.mcap", context: "m") == f)
        }
        // in a log
        let w = MCAPWriter(options: MCAPWriter.Options(background: false))
        let s = try w.addSchema(name: ROS2Image.schemaName, encoding: ROS2Image.schemaEncoding, data: Array(ROS2Image.schemaText.utf8))
        let c = try w.addChannel(topic: "/camera/image", messageEncoding: "cdr", schemaID: s)
        try w.write(channel: c, logTime: 1_000_000_005) { $0.raw(hand) }
        try w.close()
        let log = try EpisodeLog.load(try MCAPReader(bytes: w.memory, source: "be.mcap"))
        #expect(log.images == [EpisodeLog.ImageSample(logTime: 1_000_000_005, topic: "/camera/image", frameID: "cam", width: 2,
                                                      height: 1, encoding: .mono8, step: 2, data: [7, 9])])
    }

    /// A cut or corrupt big-endian message gives the same clear errors as a little-endian one:
    /// every proper prefix, a length past the end (read big-endian), a bad stamp.
    @Test func malformedBigEndianCDRIsRefused() throws {
        let good = Self.bigEndianMessage(sec: 2, nanosec: 500_000_000, frameID: "camera", height: 2, width: 3, encoding: "rgb8",
                                         isBigEndian: 0, step: 9, data: (0..<18).map { UInt8($0) })
        func decode(_ bytes: [UInt8]) throws -> EpisodeLog.ImageSample {
            try ROS2Image.decode(bytes, topic: "/camera/image", logTime: 1, source: "f.mcap", context: "/camera/image message at log time 1 ns").image
        }
        #expect(try decode(good).data == (0..<18).map { UInt8($0) })
        func refused(_ bytes: [UInt8], _ words: [String]) {
            let text = inputError { try decode(bytes) }.map { "\($0)" } ?? ""
            for w in ["f.mcap: byte ", "/camera/image message at log time 1 ns (sensor_msgs/msg/Image CDR)"] + words {
                #expect(text.contains(w), "\(text) lacks \(w)")
            }
        }
        for n in 0..<good.count { refused(Array(good.prefix(n)), []) }
        // the data count, cut by one byte: "data length 18 exceeds the 17 bytes left"
        refused(Array(good.dropLast()), ["data length 18 exceeds the 17 bytes left"])
        // frame_id length 0x7FFFFFFF, big-endian at offset 8 after the header
        var bad = good; bad[12] = 0x7F; bad[13] = 0xFF; bad[14] = 0xFF; bad[15] = 0xFF
        refused(bad, ["header.frame_id length 2147483647 exceeds"])
        // the same length written little-endian is a different, huge big-endian number
        bad = good; bad[12] = 0x07; bad[13] = 0; bad[14] = 0; bad[15] = 0
        refused(bad, ["header.frame_id length 117440512 exceeds"])
        // a negative stamp (sign bit in the first byte when big-endian)
        bad = good; bad[4] = 0x80
        refused(bad, ["header.stamp -2147483646 s"])
        // height changed: the count no longer fits (height at offset 20 after the header, its low byte last)
        bad = good; bad[4 + 20 + 3] = 3
        refused(bad, ["data count 18 does not fit 3x3 rgb8 with step 9"])
    }

    /// Through `EpisodeLog.load`: a bad CDR frame in a log names the file and the topic.
    @Test func badFrameInALogNamesFileAndTopic() throws {
        let w = MCAPWriter()
        let s = try w.addSchema(name: ROS2Image.schemaName, encoding: ROS2Image.schemaEncoding, data: Array(ROS2Image.schemaText.utf8))
        let c = try w.addChannel(topic: "/camera/image", messageEncoding: "cdr", schemaID: s)
        var m = Self.encode(ns: 7, frameID: "camera", width: 2, height: 2, encoding: .mono8, pixels: [1, 2, 3, 4])
        m.removeLast()
        try w.write(channel: c, logTime: 7) { $0.raw(m) }
        try w.close()
        let e = inputError { try EpisodeLog.load(try MCAPReader(bytes: w.memory, source: "bad.mcap")) }
        let text = try #require(e.map { "\($0)" })
        #expect(text.contains("bad.mcap") && text.contains("/camera/image message at log time 7 ns") && text.contains("data"))
        // skipped when images are not wanted
        #expect(try EpisodeLog.load(try MCAPReader(bytes: w.memory, source: "bad.mcap"), includeImages: false).images.isEmpty)
    }

    @Test func commandLineEncodingNames() throws {
        #expect(try ImageMessageEncoding.parse(nil, recording: false) == .cdr)
        #expect(try ImageMessageEncoding.parse("json", recording: true) == .json)
        #expect(try ImageMessageEncoding.parse("cdr", recording: true) == .cdr)
        #expect { _ = try ImageMessageEncoding.parse("png", recording: true) } throws: {
            ($0 as? InputError)?.source == "--image-encoding" && "\($0)".contains("png")
        }
        // the flag without --record would be silently ignored
        #expect { _ = try ImageMessageEncoding.parse("json", recording: false) } throws: { "\($0)".contains("--record") }
    }
}
