/// One evaluation episode.
public struct EpisodeOutcome: Sendable, Equatable {
    public var world: Int
    public var episode: Int
    /// Path length flown until the episode ended, m.
    public var distance: Double
    /// Whether it ended in a collision (contact or tilt).
    public var collided: Bool
    /// Flew the whole route without a collision.
    public var success: Bool
    public var steps: Int

    public init(world: Int, episode: Int, distance: Double, collided: Bool, success: Bool, steps: Int) {
        self.world = world
        self.episode = episode
        self.distance = distance
        self.collided = collided
        self.success = success
        self.steps = steps
    }
}
