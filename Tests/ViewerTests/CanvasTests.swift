import Testing
import Geometry
@testable import Viewer

@Suite struct CanvasTests {
    /// Coordinates of pixels that differ from `bg`.
    func painted(_ c: Canvas, bg: ViewerColor) -> Set<[Int]> {
        var s = Set<[Int]>()
        for y in 0..<c.height { for x in 0..<c.width where c.pixel(x, y) != bg { s.insert([x, y]) } }
        return s
    }

    @Test func fillRectCoversExactlyItsPixels() {
        var c = Canvas(width: 20, height: 10)
        c.fillRect(ViewerRect(x: 3, y: 2, width: 4, height: 5), .red)
        let p = painted(c, bg: .black)
        #expect(p.count == 20)
        #expect(p.contains([3, 2]) && p.contains([6, 6]) && !p.contains([7, 2]) && !p.contains([3, 7]))
        // partly outside: clipped, no crash
        c.fillRect(ViewerRect(x: -5, y: -5, width: 8, height: 7), .green)
        #expect(c.pixel(0, 0) == .green && c.pixel(2, 1) == .green && c.pixel(3, 2) == .red)
    }

    @Test func alphaBlends() {
        var c = Canvas(width: 4, height: 4, color: .black)
        c.fillRect(c.bounds, ViewerColor(255, 255, 255, 128))
        #expect(c.pixel(1, 1) == ViewerColor(128, 128, 128))
        c.fillRect(c.bounds, ViewerColor(255, 0, 0, 0))
        #expect(c.pixel(1, 1) == ViewerColor(128, 128, 128), "alpha 0 draws nothing")
    }

    @Test func linesLandOnExpectedPixels() {
        var c = Canvas(width: 16, height: 12)
        c.drawLine(2.5, 5.5, 10.5, 5.5, .white)
        #expect(painted(c, bg: .black) == Set((2...10).map { [$0, 5] }))
        var d = Canvas(width: 16, height: 12)
        d.drawLine(1.5, 1.5, 6.5, 6.5, .white)
        #expect(painted(d, bg: .black) == Set((1...6).map { [$0, $0] }))
        var v = Canvas(width: 16, height: 12)
        v.drawLine(4.5, 9.5, 4.5, 2.5, .white, thickness: 3)
        #expect(painted(v, bg: .black) == Set((2...9).flatMap { y in (3...5).map { [$0, y] } }))
    }

    @Test func linesClipToCanvasAndClipRect() {
        var c = Canvas(width: 10, height: 10)
        // far outside, crossing the canvas diagonally: only in-bounds pixels, no crash
        c.drawLine(-1e6, -1e6, 1e6, 1e6, .white)
        #expect(painted(c, bg: .black) == Set((0..<10).map { [$0, $0] }))
        var d = Canvas(width: 10, height: 10)
        d.clip = ViewerRect(x: 0, y: 0, width: 5, height: 10)
        d.drawLine(0.5, 3.5, 9.5, 3.5, .white)
        #expect(painted(d, bg: .black) == Set((0..<5).map { [$0, 3] }))
        var e = Canvas(width: 10, height: 10)
        e.drawLine(.nan, 0, 5, 5, .white)
        e.drawLine(20, 20, 30, 30, .white)
        #expect(painted(e, bg: .black).isEmpty)
    }

