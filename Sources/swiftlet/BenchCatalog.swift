import App
import ArgumentParser
import Autonomy
import Diagnostics
import Models
import Neural
import Planning
import Viewer
import Physics
import Rendering
import Runtime
import Recording

/// Every module's benchmark suite, in the order `swiftlet bench` runs them.
enum BenchCatalog {
    static let all: [BenchSuite] = [
        PlanningBench.suite,
        CollisionPlannerBench.suite,
        ViewerBench.suite,
        PhysicsBench.suite,
        RenderBench.suite,
        EnvBench.suite,
        PolicyBench.suite,
        BenchSuite(name: RecordingBench.suite.name, summary: RecordingBench.suite.summary + "; fly --swarm 8 --record overhead") { o in
            try RecordingBench.suite.run(o) + SwarmRecordBench.records(o)
        },
        BenchSuite(name: AppBench.suite.name, summary: AppBench.suite.summary + "; fly --swarm 8 --policy (learned) ticks/s") { o in
            try AppBench.suite.run(o) + SwarmPolicyBench.records(o)
        },
        NeuralBench.suite,
        LDMBench.suite,
    ]

    static func select(_ names: [String]) throws -> [BenchSuite] {
        if names.isEmpty { return all }
        return try names.map { name in
            guard let s = all.first(where: { $0.name == name }) else {
                throw ValidationError("unknown bench suite '\(name)'; known: \(all.map(\.name).joined(separator: ", "))")
            }
            return s
        }
    }
}
