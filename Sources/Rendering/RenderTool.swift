import Diagnostics
import Foundation
import Geometry
import World

/// The library side of `swiftlet render`: resolve the world, render one frame, write files.
public enum RenderTool {
    /// Parses `x,y,z,yaw[,pitch,roll]` (metres, degrees) into a camera pose.
    public static func parsePose(_ text: String, source: String = "--pose") throws -> Pose {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4 || parts.count == 6, parts.allSatisfy({ $0 != nil && $0!.isFinite }) else {
            throw InputError(source, "expected x,y,z,yaw[,pitch,roll] (metres, degrees), got \"\(text)\"")
        }
        let v = parts.map { $0! }
        let pitch = v.count == 6 ? v[4] : 0, roll = v.count == 6 ? v[5] : 0
        return Pose(position: Vec3(v[0], v[1], v[2]),
                    orientation: Quaternion(roll: radians(roll), pitch: radians(pitch), yaw: radians(v[3])))
    }

    /// Renders `world` (file or `GENERATOR:SEED`) from `pose` and writes `out` (PNG, RGB or
    /// gray) and optionally `depthOut` (`.pfm` exact metres, `.png` 16-bit millimetres) and
    /// `depthColorOut` (false-colour PNG). Returns a one-line summary.
    public static func run(world: String, pose: Pose, camera: CameraIntrinsics, profile: AppearanceProfile, seed: UInt64,
                           out: String, gray: Bool, depthOut: String?, depthColorOut: String?) throws -> String {
        let scene = try SceneLoader.resolve(world, flag: "--world")
        guard out.hasSuffix(".png") else { throw InputError("--out", "expected a .png file name, got \"\(out)\"") }
        var rng = RNG(seed: seed)
        let renderer = Renderer(scene: scene, profile: profile)
        let frame = renderer.renderFrame(camera: camera, pose: pose, rng: &rng)
        let W = camera.width, H = camera.height
        let png = gray ? PNGWriter.encode(width: W, height: H, kind: .gray8, pixels: frame.gray)
                       : PNGWriter.encode(width: W, height: H, kind: .rgb8, pixels: frame.rgb)
        try AtomicFile.write(Data(png), to: out)
        if let depthOut {
            if depthOut.hasSuffix(".pfm") {
                try AtomicFile.write(Data(DepthExport.pfm(width: W, height: H, depth: frame.depth)), to: depthOut)
            } else if depthOut.hasSuffix(".png") {
                try AtomicFile.write(Data(PNGWriter.encode16(width: W, height: H, pixels: DepthExport.millimetres(frame.depth))), to: depthOut)
            } else {
                throw InputError("--depth-out", "expected a .pfm or .png file name, got \"\(depthOut)\"")
            }
        }
        if let depthColorOut {
            let rgb = DepthExport.falseColor(frame.depth, maxRange: Float(camera.maxRange))
            try AtomicFile.write(Data(PNGWriter.encode(width: W, height: H, kind: .rgb8, pixels: rgb)), to: depthColorOut)
        }
        let near = frame.depth.min() ?? 0
        return "rendered \(scene.name) (\(scene.obstacles.count) obstacles) \(W)x\(H) profile \(profile.name) -> \(out); nearest depth \(String(format: "%.3f", near)) m"
    }
}
