import Diagnostics
import Foundation
import Testing

@Suite struct BundledResourceTests {
    /// A fake checkout in a fresh temporary directory: Package.swift, Robots/cf2x.urdf, one extra
    /// file only it has, and an executable inside .build/release.
    private func fakeCheckout() throws -> (root: String, onlyThere: String, executable: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-root-\(UUID().uuidString)").path
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/Robots", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/.build/release", withIntermediateDirectories: true)
        _ = fm.createFile(atPath: root + "/Package.swift", contents: Data())
        _ = fm.createFile(atPath: root + "/Robots/cf2x.urdf", contents: Data("<robot/>".utf8))
        let only = "Robots/only-in-checkout-\(UUID().uuidString).urdf"
        _ = fm.createFile(atPath: root + "/" + only, contents: Data("<robot/>".utf8))
        _ = fm.createFile(atPath: root + "/.build/release/swiftlet", contents: Data())
        return (root, only, root + "/.build/release/swiftlet")
    }

    @Test func relativePathsFallBackToTheCheckoutOnlyWhenMissingHere() throws {
        let (root, only, _) = try fakeCheckout()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(!FileManager.default.fileExists(atPath: only))
        #expect(BundledResource.resolve(only, root: root) == root + "/" + only)
        // present in the working directory (the test runs in the package root): left alone
        #expect(BundledResource.resolve("Package.swift", root: root) == "Package.swift")
        // missing everywhere: unchanged, so errors name what the user typed
        #expect(BundledResource.resolve("Robots/no-such-robot.urdf", root: root) == "Robots/no-such-robot.urdf")
        #expect(BundledResource.resolve(only, root: nil) == only)
        #expect(BundledResource.resolve("/abs/" + only, root: root) == "/abs/" + only)
    }

    @Test func rootComesFromTheEnvironmentOrAboveTheExecutable() throws {
        let (root, _, exe) = try fakeCheckout()
        let (other, _, _) = try fakeCheckout()
        defer { try? FileManager.default.removeItem(atPath: root); try? FileManager.default.removeItem(atPath: other) }
        #expect(BundledResource.locateRoot(environment: [:], executable: exe) == root)
        #expect(BundledResource.locateRoot(environment: ["SWIFTLET_ROOT": other], executable: exe) == other)
        // a SWIFTLET_ROOT that is not a checkout is ignored
        #expect(BundledResource.locateRoot(environment: ["SWIFTLET_ROOT": "/"], executable: exe) == root)
        #expect(BundledResource.locateRoot(environment: [:], executable: "/usr/bin/env") == nil)
        #expect(BundledResource.locateRoot(environment: [:], executable: nil) == nil)
    }

    /// The test binary itself lives in this checkout's .build, so the real root is found.
    @Test func theRunningBinaryFindsItsCheckout() throws {
        let root = try #require(BundledResource.root)
        #expect(BundledResource.isCheckout(root))
        #expect(FileManager.default.fileExists(atPath: root + "/Assets/configs/default.json"))
    }
}
