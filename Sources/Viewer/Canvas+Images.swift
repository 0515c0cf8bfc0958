/// Scaled blits of gray, RGB and depth images (nearest neighbour, opaque).
extension Canvas {
    /// Draws `image` scaled to fill `rect` (nearest neighbour), clipped.
    public mutating func drawImage(_ image: RGBImage, in rect: ViewerRect) {
        image.pixels.withUnsafeBufferPointer { src in
            blitScaled(width: image.width, height: image.height, in: rect) { i in
                0xFF00_0000 | UInt32(src[3 * i]) << 16 | UInt32(src[3 * i + 1]) << 8 | UInt32(src[3 * i + 2])
            }
        }
    }

    /// Draws the gray `image` scaled to fill `rect`.
    public mutating func drawImage(_ image: GrayImage, in rect: ViewerRect) {
        image.pixels.withUnsafeBufferPointer { src in
            blitScaled(width: image.width, height: image.height, in: rect) { i in
                let v = UInt32(src[i])
                return 0xFF00_0000 | v << 16 | v << 8 | v
            }
        }
    }

    /// Draws the depth `image` through the false-colour map, `near...far` metres spanning the
    /// colour ramp (near warm, far cool, no return black).
    public mutating func drawDepth(_ image: DepthImage, in rect: ViewerRect, near: Float = 0.2, far: Float = 10) {
        image.metres.withUnsafeBufferPointer { src in
            blitScaled(width: image.width, height: image.height, in: rect) { i in
                DepthColormap.packed(depth: src[i], near: near, far: far)
            }
        }
    }

    /// The shared nearest-neighbour loop: for every canvas pixel of `rect` inside the clip, `pixel`
    /// gets the index of the source pixel (row-major, `width` x `height`) and returns its colour.
    @inline(__always)
    private mutating func blitScaled(width iw: Int, height ih: Int, in rect: ViewerRect, _ pixel: (Int) -> UInt32) {
        let r = rect.intersection(activeClip)
        guard !r.isEmpty, iw > 0, ih > 0 else { return }
        let w = width
        if rect.width == iw && rect.height == ih {
            // unscaled (the 3D view): source rows are contiguous, no table
            let sx = r.x - rect.x
            pixels.withUnsafeMutableBufferPointer { dst in
                for y in r.y..<r.maxY {
                    let srow = (y - rect.y) * iw + sx
                    let drow = y * w + r.x
                    for k in 0..<(r.maxX - r.x) { dst[drow + k] = pixel(srow + k) }
                }
            }
            return
        }
        // each column's source column once per blit: a division per pixel was most of the blit
        // (11% of the fly loop's profile for the 960x540 view)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: r.maxX - r.x) { cols in
            for x in r.x..<r.maxX { cols[x - r.x] = (x - rect.x) * iw / rect.width }
            pixels.withUnsafeMutableBufferPointer { dst in
                for y in r.y..<r.maxY {
                    let srow = ((y - rect.y) * ih / rect.height) * iw
                    let drow = y * w + r.x
                    for k in 0..<(r.maxX - r.x) {
                        dst[drow + k] = pixel(srow + cols[k])
                    }
                }
            }
        }
    }
}
