import Diagnostics
import Foundation
import Geometry

/// Reads and checks scene files (`Worlds/*.json`, schema `Worlds/scene.schema.json`).
///
/// Every problem is an `InputError` naming the file, the JSON path (`$.obstacles[3].size[1]`)
/// and the bad value; nothing in a file can crash the loader.
public enum SceneLoader {
    /// Current format version written by `SceneWriter`.
    public static let formatVersion = 1

    /// Loads a scene from a file; a relative path missing from the working directory is looked
    /// up in the checkout (`BundledResource`).
    public static func load(path: String) throws -> Scene {
        let data = try InputFile.read(BundledResource.resolve(path), as: "a world file", display: path)
        guard let text = String(data: data, encoding: .utf8) else { throw InputError(path, "not UTF-8 text") }
        return try parse(text, source: path)
    }

    /// Parses scene JSON text; `source` names it in errors.
    public static func parse(_ text: String, source: String) throws -> Scene {
        let root: JSONValue
        do { root = try JSONValue.parse(text, source: source, allowNonFinite: true) } catch let e as InputError {
            throw InputError(source, "invalid JSON: \(e.location): \(e.message)")
        }
        return try Decoder(source: source).scene(root)
    }

    /// A world either from a file path or from a generator spec `NAME:SEED[:key=value,...]`.
    public static func resolve(_ spec: String) throws -> Scene {
        if FileManager.default.fileExists(atPath: spec) || spec.hasSuffix(".json") { return try load(path: spec) }
        return try WorldGenerators.make(spec)
    }

    /// `resolve(spec)` for a spec the user gave with `flag` ("--world"): an error about the spec
    /// itself (a bad generator spec, a world file's content) names the flag first, then the spec
    /// and the original place: `--world: forest:x: seed "x" is not a non-negative integer`.
    public static func resolve(_ spec: String, flag: String) throws -> Scene {
        do { return try resolve(spec) } catch let e as InputError where e.source == spec {
            throw InputError(flag, at: spec, e.location.isEmpty ? e.message : "\(e.location): \(e.message)")
        }
    }

    struct Decoder {
        let source: String

        func fail(_ path: String, _ message: String) -> InputError { InputError(source, at: path, message) }

        func object(_ v: JSONValue, _ path: String, allowed: Set<String>) throws -> [String: JSONValue] {
            guard case .object(let d, let keys) = v else { throw fail(path, "expected an object, got \(v.brief)") }
            for k in keys where !allowed.contains(k) {
                throw fail(path, "unknown key \"\(k)\" (known: \(allowed.sorted().joined(separator: ", ")))")
            }
            return d
        }

        func array(_ v: JSONValue?, _ path: String) throws -> [JSONValue] {
            guard let v else { return [] }
            guard case .array(let a) = v else { throw fail(path, "expected an array, got \(v.brief)") }
            return a
        }

        func number(_ v: JSONValue?, _ path: String, default def: Double? = nil, positive: Bool = false,
                    nonNegative: Bool = false, range: ClosedRange<Double>? = nil, magnitudeLimit: Double = 1e5) throws -> Double {
            guard let v else {
                if let def { return def }
                throw fail(path, "missing required number")
            }
            guard case .number(let t) = v, let d = Double(t) else { throw fail(path, "expected a number, got \(v.brief)") }
            guard d.isFinite else { throw fail(path, "\(v.brief) is not a finite number") }
            guard abs(d) <= magnitudeLimit else { throw fail(path, "\(v.brief) is beyond the supported range (|x| <= \(JSONWriter.number(magnitudeLimit)))") }
            if positive && !(d > 0) { throw fail(path, "must be positive, got \(v.brief)") }
            if nonNegative && d < 0 { throw fail(path, "must not be negative, got \(v.brief)") }
            if let range, !range.contains(d) { throw fail(path, "must be in \(range.lowerBound)...\(range.upperBound), got \(v.brief)") }
            return d
        }

        func vector(_ v: JSONValue?, _ path: String, count: Int, positive: Bool = false, range: ClosedRange<Double>? = nil) throws -> [Double] {
            guard let v else { throw fail(path, "missing required array of \(count) numbers") }
            guard case .array(let a) = v, a.count == count else {
                throw fail(path, "expected an array of \(count) numbers, got \(v.brief)")
            }
            return try a.enumerated().map { try number($1, "\(path)[\($0)]", positive: positive, range: range) }
        }

        func string(_ v: JSONValue?, _ path: String, default def: String? = nil) throws -> String {
            guard let v else {
                if let def { return def }
                throw fail(path, "missing required string")
            }
            guard case .string(let s) = v else { throw fail(path, "expected a string, got \(v.brief)") }
            return s
        }

