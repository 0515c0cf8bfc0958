// OpenBLAS's own cblas.h (Debian: libopenblas-dev); it also declares openblas_set_num_threads.
#include <cblas.h>
