/// Huffman-coded literals of the Zstandard format (RFC 8878 4.2): the tree description (direct
/// or FSE-compressed weights) and the 1- or 4-stream decoding loops.

extension ZstdDecoder {
    /// Largest Huffman code length the format allows.
    static let maxHuffmanBits = 11

    /// Reads the Huffman tree description at `start` (inside a section ending at `end`) into
    /// `huffman`; returns the byte after it.
    func readHuffmanTree(from start: Int, to end: Int) throws -> Int {
        guard start < end else { throw ZstdFailure(start, "input ends before the Huffman tree description") }
        let header = Int(input[start])
        var weights: [UInt8] = []
        weights.reserveCapacity(256)
        let next: Int
        if header >= 128 {
            // direct: 4-bit weights, two per byte, high nibble first
            let n = header - 127, bytes = (n + 1) / 2
            guard bytes <= end - start - 1 else {
                throw ZstdFailure(start, "Huffman tree of \(n) direct weights runs past the end of the literals section")
            }
            for i in 0..<n {
                let b = input[start + 1 + i / 2]
                weights.append(i % 2 == 0 ? b >> 4 : b & 15)
            }
            next = start + 1 + bytes
        } else {
            // FSE-compressed weights: a table description, then a stream decoded with two states
            guard header > 0, header <= end - start - 1 else {
                throw ZstdFailure(start, "Huffman weights of \(header) compressed bytes do not fit the literals section")
            }
            let wEnd = start + 1 + header
            let d = try ZstdFSE.readDistribution(input, from: start + 1, to: wEnd, kind: .huffmanWeight)
            let cells = fse + Self.weightTable
            try ZstdFSE.build(cells, log: d.log, counts: d.counts, kind: .huffmanWeight, at: start + 1)
            guard d.next < wEnd else { throw ZstdFailure(wEnd, "Huffman weights bitstream is missing") }
            var bits = try ZstdBackwardBits(input, at: d.next, size: wEnd - d.next, field: "Huffman weights bitstream")
            var s1 = bits.read(d.log), s2 = bits.read(d.log)
            guard bits.bitPos >= 0 else { throw ZstdFailure(d.next, "Huffman weights bitstream is too short for its two states") }
            while true {
                guard weights.count <= 253 else { throw ZstdFailure(d.next, "Huffman weights bitstream decodes to more than 255 weights") }
                weights.append(UInt8(cells[s1].base))
                s1 = Int(cells[s1].newState) + bits.read(Int(cells[s1].nbBits))
                if bits.bitPos < 0 {
                    weights.append(UInt8(cells[s2].base))
                    break
                }
                weights.append(UInt8(cells[s2].base))
                s2 = Int(cells[s2].newState) + bits.read(Int(cells[s2].nbBits))
                if bits.bitPos < 0 {
                    weights.append(UInt8(cells[s1].base))
                    break
                }
            }
            next = wEnd
        }
        try buildHuffmanTable(weights, at: start)
        return next
    }

    /// Builds the decoding table from the explicit weights (the last weight is implied).
    func buildHuffmanTable(_ explicit: [UInt8], at: Int) throws {
        var weights = explicit
        var total = 0
        for w in weights where w > 0 {
            guard w <= Self.maxHuffmanBits else { throw ZstdFailure(at, "Huffman weight \(w) exceeds \(Self.maxHuffmanBits)") }
            total += 1 << (Int(w) - 1)
        }
        guard total > 0 else { throw ZstdFailure(at, "Huffman weights are all zero") }
        let maxBits = Int.bitWidth - total.leadingZeroBitCount
        guard maxBits <= Self.maxHuffmanBits else {
            throw ZstdFailure(at, "Huffman codes of \(maxBits) bits exceed the maximum \(Self.maxHuffmanBits)")
        }
        // the last weight completes the tree to a power of two
        let rest = (1 << maxBits) - total
        guard rest & (rest - 1) == 0 else { throw ZstdFailure(at, "Huffman weights do not complete a tree") }
        weights.append(UInt8(Int.bitWidth - rest.leadingZeroBitCount))
        guard weights.filter({ $0 == 1 }).count % 2 == 0, weights.contains(1) else {
            throw ZstdFailure(at, "Huffman weights do not form a valid tree (odd count of longest codes)")
        }
        // longest codes first; within a length, by symbol
        var rankCount = [Int](repeating: 0, count: maxBits + 2)
        for w in weights where w > 0 { rankCount[maxBits + 1 - Int(w)] += 1 }
        var rankIndex = [Int](repeating: 0, count: maxBits + 2)
        for bits in stride(from: maxBits, through: 1, by: -1) {
            rankIndex[bits - 1] = rankIndex[bits] + rankCount[bits] << (maxBits - bits)
        }
        for (s, w) in weights.enumerated() where w > 0 {
            let bits = maxBits + 1 - Int(w), len = 1 << (maxBits - bits)
            (huffman + rankIndex[bits]).update(repeating: UInt16(s) | UInt16(bits) << 8, count: len)
            rankIndex[bits] += len
        }
        huffmanBits = maxBits
    }

