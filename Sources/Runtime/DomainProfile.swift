import Diagnostics
import Foundation
import Geometry
import Physics
import Rendering

/// A named domain: how the simulated vehicle and its camera differ from the ideal, in one place.
///
/// "sim" is the cheap simulator (ideal rigid body, no latency, plain appearance); "real" stands
/// in for the real world (motor lag, drag, ground effect, wind and gusts, actuation and camera
/// latency, per-episode parameter perturbations, rich appearance). Every number that separates
/// the two lives here (see docs/runtime.md, "Domain profiles"); the sim-to-real work extends
/// this type rather than scattering parameters.
///
/// Ranges are closed intervals drawn uniformly once per episode at `reset(seed:)`; a range of a
/// single value means "fixed". Scales are multipliers on the nominal robot (1 = nominal).
public struct DomainProfile: Sendable, Equatable {
    /// Profile name ("sim", "real" or a user name).
    public var name: String
    /// Physics effects switched on (see docs/physics.md, "Effect switches").
    public var effects: Effects
    /// First-order motor time constant, s (used when `effects` has `.motorLag`).
    public var motorTimeConstant: Double
    /// Mean horizontal wind speed range, m/s (direction uniform in the plane; needs `.wind`).
    public var windSpeed: ClosedRange<Double>
    /// Gust standard deviation (m/s) and correlation time (s) (needs `.gusts`).
    public var gustSigma: Double
    public var gustTimeConstant: Double
    /// Delay between a command being issued and the controller acting on it, s.
    public var actuationLatency: Double
    /// Delay between exposure and the image reaching the policy, s.
    public var cameraLatency: Double
    /// Per-episode perturbation ranges of the simulated vehicle (the controller keeps the
    /// nominal values): mass, inertia, rotor thrust coefficient and yaw torque coefficient.
    public var massScale: ClosedRange<Double>
    public var inertiaScale: ClosedRange<Double>
    public var thrustScale: ClosedRange<Double>
    public var yawTorqueScale: ClosedRange<Double>
    /// Per-episode gain between the commanded and the yaw rate the vehicle is asked to fly
    /// (an uncalibrated yaw-rate response).
    public var yawRateGain: ClosedRange<Double>
    /// Camera appearance (textures, lighting, noise, blur, vignetting).
    public var appearance: AppearanceProfile
    /// Draw lighting and exposure from the appearance profile's jitter ranges every episode.
    public var varyAppearance: Bool
    /// Render from a gimbal-levelled camera (yaw only) instead of the body-fixed mount. The
    /// ideal "sim" camera is levelled; "real" sees the vehicle's roll and pitch.
    public var levelCamera: Bool

    public init(name: String, effects: Effects, motorTimeConstant: Double, windSpeed: ClosedRange<Double>,
                gustSigma: Double, gustTimeConstant: Double, actuationLatency: Double, cameraLatency: Double,
                massScale: ClosedRange<Double>, inertiaScale: ClosedRange<Double>, thrustScale: ClosedRange<Double>,
                yawTorqueScale: ClosedRange<Double>, yawRateGain: ClosedRange<Double>, appearance: AppearanceProfile,
                varyAppearance: Bool, levelCamera: Bool) {
        self.name = name
        self.effects = effects
        self.motorTimeConstant = motorTimeConstant
        self.windSpeed = windSpeed
        self.gustSigma = gustSigma
        self.gustTimeConstant = gustTimeConstant
        self.actuationLatency = actuationLatency
        self.cameraLatency = cameraLatency
        self.massScale = massScale
        self.inertiaScale = inertiaScale
        self.thrustScale = thrustScale
        self.yawTorqueScale = yawTorqueScale
        self.yawRateGain = yawRateGain
        self.appearance = appearance
        self.varyAppearance = varyAppearance
        self.levelCamera = levelCamera
    }

