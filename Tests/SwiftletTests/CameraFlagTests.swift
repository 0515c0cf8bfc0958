import Diagnostics
import Foundation
import Testing
import Viewer
@testable import swiftlet

/// `fly --camera` and `replay --camera`: a bad name is refused before anything runs, naming the
/// flag and the names it takes; replay refuses it with --headless (no window to point it at).
@Suite struct CameraFlagTests {
    @Test func flyRefusesAnUnknownCameraBeforeFlying() throws {
        let command = try #require(try Swiftlet.parseAsRoot(["fly", "--camera", "sideways", "--frames", "1"]) as? FlyCommand)
        #expect(command.camera == "sideways")
        do {
            try command.run()
            Issue.record("fly --camera sideways ran")
        } catch let e as InputError {
            #expect(e.description.contains("--camera") && e.description.contains("sideways") && e.description.contains("top"))
        }
    }

    @Test func replayChecksTheCameraBeforeReadingTheLog() throws {
        // the log does not exist: the camera's error must come first
        let missing = NSTemporaryDirectory() + "swiftlet-camera-flag-\(UUID().uuidString).mcap"
        let command = try #require(try Swiftlet.parseAsRoot(["replay", missing, "--camera", "sideways"]) as? ReplayCommand)
        do {
            try command.run()
            Issue.record("replay --camera sideways ran")
        } catch let e as InputError {
            #expect(e.description.contains("--camera") && e.description.contains("sideways"))
        }
        #expect(throws: (any Error).self) { try Swiftlet.parseAsRoot(["replay", missing, "--headless", "--camera", "top"]) }
        #expect(try Swiftlet.parseAsRoot(["replay", missing, "--camera", "top"]) is ReplayCommand)
    }
}