        func vec3(_ a: [Double]) -> Vec3 { Vec3(a[0], a[1], a[2]) }

        func scene(_ root: JSONValue) throws -> Scene {
            let top = try object(root, "$", allowed: ["format", "version", "name", "generator", "bounds", "ground",
                                                     "materials", "obstacles", "spawns", "goals", "spawn_clearance"])
            if let f = top["format"] {
                let s = try string(f, "$.format")
                if s != "swiftlet-world" { throw fail("$.format", "expected \"swiftlet-world\", got \(f.brief)") }
            }
            let version = try number(top["version"], "$.version", default: 1)
            if version != 1 { throw fail("$.version", "unsupported version \(JSONWriter.number(version)) (this build reads 1)") }
            let name = try string(top["name"], "$.name", default: (source as NSString).lastPathComponent)
            // origin
            var origin = SceneOrigin()
            if let g = top["generator"] {
                let go = try object(g, "$.generator", allowed: ["family", "seed"])
                origin.family = try string(go["family"], "$.generator.family")
                let seed = try number(go["seed"], "$.generator.seed", nonNegative: true, magnitudeLimit: 9e15)
                guard seed == seed.rounded(), seed < 9.007e15 else { throw fail("$.generator.seed", "must be a whole number, got \(go["seed"]!.brief)") }
                origin.seed = UInt64(seed)
            }
            // materials
            var materials: [Material] = []
            for (i, m) in try array(top["materials"], "$.materials").enumerated() {
                let p = "$.materials[\(i)]"
                let mo = try object(m, p, allowed: ["name", "albedo", "texture", "scale"])
                let name = try string(mo["name"], p + ".name")
                if materials.contains(where: { $0.name == name }) { throw fail(p + ".name", "duplicate material name \"\(name)\"") }
                let a = try vector(mo["albedo"], p + ".albedo", count: 3, range: 0...1)
                let tname = try string(mo["texture"], p + ".texture", default: "plain")
                guard let kind = TextureKind(rawValue: tname) else {
                    throw fail(p + ".texture", "unknown texture \"\(tname)\" (known: \(TextureKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                let scale = try number(mo["scale"], p + ".scale", default: 1, positive: true)
                materials.append(Material(name: name, albedo: SIMD3(a[0], a[1], a[2]), texture: kind, scale: scale))
            }
            if materials.isEmpty { materials.append(Material(name: "default", albedo: SIMD3(0.6, 0.6, 0.6))) }
            func materialRef(_ v: JSONValue?, _ p: String) throws -> Int {
                let n = try string(v, p, default: materials[0].name)
                guard let i = materials.firstIndex(where: { $0.name == n }) else {
                    throw fail(p, "unknown material \"\(n)\" (declare it under $.materials)")
                }
                return i
            }
            // ground
            var groundHeight = 0.0, groundMaterial = 0
            if let g = top["ground"] {
                let go = try object(g, "$.ground", allowed: ["height", "material"])
                groundHeight = try number(go["height"], "$.ground.height", default: 0)
                groundMaterial = try materialRef(go["material"], "$.ground.material")
            }
            // bounds
            guard let bv = top["bounds"] else { throw fail("$.bounds", "missing required object {\"min\": [x,y,z], \"max\": [x,y,z]}") }
            let bo = try object(bv, "$.bounds", allowed: ["min", "max"])
            let bmin = vec3(try vector(bo["min"], "$.bounds.min", count: 3))
            let bmax = vec3(try vector(bo["max"], "$.bounds.max", count: 3))
            for k in 0..<3 where !(bmax[k] > bmin[k]) {
                throw fail("$.bounds.max[\(k)]", "must exceed $.bounds.min[\(k)] = \(JSONWriter.number(bmin[k])), got \(JSONWriter.number(bmax[k]))")
            }
            // obstacles
            var obstacles: [Obstacle] = []
            for (i, o) in try array(top["obstacles"], "$.obstacles").enumerated() {
                let p = "$.obstacles[\(i)]"
                guard case .object(let raw, _) = o else { throw fail(p, "expected an object, got \(o.brief)") }
                let shape = try string(raw["shape"], p + ".shape")
                switch shape {
                case "box":
                    let oo = try object(o, p, allowed: ["shape", "center", "size", "yaw", "material"])
                    let c = vec3(try vector(oo["center"], p + ".center", count: 3))
                    let s = vec3(try vector(oo["size"], p + ".size", count: 3, positive: true))
                    let yaw = try number(oo["yaw"], p + ".yaw", default: 0)
                    obstacles.append(Obstacle(.box(Box(center: c, halfExtents: s / 2, yaw: yaw)), material: try materialRef(oo["material"], p + ".material")))
                case "wall":
                    let oo = try object(o, p, allowed: ["shape", "from", "to", "thickness", "height", "base", "material"])
                    let a = try vector(oo["from"], p + ".from", count: 2)
                    let b = try vector(oo["to"], p + ".to", count: 2)
                    let th = try number(oo["thickness"], p + ".thickness", default: 0.2, positive: true)
                    let h = try number(oo["height"], p + ".height", positive: true)
                    let base = try number(oo["base"], p + ".base", default: groundHeight)
                    let dx = b[0] - a[0], dy = b[1] - a[1]
                    let len = (dx * dx + dy * dy).squareRoot()
                    if !(len > 0) { throw fail(p + ".to", "wall has zero length (from == to)") }
                    let box = Box(center: Vec3((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, base + h / 2),
                                  halfExtents: Vec3(len / 2, th / 2, h / 2), yaw: atan2(dy, dx))
                    obstacles.append(Obstacle(.box(box), material: try materialRef(oo["material"], p + ".material")))
                case "cylinder":
                    let oo = try object(o, p, allowed: ["shape", "base", "radius", "height", "material"])
                    let b = vec3(try vector(oo["base"], p + ".base", count: 3))
                    let r = try number(oo["radius"], p + ".radius", positive: true)
                    let h = try number(oo["height"], p + ".height", positive: true)
                    obstacles.append(Obstacle(.cylinder(Cylinder(x: b.x, y: b.y, radius: r, zMin: b.z, zMax: b.z + h)),
                                              material: try materialRef(oo["material"], p + ".material")))
                case "sphere":
                    let oo = try object(o, p, allowed: ["shape", "center", "radius", "material"])
                    let c = vec3(try vector(oo["center"], p + ".center", count: 3))
                    let r = try number(oo["radius"], p + ".radius", positive: true)
                    obstacles.append(Obstacle(.sphere(Sphere(center: c, radius: r)), material: try materialRef(oo["material"], p + ".material")))
                default:
                    throw fail(p + ".shape", "unknown shape \"\(shape)\" (known: box, wall, cylinder, sphere)")
                }
            }
            let clearance = try number(top["spawn_clearance"], "$.spawn_clearance", default: 0.15, nonNegative: true)
            // spawns
            var spawns: [Spawn] = []
            for (i, s) in try array(top["spawns"], "$.spawns").enumerated() {
                let p = "$.spawns[\(i)]"
                let so = try object(s, p, allowed: ["position", "yaw"])
                let pos = vec3(try vector(so["position"], p + ".position", count: 3))
                spawns.append(Spawn(position: pos, yaw: try number(so["yaw"], p + ".yaw", default: 0)))
            }
            // goals
            var goals: [GoalRegion] = []
            for (i, g) in try array(top["goals"], "$.goals").enumerated() {
                let p = "$.goals[\(i)]"
                let go = try object(g, p, allowed: ["center", "radius"])
                goals.append(GoalRegion(center: vec3(try vector(go["center"], p + ".center", count: 3)),
                                        radius: try number(go["radius"], p + ".radius", positive: true)))
            }
            let scene = Scene(name: name, origin: origin, groundHeight: groundHeight, groundMaterial: groundMaterial,
                              materials: materials, obstacles: obstacles, spawns: spawns, goals: goals,
                              boundsMin: bmin, boundsMax: bmax)
            // spawns must be free, inside the bounds and above the ground
            for (i, s) in spawns.enumerated() {
                let p = "$.spawns[\(i)].position"
                let pos = s.position
                if !scene.inBounds(pos) { throw fail(p, "spawn [\(JSONWriter.number(pos.x)), \(JSONWriter.number(pos.y)), \(JSONWriter.number(pos.z))] lies outside $.bounds") }
                if pos.z < groundHeight { throw fail(p, "spawn height \(JSONWriter.number(pos.z)) is below the ground (\(JSONWriter.number(groundHeight)))") }
                if let k = scene.firstOverlap(.sphere(radius: clearance), at: Pose(position: pos)) {
                    throw fail(p, "spawn [\(JSONWriter.number(pos.x)), \(JSONWriter.number(pos.y)), \(JSONWriter.number(pos.z))] overlaps $.obstacles[\(k)] (clearance \(JSONWriter.number(clearance)) m)")
                }
            }
            return scene
        }
    }
}
