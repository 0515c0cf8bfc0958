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
        """
    )

    @Option(help: "Robot file (URDF).")
    var robot: String = "Robots/cf2x.urdf"

    @Option(help: "Command CSV.")
    var inputs: String

    @Option(help: "Trajectory CSV to write.")
    var out: String

    @Option(help: "Integration and output rate in Hz.")
    var rate: Double = 500

    @Option(help: "Effects: none, all, or a comma list of \(Effects.names.map(\.0).joined(separator: ", ")).")
    var effects: String = "none"

    @Option(help: "Start position x,y,z in metres.")
    var initial: String = "0,0,1"

    @Option(help: "Seed for wind gusts.")
    var seed: UInt64 = 0

    func run() throws {
        let options = TraceRunner.Options(rate: rate, effects: try parseEffects(effects), initial: try parseVec3(initial, flag: "--initial"),
                                          seed: seed)
        let description = try URDFLoader.load(path: robot)
        let data = try InputFile.read(inputs, as: "a command CSV")
        let csv = try TraceRunner.run(robot: description, inputs: String(decoding: data, as: UTF8.self), source: inputs, options: options)
        try OutputPath.prepareParent(of: out, source: "--out")
        try AtomicFile.write(csv, to: out)
        // one line, so a successful run says what it wrote (it printed nothing)
        let rows = csv.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) } - 1
        print("wrote \(rows) rows (\(rate) Hz) to \(out)")
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
