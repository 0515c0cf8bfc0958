import Foundation
import Testing

/// One `swiftlet ...` command line found in a Markdown file: where it is and what follows
/// `swiftlet`, still in the docs' notation (placeholders, `[optional]` groups, `a|b`).
struct DocumentedCommand: Sendable, CustomStringConvertible {
    var file: String
    var line: Int
    var text: String

    var description: String { "\(file):\(line): `swiftlet \(text)`" }
}

/// Finds the command lines of README.md and docs/*.md and turns their notation into argument lists.
///
/// Extraction:
/// - in fenced code blocks, every line that runs swiftlet (`commandText`: `swiftlet ...`,
///   `.build/release/swiftlet ...`, also after `NAME=value`, `nice -n 10` or `make &&`); a
///   trailing `\` continues the line, so does a next line that is indented and starts with `[`
///   or `-` (a wrapped usage), and a ` #` comment ends it;
/// - outside code blocks, every inline code span that runs swiftlet the same way (a span may wrap over
///   lines of its paragraph; a table row is its own paragraph, where `\|` is a `|`). A span
///   `... REST` right after a `swiftlet GROUP ...` span of the same paragraph reads
///   `swiftlet GROUP REST` (the README's `experiment gts ..., ... hint ...` shorthand).
///
/// Expansion (`argumentLists`):
/// - a shell operator at the top level (`|`, `&&`, `;`, `>`) ends the command;
/// - `[ ... ]` is an optional group, `[a | b]` a group of alternatives; `a|b` inside one word and
///   shell braces `x{a,b}y` are alternatives too. Variant 0 leaves every optional group out;
///   variant k >= 1 puts every group in and takes alternative k-1 everywhere (or the last one
///   where there are fewer), so each alternative is parsed at least once without 2^n variants;
/// - `...` after an option (`--out ...`) is that option's elided value (`VALUE`); anywhere else
///   it stands for elided arguments and is dropped, and a trailing `...` (`SUITE...`) is dropped;
/// - a numeric placeholder (`numericPlaceholders`: `--seed N`, `--yaw-limit DEG`) becomes `1`;
///   every other placeholder (`FILE`, `DIR`, `SPEC`) is already a valid string value and stays.
enum DocumentedCommands {
    /// Placeholders the docs use for numbers; each is parsed as `1`.
    static let numericPlaceholders: Set<String> = ["N", "K", "E", "P", "H", "Y", "DEG"]

