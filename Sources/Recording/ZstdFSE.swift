/// Finite State Entropy tables of the Zstandard format (RFC 8878 4.1.1): reading a table
/// description, building the decoding table, the predefined distributions, and the
/// literal-length / match-length / offset code tables that turn a symbol into a value.

/// One cell of a decoding table: the symbol's value (`base` plus `extraBits` bits read from the
/// stream) and the next state (`newState` plus `nbBits` bits).
struct ZstdFSECell {
    var newState: UInt16 = 0
    var nbBits: UInt8 = 0
    var extraBits: UInt8 = 0
    var base: UInt32 = 0
}

/// An FSE decoding table in caller-owned storage (`1 << accuracyLog` cells).
struct ZstdFSETable {
    var accuracyLog = 0
    /// Whether a table was set (a block may repeat the previous block's table).
    var isSet = false
    /// Whether it is the predefined table (then a block asking for it again need not rebuild it).
    var isPredefined = false
}

/// What a table's symbols stand for.
enum ZstdFSEKind {
    case literalLength, matchLength, offset, huffmanWeight

    var maxSymbol: Int {
        switch self {
        case .literalLength: return 35
        case .matchLength: return 52
        case .offset: return 31
        case .huffmanWeight: return 12
        }
    }

    var maxAccuracyLog: Int {
        switch self {
        case .literalLength, .matchLength: return 9
        case .offset: return 8
        case .huffmanWeight: return 6
        }
    }

    var name: String {
        switch self {
        case .literalLength: return "literal-length"
        case .matchLength: return "match-length"
        case .offset: return "offset"
        case .huffmanWeight: return "Huffman-weight"
        }
    }

    /// The value a symbol stands for: (base, extra bits) (RFC 8878 3.1.1.3.2.1.1).
    func value(of symbol: Int) -> (base: UInt32, extraBits: UInt8) {
        switch self {
        case .literalLength:
            if symbol < 16 { return (UInt32(symbol), 0) }
            let t = ZstdFSE.literalLengthCodes[symbol - 16]
            return (t.base, t.bits)
        case .matchLength:
            if symbol < 32 { return (UInt32(symbol + 3), 0) }
            let t = ZstdFSE.matchLengthCodes[symbol - 32]
            return (t.base, t.bits)
        case .offset:
            return (UInt32(1) << UInt32(symbol), UInt8(symbol))
        case .huffmanWeight:
            return (UInt32(symbol), 0)
        }
    }
}

enum ZstdFSE {
    /// Literal-length codes 16 to 35: baseline and extra bits.
    static let literalLengthCodes: [(base: UInt32, bits: UInt8)] = [
        (16, 1), (18, 1), (20, 1), (22, 1), (24, 2), (28, 2), (32, 3), (40, 3), (48, 4), (64, 6),
        (128, 7), (256, 8), (512, 9), (1024, 10), (2048, 11), (4096, 12), (8192, 13), (16384, 14),
        (32768, 15), (65536, 16),
    ]
    /// Match-length codes 32 to 52: baseline and extra bits.
    static let matchLengthCodes: [(base: UInt32, bits: UInt8)] = [
        (35, 1), (37, 1), (39, 1), (41, 1), (43, 2), (47, 2), (51, 3), (59, 3), (67, 4), (83, 4),
        (99, 5), (131, 7), (259, 8), (515, 9), (1027, 10), (2051, 11), (4099, 12), (8195, 13),
        (16387, 14), (32771, 15), (65539, 16),
    ]

    /// Predefined distributions (RFC 8878 3.1.1.3.2.2): accuracy log and normalized counts.
    static let literalLengthDefault = (log: 6, counts: [
        4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1,
        -1, -1, -1, -1,
    ])
    static let matchLengthDefault = (log: 6, counts: [
        1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1,
    ])
    static let offsetDefault = (log: 5, counts: [
        1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1,
    ])

