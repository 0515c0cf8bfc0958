import Foundation
import Geometry
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

extension Renderer {
    /// Sensor effects on the radiance buffer, then quantisation: motion blur (box filter along
    /// x from yaw rate, along y from pitch rate), exposure, vignetting, shot and Gaussian noise.
    ///
    /// Bit for bit the straightforward per-pixel computation (tested against it): each blurred
    /// value sums its 2r + 1 neighbours in the same order, and the noise samples are drawn one
    /// per pixel in pixel order, a row at a time before that row's pixels are finished.
    func postProcess(_ cam: CameraIntrinsics, blurX: Double, blurY: Double, rng: inout RNG,
                     gray: UnsafeMutablePointer<UInt8>?, rgb: UnsafeMutablePointer<UInt8>?, scratch: inout RenderScratch) {
        let W = cam.width, H = cam.height
        let p = profile
        let rx = Renderer.blurRadius(length: blurX, count: W), ry = Renderer.blurRadius(length: blurY, count: H)
        if ry >= 1 { scratch.reserveBlurCopy(3 * W * H) }
        scratch.radiance.withUnsafeMutableBufferPointer { radBuf in
        scratch.line.withUnsafeMutableBufferPointer { lineBuf in
        scratch.blurCopy.withUnsafeMutableBufferPointer { copyBuf in
        scratch.rowNoise.withUnsafeMutableBufferPointer { noiseBuf in
            let rad = radBuf.baseAddress!, line = lineBuf.baseAddress!, normals = noiseBuf.baseAddress!
            // motion blur: along each row (neighbours 3 floats apart), then along each column
            // (neighbours a row apart), each from a copy of what it reads
            if rx >= 1 {
                for j in 0..<H {
                    let row = rad + 3 * W * j
                    line.update(from: row, count: 3 * W)
                    Renderer.boxBlur(line, into: row, count: W, step: 3, radius: rx)
                }
            }
            if ry >= 1 {
                let copy = copyBuf.baseAddress!
                copy.update(from: rad, count: 3 * W * H)
                Renderer.boxBlur(copy, into: rad, count: H, step: 3 * W, radius: ry)
            }
            // exposure, vignetting, noise, quantisation, a row at a time: the row's noise samples
            // (one per pixel, in pixel order), then its pixels
            let noisy = p.shotNoise > 0 || p.gaussianNoise > 0
            let variance = p.gaussianNoise * p.gaussianNoise
            let cx = Double(W) / 2, cy = Double(H) / 2
            let r2max = cx * cx + cy * cy
            for j in 0..<H {
                if noisy { rng.normals(into: normals, count: W, scratch: normals + W) }
                let dy = Double(j) + 0.5 - cy, dy2 = dy * dy
                // gray alone (the environments' images): four pixels at a time
                var i0 = 0
                if rgb == nil, let gray {
                    i0 = Renderer.finishGray(rad + 3 * W * j, normals: noisy ? normals : nil, into: gray + W * j, width: W,
                                             dy2: dy2, cx: cx, r2max: r2max, profile: p)
                }
                for i in i0..<W {
                    let k = j * W + i
                    let dx = Double(i) + 0.5 - cx
                    let gain = p.exposure * (1 - p.vignetting * (dx * dx + dy2) / r2max)
                    var c = SIMD3<Double>(Double(rad[3 * k]), Double(rad[3 * k + 1]), Double(rad[3 * k + 2])) * gain
                    if noisy {
                        // one luminance noise sample shared by the channels (sensor-like gray noise)
                        let luma = max(0, 0.299 * c.x + 0.587 * c.y + 0.114 * c.z)
                        let sigma = (variance + p.shotNoise * luma).squareRoot()
                        c += SIMD3(repeating: sigma * normals[i])
                    }
                    if let gray { gray[k] = Renderer.quantize(Float(0.299 * c.x + 0.587 * c.y + 0.114 * c.z)) }
                    if let rgb {
                        rgb[3 * k] = Renderer.quantize(Float(c.x))
                        rgb[3 * k + 1] = Renderer.quantize(Float(c.y))
                        rgb[3 * k + 2] = Renderer.quantize(Float(c.z))
                    }
                }
            }
        }}}}
    }

