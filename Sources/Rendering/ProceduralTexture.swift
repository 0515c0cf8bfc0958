/// Procedural texture patterns, evaluated per pixel in Float32.
///
/// Each returns a brightness multiplier around 1 for surface coordinates (u, v) already divided
/// by the material scale (so one pattern period is 1). Pure functions of their inputs: no
/// tables, no state, deterministic on every platform.
public enum ProceduralTexture {
    /// Integer-lattice hash to [0, 1).
    @inlinable @inline(__always)
    public static func hash(_ x: Int32, _ y: Int32) -> Float {
        var h = UInt32(bitPattern: x) &* 0x8DA6_B343 ^ UInt32(bitPattern: y) &* 0xD816_3841
        h ^= h >> 13
        h = h &* 0x85EB_CA6B
        h ^= h >> 16
        return Float(h >> 8) * 0x1p-24
    }

    @inlinable @inline(__always)
    static func lattice(_ v: Float) -> (Int32, Float) {
        let f = v.rounded(.down)
        let c = max(min(f, 1e9), -1e9)
        return (Int32(c), v - f)
    }

    /// Smooth value noise in [0, 1).
    @inlinable @inline(__always)
    public static func noise(_ u: Float, _ v: Float) -> Float {
        let (iu, fu) = lattice(u), (iv, fv) = lattice(v)
        let su = fu * fu * (3 - 2 * fu), sv = fv * fv * (3 - 2 * fv)
        let a = hash(iu, iv), b = hash(iu &+ 1, iv), c = hash(iu, iv &+ 1), d = hash(iu &+ 1, iv &+ 1)
        return (a + (b - a) * su) + ((c + (d - c) * su) - (a + (b - a) * su)) * sv
    }

    /// The multiplier for texture `code` (`TextureKind.code`) at (u, v) in pattern periods.
    @inlinable
    public static func value(_ code: Int32, _ u: Float, _ v: Float) -> Float {
        switch code {
        case 1: // checker
            let (a, _) = lattice(u), (b, _) = lattice(v)
            return (a &+ b) & 1 == 0 ? 1.12 : 0.78
        case 2: // stripes (bands along u)
            let (a, _) = lattice(u)
            return a & 1 == 0 ? 1.12 : 0.82
        case 3: // noise
            return 0.7 + 0.6 * noise(u * 2, v * 2)
        case 4: // bark: vertical furrows
            let n = noise(u * 6, v * 0.6)
            return 0.65 + 0.55 * n * n + 0.1 * noise(u * 20, v * 3)
        case 5: // brick: courses of height 0.5, alternate rows offset, dark mortar
            let row = v * 2
            let (ri, rf) = lattice(row)
            let (_, cf) = lattice(u + (ri & 1 == 0 ? 0 : 0.5))
            if rf < 0.08 || cf < 0.04 { return 0.55 }
            return 0.9 + 0.25 * hash(ri, Int32(truncatingIfNeeded: Int((u + 0.5 * Float(ri & 1)).rounded(.down))))
        case 6: // grass: fine and coarse noise
            return 0.7 + 0.3 * noise(u * 4, v * 4) + 0.25 * noise(u * 0.25, v * 0.25)
        case 7: // marble: distorted sine bands
            let n = noise(u * 1.5, v * 1.5)
            let s = sinApprox(u * 3.1 + v * 1.3 + 6 * n)
            return 0.85 + 0.3 * s * s
        case 8: // dots
            let (_, fu) = lattice(u * 2), (_, fv) = lattice(v * 2)
            let du = fu - 0.5, dv = fv - 0.5
            return du * du + dv * dv < 0.09 ? 0.6 : 1.1
        case 9: // hexes: edges of a skewed hexagonal lattice
            let a = u * 1.1547, b = v + u * 0.57735
            let (_, fa) = lattice(a * 2), (_, fb) = lattice(b * 2), (_, fc) = lattice((b - a) * 2)
            let e = min(min(fa, 1 - fa), min(min(fb, 1 - fb), min(fc, 1 - fc)))
            return e < 0.06 ? 0.6 : 1.05
        default:
            return 1
        }
    }

    /// sin(x) to about 1e-3, branch-free on the reduced argument (keeps textures platform-exact).
    @inlinable @inline(__always)
    static func sinApprox(_ x: Float) -> Float {
        let twoPi: Float = 6.2831853
        var y = x - twoPi * (x / twoPi).rounded(.down) - Float.pi   // [-pi, pi)
        y = -y
        let b: Float = 4 / .pi, c: Float = -4 / (.pi * .pi)
        let s = b * y + c * y * abs(y)
        return 0.225 * (s * abs(s) - s) + s
    }
}
