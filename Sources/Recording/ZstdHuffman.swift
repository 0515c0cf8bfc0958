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
        var p = start + 6
        for (k, size) in (sizes + [last]).enumerated() {
            let n = k < 3 ? segment : count - 3 * segment
            try decodeHuffmanStream(at: p, size: size, into: literals + k * segment, count: n)
            p += size
        }
    }

    /// One Huffman stream of `size` bytes at `at`, decoding exactly `count` symbols.
    func decodeHuffmanStream(at: Int, size: Int, into dst: UnsafeMutablePointer<UInt8>, count: Int) throws {
        var bits = try ZstdBackwardBits(input, at: at, size: size, field: "Huffman stream")
        let maxBits = huffmanBits, table = huffman
        var i = 0
        // fast path: one 64-bit load holds at least 57 unread bits, enough for 4 codes of <= 11 bits
        if bits.size >= 8 {
            let top = UInt64(64 - maxBits)
            while count - i >= 4, bits.bitPos >= 57 {
                let end = (bits.bitPos + 7) >> 3
                var w = bits.base.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self).littleEndian << UInt64(end * 8 - bits.bitPos)
                for k in 0..<4 {
                    let e = table[Int(truncatingIfNeeded: w >> top)]
                    dst[i + k] = UInt8(truncatingIfNeeded: e)
                    w <<= UInt64(e >> 8)
                    bits.bitPos -= Int(e >> 8)
                }
                i += 4
            }
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
