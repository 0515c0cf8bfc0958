import Geometry

/// A uniform 2D grid over the ground plane; each cell lists the obstacles whose footprint
/// (axis-aligned bounds) overlaps it, in compressed rows (`cellStart`, `items`).
///
/// Why a grid and not a BVH: every scene is 2.5D (things stand on the ground), so a ray's walk
/// through 2 m cells is a cheap 2D DDA that visits obstacles in front-to-back order and can stop
/// at the first cell whose entry lies beyond the best hit; a camera column (level camera) shares
/// one walk for all its pixels. See docs/worlds.md for the measurements behind the choice.
public struct SceneGrid: Sendable {
    /// Minimum corner (x, y) of the grid, metres.
    public let originX: Double
    public let originY: Double
    /// Cell side, metres.
    public let cellSize: Double
    public let columns: Int
    public let rows: Int
    /// `items[cellStart[c] ..< cellStart[c + 1]]` are the obstacle indices of cell `c = row * columns + column`.
    public let cellStart: [Int32]
    public let items: [Int32]
    /// Highest obstacle top (metres); rays above it climbing can stop.
    public let maxTop: Double
    /// Lowest obstacle bottom (metres).
    public let minBottom: Double

    /// Most obstacle-cell entries a grid holds before its cells are made coarser (16 MB of lists).
    public static let maxEntries = 1 << 22

    public init(obstacles: [Obstacle], boundsMin: Vec3, boundsMax: Vec3, cellSize requested: Double) {
        precondition(requested > 0)
        // cover the world bounds and every obstacle
        var lo = SIMD2(boundsMin.x, boundsMin.y), hi = SIMD2(boundsMax.x, boundsMax.y)
        var top = -Double.infinity, bottom = Double.infinity
        let boxes = obstacles.map { $0.shape.bounds }
        for b in boxes {
            lo = pointwiseMin(lo, SIMD2(b.min.x, b.min.y))
            hi = pointwiseMax(hi, SIMD2(b.max.x, b.max.y))
            top = max(top, b.max.z)
            bottom = min(bottom, b.min.z)
        }
        // at most about a million cells: huge worlds get coarser cells
        var cellSize = max(requested, ((hi.x - lo.x) * (hi.y - lo.y) / 1e6).squareRoot())
        let originX = lo.x - 1e-6, originY = lo.y - 1e-6
        func dimensions(_ size: Double) -> (columns: Int, rows: Int) {
            (max(1, Int(((hi.x - lo.x) / size).rounded(.up)) + 1), max(1, Int(((hi.y - lo.y) / size).rounded(.up)) + 1))
        }
        func cellRange(_ b: (min: Vec3, max: Vec3), _ size: Double, _ columns: Int, _ rows: Int) -> (Int, Int, Int, Int) {
            let c0 = max(0, min(columns - 1, Int(((b.min.x - originX) / size).rounded(.down))))
            let c1 = max(0, min(columns - 1, Int(((b.max.x - originX) / size).rounded(.down))))
            let r0 = max(0, min(rows - 1, Int(((b.min.y - originY) / size).rounded(.down))))
            let r1 = max(0, min(rows - 1, Int(((b.max.y - originY) / size).rounded(.down))))
            return (c0, c1, r0, r1)
        }
        // many obstacles each spanning many cells (an absurd or hostile file) get coarser cells too:
        // the cell lists stay within `maxEntries` (or 4 per obstacle, what 2 x 2 cells need), so
        // memory and build time are bounded and the Int32 offsets cannot overflow
        func entries(_ size: Double) -> Int {
            let (columns, rows) = dimensions(size)
            return boxes.reduce(0) { n, b in
                let (c0, c1, r0, r1) = cellRange(b, size, columns, rows)
                return n + (c1 - c0 + 1) * (r1 - r0 + 1)
            }
        }
        while entries(cellSize) > max(SceneGrid.maxEntries, 4 * boxes.count) { cellSize *= 2 }
        self.originX = originX
        self.originY = originY
        self.cellSize = cellSize
        (columns, rows) = dimensions(cellSize)
        maxTop = top
        minBottom = bottom
        // count, then fill (compressed rows)
        var counts = [Int32](repeating: 0, count: columns * rows + 1)
        let columns = self.columns, rows = self.rows
        let size = cellSize
        func footprint(_ b: (min: Vec3, max: Vec3)) -> (Int, Int, Int, Int) { cellRange(b, size, columns, rows) }
        for b in boxes {
            let (c0, c1, r0, r1) = footprint(b)
            for r in r0...r1 { for c in c0...c1 { counts[r * columns + c] += 1 } }
        }
        var start = [Int32](repeating: 0, count: columns * rows + 1)
        for i in 0..<(columns * rows) { start[i + 1] = start[i] + counts[i] }
        var fill = start
        var list = [Int32](repeating: 0, count: Int(start[columns * rows]))
        for (i, b) in boxes.enumerated() {
            let (c0, c1, r0, r1) = footprint(b)
            for r in r0...r1 {
                for c in c0...c1 {
                    list[Int(fill[r * columns + c])] = Int32(i)
                    fill[r * columns + c] += 1
                }
            }
        }
        cellStart = start
        items = list
    }