    /// The command lines of one Markdown text.
    static func extract(markdown: String, file: String) -> [DocumentedCommand] {
        var commands: [DocumentedCommand] = []
        var inFence = false
        var paragraph: [(line: Int, text: String)] = []
        // a code-block command continued with a trailing backslash
        var pending: (line: Int, text: String)?
        // the index of the last command read from a code block line, while the next line may wrap it
        var blockCommand: Int?

        func flushParagraph() {
            var previous: String?
            for span in codeSpans(paragraph) {
                if let rest = commandText(span.text) {
                    commands.append(DocumentedCommand(file: file, line: span.line, text: rest))
                    previous = rest
                } else if span.text.hasPrefix("... "), let group = previous?.split(separator: " ").first {
                    commands.append(DocumentedCommand(file: file, line: span.line, text: "\(group) \(span.text.dropFirst(4))"))
                }
            }
            paragraph = []
        }

        for (index, raw) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") || line.hasPrefix("~~~") {
                flushParagraph()
                inFence.toggle()
                pending = nil
                continue
            }
            if inFence {
                // a wrapped usage line continues the command above it
                if raw.first == " ", line.first == "[" || line.first == "-", let last = blockCommand, last == commands.count - 1 {
                    commands[last].text += " " + uncommented(line)
                    continue
                }
                blockCommand = nil
                // a command line, possibly continued with a backslash
                guard pending != nil || commandText(line) != nil else { continue }
                let start = pending?.line ?? number
                let joined = pending.map { "\($0.text) \(line)" } ?? line
                if joined.hasSuffix("\\") {
                    pending = (start, joined.dropLast().trimmingCharacters(in: .whitespaces))
                    continue
                }
                pending = nil
                if let rest = commandText(uncommented(joined)) {
                    commands.append(DocumentedCommand(file: file, line: start, text: rest))
                    blockCommand = commands.count - 1
                }
            } else if line.isEmpty {
                flushParagraph()
            } else if line.hasPrefix("|") {
                // a table row: its own paragraph, with escaped pipes unescaped
                flushParagraph()
                paragraph = [(number, line.replacingOccurrences(of: "\\|", with: "|"))]
                flushParagraph()
            } else {
                paragraph.append((number, line))
            }
        }
        flushParagraph()
        return commands
    }

    /// A code-block line without its ` #` comment.
    static func uncommented(_ line: String) -> String {
        line.range(of: " #").map { line[..<$0.lowerBound].trimmingCharacters(in: .whitespaces) } ?? line
    }

    /// The text after `swiftlet` when `text` runs swiftlet, else nil: the program is `swiftlet`
    /// or a path ending `.build/release/swiftlet`, after optional `NAME=value` assignments and the
    /// wrappers `nice -n N`, `time`, `/usr/bin/time -v`; of steps joined by `&&`, the first that
    /// runs swiftlet.
    static func commandText(_ text: String) -> String? {
        for step in text.components(separatedBy: " && ") {
            var rest = Substring(step)
            var wrapped = false
            while true {
                rest = rest.drop(while: { $0 == " " })
                let word = rest.prefix(while: { $0 != " " })
                if word == "swiftlet" || word.hasSuffix(".build/release/swiftlet") {
                    return rest.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
                }
                let assignment = word.firstIndex(of: "=").map { equals in
                    equals != word.startIndex && word[..<equals].allSatisfy { $0.isUppercase || $0 == "_" || $0.isNumber }
                } ?? false
                let wrapper = ["nice", "time", "/usr/bin/time"].contains(word)
                // a wrapper's own flags and numbers (`-n 10`, `-v`)
                let wrapperArgument = wrapped && !word.isEmpty && (word.hasPrefix("-") || word.allSatisfy(\.isNumber))
                guard !word.isEmpty, assignment || wrapper || wrapperArgument else { break }
                wrapped = wrapped || wrapper
                rest = rest.dropFirst(word.count)
            }
        }
        return nil
    }

    /// The inline code spans of a paragraph (CommonMark: a backtick run closed by a run of the
    /// same length; line ends inside a span read as spaces), each with the line it starts on.
    static func codeSpans(_ lines: [(line: Int, text: String)]) -> [(line: Int, text: String)] {
        var chars: [Character] = []
        var lineOf: [Int] = []
        for (number, text) in lines {
            chars += Array(text) + [" "]
            lineOf += Array(repeating: number, count: text.count + 1)
        }
        func runEnd(_ start: Int) -> Int {
            var end = start
            while end < chars.count && chars[end] == "`" { end += 1 }
            return end
        }
        var spans: [(line: Int, text: String)] = []
        var i = 0
        while i < chars.count {
            guard chars[i] == "`" else { i += 1; continue }
            let open = runEnd(i)
            let width = open - i
            // the closing run of the same width
            var k = open
            var close: Int?
            while k < chars.count {
                guard chars[k] == "`" else { k += 1; continue }
                let end = runEnd(k)
                if end - k == width { close = k; break }
                k = end
            }
            guard let close else { i = open; continue }
            spans.append((lineOf[i], String(chars[open..<close]).trimmingCharacters(in: .whitespaces)))
            i = close + width
        }
        return spans
    }

    // MARK: - expansion

    /// A piece of a command in the docs' notation.
    enum Node {
        /// one shell word; `literal` when it was quoted (no alternatives inside)
        case word(String, literal: Bool)
        /// `[ ... ]`: an optional group of one or more alternatives
        case group([[Node]])
    }

    /// The argument lists a documented command stands for (see the type's comment).
    static func argumentLists(_ text: String) -> [[String]] {
        var tokens = lex(text)[...]
        let nodes = sequence(&tokens).first ?? []
        let count = max(1, choices(nodes))
        var lists: [[String]] = []
        for variant in 0...count {
            let list = render(nodes, optional: variant > 0, choice: max(0, variant - 1))
            if !lists.contains(list) { lists.append(list) }
        }
        return lists
    }

    private enum Token: Equatable {
        case open, close, bar, stop
        case word(String, literal: Bool)
    }

    /// Shell-like words: quotes group, `[`/`]` at a word's edges are group marks, a lone `|` is a
    /// separator, and `&&`, `;`, `>` stop the command.
    private static func lex(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var chars = Array(text)[...]
        while let first = chars.first {
            if first == " " { chars = chars.dropFirst(); continue }
            if first == "'" || first == "\"" {
                let body = chars.dropFirst().prefix(while: { $0 != first })
                tokens.append(.word(String(body), literal: true))
                chars = chars.dropFirst(body.count + 2)
                continue
            }
            var word = chars.prefix(while: { $0 != " " })
            chars = chars.dropFirst(word.count)
            while word.first == "[" { tokens.append(.open); word = word.dropFirst() }
            // closing marks at the end, except those that close a `[` inside the word (`fog[:0-5]`)
            var closes = 0
            let inner = word.filter { $0 == "[" }.count
            while word.last == "]" && word.filter({ $0 == "]" }).count > inner { closes += 1; word = word.dropLast() }
            switch String(word) {
            case "": break
            case "|": tokens.append(.bar)
            case "&&", "||", ";", ">", ">>", "2>", "2>&1": tokens.append(.stop)
            default: tokens.append(.word(String(word), literal: false))
            }
            tokens += Array(repeating: .close, count: closes)
        }
        return tokens
    }

    /// Alternatives separated by `|` up to a `]` (consumed) or the end; a top-level `|` or a
    /// shell operator ends the whole command.
    private static func sequence(_ tokens: inout ArraySlice<Token>, inGroup: Bool = false) -> [[Node]] {
        var alternatives: [[Node]] = [[]]
        while let token = tokens.popFirst() {
            switch token {
            case .open: alternatives[alternatives.count - 1].append(.group(sequence(&tokens, inGroup: true)))
            case .close: if inGroup { return alternatives }
            case .bar:
                guard inGroup else { tokens = []; return alternatives }
                alternatives.append([])
            case .stop: tokens = []; return alternatives
            case let .word(text, literal): alternatives[alternatives.count - 1].append(.word(text, literal: literal))
            }
        }
        return alternatives
    }

    /// The largest number of alternatives at any one point of the command.
    private static func choices(_ nodes: [Node]) -> Int {
        nodes.map { node -> Int in
            switch node {
            case let .word(text, literal): return literal ? 1 : alternatives(of: text).count
            case let .group(options): return max(options.count, options.map(choices).max() ?? 1)
            }
        }.max() ?? 1
    }

    /// `a|b|c` and `x{a,b}y` as their alternatives.
    private static func alternatives(of word: String) -> [String] {
        word.split(separator: "|", omittingEmptySubsequences: false).flatMap { part -> [String] in
            guard let open = part.firstIndex(of: "{"), let close = part[open...].firstIndex(of: "}") else { return [String(part)] }
            return part[part.index(after: open)..<close].split(separator: ",")
                .map { "\(part[..<open])\($0)\(part[part.index(after: close)...])" }
        }
    }

    private static func render(_ nodes: [Node], optional: Bool, choice: Int) -> [String] {
        var arguments: [String] = []
        for node in nodes {
            switch node {
            case let .word(text, literal):
                let options = literal ? [text] : alternatives(of: text)
                let word = options[min(choice, options.count - 1)]
                if literal { arguments.append(word); continue }
                if word == "..." {
                    // an elided option value, or elided arguments
                    if arguments.last?.hasPrefix("-") == true { arguments.append("VALUE") }
                    continue
                }
                let bare = word.hasSuffix("...") ? String(word.dropLast(3)) : word
                arguments.append(numericPlaceholders.contains(bare) ? "1" : bare)
            case let .group(options):
                guard optional else { continue }
                arguments += render(options[min(choice, options.count - 1)], optional: optional, choice: choice)
            }
        }
        return arguments
    }
}

