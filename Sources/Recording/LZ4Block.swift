/// The LZ4 *block* format (lz4.org, `lz4_Block_format.md`): sequences of a token, literals, a
/// 2-byte little-endian match offset and a match length. These are the raw compress/decompress
/// loops over pointers; `LZ4Encoder` and `LZ4.decompress` wrap them in the frame format.
enum LZ4Block {
    /// The last 5 bytes of a block are always literals.
    static let lastLiterals = 5
    /// The last match starts at least 12 bytes before the end of the block.
    static let matchStartMargin = 12
    /// Shortest match the format can express.
    static let minMatch = 4
    /// Largest match offset (64 KiB window).
    static let maxOffset = 65_535

    /// Upper bound of the compressed size of `n` bytes (incompressible input grows by one
    /// length byte per 255 literals plus the token).
    static func bound(_ n: Int) -> Int { n + n / 255 + 16 }

    /// Hash-table size (log2 of entries) for a block of `n` bytes: 2^10 to 2^16 entries, so a
    /// small block clears a small table and a large block finds more matches.
    static func hashLog(for n: Int) -> Int {
        let bits = n <= 1 ? 1 : Int.bitWidth - (n - 1).leadingZeroBitCount
        return min(16, max(10, bits - 2))
    }

    /// Compresses `n` bytes at `src` into `dst` (room for `bound(n)` bytes) with a greedy
    /// hash-table matcher: 4-byte hash, 64 KiB window, step growing after 64 misses so
    /// incompressible data passes quickly. `table` holds `1 << hashLog` entries and is cleared
    /// here, so the output depends on the input only. Returns the compressed size.
    static func compress(_ src: UnsafePointer<UInt8>, count n: Int, into dst: UnsafeMutablePointer<UInt8>,
                         table: UnsafeMutablePointer<UInt32>, hashLog: Int) -> Int {
        let capacity = bound(n)
        var op = 0
        var anchor = 0
        // too short for any match: one literal run
        if n >= matchStartMargin + 1 {
            table.update(repeating: 0, count: 1 << hashLog)
            let shift = UInt32(32 - hashLog)
            let raw = UnsafeRawPointer(src)
            @inline(__always) func read32(_ i: Int) -> UInt32 { raw.loadUnaligned(fromByteOffset: i, as: UInt32.self) }
            @inline(__always) func hash(_ v: UInt32) -> Int { Int(truncatingIfNeeded: (v &* 2_654_435_761) >> shift) }
            let mfLimit = n - matchStartMargin  // a match may start at or before this
            let matchLimit = n - lastLiterals   // and must end at or before this
            table[hash(read32(0))] = 0
            var ip = 1
            search: while true {
                // find a 4-byte match
                var attempts = 1 << 6
                var next = ip
                var match = 0
                while true {
                    ip = next
                    next = ip + (attempts >> 6)
                    attempts += 1
                    if ip > mfLimit { break search }
                    let seq = read32(ip)
                    let h = hash(seq)
                    match = Int(table[h])
                    table[h] = UInt32(truncatingIfNeeded: ip)
                    if ip - match <= maxOffset, read32(match) == seq { break }
                }
                // extend backwards over the pending literals
                while ip > anchor, match > 0, src[ip - 1] == src[match - 1] { ip -= 1; match -= 1 }
                // and forwards, 8 bytes at a time
                var p = ip + minMatch, m = match + minMatch
                while p + 8 <= matchLimit {
                    let x = raw.loadUnaligned(fromByteOffset: p, as: UInt64.self)
                        ^ raw.loadUnaligned(fromByteOffset: m, as: UInt64.self)
                    if x != 0 {
                        p += x.littleEndian.trailingZeroBitCount >> 3
                        m = -1
                        break
                    }
                    p += 8; m += 8
                }
                if m >= 0 {
                    while p < matchLimit, src[p] == src[m] { p += 1; m += 1 }
                }
                let matchLength = p - ip
                op = sequence(dst, op, literals: src + anchor, count: ip - anchor, readable: n - anchor,
                              offset: ip - match, matchLength: matchLength, capacity: capacity)
                ip = p
                anchor = ip
                if ip > mfLimit { break }
                // the position two bytes back joins the table (cheap, helps the next search)
                table[hash(read32(ip - 2))] = UInt32(truncatingIfNeeded: ip - 2)
            }
        }
        // last literals
        return sequence(dst, op, literals: src + anchor, count: n - anchor, readable: n - anchor, offset: 0, matchLength: 0,
                        capacity: capacity)
    }

