// The batched LSTM cell update of the GtS planner (swl_lstm_cell_doubled), in two versions picked
// at run time: four-lane vectors for the baseline x86-64 target (SSE2, which every x86-64 CPU
// has), with the float operations of FastMath.swift's fastSigmoid in its order, and sixteen
// lanes for AVX-512 with fused multiply-adds and three reciprocal estimates in place of five
// divisions. They agree to about 1e-7 (tested within 2e-6 of the formula in Double), not bit for
// bit; each is deterministic on its own. Contraction into FMAs is off for the file: the baseline
// keeps fastSigmoid's rounding, and the AVX-512 version writes its FMAs explicitly.
#pragma clang fp contract(off)

#include "neural_lstm.h"
#include "neural_gemm.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

// MARK: baseline

typedef float v4 __attribute__((ext_vector_type(4), aligned(4)));
typedef uint32_t u4 __attribute__((ext_vector_type(4)));
typedef int32_t m4 __attribute__((ext_vector_type(4)));

static inline v4 select4(m4 m, v4 a, v4 b) { return (v4)(((u4)m & (u4)a) | (~(u4)m & (u4)b)); }

/// fastSigmoid on four lanes: 1 / (1 + fastExp(-v)), the clamps as selects (Swift's
/// replace(with:where:)) so a NaN lane stays NaN.
static inline v4 sigmoid4(v4 v) {
    v4 x = -v;
    x = select4(x < -87.3f, (v4)(-87.3f), x);
    x = select4(x > 88.0f, (v4)(88.0f), x);
    v4 t = x * 1.44269504f + 12582912.0f;
    v4 n = t - 12582912.0f;
    v4 r = x - n * 0.693359375f + n * 2.1219444e-4f;
    v4 p = (v4)(1.98756915e-4f);
    p = p * r + 1.39819995e-3f;
    p = p * r + 8.3334519e-3f;
    p = p * r + 4.16657959e-2f;
    p = p * r + 1.66666655e-1f;
    p = p * r + 5.00000012e-1f;
    v4 y = p * r * r + r + 1;
    u4 bits = ((u4)t - 0x4B400000u + 127u) << 23;   // t's low mantissa bits hold n + 2^22
    return 1 / (1 + y * (v4)bits);
}

/// sigmoid4 on one value (the last hd % 4 units): lane 0 of a splat, so the same bits.
static inline float sigmoid1(float v) { return sigmoid4((v4)(v))[0]; }

static void cell_base(const float *z, int ldz, const float *b, float *c, int ldc, float *h, int ldh, int rows, int hd) {
    int vec = hd - hd % 4;
    for (int r = 0; r < rows; r++) {
        const float *zr = z + (size_t)r * ldz;
        float *cr = c + (size_t)r * ldc, *hr = h + (size_t)r * ldh;
        for (int j = 0; j < vec; j += 4) {
#define GATE(q) sigmoid4(*(const v4 *)(zr + (q) * hd + j) + *(const v4 *)(b + (q) * hd + j))
            v4 i = GATE(0), f = GATE(1), g = GATE(2), o = GATE(3);
#undef GATE
            v4 cn = f * *(const v4 *)(cr + j) + i * (2 * g - 1);
            *(v4 *)(cr + j) = cn;
            *(v4 *)(hr + j) = o * (2 * sigmoid4(2 * cn) - 1);
        }
        for (int j = vec; j < hd; j++) {
#define GATE(q) sigmoid1(zr[(q) * hd + j] + b[(q) * hd + j])
            float i = GATE(0), f = GATE(1), g = GATE(2), o = GATE(3);
#undef GATE
            float cn = f * cr[j] + i * (2 * g - 1);
            cr[j] = cn;
            hr[j] = o * (2 * sigmoid1(2 * cn) - 1);
        }
    }
}

// MARK: AVX-512

