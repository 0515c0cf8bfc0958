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

    /// Writes the flags given into an environment's settings.
    func apply(to env: inout EnvSettings) {
        if let speed { env.forwardSpeed = speed }
        if let altitude { env.altitude = altitude }
        if let controlRate { env.controlRate = controlRate }
    }
}
