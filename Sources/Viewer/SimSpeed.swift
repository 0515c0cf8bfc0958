/// The simulation time factor (simulated seconds per wall second), changed with [ and ].
public struct SimSpeed: Sendable, Equatable {
    /// Factors reachable with `slower()` / `faster()`.
    public static let ladder: [Double] = [0.125, 0.25, 0.5, 1, 2, 4, 8]
    public private(set) var index: Int

    public init(factor: Double = 1) {
        index = SimSpeed.ladder.enumerated().min { abs($0.element - factor) < abs($1.element - factor) }!.offset
    }

    public var factor: Double { SimSpeed.ladder[index] }
    public mutating func slower() { index = max(index - 1, 0) }
    public mutating func faster() { index = min(index + 1, SimSpeed.ladder.count - 1) }
}
