import Diagnostics
import Foundation
import Geometry

/// Seeded world generators by name. `make("forest:7")` and `make("forest:7:trees=200,boxes=50")`
/// give the same world every time for the same string.
///
/// Families: `forest`, `hallway`, `office`, `warehouse`, `field` (training) and `boulders`
/// (held out, see `WorldCatalog`). Seeds >= `WorldCatalog.heldOutSeedStart` and the held-out
/// family draw their materials from the held-out texture set.
public enum WorldGenerators {
    /// Every family with its parameters and defaults.
    public static let families: [String: [String: Double]] = [
        "forest": ["trees": 120, "boxes": 0, "size": 40, "rmin": 0.1, "rmax": 0.4],
        "hallway": ["segments": 6, "width": 2.4, "height": 2.6, "clutter": 1],
        "office": ["rooms_x": 3, "rooms_y": 3, "door": 1.0, "height": 2.6, "furniture": 2],
        "warehouse": ["rows": 5, "shelf_length": 10, "aisle": 2.6, "boxes": 30],
        "field": ["size": 60, "objects": 25],
        "boulders": ["size": 40, "rocks": 60],
    ]

    /// The largest value a `key=value` parameter of a spec may take (a count or metres).
    public static let maximumParameter: Double = 10_000

    /// Family names, sorted.
    public static var names: [String] { families.keys.sorted() }

    /// A world from `NAME:SEED[:key=value,...]`; unknown names or keys are `InputError`s.
    public static func make(_ spec: String) throws -> Scene {
        let parts = spec.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let defaults = families[parts[0]] else {
            throw InputError(spec, "expected a world file or GENERATOR:SEED with GENERATOR one of \(names.joined(separator: ", "))")
        }
        guard let seed = UInt64(parts[1]) else { throw InputError(spec, "seed \"\(parts[1])\" is not a non-negative integer") }
        var params = defaults
        if parts.count == 3 {
            for kv in parts[2].split(separator: ",") {
                let p = kv.split(separator: "=").map(String.init)
                guard p.count == 2, defaults[p[0]] != nil, let v = Double(p[1]), v.isFinite, v >= 0 else {
                    throw InputError(spec, at: String(kv), "bad parameter (known for \(parts[0]): \(defaults.keys.sorted().joined(separator: ", ")); values are non-negative numbers)")
                }
                // counts become Ints and loop bounds: 1e30 trapped, 1e9 ran for ever
                guard v <= maximumParameter else {
                    throw InputError(spec, at: String(kv), "out of range: \(p[1]) (values are at most \(Int(maximumParameter)))")
                }
                params[p[0]] = v
            }
        }
        return generate(family: parts[0], seed: seed, parameters: params)
    }

    /// Generates `family` with `seed`; missing parameters take their defaults.
    public static func generate(family: String, seed: UInt64, parameters: [String: Double] = [:]) -> Scene {
        precondition(families[family] != nil, "unknown generator family \(family)")
        let p = families[family]!.merging(parameters) { $1 }
        var b = Builder(family: family, seed: seed, heldOutTextures: WorldCatalog.isHeldOut(family: family, seed: seed))
        switch family {
        case "forest": b.forest(p)
        case "hallway": b.hallway(p)
        case "office": b.office(p)
        case "warehouse": b.warehouse(p)
        case "field": b.field(p)
        default: b.boulders(p)
        }
        return b.finish(name: "\(family)-\(seed)")
    }

    /// Accumulates materials and obstacles, then picks free spawns.
    struct Builder {
        let family: String
        let seed: UInt64
        var rng: RNG
        let heldOut: Bool
        var materials: [Material] = []
        var obstacles: [Obstacle] = []
        var spawnCandidates: [Spawn] = []
        var goals: [GoalRegion] = []
        var lo = Vec3(-1, -1, 0), hi = Vec3(1, 1, 4)

        init(family: String, seed: UInt64, heldOutTextures: Bool) {
            self.family = family
            self.seed = seed
            self.heldOut = heldOutTextures
            let key = family.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
            rng = RNG(seed: RNG.mix(seed, key))
        }

        static func r3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

