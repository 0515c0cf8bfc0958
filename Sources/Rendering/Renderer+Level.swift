import Foundation
import Geometry
import World

extension Renderer {
    /// Largest of `p[0..<n]` (SIMD, 8 lanes). A masked replace, not `pointwiseMax`: the standard
    /// library's is a lane-by-lane loop behind a call (5.6% of `bench render`'s profile), this is a
    /// compare and a blend; both keep the old value against a NaN, so the result is the same.
    @inline(__always) static func maximum(_ p: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        var m8 = SIMD8<Float>(repeating: 0)
        var j = 0
        while j + 8 <= n {
            let v = UnsafeRawPointer(p + j).loadUnaligned(as: SIMD8<Float>.self)
            m8.replace(with: v, where: v .> m8)
            j += 8
        }
        var m = m8.max()
        while j < n { m = max(m, p[j]); j += 1 }
        return m
    }

    /// Largest of `p[0..<n]` (SIMD, 4 lanes; -infinity for n = 0).
    @inline(__always) static func maximum(_ p: UnsafeMutablePointer<Double>, _ n: Int) -> Double {
        var m4 = SIMD4<Double>(repeating: -.infinity)
        var j = 0
        while j + 4 <= n {
            let v = UnsafeRawPointer(p + j).loadUnaligned(as: SIMD4<Double>.self)
            m4.replace(with: v, where: v .> m4)
            j += 4
        }
        var m = m4.max()
        while j < n { m = max(m, p[j]); j += 1 }
        return m
    }

