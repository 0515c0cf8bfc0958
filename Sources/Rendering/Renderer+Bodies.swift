import Foundation
import Geometry
import World

/// A body in view this frame: its index, the camera in the body's frame (origin, and the images
/// of the camera's axes), its parts' pixel rectangles (`partRects[firstRect ..< firstRect +
/// rectCount]`) and their union.
struct BodyView: Sendable {
    var index = 0
    var origin = Vec3.zero
    var ax = Vec3.zero, ay = Vec3.zero, az = Vec3.zero
    var firstRect = 0, rectCount = 0
    var rect = PixelRect()
}

/// Pixels `iLo...iHi` x `jLo...jHi` (empty when lo > hi) that a body part (`part`) can cover.
struct PixelRect: Sendable {
    var part: Int32 = 0
    var iLo: Int32 = 0, iHi: Int32 = -1, jLo: Int32 = 0, jHi: Int32 = -1

    var isEmpty: Bool { iLo > iHi || jLo > jHi }

    /// The smallest rectangle holding both.
    func union(_ o: PixelRect) -> PixelRect {
        if isEmpty { return o }
        if o.isEmpty { return self }
        return PixelRect(part: part, iLo: min(iLo, o.iLo), iHi: max(iHi, o.iHi), jLo: min(jLo, o.jLo), jHi: max(jHi, o.jHi))
    }
}

extension Renderer {
    /// Whether `bodies` holds any body other than the one at `ignoring`.
    @inline(__always) static func drawsBodies(_ bodies: [RenderBody], ignoring: Int) -> Bool {
        bodies.count > (bodies.indices.contains(ignoring) ? 1 : 0)
    }

