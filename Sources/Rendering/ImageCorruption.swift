import Foundation
import Geometry

/// Pixel-level corruptions of a rendered 8-bit gray image, at severities 0 (clean) ... 5: the
/// camera-side rungs of the OCS familiarity ladder (METHODS.md 4, docs/ocs.md). Every function
/// is pure: the input image is not modified, severity 0 returns it unchanged, and randomness
/// (noise only) comes from the injected `RNG`.
///
/// Images are row-major `width * height` bytes, row 0 at the top (the renderer's layout);
/// depth is the renderer's planar depth in metres (`maxRange` where nothing is hit).
public enum ImageCorruption: String, CaseIterable, Sendable, Codable {
    /// Additive Gaussian noise, std in units of the full 0..255 range.
    case noise
    /// Separable Gaussian blur, sigma in pixels.
    case blur
    /// Depth-based fog: `v' = t v + (1 - t) fog`, `t = exp(-density * depth)`, density per metre.
    case fog
    /// Brightness shift: `v' = v + shift * 255`, clamped.
    case brightness

    /// Highest severity of the ladder.
    public static let maxSeverity = 5

    /// The corruption's parameter at severities 0 ... 5 (unit in the case's comment).
    public var parameters: [Double] {
        switch self {
        case .noise: [0, 0.03, 0.06, 0.10, 0.16, 0.24]
        case .blur: [0, 0.5, 1.0, 1.6, 2.4, 3.5]
        case .fog: [0, 0.04, 0.08, 0.15, 0.3, 0.6]
        case .brightness: [0, 0.08, 0.16, 0.26, 0.38, 0.52]
        }
    }

    /// Gray level the fog blends towards (a light overcast gray).
    public static let fogLevel: Float = 200

    /// The image corrupted at `severity` (0 ... `maxSeverity`); `depth` is used by fog only
    /// (same size as `gray`), `rng` by noise only.
    public func apply(severity: Int, gray: [UInt8], depth: [Float], width: Int, height: Int, rng: inout RNG) -> [UInt8] {
        precondition((0...ImageCorruption.maxSeverity).contains(severity), "severity must be in 0...\(ImageCorruption.maxSeverity)")
        precondition(gray.count == width * height, "image size mismatch")
        guard severity > 0 else { return gray }
        let p = parameters[severity]
        switch self {
        case .noise: return ImageCorruption.addNoise(gray, std: p, rng: &rng)
        case .blur: return ImageCorruption.gaussianBlur(gray, width: width, height: height, sigma: p)
        case .fog:
            precondition(depth.count == gray.count, "fog needs the depth image")
            return ImageCorruption.fog(gray, depth: depth, density: p)
        case .brightness: return ImageCorruption.brighten(gray, shift: p)
        }
    }

    /// Rounds and clamps a level to a byte.
    @inlinable public static func quantize(_ v: Float) -> UInt8 { UInt8(max(0, min(255, v.rounded()))) }

    /// Adds N(0, (std * 255)^2) to every pixel, one draw per pixel in order.
    public static func addNoise(_ gray: [UInt8], std: Double, rng: inout RNG) -> [UInt8] {
        let s = std * 255
        return gray.map { quantize(Float(Double($0) + s * rng.normal())) }
    }

    /// Separable Gaussian blur with kernel radius ceil(3 sigma), borders clamped.
    public static func gaussianBlur(_ gray: [UInt8], width: Int, height: Int, sigma: Double) -> [UInt8] {
        guard sigma > 0 else { return gray }
        let r = max(1, Int((3 * sigma).rounded(.up)))
        var kernel = (-r...r).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        var rows = [Float](repeating: 0, count: gray.count)
        for j in 0..<height {
            for i in 0..<width {
                var s: Float = 0
                for t in -r...r { s += kernel[t + r] * Float(gray[j * width + max(0, min(width - 1, i + t))]) }
                rows[j * width + i] = s
            }
        }
        var out = [UInt8](repeating: 0, count: gray.count)
        for j in 0..<height {
            for i in 0..<width {
                var s: Float = 0
                for t in -r...r { s += kernel[t + r] * rows[max(0, min(height - 1, j + t)) * width + i] }
                out[j * width + i] = quantize(s)
            }
        }
        return out
    }

    /// Blends every pixel towards `level` by its transmittance `exp(-density * depth)`.
    public static func fog(_ gray: [UInt8], depth: [Float], density: Double, level: Float = fogLevel) -> [UInt8] {
        zip(gray, depth).map { v, d in
            let t = Float(exp(-density * Double(d)))
            return quantize(t * Float(v) + (1 - t) * level)
        }
    }

    /// Adds `shift * 255` to every pixel (clamped at 255).
    public static func brighten(_ gray: [UInt8], shift: Double) -> [UInt8] {
        let s = Float(shift * 255)
        return gray.map { quantize(Float($0) + s) }
    }

    /// `(1 - alpha) a + alpha b` per pixel: a gradual swap of one rendering for another (the
    /// unseen-texture rung blends the clean image towards a rendering with held-out textures).
    public static func blend(_ a: [UInt8], _ b: [UInt8], alpha: Double) -> [UInt8] {
        precondition(a.count == b.count, "blend needs images of one size")
        guard alpha > 0 else { return a }
        let w = Float(alpha)
        return zip(a, b).map { x, y in quantize((1 - w) * Float(x) + w * Float(y)) }
    }

    /// Mean squared difference of two images (gray levels^2).
    public static func meanSquaredError(_ a: [UInt8], _ b: [UInt8]) -> Double {
        precondition(a.count == b.count && !a.isEmpty, "meanSquaredError needs images of one size")
        var s = 0.0
        for (x, y) in zip(a, b) { let d = Double(x) - Double(y); s += d * d }
        return s / Double(a.count)
    }

    /// Standard deviation of the gray levels (the image's RMS contrast).
    public static func contrast(_ a: [UInt8]) -> Double {
        let n = Double(a.count)
        let m = a.reduce(0.0) { $0 + Double($1) } / n
        return (a.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / n).squareRoot()
    }
}
