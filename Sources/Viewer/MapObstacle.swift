/// An obstacle's footprint on the top-down map, in world x/y metres.
public enum MapObstacle: Sendable, Equatable {
    /// A vertical cylinder (tree, pole): centre and radius.
    case circle(center: SIMD2<Double>, radius: Double)
    /// An axis-aligned box footprint: min and max corners.
    case rect(min: SIMD2<Double>, max: SIMD2<Double>)
}
