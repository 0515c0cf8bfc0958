import App
import ArgumentParser
import Foundation
import Testing
@testable import swiftlet

/// The help of every command renders, and every option of every command says what it does.
@Suite struct CommandHelpTests {
    @Test func everyCommandRendersItsHelp() {
        #expect(CommandTree.all.count > 15)
        for (path, type) in CommandTree.all {
            let help = Swiftlet.helpMessage(for: type, includeHidden: true)
            #expect(help.contains("USAGE: \((["swiftlet"] + path).joined(separator: " "))"), "swiftlet \(path) --help:\n\(help)")
        }
    }

    /// The help texts teach commands too (`swiftlet train collision --data DIR` in collect's
    /// discussion): their `swiftlet ...` code spans parse like the docs' (unwrapped help, read
    /// as Markdown by `DocumentedCommands`).
    @Test func everyCommandLineInTheHelpParses() {
        let commands = CommandTree.all.flatMap { path, type in
            DocumentedCommands.extract(markdown: Swiftlet.helpMessage(for: type, includeHidden: true, columns: 100_000),
                                       file: (["swiftlet"] + path + ["--help"]).joined(separator: " "))
        }
        let (checked, failures) = DocumentedCommandLineTests.check(commands)
        #expect(checked > 5)
        #expect(failures.isEmpty, "\(failures.count) command lines in the help do not parse:\n\(failures.joined(separator: "\n"))")
    }

    /// ArgumentParser's dump of the whole tree (`--experimental-dump-help`, public behaviour)
    /// lists each command's arguments with their names and help text.
    static func dumpedTree() throws -> [String: Any] {
        var message: String?
        do { _ = try Swiftlet.parseAsRoot(["--experimental-dump-help"]) } catch { message = Swiftlet.fullMessage(for: error) }
        let json = try #require(message, "--experimental-dump-help did not end the parse")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try #require(root["command"] as? [String: Any])
    }

    @Test func everyArgumentHasHelpAndNamesOfItsOwn() throws {
        var problems: [String] = []
        var commands = 0
        func check(_ command: [String: Any], path: String) {
            commands += 1
            var seen: [String: String] = [:]
            for argument in command["arguments"] as? [[String: Any]] ?? [] {
                let names = (argument["names"] as? [[String: Any]] ?? []).compactMap { name -> String? in
                    guard let text = name["name"] as? String else { return nil }
                    return (name["kind"] as? String == "short" ? "-" : "--") + text
                }
                let label = names.first ?? (argument["valueName"] as? String ?? "?")
                let abstract = (argument["abstract"] as? String ?? "").trimmingCharacters(in: .whitespaces)
                if argument["shouldDisplay"] as? Bool != false && abstract.isEmpty {
                    problems.append("\(path) \(label): no help text")
                }
                for name in names {
                    if let other = seen[name] { problems.append("\(path): \(name) names both \(other) and \(label)") }
                    seen[name] = label
                }
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                let name = sub["commandName"] as? String ?? "?"
                // ArgumentParser's own `help` command is not Swiftlet's to check
                guard !(path == "swiftlet" && name == "help") else { continue }
                check(sub, path: "\(path) \(name)")
            }
        }
        check(try Self.dumpedTree(), path: "swiftlet")
        #expect(commands == CommandTree.all.count)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
