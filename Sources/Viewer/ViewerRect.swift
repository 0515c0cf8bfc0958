/// An axis-aligned pixel rectangle: `x`, `y` of the top-left corner, `width` x `height` pixels.
public struct ViewerRect: Sendable, Equatable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    @inlinable public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    @inlinable public var maxX: Int { x + width }
    @inlinable public var maxY: Int { y + height }
    @inlinable public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// True when pixel (`px`, `py`) lies inside.
    @inlinable public func contains(_ px: Int, _ py: Int) -> Bool {
        px >= x && px < maxX && py >= y && py < maxY
    }

    /// The overlap with `other` (empty when they do not overlap).
    @inlinable public func intersection(_ other: ViewerRect) -> ViewerRect {
        let x0 = Swift.max(x, other.x), y0 = Swift.max(y, other.y)
        let x1 = Swift.min(maxX, other.maxX), y1 = Swift.min(maxY, other.maxY)
        return ViewerRect(x: x0, y: y0, width: Swift.max(0, x1 - x0), height: Swift.max(0, y1 - y0))
    }

    /// The rectangle shrunk by `d` pixels on every side.
    @inlinable public func inset(by d: Int) -> ViewerRect {
        ViewerRect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d)
    }
}
