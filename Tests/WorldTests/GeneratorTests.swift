import Diagnostics
import Foundation
import Geometry
import Testing
@testable import World

@Test func generatorsAreDeterministicAndSeedSensitive() throws {
    for family in WorldGenerators.names {
        let a = SceneWriter.json(try WorldGenerators.make("\(family):11"))
        let b = SceneWriter.json(try WorldGenerators.make("\(family):11"))
        let c = SceneWriter.json(try WorldGenerators.make("\(family):12"))
        #expect(a == b)
        #expect(a != c)
    }
}

@Test func generatedWorldsRoundTripThroughJSONAndHaveFreeSpawns() throws {
    for family in WorldGenerators.names {
        for seed in [0, 3, 1_000_001] as [UInt64] {
            let scene = WorldGenerators.generate(family: family, seed: seed)
            #expect(!scene.obstacles.isEmpty)
            #expect(!scene.spawns.isEmpty, "\(family):\(seed) has no spawn")
            for s in scene.spawns {
                #expect(!scene.overlaps(.sphere(radius: 0.5), at: Pose(position: s.position)))
            }
            let text = SceneWriter.json(scene)
            let back = try SceneLoader.parse(text, source: "\(family).json")
            #expect(SceneWriter.json(back) == text)
            #expect(back.obstacles.count == scene.obstacles.count)
        }
    }
}

@Test func generatorParametersApply() throws {
    let scene = try WorldGenerators.make("forest:1:trees=200,boxes=50,size=50")
    var cylinders = 0, boxes = 0
    for o in scene.obstacles {
        if case .cylinder = o.shape { cylinders += 1 }
        if case .box = o.shape { boxes += 1 }
    }
    #expect(cylinders == 200 && boxes == 50)
    #expect(throws: (any Error).self) { try WorldGenerators.make("forest:1:leaves=3") }
    #expect(throws: (any Error).self) { try WorldGenerators.make("jungle:1") }
    #expect(throws: (any Error).self) { try WorldGenerators.make("forest:-1") }
}

/// A huge parameter is refused with the spec, the parameter and the limit (1e30 trapped converting
/// the count to Int; 1e9 trees generated for ever); the limit itself is accepted.
@Test func hugeGeneratorParametersAreRefusedNotTrapped() throws {
    #expect(throws: InputError("forest:7:trees=1e30", at: "trees=1e30", "out of range: 1e30 (values are at most 10000)")) {
        try WorldGenerators.make("forest:7:trees=1e30")
    }
    #expect(throws: InputError("office:7:rooms_x=20000", at: "rooms_x=20000", "out of range: 20000 (values are at most 10000)")) {
        try WorldGenerators.make("office:7:rooms_x=20000")
    }
    #expect(try WorldGenerators.make("field:7:objects=0,size=10000").name == "field-7")
}

@Test func heldOutSetIsDisjointFromTraining() throws {
    let training = WorldCatalog.trainingSpecs(count: 40)
    let heldOut = WorldCatalog.heldOutSpecs(count: 12)
    #expect(Set(training).isDisjoint(with: heldOut))
    for spec in training {
        let scene = try WorldGenerators.make(spec)
        #expect(!WorldCatalog.isHeldOut(scene))
        #expect(!scene.textureFamilies.contains(.heldOut))
    }
    for spec in heldOut {
        let scene = try WorldGenerators.make(spec)
        #expect(WorldCatalog.isHeldOut(scene))
        // held-out worlds use only held-out textures
        #expect(scene.textureFamilies == [.heldOut])
    }
    #expect(WorldCatalog.isHeldOut(family: "forest", seed: 1_000_000))
    #expect(!WorldCatalog.isHeldOut(family: "forest", seed: 999_999))
    #expect(WorldCatalog.isHeldOut(family: "boulders", seed: 0))
}

@Test func shippedWorldsLoad() throws {
    // Worlds/ sits two levels above this file's directory
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Worlds").path
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") && !$0.contains("schema") }
    #expect(files.count >= 6)
    for f in files {
        let scene = try SceneLoader.load(path: dir + "/" + f)
        #expect(!scene.spawns.isEmpty, "\(f) has no spawn")
    }
}
