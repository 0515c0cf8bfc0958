import COpenBLAS
import Foundation

/// Thin wrappers over OpenBLAS, row-major.
public enum BLAS {
    /// Sets the number of OpenBLAS threads (results are deterministic for a fixed count).
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
    /// By default (SWIFTLET_BLAS_KERNELS unset or "system") OpenBLAS's own choice stands,
    /// including an OPENBLAS_CORETYPE pinned by the machine's environment: such pins exist
    /// because older OpenBLAS builds compute wrong results or crash with some kernels on some
    /// processors, so Swiftlet never overrides them silently. SWIFTLET_BLAS_KERNELS=auto opts in
    /// to replacing a Haswell/Zen choice by the AVX-512 (SkylakeX) kernels on CPUs that have
    /// AVX-512 (Debian's OpenBLAS 0.3.21 does not know Zen 4; about 2x faster SGEMM there, at
    /// your own risk); any other value is passed as the core type to select.
    static let kernels: String = {
        let name = String(cString: openblas_get_corename())
        let mode = ProcessInfo.processInfo.environment["SWIFTLET_BLAS_KERNELS"] ?? "system"
        let wanted: String
        switch mode.lowercased() {
        case "system", "": return name
        case "auto":
            guard ["haswell", "zen"].contains(name.lowercased()), hasAVX512() else { return name }
            wanted = "SkylakeX"
        default: wanted = mode
        }
        guard wanted.lowercased() != name.lowercased(),
              let quit = symbol("gotoblas_dynamic_quit"), let initialise = symbol("gotoblas_dynamic_init")
        else { return name }
        quit()
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        initialise()
        return String(cString: openblas_get_corename())
    }()

    /// Makes sure the kernel choice has run (a read the optimiser cannot drop).
    @inline(__always) static func prepare() {
        precondition(!kernels.isEmpty, "OpenBLAS reported no core name")
    }

    private static func symbol(_ name: String) -> (@convention(c) () -> Void)? {
        guard let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(p, to: (@convention(c) () -> Void).self)
    }

    private static func hasAVX512() -> Bool {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        let set = Set(flags.split(separator: " ").map(String.init))
        return ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy(set.contains)
    }

    /// C[m,n] = alpha * op(A) * op(B) + beta * C, row-major; op(A) is [m,k], op(B) is [k,n].
    @inline(__always)
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                     _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, beta: Float,
                     _ c: UnsafeMutablePointer<Float>) {
        prepare()
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { c.initialize(repeating: 0, count: m * n) }
            else if beta != 1 { for i in 0..<(m * n) { c[i] *= beta } }
            return
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(transA ? m : k), b, Int32(transB ? k : n),
                    beta, c, Int32(n))
    }
}
