/// Scaled blits of gray, RGB and depth images (nearest neighbour, opaque).
extension Canvas {
    /// Draws `image` scaled to fill `rect` (nearest neighbour), clipped.
    public mutating func drawImage(_ image: RGBImage, in rect: ViewerRect) {
        let r = rect.intersection(activeClip)
        guard !r.isEmpty, image.width > 0, image.height > 0 else { return }
        let w = width, iw = image.width, ih = image.height
        image.pixels.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for y in r.y..<r.maxY {
                    let srow = ((y - rect.y) * ih / rect.height) * iw
                    let drow = y * w
                    for x in r.x..<r.maxX {
                        let i = 3 * (srow + (x - rect.x) * iw / rect.width)
                        dst[drow + x] = 0xFF00_0000 | UInt32(src[i]) << 16 | UInt32(src[i + 1]) << 8 | UInt32(src[i + 2])
                    }
                }
            }
        }
    }

    /// Draws the gray `image` scaled to fill `rect`.
    public mutating func drawImage(_ image: GrayImage, in rect: ViewerRect) {
        let r = rect.intersection(activeClip)
        guard !r.isEmpty, image.width > 0, image.height > 0 else { return }
        let w = width, iw = image.width, ih = image.height
        image.pixels.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for y in r.y..<r.maxY {
                    let srow = ((y - rect.y) * ih / rect.height) * iw
                    let drow = y * w
                    for x in r.x..<r.maxX {
                        let v = UInt32(src[srow + (x - rect.x) * iw / rect.width])
                        dst[drow + x] = 0xFF00_0000 | v << 16 | v << 8 | v
                    }
                }
            }
        }
    }

    /// Draws the depth `image` through the false-colour map, `near...far` metres spanning the
    /// colour ramp (near warm, far cool, no return black).
    public mutating func drawDepth(_ image: DepthImage, in rect: ViewerRect, near: Float = 0.2, far: Float = 10) {
        let r = rect.intersection(activeClip)
        guard !r.isEmpty, image.width > 0, image.height > 0 else { return }
        let w = width, iw = image.width, ih = image.height
        image.metres.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for y in r.y..<r.maxY {
                    let srow = ((y - rect.y) * ih / rect.height) * iw
                    let drow = y * w
                    for x in r.x..<r.maxX {
                        let d = src[srow + (x - rect.x) * iw / rect.width]
                        dst[drow + x] = DepthColormap.packed(depth: d, near: near, far: far)
                    }
                }
            }
        }
    }
}
