/// Writes LZ4 *frames* (lz4.org, `lz4_Frame_format.md`), the format of MCAP's `lz4` chunk
/// compression: magic `04 22 4D 18`, a frame descriptor (flags, block maximum size, optional
/// content size, header checksum), independent blocks, an end mark and an optional content
/// checksum.
///
/// Each block is compressed with `LZ4Block.compress` (greedy, 4-byte hash, 64 KiB window) and
/// stored raw (high bit of its size set) when compression does not make it smaller. The output
/// depends on the input and the options only (the match table is cleared for every block).
///
/// Keep one encoder and reuse it: the match table and nothing else is allocated once.
///
/// ```swift
/// var enc = LZ4Encoder()
/// var frame: [UInt8] = []
/// enc.compress(records, appendingTo: &frame)
/// ```
public struct LZ4Encoder: Sendable {
    /// Frame settings.
    public struct Options: Sendable, Equatable {
        /// Largest block: input is cut into blocks of this size.
        public var blockSize: LZ4.BlockSize
        /// Store the content size in the frame header (MCAP chunks know it; readers can then
        /// allocate the output once).
        public var contentSize: Bool
        /// Append the xxHash32 of the whole content.
        public var contentChecksum: Bool
        /// Append the xxHash32 of each stored block.
        public var blockChecksums: Bool

        public init(blockSize: LZ4.BlockSize = .max4MB, contentSize: Bool = true, contentChecksum: Bool = false,
                    blockChecksums: Bool = false) {
            self.blockSize = blockSize
            self.contentSize = contentSize
            self.contentChecksum = contentChecksum
            self.blockChecksums = blockChecksums
        }
    }

    public var options: Options
    private var table: [UInt32] = []

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Upper bound of the frame size for `n` input bytes.
    public func maxFrameSize(_ n: Int) -> Int {
        let blocks = max(1, (n + options.blockSize.bytes - 1) / options.blockSize.bytes)
        return 4 + 2 + 8 + 1 + blocks * (4 + 4) + LZ4Block.bound(n) + blocks * 16 + 4 + 4
    }

    /// Appends one frame holding `input` to `out`.
    public mutating func compress(_ input: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) {
        let n = input.count
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: maxFrameSize(n)))
        if table.count < 1 << 16 { table = [UInt32](repeating: 0, count: 1 << 16) }
        let o = options
        let end = out.withUnsafeMutableBufferPointer { obuf in
            table.withUnsafeMutableBufferPointer { tbuf in
                Self.frame(input, into: obuf.baseAddress! + start, table: tbuf.baseAddress!, options: o)
            }
        }
        out.removeLast(out.count - start - end)
    }

    /// One frame of `input`.
    public mutating func compress(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        input.withUnsafeBytes { compress($0, appendingTo: &out) }
        return out
    }

    /// Writes the frame at `dst` (room for `maxFrameSize`), returning its size.
    private static func frame(_ input: UnsafeRawBufferPointer, into dst: UnsafeMutablePointer<UInt8>,
                              table: UnsafeMutablePointer<UInt32>, options o: Options) -> Int {
        var op = 0
        func u32(_ v: UInt32) {
            for k in 0..<4 { dst[op + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
            op += 4
        }
        // magic and descriptor
        u32(LZ4.frameMagic)
        var flags: UInt8 = 0b0100_0000 | 0b0010_0000  // version 01, independent blocks
        if o.blockChecksums { flags |= 0b0001_0000 }
        if o.contentSize { flags |= 0b0000_1000 }
        if o.contentChecksum { flags |= 0b0000_0100 }
        let descriptor = op
        dst[op] = flags
        dst[op + 1] = o.blockSize.rawValue << 4
        op += 2
        if o.contentSize {
            let size = UInt64(input.count)
            for k in 0..<8 { dst[op + k] = UInt8(truncatingIfNeeded: size >> (8 * k)) }
            op += 8
        }
        dst[op] = UInt8(truncatingIfNeeded: XXHash32.hash(UnsafeRawBufferPointer(start: dst + descriptor, count: op - descriptor)) >> 8)
        op += 1
        // blocks
        let n = input.count
        if n > 0 {
            let src = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var at = 0
            while at < n {
                let size = min(o.blockSize.bytes, n - at)
                let sizeAt = op
                op += 4
                let packed = LZ4Block.compress(src + at, count: size, into: dst + op, table: table,
                                               hashLog: LZ4Block.hashLog(for: size))
                var stored = UInt32(packed)
                if packed >= size {
                    // compression does not help: the block goes in raw
                    (dst + op).update(from: src + at, count: size)
                    stored = UInt32(size) | 0x8000_0000
                }
                let blockBytes = Int(stored & 0x7FFF_FFFF)
                for k in 0..<4 { dst[sizeAt + k] = UInt8(truncatingIfNeeded: stored >> (8 * k)) }
                if o.blockChecksums {
                    let h = XXHash32.hash(UnsafeRawBufferPointer(start: dst + op, count: blockBytes))
                    op += blockBytes
                    u32(h)
                } else {
                    op += blockBytes
                }
                at += size
            }
        }
        u32(0)  // end mark
        if o.contentChecksum { u32(XXHash32.hash(input)) }
        return op
    }
}
