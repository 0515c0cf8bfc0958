import Foundation
import Dispatch
import Geometry

/// Quadrotors sharing one model that step together and interact: downwash from vehicles above
/// (`.downwash` in the model's effects, `DownwashModel`) and contact between their collision
/// cylinders (both vehicles flagged crashed, like an obstacle hit).
///
/// Each step first computes every vehicle's downwash force and contact flag from the states at the
/// start of the step (`updateInteractions`), then steps every vehicle with its force held over the
/// step (`advance`). Both passes run over fixed contiguous partitions and each vehicle's sum runs
/// in an order fixed by the positions (`HorizontalGrid`, cells at least the downwash range wide),
/// so results are bit-identical whatever the worker count. A lone vehicle, or vehicles that never
/// come within range, step bit-identically to `QuadrotorBatch`.
///
/// Contact: collision cylinders (robot file, centred at `position + q.rotate(collisionOrigin)`)
/// are treated as upright; two overlap when their centres are closer than `2 radius` horizontally
/// and `length` vertically. Crashed vehicles neither exert nor feel downwash but still count as
/// obstacles for contact.
public struct QuadrotorSwarm: Sendable {
    public let model: QuadrotorModel
    /// The vehicles' states; run controllers on them between steps.
    public var states: [QuadrotorState]
    /// Whether touching vehicles are flagged crashed (default true).
    public var contacts: Bool
    /// Downwash force on each vehicle from the last `updateInteractions`, N along `-z_B` (>= 0).
    public private(set) var downwashForce: [Double]
    /// Vehicles whose collision cylinder touched another's at the last `updateInteractions`.
    public private(set) var touching: [Bool]
    /// Number of contact events (vehicles newly flagged crashed by touching another) so far.
    public private(set) var contactCount: Int = 0

    // per-step snapshot and neighbour grid, reused
    private var grid = HorizontalGrid()

    /// Collision cylinder radius and length, m, and the grid cell size, m.
    private let contactRadius: Double
    private let contactLength: Double
    private let cellSize: Double

    public init(model: QuadrotorModel, states: [QuadrotorState], contacts: Bool = true) {
        self.model = model
        self.states = states
        self.contacts = contacts
        downwashForce = [Double](repeating: 0, count: states.count)
        touching = [Bool](repeating: false, count: states.count)
        switch model.robot.collision {
        case .cylinder(let r, let l):
            contactRadius = r
            contactLength = l
        case .box(let s):
            contactRadius = 0.5 * max(s.x, s.y)
            contactLength = s.z
        }
        let reach = 2 * (contactRadius + model.robot.collisionOrigin.length) + 1e-9
        cellSize = max(model.downwashActive ? model.downwash.range : 0, reach, 1e-3)
    }

    /// Number of vehicles.
    public var count: Int { states.count }

    /// Advances every vehicle by `steps` steps under held rotor commands `commands[i]` (RPM),
    /// interactions recomputed at the start of each step. `workers` defaults to the core count.
    public mutating func step(commands: [SIMD4<Double>], steps: Int = 1, workers: Int? = nil) {
        for _ in 0..<max(0, steps) {
            updateInteractions(workers: workers)
            advance(commands: commands, workers: workers)
        }
    }

