// Swiftlet's own SGEMM: BLIS-style blocking (KC x NC panels of B, MC x KC blocks of A) around a
// 12x32 AVX-512 register-blocked microkernel. Operands whose layout already suits the
// microkernel are read in place instead of packed (see swl_sgemm). Compiled for the baseline
// target; only the functions marked target("avx512f") use AVX-512, and Swift calls them only
// after swl_sgemm_available() has confirmed the CPU and OS support it.
#include "neural_gemm.h"

#include <cpuid.h>
#include <immintrin.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

enum {
    MR = 12,    // rows of C per microkernel tile (24 of the 32 zmm registers hold the tile)
    NR = 32,    // columns of C per tile (two zmm vectors)
    KC = 256,   // depth of one packed block: a 32 KB B micro-panel stays in L1
    MC = 96,    // rows of A per packed block (96 KB, in L2)
    NC = 1024,  // columns of B per packed block (1 MB, in L2/L3)
    DIRECT_B_MAX = 1024,   // widest B row stride (floats) read in place rather than packed
};

static int detect_avx512(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    // OSXSAVE, then the OS must save the opmask, ZMM-high and high-ZMM states (XCR0 bits 5-7)
    // besides SSE and AVX (bits 1-2)
    if (!(c & (1u << 27))) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xE6) != 0xE6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & (1u << 16)) ? 1 : 0;   // AVX512F
}

int swl_sgemm_available(void) {
    // detected once; threads racing here all store the same value (atomically)
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        v = detect_avx512();
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}

// MARK: per-thread packing buffers, freed when the thread exits

typedef struct {
    float *a, *b;
    const float **tab;   // row pointers of swl_conv_weight_grad, grown on demand
    size_t tabcap;
} workspace;

static pthread_key_t ws_key;
static pthread_once_t ws_once = PTHREAD_ONCE_INIT;

static void ws_free(void *p) {
    workspace *w = p;
    free(w->a);
    free(w->b);
    free(w->tab);
    free(w);
}

static void ws_init(void) { pthread_key_create(&ws_key, ws_free); }

static workspace *ws_get(void) {
    pthread_once(&ws_once, ws_init);
    workspace *w = pthread_getspecific(ws_key);
    if (w) return w;
    w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->a = aligned_alloc(64, sizeof(float) * MC * KC);
    w->b = aligned_alloc(64, sizeof(float) * KC * NC);
    if (!w->a || !w->b || pthread_setspecific(ws_key, w) != 0) {
        ws_free(w);
        return NULL;
    }
    return w;
}

// MARK: packing

static inline __mmask16 lanes(int count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

/// Packs op(A)[i0 ..< i0+mc, p0 ..< p0+kc] into MR-row panels: panel q holds, for each p, the
/// MR values of rows q*MR ..< q*MR+MR (zeros past mc).
static void pack_a(int transA, const float *a, int lda, int i0, int mc, int p0, int kc, float *dst) {
    for (int ip = 0; ip < mc; ip += MR) {
        int mr = mc - ip < MR ? mc - ip : MR;
        float *d = dst + (size_t)ip * kc;
        if (transA) {
            for (int p = 0; p < kc; p++) {
                const float *s = a + (size_t)(p0 + p) * lda + i0 + ip;
                int r = 0;
                for (; r < mr; r++) d[p * MR + r] = s[r];
                for (; r < MR; r++) d[p * MR + r] = 0;
            }
        } else {
            int r = 0;
            for (; r < mr; r++) {
                const float *s = a + (size_t)(i0 + ip + r) * lda + p0;
                for (int p = 0; p < kc; p++) d[p * MR + r] = s[p];
            }
            for (; r < MR; r++)
                for (int p = 0; p < kc; p++) d[p * MR + r] = 0;
        }
    }
}

/// Packs op(B)[p0 ..< p0+kc, j0 ..< j0+nc] into NR-column panels: panel q holds, for each p,
/// the NR values of columns q*NR ..< q*NR+NR (zeros past nc).
__attribute__((target("avx512f")))
static void pack_b(int transB, const float *b, int ldb, int p0, int kc, int j0, int nc, float *dst) {
    for (int jp = 0; jp < nc; jp += NR) {
        int nr = nc - jp < NR ? nc - jp : NR;
        __mmask16 m0 = lanes(nr), m1 = lanes(nr - 16);
        float *d = dst + (size_t)jp * kc;
        if (!transB) {
            for (int p = 0; p < kc; p++) {
                const float *s = b + (size_t)(p0 + p) * ldb + j0 + jp;
                _mm512_storeu_ps(d + p * NR, _mm512_maskz_loadu_ps(m0, s));
                _mm512_storeu_ps(d + p * NR + 16, _mm512_maskz_loadu_ps(m1, s + 16));
            }
        } else {
            // column j of the panel is stored row j0+jp+j of B: gather 16 rows at a time
            __m512i idx = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                             _mm512_set1_epi32(ldb));
            const float *s0 = b + (size_t)(j0 + jp) * ldb + p0;
            const float *s1 = nr > 16 ? s0 + (size_t)16 * ldb : s0;
            for (int p = 0; p < kc; p++) {
                _mm512_storeu_ps(d + p * NR, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m0, idx, s0 + p, 4));
                _mm512_storeu_ps(d + p * NR + 16, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m1, idx, s1 + p, 4));
            }
        }
    }
}

