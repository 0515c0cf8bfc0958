import Foundation

/// Vehicle indices bucketed by horizontal (x, y) cell for neighbour queries, rebuilt each step
/// into reused storage (no allocation once sized). Cells of `cellSize` m are hashed into a
/// power-of-two table; a query visits the 3x3 cells around a vehicle and keeps only entries whose
/// cell matches, so hash collisions cost time, never correctness. Entries of one bucket stay in
/// index order (counting sort), so iteration order depends only on the positions.
struct HorizontalGrid: Sendable {
    private(set) var cellSize: Double = 1
    /// Cell coordinates per vehicle.
    private(set) var cellX: [Int] = []
    private(set) var cellY: [Int] = []
    /// Bucket b holds `order[start[b] ..< start[b + 1]]`.
    private(set) var start: [Int] = []
    private(set) var order: [Int] = []
    private var cursor: [Int] = []
    private(set) var mask: Int = 0

    /// Re-buckets `count` vehicles by their horizontal positions, m.
    mutating func build(bodies: UnsafePointer<SwarmBody>, count: Int, cellSize: Double) {
        self.cellSize = cellSize
        if cellX.count != count {
            var buckets = 1
            while buckets < 2 * count { buckets <<= 1 }
            mask = buckets - 1
            cellX = [Int](repeating: 0, count: count)
            cellY = [Int](repeating: 0, count: count)
            order = [Int](repeating: 0, count: count)
            start = [Int](repeating: 0, count: buckets + 1)
            cursor = [Int](repeating: 0, count: buckets)
        }
        let inverse = 1 / cellSize
        for b in start.indices { start[b] = 0 }
        for i in 0..<count {
            let p = bodies[i].position
            let cx = HorizontalGrid.cell(p.x * inverse), cy = HorizontalGrid.cell(p.y * inverse)
            cellX[i] = cx
            cellY[i] = cy
            start[bucket(cx, cy) + 1] += 1
        }
        for b in 0..<mask + 1 {
            start[b + 1] += start[b]
            cursor[b] = start[b]
        }
        for i in 0..<count {
            let b = bucket(cellX[i], cellY[i])
            order[cursor[b]] = i
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
