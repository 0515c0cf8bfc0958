import ArgumentParser
import Runtime

/// The GtS flight envelope flags shared by `collect` and `eval` (unset = the env's default).
struct FlightOptions: ParsableArguments {
    @Option(help: "Forward speed in m/s (default 0.4, GtS's).") var speed: Double?
    @Option(help: "Flight altitude in m (default 0.4, GtS's).") var altitude: Double?
    @Option(help: "Control and camera rate in Hz (default 4, GtS's).") var controlRate: Double?

    /// The flags given, by name.
    var given: [String] {
        [("--speed", speed), ("--altitude", altitude), ("--control-rate", controlRate)].compactMap { $0.1 == nil ? nil : $0.0 }
    }

    /// Refuses a speed, altitude or control rate that is not a positive number (a zero speed
    /// flew every episode in place until its time ran out), or a control rate above the physics
    /// rate, naming the flag and the value.
    func validate() throws {
        for (flag, value, unit) in [("--speed", speed, "m/s"), ("--altitude", altitude, "m"), ("--control-rate", controlRate, "Hz")] {
            if let value, !(value.isFinite && value > 0) {
                throw ValidationError("\(flag): expected a positive number of \(unit), got \(value)")
            }
        }
        let physicsRate = EnvSettings().physicsRate
        if let controlRate, controlRate > physicsRate {
            throw ValidationError("--control-rate: must not exceed the physics rate (\(physicsRate) Hz), got \(controlRate)")
        }
    }

    /// Writes the flags given into an environment's settings.
    func apply(to env: inout EnvSettings) {
        if let speed { env.forwardSpeed = speed }
        if let altitude { env.altitude = altitude }
        if let controlRate { env.controlRate = controlRate }
    }
}