// MARK: microkernel

/// C[0 ..< mr, 0 ..< nr] = alpha * (A panel x B panel) + beta * C over depth kc. Element (r, p)
/// of the A panel is a[r * ars + p * acs]; row p of the B panel is the 32 floats at b + p * bs
/// (masked to nr columns: a B panel read in place may end at the matrix edge). The full 12x32
/// tile is always computed; only mr x nr is stored, and C is read only when beta != 0.
__attribute__((target("avx512f"), always_inline))
static inline void kernel_body(int kc, const float *restrict a, size_t ars, size_t acs, const float *restrict b, size_t bs,
                               const float *const *btab, float *c, int ldc, int mr, int nr, float alpha, float beta) {
    __m512 c0a = _mm512_setzero_ps(), c0b = c0a, c1a = c0a, c1b = c0a, c2a = c0a, c2b = c0a,
           c3a = c0a, c3b = c0a, c4a = c0a, c4b = c0a, c5a = c0a, c5b = c0a, c6a = c0a, c6b = c0a,
           c7a = c0a, c7b = c0a, c8a = c0a, c8b = c0a, c9a = c0a, c9b = c0a, cAa = c0a, cAb = c0a,
           cBa = c0a, cBb = c0a;
    __mmask16 m0 = lanes(nr), m1 = lanes(nr - 16);
    for (int p = 0; p < kc; p++) {
        // row p of the B panel: at b + p * bs, or (with a table) at btab[p] + b's offset
        const float *bb = btab ? btab[p] + (size_t)b : b;
        __m512 b0 = _mm512_maskz_loadu_ps(m0, bb), b1 = _mm512_maskz_loadu_ps(m1, bb + 16), x;
#define ROW(i, ca, cb) \
    x = _mm512_set1_ps(a[i * ars]); ca = _mm512_fmadd_ps(x, b0, ca); cb = _mm512_fmadd_ps(x, b1, cb);
        ROW(0, c0a, c0b) ROW(1, c1a, c1b) ROW(2, c2a, c2b) ROW(3, c3a, c3b)
        ROW(4, c4a, c4b) ROW(5, c5a, c5b) ROW(6, c6a, c6b) ROW(7, c7a, c7b)
        ROW(8, c8a, c8b) ROW(9, c9a, c9b) ROW(10, cAa, cAb) ROW(11, cBa, cBb)
#undef ROW
        a += acs;
        if (!btab) b += bs;
    }
    __m512 acc[MR][2] = {{c0a, c0b}, {c1a, c1b}, {c2a, c2b}, {c3a, c3b}, {c4a, c4b}, {c5a, c5b},
                         {c6a, c6b}, {c7a, c7b}, {c8a, c8b}, {c9a, c9b}, {cAa, cAb}, {cBa, cBb}};
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (int r = 0; r < mr; r++) {
        float *row = c + (size_t)r * ldc;
        __m512 x0 = acc[r][0], x1 = acc[r][1];
        if (alpha != 1) {
            x0 = _mm512_mul_ps(x0, va);
            x1 = _mm512_mul_ps(x1, va);
        }
        if (beta == 1) {
            x0 = _mm512_add_ps(x0, _mm512_maskz_loadu_ps(m0, row));
            x1 = _mm512_add_ps(x1, _mm512_maskz_loadu_ps(m1, row + 16));
        } else if (beta != 0) {
            x0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, row), x0);
            x1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, row + 16), x1);
        }
        _mm512_mask_storeu_ps(row, m0, x0);
        _mm512_mask_storeu_ps(row + 16, m1, x1);
    }
}