    /// Decodes the Huffman-coded literals in `input[start..<end]` (1 or 4 streams) into
    /// `literals[0..<count]` with the current table.
    func decodeHuffmanLiterals(from start: Int, to end: Int, count: Int, streams: Int) throws {
        if streams == 1 {
            try decodeHuffmanStream(at: start, size: end - start, into: literals, count: count)
            return
        }
        // a jump table of three stream sizes, the fourth is the rest
        guard end - start >= 6 else { throw ZstdFailure(start, "input ends inside the Huffman jump table") }
        let sizes = (0..<3).map { Int(input[start + 2 * $0]) | Int(input[start + 2 * $0 + 1]) << 8 }
        let last = end - start - 6 - sizes.reduce(0, +)
        guard last >= 0 else {
            throw ZstdFailure(start, "Huffman stream sizes \(sizes) exceed the \(end - start - 6) bytes of the streams")
        }
        let segment = (count + 3) / 4
        guard count - 3 * segment >= 0 else {
            throw ZstdFailure(start, "\(count) literals cannot be split into 4 Huffman streams")
        }
        // the four streams interleaved while each has 4 literals and a full word left (independent
        // chains of table lookups), then each on its own
        var bits: [ZstdBackwardBits] = []
        var p = start + 6
        for size in sizes + [last] {
            guard let b = try? ZstdBackwardBits(input, at: p, size: size, field: "Huffman stream") else { break }
            bits.append(b)
            p += size
        }
        guard bits.count == 4 else {
            // a malformed stream: one by one, so the first fault is the one reported
            p = start + 6
            for (k, size) in (sizes + [last]).enumerated() {
                try decodeHuffmanStream(at: p, size: size, into: literals + k * segment, count: k < 3 ? segment : count - 3 * segment)
                p += size
            }
            return
        }
        var (b0, b1, b2, b3) = (bits[0], bits[1], bits[2], bits[3])
        let table = UnsafePointer(huffman), top = UInt64(64 - huffmanBits)
        let d0 = literals, d1 = literals + segment, d2 = literals + 2 * segment, d3 = literals + 3 * segment
        let shortest = count - 3 * segment
        var i = 0
        while shortest - i >= 4, min(b0.bitPos, b1.bitPos, b2.bitPos, b3.bitPos) >= 57 {
            Self.decode4(&b0, d0 + i, table: table, top: top)
            Self.decode4(&b1, d1 + i, table: table, top: top)
            Self.decode4(&b2, d2 + i, table: table, top: top)
            Self.decode4(&b3, d3 + i, table: table, top: top)
            i += 4
        }
        p = start + 6
        for (k, var b) in [b0, b1, b2, b3].enumerated() {
            try finishHuffmanStream(&b, at: p, into: literals + k * segment, from: i, count: k < 3 ? segment : shortest)
            p += k < 3 ? sizes[k] : 0
        }
    }

    /// One Huffman stream of `size` bytes at `at`, decoding exactly `count` symbols.
    func decodeHuffmanStream(at: Int, size: Int, into dst: UnsafeMutablePointer<UInt8>, count: Int) throws {
        var bits = try ZstdBackwardBits(input, at: at, size: size, field: "Huffman stream")
        try finishHuffmanStream(&bits, at: at, into: dst, from: 0, count: count)
    }

    /// Four literals from one 64-bit load: needs `bits.bitPos >= 57` (57 bits hold 4 codes of
    /// at most 11 bits). `top` is 64 minus the table's bits.
    @inline(__always) static func decode4(_ bits: inout ZstdBackwardBits, _ dst: UnsafeMutablePointer<UInt8>,
                                          table: UnsafePointer<UInt16>, top: UInt64) {
        var w = bits.window()
        for k in 0..<4 {
            let e = table[Int(truncatingIfNeeded: w &>> top)]
            dst[k] = UInt8(truncatingIfNeeded: e)
            _ = bits.take(Int(e >> 8), from: &w)
        }
    }

    /// Decodes literals `from..<count` of the stream `bits` (at byte `at`, for errors) into `dst`
    /// and checks that the stream is consumed exactly.
    func finishHuffmanStream(_ bits: inout ZstdBackwardBits, at: Int, into dst: UnsafeMutablePointer<UInt8>, from: Int,
                             count: Int) throws {
        let maxBits = huffmanBits, table = UnsafePointer(huffman), top = UInt64(64 - maxBits)
        var i = from
        // fast path: one 64-bit load holds at least 57 unread bits, enough for 4 codes of <= 11 bits
        while count - i >= 4, bits.bitPos >= 57 {
            Self.decode4(&bits, dst + i, table: table, top: top)
            i += 4
        }
        // the rest, symbol by symbol
        while i < count {
            let e = table[bits.peek(maxBits)]
            dst[i] = UInt8(truncatingIfNeeded: e)
            bits.bitPos -= Int(e >> 8)
            if bits.bitPos < 0 { throw ZstdFailure(at, "Huffman stream ends after \(i) of \(count) literals") }
            i += 1
        }
        guard bits.bitPos == 0 else {
            throw ZstdFailure(at, "Huffman stream has \(bits.bitPos) bits left after its \(count) literals")
        }
    }
}
