@testable import Neural
import Testing

/// OpenBLAS runs single-threaded unless a caller raises it: its products can depend on its
/// thread count, and a count that changed during a process made two runs of one experiment in
/// one process differ (HIntTests' end-to-end test failed that way).
struct BLASThreadTests {
    @Test func openBLASStartsSingleThreaded() {
        BLAS.prepare()
        #expect(BLAS.threads == 1)
    }
}