    /// Computes `downwashForce` and `touching` from the current states and flags touching
    /// vehicles crashed. Does nothing (all zero) when downwash is off and contacts are off.
    public mutating func updateInteractions(workers: Int? = nil) {
        let n = states.count
        if downwashForce.count != n {
            downwashForce = [Double](repeating: 0, count: n)
            touching = [Bool](repeating: false, count: n)
        }
        guard n > 1, model.downwashActive || contacts else {
            for i in 0..<n { downwashForce[i] = 0; touching[i] = false }
            return
        }
        snapshot()
        grid.build(cellSize: cellSize)
        let w = QuadrotorSwarm.partitions(n, workers)
        let dw = model.downwash, dwOn = model.downwashActive, touchOn = contacts
        let r2 = 4 * contactRadius * contactRadius, len = contactLength
        let g = grid
        g.start.withUnsafeBufferPointer { gsb in
        g.sorted.withUnsafeBufferPointer { sortedb in
        g.bodies.withUnsafeBufferPointer { bb in
        downwashForce.withUnsafeMutableBufferPointer { fb in
        touching.withUnsafeMutableBufferPointer { tb in
            nonisolated(unsafe) let force = fb.baseAddress!, touch = tb.baseAddress!
            nonisolated(unsafe) let gs = gsb.baseAddress!, sorted = sortedb.baseAddress!, body = bb.baseAddress!
            DispatchQueue.concurrentPerform(iterations: w) { part in
                for i in part * n / w ..< (part + 1) * n / w {
                    // neighbours in the 3x3 cells around i, in a position-fixed order
                    var f = 0.0, hit = false
                    let me = body[i]
                    let feels = dwOn && me.active
                    for dxc in -1...1 {
                        for dyc in -1...1 {
                            let qx = me.cellX + dxc, qy = me.cellY + dyc
                            let b = g.bucket(qx, qy)
                            for k in gs[b]..<gs[b + 1] {
                                let other = sorted[k]
                                guard other.cellX == qx, other.cellY == qy, other.index != i else { continue }
                                if feels && other.active {
                                    let dx = other.x - me.x, dy = other.y - me.y
                                    f += dw.force(deltaZ: other.z - me.z, distanceSquared: dx * dx + dy * dy)
                                }
                                if touchOn {
                                    let ex = other.cx - me.cx, ey = other.cy - me.cy
                                    if ex * ex + ey * ey < r2 && abs(other.cz - me.cz) < len { hit = true }
                                }
                            }
                        }
                    }
                    force[i] = f
                    touch[i] = hit
                }
            }
        }}}}}
        for i in 0..<n where touching[i] && !states[i].crashed {
            states[i].flagCrash()
            contactCount += 1
        }
    }

    /// Steps every vehicle once under `commands[i]` (RPM) with its `downwashForce[i]` (call
    /// `updateInteractions` first; `step` does both).
    public mutating func advance(commands: [SIMD4<Double>], workers: Int? = nil) {
        precondition(commands.count == states.count, "one command per vehicle")
        let n = states.count
        guard n > 0 else { return }
        // vehicles added since the last updateInteractions feel no force yet
        if downwashForce.count != n {
            downwashForce = [Double](repeating: 0, count: n)
            touching = [Bool](repeating: false, count: n)
        }
        let w = QuadrotorSwarm.partitions(n, workers)
        let model = self.model
        commands.withUnsafeBufferPointer { cmd in
            downwashForce.withUnsafeBufferPointer { fb in
                states.withUnsafeMutableBufferPointer { sb in
                    nonisolated(unsafe) let s = sb.baseAddress!
                    nonisolated(unsafe) let c = cmd.baseAddress!, f = fb.baseAddress!
                    DispatchQueue.concurrentPerform(iterations: w) { part in
                        for i in part * n / w ..< (part + 1) * n / w {
                            QuadrotorDynamics.step(model, &s[i], c[i], downwash: f[i])
                        }
                    }
                }
            }
        }
    }

    /// Copies positions and collision centres into the grid's snapshot.
    private mutating func snapshot() {
        let n = states.count
        if grid.bodies.count != n { grid.bodies = [SwarmBody](repeating: SwarmBody(), count: n) }
        let origin = model.robot.collisionOrigin
        for i in 0..<n {
            let s = states[i]
            let p = s.position
            let c = origin == .zero ? p : p + s.attitude.rotate(origin)
            grid.bodies[i] = SwarmBody(x: p.x, y: p.y, z: p.z, cx: c.x, cy: c.y, cz: c.z, index: i, active: !s.crashed)
        }
    }

    /// Worker count for `n` vehicles: at most one per 64 vehicles, since each step dispatches
    /// twice and a dispatch costs more than stepping a few dozen vehicles (results do not depend
    /// on it).
    static func partitions(_ n: Int, _ workers: Int?) -> Int {
        max(1, min(workers ?? ProcessInfo.processInfo.activeProcessorCount, n / 64))
    }
}

/// One vehicle in the swarm's per-step snapshot: position (m), collision-cylinder centre (m),
/// grid cell, index in the swarm, and whether it is flying (not crashed).
struct SwarmBody: Sendable {
    var x = 0.0, y = 0.0, z = 0.0
    var cx = 0.0, cy = 0.0, cz = 0.0
    var cellX = 0, cellY = 0
    var index = 0
    var active = false
}
