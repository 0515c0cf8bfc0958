import CNeuralKernels
import COpenBLAS
import Foundation

/// Matrix products, row-major: Swiftlet's own AVX-512 SGEMM where the CPU has it and the shape
/// suits it, OpenBLAS otherwise.
public enum BLAS {
    /// Sets the number of OpenBLAS threads (results are deterministic for a fixed count).
    ///
    /// OpenBLAS starts single-threaded in every Swiftlet process (`prepare`): its results for
    /// a product can depend on its thread count, and a process-wide count that starts at the
    /// core count and drops to 1 when the first batched evaluator runs made results depend on
    /// what ran first in the process (two runs of one experiment in one process differed).
    /// Swiftlet's own parallelism (fixed partitions, the own SGEMM's splits) does not change
    /// bits. Raise it only around a measured section and set it back (the benches do).
    public static func setThreads(_ n: Int) {
        prepare()
        openblas_set_num_threads(Int32(n))
    }

    /// The number of threads OpenBLAS currently uses.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// OpenBLAS's kernel family in use ("SkylakeX", "Haswell", ...).
    public static var coreName: String {
        kernels
    }

    /// One-time kernel choice, before the module's first BLAS call.
    ///
    /// SWIFTLET_BLAS_KERNELS (`KernelMode`): unset or "default" keeps OpenBLAS's own choice,
    /// including an OPENBLAS_CORETYPE pinned by the machine's environment (such pins exist
    /// because older OpenBLAS builds compute wrong results or crash with some kernels on some
    /// processors, so Swiftlet never overrides them), with one exception: with no pin, a
    /// pre-AVX2 fallback (`Prescott` and the like, what OpenBLAS picks on a CPU model newer than
    /// itself) on a CPU with AVX-512 or AVX2+FMA is replaced by the family it has the
    /// instructions for (`SkylakeX`, `Haswell`). Debian's OpenBLAS 0.3.21 calls the Intel Xeon of
    /// CPUID family 6 model 207 "Prescott": SSE3 kernels, no FMA. "system" keeps OpenBLAS's
    /// choice whatever it is; "auto" also replaces a Haswell/Zen choice by SkylakeX on CPUs with
    /// AVX-512 (Debian's OpenBLAS does not know Zen 4/5; about 2x faster SGEMM there, at your own
    /// risk); any other value is passed as the core type to select.
    static let kernels: String = {
        openblas_set_num_threads(1)
        let name = String(cString: openblas_get_corename())
        let env = ProcessInfo.processInfo.environment
        guard let wanted = kernelChoice(mode: env["SWIFTLET_BLAS_KERNELS"] ?? "", openBLAS: name,
                                        pinned: env["OPENBLAS_CORETYPE"] != nil, cpu: CPUVectorLevel.current),
              wanted.lowercased() != name.lowercased(),
              let quit = symbol("gotoblas_dynamic_quit"), let initialise = symbol("gotoblas_dynamic_init")
        else { return name }
        quit()
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        initialise()
        openblas_set_num_threads(1)
        return String(cString: openblas_get_corename())
    }()

    /// The widest vector instructions this CPU (and OS) offers OpenBLAS's kernel families.
    enum CPUVectorLevel: Comparable, Sendable {
        case older, avx2fma, avx512

        static let current: CPUVectorLevel = {
            guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
                  let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return .older }
            let set = Set(flags.split(separator: " ").map(String.init))
            if ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy(set.contains) { return .avx512 }
            return ["avx2", "fma"].allSatisfy(set.contains) ? .avx2fma : .older
        }()