    /// Level cameras: each image column is a vertical plane. One 2D grid walk per column finds
    /// the obstacles crossing it (front to back, each once thanks to mailbox stamps); each
    /// obstacle then updates only the rows its vertical extent can cover, keeping the nearest hit
    /// per row (a per-column z-buffer in Float32). The walk stops once every row's hit is nearer
    /// than the next cell. Then rows are shaded.
    ///
    /// `rows` and `columns` restrict the work to a window of `cam`'s image (default: all of it):
    /// the buffers are then `cam.width` wide and `rows.count` tall, their row 0 is image row
    /// `rows.lowerBound`, and only the window's columns are written. A pixel of a window equals
    /// the same pixel of the whole image bit for bit: a row's ray depends on its image row only,
    /// and the walk's early stop only skips obstacles that no row of the window could take
    /// (tested). `principalOffset` shifts the principal point (pixels, u right, v down;
    /// `renderWindow`).
    func renderLevel(_ cam: CameraIntrinsics, _ pose: Pose, depth: UnsafeMutablePointer<Float>?, gray: UnsafeMutablePointer<UInt8>?,
                     rgb: UnsafeMutablePointer<UInt8>?, post: Bool, scratch: inout RenderScratch,
                     rows: Range<Int>? = nil, columns: Range<Int>? = nil, principalOffset: SIMD2<Double> = .zero) {
        let W = cam.width
        let rows = rows ?? 0..<cam.height, columns = columns ?? 0..<W
        let H = rows.count
        let f = cam.focalPixels
        let yaw = pose.orientation.yaw
        let cyaw = cos(yaw), syaw = sin(yaw)
        let o = pose.position
        let grid = scene.grid
        let obstacles = scene.obstacles
        let groundRel = Float(scene.groundHeight - o.z)
        let topRel = Float(grid.maxTop - o.z)
        let ox = Float(o.x), oy = Float(o.y), oz = Float(o.z)
        let groundM = scene.groundMaterial
        let capUpLight = light(SIMD3(0, 0, 1)), capDownLight = light(SIMD3(0, 0, -1))
        let wantColor = gray != nil || rgb != nil
        let maxRange = Float(cam.maxRange)
        let q255 = Float(profile.exposure) * 255
        let skyH = SIMD3<Float>(Float(profile.skyHorizon.x), Float(profile.skyHorizon.y), Float(profile.skyHorizon.z))
        let skyZ = SIMD3<Float>(Float(profile.skyZenith.x), Float(profile.skyZenith.y), Float(profile.skyZenith.z))
        let skyLumaH = Renderer.luma(skyH), skyLumaZ = Renderer.luma(skyZ)
        // the principal point's row in window rows (for a zero or integer offset exact: a
        // half-integer minus an integer), and its column
        let centre = Double(cam.height) / 2 + principalOffset.y - 0.5 - Double(rows.lowerBound)
        let cx = Double(W) / 2 + principalOffset.x
        scratch.reserveEpochs(W)
        var epoch = scratch.epoch
        defer { scratch.epoch = epoch }

        scratch.radiance.withUnsafeMutableBufferPointer { radBuf in
        scratch.spans.withUnsafeMutableBufferPointer { spanBuf in
        scratch.stamp.withUnsafeMutableBufferPointer { stampBuf in
        scratch.rowBest.withUnsafeMutableBufferPointer { bestBuf in
        scratch.rowKind.withUnsafeMutableBufferPointer { kindBuf in
        scratch.rowSpan.withUnsafeMutableBufferPointer { whichBuf in
        scratch.rowZc.withUnsafeMutableBufferPointer { zcBuf in
        scratch.rowKind0.withUnsafeMutableBufferPointer { kind0Buf in
        scratch.rowBase.withUnsafeMutableBufferPointer { baseBuf in
        albedo.withUnsafeBufferPointer { albedoBuf in
        texCode.withUnsafeBufferPointer { codeBuf in
        invScale.withUnsafeBufferPointer { scaleBuf in
        obstacleMaterial.withUnsafeBufferPointer { omBuf in
        yawTrig.withUnsafeBufferPointer { trigBuf in
        albedoLuma.withUnsafeBufferPointer { lumBuf in
            let rad = radBuf.baseAddress!, spans = spanBuf.baseAddress!, stamp = stampBuf.baseAddress!
            let best = bestBuf.baseAddress!, kind = kindBuf.baseAddress!, which = whichBuf.baseAddress!, zc = zcBuf.baseAddress!
            let alb = albedoBuf.baseAddress!, codes = codeBuf.baseAddress!, scales = scaleBuf.baseAddress!
            let om = omBuf.baseAddress!, trig = trigBuf.baseAddress!, kind0 = kind0Buf.baseAddress!

            let lum = lumBuf.baseAddress!
            @inline(__always) func tex(_ m: Int, _ u: Float, _ v: Float) -> Float {
                let code = codes[m]
                if code == 0 { return 1 }
                let k = scales[m]
                return ProceduralTexture.value(code, u * k, v * k)
            }

            // camera-frame vertical direction of each row (x = 1), and each row's starting
            // horizontal distance per unit of lh: the ground hit, or where the ray climbs above
            // the tallest obstacle (sky), or nothing
            let base = baseBuf.baseAddress!
            var baseMax: Float = 0
            for j in 0..<H {
                let z = -(Double(j) - centre) / f
                zc[j] = Float(z == 0 ? 1e-12 : z)
                if zc[j] < 0 && groundRel < 0 {
                    base[j] = groundRel / zc[j]; kind0[j] = -2
                } else if zc[j] > 0 && topRel > 0 {
                    base[j] = topRel / zc[j] * 1.0001 + 1e-4; kind0[j] = -1
                } else if zc[j] > 0 {
                    base[j] = 0; kind0[j] = -1
                } else {
                    base[j] = .infinity; kind0[j] = -1
                }
                baseMax = max(baseMax, base[j])
            }
            for i in columns {
                // the column's vertical plane: unit horizontal direction (ux, uy)
                let yc = -(Double(i) + 0.5 - cx) / f
                let lh = (1 + yc * yc).squareRoot()
                let ux = (cyaw - syaw * yc) / lh, uy = (syaw + cyaw * yc) / lh
                let flh = Float(lh), invLh = Float(1 / lh)
                let rowScale = lh * f   // row = centre - s * rowScale
                // start: ground below the horizon, sky limit (above the tallest top) above it
                for j in 0..<H { best[j] = base[j] * flh; kind[j] = kind0[j] }
                let farthest = baseMax * flh
                epoch &+= 1
                let ep = epoch
                var n = 0
                var limit = Double(farthest)
                grid.walk(ox: o.x, oy: o.y, dx: ux, dy: uy, t0: 0, t1: min(limit, 1e7)) { cell, tEnter, _ in
                    if tEnter >= limit { return false }
                    let s0 = Int(grid.cellStart[cell]), e0 = Int(grid.cellStart[cell + 1])
                    var touched = false
                    for kk in s0..<e0 {
                        let idx = Int(grid.items[kk])
                        if stamp[idx] == ep { continue }
                        stamp[idx] = ep
                        let m = om[idx]
                        guard let sp = columnSpan(obstacles[idx].shape, material: m, trig: trig[idx], textured: codes[Int(m)] != 0,
                                                  o, ux, uy), Double(sp.hIn) < limit else { continue }
                        // rows this span can cover (conservative), then exact per-row tests
                        let a = max(sp.hIn, 1e-6), b = max(sp.hOut, a)
                        let zLo = sp.kind == 0 ? sp.zMinRel : sp.zc - sp.radius
                        let zHi = sp.kind == 0 ? sp.zMaxRel : sp.zc + sp.radius
                        let sLo = Double(min(zLo / a, zLo / b)), sHi = Double(max(zHi / a, zHi / b))
                        let jLo = max(0, Int(max(-1e9, (centre - sHi * rowScale)).rounded(.down)) - 1)
                        let jHi = min(H - 1, Int(min(1e9, (centre - sLo * rowScale)).rounded(.up)) + 1)
                        if jLo > jHi { continue }
                        spans[n] = sp
                        var hitAny = false
                        if sp.kind == 0 {
                            for j in jLo...jHi {
                                let invS = flh / zc[j]
                                let za = sp.zMinRel * invS, zb = sp.zMaxRel * invS
                                let lo = min(za, zb), hi = max(za, zb)
                                let entry = max(sp.hIn, lo), exit = min(sp.hOut, hi)
                                if entry <= exit && entry >= 0 && entry < best[j] {
                                    best[j] = entry
                                    kind[j] = sp.hIn >= lo ? 0 : 1
                                    which[j] = Int32(n)
                                    hitAny = true
                                }
                            }
                        } else {
                            for j in jLo...jHi {
                                let s = zc[j] * invLh
                                let a2 = 1 + s * s
                                let hb = -sp.hc - s * sp.zc
                                let c = sp.hc * sp.hc + sp.zc * sp.zc - sp.rp * sp.rp
                                let disc = hb * hb - a2 * c
                                if disc >= 0 && c > 0 {
                                    let q = -(hb + (hb >= 0 ? disc.squareRoot() : -disc.squareRoot()))
                                    let t1 = q / a2, t2 = q != 0 ? c / q : t1
                                    let h = min(t1, t2)
                                    if h >= 0 && h < best[j] { best[j] = h; kind[j] = 2; which[j] = Int32(n); hitAny = true }
                                }
                            }
                        }
                        if hitAny { n += 1; touched = true }
                    }
                    if touched { limit = Double(Renderer.maximum(best, H)) }
                    return true
                }
                // shade the column
                let fux = Float(ux), fuy = Float(uy)
                for j in 0..<H {
                    let h = best[j], kd = kind[j]
                    let pix = j * W + i
                    depth?[pix] = kd == -1 ? maxRange : min(h * invLh, maxRange)
                    if !wantColor { continue }
                    let s = zc[j] * invLh
                    // material (or -1: sky) and a scalar factor: light x texture, or the sky blend
                    var m = -1
                    var factor: Float
                    switch kd {
                    case -1:
                        factor = max(0, min(1, s / (1 + s * s).squareRoot()))
                    case -2:
                        m = groundM
                        factor = capUpLight * tex(m, ox + fux * h, oy + fuy * h)
                    case 0:
                        let sp = spans[Int(which[j])]
                        m = Int(sp.material)
                        factor = sp.light * tex(m, sp.texU, oz + s * h)
                    case 1:
                        let sp = spans[Int(which[j])]
                        m = Int(sp.material)
                        factor = (s < 0 ? capUpLight : capDownLight) * tex(m, ox + fux * h, oy + fuy * h)
                    default:
                        let sp = spans[Int(which[j])]
                        m = Int(sp.material)
                        let px = fux * h, py = fuy * h, pz = s * h
                        let nrm = SIMD3(px - sp.cx, py - sp.cy, pz - sp.zc) / sp.radius
                        let (u, v) = Renderer.sphereUV(SIMD3(ox + px, oy + py, oz + pz), nrm)
                        factor = light(nrm) * tex(m, u, v)
                    }
                    if post || rgb != nil {
                        let color = m < 0 ? skyH + (skyZ - skyH) * factor : alb[m] * factor
                        if post {
                            rad[3 * pix] = color.x; rad[3 * pix + 1] = color.y; rad[3 * pix + 2] = color.z
                            continue
                        }
                        let e = color * q255
                        rgb![3 * pix] = Renderer.quantize255(e.x); rgb![3 * pix + 1] = Renderer.quantize255(e.y)
                        rgb![3 * pix + 2] = Renderer.quantize255(e.z)
                    }
                    if let gray {
                        let g = m < 0 ? skyLumaH + (skyLumaZ - skyLumaH) * factor : lum[m] * factor
                        gray[pix] = Renderer.quantize255(g * q255)
                    }
                }
            }
        }}}}}}}}}}}}}}}
    }
}
