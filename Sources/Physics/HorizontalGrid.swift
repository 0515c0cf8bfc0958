import Foundation

/// Vehicles bucketed by horizontal (x, y) cell for neighbour queries, rebuilt each step into
/// reused storage (no allocation once sized). Cells of `cellSize` m are hashed into a
/// power-of-two table; a query visits the 3x3 cells around a vehicle and keeps only entries whose
/// cell matches, so hash collisions cost time, never correctness. `sorted` holds copies of the
/// bodies bucket by bucket (contiguous scans); within a bucket they stay in index order
/// (counting sort), so iteration order depends only on the positions.
struct HorizontalGrid: Sendable {
    /// The bodies in index order (written by the owner before `build`, which sets their cells).
    var bodies: [SwarmBody] = []
    /// Bucket b holds `sorted[start[b] ..< start[b + 1]]`.
    private(set) var start: [Int] = []
    private(set) var sorted: [SwarmBody] = []
    private var cursor: [Int] = []
    private(set) var mask: Int = 0

    /// Re-buckets `bodies` by their horizontal positions (m) in cells of `cellSize` m.
    mutating func build(cellSize: Double) {
        let count = bodies.count
        if sorted.count != count {
            var buckets = 1
            while buckets < 2 * count { buckets <<= 1 }
            mask = buckets - 1
            sorted = bodies
            start = [Int](repeating: 0, count: buckets + 1)
            cursor = [Int](repeating: 0, count: buckets)
        }
        let inverse = 1 / cellSize
        for b in start.indices { start[b] = 0 }
        for i in 0..<count {
            let cx = HorizontalGrid.cell(bodies[i].x * inverse), cy = HorizontalGrid.cell(bodies[i].y * inverse)
            bodies[i].cellX = cx
            bodies[i].cellY = cy
            start[bucket(cx, cy) + 1] += 1
        }
        for b in 0..<mask + 1 {
            start[b + 1] += start[b]
            cursor[b] = start[b]
        }
        for i in 0..<count {
            let b = bucket(bodies[i].cellX, bodies[i].cellY)
            sorted[cursor[b]] = bodies[i]
            cursor[b] += 1
        }
    }

    /// Hash bucket of cell (cx, cy).
    @inline(__always)
    func bucket(_ cx: Int, _ cy: Int) -> Int {
        ((cx &* 73_856_093) ^ (cy &* 19_349_663)) & mask
    }

    /// Cell coordinate of a scaled position; non-finite or huge values fall into clamped cells.
    @inline(__always)
    static func cell(_ v: Double) -> Int {
        guard v.isFinite else { return 0 }
        return Int(min(max(v.rounded(.down), -1e12), 1e12))
    }
}
