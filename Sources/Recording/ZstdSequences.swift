/// The sequences section of a compressed Zstandard block (RFC 8878 3.1.1.3.2 and 3.1.1.4):
/// the three code tables, then one backward bitstream of (literal length, match length,
/// offset) sequences, executed into the output as they are decoded.

extension ZstdDecoder {
    /// Decodes the sequences section `input[start..<end]` and writes the block's output: each
    /// sequence's literals then its match, then the literals left over. At most `room` bytes.
    func sequences(from start: Int, to end: Int, literals lit: UnsafePointer<UInt8>, literalCount: Int, room: Int,
                   frameStart: Int) throws {
        // the number of sequences in 1 to 3 bytes
        guard start < end else { throw ZstdFailure(start, "input ends before the sequences section header") }
        let b0 = Int(input[start])
        var p = start + 1
        var count = b0
        if b0 >= 128 {
            let extra = b0 == 255 ? 2 : 1
            guard extra <= end - p else { throw ZstdFailure(start, "input ends inside the number of sequences") }
            count = b0 == 255 ? Int(input[p]) + Int(input[p + 1]) << 8 + 0x7F00 : (b0 - 128) << 8 + Int(input[p])
            p += extra
        }
        if count == 0 {
            guard p == end else { throw ZstdFailure(p, "\(end - p) bytes follow a sequences section of 0 sequences") }
            try finishBlock(literals: lit, count: literalCount, at: produced, room: room, offset: start)
            return
        }
        // the table modes: literal lengths, offsets, match lengths
        guard p < end else { throw ZstdFailure(p, "input ends before the symbol compression modes") }
        let modes = Int(input[p])
        guard modes & 3 == 0 else { throw ZstdFailure(p, "reserved bits of the symbol compression modes are set") }
        p += 1
        let kinds: [ZstdFSEKind] = [.literalLength, .offset, .matchLength]
        for (k, kind) in kinds.enumerated() {
            let cells = fse + k * Self.tableRoom
            switch modes >> (6 - 2 * k) & 3 {
            case 0:
                if tables[k].isPredefined { break }
                let d = kind == .literalLength ? ZstdFSE.literalLengthDefault
                    : kind == .offset ? ZstdFSE.offsetDefault : ZstdFSE.matchLengthDefault
                try ZstdFSE.build(cells, log: d.log, counts: d.counts, kind: kind, at: p)
                tables[k] = ZstdFSETable(accuracyLog: d.log, isSet: true, isPredefined: true)
            case 1:
                guard p < end else { throw ZstdFailure(p, "input ends before the \(kind.name) RLE symbol") }
                let symbol = Int(input[p])
                guard symbol <= kind.maxSymbol else {
                    throw ZstdFailure(p, "\(kind.name) RLE symbol \(symbol) exceeds the maximum \(kind.maxSymbol)")
                }
                ZstdFSE.buildRLE(cells, symbol: symbol, kind: kind)
                tables[k] = ZstdFSETable(accuracyLog: 0, isSet: true)
                p += 1
            case 2:
                let d = try ZstdFSE.readDistribution(input, from: p, to: end, kind: kind)
                try ZstdFSE.build(cells, log: d.log, counts: d.counts, kind: kind, at: p)
                tables[k] = ZstdFSETable(accuracyLog: d.log, isSet: true)
                p = d.next
            default:
                guard tables[k].isSet else {
                    throw ZstdFailure(p - 1, "\(kind.name) table repeats the previous one, but the frame has none yet")
                }
            }
        }
        // the bitstream: initial states, then each sequence
        guard p < end else { throw ZstdFailure(p, "sequences bitstream is missing") }
        var bits = try ZstdBackwardBits(input, at: p, size: end - p, field: "sequences bitstream")
        let ll = fse, of = fse + Self.tableRoom, ml = fse + 2 * Self.tableRoom
        var llState = bits.read(tables[0].accuracyLog)
        var ofState = bits.read(tables[1].accuracyLog)
        var mlState = bits.read(tables[2].accuracyLog)
        var (rep1, rep2, rep3) = repeatOffsets
        let bitstreamAt = p
        let outEnd = produced + room
        var op = produced
        var litPos = 0
        try out.withUnsafeMutableBufferPointer { o in
            let dst = o.baseAddress!
            for i in 0..<count {
                let oc = of[ofState], mc = ml[mlState], lc = ll[llState]
                let offsetValue: Int, matchLength: Int, literalLength: Int
                if bits.bitPos >= 104 {
                    // fast path: a sequence takes at most 31 + 16 bits from a first 64-bit load
                    // (57 valid), then 16 + 9 + 9 + 8 from a second, none past the start
                    var w = bits.window()
                    offsetValue = Int(oc.base) + bits.take(Int(oc.extraBits), from: &w)
                    matchLength = Int(mc.base) + bits.take(Int(mc.extraBits), from: &w)
                    w = bits.window()
                    literalLength = Int(lc.base) + bits.take(Int(lc.extraBits), from: &w)
                    if i + 1 < count {
                        llState = Int(lc.newState) + bits.take(Int(lc.nbBits), from: &w)
                        mlState = Int(mc.newState) + bits.take(Int(mc.nbBits), from: &w)
                        ofState = Int(oc.newState) + bits.take(Int(oc.nbBits), from: &w)
                    }
                } else {
                    offsetValue = Int(oc.base) + bits.read(Int(oc.extraBits))
                    matchLength = Int(mc.base) + bits.read(Int(mc.extraBits))
                    literalLength = Int(lc.base) + bits.read(Int(lc.extraBits))
                    if i + 1 < count {
                        llState = Int(lc.newState) + bits.read(Int(lc.nbBits))
                        mlState = Int(mc.newState) + bits.read(Int(mc.nbBits))
                        ofState = Int(oc.newState) + bits.read(Int(oc.nbBits))
                    }
                    guard bits.bitPos >= 0 else {
                        throw ZstdFailure(bitstreamAt, "sequences bitstream ends inside sequence \(i + 1) of \(count)")
                    }
                }
                // the offset: new, or one of the three repeat offsets
                var offset: Int
                if offsetValue > 3 {
                    offset = offsetValue - 3
                    (rep1, rep2, rep3) = (offset, rep1, rep2)
                } else {
                    let index = offsetValue - (literalLength == 0 ? 0 : 1)
                    switch index {
                    case 0: offset = rep1
                    case 1: offset = rep2; (rep1, rep2) = (rep2, rep1)
                    case 2: offset = rep3; (rep1, rep2, rep3) = (rep3, rep1, rep2)
                    default: offset = rep1 - 1; (rep1, rep2, rep3) = (offset, rep1, rep2)
                    }
                }
                // literals, then the match
                guard literalLength <= literalCount - litPos else {
                    throw ZstdFailure(bitstreamAt, "sequence \(i + 1) needs \(literalLength) literals, \(literalCount - litPos) are left")
                }
                guard literalLength + matchLength <= outEnd - op else { throw ZstdFailure(bitstreamAt, Self.roomExceeded) }
                if literalLength <= Self.shortCopy, literalCount - litPos - literalLength >= 16 {
                    Self.wildCopy(dst + op, lit + litPos, literalLength)
                } else {
                    (dst + op).update(from: lit + litPos, count: literalLength)
                }
                op += literalLength
                litPos += literalLength
                guard offset >= 1, offset <= op - frameStart else {
                    throw ZstdFailure(bitstreamAt, "sequence \(i + 1) has match offset \(offset), reaching before the frame's "
                                      + "first byte (\(op - frameStart) bytes decoded)")
                }
                Self.copyMatch(dst + op, offset: offset, count: matchLength)
                op += matchLength
            }
        }
        guard bits.bitPos == 0 else {
            throw ZstdFailure(bitstreamAt, "sequences bitstream has \(bits.bitPos) bits left after its \(count) sequences")
        }
        repeatOffsets = (rep1, rep2, rep3)
        try finishBlock(literals: lit + litPos, count: literalCount - litPos, at: op, room: room - (op - produced),
                        offset: bitstreamAt)
    }

