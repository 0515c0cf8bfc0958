import Geometry
import World

/// One obstacle as a tilted camera sees it in one frame: its azimuth interval, horizontal and
/// vertical reach relative to the camera, and the per-frame constants of its exact ray
/// intersection. Built once per frame for every obstacle in the image's azimuth range.
///
/// `intersect` performs the same floating-point operations as `Shape.intersect` (Scene.raycast's
/// code) with the terms that depend only on the camera position hoisted out, so a hit distance is
/// bit-identical to `Shape.intersect(origin:direction:tMin: 0, tMax:...)` for the same ray.
struct TiltedObstacle: Sendable {
    /// Azimuth interval relative to the camera heading, radians (-pi...pi: no usable interval).
    var lo = 0.0
    var hi = 0.0
    /// Nearest and farthest horizontal distance from the camera to the footprint, metres.
    var near = 0.0
    var far = 0.0
    /// Vertical extent relative to the camera height, metres.
    var zLo = 0.0
    var zHi = 0.0
    /// The azimuth interval's edges as world (cos, sin) pairs (lo.x, lo.y, hi.x, hi.y); all zero: no wedge test.
    var wedge = SIMD4<Double>.zero
    /// 0 box, 1 cylinder, 2 sphere.
    var kind: Int32 = 0
    /// Index into `Scene.obstacles`.
    var index: Int32 = 0
    /// Shape constants relative to the camera. Box: (-h - l) per axis in p0...p2, (h - l) in p3...p5 with l the
    /// camera in the box frame, cos and sin of the yaw in p6, p7. Cylinder: zMin and zMax relative to the camera
    /// in p0, p1, camera minus axis in p2, p3, the quadratic's constant term in p4, p5 = 1 when the camera height
    /// is outside [zMin, zMax]. Sphere: camera minus centre in p0...p2, the quadratic's constant term in p3,
    /// the radius in p4.
    var p0 = 0.0, p1 = 0.0, p2 = 0.0, p3 = 0.0, p4 = 0.0, p5 = 0.0, p6 = 0.0, p7 = 0.0

    init() {}

    /// The constants of obstacle `index` (shape `shape`, yaw cosine and sine `trig`) for a camera at `o`.
    init(shape: Shape, index: Int, trig: SIMD2<Double>, camera o: Vec3) {
        self.index = Int32(index)
        switch shape {
        case .box(let b):
            kind = 0
            let c = trig.x, s = trig.y
            let dd = o - b.center
            let l = Vec3(c * dd.x + s * dd.y, -s * dd.x + c * dd.y, dd.z)
            let h = b.halfExtents
            p0 = -h.x - l.x; p1 = -h.y - l.y; p2 = -h.z - l.z
            p3 = h.x - l.x; p4 = h.y - l.y; p5 = h.z - l.z
            p6 = c; p7 = s
            zLo = b.center.z - h.z - o.z; zHi = b.center.z + h.z - o.z
        case .cylinder(let cy):
            kind = 1
            p0 = cy.zMin - o.z; p1 = cy.zMax - o.z
            p2 = o.x - cy.x; p3 = o.y - cy.y
            p4 = p2 * p2 + p3 * p3 - cy.radius * cy.radius
            p5 = o.z < cy.zMin || o.z > cy.zMax ? 1 : 0
            zLo = p0; zHi = p1
        case .sphere(let sp):
            kind = 2
            let oc = o - sp.center
            p0 = oc.x; p1 = oc.y; p2 = oc.z
            p3 = oc.lengthSquared - sp.radius * sp.radius
            p4 = sp.radius
            zLo = sp.center.z - sp.radius - o.z; zHi = sp.center.z + sp.radius - o.z
        }
    }

    /// Box slab test along direction `d` (world): the entry distance if it lies in [0, tMax),
    /// with the entry face's box-frame axis and sign; nil otherwise.
    @inline(__always) func intersectBox(_ d: Vec3, _ tMax: Double) -> (t: Double, axis: Int, sign: Double)? {
        let c = p6, s = p7
        let lx = c * d.x + s * d.y, ly = -s * d.x + c * d.y, lz = d.z
        var tNear = -Double.infinity, tFar = Double.infinity
        var axis = 0, sign = 1.0
        // the three slabs, in the same order and arithmetic as Shape.intersect
        if lx == 0 {
            if p3 < 0 || p0 > 0 { return nil }
        } else {
            let inv = 1 / lx
            var t1 = p0 * inv, t2 = p3 * inv
            var sg = -1.0
            if t1 > t2 { swap(&t1, &t2); sg = 1 }
            if t1 > tNear { tNear = t1; axis = 0; sign = sg }
            tFar = min(tFar, t2)
        }
        if ly == 0 {
            if p4 < 0 || p1 > 0 { return nil }
        } else {
            let inv = 1 / ly
            var t1 = p1 * inv, t2 = p4 * inv
            var sg = -1.0
            if t1 > t2 { swap(&t1, &t2); sg = 1 }
            if t1 > tNear { tNear = t1; axis = 1; sign = sg }
            tFar = min(tFar, t2)
        }
        if lz == 0 {
            if p5 < 0 || p2 > 0 { return nil }
        } else {
            let inv = 1 / lz
            var t1 = p2 * inv, t2 = p5 * inv
            var sg = -1.0
            if t1 > t2 { swap(&t1, &t2); sg = 1 }
            if t1 > tNear { tNear = t1; axis = 2; sign = sg }
            tFar = min(tFar, t2)
        }
        guard tNear <= tFar, tNear >= 0, tNear < tMax else { return nil }
        return (tNear, axis, sign)
    }

