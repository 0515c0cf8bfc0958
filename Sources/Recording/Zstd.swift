import Diagnostics

/// Zstandard frame format (RFC 8878): the decoder. Swiftlet reads zstd-compressed MCAP chunks
/// (the default of the `mcap` CLI and of `ros2 bag`) but writes lz4 or uncompressed ones.
///
/// The decoder accepts every frame a conforming encoder writes without a dictionary:
/// single-segment and windowed frames, raw, RLE and compressed blocks, raw, RLE, Huffman and
/// treeless literals (1 or 4 streams, direct or FSE-compressed weights), sequences with
/// predefined, RLE, FSE-compressed and repeated tables, repeat offsets, the content checksum
/// (XXH64, verified), content size present or not, skippable frames and several frames one
/// after another. It refuses a frame that needs a dictionary, and malformed input with an
/// `InputError` naming the byte offset: bad magic, reserved bits, a window over 2 GiB, blocks
/// over the 128 KiB maximum, accuracy logs over the format's limits, bitstreams read past
/// their start or not fully consumed, match offsets before the frame's first byte, literals
/// or output running past the block, the declared content size or `maxOutput`, and wrong
/// checksums. It allocates at most `maxOutput` bytes (plus the output array's growth and
/// ~140 KiB of tables), whatever the input claims.
public enum Zstd {
    /// `28 B5 2F FD` read little-endian.
    public static let frameMagic: UInt32 = 0xFD2F_B528
    /// Largest block, compressed or decoded (RFC 8878 3.1.1.2.4).
    public static let maxBlockSize = 128 * 1024
    /// The compression name of zstd chunks in MCAP files.
    public static let mcapName = "zstd"
    /// Largest window Swiftlet accepts (the format's limit for 64-bit decoders: 2^31).
    public static let maxWindowLog = 31

    /// Decompresses the frame(s) in `input`. `maxOutput` caps the output size (and so the
    /// allocation); `source` and `offset` (where `input` starts in that file) name errors.
    public static func decompress(_ input: UnsafeRawBufferPointer, maxOutput: Int, source: String = "zstd",
                                  offset base: Int = 0, context: String = "zstd frame") throws -> [UInt8] {
        let d = ZstdDecoder(input: input, maxOutput: max(0, maxOutput))
        do {
            return try d.run()
        } catch let f as ZstdFailure {
            throw InputError(source, at: "byte \(base + f.offset)", "\(context): \(f.message)")
        }
    }

    /// Decompresses the frame(s) in `input` (see the pointer version).
    public static func decompress(_ input: [UInt8], maxOutput: Int, source: String = "zstd", offset: Int = 0,
                                  context: String = "zstd frame") throws -> [UInt8] {
        try input.withUnsafeBytes {
            try decompress($0, maxOutput: maxOutput, source: source, offset: offset, context: context)
        }
    }

    /// The bytes decodable from the start of a frame cut short (a crashed writer's last chunk):
    /// decoding stops, without an error, at the first fault or at the cut, and returns the
    /// output of the complete blocks before it (and the surviving part of a cut raw block).
    /// At most `maxOutput` bytes.
    public static func decompressPrefix(_ input: UnsafeRawBufferPointer, maxOutput: Int) -> [UInt8] {
        let d = ZstdDecoder(input: input, maxOutput: max(0, maxOutput))
        d.lenient = true
        return (try? d.run()) ?? []
    }
}

/// The state of one `Zstd.decompress` call: the output, the scratch tables (allocated once),
/// and what a frame carries from block to block (repeat offsets, the last tables).
final class ZstdDecoder {
    let input: UnsafeRawBufferPointer
    let maxOutput: Int
    /// Stop quietly at the first fault and return what was decoded (`Zstd.decompressPrefix`).
    var lenient = false
    var pos = 0
    var out: [UInt8] = []
    /// Bytes of `out` decoded so far (`out.count` is the room allocated).
    var produced = 0

