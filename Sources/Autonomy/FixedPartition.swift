import Foundation

/// Runs independent work items on up to `threads` threads with a fixed contiguous partition
/// (thread w takes items w*n/T ..< (w+1)*n/T), so each item's result never depends on the
/// thread count. Results come back in item order. Used by the evaluator and the GtS plan
/// diagnostics (one item per episode).
enum FixedPartition {
    static func map<T>(count: Int, threads: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        var slots = [T?](repeating: nil, count: count)
        let workers = max(1, min(threads, count))
        slots.withUnsafeMutableBufferPointer { buf in
            nonisolated(unsafe) let out = buf.baseAddress!
            let work: @Sendable (Int) -> Void = { w in
                for i in (w * count / workers)..<((w + 1) * count / workers) { out[i] = body(i) }
            }
            if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        }
        return slots.map { $0! }
    }
}
