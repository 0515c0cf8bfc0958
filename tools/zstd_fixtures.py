#!/usr/bin/env python3
"""Zstandard cross-check fixtures between Swiftlet and the reference `zstandard` package
(pip install zstandard; the python binding of the reference C library).

  zstd_fixtures.py make   writes tools/zstd_fixtures/py-*.zst: frames made by python zstandard
                          with several settings (levels 1, 3, 19 and -5, long-distance matching
                          with a 128 MiB window and no content size, content checksum on and off, no content size
                          (streaming compressor), multi-block input over 128 KiB, RLE blocks,
                          long byte runs, a skewed 9-symbol alphabet (direct Huffman weights,
                          treeless literals, repeated tables), incompressible input, an empty frame, a skippable frame
                          before two frames), and py-writer-zstd.mcap: a log written by the
                          public mcap Writer with zstd chunks (text messages on two topics, as
                          lz4_fixtures.py's mcap_log). Swift's ZstdTests decode them and read the log.
  zstd_fixtures.py check  decodes every py-*.zst with python zstandard and compares it with the
                          content its name stands for (the fixtures are what the tests assume).
                          Run by `make check-mcap`. Exits non-zero on any difference.

File names are py-<setting>-<content>-<bytes>.zst; the content is regenerated from its name by
both sides: `text`, `noise`, `mixed` as in lz4_fixtures.py, `twice` (noise of half the size,
repeated: a match as far back as the half), `zeros`, `runs` (runs of 1500 equal bytes),
`skewed` (noise mapped to 9 symbols of falling frequency).
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = os.path.join(HERE, "zstd_fixtures")
sys.path.insert(0, HERE)
from lz4_fixtures import check_files, cli, mcap_log, mixed, noise, text  # noqa: E402  (shared with lz4)


def twice(n):
    half = noise(n // 2)
    return half + half


def zeros(n):
    return bytes(n)


def runs(n):
    return bytes(65 + (k // 1500) % 5 for k in range(n))


def skewed(n):
    """Noise mapped to 9 symbols of falling frequency (trailing zero bits of each byte, 8 for 0):
    Huffman-coded literals in every block, direct weights, treeless literals, repeated tables."""
    return bytes(((b & -b).bit_length() - 1) if b else 8 for b in noise(n))


def content(name):
    parts = os.path.basename(name)[:-len(".zst")].split("-")
    kind, n = parts[-2], int(parts[-1])
    return {"text": text, "noise": noise, "mixed": mixed, "twice": twice, "zeros": zeros, "runs": runs,
            "skewed": skewed}[kind](n)


def compress(setting, data):
    import zstandard as z
    if setting == "nosize":
        # the streaming compressor does not know the size: no content size in the header
        c = z.ZstdCompressor(level=3, write_checksum=True).compressobj()
        return c.compress(data) + c.flush()
    if setting == "ldm":
        p = z.ZstdCompressionParameters.from_level(19, enable_ldm=True, window_log=27, write_checksum=1,
                                                       write_content_size=0)
        return z.ZstdCompressor(compression_params=p).compress(data)
    level = {"level1": 1, "level3": 3, "level19": 19, "neg5": -5, "nocheck": 3}[setting]
    return z.ZstdCompressor(level=level, write_checksum=setting != "nocheck").compress(data)


FILES = [
    "level1-text-50000", "level3-mixed-60000", "level19-text-70000", "level19-mixed-40000", "neg5-mixed-40000",
    "ldm-twice-40000", "nocheck-text-30000", "nosize-mixed-150000", "level3-text-300000", "level3-zeros-300000",
    "level19-runs-200000", "level19-skewed-140000", "level3-noise-20000", "level3-text-0",
]


def make():
    import zstandard as z
    os.makedirs(DIR, exist_ok=True)
    for stem in FILES:
        setting = stem.split("-")[0]
        data = content(stem + ".zst")
        frame = compress(setting, data)
        assert z.ZstdDecompressor().decompress(frame, max_output_size=len(data) + 1) == data
        with open(os.path.join(DIR, f"py-{stem}.zst"), "wb") as out:
            out.write(frame)
    # a skippable frame (magic 0x184D2A5E, 5 bytes of user data), then two frames back to back
    data = text(5000)
    c = z.ZstdCompressor(level=3, write_checksum=True)
    frames = struct.pack("<II", 0x184D2A5E, 5) + b"skip!" + c.compress(data[:2000]) + c.compress(data[2000:])
    with open(os.path.join(DIR, "py-skippable-text-5000.zst"), "wb") as out:
        out.write(frames)
    mcap_log(os.path.join(DIR, "py-writer-zstd.mcap"), "ZSTD")
    total = sum(os.path.getsize(os.path.join(DIR, n)) for n in os.listdir(DIR))
    print(f"wrote {len(FILES) + 2} fixtures to {DIR} ({total} bytes)")


def check():
    import zstandard as z
    names = sorted(n for n in os.listdir(DIR) if n.startswith("py-") and n.endswith(".zst"))
    if not names:
        print(f"zstd_fixtures: no py-*.zst frames in {DIR}", file=sys.stderr)
        return 1
    # read_across_frames: the skippable fixture holds two frames
    return check_files("python zstandard", DIR, names,
                       lambda blob: z.ZstdDecompressor().decompressobj(read_across_frames=True).decompress(blob),
                       content, "fixtures to their content")


if __name__ == "__main__":
    cli(make, check, __doc__)