    /// Draws `bodies` (all but the one at `ignoring`) over a rendered frame of the static scene
    /// whose planar depth is in `depth` (clamped at the range). A body whose bounding sphere is
    /// wholly behind the camera or outside the image is skipped; each part of the others gets the
    /// pixel rectangle its hull (8 corners) projects to, and every pixel there casts its ray
    /// exactly against that part (`Shape.intersect` in the body frame), keeping the nearest body
    /// hit per pixel. Then each pixel a body won replaces the scene's where the body is nearer.
    /// Body pixels go through `sink` (depth, and colour or radiance for the post-process), shaded
    /// with the profile's lighting.
    func overlayBodies(_ cam: CameraIntrinsics, _ pose: Pose, _ bodies: [RenderBody], ignoring: Int,
                       depth: UnsafeMutablePointer<Float>, sink: PixelSink, scratch: inout RenderScratch) {
        let W = cam.width, H = cam.height
        let f = cam.focalPixels
        let o = pose.position
        let axW = pose.orientation.rotate(.unitX), ayW = pose.orientation.rotate(.unitY), azW = pose.orientation.rotate(.unitZ)
        let partCount = bodies.reduce(0) { $0 + $1.shape.parts.count }
        scratch.reserveBodies(pixels: W * H, bodies: bodies.count, parts: partCount)
        // pixel coordinates of camera-frame y/x and z/x: pixel (i, j) sees y/x = -(i + 0.5 - W/2)/f
        @inline(__always) func column(_ s: Double) -> Double { Double(W) / 2 - 0.5 - s * f }
        @inline(__always) func row(_ s: Double) -> Double { Double(H) / 2 - 0.5 - s * f }
        // the pixels whose centres lie in [iLo, iHi] x [jLo, jHi] (a 1e-3 pixel margin for rounding)
        @inline(__always) func clipped(_ part: Int, _ iLo: Double, _ iHi: Double, _ jLo: Double, _ jHi: Double) -> PixelRect {
            PixelRect(part: Int32(part), iLo: Int32(max(0, Int(max(-1e9, iLo - 1e-3).rounded(.up)))),
                      iHi: Int32(min(W - 1, Int(min(1e9, iHi + 1e-3).rounded(.down)))),
                      jLo: Int32(max(0, Int(max(-1e9, jLo - 1e-3).rounded(.up)))),
                      jHi: Int32(min(H - 1, Int(min(1e9, jHi + 1e-3).rounded(.down)))))
        }

        // the bodies in view and their parts' pixel rectangles
        var nViews = 0, nRects = 0
        for (b, body) in bodies.enumerated() where b != ignoring {
            let r = body.shape.boundingRadius
            let rel = body.pose.position - o
            let c = Vec3(rel.dot(axW), rel.dot(ayW), rel.dot(azW))   // sphere centre, camera frame
            if c.x + r <= 0 { continue }
            if c.x > r * (1 + 1e-6) + 1e-9 {
                // the sphere's outline tangents in the x-y and x-z planes bound y/x and z/x:
                // (u x +- r sqrt(x^2 + u^2 - r^2)) / (x^2 - r^2), widened by 1e-6 relative
                let den = c.x * c.x - r * r
                func range(_ u: Double) -> (lo: Double, hi: Double) {
                    let mid = u * c.x / den, half = r * (den + u * u).squareRoot() / den
                    let slack = 1e-6 * (abs(mid) + half)
                    return (mid - half - slack, mid + half + slack)
                }
                let (yLo, yHi) = range(c.y), (zLo, zHi) = range(c.z)
                if clipped(0, column(yHi), column(yLo), row(zHi), row(zLo)).isEmpty { continue }
            }
            var v = BodyView()
            v.index = b
            let q = body.pose.orientation
            v.origin = body.pose.inverseTransform(o)
            v.ax = q.inverseRotate(axW); v.ay = q.inverseRotate(ayW); v.az = q.inverseRotate(azW)
            v.firstRect = nRects
            let origin = v.origin, bx = v.ax, by = v.ay, bz = v.az
            body.shape.hull.withUnsafeBufferPointer { hull in
                for k in body.shape.parts.indices {
                    // the hull's corners in the camera frame, and where its edges cross the plane x = near:
                    // the projections of those in front bound what of the part is in front of the camera
                    let near = 1e-6
                    @inline(__always) func corner(_ c: Int) -> Vec3 {
                        let p = hull[8 * k + c] - origin
                        return Vec3(p.dot(bx), p.dot(by), p.dot(bz))
                    }
                    var front = 0
                    var yLo = Double.infinity, yHi = -Double.infinity, zLo = Double.infinity, zHi = -Double.infinity
                    @inline(__always) func add(_ p: Vec3) {
                        let y = p.y / p.x, z = p.z / p.x
                        yLo = min(yLo, y); yHi = max(yHi, y); zLo = min(zLo, z); zHi = max(zHi, z)
                    }
                    for c in 0..<8 {
                        let p = corner(c)
                        if p.x > near { front += 1; add(p) }
                    }
                    if front > 0 && front < 8 {
                        // the 12 edges join corners that differ in one bit
                        for a in 0..<8 {
                            var bit = 1
                            while bit < 8 {
                                if a & bit == 0 {
                                    let p = corner(a), q = corner(a | bit)
                                    if (p.x > near) != (q.x > near) { add(p + (q - p) * ((near - p.x) / (q.x - p.x))) }
                                }
                                bit <<= 1
                            }
                        }
                    }
                    if front == 0 { continue }
                    var rect = clipped(k, column(yHi), column(yLo), row(zHi), row(zLo))
                    rect.part = Int32(k)
                    if rect.isEmpty { continue }
                    scratch.partRects[nRects] = rect
                    nRects += 1
                    v.rect = v.rect.union(rect)
                }
            }
            v.rectCount = nRects - v.firstRect
            if v.rectCount == 0 { continue }
            scratch.bodyViews[nViews] = v
            nViews += 1
        }
        if nViews == 0 { return }

        scratch.bodyViews.withUnsafeBufferPointer { viewB in
        scratch.partRects.withUnsafeBufferPointer { rectB in
        scratch.bodyT.withUnsafeMutableBufferPointer { tB in
        scratch.bodyWho.withUnsafeMutableBufferPointer { whoB in
        scratch.bodyColor.withUnsafeMutableBufferPointer { colorB in
            let views = viewB.baseAddress!, rects = rectB.baseAddress!
            let best = tB.baseAddress!, who = whoB.baseAddress!, color = colorB.baseAddress!
            // every body's rectangle starts empty (before any body writes: rectangles overlap)
            for v in 0..<nViews {
                let p = views[v].rect
                for j in Int(p.jLo)...Int(p.jHi) { for i in Int(p.iLo)...Int(p.iHi) { best[j * W + i] = .infinity } }
            }
            // each part's exact hits over its rectangle, the nearest body hit per pixel, lit by the world normal
            for v in 0..<nViews {
                let view = views[v]
                let shape = bodies[view.index].shape, q = bodies[view.index].pose.orientation
                for r in view.firstRect..<(view.firstRect + view.rectCount) {
                    let rect = rects[r]
                    let k = Int(rect.part)
                    let part = shape.parts[k].shape, trig = shape.trig[k], albedo = shape.albedo[k]
                    for j in Int(rect.jLo)...Int(rect.jHi) {
                        let zc = -(Double(j) + 0.5 - Double(H) / 2) / f
                        let rowDir = view.ax + view.az * zc
                        for i in Int(rect.iLo)...Int(rect.iHi) {
                            let yc = -(Double(i) + 0.5 - Double(W) / 2) / f
                            let pix = j * W + i
                            // planar depth: the camera-frame direction (1, yc, zc) has x = 1, so depth = t
                            guard let h = part.intersect(origin: view.origin, direction: rowDir + view.ay * yc, tMin: 0,
                                                         tMax: best[pix], cosYaw: trig.x, sinYaw: trig.y),
                                  h.t < best[pix] else { continue }
                            best[pix] = h.t
                            who[pix] = Int32(v)
                            let n = q.rotate(h.normal)
                            color[pix] = albedo * light(SIMD3(Float(n.x), Float(n.y), Float(n.z)))
                        }
                    }
                }
            }
            // each pixel once, by the body that won it: nearer than the scene?
            let maxRange = Float(cam.maxRange)
            for v in 0..<nViews {
                let p = views[v].rect
                for j in Int(p.jLo)...Int(p.jHi) {
                    for i in Int(p.iLo)...Int(p.iHi) {
                        let k = j * W + i
                        let t = best[k]
                        guard t < .infinity, who[k] == Int32(v) else { continue }
                        var nearer = Float(t) < depth[k]
                        if !nearer && depth[k] >= maxRange {
                            // the scene's depth saturated: is its true hit beyond the body?
                            let zc = -(Double(j) + 0.5 - Double(H) / 2) / f, yc = -(Double(i) + 0.5 - Double(W) / 2) / f
                            let dw = axW + ayW * yc + azW * zc
                            nearer = scene.raycast(from: o, direction: dw, maxDistance: t * dw.length) == nil
                        }
                        if nearer { sink.put(k, depth: Float(t), color: color[k]) }
                    }
                }
            }
        }}}}}
    }
}
