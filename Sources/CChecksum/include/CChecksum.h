// Swiftlet's CRC-32 kernel with carry-less multiplication (see Sources/Diagnostics/CRC32.swift).
#ifndef SWIFTLET_CCHECKSUM_H
#define SWIFTLET_CCHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/// 1 when the CPU has PCLMULQDQ and SSE4.1 (x86-64 only), else 0.
int swl_crc32_clmul_available(void);

/// Continues the CRC-32 (IEEE, reflected 0xEDB88320) register `crc` over `len` bytes at `buf`,
/// where `crc` is the register itself (the running CRC already inverted, as zlib keeps it).
/// `len` must be at least 64 and a multiple of 16; call only when
/// swl_crc32_clmul_available() returned 1.
uint32_t swl_crc32_clmul(const uint8_t *buf, size_t len, uint32_t crc);

#endif
