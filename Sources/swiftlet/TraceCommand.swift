import ArgumentParser
import Diagnostics
import Foundation
import Geometry
import Physics

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Replay a CSV of rotor speeds (or ground-robot commands) open loop and write the trajectory.",
        discussion: """
        Input header (columns by name; rows hold until the next; the last ends the run):
          quadrotor            t,rpm0,rpm1,rpm2,rpm3      (s, RPM)
          differential drive   t,speed,yaw_rate           (s, m/s, rad/s)
          Ackermann car        t,speed,steering           (s, m/s, rad)
        Output header, one row per step from t = 0:
          t,x,y,z,qx,qy,qz,qw,vx,vy,vz,wx,wy,wz,rpm0,rpm1,rpm2,rpm3
        World position (m) and velocity (m/s), attitude q_WB, body rates (rad/s), rotor
        speeds (RPM). Ground robots end with speed,yaw_rate or speed,steering instead.

        --downwash runs gym-pybullet-drones' downwash.py instead (no --inputs): two copies of
        the quadrotor under the position controller, the lower holding --initial (default
        0,0,0.5) while the upper flies along +x over it, --height-difference m higher, at
        --speed m/s. Output header:
          t,upper_x,upper_y,upper_z,lower_x,lower_y,lower_z,lower_z_error,downwash_n,distance_xy,delta_z
        """
    )

    @Option(help: "Robot file (URDF).")
    var robot: String = "Robots/cf2x.urdf"

    @Option(help: "Command CSV (not with --downwash).")
    var inputs: String?

    @Option(help: "Trajectory CSV to write.")
    var out: String

    @Option(help: "Integration and output rate in Hz.")
    var rate: Double = 500

    @Option(help: "Effects: none, all, or a comma list of \(Effects.names.map(\.0).joined(separator: ", ")).")
    var effects: String = "none"

    @Option(help: "Start position x,y,z in metres (default: 0,0,1; with --downwash the lower vehicle's hover point, 0,0,0.5).")
    var initial: String?

    @Option(help: "Seed for wind gusts.")
    var seed: UInt64 = 0

    @Flag(help: "Run the two-vehicle downwash scenario (downwash.py) instead of replaying --inputs.")
    var downwash = false

    @Option(help: "(--downwash) Upper minus lower height, m. (default: 0.5)")
    var heightDifference: Double?

    @Option(help: "(--downwash) Upper vehicle's speed along +x, m/s. (default: 0.5)")
    var speed: Double?

    @Option(help: "(--downwash) Upper path's sideways (+y) offset from the lower vehicle, m. (default: 0)")
    var lateral: Double?

    @Option(help: "(--downwash) Run time, s; the upper vehicle passes over at 3 s at 0.5 m/s. (default: 6)")
    var duration: Double?

    func run() throws {
        if downwash {
            guard inputs == nil else { throw ValidationError("--downwash runs its own scenario; drop --inputs") }
            return try runDownwash()
        }
        guard let inputs else { throw ValidationError("Missing expected argument '--inputs <inputs>' (or use --downwash)") }
        // the scenario's flags do nothing on a replay: refuse them rather than ignore them
        for (flag, given) in [("--height-difference", heightDifference != nil), ("--speed", speed != nil), ("--lateral", lateral != nil),
                              ("--duration", duration != nil)] where given {
            throw InputError(flag, "applies with --downwash only")
        }
        try OutputPath.prepareParent(of: out, source: "--out")
        let initial = self.initial ?? "0,0,1"
        let options = TraceRunner.Options(rate: rate, effects: try parseEffects(effects), initial: try parseVec3(initial, flag: "--initial"),
                                          seed: seed)
        let description = try URDFLoader.load(path: robot)
        let data = try InputFile.read(inputs, as: "a command CSV")
        let csv = try TraceRunner.run(robot: description, inputs: String(decoding: data, as: UTF8.self), source: inputs, options: options)
        try write(csv)
    }

    /// Writes the CSV and says so in one line (a successful run used to print nothing).
    func write(_ csv: String) throws {
        try AtomicFile.write(csv, to: out)
        let rows = csv.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) } - 1
        print("wrote \(rows) rows (\(rate) Hz) to \(out)")
    }

    func runDownwash() throws {
        var o = DownwashScenario.Options()
        o.rate = rate
        o.effects = try parseEffects(effects)
        if let initial { o.lower = try parseVec3(initial, flag: "--initial") }
        if let heightDifference { o.heightDifference = heightDifference }
        if let speed { o.speed = speed }
        if let lateral { o.lateral = lateral }
        if let duration { o.duration = duration }
        o.seed = seed
        try OutputPath.prepareParent(of: out, source: "--out")
        let description = try URDFLoader.load(path: robot)
        let (csv, s) = try DownwashScenario.run(robot: description, options: o)
        let recovery = s.recoveredTime > 0 ? String(format: "within 1 mm after %.3f s", s.recoveredTime) : "never more than 1 mm off"
        print(String(format: "downwash: peak %.4f N at %.3f s; lower altitude dip %.2f mm at %.3f s; %@; final %.3f mm; contacts %d",
                     s.peakForce, s.peakForceTime, 1000 * s.dip, s.dipTime, recovery, 1000 * s.finalError, s.contacts))
        try write(csv)
    }
}

func parseEffects(_ text: String) throws -> Effects {
    switch Effects.parse(text) {
    case .success(let e): return e
    case .failure(let err): throw InputError("--effects", err.description)
    }
}

func parseVec3(_ text: String, flag: String) throws -> Vec3 {
    let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 3, let x = parts[0], let y = parts[1], let z = parts[2], x.isFinite, y.isFinite, z.isFinite else {
        throw InputError(flag, "expected three numbers x,y,z, got '\(text)'")
    }
    return Vec3(x, y, z)
}