        /// A material of a role; held-out worlds swap in the held-out textures and hues.
        mutating func material(_ role: String) -> Int {
            if let i = materials.firstIndex(where: { $0.name == role }) { return i }
            let standard: [String: (SIMD3<Double>, TextureKind, Double)] = [
                "ground": (SIMD3(0.35, 0.45, 0.25), .grass, 0.5), "floor": (SIMD3(0.55, 0.55, 0.5), .checker, 1.0),
                "bark": (SIMD3(0.4, 0.3, 0.2), .bark, 0.3), "crate": (SIMD3(0.6, 0.45, 0.3), .stripes, 0.25),
                "wall": (SIMD3(0.75, 0.72, 0.65), .brick, 0.4), "shelf": (SIMD3(0.3, 0.4, 0.6), .stripes, 0.5),
                "furniture": (SIMD3(0.5, 0.35, 0.3), .noise, 0.3), "pole": (SIMD3(0.7, 0.7, 0.7), .plain, 1),
                "rock": (SIMD3(0.5, 0.5, 0.5), .noise, 0.5),
            ]
            let heldOutKinds: [TextureKind] = [.marble, .dots, .hexes]
            var (albedo, kind, scale) = standard[role] ?? (SIMD3(0.6, 0.6, 0.6), .plain, 1)
            // per-seed colour variation
            albedo = albedo * rng.uniform(0.85, 1.15)
            if heldOut {
                kind = heldOutKinds[rng.int(below: heldOutKinds.count)]
                albedo = SIMD3(albedo.y, albedo.z, albedo.x)   // shifted hue
                scale *= rng.uniform(0.6, 1.6)
            }
            albedo = SIMD3(Builder.r3(min(albedo.x, 1)), Builder.r3(min(albedo.y, 1)), Builder.r3(min(albedo.z, 1)))
            materials.append(Material(name: role, albedo: albedo, texture: kind, scale: Builder.r3(scale)))
            return materials.count - 1
        }

        mutating func box(_ c: Vec3, _ size: Vec3, yaw: Double = 0, _ role: String) {
            let m = material(role)
            obstacles.append(Obstacle(.box(Box(center: c.map3(Builder.r3), halfExtents: size.map3(Builder.r3) / 2, yaw: Builder.r3(yaw))), material: m))
        }

        mutating func cylinder(x: Double, y: Double, r: Double, h: Double, _ role: String) {
            let m = material(role)
            obstacles.append(Obstacle(.cylinder(Cylinder(x: Builder.r3(x), y: Builder.r3(y), radius: Builder.r3(r), zMin: 0, zMax: Builder.r3(h))), material: m))
        }

        mutating func sphere(_ c: Vec3, r: Double, _ role: String) {
            let m = material(role)
            obstacles.append(Obstacle(.sphere(Sphere(center: c.map3(Builder.r3), radius: Builder.r3(r))), material: m))
        }

        /// A wall from a to b (2D), thickness t, height h, standing on the ground.
        mutating func wall(_ a: SIMD2<Double>, _ b: SIMD2<Double>, t: Double, h: Double, extend: Double = 0) {
            let d = b - a
            let len = (d * d).sum().squareRoot()
            guard len > 1e-6 else { return }
            let c = (a + b) / 2
            box(Vec3(c.x, c.y, h / 2), Vec3(len + 2 * extend, t, h), yaw: atan2(d.y, d.x), "wall")
        }

        mutating func forest(_ p: [String: Double]) {
            let size = max(p["size"]!, 6), trees = Int(p["trees"]!), boxes = Int(p["boxes"]!)
            let rmin = max(p["rmin"]!, 0.02), rmax = max(p["rmax"]!, rmin)
            lo = Vec3(0, -size / 2, 0); hi = Vec3(size, size / 2, 10)
            _ = material("ground")
            // keep a 3 m strip free at the start edge for spawns
            for _ in 0..<trees {
                let x = rng.uniform(3, size), y = rng.uniform(-size / 2, size / 2)
                cylinder(x: x, y: y, r: rng.uniform(rmin, rmax), h: rng.uniform(3, 8), "bark")
            }
            for _ in 0..<boxes {
                let s = Vec3(rng.uniform(0.3, 1.5), rng.uniform(0.3, 1.5), rng.uniform(0.3, 1.8))
                box(Vec3(rng.uniform(3, size), rng.uniform(-size / 2, size / 2), s.z / 2), s, yaw: rng.uniform(-.pi, .pi), "crate")
            }
            for k in 0..<8 { spawnCandidates.append(Spawn(position: Vec3(1, -size / 2 + size * (Double(k) + 0.5) / 8, 1), yaw: 0)) }
            goals.append(GoalRegion(center: Vec3(size - 1, 0, 1), radius: 2))
        }

