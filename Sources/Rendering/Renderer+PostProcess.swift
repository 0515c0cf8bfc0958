import Foundation
import Geometry

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
                if noisy { for i in 0..<W { normals[i] = rng.normal() } }
                let dy = Double(j) + 0.5 - cy, dy2 = dy * dy
                for i in 0..<W {
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
