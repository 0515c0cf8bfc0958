/// Text in the built-in bitmap font.
extension Canvas {
    /// Draws `text` with its top-left corner at (`x`, `y`), `scale` pixels per font pixel.
    /// `\n` starts a new line. Returns the width in pixels of the longest line drawn.
    @discardableResult
    public mutating func drawText(_ text: String, x: Int, y: Int, color: ViewerColor, scale: Int = 1) -> Int {
        let s = Swift.max(1, scale)
        var cx = x, cy = y, widest = 0
        for u in text.unicodeScalars {
            if u == "\n" {
                widest = Swift.max(widest, cx - x)
                cx = x
                cy += BitmapFont.lineHeight * s
                continue
            }
            let g = BitmapFont.glyph(u.value)
            for (row, mask) in g.enumerated() where mask != 0 {
                for col in 0..<BitmapFont.glyphWidth where mask & (0x10 >> UInt8(col)) != 0 {
                    if s == 1 {
                        plot(cx + col, cy + row, color)
                    } else {
                        fillRect(ViewerRect(x: cx + col * s, y: cy + row * s, width: s, height: s), color)
                    }
                }
            }
            cx += BitmapFont.advance * s
        }
        widest = Swift.max(widest, cx - x)
        return Swift.max(0, widest - s)
    }

    /// Draws `text` with a one-pixel dark shadow for legibility over any background.
    @discardableResult
    public mutating func drawShadowedText(_ text: String, x: Int, y: Int, color: ViewerColor = .white,
                                          scale: Int = 1) -> Int {
        drawText(text, x: x + 1, y: y + 1, color: ViewerColor(0, 0, 0, 200), scale: scale)
        return drawText(text, x: x, y: y, color: color, scale: scale)
    }
}
