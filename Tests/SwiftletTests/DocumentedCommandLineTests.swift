import App
import ArgumentParser
import Foundation
import Testing
@testable import swiftlet

/// Every `swiftlet ...` line of README.md and docs/*.md parses with the real command tree, in
/// process and exactly as `Swiftlet.main` parses (negative values joined, then `parseAsRoot`,
/// which also runs each command's `validate()`); nothing is run. How lines are found and how
/// their placeholders expand: `DocumentedCommands`. A line that is only a command's name
/// (`swiftlet log info`, naming the command in prose) must name a command of the tree.
@Suite struct DocumentedCommandLineTests {
    /// Documented lines that are not commands to parse, each with the reason. An entry that no
    /// longer matches any line fails the test, so the list cannot go stale. Match: file and the
    /// exact text after `swiftlet`.
    static let notCommands: [(file: String, text: String, reason: String)] = [
        ("docs/architecture.md", "(CLI, thin)", "the module diagram's box for the CLI target"),
    ]

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// README.md and every docs/*.md, paths relative to the repository root.
    static func markdownFiles() throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }
        return ["README.md"] + docs
    }

    static func commands(in file: String) throws -> [DocumentedCommand] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent(file), encoding: .utf8)
        return DocumentedCommands.extract(markdown: text, file: file)
    }

    /// The parse error of one argument list, or nil when it parses (a help or version request
    /// counts as parsed) or is the name of a command.
    static func parseError(_ arguments: [String]) -> String? {
        if CommandTree.all.contains(where: { $0.path == arguments && !arguments.isEmpty }) { return nil }
        do {
            _ = try Swiftlet.parseAsRoot(CommandLineText.joiningNegativeValues(arguments))
            return nil
        } catch {
            if Swiftlet.exitCode(for: error) == .success { return nil }
            return CommandLineText.oneLine(Swiftlet.fullMessage(for: error))
        }
    }

    /// Parses every argument list of `commands`: how many, and the failures, each with file,
    /// line, the documented command, the argument list and the error.
    static func check(_ commands: [DocumentedCommand]) -> (checked: Int, failures: [String]) {
        var checked = 0
        var failures: [String] = []
        for command in commands {
            for arguments in DocumentedCommands.argumentLists(command.text) {
                checked += 1
                if let error = parseError(arguments) {
                    failures.append("\(command)\n    as: swiftlet \(arguments.joined(separator: " "))\n    \(error)")
                }
            }
        }
        return (checked, failures)
    }

    @Test func everyDocumentedCommandLineParses() throws {
        var used = Set<Int>()
        var commands: [DocumentedCommand] = []
        for file in try Self.markdownFiles() {
            for command in try Self.commands(in: file) {
                if let entry = Self.notCommands.firstIndex(where: { $0.file == file && $0.text == command.text }) {
                    used.insert(entry)
                } else {
                    commands.append(command)
                }
            }
        }
        let (checked, failures) = Self.check(commands)
        #expect(checked > 300, "found only \(checked) command lines: is the extraction broken?")
        #expect(failures.isEmpty, "\(failures.count) documented command lines do not parse:\n\(failures.joined(separator: "\n"))")
        let stale = Self.notCommands.indices.filter { !used.contains($0) }.map { "\(Self.notCommands[$0])" }
        #expect(stale.isEmpty, "allow-list entries that match no line: \(stale)")
    }

    /// The other direction: every visible command is on a command line of the README.
    @Test func readmeNamesEveryCommand() throws {
        var named = Set<[String]>()
        for command in try Self.commands(in: "README.md") {
            for arguments in DocumentedCommands.argumentLists(command.text) {
                // a bare command name, or the command a full line parses to
                let bare = CommandTree.all.first { $0.path == arguments }?.path
                let parsed = try? Swiftlet.parseAsRoot(CommandLineText.joiningNegativeValues(arguments))
                guard let path = bare ?? parsed.flatMap({ CommandTree.path(of: type(of: $0)) }) else { continue }
                // a command names its groups too (`log info` names `log`)
                for count in 0...path.count { named.insert(Array(path.prefix(count))) }
            }
        }
        let missing = CommandTree.all.filter { entry in
            entry.type.configuration.shouldDisplay && !named.contains(entry.path)
        }.map { "swiftlet " + $0.path.joined(separator: " ") }
        #expect(missing.isEmpty, "commands on no command line of README.md: \(missing)")
    }
}
