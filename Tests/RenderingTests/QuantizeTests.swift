import Foundation
import Geometry
import Testing
@testable import Rendering

/// The renderer's byte conversion: the unchecked truncation gives what the checked `UInt8(_:)`
/// gives on every clamped value, and the two quantizers keep their clamping of out-of-range,
/// infinite and NaN inputs.
@Suite struct QuantizeTests {
    @Test func byteTruncatesLikeTheCheckedConversion() {
        // every quarter step, the integers' neighbours, and random values in 0...255
        var values: [Float] = stride(from: 0, through: 255, by: 0.25).map { Float($0) }
        for k in 0...255 {
            let x = Float(k)
            values += [x.nextUp, x.nextDown].filter { $0 >= 0 && $0 <= 255 }
        }
        var rng = RNG(seed: 3)
        for _ in 0..<100_000 { values.append(Float(rng.uniform(0, 255))) }
        let wrong = values.filter { Renderer.byte($0) != UInt8($0) }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        #expect(Renderer.byte(254.99998) == 254 && Renderer.byte(255) == 255 && Renderer.byte(0.99999994) == 0)
    }

    @Test func quantizersClampOutOfRangeValues() {
        // the checked definitions, written out
        func q255(_ v: Float) -> UInt8 { let r = v + 0.5; return UInt8(r > 0 ? (r < 255 ? r : 255) : 0) }
        func q(_ v: Float) -> UInt8 { UInt8(max(0, min(255, v * 255 + 0.5))) }
        let edge: [Float] = [-.infinity, -1e30, -1, -0.5, -0.0, 0, 0.4999, 0.5, 1, 127.5, 254.5, 254.49998, 255, 256, 1e30,
                             .infinity, .nan, -.nan]
        for v in edge {
            #expect(Renderer.quantize255(v) == q255(v), "quantize255(\(v))")
            #expect(Renderer.quantize(v / 255) == q(v / 255), "quantize(\(v / 255))")
        }
        #expect(Renderer.quantize255(.nan) == 0 && Renderer.quantize(.nan) == 255)
        var rng = RNG(seed: 4)
        for _ in 0..<50_000 {
            let v = Float(rng.uniform(-10, 265))
            #expect(Renderer.quantize255(v) == q255(v))
            #expect(Renderer.quantize(v / 255) == q(v / 255))
        }
    }
}
