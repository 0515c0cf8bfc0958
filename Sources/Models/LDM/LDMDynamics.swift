/// Batched dynamics s' = f(s, a) for the learned LDM, in Float32 (the planner's precision):
/// `states` `[count, S]` and `actions` `[count, A]` row-major in, `next` `[count, S]` out.
/// Must be deterministic; it may be a learned model (a network's batched forward pass) or an
/// analytic one. Called from one thread at a time by the LDM code.
public typealias LDMDynamics = @Sendable (_ states: UnsafeBufferPointer<Float>, _ actions: UnsafeBufferPointer<Float>,
                                          _ count: Int, _ next: UnsafeMutableBufferPointer<Float>) -> Void