    /// Copies `n` bytes 16 at a time, writing up to 15 bytes past `d + n` and reading up to 15
    /// past `s + n`: the output keeps `wildSlack` bytes of room after the block, and a source
    /// overlapping the destination must start at least 16 bytes before it.
    @inline(__always) static func wildCopy(_ d: UnsafeMutablePointer<UInt8>, _ s: UnsafePointer<UInt8>, _ n: Int) {
        var k = 0
        while k < n {
            let v = UnsafeRawPointer(s + k).loadUnaligned(as: SIMD16<UInt8>.self)
            UnsafeMutableRawPointer(d + k).storeBytes(of: v, as: SIMD16<UInt8>.self)
            k += 16
        }
    }

    /// Writes a match of `n` bytes (3 or more) at `d` from `offset` (1 or more) bytes back, as a
    /// byte-by-byte copy would: a source overlapping the destination repeats its last `offset`
    /// bytes. Like `wildCopy` it writes up to 15 bytes past `d + n` (within `wildSlack`).
    @inline(__always) static func copyMatch(_ d: UnsafeMutablePointer<UInt8>, offset: Int, count n: Int) {
        let s = UnsafePointer(d - offset)
        if n > shortCopy {
            // long: memmove in runs that double (each a copy of the output before it)
            var k = 0
            while k < n {
                let c = min(n - k, offset + k)
                (d + k).update(from: s, count: c)
                k += c
            }
        } else if offset >= 16 {
            wildCopy(d, s, n)
        } else if offset >= 8 {
            copy8(d, s, n)
        } else if offset == 1 {
            // a run of one byte
            let v = SIMD16<UInt8>(repeating: s.pointee)
            var k = 0
            while k < n {
                UnsafeMutableRawPointer(d + k).storeBytes(of: v, as: SIMD16<UInt8>.self)
                k += 16
            }
        } else {
            // offsets 2 to 7: the first 8 bytes one by one, then 8 at a time from the smallest
            // whole number of periods at least 8 bytes back (the same pattern, already written)
            for k in 0..<8 { d[k] = s[k] }
            if n > 8 {
                let back = offset >= 5 ? 2 * offset : offset == 3 ? 9 : 8
                copy8(d + 8, UnsafePointer(d + 8 - back), n - 8)
            }
        }
    }

    /// Copies `n` bytes 8 at a time, writing up to 7 bytes past `d + n`: a source overlapping
    /// the destination must start at least 8 bytes before it.
    @inline(__always) static func copy8(_ d: UnsafeMutablePointer<UInt8>, _ s: UnsafePointer<UInt8>, _ n: Int) {
        var k = 0
        while k < n {
            UnsafeMutableRawPointer(d + k).storeBytes(of: UnsafeRawPointer(s + k).loadUnaligned(as: UInt64.self), as: UInt64.self)
            k += 8
        }
    }

    /// Longest copy made 8 or 16 bytes at a time; longer ones go to `memmove` (faster for long
    /// runs, its call costs more than a few short moves).
    static let shortCopy = 128

    /// Room kept after a compressed block's output for `wildCopy`.
    static let wildSlack = 16

    /// Appends the block's last `count` literals at output position `op` and ends the block.
    func finishBlock(literals lit: UnsafePointer<UInt8>, count: Int, at op: Int, room: Int, offset: Int) throws {
        guard count <= room else { throw ZstdFailure(offset, Self.roomExceeded) }
        out.withUnsafeMutableBufferPointer { o in (o.baseAddress! + op).update(from: lit, count: count) }
        produced = op + count
    }
}