/// A packed (k-major MR-row panel).
__attribute__((target("avx512f")))
static void kernel_packed(int kc, const float *a, const float *b, size_t bs, float *c, int ldc, int mr, int nr,
                          float alpha, float beta) {
    kernel_body(kc, a, 1, MR, b, bs, NULL, c, ldc, mr, nr, alpha, beta);
}

/// A read in place: MR full rows lda apart.
__attribute__((target("avx512f")))
static void kernel_rows(int kc, const float *a, size_t lda, const float *b, size_t bs, float *c, int ldc, int mr, int nr,
                        float alpha, float beta) {
    kernel_body(kc, a, lda, 1, b, bs, NULL, c, ldc, mr, nr, alpha, beta);
}

/// A packed; row p of the B panel at btab[p] + boff (boff in floats).
__attribute__((target("avx512f")))
static void kernel_table(int kc, const float *a, const float *const *btab, size_t boff, float *c, int ldc, int mr, int nr,
                         float alpha, float beta) {
    kernel_body(kc, a, 1, MR, (const float *)boff, 0, btab, c, ldc, mr, nr, alpha, beta);
}

// MARK: driver

int swl_sgemm(int transA, int transB, int m, int n, int k, float alpha,
              const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    if (m <= 0 || n <= 0) return 0;
    workspace *w = ws_get();
    if (!w) return -1;
    if (k <= 0) {
        // no products: C = beta * C
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) c[(size_t)i * ldc + j] = beta == 0 ? 0 : beta * c[(size_t)i * ldc + j];
        return 0;
    }
    // operands read in place when their layout already suits the microkernel: rows of a
    // non-transposed A (MR streams, each contiguous in k), rows of a non-transposed B (32
    // contiguous floats per k); packing then only pays off for wide rows spread over many pages
    int directA = !transA, directB = !transB && ldb <= DIRECT_B_MAX;
    for (int jc = 0; jc < n; jc += NC) {
        int nc = n - jc < NC ? n - jc : NC;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = k - pc < KC ? k - pc : KC;
            float bet = pc == 0 ? beta : 1;   // later depth blocks add to the first's result
            if (!directB) pack_b(transB, b, ldb, pc, kc, jc, nc, w->b);
            for (int ic = 0; ic < m; ic += MC) {
                int mc = m - ic < MC ? m - ic : MC;
                int full = directA ? mc / MR * MR : 0;   // whole MR-row panels read in place
                if (full < mc) pack_a(transA, a, lda, ic + full, mc - full, pc, kc, w->a);
                for (int jr = 0; jr < nc; jr += NR) {
                    int nr = nc - jr < NR ? nc - jr : NR;
                    const float *bp = directB ? b + (size_t)pc * ldb + jc + jr : w->b + (size_t)jr * kc;
                    size_t bs = directB ? (size_t)ldb : NR;
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = mc - ir < MR ? mc - ir : MR;
                        float *cp = c + (size_t)(ic + ir) * ldc + jc + jr;
                        if (ir < full)
                            kernel_rows(kc, a + (size_t)(ic + ir) * lda + pc, (size_t)lda, bp, bs, cp, ldc, mr, nr, alpha, bet);
                        else
                            kernel_packed(kc, w->a + (size_t)(ir - full) * kc, bp, bs, cp, ldc, mr, nr, alpha, bet);
                    }
                }
            }
        }
    }
    return 0;
}

// MARK: convolution weight gradient without im2col

static const float zeros[4096];

/// Fills the per-thread table: tab[tap * rows + p] = where output pixel p's tap starts in x (its
/// c channels), or zeros for taps in the padding. Returns NULL if it could not be allocated.
static const float **conv_table(workspace *ws, const float *x, int n, int h, int w, int c, int kh, int kw, int stride,
                                int pad, int ho, int wo) {
    int rows = n * ho * wo;
    size_t need = (size_t)kh * kw * rows;
    if (ws->tabcap < need) {
        const float **t = realloc(ws->tab, need * sizeof *t);
        if (!t) return NULL;
        ws->tab = t;
        ws->tabcap = need;
    }
    const float **tab = ws->tab;
    for (int s = 0, p = 0; s < n; s++)
        for (int oh = 0; oh < ho; oh++)
            for (int ow = 0; ow < wo; ow++, p++)
                for (int r = 0; r < kh; r++)
                    for (int q = 0; q < kw; q++) {
                        int ih = oh * stride - pad + r, iw = ow * stride - pad + q;
                        tab[(size_t)(r * kw + q) * rows + p] =
                            ih < 0 || ih >= h || iw < 0 || iw >= w ? zeros : x + (((size_t)s * h + ih) * w + iw) * c;
                    }
    return tab;
}

