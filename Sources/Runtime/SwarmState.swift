import Geometry
import Physics

/// Everything that evolves in a swarm environment: one `EnvState` per vehicle (its quadrotor,
/// command, counters, frame stack and sensor RNG, as a lone vehicle has) and the interacting
/// physics. A value: `let saved = env.state` saves, `env.state = saved` restores, and the
/// episode continues bit-identically.
public struct SwarmState: Sendable {
    /// Per-vehicle state; `vehicles[i].observation` is vehicle i's latest observation.
    public internal(set) var vehicles: [EnvState]
    /// The vehicles stepped together (downwash and contact); its `states` mirror the vehicles'
    /// quadrotors during a step, with finished vehicles frozen in place.
    public internal(set) var physics: QuadrotorSwarm
    /// The seed of the last reset.
    public internal(set) var seed: UInt64 = 0
    /// Largest downwash force on each vehicle over the substeps of the last step, N.
    public internal(set) var stepPeakDownwash: [Double] = []
    // per-substep scratch: rotor commands and pre-substep states (for a numerical reset)
    var rpm: [SIMD4<Double>] = []
    var saved: [QuadrotorState] = []

    /// A state for `model` (call `SwarmEnv.reset(seed:)` before stepping).
    public init(model: SwarmModel) {
        vehicles = (0..<model.count).map { _ in EnvState(model: model.env) }
        physics = QuadrotorSwarm(model: model.env.quadrotor!, states: vehicles.map(\.quadrotor), contacts: model.swarm.contacts)
    }

    /// Whether every vehicle has finished.
    public var done: Bool { vehicles.allSatisfy(\.done) }

    /// Number of vehicles.
    @inlinable public var count: Int { vehicles.count }

    /// Downwash force on vehicle `i` in the last physics substep, N along its `-z_B`.
    public func downwashForce(_ i: Int) -> Double { physics.downwashForce[i] }

    /// Vehicles ended by touching another one since reset.
    public var contactCount: Int { physics.contactCount }

    /// Smallest distance between two vehicles' body positions, m (infinity for one vehicle).
    /// O(N^2): for displays and tests, not for the step.
    public var minimumSeparation: Double { vehicles.map(\.quadrotor.position).minimumPairDistance }
}
