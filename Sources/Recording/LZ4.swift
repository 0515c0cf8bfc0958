import Diagnostics
import Foundation

/// LZ4 frame format (lz4.org, `lz4_Frame_format.md`): constants and the decoder. Writing is
/// `LZ4Encoder`.
///
/// The decoder accepts every valid frame (independent or linked blocks, block checksums,
/// content checksum, content size present or not, skippable frames, several frames one after
/// another) and refuses malformed input with an `InputError` naming the byte offset: bad magic,
/// reserved bits, wrong header checksum, a truncated block, a match offset of 0 or reaching
/// before the output (or, with independent blocks, before the block), literals or a match
/// running past the end of the block or the output, output larger than the declared content
/// size or than `maxOutput`, wrong block or content checksums. It allocates at most
/// `maxOutput` bytes (plus the output array's own growth), whatever the input claims.
public enum LZ4 {
    /// `04 22 4D 18` read little-endian.
    public static let frameMagic: UInt32 = 0x184D_2204

    /// Block maximum size, as coded in the frame descriptor's BD byte.
    public enum BlockSize: UInt8, Sendable, CaseIterable {
        case max64KB = 4, max256KB = 5, max1MB = 6, max4MB = 7

        /// The size in bytes.
        public var bytes: Int { 1 << (8 + 2 * Int(rawValue)) }
    }

    /// Decompresses the frame(s) in `input`. `maxOutput` caps the output size (and so the
    /// allocation); `source` and `offset` (where `input` starts in that file) name errors.
    public static func decompress(_ input: UnsafeRawBufferPointer, maxOutput: Int, source: String = "lz4",
                                  offset base: Int = 0, context: String = "LZ4 frame") throws -> [UInt8] {
        var d = FrameDecoder(input: input, maxOutput: max(0, maxOutput), source: source, base: base, context: context)
        return try d.run()
    }

    /// Decompresses the frame(s) in `input` (see the pointer version).
    public static func decompress(_ input: [UInt8], maxOutput: Int, source: String = "lz4", offset: Int = 0,
                                  context: String = "LZ4 frame") throws -> [UInt8] {
        try input.withUnsafeBytes {
            try decompress($0, maxOutput: maxOutput, source: source, offset: offset, context: context)
        }
    }

    /// The bytes decodable from the start of a frame cut short (a crashed writer's last chunk):
    /// decoding stops, without an error, at the first fault or at the cut; every byte returned
    /// is output of complete sequences. At most `maxOutput` bytes.
    public static func decompressPrefix(_ input: UnsafeRawBufferPointer, maxOutput: Int) -> [UInt8] {
        var d = FrameDecoder(input: input, maxOutput: max(0, maxOutput), source: "", base: 0, context: "")
        d.lenient = true
        return (try? d.run()) ?? []
    }

    /// Compresses `input` into one frame with `options` (see `LZ4Encoder` to reuse the state).
    public static func compress(_ input: [UInt8], options: LZ4Encoder.Options = LZ4Encoder.Options()) -> [UInt8] {
        var e = LZ4Encoder(options: options)
        return e.compress(input)
    }
}

/// The state of one `LZ4.decompress` call.
private struct FrameDecoder {
    let input: UnsafeRawBufferPointer
    let maxOutput: Int
    let source: String
    let base: Int
    let context: String
    var pos = 0
    var out: [UInt8] = []
    /// Bytes of `out` decoded so far (`out.count` is the room allocated).
    var produced = 0
    /// Stop quietly at the first fault and return what was decoded (`LZ4.decompressPrefix`).
    var lenient = false

    init(input: UnsafeRawBufferPointer, maxOutput: Int, source: String, base: Int, context: String) {
        self.input = input
        self.maxOutput = maxOutput
        self.source = source
        self.base = base
        self.context = context
    }

    func error(at offset: Int, _ message: String) -> InputError {
        InputError(source, at: "byte \(base + offset)", "\(context): \(message)")
    }

    mutating func u8(_ field: String) throws -> UInt8 {
        guard pos < input.count else { throw error(at: pos, "input ends inside the \(field)") }
        defer { pos += 1 }
        return input[pos]
    }

    mutating func u32(_ field: String) throws -> UInt32 {
        guard input.count - pos >= 4 else {
            throw error(at: pos, "input ends inside the \(field) (\(input.count - pos) of 4 bytes)")
        }
        defer { pos += 4 }
        return input.loadUnaligned(fromByteOffset: pos, as: UInt32.self).littleEndian
    }

    mutating func run() throws -> [UInt8] {
        guard !input.isEmpty else { throw error(at: 0, "no frame (empty input)") }
        do {
            while pos < input.count {
                let at = pos
                let magic = try u32("frame magic number")
                if magic & 0xFFFF_FFF0 == 0x184D_2A50 {
                    // skippable frame: a length, then user data
                    let n = try u32("skippable frame size")
                    guard UInt64(n) <= UInt64(input.count - pos) else {
                        throw error(at: pos - 4, "skippable frame of \(n) bytes runs past the end of the input")
                    }
                    pos += Int(n)
                    continue
                }
                guard magic == LZ4.frameMagic else {
                    throw error(at: at, String(format: "bad magic number %08x (expected 184d2204)", magic))
                }
                try frame()
            }
        } catch {
            // a cut frame read leniently keeps the complete sequences decoded so far
            if !lenient { throw error }
        }
        out.removeLast(out.count - produced)
        return out
    }

    /// Makes room for `n` more output bytes (`n` already checked against `maxOutput`).
    mutating func reserve(_ n: Int) {
        // grown with one zero-filled array, not element by element: same bytes, and fast in
        // the unoptimised fuzzing build too
        if out.count - produced < n { out += [UInt8](repeating: 0, count: produced + n - out.count) }
    }