    /// The post-process's per-pixel arithmetic for the first `width / 4 * 4` pixels of one row,
    /// gray only, four pixels at a time: each lane does exactly the scalar operations in the
    /// same order (`max(0, x)` as `x >= 0 ? x : 0`, `min(255, x)` as `x < 255 ? x : 255`, the
    /// conversion truncating as `byte`), so every byte equals the scalar loop's. Returns the
    /// first pixel left for the scalar loop.
    @inline(__always)
    static func finishGray(_ rad: UnsafePointer<Float>, normals: UnsafePointer<Double>?, into gray: UnsafeMutablePointer<UInt8>,
                           width W: Int, dy2: Double, cx: Double, r2max: Double, profile p: AppearanceProfile) -> Int {
        let variance = p.gaussianNoise * p.gaussianNoise
        var i = 0
        while i + 4 <= W {
            let x = SIMD4<Double>(Double(i), Double(i + 1), Double(i + 2), Double(i + 3))
            let dx = x + 0.5 - cx
            let gain = p.exposure * (1 - p.vignetting * (dx * dx + dy2) / r2max)
            let q = rad + 3 * i
            var r = SIMD4<Double>(Double(q[0]), Double(q[3]), Double(q[6]), Double(q[9])) * gain
            var g = SIMD4<Double>(Double(q[1]), Double(q[4]), Double(q[7]), Double(q[10])) * gain
            var b = SIMD4<Double>(Double(q[2]), Double(q[5]), Double(q[8]), Double(q[11])) * gain
            if let normals {
                var luma = 0.299 * r + 0.587 * g + 0.114 * b
                luma.replace(with: 0, where: .!(luma .>= 0))
                let sigma = (variance + p.shotNoise * luma).squareRoot()
                let n = sigma * UnsafeRawPointer(normals + i).loadUnaligned(as: SIMD4<Double>.self)
                r += n; g += n; b += n
            }
            var v = SIMD4<Float>(0.299 * r + 0.587 * g + 0.114 * b) * 255 + 0.5
            v.replace(with: 255, where: .!(v .< 255))
            v.replace(with: 0, where: .!(v .>= 0))
            #if arch(x86_64)
            let t = unsafeBitCast(_mm_cvttps_epi32(v), to: SIMD4<Int32>.self)   // one cvttps2dq, as `byte`'s cvttss2si
            #else
            let t = SIMD4<Int32>(v, rounding: .towardZero)
            #endif
            gray[i] = UInt8(truncatingIfNeeded: t[0]); gray[i + 1] = UInt8(truncatingIfNeeded: t[1])
            gray[i + 2] = UInt8(truncatingIfNeeded: t[2]); gray[i + 3] = UInt8(truncatingIfNeeded: t[3])
            i += 4
        }
        return i
    }

    /// Half-width of the centred box filter for a blur of `length` pixels along a line of
    /// `count` pixels (0: no blur).
    static func blurRadius(length: Double, count: Int) -> Int {
        min(Int((length / 2).rounded()), count - 1)
    }

    /// Centred box filter of half-width `radius` >= 1 along `count` positions of `step` floats
    /// each (a row of RGB pixels: step 3; an image's rows: step 3W): position p's float q becomes
    /// the mean of `source`'s floats q at positions p - radius ... p + radius, clamped at the
    /// ends, summed in that order. `source` and `out` must not overlap.
    static func boxBlur(_ source: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int, step: Int, radius r: Int) {
        let n = Float(2 * r + 1)
        // positions whose neighbours all lie inside: eight floats at a time, no clamping
        let lo = min(r, count), hi = max(lo, count - r)
        var m = lo * step
        let end = hi * step
        while m + 8 <= end {
            var s = SIMD8<Float>.zero
            for t in -r...r { s += UnsafeRawPointer(source + m + t * step).loadUnaligned(as: SIMD8<Float>.self) }
            UnsafeMutableRawPointer(out + m).storeBytes(of: s / n, as: SIMD8<Float>.self)
            m += 8
        }
        while m < end {
            var s: Float = 0
            for t in -r...r { s += source[m + t * step] }
            out[m] = s / n
            m += 1
        }
        // the positions near the ends, their neighbours clamped
        func clamped(_ pos: Int) {
            for q in 0..<step {
                var s: Float = 0
                for t in (pos - r)...(pos + r) { s += source[max(0, min(count - 1, t)) * step + q] }
                out[pos * step + q] = s / n
            }
        }
        for pos in 0..<lo { clamped(pos) }
        for pos in hi..<count { clamped(pos) }
    }
}