    /// Reads a table description (RFC 8878 4.1.1) from `input[start..<end]`: returns the
    /// accuracy log, the normalized counts (-1 = "less than 1") and the byte after it.
    static func readDistribution(_ input: UnsafeRawBufferPointer, from start: Int, to end: Int,
                                 kind: ZstdFSEKind) throws -> (log: Int, counts: [Int], next: Int) {
        var bits = ZstdForwardBits(input, from: start, to: end, field: "\(kind.name) FSE table description")
        let log = try bits.read(4) + 5
        guard log <= kind.maxAccuracyLog else {
            throw ZstdFailure(start, "\(kind.name) FSE accuracy log \(log) exceeds the maximum \(kind.maxAccuracyLog)")
        }
        var counts: [Int] = []
        var remaining = 1 << log
        while remaining > 0 {
            guard counts.count <= kind.maxSymbol else {
                throw ZstdFailure(bits.bit >> 3, "\(kind.name) FSE table describes more than \(kind.maxSymbol + 1) symbols")
            }
            // a value in 0...remaining+1, in the fewest bits that can hold it
            let n = Int.bitWidth - (remaining + 1).leadingZeroBitCount
            let threshold = (1 << n) - 1 - (remaining + 1)
            let low = try bits.read(n - 1)
            var value = low
            if low >= threshold, try bits.read(1) == 1 { value = (low | (1 << (n - 1))) - threshold }
            let count = value - 1
            remaining -= abs(count)
            counts.append(count)
            if count == 0 {
                // zero counts are followed by 2-bit repeat flags
                while true {
                    let repeats = try bits.read(2)
                    guard counts.count + repeats <= kind.maxSymbol + 1 else {
                        throw ZstdFailure(bits.bit >> 3, "\(kind.name) FSE table describes more than \(kind.maxSymbol + 1) symbols")
                    }
                    counts += [Int](repeating: 0, count: repeats)
                    if repeats != 3 { break }
                }
            }
        }
        guard remaining == 0 else {
            throw ZstdFailure(bits.bit >> 3, "\(kind.name) FSE counts overshoot the table size \(1 << log)")
        }
        return (log, counts, bits.nextByte)
    }

    /// Builds the decoding table of `counts` (accuracy log `log`) into `cells` (room for
    /// `1 << log`). `at` names the description's byte in errors.
    static func build(_ cells: UnsafeMutablePointer<ZstdFSECell>, log: Int, counts: [Int], kind: ZstdFSEKind,
                      at: Int) throws {
        precondition(counts.count <= 64, "readDistribution keeps counts within the symbol maximum")
        let size = 1 << log
        // while spreading, a cell's newState holds its symbol
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { next in
            // "less than 1" symbols take the top cells, one each
            var high = size - 1
            for (s, c) in counts.enumerated() {
                next[s] = c
                if c == -1 {
                    let v = kind.value(of: s)
                    cells[high] = ZstdFSECell(newState: UInt16(s), nbBits: 0, extraBits: v.extraBits, base: v.base)
                    high -= 1
                    next[s] = 1
                }
            }
            // the others are spread with the fixed step
            let step = (size >> 1) + (size >> 3) + 3, mask = size - 1
            var position = 0
            for (s, c) in counts.enumerated() where c > 0 {
                let v = kind.value(of: s)
                for _ in 0..<c {
                    cells[position] = ZstdFSECell(newState: UInt16(s), nbBits: 0, extraBits: v.extraBits, base: v.base)
                    repeat { position = (position + step) & mask } while position > high
                }
            }
            guard position == 0 else { throw ZstdFailure(at, "\(kind.name) FSE counts do not fill the table") }
            // each cell's next-state range
            for u in 0..<size {
                let s = Int(cells[u].newState)
                let state = next[s]
                next[s] += 1
                let nb = log - (Int.bitWidth - 1 - state.leadingZeroBitCount)
                cells[u].newState = UInt16(truncatingIfNeeded: (state << nb) - size)
                cells[u].nbBits = UInt8(truncatingIfNeeded: nb)
            }
        }
    }

    /// A one-symbol table (RLE mode): every state decodes `symbol` and reads no state bits.
    static func buildRLE(_ cells: UnsafeMutablePointer<ZstdFSECell>, symbol: Int, kind: ZstdFSEKind) {
        let v = kind.value(of: symbol)
        cells[0] = ZstdFSECell(newState: 0, nbBits: 0, extraBits: v.extraBits, base: v.base)
    }
}
