import Testing
import ArgumentParser
@testable import swiftlet

/// Every command of `swiftlet`, hidden ones included, with its path of names from the root
/// (`[]` for the root, `["experiment", "gts"]`).
enum CommandTree {
    static let all: [(path: [String], type: ParsableCommand.Type)] = walk(Swiftlet.self, path: [])

    private static func walk(_ type: ParsableCommand.Type, path: [String]) -> [(path: [String], type: ParsableCommand.Type)] {
        [(path, type)] + type.configuration.subcommands.flatMap { walk($0, path: path + [$0._commandName]) }
    }

    /// The path of a command type, nil when it is not in the tree.
    static func path(of type: ParsableCommand.Type) -> [String]? {
        all.first { ObjectIdentifier($0.type) == ObjectIdentifier(type) }?.path
    }
}

/// The walk finds every command once, under the names the parser answers to.
@Suite struct CommandTreeTests {
    @Test func everyCommandOnceUnderItsParsedPath() throws {
        let paths = CommandTree.all.map(\.path)
        #expect(paths.first == [])
        #expect(Set(paths).count == paths.count, "a command listed twice")
        // the root's subcommands, one level down, and a nested one
        for sub in Swiftlet.configuration.subcommands {
            #expect(CommandTree.path(of: sub) == [sub._commandName])
        }
        #expect(paths.contains(["experiment", "gts"]) && paths.contains(["log", "info"]))
        // a path that parses alone (no required argument) parses to its own command type
        var parsedBack = 0
        for (path, type) in CommandTree.all where !path.isEmpty {
            guard let parsed = try? Swiftlet.parseAsRoot(path) else { continue }
            #expect(ObjectIdentifier(Swift.type(of: parsed)) == ObjectIdentifier(type), "\(path)")
            parsedBack += 1
        }
        #expect(parsedBack >= 5)
        #expect(CommandTree.path(of: Swiftlet.self) == [])
        #expect(CommandTree.path(of: NotInTheTree.self) == nil)
    }

    struct NotInTheTree: ParsableCommand {}
}
