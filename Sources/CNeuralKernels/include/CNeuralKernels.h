// Swiftlet's own CPU kernels for the neural engine (see docs/neural.md).
#include "neural_conv.h"
#include "neural_gemm.h"
#include "neural_lstm.h"