    /// World normal of a box entry face (box-frame axis and sign), as Shape.intersect computes it.
    @inline(__always) func boxNormal(axis: Int, sign: Double) -> Vec3 {
        var n = Vec3.zero
        n[axis] = sign
        return Vec3(p6 * n.x - p7 * n.y, p7 * n.x + p6 * n.y, n.z)
    }

    /// Vertical cylinder along `d` (world; `a` = d.x^2 + d.y^2): the entry distance if it lies in
    /// [0, tMax), and whether it is on the side (else a cap); nil otherwise.
    @inline(__always) func intersectCylinder(_ d: Vec3, _ a: Double, _ tMax: Double) -> (t: Double, side: Bool)? {
        var zNear = -Double.infinity, zFar = Double.infinity
        if d.z != 0 {
            let a0 = p0 / d.z, b0 = p1 / d.z
            zNear = min(a0, b0); zFar = max(a0, b0)
        } else if p5 != 0 { return nil }
        guard let (rNear, rFar) = Shape.cylinderInterval(a: a, hb: p2 * d.x + p3 * d.y, c: p4) else { return nil }
        let tNear = max(zNear, rNear), tFar = min(zFar, rFar)
        guard tNear <= tFar, tNear >= 0, tNear < tMax else { return nil }
        return (tNear, rNear >= zNear)
    }

    /// World normal of a cylinder hit at distance `t` along `d`, as Shape.intersect computes it.
    @inline(__always) func cylinderNormal(_ d: Vec3, _ t: Double, side: Bool) -> Vec3 {
        if side {
            let px = p2 + d.x * t, py = p3 + d.y * t
            let l = (px * px + py * py).squareRoot()
            return Vec3(px / l, py / l, 0)
        }
        return Vec3(0, 0, d.z > 0 ? -1 : 1)
    }

    /// Sphere along `d` (world; `a` = d.lengthSquared): the entry distance if it lies in [0, tMax); nil otherwise.
    @inline(__always) func intersectSphere(_ d: Vec3, _ a: Double, _ tMax: Double) -> Double? {
        let oc = Vec3(p0, p1, p2)
        let hb = oc.dot(d)
        guard let (t1, _) = Shape.stableRoots(a: a, hb: hb, c: p3), p3 > 0, t1 >= 0, t1 < tMax else { return nil }
        return t1
    }

    /// World normal of a sphere hit at distance `t` along `d`, as Shape.intersect computes it.
    @inline(__always) func sphereNormal(_ d: Vec3, _ t: Double) -> Vec3 {
        (Vec3(p0, p1, p2) + d * t) / p4
    }
}

/// One image row of the tilted camera's current column: the ray and its nearest hit so far.
struct TiltedRow: Sendable {
    /// World direction of the pixel's ray (camera-frame x = 1, so t is planar depth).
    var d = Vec3.zero
    /// d.x^2 + d.y^2 and its square root (horizontal length).
    var a = 0.0
    var dxy = 0.0
    /// Nearest hit distance so far (along d), infinity for none.
    var best = Double.infinity
    /// Candidates with near * d.z above this lie beyond where the ray climbs above every obstacle.
    var reachZ = Double.infinity
    /// The same as a horizontal distance, rounded up (infinity when not climbing).
    var reachH = Double.infinity
    /// Box hit: the entry face's box-frame sign.
    var sign = 0.0
    /// What the row hit: index into the frame's `TiltedObstacle`s, -1 ground, -2 nothing.
    var hit: Int32 = -2
    /// Box hit: entry face axis; cylinder hit: 1 on the side, 0 on a cap.
    var aux: Int32 = 0

    init() {}

    init(d: Vec3, a: Double, dxy: Double) {
        self.d = d; self.a = a; self.dxy = dxy
    }

    /// A horizontal distance beyond which no candidate can change this row (conservative: never
    /// below the exact per-row tests' thresholds).
    @inline(__always) var horizontalLimit: Double {
        let h = min(best * dxy, reachH)
        return h.isNaN ? .infinity : h
    }
}
