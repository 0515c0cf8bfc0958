import Foundation
import Geometry
@testable import Neural
import Testing

/// `lstmCellDoubled` (Sources/CNeuralKernels/lstm.c): both versions against the cell's formula
/// in Double, on shapes with padding and tails, plus the properties the planner relies on.
@Suite struct LSTMCellKernelTests {
    /// One row-padded batch: z [rows, ldz], bias [4 hd], c [rows, ldc], h [rows, ldh].
    struct Batch {
        var rows, hd, ldz, ldc, ldh: Int
        var z, bias, c, h: [Float]

        init(rows: Int, hd: Int, seed: UInt64, spread: Float = 6) {
            self.rows = rows; self.hd = hd
            ldz = 4 * hd + 3; ldc = hd + 2; ldh = hd + 5
            var rng = RNG(seed: seed)
            z = (0..<(rows * ldz)).map { _ in (rng.uniformFloat() * 2 - 1) * spread }
            bias = (0..<(4 * hd)).map { _ in (rng.uniformFloat() * 2 - 1) * spread / 3 }
            c = (0..<(rows * ldc)).map { _ in (rng.uniformFloat() * 2 - 1) * 2 }
            h = [Float](repeating: 7, count: rows * ldh)   // 7: a sentinel no result can take
        }

        mutating func run(baselineOnly: Bool) {
            let (rows, hd, ldz, ldc, ldh) = (self.rows, self.hd, self.ldz, self.ldc, self.ldh)
            z.withUnsafeBufferPointer { z in
                bias.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        h.withUnsafeMutableBufferPointer { h in
                            lstmCellDoubled(gates: z.baseAddress!, ldz: ldz, bias: b.baseAddress!, cell: c.baseAddress!,
                                            ldc: ldc, hidden: h.baseAddress!, ldh: ldh, rows: rows, units: hd,
                                            baselineOnly: baselineOnly)
                        }
                    }
                }
            }
        }

        /// The cell's formula in Double: (new c, h) of row r, unit j, from the inputs.
        func reference(_ r: Int, _ j: Int) -> (c: Double, h: Double) {
            func s(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
            func gate(_ q: Int) -> Double { Double(z[r * ldz + q * hd + j]) + Double(bias[q * hd + j]) }
            let cn = s(gate(1)) * Double(c[r * ldc + j]) + s(gate(0)) * (2 * s(gate(2)) - 1)
            return (cn, s(gate(3)) * (2 * s(2 * cn) - 1))
        }
    }

    @Test(arguments: [(3, 128), (2, 19), (4, 16), (5, 5), (1, 1)])
    func bothVersionsFollowTheFormula(rows: Int, hd: Int) {
        for baselineOnly in [true, false] {
            let before = Batch(rows: rows, hd: hd, seed: UInt64(rows * 100 + hd))
            var b = before
            b.run(baselineOnly: baselineOnly)
            var worst = 0.0
            for r in 0..<rows {
                for j in 0..<hd {
                    let want = before.reference(r, j)
                    worst = max(worst, abs(Double(b.c[r * b.ldc + j]) - want.c), abs(Double(b.h[r * b.ldh + j]) - want.h))
                }
                // padding and z untouched
                #expect(b.c[(r * b.ldc + hd)..<((r + 1) * b.ldc)] == before.c[(r * b.ldc + hd)..<((r + 1) * b.ldc)])
                #expect(b.h[(r * b.ldh + hd)..<((r + 1) * b.ldh)].allSatisfy { $0 == 7 })
            }
            #expect(b.z == before.z)
            #expect(worst < 2e-6, "baselineOnly \(baselineOnly), rows \(rows), hd \(hd): max error \(worst)")
        }
    }

    @Test func versionsAgreeAndSaturateWithoutNaN() {
        // pre-activations far past the exponential's clamp saturate the gates to exactly 0 or 1
        var wide = Batch(rows: 6, hd: 37, seed: 5, spread: 300)
        wide.z[0] = .infinity; wide.z[1] = -.infinity
        var other = wide
        wide.run(baselineOnly: true)
        other.run(baselineOnly: false)
        #expect(wide.c.allSatisfy(\.isFinite) && wide.h.allSatisfy(\.isFinite))
        #expect(other.c.allSatisfy(\.isFinite) && other.h.allSatisfy(\.isFinite))
        for (x, y) in zip(wide.h + wide.c, other.h + other.c) { #expect(abs(x - y) <= 1e-6) }
        // h = o tanh(c) is bounded by 1 in magnitude
        #expect(other.h.allSatisfy { abs($0) <= 1 || $0 == 7 })
    }

    @Test func nanInAGatePropagatesToItsUnitOnly() {
        for baselineOnly in [true, false] {
            var b = Batch(rows: 2, hd: 20, seed: 9)
            b.z[1 * b.ldz + 3 * b.hd + 4] = .nan   // row 1, output gate of unit 4
            b.run(baselineOnly: baselineOnly)
            #expect(b.h[1 * b.ldh + 4].isNaN)
            #expect(b.h.enumerated().filter { $0.element.isNaN }.map(\.offset) == [1 * b.ldh + 4])
        }
    }

    @Test func aRowsResultDoesNotDependOnTheBatch() {
        // the planner splits candidates into blocks: row 3 alone must equal row 3 of seven
        for baselineOnly in [true, false] {
            var all = Batch(rows: 7, hd: 40, seed: 11)
            var one = all
            one.rows = 1
            one.z = Array(all.z[(3 * all.ldz)..<(4 * all.ldz)])
            one.c = Array(all.c[(3 * all.ldc)..<(4 * all.ldc)])
            one.h = Array(all.h[(3 * all.ldh)..<(4 * all.ldh)])
            all.run(baselineOnly: baselineOnly)
            one.run(baselineOnly: baselineOnly)
            #expect(one.h == Array(all.h[(3 * all.ldh)..<(4 * all.ldh)]))
            #expect(one.c == Array(all.c[(3 * all.ldc)..<(4 * all.ldc)]))
        }
    }
}
