#!/usr/bin/env python3
"""Rewrite an MCAP file with the public python mcap Writer (pip packages `mcap`, `zstandard`, `lz4`;
the tools/.venv of `make check-mcap` has them): the same schemas, channels and messages (times,
sequence numbers, bytes), in chunks of about CHUNK_BYTES (default 1 MiB) compressed with zstd, lz4
or none. Swiftlet writes only lz4 or uncompressed chunks; this makes the zstd episode log
tools/mcap_fixtures/sample-zstd-31f76f6.mcap (EpisodeJSONReaderTests) and the uncompressed and zstd
copies of recorded logs the load speed-up was checked on (docs/recording.md):

    swiftlet log sample /tmp/s.mcap --seconds 0.3 --chunk-seconds 0.1   # binary of commit 31f76f6
    tools/.venv/bin/python tools/mcap_rechunk.py /tmp/s.mcap tools/mcap_fixtures/sample-zstd-31f76f6.mcap zstd 16384

Usage: mcap_rechunk.py IN.mcap OUT.mcap zstd|lz4|none [CHUNK_BYTES]"""
import sys
from mcap.reader import make_reader
from mcap.writer import Writer, CompressionType

src, dst, comp = sys.argv[1], sys.argv[2], sys.argv[3]
chunk = int(sys.argv[4]) if len(sys.argv) > 4 else 1 << 20
kind = {"zstd": CompressionType.ZSTD, "lz4": CompressionType.LZ4, "none": CompressionType.NONE}[comp]
with open(src, "rb") as f, open(dst, "wb") as o:
    r = make_reader(f)
    w = Writer(o, chunk_size=chunk, compression=kind)
    w.start(profile="", library="python mcap rechunk")
    schemas, channels = {}, {}
    for schema, channel, message in r.iter_messages(log_time_order=False):
        if schema is not None and schema.id not in schemas:
            schemas[schema.id] = w.register_schema(schema.name, schema.encoding, schema.data)
        if channel.id not in channels:
            channels[channel.id] = w.register_channel(channel.topic, channel.message_encoding,
                                                      schemas.get(channel.schema_id, 0), channel.metadata)
        w.add_message(channels[channel.id], message.log_time, message.data, message.publish_time, message.sequence)
    w.finish()