    /// Cell column and row containing world (x, y), clamped to the grid.
    @inlinable public func cell(x: Double, y: Double) -> (Int, Int) {
        let c = Int(((x - originX) / cellSize).rounded(.down))
        let r = Int(((y - originY) / cellSize).rounded(.down))
        return (max(0, min(columns - 1, c)), max(0, min(rows - 1, r)))
    }

    /// Walks the cells crossed by the 2D ray `o + t d` for t in [t0, t1] (t in the ray's own
    /// parameter; `d` need not be normalised), in order. `visit(cellIndex, tEnter, tExit)` returns
    /// false to stop.
    @inlinable public func walk(ox: Double, oy: Double, dx: Double, dy: Double, t0: Double, t1: Double,
                                _ visit: (Int, Double, Double) -> Bool) {
        // clip to the grid rectangle
        let minX = originX, minY = originY
        let maxX = originX + Double(columns) * cellSize, maxY = originY + Double(rows) * cellSize
        var tEnter = t0, tExit = t1
        if dx != 0 {
            let a = (minX - ox) / dx, b = (maxX - ox) / dx
            tEnter = max(tEnter, min(a, b)); tExit = min(tExit, max(a, b))
        } else if ox < minX || ox > maxX { return }
        if dy != 0 {
            let a = (minY - oy) / dy, b = (maxY - oy) / dy
            tEnter = max(tEnter, min(a, b)); tExit = min(tExit, max(a, b))
        } else if oy < minY || oy > maxY { return }
        if !(tEnter <= tExit) { return }
        // 2D DDA (Amanatides-Woo)
        var (cx, cy) = cell(x: ox + dx * tEnter, y: oy + dy * tEnter)
        let stepX = dx > 0 ? 1 : -1, stepY = dy > 0 ? 1 : -1
        let invDx = dx != 0 ? 1 / dx : Double.infinity, invDy = dy != 0 ? 1 / dy : Double.infinity
        var tMaxX = dx != 0 ? (originX + Double(cx + (dx > 0 ? 1 : 0)) * cellSize - ox) * invDx : Double.infinity
        var tMaxY = dy != 0 ? (originY + Double(cy + (dy > 0 ? 1 : 0)) * cellSize - oy) * invDy : Double.infinity
        let tDeltaX = cellSize * abs(invDx), tDeltaY = cellSize * abs(invDy)
        var t = tEnter
        while true {
            let next = min(tMaxX, tMaxY, tExit)
            if !visit(cy * columns + cx, t, next) { return }
            if next >= tExit { return }
            t = next
            if tMaxX < tMaxY {
                cx += stepX; tMaxX += tDeltaX
                if cx < 0 || cx >= columns { return }
            } else {
                cy += stepY; tMaxY += tDeltaY
                if cy < 0 || cy >= rows { return }
            }
        }
    }
}
