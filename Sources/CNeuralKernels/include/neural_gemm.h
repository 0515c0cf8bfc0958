// Swiftlet's own single-precision GEMM for CPUs with AVX-512 (see docs/neural.md).
#ifndef SWIFTLET_NEURAL_GEMM_H
#define SWIFTLET_NEURAL_GEMM_H

/// 1 when the CPU and the operating system support AVX-512F (the kernel may run), else 0;
/// detected on the first call and cached.
int swl_sgemm_available(void);

/// Row-major C[m,n] = alpha * op(A) * op(B) + beta * C, like cblas_sgemm with CblasRowMajor.
/// op(A) is [m,k] (A stored [k,m] when transA), op(B) is [k,n] (B stored [n,k] when transB).
/// With beta == 0, C is written without being read. The summation order of every element
/// depends only on k (blocks of 256, each summed in order, then added to C), never on m, n
/// or the caller's threading: results are bit-identical however the rows are split.
/// Returns 0, or -1 when the per-thread packing buffers could not be allocated (C untouched).
/// Call only when swl_sgemm_available() returns 1.
int swl_sgemm(int transA, int transB, int m, int n, int k, float alpha,
              const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

/// Weight gradient of a convolution over NHWC x [n, h, w, c] (c a multiple of 32, at most
/// 4096): gw[cout, kh*kw*c] += dy^T im2col(x), with dy [n*ho*wo, cout] (a row per output
/// pixel). The unfolded columns are read straight from x through a table of row pointers, no
/// im2col copy; the arithmetic is that of swl_sgemm on the unfolded columns (same values, same
/// order, same bits). Returns 0, or -1 (gw untouched) when c does not qualify or buffers could
/// not be allocated. Call only when swl_sgemm_available() returns 1.
int swl_conv_weight_grad(const float *dy, int cout, const float *x, int n, int h, int w, int c, int kh, int kw,
                         int stride, int pad, float *gw);

/// Forward convolution without im2col: y[n*ho*wo, cout] = im2col(x) wgt^T, with wgt
/// [cout, kh*kw*c] and x NHWC [n, h, w, c] (c a multiple of 32 that divides 256). Reads the
/// unfolded rows straight from x through a table of row pointers; the arithmetic is that of
/// swl_sgemm on the unfolded columns with beta 0 (same bits). Returns 0, or -1 (y untouched)
/// when c does not qualify or buffers could not be allocated. Call only when
/// swl_sgemm_available() returns 1.
int swl_conv_forward(const float *x, int n, int h, int w, int c, int kh, int kw, int stride, int pad,
                     const float *wgt, int cout, float *y);

#endif
