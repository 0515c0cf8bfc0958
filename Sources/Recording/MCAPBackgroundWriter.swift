import Dispatch
import Foundation

/// Runs an `MCAPChunkSink` on its own serial queue: the recording thread hands over a finished
/// chunk and goes on filling the next one while this queue CRCs, compresses and writes it.
///
/// - Order: one serial queue, jobs in submission order, so the bytes are those of the
///   synchronous path whatever the scheduling.
/// - Back-pressure: at most `capacity` chunks are handed over and not yet written; `submit`
///   waits for a free slot. Chunk buffers come back through a free list, so steady state
///   allocates nothing.
/// - Errors: the first failure is kept; later jobs are skipped, and `submit` and `drain` throw it
///   (so it surfaces at the writer's next chunk or at `close()`). Every job releases its slot,
///   failed or not, so `drain` never hangs.
final class MCAPBackgroundWriter: @unchecked Sendable {
    let sink: MCAPChunkSink
    let capacity: Int
    private let queue = DispatchQueue(label: "swiftlet.mcap.writer")
    private let condition = NSCondition()
    // guarded by `condition`
    private var inFlight = 0
    private var failure: Error? = nil
    private var free: [ByteBuffer] = []

    init(sink: MCAPChunkSink, capacity: Int = 1) {
        precondition(capacity >= 1, "a background writer needs room for one chunk")
        self.sink = sink
        self.capacity = capacity
    }

    /// An empty chunk buffer: a written one when available, else a new one reserving `bytes`.
    func takeBuffer(reserving bytes: Int) -> ByteBuffer {
        condition.lock()
        defer { condition.unlock() }
        if var b = free.popLast() {
            b.removeAll()
            return b
        }
        return ByteBuffer(capacity: bytes)
    }

    /// Queues `job`, waiting while `capacity` chunks are still unwritten; throws the first
    /// earlier failure instead of queueing.
    func submit(_ job: MCAPChunkJob) throws {
        condition.lock()
        while inFlight >= capacity, failure == nil { condition.wait() }
        if let failure {
            condition.unlock()
            throw failure
        }
        inFlight += 1
        condition.unlock()
        queue.async { [self] in
            condition.lock()
            let skip = failure != nil
            condition.unlock()
            var error: Error? = nil
            if !skip {
                do { try sink.writeChunk(job) } catch let e { error = e }
            }
            condition.lock()
            if failure == nil, let error { failure = error }
            free.append(job.records)
            inFlight -= 1
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Queues the file's `fsync` and close after the chunks already queued, so `close()` returns
    /// without waiting for the disk (the bytes are written; the sync only guards power loss).
    func closeFileLater() {
        condition.lock()
        inFlight += 1
        condition.unlock()
        queue.async { [self] in
            sink.closeFile(sync: true)
            condition.lock()
            inFlight -= 1
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Waits until every queued chunk is written (or skipped); throws the first failure.
    func drain() throws {
        condition.lock()
        while inFlight > 0 { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }

    /// Waits until the queue is idle, ignoring failures (for reading the sink's state).
    func settle() {
        condition.lock()
        while inFlight > 0 { condition.wait() }
        condition.unlock()
    }
}
