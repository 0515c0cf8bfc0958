import Diagnostics

/// ROS 2 `sensor_msgs/msg/Image` messages in CDR (XCDR1, little-endian), as rosbag2 and the
/// public `mcap_ros2` package write them, and Foxglove's Image panel reads them. `decode` also
/// reads big-endian CDR (encapsulation `00 00`).
///
/// Layout after the 4-byte encapsulation header `00 01 00 00` (alignment is relative to the end
/// of that header): `header.stamp.sec` int32, `header.stamp.nanosec` uint32, `header.frame_id`
/// (uint32 length counting the NUL, bytes, NUL), `height` uint32, `width` uint32, `encoding`
/// (string as above), `is_bigendian` uint8, `step` uint32 (bytes per row), `data` (uint32 count,
/// bytes). Every uint32 sits at a multiple of 4.
public enum ROS2Image {
    public static let schemaName = "sensor_msgs/msg/Image"
    public static let schemaEncoding = "ros2msg"
    public static let messageEncoding = "cdr"
    /// The message definition with its dependencies, concatenated the way rosbag2 writes them
    /// (a line of 80 `=` and `MSG: <type>` before each dependency).
    public static let schemaText = """
        std_msgs/Header header
        uint32 height
        uint32 width
        string encoding
        uint8 is_bigendian
        uint32 step
        uint8[] data

        ================================================================================
        MSG: std_msgs/Header
        builtin_interfaces/Time stamp
        string frame_id

        ================================================================================
        MSG: builtin_interfaces/Time
        int32 sec
        uint32 nanosec

        """
    /// The largest log time (ns) a stamp holds: `header.stamp.sec` is an int32.
    public static let maxStamp = UInt64(Int32.max) * 1_000_000_000 + 999_999_999

    /// Appends one Image message (encapsulation header included) for log time `ns` to `b`:
    /// `pixels` rows top to bottom, `step` bytes per row. No allocation beyond `b`'s growth.
    /// `ns` must be below `maxStamp` (the stamp's seconds are an int32).
    public static func encode(into b: inout ByteBuffer, ns: UInt64, frameID: String, width: Int, height: Int,
                              encoding: ImageEncoding, step: Int, pixels: UnsafeRawBufferPointer) {
        b.u32(0x0000_0100)  // the encapsulation header 00 01 00 00
        // alignment counts from here
        let base = b.count
        func pad4(_ b: inout ByteBuffer) {
            while (b.count - base) & 3 != 0 { b.u8(0) }
        }
        func string(_ b: inout ByteBuffer, _ s: String) {
            var s = s
            s.withUTF8 { u in
                pad4(&b)
                b.u32(UInt32(u.count + 1))
                b.raw(UnsafeRawBufferPointer(u))
                b.u8(0)
            }
        }
        b.u32(UInt32(truncatingIfNeeded: Int32(ns / 1_000_000_000)))
        b.u32(UInt32(ns % 1_000_000_000))
        string(&b, frameID)
        pad4(&b)
        b.u32(UInt32(height)); b.u32(UInt32(width))
        string(&b, encoding.rawValue)
        b.u8(0)  // is_bigendian: pixels are little-endian
        pad4(&b)
        b.u32(UInt32(step))
        b.u32(UInt32(pixels.count))
        b.raw(pixels)
    }

