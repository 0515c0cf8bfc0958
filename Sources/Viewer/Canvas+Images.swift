/// Scaled blits of gray, RGB and depth images (nearest neighbour, opaque).
extension Canvas {
    /// Draws `image` scaled to fill `rect` (nearest neighbour), clipped.
    public mutating func drawImage(_ image: RGBImage, in rect: ViewerRect) {
        image.pixels.withUnsafeBufferPointer { src in
            let p = UnsafeRawPointer(src.baseAddress!)
            blitScaled(width: image.width, height: image.height, in: rect, row: { i, dst, n in
                Self.packRGB(p + 3 &* i, into: dst, count: n)
            }) { i in
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

    /// `count` RGB pixels from `src` (3 bytes each) as opaque ARGB into `dst`. Four pixels are
    /// three 32-bit loads and byte swaps: the per-pixel form compiled to byte loads with overflow
    /// checks and was about 10% of `fly`'s CPU for the unscaled 960x540 view.
    @inline(__always)
    static func packRGB(_ src: UnsafeRawPointer, into dst: UnsafeMutablePointer<UInt32>, count: Int) {
        var k = 0
        while k &+ 4 <= count {
            // little-endian words: w0 = R0 G0 B0 R1, w1 = G1 B1 R2 G2, w2 = B2 R3 G3 B3 (low byte first);
            // a word holding R G B in its low three bytes is, byte-swapped and shifted, R << 16 | G << 8 | B
            let s = src + 3 &* k
            let w0 = UInt32(littleEndian: s.loadUnaligned(as: UInt32.self))
            let w1 = UInt32(littleEndian: s.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            let w2 = UInt32(littleEndian: s.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            dst[k] = 0xFF00_0000 | w0.byteSwapped &>> 8
            dst[k &+ 1] = 0xFF00_0000 | (w0 &>> 24 | w1 &<< 8).byteSwapped &>> 8
            dst[k &+ 2] = 0xFF00_0000 | (w1 &>> 16 | w2 &<< 16).byteSwapped &>> 8
            dst[k &+ 3] = 0xFF00_0000 | (w2 &>> 8).byteSwapped &>> 8
            k &+= 4
        }
        while k < count {
            let s = src + 3 &* k
            dst[k] = 0xFF00_0000 | UInt32(s.load(as: UInt8.self)) &<< 16 | UInt32(s.load(fromByteOffset: 1, as: UInt8.self)) &<< 8
                | UInt32(s.load(fromByteOffset: 2, as: UInt8.self))
            k &+= 1
        }
    }

    /// The shared nearest-neighbour loop: for every canvas pixel of `rect` inside the clip, `pixel`
    /// gets the index of the source pixel (row-major, `width` x `height`) and returns its colour.
    /// `row`, when given, does an unscaled row at once: (first source index, destination, count).
    @inline(__always)
    private mutating func blitScaled(width iw: Int, height ih: Int, in rect: ViewerRect,
                                     row: ((Int, UnsafeMutablePointer<UInt32>, Int) -> Void)? = nil, _ pixel: (Int) -> UInt32) {
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
                    if let row {
                        row(srow, dst.baseAddress! + drow, r.maxX - r.x)
                    } else {
                        for k in 0..<(r.maxX - r.x) { dst[drow + k] = pixel(srow + k) }
                    }
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
