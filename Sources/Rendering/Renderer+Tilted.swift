import Foundation
import Geometry
import World

extension Renderer {
    /// Tilted cameras: obstacles binned by the azimuth interval they cover as seen from the
    /// camera. Each image column spans an azimuth interval (its arc is monotonic in azimuth
    /// unless it passes the zenith or nadir, which falls back to per-ray grid casting); the
    /// column's candidates are the obstacles overlapping it, sorted by their horizontal distance,
    /// and every pixel tests them exactly (same intersection code as `Scene.raycast`), stopping
    /// once the next candidate is farther than its best hit. Returns false (nothing written) when
    /// the view needs the per-ray fallback.
    func renderTilted(_ cam: CameraIntrinsics, _ pose: Pose, _ sink: PixelSink, scratch: inout RenderScratch) -> Bool {
        let W = cam.width, H = cam.height
        let o = pose.position
        let f = cam.focalPixels
        let ax = pose.orientation.rotate(.unitX), ay = pose.orientation.rotate(.unitY), az = pose.orientation.rotate(.unitZ)
        // the zenith or nadir in (or near) view: azimuth bins break down
        for q in 0..<2 {
            let up: Double = q == 0 ? 1 : -1
            let dx = ax.z * up, dy = ay.z * up, dz = az.z * up   // camera-frame coordinates of (0, 0, up)
            if dx > 1e-6 {
                let i = Double(W) / 2 - dy / dx * f, j = Double(H) / 2 - dz / dx * f
                if i > -2 && i < Double(W) + 2 && j > -2 && j < Double(H) + 2 { return false }
            }
        }
        let yaw0 = atan2(ax.y, ax.x)
        func azimuth(_ d: Vec3) -> Double { wrapAngle(atan2(d.y, d.x) - yaw0) }
        func dir(_ i: Int, _ j: Int) -> Vec3 {
            ax + ay * (-(Double(i) + 0.5 - Double(W) / 2) / f) + az * (-(Double(j) + 0.5 - Double(H) / 2) / f)
        }
        // per-column azimuth intervals and the whole image's
        var imgLo = Double.infinity, imgHi = -Double.infinity
        for i in 0..<W {
            let a = azimuth(dir(i, 0)), b = azimuth(dir(i, H - 1))
            if abs(a - b) > .pi / 2 { return false }
            scratch.colLo[i] = min(a, b) - 1e-9
            scratch.colHi[i] = max(a, b) + 1e-9
            imgLo = min(imgLo, scratch.colLo[i]); imgHi = max(imgHi, scratch.colHi[i])
        }
        // each obstacle's azimuth interval and horizontal distance; keep those in view
        var nVisible = 0
        for (k, ob) in scene.obstacles.enumerated() {
            var lo = -Double.pi, hi = Double.pi, dist = 0.0
            switch ob.shape {
            case .cylinder(let c):
                let dx = c.x - o.x, dy = c.y - o.y, d = (dx * dx + dy * dy).squareRoot()
                if d > c.radius {
                    let half = asin(c.radius / d), mid = wrapAngle(atan2(dy, dx) - yaw0)
                    if abs(mid) + half < .pi { lo = mid - half; hi = mid + half }
                    dist = d - c.radius
                }
            case .sphere(let s):
                let dx = s.center.x - o.x, dy = s.center.y - o.y, d = (dx * dx + dy * dy).squareRoot()
                if d > s.radius {
                    let half = asin(s.radius / d), mid = wrapAngle(atan2(dy, dx) - yaw0)
                    if abs(mid) + half < .pi { lo = mid - half; hi = mid + half }
                    dist = d - s.radius
                }
            case .box(let b):
                let t = scene.yawTrig[k]
                let dx = o.x - b.center.x, dy = o.y - b.center.y
                let lx = t.x * dx + t.y * dy, ly = -t.y * dx + t.x * dy
                let qx = max(abs(lx) - b.halfExtents.x, 0), qy = max(abs(ly) - b.halfExtents.y, 0)
                dist = (qx * qx + qy * qy).squareRoot()
                if dist > 0 {
                    var a0 = Double.infinity, a1 = -Double.infinity
                    for corner in 0..<4 {
                        let cx = (corner & 1 == 0 ? 1 : -1) * b.halfExtents.x, cy = (corner & 2 == 0 ? 1 : -1) * b.halfExtents.y
                        let wx = b.center.x + t.x * cx - t.y * cy - o.x, wy = b.center.y + t.y * cx + t.x * cy - o.y
                        let a = wrapAngle(atan2(wy, wx) - yaw0)
                        a0 = min(a0, a); a1 = max(a1, a)
                    }
                    if a1 - a0 < .pi { lo = a0; hi = a1 }
                }
            }
            if hi < imgLo || lo > imgHi { continue }
            scratch.obsLo[nVisible] = lo; scratch.obsHi[nVisible] = hi; scratch.obsDist[nVisible] = dist
            // the interval's edges as world directions, for a cheap per-pixel wedge test
            if hi - lo < .pi {
                scratch.obsWedge[nVisible] = SIMD4(cos(lo - 1e-9 + yaw0), sin(lo - 1e-9 + yaw0), cos(hi + 1e-9 + yaw0), sin(hi + 1e-9 + yaw0))
            } else {
                scratch.obsWedge[nVisible] = SIMD4(0, 0, 0, 0)
            }
            scratch.visible[nVisible] = Int32(k)
            nVisible += 1
        }
        let groundRel = scene.groundHeight - o.z
        scratch.obsLo.withUnsafeBufferPointer { loB in
        scratch.obsHi.withUnsafeBufferPointer { hiB in
        scratch.obsDist.withUnsafeBufferPointer { distB in
        scratch.visible.withUnsafeBufferPointer { visB in
        scratch.cand.withUnsafeMutableBufferPointer { candB in
        scratch.colLo.withUnsafeBufferPointer { colLoB in
        scratch.colHi.withUnsafeBufferPointer { colHiB in
        scratch.obsWedge.withUnsafeBufferPointer { wedgeB in
            let cand = candB.baseAddress!
            for i in 0..<W {
                // candidates of this column, nearest first
                let cLo = colLoB[i], cHi = colHiB[i]
                var n = 0
                for v in 0..<nVisible where hiB[v] >= cLo && loB[v] <= cHi {
                    var b = n - 1
                    while b >= 0 && distB[Int(cand[b])] > distB[v] { cand[b + 1] = cand[b]; b -= 1 }
                    cand[b + 1] = Int32(v)
                    n += 1
                }
                let yc = -(Double(i) + 0.5 - Double(W) / 2) / f
                let colDir = ax + ay * yc
                for j in 0..<H {
                    let zc = -(Double(j) + 0.5 - Double(H) / 2) / f
                    let d = colDir + az * zc
                    let dxy = (d.x * d.x + d.y * d.y).squareRoot()
                    var best = Double.infinity
                    var hitObstacle = -2, hitNormal = Vec3.unitZ
                    if d.z < 0 && groundRel < 0 { best = groundRel / d.z; hitObstacle = -1 }
                    for c in 0..<n {
                        let v = Int(cand[c])
                        if distB[v] > best * dxy { break }
                        // outside the obstacle's azimuth wedge: cannot hit it (all-zero wedge: no test)
                        let w = wedgeB[v]
                        if w.x * d.y - w.y * d.x < 0 || d.x * w.w - d.y * w.z < 0 { continue }
                        let k = Int(visB[v])
                        let t = scene.yawTrig[k]
                        if let h = scene.obstacles[k].shape.intersect(origin: o, direction: d, tMin: 0, tMax: best, cosYaw: t.x, sinYaw: t.y),
                           h.t < best {
                            best = h.t; hitObstacle = k; hitNormal = h.normal
                        }
                    }
                    let pix = j * W + i
                    // planar depth: the camera-frame direction has x = 1, so depth = t
                    if hitObstacle == -2 {
                        sink.put(pix, depth: .infinity, color: sink.wantColor ? sky(Float(d.z / d.length)) : .zero)
                    } else if !sink.wantColor {
                        sink.put(pix, depth: Float(best), color: .zero)
                    } else {
                        let m = hitObstacle >= 0 ? scene.obstacles[hitObstacle].material : scene.groundMaterial
                        sink.put(pix, depth: Float(best),
                                 color: shadeHit(obstacle: hitObstacle, material: m, point: o + d * best, normal: hitNormal))
                    }
                }
            }
        }}}}}}}}
        return true
    }
}
