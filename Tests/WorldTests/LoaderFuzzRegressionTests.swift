import Foundation
import Geometry
import Testing
@testable import World

/// Inputs that made the world loader misbehave (docs/fuzzing.md).
@Suite struct LoaderFuzzRegressionTests {
    /// 2000 boxes of 100 km x 100 km in a 200 km world (an 80 kB file) once filled the grid with
    /// 500 M obstacle-cell entries (2 GB, about a minute; from about 8600 such boxes the Int32
    /// offsets overflowed and trapped). The grid now coarsens its cells to stay within
    /// `SceneGrid.maxEntries`, and queries still see every box.
    @Test func obstaclesSpanningTheWholeWorldKeepTheGridBounded() throws {
        let box = #"{"shape": "box", "center": [0, 0, 1], "size": [100000, 100000, 1]}"#
        let text = #"{"bounds": {"min": [-100000, -100000, -1], "max": [100000, 100000, 10]}, "obstacles": ["#
            + Array(repeating: box, count: 2000).joined(separator: ", ") + "]}"
        let scene = try SceneLoader.parse(text, source: "huge.json")
        #expect(scene.obstacles.count == 2000)
        #expect(scene.grid.items.count <= SceneGrid.maxEntries)
        #expect(scene.grid.cellSize > 200)
        // straight down onto the boxes' top face (z = 1.5) and sideways into their face (x = -50 km)
        let down = try #require(scene.raycast(from: Vec3(10, 20, 5), direction: Vec3(0, 0, -1)))
        #expect(abs(down.distance - 3.5) < 1e-9)
        let side = try #require(scene.raycast(from: Vec3(-60_000, 0, 1), direction: .unitX))
        #expect(abs(side.distance - 10_000) < 1e-6)
    }
}
