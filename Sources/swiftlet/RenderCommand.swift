import ArgumentParser
import Diagnostics
import Rendering

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render one camera image (and depth) of a world to PNG/PFM.",
        discussion: "Example: swiftlet render --world forest:7 --pose 1,0,1,0 --camera 128x96@90 --out view.png --depth-out depth.pfm"
    )

    @Option(help: "World file (Worlds/*.json) or GENERATOR:SEED[:key=value,...].")
    var world: String

    @Option(help: "Camera pose x,y,z,yaw[,pitch,roll] in metres and degrees (camera looks along its +x).")
    var pose: String

    @Option(help: "Camera WxH[@FOV][:RANGE] (FOV degrees horizontal, RANGE metres).")
    var camera: String = "128x96@90:20"

    @Option(name: [.customLong("profile"), .customLong("domain")],
            help: "Appearance profile: sim or real (--domain is the same flag, named as in fly, eval and collect).")
    var profile: String = "sim"

    @Option(help: "Seed for sensor noise.")
    var seed: UInt64 = 0

    @Option(help: "Output image (.png).")
    var out: String

    @Flag(help: "Write 8-bit gray instead of RGB.")
    var gray = false

    @Option(help: "Depth output: .pfm (Float32 metres) or .png (16-bit millimetres).")
    var depthOut: String?

    @Option(help: "False-colour depth view (.png).")
    var depthColorOut: String?

    func run() throws {
        guard let p = AppearanceProfile.named(profile) else {
            throw InputError("--profile", "expected sim or real, got \"\(profile)\"")
        }
        let line = try RenderTool.run(world: world, pose: try RenderTool.parsePose(pose), camera: try CameraIntrinsics.parse(camera),
                                      profile: p, seed: seed, out: out, gray: gray, depthOut: depthOut, depthColorOut: depthColorOut)
        print(line)
    }
}