/// The docs' notation, on tiny inline documents: what is found and what each line expands to.
@Suite struct DocumentedCommandNotationTests {
    @Test func codeBlocksSpansAndTablesAreFound() {
        let markdown = """
            Run `swiftlet fly --swarm 4` or `SDL_VIDEODRIVER=dummy swiftlet fly
            --frames 120`; `fly --headless` alone is not a command line.

            ```
            make demo                  # not swiftlet
            swiftlet eval --policy A \\
              --policy B               # two policies
            .build/release/swiftlet bench nn
                [--no-peers]
              # an indented comment
            - not a wrapped usage line
            ```

            | task | `swiftlet log info F \\| head -1`, `swiftlet experiment gts`, `... hint --preset smoke` |
            """
        let found = DocumentedCommands.extract(markdown: markdown, file: "x.md").map { "\($0.line) \($0.text)" }
        #expect(found == [
            "1 fly --swarm 4", "1 fly --frames 120", "6 eval --policy A --policy B", "8 bench nn [--no-peers]",
            "14 log info F | head -1", "14 experiment gts", "14 experiment hint --preset smoke",
        ])
    }

    @Test func wrappersAndPathsAroundTheProgramAreSkipped() {
        #expect(DocumentedCommands.commandText("nice -n 10 .build/release/swiftlet bench app") == "bench app")
        #expect(DocumentedCommands.commandText("swift build -c release && /work/main/.build/release/swiftlet log info x") == "log info x")
        #expect(DocumentedCommands.commandText("SDL_VIDEODRIVER=dummy /usr/bin/time -v swiftlet demo") == "demo")
        #expect(DocumentedCommands.commandText("swiftlet") == "")
        #expect(DocumentedCommands.commandText("Sources/swiftlet") == nil)
        #expect(DocumentedCommands.commandText("make demo") == nil)
        #expect(DocumentedCommands.commandText("fly --swarm 4") == nil)
    }

    @Test func optionalGroupsAlternativesAndPlaceholdersExpand() {
        #expect(DocumentedCommands.argumentLists("fly --ldm ldm|greedy [--seed N] [--world SPEC]") == [
            ["fly", "--ldm", "ldm"],
            ["fly", "--ldm", "ldm", "--seed", "1", "--world", "SPEC"],
            ["fly", "--ldm", "greedy", "--seed", "1", "--world", "SPEC"],
        ])
        #expect(DocumentedCommands.argumentLists("experiment gts [--config FILE | --preset smoke] --out DIR") == [
            ["experiment", "gts", "--out", "DIR"],
            ["experiment", "gts", "--config", "FILE", "--out", "DIR"],
            ["experiment", "gts", "--preset", "smoke", "--out", "DIR"],
        ])
        #expect(DocumentedCommands.argumentLists("experiment ocs --seed {1,2} --out ...") == [
            ["experiment", "ocs", "--seed", "1", "--out", "VALUE"],
            ["experiment", "ocs", "--seed", "2", "--out", "VALUE"],
        ])
        #expect(DocumentedCommands.argumentLists("bench [SUITE...] --json 'a b' | head > x") == [
            ["bench", "--json", "a b"], ["bench", "SUITE", "--json", "a b"],
        ])
        #expect(DocumentedCommands.argumentLists("collect ... --record r.mcap") == [["collect", "--record", "r.mcap"]])
        // brackets inside a word belong to the word
        #expect(DocumentedCommands.argumentLists("fly [--corruption fog|brightness[:0-5]]") == [
            ["fly"], ["fly", "--corruption", "fog"], ["fly", "--corruption", "brightness[:0-5]"],
        ])
    }

    @Test func theCheckRejectsWhatTheCommandTreeRejects() {
        // the check is only worth something if a wrong flag, value or subcommand fails it
        #expect(DocumentedCommandLineTests.parseError(["fly", "--frames", "10"]) == nil)
        #expect(DocumentedCommandLineTests.parseError(["fly", "--pose", "-2,0,1,0"]) != nil)
        #expect(DocumentedCommandLineTests.parseError(["render", "--world", "forest:7", "--pose", "-2,0,1,0", "--out", "v.png"]) == nil)
        #expect(DocumentedCommandLineTests.parseError(["fly", "--no-such-flag"]) != nil)
        #expect(DocumentedCommandLineTests.parseError(["fly", "--frames", "N"]) != nil)
        #expect(DocumentedCommandLineTests.parseError(["experiment", "no-such-experiment"]) != nil)
        #expect(DocumentedCommandLineTests.parseError(["bench", "--time-scale", "0"]) != nil)
        #expect(DocumentedCommandLineTests.parseError(["help", "fly"]) == nil)
        // a command's bare name is accepted only when the tree has that command
        #expect(DocumentedCommandLineTests.parseError(["log", "info"]) == nil)
        #expect(DocumentedCommandLineTests.parseError(["log", "inf"]) != nil)
    }
}
