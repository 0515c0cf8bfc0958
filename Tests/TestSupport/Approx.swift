import Foundation
import Geometry

/// Absolute-or-relative closeness for test assertions.
public func isClose(_ a: Double, _ b: Double, abs tolA: Double = 1e-12, rel tolR: Double = 0) -> Bool {
    let d = Swift.abs(a - b)
    return d <= tolA || d <= tolR * Swift.max(Swift.abs(a), Swift.abs(b))
}

/// Component-wise closeness of vectors.
public func isClose(_ a: Vec3, _ b: Vec3, abs tol: Double = 1e-12) -> Bool {
    (a - b).length <= tol
}

/// A fresh temporary directory for one test; call `remove()` when done.
public struct TempDir: Sendable {
    public let path: String
    public init(_ tag: String = "swiftlet-test") {
        path = NSTemporaryDirectory() + "/\(tag)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    /// Path of `name` inside the directory.
    public func file(_ name: String) -> String { path + "/" + name }
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
