import Foundation

/// Depth image exports: PFM (exact Float32 metres), 16-bit millimetre PNG, false-colour PNG.
public enum DepthExport {
    /// PFM bytes: header `Pf\nW H\n-1\n`, then little-endian Float32 rows bottom to top.
    public static func pfm(width: Int, height: Int, depth: [Float]) -> [UInt8] {
        precondition(depth.count == width * height)
        var out = Array("Pf\n\(width) \(height)\n-1\n".utf8)
        out.reserveCapacity(out.count + 4 * depth.count)
        for j in stride(from: height - 1, through: 0, by: -1) {
            for i in 0..<width {
                let b = depth[j * width + i].bitPattern.littleEndian
                out += [UInt8(b & 0xFF), UInt8((b >> 8) & 0xFF), UInt8((b >> 16) & 0xFF), UInt8(b >> 24)]
            }
        }
        return out
    }

    /// Depth in millimetres, rounded, clamped to 0...65535.
    public static func millimetres(_ depth: [Float]) -> [UInt16] {
        depth.map { UInt16(max(0, min(65535, ($0 * 1000).rounded()))) }
    }

    /// A false-colour RGB view: near red through yellow, green and cyan to far blue; pixels at
    /// or beyond `maxRange` black.
    public static func falseColor(_ depth: [Float], maxRange: Float) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: depth.count * 3)
        for (k, d) in depth.enumerated() where d < maxRange {
            let t = max(0, min(1, d / maxRange)) * 4
            let seg = min(Int(t), 3), f = t - Float(seg)
            let c: (Float, Float, Float)
            switch seg {
            case 0: c = (1, f, 0)
            case 1: c = (1 - f, 1, 0)
            case 2: c = (0, 1, f)
            default: c = (0, 1 - f, 1)
            }
            out[3 * k] = UInt8(c.0 * 255); out[3 * k + 1] = UInt8(c.1 * 255); out[3 * k + 2] = UInt8(c.2 * 255)
        }
        return out
    }
}
