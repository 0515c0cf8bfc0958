import Geometry

/// One of the planner's candidate trajectories: world points (metres) and the predicted
/// probability of collision along it (0...1), which sets its colour (green -> red).
/// `isChosen` marks the executed one (drawn thicker).
public struct CandidatePath: Sendable, Equatable {
    public var points: [Vec3]
    public var collisionProbability: Double
    public var isChosen: Bool

    public init(points: [Vec3], collisionProbability: Double, isChosen: Bool = false) {
        self.points = points
        self.collisionProbability = collisionProbability
        self.isChosen = isChosen
    }
}