    /// Decoded literals of the current block (raw literals are read in place instead).
    let literals: UnsafeMutablePointer<UInt8>
    /// The Huffman decoding table: symbol | code length << 8, `1 << huffmanBits` entries.
    let huffman: UnsafeMutablePointer<UInt16>
    /// 0 while the frame has no Huffman table yet.
    var huffmanBits = 0
    /// FSE cells: literal lengths, offsets, match lengths (512 each), then Huffman weights (64).
    let fse: UnsafeMutablePointer<ZstdFSECell>
    static let tableRoom = 512
    static let weightTable = 3 * 512
    /// Literal-length, offset and match-length tables (in `fse` at 0, 512, 1024).
    var tables = [ZstdFSETable](repeating: ZstdFSETable(), count: 3)
    var repeatOffsets = (1, 4, 8)

    init(input: UnsafeRawBufferPointer, maxOutput: Int) {
        self.input = input
        self.maxOutput = maxOutput
        literals = .allocate(capacity: Zstd.maxBlockSize)
        huffman = .allocate(capacity: 1 << Self.maxHuffmanBits)
        fse = .allocate(capacity: Self.weightTable + 64)
    }

    deinit {
        literals.deallocate()
        huffman.deallocate()
        fse.deallocate()
    }

    func u8(_ field: String) throws -> UInt8 {
        guard pos < input.count else { throw ZstdFailure(pos, "input ends inside the \(field)") }
        defer { pos += 1 }
        return input[pos]
    }

    /// `n` bytes little-endian.
    func uint(_ n: Int, _ field: String) throws -> UInt64 {
        guard input.count - pos >= n else {
            throw ZstdFailure(pos, "input ends inside the \(field) (\(input.count - pos) of \(n) bytes)")
        }
        var v: UInt64 = 0
        for k in 0..<n { v |= UInt64(input[pos + k]) << (8 * UInt64(k)) }
        pos += n
        return v
    }

    func run() throws -> [UInt8] {
        guard !input.isEmpty else { throw ZstdFailure(0, "no frame (empty input)") }
        do {
            while pos < input.count {
                let at = pos
                let magic = UInt32(try uint(4, "frame magic number"))
                if magic & 0xFFFF_FFF0 == 0x184D_2A50 {
                    // skippable frame: a length, then user data
                    let n = try uint(4, "skippable frame size")
                    guard n <= UInt64(input.count - pos) else {
                        throw ZstdFailure(pos - 4, "skippable frame of \(n) bytes runs past the end of the input")
                    }
                    pos += Int(n)
                    continue
                }
                guard magic == Zstd.frameMagic else {
                    throw ZstdFailure(at, String(format: "bad magic number %08x (expected fd2fb528)", magic))
                }
                try frame()
            }
        } catch {
            // a cut frame read leniently keeps the complete blocks decoded so far
            if !lenient { throw error }
        }
        out.removeLast(out.count - produced)
        return out
    }

    /// Makes room for `n` more output bytes (`n` already checked against `maxOutput`).
    func reserve(_ n: Int) {
        let more = produced + n - out.count
        guard more > 0 else { return }
        // the first reservation is the array itself (no copy of a zero-filled temporary)
        if out.isEmpty { out = [UInt8](repeating: 0, count: more) } else { out += [UInt8](repeating: 0, count: more) }
    }

