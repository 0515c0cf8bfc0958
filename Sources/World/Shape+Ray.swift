import Foundation
import Geometry

extension Shape {
    /// The roots of a t^2 + 2 hb t + c = 0 (a > 0) in order, by the numerically stable formula
    /// (no cancellation between hb and the square root); nil when there are none. Shared by every
    /// ray-quadric test (`intersect`, the renderer's column spans and tilted path), which must
    /// agree bit for bit.
    @inlinable @inline(__always)
    public static func stableRoots(a: Double, hb: Double, c: Double) -> (near: Double, far: Double)? {
        let disc = hb * hb - a * c
        if disc < 0 { return nil }
        let q = -(hb + (hb >= 0 ? 1 : -1) * disc.squareRoot())
        let t1 = q / a, t2 = q != 0 ? c / q : q / a
        return t1 > t2 ? (t2, t1) : (t1, t2)
    }

    /// The interval of t where a ray is inside an infinite vertical cylinder: `stableRoots` with
    /// a = horizontal |d|^2, hb = horizontal offset . d, c = horizontal offset^2 - r^2; the whole
    /// line when the ray is vertical inside (a = 0, c <= 0); nil when it misses.
    @inlinable @inline(__always)
    public static func cylinderInterval(a: Double, hb: Double, c: Double) -> (near: Double, far: Double)? {
        guard a > 0 else { return c > 0 ? nil : (-Double.infinity, Double.infinity) }
        return stableRoots(a: a, hb: hb, c: c)
    }

    /// First entry of the ray `o + t d` (t in [tMin, tMax], `d` any non-zero length) into the
    /// solid: the ray parameter and the outward unit normal there. Rays starting inside the solid
    /// do not hit it (they see out through it).
    public func intersect(origin o: Vec3, direction d: Vec3, tMin: Double, tMax: Double) -> (t: Double, normal: Vec3)? {
        if case .box(let b) = self { return intersect(origin: o, direction: d, tMin: tMin, tMax: tMax, cosYaw: cos(b.yaw), sinYaw: sin(b.yaw)) }
        return intersect(origin: o, direction: d, tMin: tMin, tMax: tMax, cosYaw: 1, sinYaw: 0)
    }

    /// `intersect` with the box yaw's cosine and sine precomputed (`Scene.yawTrig`).
    @inline(__always)
    public func intersect(origin o: Vec3, direction d: Vec3, tMin: Double, tMax: Double, cosYaw c: Double, sinYaw s: Double) -> (t: Double, normal: Vec3)? {
        switch self {
        case .box(let b):
            // slab test in the box frame
            let dd = o - b.center
            let lo = Vec3(c * dd.x + s * dd.y, -s * dd.x + c * dd.y, dd.z)
            let ld = Vec3(c * d.x + s * d.y, -s * d.x + c * d.y, d.z)
            var tNear = -Double.infinity, tFar = Double.infinity
            var axis = 0, sign = 1.0
            for i in 0..<3 {
                let h = b.halfExtents[i]
                if ld[i] == 0 {
                    if abs(lo[i]) > h { return nil }
                    continue
                }
                let inv = 1 / ld[i]
                var t1 = (-h - lo[i]) * inv, t2 = (h - lo[i]) * inv
                var sg = -1.0
                if t1 > t2 { swap(&t1, &t2); sg = 1 }
                if t1 > tNear { tNear = t1; axis = i; sign = sg }
                tFar = min(tFar, t2)
            }
            guard tNear <= tFar, tNear >= tMin, tNear <= tMax else { return nil }
            var n = Vec3.zero
            n[axis] = sign
            return (tNear, Vec3(c * n.x - s * n.y, s * n.x + c * n.y, n.z))
        case .cylinder(let cy):
            // vertical slab
            var zNear = -Double.infinity, zFar = Double.infinity
            if d.z != 0 {
                let a = (cy.zMin - o.z) / d.z, bb = (cy.zMax - o.z) / d.z
                zNear = min(a, bb); zFar = max(a, bb)
            } else if o.z < cy.zMin || o.z > cy.zMax { return nil }
            // infinite cylinder, numerically stable quadratic
            let ox = o.x - cy.x, oy = o.y - cy.y
            let a = d.x * d.x + d.y * d.y
            let c = ox * ox + oy * oy - cy.radius * cy.radius
            guard let (rNear, rFar) = Shape.cylinderInterval(a: a, hb: ox * d.x + oy * d.y, c: c) else { return nil }
            let tNear = max(zNear, rNear), tFar = min(zFar, rFar)
            guard tNear <= tFar, tNear >= tMin, tNear <= tMax else { return nil }
            if rNear >= zNear {
                let px = ox + d.x * tNear, py = oy + d.y * tNear
                let l = (px * px + py * py).squareRoot()
                return (tNear, Vec3(px / l, py / l, 0))
            }
            return (tNear, Vec3(0, 0, d.z > 0 ? -1 : 1))
        case .sphere(let sp):
            let oc = o - sp.center
            let a = d.lengthSquared
            let hb = oc.dot(d)
            let c = oc.lengthSquared - sp.radius * sp.radius
            guard let (t1, _) = Shape.stableRoots(a: a, hb: hb, c: c), c > 0, t1 >= tMin, t1 <= tMax else { return nil }
            return (t1, (oc + d * t1) / sp.radius)
        }
    }
}