    /// Writes one sequence at `dst + op`: token, literal-length bytes, literals, and (when
    /// `matchLength` > 0) offset and match-length bytes. Returns the new output position.
    /// `readable` bytes may be read at `literals`, `capacity` bytes written at `dst`.
    @inline(__always)
    static func sequence(_ dst: UnsafeMutablePointer<UInt8>, _ start: Int, literals: UnsafePointer<UInt8>, count lit: Int,
                         readable: Int, offset: Int, matchLength: Int, capacity: Int) -> Int {
        var op = start + 1
        var token: UInt8
        if lit >= 15 {
            token = 0xF0
            var r = lit - 15
            while r >= 255 { dst[op] = 255; op += 1; r -= 255 }
            dst[op] = UInt8(truncatingIfNeeded: r); op += 1
        } else {
            token = UInt8(truncatingIfNeeded: lit << 4)
        }
        if lit <= 16, readable >= 16, capacity - op >= 16 {
            // short run: two 8-byte moves, the extra bytes are overwritten next
            copy8(dst + op, literals)
            copy8(dst + op + 8, literals + 8)
        } else {
            (dst + op).update(from: literals, count: lit)
        }
        op += lit
        if matchLength > 0 {
            dst[op] = UInt8(truncatingIfNeeded: offset); dst[op + 1] = UInt8(truncatingIfNeeded: offset >> 8)
            op += 2
            let ml = matchLength - minMatch
            if ml >= 15 {
                token |= 0x0F
                var r = ml - 15
                while r >= 255 { dst[op] = 255; op += 1; r -= 255 }
                dst[op] = UInt8(truncatingIfNeeded: r); op += 1
            } else {
                token |= UInt8(truncatingIfNeeded: ml)
            }
        }
        dst[start] = token
        return op
    }

    /// Moves 8 bytes (unaligned).
    @inline(__always)
    static func copy8(_ to: UnsafeMutablePointer<UInt8>, _ from: UnsafePointer<UInt8>) {
        UnsafeMutableRawPointer(to).storeBytes(of: UnsafeRawPointer(from).loadUnaligned(as: UInt64.self), as: UInt64.self)
    }

    /// A malformed block: the offset (from the block's first byte) and what is wrong.
    struct Failure: Error {
        var offset: Int
        var message: String
        /// True when the block would write past `limit` (rather than being malformed in itself).
        var overflow = false
        /// Output position reached before the fault: every sequence before it is complete.
        var produced = 0
    }

    /// Decompresses the block `src[0..<n]` into `dst` starting at `start`, writing no byte at or
    /// past `limit` and reading matches no further back than `window` (all offsets into `dst`).
    /// Returns the new output position. Every length and offset is checked before use.
    static func decompress(_ src: UnsafePointer<UInt8>, count n: Int, into dst: UnsafeMutablePointer<UInt8>,
                           start: Int, limit: Int, window: Int) throws -> Int {
        func fail(_ at: Int, _ op: Int, _ message: String, overflow: Bool = false) -> Failure {
            Failure(offset: at, message: message, overflow: overflow, produced: op)
        }
        var ip = 0
        var op = start
        while true {
            guard ip < n else { throw fail(ip, op, "block ends where a sequence token should be") }
            let token = src[ip]
            ip += 1
            // literals
            var lit = Int(token >> 4)
            if lit == 15 {
                while true {
                    guard ip < n else { throw fail(ip, op, "block ends inside a literal length") }
                    let b = src[ip]
                    ip += 1
                    lit += Int(b)
                    if b != 255 { break }
                }
            }
            guard lit <= n - ip else {
                throw fail(ip, op, "\(lit) literals run past the end of the block (\(n - ip) bytes left)")
            }
            guard lit <= limit - op else {
                throw fail(ip, op, "\(lit) literals overflow the output (\(limit - op) bytes of room left)", overflow: true)
            }
            if lit <= 16, n - ip >= 16, limit - op >= 16 {
                // short run with room on both sides: two 8-byte moves (the extra bytes are
                // overwritten by what follows)
                copy8(dst + op, src + ip)
                copy8(dst + op + 8, src + ip + 8)
            } else {
                (dst + op).update(from: src + ip, count: lit)
            }
            ip += lit
            op += lit
            // the last sequence has literals only
            if ip == n { return op }
            guard n - ip >= 2 else { throw fail(ip, op, "block ends inside a match offset") }
            let offset = Int(src[ip]) | Int(src[ip + 1]) << 8
            guard offset != 0 else { throw fail(ip, op, "match offset 0") }
            guard offset <= op - window else {
                throw fail(ip, op, "match offset \(offset) reaches before the start of the output window "
                              + "(\(op - window) bytes decoded)")
            }
            ip += 2
            var length = Int(token & 0x0F)
            if length == 15 {
                while true {
                    guard ip < n else { throw fail(ip, op, "block ends inside a match length") }
                    let b = src[ip]
                    ip += 1
                    length += Int(b)
                    if b != 255 { break }
                }
            }
            length += minMatch
            guard length <= limit - op else {
                throw fail(ip, op, "match of \(length) bytes overflows the output (\(limit - op) bytes of room left)", overflow: true)
            }
            let from = dst + (op - offset)
            if offset >= 8, limit - op >= length + 8 {
                // 8 bytes at a time: each source word lies before the word being written
                var k = 0
                repeat { copy8(dst + op + k, from + k); k += 8 } while k < length
                op += length
            } else {
                // overlapping copy by doubling runs: each piece is a plain copy of earlier output
                var left = length
                while left > 0 {
                    let c = min(left, dst + op - from)
                    (dst + op).update(from: from, count: c)
                    op += c
                    left -= c
                }
            }
            if ip == n { return op }
        }
    }
}