    func frame() throws {
        // header: descriptor, window, dictionary id, content size
        let descriptorAt = pos
        let fd = try u8("frame header descriptor")
        let singleSegment = fd & 0x20 != 0, checksum = fd & 0x04 != 0
        guard fd & 0x08 == 0 else { throw ZstdFailure(descriptorAt, "reserved bit 3 of the frame header descriptor is set") }
        var window = 0
        if !singleSegment {
            let wd = Int(try u8("window descriptor"))
            let log = 10 + wd >> 3
            guard log <= Zstd.maxWindowLog else {
                throw ZstdFailure(pos - 1, "window of 2^\(log) bytes exceeds the 2^\(Zstd.maxWindowLog)-byte limit")
            }
            window = (1 << log) + (1 << log) / 8 * (wd & 7)
        }
        let dictionaryBytes = [0, 1, 2, 4][Int(fd & 3)]
        if dictionaryBytes > 0 {
            let id = try uint(dictionaryBytes, "dictionary id")
            if id != 0 {
                throw ZstdFailure(pos - dictionaryBytes, "the frame needs dictionary \(id), and MCAP chunks never use dictionaries")
            }
        }
        var contentSize: UInt64?
        let sizeBytes = fd >> 6 == 0 ? (singleSegment ? 1 : 0) : [0, 2, 4, 8][Int(fd >> 6)]
        if sizeBytes > 0 {
            contentSize = try uint(sizeBytes, "frame content size") + (sizeBytes == 2 ? 256 : 0)
        }
        if singleSegment { window = Int(min(contentSize!, UInt64(Int.max))) }
        let blockMax = min(window, Zstd.maxBlockSize)
        // output bound: the declared size, the caller's cap
        let frameStart = produced
        var limit = maxOutput
        if let size = contentSize {
            guard size <= UInt64(maxOutput - produced) else {
                throw ZstdFailure(descriptorAt, "declared content size \(size) exceeds the \(maxOutput - produced)-byte output limit")
            }
            limit = produced + Int(size)
            // reserved up front only as far as the input can expand (128 KiB per 4-byte block):
            // a false claim does not allocate, decoding then grows the output block by block;
            // with the copies' slack, so that the last block does not grow (and copy) the array
            reserve(Int(min(size, UInt64((input.count - pos) / 4 + 1) * UInt64(Zstd.maxBlockSize))) + Self.wildSlack)
        }
        func overflow(_ at: Int) -> ZstdFailure {
            if let size = contentSize { return ZstdFailure(at, "output is larger than the declared content size \(size)") }
            return ZstdFailure(at, "output is larger than the \(maxOutput)-byte limit")
        }
        repeatOffsets = (1, 4, 8)
        tables = [ZstdFSETable](repeating: ZstdFSETable(), count: 3)
        huffmanBits = 0
        // blocks
        while true {
            let at = pos
            let header = Int(try uint(3, "block header"))
            let last = header & 1 != 0, type = header >> 1 & 3, size = header >> 3
            guard type != 3 else { throw ZstdFailure(at, "reserved block type 3") }
            guard size <= blockMax else {
                throw ZstdFailure(at, "block of \(size) bytes exceeds the frame's \(blockMax)-byte block maximum")
            }
            switch type {
            case 0:
                // raw: the bytes themselves
                let n = min(size, input.count - pos)
                guard n <= limit - produced else { throw overflow(at) }
                reserve(n)
                let start = produced, src = input.baseAddress! + pos
                if n > 0 { out.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: start).copyMemory(from: src, byteCount: n) } }
                produced += n
                guard n == size else { throw ZstdFailure(at, "raw block of \(size) bytes is truncated (\(n) bytes left)") }
                pos += n
            case 1:
                // RLE: one byte, repeated
                let b = try u8("RLE block")
                guard size <= limit - produced else { throw overflow(at) }
                reserve(size)
                let start = produced
                if size > 0 { out.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: start).update(repeating: b, count: size) } }
                produced += size
            default:
                guard size <= input.count - pos else {
                    throw ZstdFailure(at, "compressed block of \(size) bytes is truncated (\(input.count - pos) bytes left)")
                }
                let room = min(blockMax, limit - produced)
                reserve(room + Self.wildSlack)
                do {
                    try compressedBlock(from: pos, to: pos + size, room: room, frameStart: frameStart)
                } catch let f as ZstdFailure where f.message == Self.roomExceeded {
                    if room < blockMax { throw overflow(f.offset) }
                    throw ZstdFailure(f.offset, "block at byte \(at) decodes to more than the frame's \(blockMax)-byte block maximum")
                }
                pos += size
            }
            if last { break }
        }
        if let size = contentSize, UInt64(produced - frameStart) != size {
            throw ZstdFailure(pos, "frame holds \(produced - frameStart) bytes but declares a content size of \(size)")
        }
        if checksum {
            let h = UInt32(try uint(4, "content checksum"))
            let c = out.withUnsafeBytes { UInt32(truncatingIfNeeded: XXHash64.hash(UnsafeRawBufferPointer(rebasing: $0[frameStart..<produced]))) }
            guard h == c else { throw ZstdFailure(pos - 4, String(format: "content checksum %08x, computed %08x", h, c)) }
        }
    }

    /// The marker message of a block decoding past its room (the frame names the limit).
    static let roomExceeded = "block output exceeds its room"

    /// Decodes the compressed block `input[start..<end]`, at most `room` bytes, into `out`.
    func compressedBlock(from start: Int, to end: Int, room: Int, frameStart: Int) throws {
        let lit = try literalsSection(from: start, to: end)
        try sequences(from: lit.next, to: end, literals: lit.pointer, literalCount: lit.count, room: room,
                      frameStart: frameStart)
    }

    /// The literals section at `start`: where the literals are, how many, and the byte after.
    func literalsSection(from start: Int, to end: Int) throws -> (pointer: UnsafePointer<UInt8>, count: Int, next: Int) {
        guard start < end else { throw ZstdFailure(start, "compressed block is empty") }
        let b0 = Int(input[start]), type = b0 & 3, format = b0 >> 2 & 3
        if type < 2 {
            // raw or RLE: the size in 5, 12 or 20 bits
            let headerSize = format == 1 ? 2 : format == 3 ? 3 : 1
            guard headerSize <= end - start else { throw ZstdFailure(start, "input ends inside the literals section header") }
            var count = format & 1 == 0 ? b0 >> 3 : b0 >> 4
            if headerSize >= 2 { count += Int(input[start + 1]) << 4 }
            if headerSize == 3 { count += Int(input[start + 2]) << 12 }
            guard count <= Zstd.maxBlockSize else {
                throw ZstdFailure(start, "\(count) literals exceed the \(Zstd.maxBlockSize)-byte block maximum")
            }
            let p = start + headerSize
            if type == 0 {
                guard count <= end - p else { throw ZstdFailure(start, "\(count) raw literals run past the end of the block") }
                return ((input.baseAddress! + p).assumingMemoryBound(to: UInt8.self), count, p + count)
            }
            guard p < end else { throw ZstdFailure(p, "input ends before the RLE literal byte") }
            literals.update(repeating: input[p], count: count)
            return (UnsafePointer(literals), count, p + 1)
        }
        // Huffman-coded: sizes in 10, 14 or 18 bits, 1 or 4 streams
        let headerSize = format < 2 ? 3 : format == 2 ? 4 : 5
        guard headerSize <= end - start else { throw ZstdFailure(start, "input ends inside the literals section header") }
        var h = 0
        for k in 0..<headerSize { h |= Int(input[start + k]) << (8 * k) }
        let sizeBits = format < 2 ? 10 : format == 2 ? 14 : 18
        let count = h >> 4 & (1 << sizeBits - 1), compressed = h >> (4 + sizeBits) & (1 << sizeBits - 1)
        guard count <= Zstd.maxBlockSize else {
            throw ZstdFailure(start, "\(count) literals exceed the \(Zstd.maxBlockSize)-byte block maximum")
        }
        let p = start + headerSize
        guard compressed <= end - p else {
            throw ZstdFailure(start, "\(compressed) bytes of Huffman literals run past the end of the block")
        }
        var streams = p
        if type == 2 {
            streams = try readHuffmanTree(from: p, to: p + compressed)
        } else if huffmanBits == 0 {
            throw ZstdFailure(start, "treeless literals but the frame has no previous Huffman table")
        }
        try decodeHuffmanLiterals(from: streams, to: p + compressed, count: count, streams: format == 0 ? 1 : 4)
        return (UnsafePointer(literals), count, p + compressed)
    }
}