    mutating func frame() throws {
        // descriptor
        let descriptor = pos
        let flags = try u8("frame descriptor")
        guard flags >> 6 == 1 else { throw error(at: descriptor, "frame version \(flags >> 6), only version 01 exists") }
        guard flags & 0b10 == 0 else { throw error(at: descriptor, "reserved bit 1 of the FLG byte is set") }
        let independent = flags & 0b0010_0000 != 0
        let blockChecksums = flags & 0b0001_0000 != 0
        let hasContentSize = flags & 0b0000_1000 != 0
        let contentChecksum = flags & 0b0000_0100 != 0
        let hasDictionary = flags & 0b0000_0001 != 0
        let bd = try u8("frame descriptor")
        guard bd & 0b1000_1111 == 0 else { throw error(at: descriptor + 1, "reserved bits of the BD byte are set") }
        guard let blockSize = LZ4.BlockSize(rawValue: bd >> 4) else {
            throw error(at: descriptor + 1, "block maximum size code \(bd >> 4) (valid: 4 to 7)")
        }
        var contentSize: UInt64?
        if hasContentSize {
            let lo = UInt64(try u32("content size")), hi = UInt64(try u32("content size"))
            contentSize = lo | hi << 32
        }
        if hasDictionary {
            _ = try u32("dictionary id")
            throw error(at: pos - 4, "the frame needs a dictionary (DictID flag set), which MCAP chunks never use")
        }
        let hcAt = pos
        let hc = try u8("header checksum")
        let expected = UInt8(truncatingIfNeeded: XXHash32.hash(UnsafeRawBufferPointer(rebasing: input[descriptor..<hcAt])) >> 8)
        guard hc == expected else {
            throw error(at: hcAt, String(format: "header checksum %02x, computed %02x", hc, expected))
        }
        // output bound: the declared size, the caller's cap
        let frameStart = produced
        var limit = maxOutput
        if let size = contentSize {
            guard size <= UInt64(maxOutput - produced) else {
                throw error(at: descriptor + 2, "declared content size \(size) exceeds the \(maxOutput - produced)-byte output limit")
            }
            limit = produced + Int(size)
            reserve(Int(size))
        }
        // blocks
        while true {
            let sizeAt = pos
            let word = try u32("block size")
            if word == 0 { break }
            let stored = word & 0x8000_0000 != 0
            let declared = Int(word & 0x7FFF_FFFF)
            guard declared <= blockSize.bytes else {
                throw error(at: sizeAt, "block of \(declared) bytes is larger than the frame's \(blockSize.bytes)-byte maximum")
            }
            guard declared <= input.count - pos || lenient else {
                throw error(at: sizeAt, "block of \(declared) bytes is truncated (\(input.count - pos) bytes left)")
            }
            let n = min(declared, input.count - pos)
            let blockAt = pos
            let room = min(limit - produced, blockSize.bytes)
            if stored {
                guard n <= limit - produced || lenient else { throw overflow(at: blockAt, contentSize) }
                reserve(n)
                let start = produced, src = input.baseAddress! + blockAt, count = min(n, limit - produced)
                out.withUnsafeMutableBytes { o in o.baseAddress!.advanced(by: start).copyMemory(from: src, byteCount: count) }
                produced += count
            } else {
                reserve(room)
                let start = produced, window = independent ? produced : frameStart
                let src = (input.baseAddress! + blockAt).assumingMemoryBound(to: UInt8.self)
                do {
                    produced = try out.withUnsafeMutableBufferPointer { o in
                        try LZ4Block.decompress(src, count: n, into: o.baseAddress!, start: start, limit: start + room,
                                                window: window)
                    }
                } catch let f as LZ4Block.Failure {
                    if lenient {
                        produced = f.produced
                        throw error(at: blockAt + f.offset, f.message)
                    }
                    // an overflow is the content size's or the cap's fault when they, not the block maximum, set the room
                    if f.overflow, room < blockSize.bytes { throw overflow(at: blockAt + f.offset, contentSize) }
                    if f.overflow {
                        throw error(at: blockAt + f.offset, "block at byte \(base + sizeAt) decodes to more than the frame's "
                                    + "\(blockSize.bytes)-byte block maximum")
                    }
                    throw error(at: blockAt + f.offset, "block at byte \(base + sizeAt): " + f.message)
                }
            }
            pos += n
            if blockChecksums {
                let h = try u32("block checksum")
                let c = XXHash32.hash(UnsafeRawBufferPointer(rebasing: input[blockAt..<(blockAt + n)]))
                guard h == c else {
                    throw error(at: pos - 4, String(format: "block checksum %08x, computed %08x", h, c))
                }
            }
        }
        if let size = contentSize, UInt64(produced - frameStart) != size {
            throw error(at: pos - 4, "frame holds \(produced - frameStart) bytes but declares a content size of \(size)")
        }
        if contentChecksum {
            let h = try u32("content checksum")
            let c = out.withUnsafeBytes { XXHash32.hash(UnsafeRawBufferPointer(rebasing: $0[frameStart..<produced])) }
            guard h == c else { throw error(at: pos - 4, String(format: "content checksum %08x, computed %08x", h, c)) }
        }
    }

    func overflow(at offset: Int, _ contentSize: UInt64?) -> InputError {
        if let size = contentSize {
            return error(at: offset, "output is larger than the declared content size \(size)")
        }
        return error(at: offset, "output is larger than the \(maxOutput)-byte limit")
    }
}
