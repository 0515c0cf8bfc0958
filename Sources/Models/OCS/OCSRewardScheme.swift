/// The risk-sensitive reward of METHODS.md 4 *(authors' code)*: acting right +1, acting wrong
/// -4, abstaining 0. With K action primitives the reward-regression model has K + 1 outputs:
/// one per primitive, then abstain (index K).
public struct OCSRewardScheme: Sendable, Equatable, Codable {
    public var right: Double = 1
    public var wrong: Double = -4
    public var abstain: Double = 0

    public init(right: Double = 1, wrong: Double = -4, abstain: Double = 0) {
        self.right = right
        self.wrong = wrong
        self.abstain = abstain
    }

    /// The reward of one decision: `action` in 0..<K, or `nil` to abstain; `safe[k]` = primitive
    /// k is collision-free.
    @inlinable public func reward(action: Int?, safe: (Int) -> Bool) -> Double {
        guard let a = action else { return abstain }
        return safe(a) ? right : wrong
    }

    /// Regression targets `[count][K + 1]` from collision labels `[count][K]` (1 = primitive k
    /// collides): right/wrong per primitive, abstain last.
    public func targets(collisions: [Float], actions k: Int) -> [Float] {
        precondition(k > 0 && collisions.count % k == 0, "labels must be [count][K]")
        let n = collisions.count / k
        var out = [Float](repeating: 0, count: n * (k + 1))
        for i in 0..<n {
            for a in 0..<k { out[i * (k + 1) + a] = Float(collisions[i * k + a] > 0.5 ? wrong : right) }
            out[i * (k + 1) + k] = Float(abstain)
        }
        return out
    }
}
