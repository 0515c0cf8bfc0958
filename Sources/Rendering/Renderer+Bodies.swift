import Foundation
import Geometry
import World

/// A body in view this frame: its index, the pixel rectangle its bounding sphere projects to and
/// the camera in the body's frame (origin, and the images of the camera's axes).
struct BodyView: Sendable {
    var index = 0
    var iLo = 0, iHi = -1, jLo = 0, jHi = -1
    var origin = Vec3.zero
    var ax = Vec3.zero, ay = Vec3.zero, az = Vec3.zero
}

extension Renderer {
    /// Whether `bodies` holds any body other than the one at `ignoring`.
    @inline(__always) static func drawsBodies(_ bodies: [RenderBody], ignoring: Int) -> Bool {
        bodies.count > (bodies.indices.contains(ignoring) ? 1 : 0)
    }

    /// Draws `bodies` (all but the one at `ignoring`) over a rendered frame of the static scene
    /// whose planar depth is in `depth` (clamped at the range): each body whose bounding sphere is
    /// in front of the camera gets the pixel rectangle the sphere projects to, every pixel there
    /// casts its ray exactly against the body's parts (in the body frame), the nearest body wins
    /// the pixel and replaces the scene where it is nearer. Body pixels go through `sink` (depth,
    /// and colour or radiance for the post-process), shaded with the profile's lighting.
    func overlayBodies(_ cam: CameraIntrinsics, _ pose: Pose, _ bodies: [RenderBody], ignoring: Int,
                       depth: UnsafeMutablePointer<Float>, sink: PixelSink, scratch: inout RenderScratch) {
        let W = cam.width, H = cam.height
        let f = cam.focalPixels
        let o = pose.position
        let axW = pose.orientation.rotate(.unitX), ayW = pose.orientation.rotate(.unitY), azW = pose.orientation.rotate(.unitZ)
        scratch.reserveBodies(pixels: W * H, bodies: bodies.count)
        // the bodies in view and their pixel rectangles
        var nViews = 0
        for (b, body) in bodies.enumerated() where b != ignoring {
            let r = body.shape.boundingRadius
            let rel = body.pose.position - o
            let c = Vec3(rel.dot(axW), rel.dot(ayW), rel.dot(azW))   // sphere centre, camera frame
            if c.x + r <= 0 { continue }
            var v = BodyView()
            v.index = b
            if c.x <= r * (1 + 1e-9) + 1e-9 {
                // the sphere reaches the camera plane: no bounded projection, test every pixel
                v.iLo = 0; v.iHi = W - 1; v.jLo = 0; v.jHi = H - 1
            } else {
                // tangents of the sphere's outline in the x-y and x-z planes: the ranges of y/x and z/x
                func range(_ u: Double) -> (lo: Double, hi: Double) {
                    let d = (c.x * c.x + u * u).squareRoot()
                    let mid = atan2(u, c.x), half = asin(min(1, r / d))
                    return (tan(mid - half), tan(mid + half))
                }
                let (yLo, yHi) = range(c.y), (zLo, zHi) = range(c.z)
                // pixel (i, j) sees y/x = -(i + 0.5 - W/2)/f and z/x = -(j + 0.5 - H/2)/f
                v.iLo = max(0, Int(max(-1e9, Double(W) / 2 - 0.5 - yHi * f).rounded(.down)) - 1)
                v.iHi = min(W - 1, Int(min(1e9, Double(W) / 2 - 0.5 - yLo * f).rounded(.up)) + 1)
                v.jLo = max(0, Int(max(-1e9, Double(H) / 2 - 0.5 - zHi * f).rounded(.down)) - 1)
                v.jHi = min(H - 1, Int(min(1e9, Double(H) / 2 - 0.5 - zLo * f).rounded(.up)) + 1)
                if v.iLo > v.iHi || v.jLo > v.jHi { continue }
            }
            let q = body.pose.orientation
            v.origin = body.pose.inverseTransform(o)
            v.ax = q.inverseRotate(axW); v.ay = q.inverseRotate(ayW); v.az = q.inverseRotate(azW)
            scratch.bodyViews[nViews] = v
            nViews += 1
        }
        if nViews == 0 { return }

        scratch.bodyViews.withUnsafeBufferPointer { viewB in
        scratch.bodyT.withUnsafeMutableBufferPointer { tB in
        scratch.bodyWho.withUnsafeMutableBufferPointer { whoB in
        scratch.bodyColor.withUnsafeMutableBufferPointer { colorB in
            let views = viewB.baseAddress!, best = tB.baseAddress!, who = whoB.baseAddress!, color = colorB.baseAddress!
            // every rectangle starts empty (before any body writes: rectangles overlap)
            for v in 0..<nViews {
                let p = views[v]
                for j in p.jLo...p.jHi { for i in p.iLo...p.iHi { best[j * W + i] = .infinity } }
            }
            // each body's exact hits, nearest body per pixel; its colour is lit by the world normal
            for v in 0..<nViews {
                let p = views[v]
                let body = bodies[p.index]
                let shape = body.shape, q = body.pose.orientation
                let r2 = shape.boundingRadius * shape.boundingRadius
                let oc = p.origin.lengthSquared - r2
                for j in p.jLo...p.jHi {
                    let zc = -(Double(j) + 0.5 - Double(H) / 2) / f
                    let rowDir = p.ax + p.az * zc
                    for i in p.iLo...p.iHi {
                        let yc = -(Double(i) + 0.5 - Double(W) / 2) / f
                        let d = rowDir + p.ay * yc
                        // the bounding sphere first (a ray from inside it always goes on)
                        let hb = p.origin.dot(d)
                        if oc > 0 && (hb >= 0 || hb * hb < d.lengthSquared * oc) { continue }
                        let k = j * W + i
                        guard let h = shape.intersect(p.origin, d, tMax: best[k]) else { continue }
                        // planar depth: the camera-frame direction (1, yc, zc) has x = 1, so depth = t
                        best[k] = h.t
                        who[k] = Int32(v)
                        let n = q.rotate(h.normal)
                        color[k] = shape.albedo[h.part] * light(SIMD3(Float(n.x), Float(n.y), Float(n.z)))
                    }
                }
            }
            // each pixel once, by the body that won it: nearer than the scene?
            let maxRange = Float(cam.maxRange)
            for v in 0..<nViews {
                let p = views[v]
                for j in p.jLo...p.jHi {
                    for i in p.iLo...p.iHi {
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
        }}}}
    }
}
