import Diagnostics
import Foundation
import Geometry
import Testing
@testable import World

let minimalWorld = """
{"bounds": {"min": [-5, -5, 0], "max": [5, 5, 3]},
 "materials": [{"name": "m", "albedo": [0.5, 0.5, 0.5]}],
 "obstacles": [OBSTACLES],
 "spawns": [SPAWNS]}
"""

func world(obstacles: String, spawns: String = "") -> String {
    minimalWorld.replacingOccurrences(of: "OBSTACLES", with: obstacles).replacingOccurrences(of: "SPAWNS", with: spawns)
}

/// The error `body` throws, as a string ("no error" when it throws none).
func errorText(_ body: () throws -> Void) -> String {
    do {
        try body()
        return "no error"
    } catch {
        return "\(error)"
    }
}

/// The loader's error for `text`, as a string.
func loadError(_ text: String) -> String { errorText { _ = try SceneLoader.parse(text, source: "bad.json") } }

@Test func loaderReadsEveryShape() throws {
    let text = world(obstacles: """
        {"shape": "box", "center": [1, 0, 0.5], "size": [1, 2, 1], "yaw": 0.5, "material": "m"},
        {"shape": "cylinder", "base": [-2, 0, 0], "radius": 0.3, "height": 2},
        {"shape": "sphere", "center": [0, 3, 1], "radius": 0.5},
        {"shape": "wall", "from": [-4, -4], "to": [4, -4], "thickness": 0.2, "height": 2.5}
        """, spawns: "{\"position\": [-4, 2, 1], \"yaw\": 0.25}")
    let scene = try SceneLoader.parse(text, source: "ok.json")
    #expect(scene.obstacles.count == 4)
    #expect(scene.obstacles[0].shape == .box(Box(center: Vec3(1, 0, 0.5), halfExtents: Vec3(0.5, 1, 0.5), yaw: 0.5)))
    #expect(scene.obstacles[1].shape == .cylinder(Cylinder(x: -2, y: 0, radius: 0.3, zMin: 0, zMax: 2)))
    #expect(scene.obstacles[3].shape == .box(Box(center: Vec3(0, -4, 1.25), halfExtents: Vec3(4, 0.1, 1.25), yaw: 0)))
    #expect(scene.spawns == [Spawn(position: Vec3(-4, 2, 1), yaw: 0.25)])
}

@Test func negativeSizeNamesFilePathAndValue() {
    let e = loadError(world(obstacles: "{\"shape\": \"box\", \"center\": [0, 0, 1], \"size\": [1, -2, 1]}"))
    #expect(e == "bad.json: $.obstacles[0].size[1]: must be positive, got -2")
}

@Test func unknownShapeIsNamed() {
    let e = loadError(world(obstacles: "{\"shape\": \"box\", \"center\": [0, 0, 1], \"size\": [1, 1, 1]}, {\"shape\": \"cone\"}"))
    #expect(e.hasPrefix("bad.json: $.obstacles[1].shape: unknown shape \"cone\""))
}

@Test func nanAndInfinityAreRejectedWithTheirPath() {
    let e = loadError(world(obstacles: "{\"shape\": \"sphere\", \"center\": [0, NaN, 1], \"radius\": 1}"))
    #expect(e == "bad.json: $.obstacles[0].center[1]: NaN is not a finite number")
    let f = loadError(world(obstacles: "{\"shape\": \"cylinder\", \"base\": [0, 0, 0], \"radius\": Infinity, \"height\": 1}"))
    #expect(f == "bad.json: $.obstacles[0].radius: Infinity is not a finite number")
}

@Test func overlappingSpawnIsRejected() {
    let e = loadError(world(obstacles: "{\"shape\": \"cylinder\", \"base\": [1, 1, 0], \"radius\": 0.5, \"height\": 2}",
                            spawns: "{\"position\": [0, 0, 1]}, {\"position\": [1.2, 1, 1]}"))
    #expect(e == "bad.json: $.spawns[1].position: spawn [1.2, 1, 1] overlaps $.obstacles[0] (clearance 0.15 m)")
}

@Test func otherBadInputsGiveClearErrors() {
    #expect(loadError("{\"bounds\": ") .hasPrefix("bad.json: invalid JSON: line 1, column 12"))
    #expect(loadError(world(obstacles: "{\"shape\": \"sphere\", \"center\": [0, 0], \"radius\": 1}"))
            == "bad.json: $.obstacles[0].center: expected an array of 3 numbers, got an array of 2")
    #expect(loadError(world(obstacles: "{\"shape\": \"sphere\", \"center\": [0, 0, 1], \"raduis\": 1}"))
            .hasPrefix("bad.json: $.obstacles[0]: unknown key \"raduis\""))
    #expect(loadError(world(obstacles: "{\"shape\": \"sphere\", \"center\": [0, 0, 1], \"radius\": 1, \"material\": \"gold\"}"))
            == "bad.json: $.obstacles[0].material: unknown material \"gold\" (declare it under $.materials)")
    #expect(loadError(world(obstacles: "", spawns: "{\"position\": [9, 0, 1]}"))
            == "bad.json: $.spawns[0].position: spawn [9, 0, 1] lies outside $.bounds")
    #expect(loadError("[1, 2]") == "bad.json: $: expected an object, got an array of 2")
    #expect(loadError("{}") .hasPrefix("bad.json: $.bounds: missing"))
}

@Test func loaderNeverCrashesOnMangledInput() throws {
    // every prefix and a set of byte substitutions of a valid file either loads or throws
    let good = world(obstacles: "{\"shape\": \"box\", \"center\": [1, 0, 0.5], \"size\": [1, 2, 1]}", spawns: "{\"position\": [-3, 0, 1]}")
    let bytes = Array(good.utf8)
    var rng = RNG(seed: 9)
    for n in stride(from: 0, to: bytes.count, by: 3) { _ = loadError(String(decoding: bytes[0..<n], as: UTF8.self)) }
    let junk: [UInt8] = Array("-0e]}[{\",:x9.".utf8)
    for _ in 0..<400 {
        var b = bytes
        b[rng.int(below: b.count)] = junk[rng.int(below: junk.count)]
        _ = loadError(String(decoding: b, as: UTF8.self))
    }
    #expect(loadError(good) == "no error")
}

/// A spec the user gave with a flag: its errors name the flag, then the spec and the place.
@Test func specErrorsNameTheFlagTheyCameWith() throws {
    func error(_ spec: String) -> String { errorText { _ = try SceneLoader.resolve(spec, flag: "--world") } }
    #expect(error("forest:x").hasPrefix("--world: forest:x: "))
    #expect(error("forest:x").contains("\"x\""))
    #expect(error("forest:7:trees=x").hasPrefix("--world: forest:7:trees=x: trees=x: bad parameter"))
    // a world file's content error keeps its JSON path after the file
    let dir = NSTemporaryDirectory() + "swiftlet-flag-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let file = dir + "/w.json"
    try world(obstacles: #"{"shape": "blob", "center": [0, 0, 0], "material": "m"}"#).write(toFile: file, atomically: true, encoding: .utf8)
    let plain = loadError(try String(contentsOfFile: file, encoding: .utf8)).replacingOccurrences(of: "bad.json: ", with: "")
    #expect(error(file) == "--world: \(file): \(plain)")
    // a good spec resolves to the same world with or without the flag
    #expect(try SceneLoader.resolve("forest:7", flag: "--world").obstacles.count == SceneLoader.resolve("forest:7").obstacles.count)
}
