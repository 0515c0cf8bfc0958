import Geometry

/// One of the planner's candidate trajectories: world points (metres) and the predicted
/// probability of collision along it (0...1), which sets its colour (green -> red).
/// `isChosen` marks the executed one (drawn thicker); `isRejected` one a safety filter refused
/// (drawn grey and thin, under the others). `pointProbabilities`, when given (one per point),
/// colours each segment by the probability at its end point and marks every point, e.g. the
/// per-step collision probabilities of a plan's predicted poses.
public struct CandidatePath: Sendable, Equatable {
    public var points: [Vec3]
    public var collisionProbability: Double
    public var isChosen: Bool
    public var isRejected: Bool
    /// Per-point collision probabilities (0...1), `points.count` of them, or nil.
    public var pointProbabilities: [Double]?

    public init(points: [Vec3], collisionProbability: Double, isChosen: Bool = false, isRejected: Bool = false,
                pointProbabilities: [Double]? = nil) {
        self.points = points
        self.collisionProbability = collisionProbability
        self.isChosen = isChosen
        self.isRejected = isRejected
        self.pointProbabilities = pointProbabilities
    }

    /// How the viewer draws it: colour and line thickness in the 3D view (the map uses one
    /// pixel less for the chosen path).
    public var style: (color: ViewerColor, thickness: Int) {
        if isRejected { return (ViewerColor.rejected, 1) }
        let c = ViewerColor.collisionRisk(collisionProbability)
        return isChosen ? (c, 3) : (c.withAlpha(170), 1)
    }

    /// Colour of segment k (from point k to k + 1): by `pointProbabilities[k + 1]` when given,
    /// else the path's colour. Rejected paths stay grey.
    public func segmentColor(_ k: Int) -> ViewerColor {
        guard !isRejected, let p = pointProbabilities, k + 1 < p.count else { return style.color }
        let c = ViewerColor.collisionRisk(p[k + 1])
        return isChosen ? c : c.withAlpha(170)
    }

    /// Drawing order of `paths`: rejected first (underneath), then the other candidates, the
    /// chosen ones last (on top). Indices into `paths`.
    public static func drawOrder(_ paths: [CandidatePath]) -> [Int] {
        let rejected = paths.indices.filter { paths[$0].isRejected && !paths[$0].isChosen }
        let others = paths.indices.filter { !paths[$0].isRejected && !paths[$0].isChosen }
        let chosen = paths.indices.filter { paths[$0].isChosen }
        return rejected + others + chosen
    }
}