    /// Decodes one CDR Image message of `topic` logged at `logTime` (ns): the image, and its
    /// `header.stamp` in nanoseconds (Swiftlet writes the log time there). Little-endian CDR
    /// (encapsulation `00 01`, what Swiftlet and rosbag2 on x86/ARM write) and big-endian CDR
    /// (`00 00`, from a big-endian writer: every uint32/int32 field big-endian, same layout and
    /// alignment) are read; the pixels' own byte order is `is_bigendian`, independent of it.
    /// `source` (file) and `context` (topic and message) name the message in errors, which also
    /// name the field and the bad value: another encapsulation, a buffer too short for a field, a
    /// length past the end, an unknown pixel encoding, `step * height` different from the data
    /// count, a negative stamp. Every length is checked against the bytes left before anything is
    /// read or allocated.
    public static func decode(_ bytes: [UInt8], topic: String, logTime: UInt64, source: String,
                              context: String) throws -> (image: EpisodeLog.ImageSample, stamp: UInt64) {
        var r = ByteReader(bytes, from: 0, to: bytes.count, source: source, context: context + " (sensor_msgs/msg/Image CDR)")
        let kind = try r.u16("encapsulation")
        _ = try r.u16("encapsulation options")
        // bytes 00 01 (read little-endian: 0x0100) are CDR_LE, 00 00 CDR_BE
        guard kind == 0x0100 || kind == 0x0000 else {
            throw r.error(String(format: "encapsulation %02x %02x, expected 00 01 (CDR little-endian) or 00 00 (CDR big-endian)",
                                 UInt8(kind & 0xFF), UInt8(kind >> 8)))
        }
        let be = kind == 0x0000
        let base = r.pos
        let sec = Int32(bitPattern: try r.u32("header.stamp.sec", bigEndian: be))
        let nanosec = try r.u32("header.stamp.nanosec", bigEndian: be)
        guard sec >= 0, nanosec < 1_000_000_000 else {
            throw r.error("header.stamp \(sec) s \(nanosec) ns is not a time since the episode start")
        }
        let frameID = try cdrString(&r, base: base, bigEndian: be, "header.frame_id")
        try r.align4(from: base, "height")
        let height = Int(try r.u32("height", bigEndian: be)), width = Int(try r.u32("width", bigEndian: be))
        let e = try cdrString(&r, base: base, bigEndian: be, "encoding")
        guard let encoding = ImageEncoding(rawValue: e) else {
            throw r.error("encoding '\(e)' is not one of mono8, rgb8, 32FC1")
        }
        let bigEndian = try r.u8("is_bigendian") != 0  // a bool: any non-zero byte is true
        try r.align4(from: base, "step")
        let step = Int(try r.u32("step", bigEndian: be))
        let count = try r.length32("data", bigEndian: be)
        guard encoding.fits(width: width, height: height, step: step, count: count) else {
            throw r.error("data count \(count) does not fit \(width)x\(height) \(e) with step \(step)")
        }
        var data = try r.take(count, "data")
        if bigEndian { swapToLittleEndian(&data, encoding: encoding, width: width, height: height, step: step) }
        let image = EpisodeLog.ImageSample(logTime: logTime, topic: topic, frameID: frameID, width: width, height: height,
                                           encoding: encoding, step: step, data: data)
        return (image, UInt64(sec) * 1_000_000_000 + UInt64(nanosec))
    }

    /// Reverses the bytes of every multi-byte pixel (`32FC1`) of a big-endian image in place, row by
    /// row, leaving the row padding beyond `width` pixels as it is; one-byte encodings are unchanged.
    /// Images in Swiftlet are little-endian, so a big-endian frame from another tool loads as the
    /// same values.
    static func swapToLittleEndian(_ data: inout [UInt8], encoding: ImageEncoding, width: Int, height: Int, step: Int) {
        let n = encoding.bytesPerPixel
        guard n > 1 else { return }
        data.withUnsafeMutableBufferPointer { p in
            for row in 0..<height {
                var at = row * step
                for _ in 0..<width {
                    p[at..<(at + n)].reverse()
                    at += n
                }
            }
        }
    }

    /// A CDR string: aligned uint32 length (big-endian when `bigEndian`) counting the terminating
    /// NUL, bytes, NUL.
    static func cdrString(_ r: inout ByteReader, base: Int, bigEndian: Bool, _ field: String) throws -> String {
        try r.align4(from: base, field)
        let n = try r.length32(field, bigEndian: bigEndian)
        guard n >= 1, r.bytes[r.pos + n - 1] == 0 else {
            throw r.error("\(field) of length \(n) is not NUL-terminated")
        }
        defer { r.pos += n }
        return String(decoding: r.bytes[r.pos..<(r.pos + n - 1)], as: UTF8.self)
    }
}