int swl_conv_weight_grad(const float *dy, int cout, const float *x, int n, int h, int w, int c, int kh, int kw,
                         int stride, int pad, float *gw) {
    if (c % NR != 0 || c > 4096 || cout <= 0 || n <= 0) return -1;
    int ho = (h + 2 * pad - kh) / stride + 1, wo = (w + 2 * pad - kw) / stride + 1;
    int rows = n * ho * wo, K = kh * kw * c;
    workspace *ws = ws_get();
    if (!ws) return -1;
    const float **tab = conv_table(ws, x, n, h, w, c, kh, kw, stride, pad, ho, wo);
    if (!tab) return -1;
    // the blocking of swl_sgemm(1, 0, cout, K, rows, 1, dy, cout, cols, K, 1, gw, K) with the
    // columns' rows read through the table: the same values summed in the same order
    for (int pc = 0; pc < rows; pc += KC) {
        int kc = rows - pc < KC ? rows - pc : KC;
        for (int ic = 0; ic < cout; ic += MC) {
            int mc = cout - ic < MC ? cout - ic : MC;
            pack_a(1, dy, cout, ic, mc, pc, kc, ws->a);
            for (int jr = 0; jr < K; jr += NR) {
                const float *const *bt = tab + (size_t)(jr / c) * rows + pc;
                for (int ir = 0; ir < mc; ir += MR) {
                    int mr = mc - ir < MR ? mc - ir : MR;
                    kernel_table(kc, ws->a + (size_t)ir * kc, bt, (size_t)(jr % c), gw + (size_t)(ic + ir) * K + jr, K, mr, NR,
                                 1, 1);
                }
            }
        }
    }
    return 0;
}

/// C[0 ..< mr, 0 ..< nr] = A x (packed B panel) over depth kc, where row r of A over this block is
/// the concatenation of the taps t0 ..< t0 + kc/c of output pixel i0 + r, each c floats at
/// tab[t * rows + i0 + r]. Rows past mr repeat the last row (computed, never stored). beta 0.
__attribute__((target("avx512f")))
static void kernel_conv_rows(int kc, const float *const *tab, size_t rows, int i0, int t0, int c, const float *restrict b,
                             float *cp, int ldc, int mr, int nr) {
    __m512 c0a = _mm512_setzero_ps(), c0b = c0a, c1a = c0a, c1b = c0a, c2a = c0a, c2b = c0a,
           c3a = c0a, c3b = c0a, c4a = c0a, c4b = c0a, c5a = c0a, c5b = c0a, c6a = c0a, c6b = c0a,
           c7a = c0a, c7b = c0a, c8a = c0a, c8b = c0a, c9a = c0a, c9b = c0a, cAa = c0a, cAb = c0a,
           cBa = c0a, cBb = c0a;
    __mmask16 m0 = lanes(nr), m1 = lanes(nr - 16);
    for (int t = t0; t < t0 + kc / c; t++) {
        const float *const *row = tab + (size_t)t * rows + i0;
        const float *a0 = row[0], *a1 = row[1 < mr ? 1 : mr - 1], *a2 = row[2 < mr ? 2 : mr - 1],
                    *a3 = row[3 < mr ? 3 : mr - 1], *a4 = row[4 < mr ? 4 : mr - 1], *a5 = row[5 < mr ? 5 : mr - 1],
                    *a6 = row[6 < mr ? 6 : mr - 1], *a7 = row[7 < mr ? 7 : mr - 1], *a8 = row[8 < mr ? 8 : mr - 1],
                    *a9 = row[9 < mr ? 9 : mr - 1], *aA = row[10 < mr ? 10 : mr - 1], *aB = row[11 < mr ? 11 : mr - 1];
        for (int q = 0; q < c; q++) {
            __m512 b0 = _mm512_maskz_loadu_ps(m0, b), b1 = _mm512_maskz_loadu_ps(m1, b + 16), x;
#define ROW(ap, ca, cb) \
    x = _mm512_set1_ps(ap[q]); ca = _mm512_fmadd_ps(x, b0, ca); cb = _mm512_fmadd_ps(x, b1, cb);
            ROW(a0, c0a, c0b) ROW(a1, c1a, c1b) ROW(a2, c2a, c2b) ROW(a3, c3a, c3b)
            ROW(a4, c4a, c4b) ROW(a5, c5a, c5b) ROW(a6, c6a, c6b) ROW(a7, c7a, c7b)
            ROW(a8, c8a, c8b) ROW(a9, c9a, c9b) ROW(aA, cAa, cAb) ROW(aB, cBa, cBb)
#undef ROW
            b += NR;
        }
    }
    __m512 acc[MR][2] = {{c0a, c0b}, {c1a, c1b}, {c2a, c2b}, {c3a, c3b}, {c4a, c4b}, {c5a, c5b},
                         {c6a, c6b}, {c7a, c7b}, {c8a, c8b}, {c9a, c9b}, {cAa, cAb}, {cBa, cBb}};
    for (int r = 0; r < mr; r++) {
        float *out = cp + (size_t)r * ldc;
        _mm512_mask_storeu_ps(out, m0, acc[r][0]);
        _mm512_mask_storeu_ps(out + 16, m1, acc[r][1]);
    }
}

