import Diagnostics
import Foundation
import Testing
@testable import swiftlet

/// `collect --swarm N [--swarm-spacing M] [--swarm-lanes L]`: bad values are refused before any
/// collection, with the flag the user typed named (not the config key it maps to).
@Suite struct CollectSwarmFlagTests {
    func error(_ arguments: [String]) throws -> InputError? {
        let command = try #require(try Swiftlet.parseAsRoot(["collect"] + arguments) as? CollectCommand)
        do {
            try command.run()
        } catch let e as InputError {
            return e
        }
        return nil
    }

    @Test(arguments: [
        (["--swarm", "1"], "--swarm", "2 to 16"),
        (["--swarm", "17"], "--swarm", "2 to 16"),
        (["--swarm", "4", "--swarm-spacing", "0"], "--swarm-spacing", "positive"),
        (["--swarm", "4", "--swarm-spacing=-1"], "--swarm-spacing", "positive"),
        (["--swarm", "4", "--swarm-lanes", "9"], "--swarm-lanes", "1 to lanes (8)"),
        (["--lanes", "2", "--swarm", "4", "--swarm-lanes", "3"], "--swarm-lanes", "1 to lanes (2)"),
    ])
    func badSwarmFlagsNameTheFlag(arguments: [String], flag: String, says: String) throws {
        let out = NSTemporaryDirectory() + "swiftlet-collect-swarm-flags-\(UUID().uuidString)"
        let e = try #require(try error(arguments + ["--steps", "10", "--out", out]))
        let text = e.description
        #expect(text.hasPrefix(flag + ":"), "\(text)")
        #expect(text.contains(says), "\(text)")
        #expect(!text.contains("collectionSwarm"), "\(text)")
        // refused before anything was written
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
