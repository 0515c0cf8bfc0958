/// Where each element sits in a window of `width` x `height` pixels.
///
/// The main 3D view fills the window; the HUD panel is top-left, the square top-down map
/// top-right, the onboard camera insets (monocular, depth) bottom-left, the replay timeline a
/// strip along the bottom, and the help overlay centred.
public struct ViewerLayout: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var mainView: ViewerRect
    public var hud: ViewerRect
    public var map: ViewerRect
    public var monocularInset: ViewerRect
    public var depthInset: ViewerRect
    public var timeline: ViewerRect
    public var help: ViewerRect
    /// Text scale for the HUD and help (2 from 720 px wide windows up).
    public var textScale: Int

    public init(width: Int, height: Int) {
        precondition(width > 0 && height > 0, "layout needs a non-empty window")
        self.width = width
        self.height = height
        let m = 8
        textScale = width >= 720 ? 2 : 1
        mainView = ViewerRect(x: 0, y: 0, width: width, height: height)
        let lh = BitmapFont.lineHeight * textScale
        hud = ViewerRect(x: m, y: m, width: 27 * BitmapFont.advance * textScale + 12, height: 8 * lh + 10)
        let side = Swift.max(16, Int(Double(Swift.min(width, height)) * 0.42))
        map = ViewerRect(x: width - side - m, y: m, width: side, height: side)
        timeline = ViewerRect(x: m, y: height - m - 22, width: width - 2 * m, height: 22)
        let insetW = Swift.max(16, width / 6), insetH = insetW * 3 / 4
        let insetY = timeline.y - m - insetH
        monocularInset = ViewerRect(x: m, y: insetY, width: insetW, height: insetH)
        depthInset = ViewerRect(x: 2 * m + insetW, y: insetY, width: insetW, height: insetH)
        let hw = Swift.min(width - 4 * m, 40 * BitmapFont.advance * textScale + 24)
        let hh = Swift.min(height - 4 * m, 16 * lh + 20)
        help = ViewerRect(x: (width - hw) / 2, y: (height - hh) / 2, width: hw, height: hh)
    }

    /// The playhead fraction (0...1) for a click at pixel x on the timeline bar.
    public func timelineFraction(atX x: Int) -> Double {
        let bar = timelineBar
        guard bar.width > 1 else { return 0 }
        return Swift.min(Swift.max(Double(x - bar.x) / Double(bar.width - 1), 0), 1)
    }

    /// The track inside the timeline panel (excluding the text at its left).
    public var timelineBar: ViewerRect {
        let label = 30 * BitmapFont.advance
        return ViewerRect(x: timeline.x + label, y: timeline.y + 7, width: Swift.max(2, timeline.width - label - 8), height: 8)
    }
}
