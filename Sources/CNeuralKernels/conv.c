// Convolution helpers (im2col, col2im, fused ReLU backward + bias gradient). Each body is
// compiled twice, for the baseline target and for AVX-512, and the wrapper picks one at run
// time; both compute the same float operations in the same order.
#include "neural_conv.h"
#include "neural_gemm.h"

#include <stdlib.h>
#include <string.h>

/// Copies one run of floats (a kernel row's in-bounds taps: kw * c contiguous values).
__attribute__((always_inline))
static inline void copy_run(const float *restrict src, float *restrict dst, int count) {
    for (int i = 0; i < count; i++) dst[i] = src[i];
}

__attribute__((always_inline))
static inline void add_run(const float *restrict src, float *restrict dst, int count) {
    for (int i = 0; i < count; i++) dst[i] += src[i];
}

__attribute__((always_inline))
static inline void im2col_body(const float *x, int n, int h, int w, int c, int kh, int kw, int stride, int pad,
                               float *col) {
    int ho = (h + 2 * pad - kh) / stride + 1, wo = (w + 2 * pad - kw) / stride + 1, k = kh * kw * c;
    for (int s = 0; s < n; s++) {
        const float *img = x + (size_t)s * h * w * c;
        for (int oh = 0; oh < ho; oh++) {
            for (int ow = 0; ow < wo; ow++) {
                float *dst = col + ((size_t)(s * ho + oh) * wo + ow) * k;
                int iw0 = ow * stride - pad;
                // the in-bounds kw range is the same for every kernel row of this pixel
                int lo = iw0 < 0 ? -iw0 : 0, hi = iw0 + kw > w ? w - iw0 : kw;
                if (hi < lo) hi = lo;
                for (int r = 0; r < kh; r++, dst += kw * c) {
                    int ih = oh * stride - pad + r;
                    if (ih < 0 || ih >= h) {
                        memset(dst, 0, sizeof(float) * kw * c);
                        continue;
                    }
                    if (lo > 0) memset(dst, 0, sizeof(float) * lo * c);
                    copy_run(img + ((size_t)ih * w + iw0 + lo) * c, dst + lo * c, (hi - lo) * c);
                    if (hi < kw) memset(dst + hi * c, 0, sizeof(float) * (kw - hi) * c);
                }
            }
        }
    }
}

__attribute__((always_inline))
static inline void col2im_body(const float *dcol, int n, int h, int w, int c, int kh, int kw, int stride, int pad,
                               float *dx) {
    int ho = (h + 2 * pad - kh) / stride + 1, wo = (w + 2 * pad - kw) / stride + 1, k = kh * kw * c;
    for (int s = 0; s < n; s++) {
        float *img = dx + (size_t)s * h * w * c;
        for (int oh = 0; oh < ho; oh++) {
            for (int ow = 0; ow < wo; ow++) {
                const float *src = dcol + ((size_t)(s * ho + oh) * wo + ow) * k;
                int iw0 = ow * stride - pad;
                int lo = iw0 < 0 ? -iw0 : 0, hi = iw0 + kw > w ? w - iw0 : kw;
                if (hi <= lo) continue;
                for (int r = 0; r < kh; r++, src += kw * c) {
                    int ih = oh * stride - pad + r;
                    if (ih < 0 || ih >= h) continue;
                    // one kernel row's taps land on distinct pixels: adding the run at once
                    // keeps each element's order (pixel, kh, kw)
                    add_run(src + lo * c, img + ((size_t)ih * w + iw0 + lo) * c, (hi - lo) * c);
                }
            }
        }
    }
}

__attribute__((always_inline))
static inline void relu_colsum_body(const float *y, const float *gy, float *out, int rows, int cols, float *sums,
                                    float *acc) {
    for (int j = 0; j < cols; j++) acc[j] = 0;
    for (int r = 0; r < rows; r++) {
        const float *yr = y + (size_t)r * cols, *gr = gy + (size_t)r * cols;
        float *o = out + (size_t)r * cols;
        for (int j = 0; j < cols; j++) {
            float v = yr[j] > 0 ? gr[j] : 0;
            o[j] = v;
            acc[j] += v;
        }
    }
    for (int j = 0; j < cols; j++) sums[j] += acc[j];
}

__attribute__((target("avx512f")))
static void im2col_avx512(const float *x, int n, int h, int w, int c, int kh, int kw, int stride, int pad, float *col) {
    im2col_body(x, n, h, w, c, kh, kw, stride, pad, col);
}

static void im2col_base(const float *x, int n, int h, int w, int c, int kh, int kw, int stride, int pad, float *col) {
    im2col_body(x, n, h, w, c, kh, kw, stride, pad, col);
}

__attribute__((target("avx512f")))
static void col2im_avx512(const float *dcol, int n, int h, int w, int c, int kh, int kw, int stride, int pad, float *dx) {
    col2im_body(dcol, n, h, w, c, kh, kw, stride, pad, dx);
}

static void col2im_base(const float *dcol, int n, int h, int w, int c, int kh, int kw, int stride, int pad, float *dx) {
    col2im_body(dcol, n, h, w, c, kh, kw, stride, pad, dx);
}

__attribute__((target("avx512f")))
static void relu_colsum_avx512(const float *y, const float *gy, float *out, int rows, int cols, float *sums, float *acc) {
    relu_colsum_body(y, gy, out, rows, cols, sums, acc);
}

static void relu_colsum_base(const float *y, const float *gy, float *out, int rows, int cols, float *sums, float *acc) {
    relu_colsum_body(y, gy, out, rows, cols, sums, acc);
}

void swl_im2col(const float *x, int n, int h, int w, int c, int kh, int kw, int stride, int pad, float *col) {
    (swl_sgemm_available() ? im2col_avx512 : im2col_base)(x, n, h, w, c, kh, kw, stride, pad, col);
}

void swl_col2im(const float *dcol, int n, int h, int w, int c, int kh, int kw, int stride, int pad, float *dx) {
    (swl_sgemm_available() ? col2im_avx512 : col2im_base)(dcol, n, h, w, c, kh, kw, stride, pad, dx);
}

void swl_relu_backward_colsum(const float *y, const float *gy, float *out, int rows, int cols, float *sums) {
    float acc[4096];
    (swl_sgemm_available() ? relu_colsum_avx512 : relu_colsum_base)(y, gy, out, rows, cols, sums, acc);
}
