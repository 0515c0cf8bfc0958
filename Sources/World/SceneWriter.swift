import Diagnostics
import Foundation
import Geometry

/// Writes scenes as JSON (`Worlds/scene.schema.json`), deterministically: the same scene gives
/// the same bytes. Numbers use the shortest decimal that reads back to the same `Double`.
public enum SceneWriter {
    public static func json(_ scene: Scene) -> String {
        let n = JSONWriter.number
        func v(_ a: [Double]) -> String { "[" + a.map(n).joined(separator: ", ") + "]" }
        var lines: [String] = []
        lines.append("{")
        lines.append("  \"format\": \"swiftlet-world\",")
        lines.append("  \"version\": \(SceneLoader.formatVersion),")
        lines.append("  \"name\": \(JSONWriter.string(scene.name)),")
        if let f = scene.origin.family, let s = scene.origin.seed {
            lines.append("  \"generator\": {\"family\": \(JSONWriter.string(f)), \"seed\": \(s)},")
        }
        lines.append("  \"bounds\": {\"min\": \(v([scene.boundsMin.x, scene.boundsMin.y, scene.boundsMin.z])), \"max\": \(v([scene.boundsMax.x, scene.boundsMax.y, scene.boundsMax.z]))},")
        lines.append("  \"ground\": {\"height\": \(n(scene.groundHeight)), \"material\": \(JSONWriter.string(scene.materials[scene.groundMaterial].name))},")
        lines.append("  \"materials\": [")
        lines.append(scene.materials.map { m in
            "    {\"name\": \(JSONWriter.string(m.name)), \"albedo\": \(v([m.albedo.x, m.albedo.y, m.albedo.z])), \"texture\": \"\(m.texture.rawValue)\", \"scale\": \(n(m.scale))}"
        }.joined(separator: ",\n"))
        lines.append("  ],")
        lines.append("  \"obstacles\": [")
        lines.append(scene.obstacles.map { o in
            let mat = JSONWriter.string(scene.materials[o.material].name)
            switch o.shape {
            case .box(let b):
                let e = b.halfExtents * 2
                return "    {\"shape\": \"box\", \"center\": \(v([b.center.x, b.center.y, b.center.z])), \"size\": \(v([e.x, e.y, e.z])), \"yaw\": \(n(b.yaw)), \"material\": \(mat)}"
            case .cylinder(let c):
                return "    {\"shape\": \"cylinder\", \"base\": \(v([c.x, c.y, c.zMin])), \"radius\": \(n(c.radius)), \"height\": \(n(c.zMax - c.zMin)), \"material\": \(mat)}"
            case .sphere(let s):
                return "    {\"shape\": \"sphere\", \"center\": \(v([s.center.x, s.center.y, s.center.z])), \"radius\": \(n(s.radius)), \"material\": \(mat)}"
            }
        }.joined(separator: ",\n"))
        lines.append("  ],")
        lines.append("  \"spawns\": [")
        lines.append(scene.spawns.map { "    {\"position\": \(v([$0.position.x, $0.position.y, $0.position.z])), \"yaw\": \(n($0.yaw))}" }.joined(separator: ",\n"))
        lines.append("  ],")
        lines.append("  \"goals\": [")
        lines.append(scene.goals.map { "    {\"center\": \(v([$0.center.x, $0.center.y, $0.center.z])), \"radius\": \(n($0.radius))}" }.joined(separator: ",\n"))
        lines.append("  ]")
        lines.append("}")
        return lines.filter { !$0.isEmpty }.joined(separator: "\n") + "\n"
    }
}
