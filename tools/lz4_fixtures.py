#!/usr/bin/env python3
"""LZ4 frame cross-check fixtures between Swiftlet and the reference `lz4` package (pip install lz4).

  lz4_fixtures.py make   writes tools/lz4_fixtures/py-*.lz4: frames made by
                         python lz4.frame with several settings (64 KiB linked and independent
                         blocks, 4 MiB blocks, block and content checksums, no content size, the
                         high-compression matcher, stored blocks, an empty frame, a skippable frame
                         before two concatenated frames), and py-writer-lz4.mcap: a log written
                         by the public mcap Writer with lz4 chunks (text messages on two topics,
                         see mcap_log). Swift's LZ4Tests decode them and read the log.
  lz4_fixtures.py check  decodes tools/lz4_fixtures/swift-*.lz4 (frames made by
                         Swiftlet's LZ4Encoder; LZ4Tests checks the encoder still writes exactly
                         these bytes) with python lz4.frame and compares them with the content.
                         Run by `make check-mcap`. Exits non-zero on any difference.

File names are <producer>-<setting>-<content>-<bytes>.lz4; the content is regenerated from its
name by both sides: `text` (JSON-like lines, compressible), `noise` (xorshift32 bytes,
incompressible), `mixed` (text with noise runs).
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = os.path.join(HERE, "lz4_fixtures")


def text(n):
    out = bytearray()
    i = 0
    while len(out) < n:
        out += b'{"i":%d,"v":%d,"topic":"/pose"}\n' % (i % 400, (i % 400) % 97)
        i += 1
    return bytes(out[:n])


def noise(n, seed=2463534242):
    x = seed
    out = bytearray(n)
    for k in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[k] = x & 0xFF
    return bytes(out)


def mixed(n):
    t, z = text(n), noise(n)
    # 1900 bytes of text, then 100 of noise, repeated
    return bytes(t[k] if k % 2000 < 1900 else z[k] for k in range(n))


def content(name):
    parts = os.path.basename(name)[:-len(".lz4")].split("-")
    kind, n = parts[-2], int(parts[-1])
    return {"text": text, "noise": noise, "mixed": mixed}[kind](n)


def mcap_log(path, compression="LZ4"):
    """60 JSON messages on /a and /b (log time i * 10 ms), chunks of about 1 KB compressed with
    `compression` (a `mcap.writer.CompressionType` name; zstd_fixtures.py writes ZSTD)."""
    from mcap.writer import CompressionType, Writer
    with open(path, "wb") as fh:
        w = Writer(fh, chunk_size=1024, compression=getattr(CompressionType, compression))
        w.start(profile="", library="python mcap fixture")
        s = w.register_schema(name="t", encoding="jsonschema", data=b'{"type":"object"}')
        a = w.register_channel(topic="/a", message_encoding="json", schema_id=s)
        b = w.register_channel(topic="/b", message_encoding="json", schema_id=s)
        for i in range(60):
            data = b'{"i":%d,"name":"message %d","pad":"%s"}' % (i, i % 7, b"x" * (i % 13))
            w.add_message(channel_id=a if i % 3 else b, log_time=i * 10_000_000, publish_time=i * 10_000_000,
                          sequence=i, data=data)
        w.finish()


def make():
    import lz4.frame as f
    os.makedirs(DIR, exist_ok=True)
    k64, k256, m4 = f.BLOCKSIZE_MAX64KB, f.BLOCKSIZE_MAX256KB, f.BLOCKSIZE_MAX4MB
    settings = {
        "default": dict(),
        "linked64k": dict(block_size=k64, block_linked=True, content_checksum=True),
        "indep64k": dict(block_size=k64, block_linked=False, block_checksum=True),
        "max4m": dict(block_size=m4, block_linked=False, store_size=True),
        "nosize": dict(block_size=k256, store_size=False, content_checksum=True, block_checksum=True),
        "hc": dict(block_size=k64, block_linked=True, compression_level=f.COMPRESSIONLEVEL_MINHC),
    }
    files = {
        "default-text-3000": ("default", text(3000)),
        "linked64k-text-140000": ("linked64k", text(140000)),
        "indep64k-text-70000": ("indep64k", text(70000)),
        "max4m-text-8000": ("max4m", text(8000)),
        "nosize-mixed-9000": ("nosize", mixed(9000)),
        "hc-text-70000": ("hc", text(70000)),
        "default-noise-2000": ("default", noise(2000)),
        "default-text-0": ("default", b""),
    }
    for stem, (setting, data) in files.items():
        frame = f.compress(data, **settings[setting])
        assert f.decompress(frame) == data
        with open(os.path.join(DIR, f"py-{stem}.lz4"), "wb") as out:
            out.write(frame)
    # a skippable frame (magic 0x184D2A5A, 5 bytes of user data), then two frames back to back
    data = text(5000)
    frames = struct.pack("<II", 0x184D2A5A, 5) + b"skip!" + f.compress(data[:2000]) + f.compress(data[2000:])
    with open(os.path.join(DIR, "py-skippable-text-5000.lz4"), "wb") as out:
        out.write(frames)
    mcap_log(os.path.join(DIR, "py-writer-lz4.mcap"))
    total = sum(os.path.getsize(os.path.join(DIR, n)) for n in os.listdir(DIR))
    print(f"wrote {len(files) + 1} python frames to {DIR} (fixtures now {total} bytes)")


def check_files(tool, directory, names, decode, content, what):
    """Decodes each file `names` in `directory` with `decode` and compares it with `content(name)`;
    prints the problems and one summary line, returns the exit code (zstd_fixtures.py uses it too)."""
    bad = 0
    for n in names:
        with open(os.path.join(directory, n), "rb") as fh:
            blob = fh.read()
        try:
            got = decode(blob)
        except Exception as e:  # any decoder error is a failed check
            print(f"  PROBLEM: {n}: {tool} cannot decode it: {e}", file=sys.stderr)
            bad += 1
            continue
        if got != content(n):
            print(f"  PROBLEM: {n}: {tool} decodes {len(got)} bytes that differ from the content", file=sys.stderr)
            bad += 1
    print(f"{os.path.basename(directory)}: {tool} decoded {len(names) - bad} of {len(names)} {what}")
    return 1 if bad else 0


def check():
    import lz4.frame as f
    names = sorted(n for n in os.listdir(DIR) if n.startswith("swift-") and n.endswith(".lz4"))
    if not names:
        print(f"lz4_fixtures: no swift-*.lz4 frames in {DIR}", file=sys.stderr)
        return 1
    return check_files("python lz4.frame", DIR, names, f.decompress, content, "Swift-made frames correctly")


def cli(make, check, doc):
    """`SCRIPT make` or `SCRIPT check` (the exit status is check's); anything else prints `doc`."""
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "make":
        make()
    elif cmd == "check":
        sys.exit(check())
    else:
        print(doc, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    cli(make, check, __doc__)