/// e^-v for v clamped to [-43, 43], so a product of two (1 + e^-v) stays finite: fastExp's
/// polynomial with fused multiply-adds and 2^n by scalef.
__attribute__((target("avx512f"), always_inline))
static inline __m512 expneg16(__m512 v) {
    __m512 x = _mm512_max_ps(_mm512_set1_ps(-43.0f), _mm512_min_ps(_mm512_set1_ps(43.0f), v));
    __m512 t = _mm512_fnmadd_ps(x, _mm512_set1_ps(1.44269504f), _mm512_set1_ps(12582912.0f));
    __m512 n = _mm512_sub_ps(t, _mm512_set1_ps(12582912.0f));   // round(-x log2 e)
    __m512 r = _mm512_fnmsub_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.1219444e-4f), r);   // -x - n ln 2 in two parts
    __m512 p = _mm512_set1_ps(1.98756915e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.39819995e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.16657959e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.66666655e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.00000012e-1f));
    __m512 y = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r), _mm512_set1_ps(1));
    return _mm512_scalef_ps(y, n);
}

/// 1 / d: rcp14 and one Newton step (about 1 ulp), instead of a division.
__attribute__((target("avx512f"), always_inline))
static inline __m512 recip16(__m512 d) {
    __m512 q = _mm512_rcp14_ps(d);
    return _mm512_fmadd_ps(q, _mm512_fnmadd_ps(d, q, _mm512_set1_ps(1)), q);
}

/// The cell with fastSigmoid's polynomial, but no division: a 512-bit division occupies Intel's
/// port 0 for about 16 cycles, and the division-based cell ran at 3.6 ns per unit on the
/// model-207 Xeon against 2.1 here. With e_q = e^-z_q the sigmoids combine into three
/// reciprocals instead of five: sigmoid(i) (2 sigmoid(g) - 1) = (1 - e_g) / ((1 + e_i)(1 + e_g)),
/// and h = (1 - e_c) / ((1 + e_o)(1 + e_c)) with e_c = e^-2c.
__attribute__((target("avx512f")))
static void cell_avx512(const float *z, int ldz, const float *b, float *c, int ldc, float *h, int ldh, int rows, int hd) {
    const __m512 one = _mm512_set1_ps(1);
    for (int r = 0; r < rows; r++) {
        const float *zr = z + (size_t)r * ldz;
        float *cr = c + (size_t)r * ldc, *hr = h + (size_t)r * ldh;
        for (int j = 0; j < hd; j += 16) {
            __mmask16 m = hd - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (hd - j)) - 1);
#define GATE(q) _mm512_add_ps(_mm512_maskz_loadu_ps(m, zr + (q) * hd + j), _mm512_maskz_loadu_ps(m, b + (q) * hd + j))
            __m512 ei = expneg16(GATE(0)), ef = expneg16(GATE(1)), eg = expneg16(GATE(2)), eo = expneg16(GATE(3));
#undef GATE
            __m512 ig = _mm512_mul_ps(_mm512_sub_ps(one, eg),
                                      recip16(_mm512_mul_ps(_mm512_add_ps(one, ei), _mm512_add_ps(one, eg))));
            __m512 cn = _mm512_fmadd_ps(recip16(_mm512_add_ps(one, ef)), _mm512_maskz_loadu_ps(m, cr + j), ig);
            _mm512_mask_storeu_ps(cr + j, m, cn);
            __m512 ec = expneg16(_mm512_add_ps(cn, cn));
            _mm512_mask_storeu_ps(hr + j, m, _mm512_mul_ps(_mm512_sub_ps(one, ec),
                                                           recip16(_mm512_mul_ps(_mm512_add_ps(one, eo), _mm512_add_ps(one, ec)))));
        }
    }
}

void swl_lstm_cell_doubled(const float *z, int ldz, const float *bias, float *c, int ldc, float *h, int ldh, int rows,
                           int hd) {
    (swl_sgemm_available() ? cell_avx512 : cell_base)(z, ldz, bias, c, ldc, h, ldh, rows, hd);
}

void swl_lstm_cell_doubled_baseline(const float *z, int ldz, const float *bias, float *c, int ldc, float *h, int ldh,
                                    int rows, int hd) {
    cell_base(z, ldz, bias, c, ldc, h, ldh, rows, hd);
}