        mutating func hallway(_ p: [String: Double]) {
            let segments = max(Int(p["segments"]!), 1), w = max(p["width"]!, 0.8), h = max(p["height"]!, 0.5)
            _ = material("floor")
            // centreline: headings +x, then +-y, then +x ... (never -x, so it cannot cross itself)
            var pts = [SIMD2<Double>(0, 0)]
            var heading = SIMD2<Double>(1, 0)
            for i in 0..<segments {
                let len = rng.uniform(6, 14)
                pts.append(pts.last! + heading * Builder.r3(len))
                if i % 2 == 0 { heading = rng.bernoulli(0.5) ? SIMD2(0, 1) : SIMD2(0, -1) } else { heading = SIMD2(1, 0) }
            }
            let t = 0.2
            for side in [1.0, -1.0] {
                var off: [SIMD2<Double>] = []
                for i in 0..<pts.count {
                    let dPrev = i > 0 ? normalize2(pts[i] - pts[i - 1]) : nil
                    let dNext = i + 1 < pts.count ? normalize2(pts[i + 1] - pts[i]) : nil
                    let nPrev = dPrev.map { SIMD2(-$0.y, $0.x) }, nNext = dNext.map { SIMD2(-$0.y, $0.x) }
                    let n = (nPrev ?? .zero) + (nNext ?? .zero)
                    let scaled = (nPrev != nil && nNext != nil) ? n : (nPrev ?? nNext!)
                    off.append(pts[i] + scaled * side * (w / 2 + t / 2))
                }
                for i in 0..<(off.count - 1) { wall(off[i], off[i + 1], t: t, h: h, extend: t / 2) }
            }
            // end caps
            for (a, b) in [(pts[0], pts[1]), (pts[pts.count - 1], pts[pts.count - 2])] {
                let d = normalize2(b - a), n = SIMD2(-d.y, d.x)
                let c = a - d * (t / 2)
                wall(c + n * (w / 2 + t), c - n * (w / 2 + t), t: t, h: h)
            }
            // clutter: boxes and pillars against alternate walls
            let clutter = p["clutter"]!
            for i in 0..<(pts.count - 1) where clutter > 0 {
                let d = normalize2(pts[i + 1] - pts[i]), n = SIMD2(-d.y, d.x)
                let len = ((pts[i + 1] - pts[i]) * (pts[i + 1] - pts[i])).sum().squareRoot()
                let count = Int((len / 4 * clutter).rounded(.down))
                for k in 0..<count {
                    let along = 2.5 + (len - 4) * (Double(k) + rng.uniform(0.2, 0.8)) / Double(max(count, 1))
                    let sz = rng.uniform(0.3, min(0.7, w * 0.3))
                    let c = pts[i] + d * along + n * (rng.bernoulli(0.5) ? 1 : -1) * (w / 2 - sz / 2 - 0.02)
                    if rng.bernoulli(0.5) {
                        box(Vec3(c.x, c.y, sz / 2 + 0.2), Vec3(sz, sz, sz + 0.4), yaw: atan2(d.y, d.x), "crate")
                    } else {
                        cylinder(x: c.x, y: c.y, r: sz / 2, h: h, "pole")
                    }
                }
            }
            let xs = pts.map(\.x), ys = pts.map(\.y)
            lo = Vec3(xs.min()! - w - 1, ys.min()! - w - 1, 0); hi = Vec3(xs.max()! + w + 1, ys.max()! + w + 1, h)
            // a spawn at the start of every segment, facing along it
            for i in 0..<(pts.count - 1) {
                let d = normalize2(pts[i + 1] - pts[i])
                spawnCandidates.append(Spawn(position: Vec3(Builder.r3(pts[i].x + d.x), Builder.r3(pts[i].y + d.y), 1), yaw: Builder.r3(atan2(d.y, d.x))))
            }
            let dn = normalize2(pts[pts.count - 1] - pts[pts.count - 2])
            goals.append(GoalRegion(center: Vec3(pts.last!.x - dn.x, pts.last!.y - dn.y, 1), radius: Builder.r3(w / 2)))
        }