        /// OpenBLAS's kernel family for this level.
        var family: String? {
            switch self {
            case .avx512: "SkylakeX"
            case .avx2fma: "Haswell"
            case .older: nil
            }
        }
    }

    /// OpenBLAS's generic fallbacks that use neither AVX2 nor FMA (lowercased core names).
    static let preAVX2Families: Set<String> = ["katmai", "coppermine", "northwood", "prescott", "banias", "core2", "penryn",
                                                "dunnington", "nehalem", "atom", "sandybridge", "opteron", "opteron_sse3",
                                                "barcelona", "bobcat", "bulldozer", "unknown"]

    /// The core type to select instead of OpenBLAS's choice `openBLAS`, or nil to keep it
    /// (`kernels` explains the modes). `pinned`: OPENBLAS_CORETYPE is set in the environment.
    static func kernelChoice(mode: String, openBLAS name: String, pinned: Bool, cpu: CPUVectorLevel) -> String? {
        let current = name.lowercased()
        switch mode.lowercased() {
        case "", "default":
            guard !pinned, preAVX2Families.contains(current) else { return nil }
            return cpu.family
        case "system":
            return nil
        case "auto":
            if ["haswell", "zen"].contains(current) { return cpu == .avx512 ? "SkylakeX" : nil }
            return pinned || !preAVX2Families.contains(current) ? nil : cpu.family
        default:
            return mode
        }
    }

    /// Makes sure the one-time setup (kernel choice, single-threaded OpenBLAS) has run; call it
    /// before calling OpenBLAS directly (a read the optimiser cannot drop).
    @inline(__always) public static func prepare() {
        precondition(!kernels.isEmpty, "OpenBLAS reported no core name")
    }

    private static func symbol(_ name: String) -> (@convention(c) () -> Void)? {
        guard let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(p, to: (@convention(c) () -> Void).self)
    }

    /// Which SGEMM the engine uses: "swiftlet-avx512" (its own kernel, Sources/CNeuralKernels) or
    /// "openblas". The own kernel is the default on CPUs with AVX-512F; SWIFTLET_GEMM=blas keeps
    /// every product on OpenBLAS. Either way the choice is fixed per process, and per shape (see
    /// `useOwn`), so results are deterministic for a fixed seed and thread count.
    public static var gemmName: String { own ? "swiftlet-avx512" : "openblas" }

    static let own: Bool = {
        let mode = ProcessInfo.processInfo.environment["SWIFTLET_GEMM"]?.lowercased() ?? "auto"
        return mode != "blas" && mode != "openblas" && ownAvailable
    }()

    /// The own kernel computes full 12x32 tiles: it wins over OpenBLAS's Haswell kernels from
    /// about 64 rows and 16 columns up (measured 1.1-1.9x on the reference model's shapes) and
    /// loses on thin products (the first convolution's 9-column weight gradient, 32-row panels).
    @inline(__always) static func useOwn(m: Int, n: Int) -> Bool { own && m >= 64 && n >= 16 }

    /// C[m,n] = alpha * op(A) * op(B) + beta * C, row-major; op(A) is [m,k], op(B) is [k,n].
    @inline(__always)
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                     _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, beta: Float,
                     _ c: UnsafeMutablePointer<Float>) {
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a, lda: transA ? m : k,
             b, ldb: transB ? k : n, beta: beta, c, ldc: n)
    }

    /// The same with explicit row strides (leading dimensions), for blocks of larger matrices.
    /// `preferOwn`: use the own kernel whenever it is enabled, whatever the shape (for thin
    /// products the caller has arranged to suit it).
    @inline(__always)
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                     _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, beta: Float,
                     _ c: UnsafeMutablePointer<Float>, ldc: Int, preferOwn: Bool = false) {
        prepare()
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0..<m {
                let row = c + i * ldc
                if beta == 0 { row.update(repeating: 0, count: n) } else if beta != 1 { for j in 0..<n { row[j] *= beta } }
            }
            return
        }
        if preferOwn ? own : useOwn(m: m, n: n),
           ownGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc) {
            return
        }
        blasGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
    }

    /// `gemm` with explicit leading dimensions for callers outside the engine (the GtS batch
    /// evaluator): the own kernel where it wins (`useOwn`), OpenBLAS otherwise; SWIFTLET_GEMM=blas
    /// keeps everything on OpenBLAS, as for the engine.
    public static func product(transB: Bool = false, m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int,
                               _ b: UnsafePointer<Float>, ldb: Int, beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        gemm(transA: false, transB: transB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
    }

    /// Whether this CPU (and OS) can run the own AVX-512 kernel.
    static var ownAvailable: Bool { swl_sgemm_available() == 1 }

    /// The own kernel for any shape (m, n, k > 0); false if its packing buffers could not be
    /// allocated. Only call when `ownAvailable`.
    @inline(__always)
    static func ownGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, beta: Float,
                        _ c: UnsafeMutablePointer<Float>, ldc: Int) -> Bool {
        swl_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                  beta, c, Int32(ldc)) == 0
    }

    /// OpenBLAS's cblas_sgemm, row-major.
    @inline(__always)
    static func blasGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                         _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, beta: Float,
                         _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        prepare()
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