/// The later depth blocks add to the first's result (beta 1).
__attribute__((target("avx512f")))
static void add_tile(const float *restrict tile, float *cp, int ldc, int mr, int nr) {
    __mmask16 m0 = lanes(nr), m1 = lanes(nr - 16);
    for (int r = 0; r < mr; r++) {
        float *out = cp + (size_t)r * ldc;
        _mm512_mask_storeu_ps(out, m0, _mm512_add_ps(_mm512_maskz_loadu_ps(m0, out), _mm512_maskz_loadu_ps(m0, tile + r * NR)));
        _mm512_mask_storeu_ps(out + 16, m1,
                              _mm512_add_ps(_mm512_maskz_loadu_ps(m1, out + 16), _mm512_maskz_loadu_ps(m1, tile + r * NR + 16)));
    }
}

int swl_conv_forward(const float *x, int n, int h, int w, int c, int kh, int kw, int stride, int pad,
                     const float *wgt, int cout, float *y) {
    if (c % NR != 0 || KC % c != 0 || cout <= 0 || n <= 0) return -1;
    int ho = (h + 2 * pad - kh) / stride + 1, wo = (w + 2 * pad - kw) / stride + 1;
    int rows = n * ho * wo, K = kh * kw * c;
    workspace *ws = ws_get();
    if (!ws) return -1;
    const float **tab = conv_table(ws, x, n, h, w, c, kh, kw, stride, pad, ho, wo);
    if (!tab) return -1;
    float tile[MR * NR];
    // the blocking of swl_sgemm(0, 1, rows, cout, K, 1, cols, K, wgt, K, 0, y, cout) with the
    // columns' rows read through the table (KC is a multiple of c, so depth blocks hold whole taps)
    for (int jc = 0; jc < cout; jc += NC) {
        int nc = cout - jc < NC ? cout - jc : NC;
        for (int pc = 0; pc < K; pc += KC) {
            int kc = K - pc < KC ? K - pc : KC;
            pack_b(1, wgt, K, pc, kc, jc, nc, ws->b);
            for (int ic = 0; ic < rows; ic += MC) {
                int mc = rows - ic < MC ? rows - ic : MC;
                for (int jr = 0; jr < nc; jr += NR) {
                    int nr = nc - jr < NR ? nc - jr : NR;
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = mc - ir < MR ? mc - ir : MR;
                        float *cp = y + (size_t)(ic + ir) * cout + jc + jr;
                        if (pc == 0) {
                            kernel_conv_rows(kc, tab, (size_t)rows, ic + ir, pc / c, c, ws->b + (size_t)jr * kc, cp, cout, mr, nr);
                        } else {
                            kernel_conv_rows(kc, tab, (size_t)rows, ic + ir, pc / c, c, ws->b + (size_t)jr * kc, tile, NR, mr, nr);
                            add_tile(tile, cp, cout, mr, nr);
                        }
                    }
                }
            }
        }
    }
    return 0;
}