    /// Ideal dynamics and plain appearance.
    public static let sim = DomainProfile(
        name: "sim", effects: .none, motorTimeConstant: 0.072, windSpeed: 0...0, gustSigma: 0, gustTimeConstant: 1,
        actuationLatency: 0, cameraLatency: 0, massScale: 1...1, inertiaScale: 1...1, thrustScale: 1...1,
        yawTorqueScale: 1...1, yawRateGain: 1...1, appearance: .sim, varyAppearance: false, levelCamera: true)

    /// Full dynamics, latencies, per-episode perturbations and rich appearance.
    public static let real = DomainProfile(
        name: "real", effects: .real, motorTimeConstant: 0.072, windSpeed: 0...0.4, gustSigma: 0.25, gustTimeConstant: 1,
        actuationLatency: 0.03, cameraLatency: 0.05, massScale: 0.9...1.1, inertiaScale: 0.85...1.15,
        thrustScale: 0.95...1.05, yawTorqueScale: 0.8...1.2, yawRateGain: 0.8...1.2, appearance: .real,
        varyAppearance: true, levelCamera: false)

    /// The real profile's dynamics with the sim profile's camera look: every difference of
    /// `real` except its `AppearanceProfile` (textures, lighting, exposure, noise, blur) and the
    /// per-episode lighting draw. The camera mount and camera latency stay real: they come from
    /// the body and the timing, not from how surfaces look. One side of the gap decomposition
    /// (docs/gts.md, "Which part of the gap").
    public static let realDynamics = DomainProfile.real.withAppearance(of: .sim, name: "real-dynamics")

    /// The sim profile's dynamics with the real profile's camera look (and its per-episode
    /// lighting draw): the other side of the decomposition.
    public static let realAppearance = DomainProfile.sim.withAppearance(of: .real, name: "real-appearance")

    /// Every named profile, in the order error messages list them.
    public static let all: [DomainProfile] = [.sim, .real, .realDynamics, .realAppearance]

    /// The names `named` accepts, for error messages ("sim, real, real-dynamics, real-appearance").
    public static var names: String { all.map(\.name).joined(separator: ", ") }

    /// A profile by name (`names`).
    public static func named(_ name: String) -> DomainProfile? {
        all.first { $0.name == name }
    }

    /// `named(name)`, or an `InputError` from `source` (a flag or a config field) listing the
    /// known names.
    public static func named(_ name: String, source: String, at location: String = "") throws -> DomainProfile {
        guard let p = named(name) else { throw InputError(source, at: location, "expected one of \(names), got \"\(name)\"") }
        return p
    }

    /// `self` seen through `other`'s camera look: `other`'s `AppearanceProfile` and whether it
    /// is varied per episode; every dynamics setting, both latencies and the camera mount are
    /// `self`'s.
    public func withAppearance(of other: DomainProfile, name: String) -> DomainProfile {
        var p = self
        p.name = name
        p.appearance = other.appearance
        p.varyAppearance = other.varyAppearance
        return p
    }

    /// Draws one episode's parameters.
    public func draw(_ rng: inout RNG) -> EpisodeParameters {
        func pick(_ r: ClosedRange<Double>) -> Double { r.lowerBound == r.upperBound ? r.lowerBound : rng.uniform(r.lowerBound, r.upperBound) }
        let scales = DynamicsScales(mass: pick(massScale), inertia: pick(inertiaScale), thrust: pick(thrustScale),
                                    yawTorque: pick(yawTorqueScale))
        let gain = pick(yawRateGain)
        let speed = pick(windSpeed)
        let direction = speed > 0 ? rng.uniform(-Double.pi, Double.pi) : 0
        let wind = WindParameters(mean: Vec3(speed * cos(direction), speed * sin(direction), 0), gustSigma: gustSigma,
                                  gustTimeConstant: gustTimeConstant)
        let look = varyAppearance ? appearance.varied(using: &rng) : appearance
        return EpisodeParameters(scales: scales, yawRateGain: gain, wind: wind, appearance: look)
    }
}
