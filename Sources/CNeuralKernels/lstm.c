// The batched LSTM cell update of the GtS planner (swl_lstm_cell_doubled), in two versions picked
// at run time: four-lane vectors for the baseline x86-64 target (SSE2, which every x86-64 CPU
// has), with the float operations of FastMath.swift's fastSigmoid in its order, and sixteen lanes
// for AVX-512 with fused multiply-adds and a reciprocal estimate in place of the division. They
// agree to a few units in the last place, not bit for bit; each is deterministic on its own.
// Contraction into FMAs is off for the file: the baseline keeps fastSigmoid's rounding, and the
// AVX-512 version writes its FMAs explicitly.
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

/// fastSigmoid's polynomial with fused multiply-adds, 2^n by scalef, and the reciprocal as rcp14
/// plus one Newton step instead of a division: a 512-bit division occupies Intel's port 0 for
/// about 16 cycles, and the division-based cell ran at 3.6 ns per unit there against 2.3.
__attribute__((target("avx512f"), always_inline))
static inline __m512 sigmoid16(__m512 v) {
    // x = clamp(-v, -87.3, 88): min/max in this operand order keep a NaN lane NaN
    __m512 x = _mm512_sub_ps(_mm512_setzero_ps(), v);
    x = _mm512_max_ps(_mm512_set1_ps(-87.3f), _mm512_min_ps(_mm512_set1_ps(88.0f), x));
    __m512 t = _mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504f), _mm512_set1_ps(12582912.0f));
    __m512 n = _mm512_sub_ps(t, _mm512_set1_ps(12582912.0f));
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.1219444e-4f), r);
    __m512 p = _mm512_set1_ps(1.98756915e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.39819995e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.16657959e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.66666655e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.00000012e-1f));
    __m512 y = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r), _mm512_set1_ps(1));
    __m512 d = _mm512_add_ps(_mm512_set1_ps(1), _mm512_scalef_ps(y, n));   // 1 + e^x
    __m512 q = _mm512_rcp14_ps(d);
    return _mm512_fmadd_ps(q, _mm512_fnmadd_ps(d, q, _mm512_set1_ps(1)), q);
}

__attribute__((target("avx512f"), always_inline))
static inline __m512 gate16(__mmask16 m, const float *z, const float *b) {
    return _mm512_add_ps(_mm512_maskz_loadu_ps(m, z), _mm512_maskz_loadu_ps(m, b));
}

__attribute__((target("avx512f")))
static void cell_avx512(const float *z, int ldz, const float *b, float *c, int ldc, float *h, int ldh, int rows, int hd) {
    const __m512 one = _mm512_set1_ps(1), two = _mm512_set1_ps(2);
    for (int r = 0; r < rows; r++) {
        const float *zr = z + (size_t)r * ldz;
        float *cr = c + (size_t)r * ldc, *hr = h + (size_t)r * ldh;
        for (int j = 0; j < hd; j += 16) {
            __mmask16 m = hd - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (hd - j)) - 1);
            __m512 i = sigmoid16(gate16(m, zr + j, b + j));
            __m512 f = sigmoid16(gate16(m, zr + hd + j, b + hd + j));
            __m512 g = _mm512_fmsub_ps(two, sigmoid16(gate16(m, zr + 2 * hd + j, b + 2 * hd + j)), one);
            __m512 o = sigmoid16(gate16(m, zr + 3 * hd + j, b + 3 * hd + j));
            __m512 cn = _mm512_fmadd_ps(f, _mm512_maskz_loadu_ps(m, cr + j), _mm512_mul_ps(i, g));
            _mm512_mask_storeu_ps(cr + j, m, cn);
            __m512 th = _mm512_fmsub_ps(two, sigmoid16(_mm512_add_ps(cn, cn)), one);
            _mm512_mask_storeu_ps(hr + j, m, _mm512_mul_ps(o, th));
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