        mutating func office(_ p: [String: Double]) {
            let nx = max(Int(p["rooms_x"]!), 1), ny = max(Int(p["rooms_y"]!), 1)
            let door = max(p["door"]!, 0.5), h = max(p["height"]!, 0.5), t = 0.15
            let rw = Builder.r3(rng.uniform(4, 7)), rd = Builder.r3(rng.uniform(4, 7))
            _ = material("floor")
            let W = Double(nx) * rw, D = Double(ny) * rd
            // outer walls
            wall(SIMD2(0, 0), SIMD2(W, 0), t: t, h: h, extend: t / 2)
            wall(SIMD2(0, D), SIMD2(W, D), t: t, h: h, extend: t / 2)
            wall(SIMD2(0, 0), SIMD2(0, D), t: t, h: h, extend: t / 2)
            wall(SIMD2(W, 0), SIMD2(W, D), t: t, h: h, extend: t / 2)
            // inner walls with one door per room boundary
            func doored(_ a: SIMD2<Double>, _ b: SIMD2<Double>, length: Double) {
                let d = (b - a) / length
                let s = rng.uniform(0.4, length - door - 0.4)
                wall(a, a + d * Builder.r3(s), t: t, h: h)
                wall(a + d * Builder.r3(s + door), b, t: t, h: h)
            }
            for i in 1..<max(nx, 1) where nx > 1 {
                for j in 0..<ny { doored(SIMD2(Double(i) * rw, Double(j) * rd), SIMD2(Double(i) * rw, Double(j + 1) * rd), length: rd) }
            }
            for j in 1..<max(ny, 1) where ny > 1 {
                for i in 0..<nx { doored(SIMD2(Double(i) * rw, Double(j) * rd), SIMD2(Double(i + 1) * rw, Double(j) * rd), length: rw) }
            }
            // furniture: desks and cabinets against walls, away from the room centre
            let furniture = Int(p["furniture"]!)
            for i in 0..<nx {
                for j in 0..<ny {
                    for _ in 0..<furniture {
                        let s = Vec3(rng.uniform(0.6, 1.6), rng.uniform(0.5, 0.9), rng.uniform(0.7, 1.9))
                        let alongX = rng.bernoulli(0.5)
                        let x0 = Double(i) * rw, y0 = Double(j) * rd
                        let c: Vec3 = alongX
                            ? Vec3(x0 + rng.uniform(1, rw - 1), y0 + (rng.bernoulli(0.5) ? t + s.y / 2 : rd - t - s.y / 2), s.z / 2)
                            : Vec3(x0 + (rng.bernoulli(0.5) ? t + s.y / 2 : rw - t - s.y / 2), y0 + rng.uniform(1, rd - 1), s.z / 2)
                        box(c, s, yaw: alongX ? 0 : .pi / 2, "furniture")
                    }
                    spawnCandidates.append(Spawn(position: Vec3(Double(i) * rw + rw / 2, Double(j) * rd + rd / 2, 1), yaw: 0))
                }
            }
            lo = Vec3(-0.5, -0.5, 0); hi = Vec3(W + 0.5, D + 0.5, h)
            goals.append(GoalRegion(center: Vec3(W - rw / 2, D - rd / 2, 1), radius: 1))
        }

        mutating func warehouse(_ p: [String: Double]) {
            let rows = max(Int(p["rows"]!), 1), len = max(p["shelf_length"]!, 2), aisle = max(p["aisle"]!, 1)
            let depth = 1.0, h = 6.0
            _ = material("floor")
            let W = len + 8, D = Double(rows) * (depth + aisle) + aisle
            wall(SIMD2(0, 0), SIMD2(W, 0), t: 0.3, h: h, extend: 0.15)
            wall(SIMD2(0, D), SIMD2(W, D), t: 0.3, h: h, extend: 0.15)
            wall(SIMD2(0, 0), SIMD2(0, D), t: 0.3, h: h, extend: 0.15)
            wall(SIMD2(W, 0), SIMD2(W, D), t: 0.3, h: h, extend: 0.15)
            for r in 0..<rows {
                let y = aisle + Double(r) * (depth + aisle) + depth / 2
                let sh = rng.uniform(2, 4)
                // a shelf unit: a long box with gaps between bays
                let bays = max(1, Int(len / 2.5))
                let bayLen = len / Double(bays)
                for k in 0..<bays where !(rng.bernoulli(0.1)) {
                    box(Vec3(4 + bayLen * (Double(k) + 0.5), y, sh / 2), Vec3(bayLen - 0.1, depth, sh), "shelf")
                }
                // pillars at the shelf ends
                cylinder(x: 2.5, y: y, r: 0.2, h: h, "pole")
            }
            for _ in 0..<Int(p["boxes"]!) {
                let s = rng.uniform(0.4, 1.2)
                let r = rng.int(below: rows + 1)
                let y = Double(r) * (depth + aisle) + aisle / 2 + rng.uniform(-0.3, 0.3) * aisle / 2
                let x = rng.uniform(4, 4 + len)
                box(Vec3(x, y, s / 2), Vec3(s, s * rng.uniform(0.8, 1.2), s), yaw: rng.uniform(-0.4, 0.4), "crate")
            }
            for r in 0...rows { spawnCandidates.append(Spawn(position: Vec3(1.2, Double(r) * (depth + aisle) + aisle / 2, 1), yaw: 0)) }
            lo = Vec3(-0.5, -0.5, 0); hi = Vec3(W + 0.5, D + 0.5, h)
            goals.append(GoalRegion(center: Vec3(W - 1.5, D / 2, 1), radius: 1))
        }

