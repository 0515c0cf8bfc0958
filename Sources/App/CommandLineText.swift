import Foundation

/// Two repairs the `swiftlet` CLI makes around ArgumentParser, kept here so tests can reach them.
///
/// - A negative number after a flag (`--pose -2,0,1,0`, `--episodes -1`) is read by ArgumentParser
///   as another option, so the user saw "Missing value for '--pose <pose>'" although the value was
///   there. `joiningNegativeValues` spells such pairs `--pose=-2,0,1,0`, which ArgumentParser reads
///   as the flag's value; the command's own range check then names the flag and the value.
/// - ArgumentParser's parse errors are several lines (the error, the flag's help, the usage, a
///   hint). `oneLine` keeps the error and the hint on one line, as every other error prints.
public enum CommandLineText {
    /// The arguments with each `--flag NEGATIVE-NUMBER` pair joined into `--flag=NEGATIVE-NUMBER`.
    /// A word counts as a negative number when it starts with "-" followed by a digit or ".", or
    /// is -inf / -nan (any case); nothing after a bare `--` is touched.
    public static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(arguments.count)
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" {
                result.append(contentsOf: arguments[index...])
                break
            }
            if isLongOptionName(word), index + 1 < arguments.count, isNegativeNumber(arguments[index + 1]) {
                result.append(word + "=" + arguments[index + 1])
                index += 2
                continue
            }
            result.append(word)
            index += 1
        }
        return result
    }

    /// One line for ArgumentParser's multi-line error text: its first non-empty line, followed by
    /// the "See 'swiftlet CMD --help'" hint in parentheses when the text has one, unless the error
    /// already names its flag ("Error: --time-scale: ...", the shape of Swiftlet's own checks).
    public static func oneLine(_ fullMessage: String) -> String {
        let lines = fullMessage.split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard var line = lines.first else { return fullMessage }
        let namesFlag = line.hasPrefix("Error: --") || line.hasPrefix("--")
        if !namesFlag, let see = lines.dropFirst().first(where: { $0.hasPrefix("See '") }) {
            let text = see.hasSuffix(" for more information.") ? String(see.dropLast(" for more information.".count)) : see
            line += " (" + text.prefix(1).lowercased() + text.dropFirst() + ")"
        }
        return line
    }

    static func isLongOptionName(_ word: String) -> Bool {
        word.hasPrefix("--") && word.count > 2 && !word.contains("=")
    }

    static func isNegativeNumber(_ word: String) -> Bool {
        let chars = Array(word)
        guard chars.count >= 2, chars[0] == "-" else { return false }
        if chars[1].isASCII && (chars[1].isNumber || chars[1] == ".") { return true }
        let rest = word.dropFirst().lowercased()
        return rest == "inf" || rest == "infinity" || rest == "nan"
    }
}
