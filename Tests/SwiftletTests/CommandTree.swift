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
