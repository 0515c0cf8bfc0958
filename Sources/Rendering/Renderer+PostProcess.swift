import Foundation
import Geometry

extension Renderer {
    /// Sensor effects on the radiance buffer, then quantisation: motion blur (box filter along
    /// x from yaw rate, along y from pitch rate), exposure, vignetting, shot and Gaussian noise.
    func postProcess(_ cam: CameraIntrinsics, blurX: Double, blurY: Double, rng: inout RNG,
                     gray: UnsafeMutablePointer<UInt8>?, rgb: UnsafeMutablePointer<UInt8>?, scratch: inout RenderScratch) {
        let W = cam.width, H = cam.height
        let p = profile
        scratch.radiance.withUnsafeMutableBufferPointer { radBuf in
            scratch.line.withUnsafeMutableBufferPointer { lineBuf in
                let rad = radBuf.baseAddress!, line = lineBuf.baseAddress!
                // motion blur: centred box filter of the blur length, clamped at the borders
                func blur(count: Int, stride: Int, lines: Int, lineStride: Int, length: Double) {
                    let r = min(Int((length / 2).rounded()), count - 1)
                    guard r >= 1 else { return }
                    for l in 0..<lines {
                        let base = l * lineStride
                        for c in 0..<3 {
                            for x in 0..<count { line[x] = rad[3 * (base + x * stride) + c] }
                            for x in 0..<count {
                                var s: Float = 0
                                for t in (x - r)...(x + r) { s += line[max(0, min(count - 1, t))] }
                                rad[3 * (base + x * stride) + c] = s / Float(2 * r + 1)
                            }
                        }
                    }
                }
                blur(count: W, stride: 1, lines: H, lineStride: W, length: blurX)
                blur(count: H, stride: W, lines: W, lineStride: 1, length: blurY)
                // exposure, vignetting, noise, quantisation
                let cx = Double(W) / 2, cy = Double(H) / 2
                let r2max = cx * cx + cy * cy
                for j in 0..<H {
                    for i in 0..<W {
                        let k = j * W + i
                        let dx = Double(i) + 0.5 - cx, dy = Double(j) + 0.5 - cy
                        let gain = p.exposure * (1 - p.vignetting * (dx * dx + dy * dy) / r2max)
                        var c = SIMD3<Double>(Double(rad[3 * k]), Double(rad[3 * k + 1]), Double(rad[3 * k + 2])) * gain
                        if p.shotNoise > 0 || p.gaussianNoise > 0 {
                            // one luminance noise sample shared by the channels (sensor-like gray noise)
                            let luma = max(0, 0.299 * c.x + 0.587 * c.y + 0.114 * c.z)
                            let sigma = (p.gaussianNoise * p.gaussianNoise + p.shotNoise * luma).squareRoot()
                            c += SIMD3(repeating: sigma * rng.normal())
                        }
                        if let gray { gray[k] = Renderer.quantize(Float(0.299 * c.x + 0.587 * c.y + 0.114 * c.z)) }
                        if let rgb {
                            rgb[3 * k] = Renderer.quantize(Float(c.x))
                            rgb[3 * k + 1] = Renderer.quantize(Float(c.y))
                            rgb[3 * k + 2] = Renderer.quantize(Float(c.z))
                        }
                    }
                }
            }
        }
    }
}