    @Test func translucentLineBlends() {
        var c = Canvas(width: 10, height: 4, color: .black)
        c.drawLine(0.5, 1.5, 9.5, 1.5, ViewerColor(255, 0, 0, 128))
        for x in 0..<10 { #expect(c.pixel(x, 1) == ViewerColor(128, 0, 0)) }
    }

    @Test func circlesAreRoundAndFilled() {
        var c = Canvas(width: 21, height: 21)
        c.fillCircle(10.5, 10.5, radius: 5, .yellow)
        let p = painted(c, bg: .black)
        // pixel centres within radius 5 of (10.5, 10.5): symmetric and about pi r^2
        #expect(p.contains([10, 10]) && p.contains([15, 10]) && p.contains([5, 10]) && !p.contains([16, 10]))
        #expect(p.contains([10, 5]) && p.contains([10, 15]) && !p.contains([15, 15]))
        #expect(abs(Double(p.count) - Double.pi * 25) < 8)
        for q in p { #expect(p.contains([20 - q[0], q[1]]) && p.contains([q[0], 20 - q[1]])) }
    }

    @Test func everyPrintableGlyphRendersAndDiffers() {
        var seen = Set<[UInt8]>()
        for code in UInt32(33)...126 {
            let g = Array(BitmapFont.glyph(code))
            #expect(g.contains { $0 != 0 }, "glyph \(code) is empty")
            #expect(g.allSatisfy { $0 < 32 }, "glyph \(code) wider than 5")
            seen.insert(g)
            var c = Canvas(width: 8, height: 10)
            c.drawText(String(UnicodeScalar(code)!), x: 1, y: 1, color: .white)
            #expect(!painted(c, bg: .black).isEmpty)
        }
        #expect(seen.count == 94, "printable glyphs are distinct")
        #expect(Array(BitmapFont.glyph(32)).allSatisfy { $0 == 0 }, "space is blank")
        #expect(BitmapFont.glyph(0x263A) == BitmapFont.glyph(63), "unknown characters draw as ?")
    }

    @Test func textLandsWhereExpected() {
        var c = Canvas(width: 30, height: 12)
        let w = c.drawText("LT", x: 2, y: 3, color: .white)
        #expect(w == 11)
        #expect(BitmapFont.width(of: "LT") == 11)
        // L: left column rows 0...6 and bottom row; T: top row and middle column
        for row in 0..<7 { #expect(c.pixel(2, 3 + row) == .white) }
        for col in 0..<5 { #expect(c.pixel(2 + col, 9) == .white) }
        #expect(c.pixel(3, 3) == .black)
        for col in 0..<5 { #expect(c.pixel(8 + col, 3) == .white) }
        for row in 0..<7 { #expect(c.pixel(10, 3 + row) == .white) }
        #expect(c.pixel(8, 9) == .black)
        // scale 2 doubles every font pixel
        var s = Canvas(width: 20, height: 20)
        s.drawText("L", x: 0, y: 0, color: .white, scale: 2)
        #expect(painted(s, bg: .black).count == 4 * 11)
    }

    @Test func imagesBlitScaled() {
        // 2x2 gray scaled to 4x4 doubles each pixel
        let g = GrayImage(width: 2, height: 2, pixels: [0, 100, 200, 255])
        var c = Canvas(width: 6, height: 6, color: .red)
        c.drawImage(g, in: ViewerRect(x: 1, y: 1, width: 4, height: 4))
        #expect(c.pixel(1, 1) == ViewerColor(0, 0, 0) && c.pixel(2, 2) == ViewerColor(0, 0, 0))
        #expect(c.pixel(3, 1) == ViewerColor(100, 100, 100) && c.pixel(4, 2) == ViewerColor(100, 100, 100))
        #expect(c.pixel(1, 3) == ViewerColor(200, 200, 200) && c.pixel(4, 4) == ViewerColor(255, 255, 255))
        #expect(c.pixel(0, 0) == .red && c.pixel(5, 5) == .red)
        // rgb round trip through the canvas
        let rgb = RGBImage(width: 2, height: 1, pixels: [10, 20, 30, 40, 50, 60])
        var d = Canvas(width: 2, height: 1)
        d.drawImage(rgb, in: d.bounds)
        #expect(d.rgbImage() == rgb)
        #expect(rgb.ppmData().count == "P6\n2 1\n255\n".utf8.count + 6)
    }

    /// Scaled blits against the nearest-neighbour formula pixel by pixel, for rectangles that
    /// shrink, stretch, start off the canvas and cross a clip (the column table must index from
    /// the rectangle's origin, not the clipped one's).
    @Test func scaledBlitsMatchTheNearestNeighbourFormula() {
        var rng = RNG(seed: 5)
        for k in 0..<45 {
            let iw = 1 + rng.int(below: 9), ih = 1 + rng.int(below: 7)
            let image = RGBImage(width: iw, height: ih, pixels: (0..<(3 * iw * ih)).map { _ in UInt8(rng.int(below: 256)) })
            var rect = ViewerRect(x: rng.int(below: 12) - 5, y: rng.int(below: 10) - 4,
                                  width: 1 + rng.int(below: 20), height: 1 + rng.int(below: 16))
            // every third blit unscaled (the 3D view's case, which skips the column table)
            if k % 3 == 0 { rect.width = iw; rect.height = ih }
            var c = Canvas(width: 16, height: 12, color: .red)
            c.clip = ViewerRect(x: rng.int(below: 4), y: rng.int(below: 3), width: 6 + rng.int(below: 10), height: 5 + rng.int(below: 7))
            let clip = c.clip.intersection(c.bounds)
            c.drawImage(image, in: rect)
            for y in 0..<12 {
                for x in 0..<16 {
                    let inside = rect.intersection(clip)
                    if x >= inside.x && x < inside.maxX && y >= inside.y && y < inside.maxY {
                        let i = ((y - rect.y) * ih / rect.height) * iw + (x - rect.x) * iw / rect.width
                        let want = ViewerColor(image.pixels[3 * i], image.pixels[3 * i + 1], image.pixels[3 * i + 2])
                        #expect(c.pixel(x, y) == want, "(\(x), \(y)) of \(rect)")
                    } else {
                        #expect(c.pixel(x, y) == .red)
                    }
                }
            }
        }
    }

    /// Unscaled RGB blits (the 3D view's case, packed four pixels at a time) against the pixel
    /// formula: every width 1-40 so that every remainder of four meets every start column,
    /// with a clip that cuts the rows at random places.
    @Test func unscaledRGBBlitsMatchThePixelFormula() {
        var rng = RNG(seed: 11)
        for iw in 1...40 {
            let ih = 1 + rng.int(below: 3)
            let image = RGBImage(width: iw, height: ih, pixels: (0..<(3 * iw * ih)).map { _ in UInt8(rng.int(below: 256)) })
            let rect = ViewerRect(x: rng.int(below: 5) - 2, y: 0, width: iw, height: ih)
            var c = Canvas(width: 44, height: 3, color: .red)
            c.clip = ViewerRect(x: rng.int(below: 3), y: 0, width: 41 - rng.int(below: 4), height: 3)
            let inside = rect.intersection(c.clip.intersection(c.bounds))
            c.drawImage(image, in: rect)
            for y in 0..<3 {
                for x in 0..<44 {
                    if x >= inside.x && x < inside.maxX && y >= inside.y && y < inside.maxY {
                        let i = (y - rect.y) * iw + (x - rect.x)
                        #expect(c.pixel(x, y) == ViewerColor(image.pixels[3 * i], image.pixels[3 * i + 1], image.pixels[3 * i + 2]),
                                "(\(x), \(y)) of width \(iw)")
                    } else {
                        #expect(c.pixel(x, y) == .red, "(\(x), \(y)) of width \(iw)")
                    }
                }
            }
        }
    }

    @Test func depthFalseColour() {
        let img = DepthImage(width: 3, height: 1, metres: [0.5, 9.5, .infinity])
        var c = Canvas(width: 3, height: 1, color: .white)
        c.drawDepth(img, in: c.bounds, near: 0.5, far: 9.5)
        let near = c.pixel(0, 0), far = c.pixel(1, 0)
        #expect(near.r > 200 && near.b < 60, "near is warm")
        #expect(far.b > far.r, "far is cool")
        #expect(c.pixel(2, 0) == .black, "no return is black")
    }

    @Test func riskColoursRunGreenToRed() {
        let lo = ViewerColor.collisionRisk(0), hi = ViewerColor.collisionRisk(1)
        #expect(lo.g > lo.r && hi.r > hi.g)
        #expect(ViewerColor.collisionRisk(-1) == lo && ViewerColor.collisionRisk(2) == hi)
        #expect(ViewerColor.collisionRisk(0.5) == .riskMid)
    }
}
