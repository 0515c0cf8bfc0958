import Diagnostics
import Foundation
import Recording
import Testing
import TestSupport
@testable import App

/// The CLI review's fixes that sit in the App library (docs/app.md, "CLI review (session 10)"):
/// negative flag values, one-line parse errors, and the replay/screenshot paths checked up front.
@Suite struct CommandLineErrorTests {
    @Test func negativeValuesAfterFlagsAreJoinedToTheirFlag() {
        let args = ["render", "--world", "forest:7", "--pose", "-2,0,1,0", "--out", "v.png"]
        #expect(CommandLineText.joiningNegativeValues(args)
                == ["render", "--world", "forest:7", "--pose=-2,0,1,0", "--out", "v.png"])
        #expect(CommandLineText.joiningNegativeValues(["eval", "--episodes", "-1", "--route", "-.5", "--speed", "-inf"])
                == ["eval", "--episodes=-1", "--route=-.5", "--speed=-inf"])
        // a short flag, a word that is not a number, an already joined value, and anything after "--" stay
        let kept = ["fly", "--policy", "-h", "--seed=-1", "--world", "-forest", "--", "--x", "-3"]
        #expect(CommandLineText.joiningNegativeValues(kept) == kept)
        #expect(CommandLineText.joiningNegativeValues(["trace", "--initial"]) == ["trace", "--initial"])
    }

    @Test func parseErrorsPrintAsOneLineWithTheirHelpHint() {
        let missing = """
        Error: Missing value for '--episodes <episodes>'
        Help:  --episodes <episodes>  Episodes per world and policy.
        Usage: swiftlet eval <options>
          See 'swiftlet eval --help' for more information.

        """
        #expect(CommandLineText.oneLine(missing) == "Error: Missing value for '--episodes <episodes>' (see 'swiftlet eval --help')")
        // an error that already names its flag keeps the InputError shape, without the hint
        let named = "Error: --time-scale: must be in (0, 100], got 0.0\nUsage: swiftlet bench [<suites> ...]\n  See 'swiftlet bench --help' for more information.\n"
        #expect(CommandLineText.oneLine(named) == "Error: --time-scale: must be in (0, 100], got 0.0")
        #expect(CommandLineText.oneLine("Error: Unknown option '--domain'") == "Error: Unknown option '--domain'")
    }

    @Test func replayRefusesALogWithoutMessages() throws {
        let dir = TempDir("app-cli-replay")
        defer { dir.remove() }
        let empty = dir.file("empty.mcap")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        do {
            _ = try ReplayTool.load(path: empty)
            Issue.record("an empty log replayed")
        } catch let error as InputError {
            #expect(error.source == empty)
            #expect(error.message.hasPrefix("no messages to replay; truncated: "))
            #expect(!"\(error)".contains("\n"))
        }
    }

    @Test func exportFramesIntoAFileNamesTheFlag() throws {
        let dir = TempDir("app-cli-frames")
        defer { dir.remove() }
        let file = dir.file("not-a-dir")
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        do {
            _ = try ReplayTool.exportFrames(EpisodeLog(), to: file)
            Issue.record("frames exported into a file")
        } catch let error as InputError {
            #expect(error.source == "--export-frames")
            #expect(error.location == file)
        }
    }

    @Test func screenshotPathIsCheckedBeforeTheFlight() throws {
        let dir = TempDir("app-cli-shot")
        defer { dir.remove() }
        #expect(throws: InputError("--screenshot", "expected a .png file name, got \"\(dir.file("shot.jpg"))\"")) {
            try FlyApp.checkScreenshotPath(dir.file("shot.jpg"))
        }
        let file = dir.file("plain")
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        do {
            try FlyApp.checkScreenshotPath(file + "/shot.png")
            Issue.record("a screenshot path under a file was accepted")
        } catch let error as InputError {
            #expect(error.source == "--screenshot")
            #expect((error.location as NSString).standardizingPath == (file as NSString).standardizingPath)
        }
        try FlyApp.checkScreenshotPath(dir.file("sub/shot.PNG"))
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: dir.file("sub"), isDirectory: &isDir) && isDir.boolValue)
    }
}
