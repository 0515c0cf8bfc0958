import Geometry

/// World x/y (metres) to map pixels: a square world region drawn into a square pixel area,
/// world +x to the right, world +y up (pixel y down).
public struct MapTransform: Sendable, Equatable {
    /// World coordinates of the region's centre.
    public var center: SIMD2<Double>
    /// Side length of the region in metres.
    public var side: Double
    /// The pixel area (its shorter side is used; the map is centred in it).
    public var rect: ViewerRect

    public init(center: SIMD2<Double>, side: Double, rect: ViewerRect) {
        precondition(side > 0, "map side must be positive")
        self.center = center
        self.side = side
        self.rect = rect
    }

    /// Pixels per metre.
    public var scale: Double { Double(Swift.min(rect.width, rect.height)) / side }

    /// The pixel (continuous coordinates) of world point (x, y).
    @inlinable public func pixel(_ p: SIMD2<Double>) -> SIMD2<Double> {
        let s = Double(Swift.min(rect.width, rect.height)) / side
        let mid = SIMD2(Double(rect.x) + Double(rect.width) / 2, Double(rect.y) + Double(rect.height) / 2)
        return SIMD2(mid.x + (p.x - center.x) * s, mid.y - (p.y - center.y) * s)
    }

    /// The pixel of a world point, ignoring z.
    @inlinable public func pixel(_ p: Vec3) -> SIMD2<Double> { pixel(SIMD2(p.x, p.y)) }
}
