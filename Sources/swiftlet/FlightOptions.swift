import ArgumentParser
import Runtime

/// The GtS flight envelope flags shared by `collect` and `eval`.
struct FlightOptions: ParsableArguments {
    @Option(help: "Forward speed in m/s (GtS: 0.4).") var speed: Double = 0.4
    @Option(help: "Flight altitude in m (GtS: 0.4).") var altitude: Double = 0.4
    @Option(help: "Control and camera rate in Hz (GtS: 4).") var controlRate: Double = 4

    /// Writes the flags into an environment's settings.
    func apply(to env: inout EnvSettings) {
        env.forwardSpeed = speed
        env.altitude = altitude
        env.controlRate = controlRate
    }
}
