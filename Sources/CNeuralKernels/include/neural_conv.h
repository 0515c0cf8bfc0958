// Swiftlet's own loops for the neural engine's convolutions and their backward passes (see
// docs/neural.md). Each runs on any x86-64 CPU and uses AVX-512 where swl_sgemm_available().
#ifndef SWIFTLET_NEURAL_CONV_H
#define SWIFTLET_NEURAL_CONV_H

/// Unfolds NHWC x [n, h, w, c] into col [n*ho*wo, kh*kw*c] (row per output pixel, columns in
/// (kh, kw, c) order); taps outside the image are zero. ho = (h + 2 pad - kh) / stride + 1.
void swl_im2col(const float *x, int n, int h, int w, int c, int kh, int kw, int stride, int pad, float *col);

/// Folds dcol [n*ho*wo, kh*kw*c] back onto NHWC dx [n, h, w, c], adding (dx += ...) each tap's
/// value in a fixed order: output pixels in row-major order, then kh, then kw.
void swl_col2im(const float *dcol, int n, int h, int w, int c, int kh, int kw, int stride, int pad, float *dx);

/// ReLU backward and bias gradient in one pass over [rows, cols]: out = y > 0 ? gy : 0, and
/// sums[j] += the sum over rows of out[., j], each column summed in row order starting from 0
/// before being added to sums[j]. cols <= 4096.
void swl_relu_backward_colsum(const float *y, const float *gy, float *out, int rows, int cols, float *sums);

#endif