        mutating func field(_ p: [String: Double]) {
            let size = max(p["size"]!, 10)
            _ = material("ground")
            for _ in 0..<Int(p["objects"]!) {
                let x = rng.uniform(4, size), y = rng.uniform(-size / 2, size / 2)
                switch rng.int(below: 3) {
                case 0: cylinder(x: x, y: y, r: rng.uniform(0.05, 0.2), h: rng.uniform(2, 6), "pole")
                case 1:
                    let s = Vec3(rng.uniform(0.5, 3), rng.uniform(0.5, 3), rng.uniform(0.5, 2.5))
                    box(Vec3(x, y, s.z / 2), s, yaw: rng.uniform(-.pi, .pi), "crate")
                default:
                    let r = rng.uniform(0.3, 1.2)
                    sphere(Vec3(x, y, r * rng.uniform(0.5, 1)), r: r, "rock")
                }
            }
            lo = Vec3(0, -size / 2, 0); hi = Vec3(size, size / 2, 10)
            for k in 0..<6 { spawnCandidates.append(Spawn(position: Vec3(1.5, -size / 3 + size * Double(k) / 9, 1), yaw: 0)) }
            goals.append(GoalRegion(center: Vec3(size - 2, 0, 1), radius: 2))
        }

        mutating func boulders(_ p: [String: Double]) {
            let size = max(p["size"]!, 10)
            _ = material("ground")
            for _ in 0..<Int(p["rocks"]!) {
                let x = rng.uniform(4, size), y = rng.uniform(-size / 2, size / 2)
                if rng.bernoulli(0.6) {
                    let r = rng.uniform(0.4, 1.8)
                    sphere(Vec3(x, y, r * rng.uniform(0.2, 0.9)), r: r, "rock")
                } else {
                    let s = Vec3(rng.uniform(0.5, 2), rng.uniform(0.5, 2), rng.uniform(1, 4))
                    box(Vec3(x, y, s.z / 2), s, yaw: rng.uniform(-.pi, .pi), "crate")
                }
            }
            lo = Vec3(0, -size / 2, 0); hi = Vec3(size, size / 2, 10)
            for k in 0..<6 { spawnCandidates.append(Spawn(position: Vec3(1.5, -size / 3 + size * Double(k) / 9, 1), yaw: 0)) }
            goals.append(GoalRegion(center: Vec3(size - 2, 0, 1), radius: 2))
        }

        func normalize2(_ v: SIMD2<Double>) -> SIMD2<Double> { v / (v * v).sum().squareRoot() }

        /// Builds the scene keeping only spawns at least 0.5 m from every obstacle.
        func finish(name: String) -> Scene {
            let ground = materials.firstIndex { $0.name == "ground" || $0.name == "floor" } ?? 0
            let origin = SceneOrigin(family: family, seed: seed)
            let bmin = lo.map3(Builder.r3), bmax = hi.map3(Builder.r3)
            let draft = Scene(name: name, origin: origin, groundMaterial: ground, materials: materials, obstacles: obstacles,
                              spawns: [], goals: [], boundsMin: bmin, boundsMax: bmax)
            let free = spawnCandidates.filter { !draft.overlaps(.sphere(radius: 0.5), at: Pose(position: $0.position)) && draft.inBounds($0.position) }
            return Scene(name: name, origin: origin, groundMaterial: ground, materials: materials, obstacles: obstacles,
                         spawns: free, goals: goals, boundsMin: bmin, boundsMax: bmax)
        }
    }
}

extension SIMD3 where Scalar == Double {
    func map3(_ f: (Double) -> Double) -> SIMD3<Double> { SIMD3(f(x), f(y), f(z)) }
}
