import ArgumentParser
import Diagnostics
import Foundation
import World

struct WorldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "world",
        abstract: "Generate, check and list worlds.",
        discussion: """
        swiftlet world forest:7 --out Worlds/forest-7.json   write a generated world as JSON
        swiftlet world Worlds/hand-course.json                 load and check a world file
        swiftlet world --list 10                               list training and held-out world specs
        """
    )

    @Argument(help: "World file or GENERATOR:SEED[:key=value,...].")
    var world: String?

    @Option(help: "Write the world as JSON to this file.")
    var out: String?

    @Option(help: "List this many training and held-out world specs.")
    var list: Int?

    func run() throws {
        if list != nil, let world { throw ValidationError("--list lists the world specs; it does not read \(world): drop one of them") }
        if let list {
            guard (1...10_000).contains(list) else { throw InputError("--list", "expected a count in 1...10000, got \(list)") }
            print("training: " + WorldCatalog.trainingSpecs(count: list).joined(separator: " "))
            print("held-out: " + WorldCatalog.heldOutSpecs(count: list).joined(separator: " "))
            return
        }
        guard let world else { throw ValidationError("give a world file or GENERATOR:SEED, or --list N") }
        let scene = try SceneLoader.resolve(world)
        if let out {
            try OutputPath.prepareParent(of: out, source: "--out")
            try AtomicFile.write(SceneWriter.json(scene), to: out)
        }
        print("\(scene.name): \(scene.obstacles.count) obstacles, \(scene.spawns.count) spawns, \(scene.goals.count) goals, "
              + "held-out \(WorldCatalog.isHeldOut(scene))" + (out.map { " -> \($0)" } ?? ""))
    }
}
