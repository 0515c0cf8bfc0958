#!/usr/bin/env python3
"""Cross-check Swiftlet MCAP logs with the public `mcap` package (pip install mcap jsonschema lz4
mcap-ros2-support).

For each file: reads every message through the indexed reader with CRC validation
(mcap.reader.make_reader(f, validate_crcs=True)), reads every record with the stream reader
(which validates the chunk and data-section CRCs), checks the footer's summary CRC, the
Statistics counts and the chunk index against what was read, parses every schema and every
JSON message, validates every message against its channel's JSON Schema (when the `jsonschema`
package is installed), decodes every CDR image (`sensor_msgs/msg/Image`, schema encoding
`ros2msg`) with the public `mcap_ros2` decoder and checks its width, height, step, encoding,
data length (step * height) and that its stamp equals the message's log time, checks each ChunkIndex against its Chunk (compression, compressed and
uncompressed sizes), and prints message counts per topic and the chunk compressions. lz4 chunks
are decompressed by the reader through the `lz4` package. Exits non-zero on any problem.

With `--cut CUT.mcap --recovered OUT.mcap` it also reads the cut file with the public stream
reader up to the cut and checks that it yields exactly as many messages as Swiftlet's
`log recover` kept in OUT.mcap (the messages of the complete chunks).

Usage: check_mcap.py FILE.mcap [FILE.mcap ...] [--cut CUT.mcap --recovered OUT.mcap]
"""
import json
import struct
import sys
import zlib
from collections import Counter

try:
    from mcap.reader import make_reader
    from mcap.records import Chunk, DataEnd, Footer, Message
    from mcap.stream_reader import StreamReader
except ImportError as e:  # pragma: no cover
    print(f"check_mcap: the mcap package is missing ({e}); pip install mcap", file=sys.stderr)
    sys.exit(2)

try:
    import lz4.frame  # noqa: F401  (the mcap reader decompresses lz4 chunks with it)
except ImportError as e:  # pragma: no cover
    print(f"check_mcap: the lz4 package is missing ({e}); pip install lz4 (Swiftlet writes lz4 chunks)", file=sys.stderr)
    sys.exit(2)

try:
    from mcap_ros2.decoder import DecoderFactory as ROS2DecoderFactory
except ImportError as e:  # pragma: no cover
    print(f"check_mcap: the mcap-ros2-support package is missing ({e}); pip install mcap-ros2-support "
          "(Swiftlet writes camera frames as ROS 2 CDR)", file=sys.stderr)
    sys.exit(2)

from mcap.exceptions import EndOfFile, McapError
from mcap.stream_reader import CRCValidationError

try:
    import jsonschema
except ImportError:  # schema validation is skipped, everything else still runs
    jsonschema = None

FOXGLOVE_FIELDS = {
    "foxglove.PoseInFrame": {"timestamp", "frame_id", "pose"},
    "foxglove.FrameTransform": {"timestamp", "parent_frame_id", "child_frame_id", "translation", "rotation"},
    "foxglove.RawImage": {"timestamp", "frame_id", "width", "height", "encoding", "step", "data"},
    "foxglove.CameraCalibration": {"timestamp", "frame_id", "width", "height", "distortion_model", "D", "K", "R", "P"},
    "foxglove.SceneUpdate": {"deletions", "entities"},
}

ROS2_IMAGE = "sensor_msgs/msg/Image"
IMAGE_BYTES_PER_PIXEL = {"mono8": 1, "rgb8": 3, "32FC1": 4}


def check_ros2_image(topic, schema, message, decode, problems):
    """One CDR image, decoded by the public mcap_ros2 decoder."""
    if schema is None or schema.name != ROS2_IMAGE or schema.encoding != "ros2msg":
        problems.append(f"{topic}: cdr message with schema {schema.name if schema else None!r}, expected {ROS2_IMAGE} (ros2msg)")
        return
    img = decode(message.data)
    where = f"{topic}: image at {message.log_time}"
    bpp = IMAGE_BYTES_PER_PIXEL.get(img.encoding)
    if bpp is None:
        problems.append(f"{where}: encoding {img.encoding!r}")
        return
    stamp = img.header.stamp.sec * 1_000_000_000 + img.header.stamp.nanosec
    if stamp != message.log_time:
        problems.append(f"{where}: stamp {stamp} ns differs from the log time")
    if img.step != img.width * bpp or len(img.data) != img.step * img.height or img.width <= 0 or img.height <= 0:
        problems.append(f"{where}: {img.width}x{img.height} {img.encoding} step {img.step} with {len(img.data)} bytes")
    if img.is_bigendian != 0 or not img.header.frame_id:
        problems.append(f"{where}: is_bigendian {img.is_bigendian}, frame_id {img.header.frame_id!r}")


def check(path):
    problems = []
    with open(path, "rb") as f:
        data = f.read()

    # indexed reading with chunk CRCs
    counts = Counter()
    validators = {}
    ros2 = ROS2DecoderFactory()
    ros2_decoders = {}
    with open(path, "rb") as f:
        reader = make_reader(f, validate_crcs=True)
        summary = reader.get_summary()
        if summary is None:
            problems.append("no summary section")
        for schema, channel, message in reader.iter_messages():
            counts[channel.topic] += 1
            if channel.message_encoding == "cdr":
                if schema is not None and schema.id not in ros2_decoders:
                    ros2_decoders[schema.id] = ros2.decoder_for("cdr", schema)
                check_ros2_image(channel.topic, schema, message, ros2_decoders.get(schema.id if schema else None), problems)
                continue
            if channel.message_encoding != "json":
                problems.append(f"{channel.topic}: message encoding {channel.message_encoding!r}, expected 'json' or 'cdr'")
                continue
            try:
                obj = json.loads(message.data)
            except ValueError as e:
                problems.append(f"{channel.topic}: message at {message.log_time} is not JSON: {e}")
                continue
            if jsonschema is not None and schema is not None:
                if schema.id not in validators:
                    validators[schema.id] = jsonschema.Draft7Validator(json.loads(schema.data))
                errors = list(validators[schema.id].iter_errors(obj))
                if errors:
                    problems.append(f"{channel.topic}: message at {message.log_time} breaks {schema.name}: {errors[0].message}")
            if schema is not None and schema.name in FOXGLOVE_FIELDS:
                missing = FOXGLOVE_FIELDS[schema.name] - set(obj)
                if missing:
                    problems.append(f"{channel.topic}: {schema.name} message lacks {sorted(missing)}")
                if schema.name == "foxglove.RawImage":
                    import base64
                    raw = base64.b64decode(obj["data"], validate=True)
                    if len(raw) != obj["step"] * obj["height"]:
                        problems.append(f"{channel.topic}: image data {len(raw)} bytes != step*height")

    # linear reading: every record, chunk and data-section CRCs
    n_stream = 0
    chunks = 0
    chunk_records = []
    with open(path, "rb") as f:
        for record in StreamReader(f, validate_crcs=True, emit_chunks=False).records:
            if isinstance(record, Message):
                n_stream += 1
    with open(path, "rb") as f:
        for record in StreamReader(f, validate_crcs=True, emit_chunks=True).records:
            if isinstance(record, Chunk):
                chunks += 1
                chunk_records.append(record)
                if record.compression not in ("", "lz4"):
                    problems.append(f"chunk {chunks}: compression {record.compression!r}, Swiftlet writes '' or 'lz4'")
    if n_stream != sum(counts.values()):
        problems.append(f"stream reader saw {n_stream} messages, indexed reader {sum(counts.values())}")

    # summary CRC, statistics and chunk index
    footer_at = len(data) - 8 - 29
    op, length, summary_start, summary_offset_start, summary_crc = struct.unpack_from("<BQQQI", data, footer_at)
    if op != 0x02 or length != 20:
        problems.append("footer record not found before the closing magic")
    elif summary_crc != 0:
        crc = zlib.crc32(data[summary_start:footer_at + 1 + 8 + 16])
        if crc != summary_crc:
            problems.append(f"summary CRC mismatch: footer {summary_crc:08x}, computed {crc:08x}")
    if summary is not None:
        for schema in summary.schemas.values():
            if schema.name == ROS2_IMAGE and schema.encoding == "ros2msg":
                continue
            if schema.encoding != "jsonschema":
                problems.append(f"schema {schema.name}: encoding {schema.encoding!r}")
            try:
                json.loads(schema.data)
            except ValueError as e:
                problems.append(f"schema {schema.name} is not JSON: {e}")
        stats = summary.statistics
        if stats is None:
            problems.append("no Statistics record")
        else:
            if stats.message_count != sum(counts.values()):
                problems.append(f"Statistics says {stats.message_count} messages, read {sum(counts.values())}")
            for cid, n in stats.channel_message_counts.items():
                if counts[summary.channels[cid].topic] != n:
                    problems.append(f"Statistics: {summary.channels[cid].topic} {n} != {counts[summary.channels[cid].topic]}")
            if stats.chunk_count != chunks or len(summary.chunk_indexes) != chunks:
                problems.append(f"{chunks} chunks, Statistics {stats.chunk_count}, {len(summary.chunk_indexes)} ChunkIndex")
        for ci, chunk in zip(summary.chunk_indexes, chunk_records):
            if (ci.compression, ci.compressed_size, ci.uncompressed_size) != (chunk.compression, len(chunk.data), chunk.uncompressed_size):
                problems.append(f"ChunkIndex at {ci.chunk_start_offset} says ({ci.compression!r}, {ci.compressed_size}, "
                                f"{ci.uncompressed_size}), the Chunk ({chunk.compression!r}, {len(chunk.data)}, {chunk.uncompressed_size})")
        for ci in summary.chunk_indexes:
            if data[ci.chunk_start_offset] != 0x06:
                problems.append(f"ChunkIndex points at byte {ci.chunk_start_offset}, not a Chunk")
            for cid, off in ci.message_index_offsets.items():
                if data[off] != 0x07 or struct.unpack_from("<H", data, off + 9)[0] != cid:
                    problems.append(f"message index offset {off} for channel {cid} is wrong")

    checked = "messages validated against their JSON Schemas" if jsonschema else "jsonschema not installed: schemas not checked"
    n_cdr = sum(n for t, n in counts.items() if summary is not None and any(
        c.topic == t and c.message_encoding == "cdr" for c in summary.channels.values()))
    if n_cdr:
        checked += f", {n_cdr} CDR images decoded by mcap_ros2"
    kinds = Counter(c.compression or "none" for c in chunk_records)
    stored = sum(len(c.data) for c in chunk_records)
    raw = sum(c.uncompressed_size for c in chunk_records)
    ratio = f", records {raw} -> {stored} bytes, ratio {raw / stored:.2f}" if stored else ""
    compression = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    print(f"{path}: {sum(counts.values())} messages, {chunks} chunks ({compression}{ratio}; {checked})")
    for topic in sorted(counts):
        print(f"  {topic:28s} {counts[topic]:7d}")
    for p in problems:
        print(f"  PROBLEM: {p}", file=sys.stderr)
    return not problems


def check_cut(cut, recovered):
    """The public stream reader, stopped by the cut, must see the messages recovery kept."""
    n = 0
    stop = "end of file"
    with open(cut, "rb") as f:
        try:
            for record in StreamReader(f, validate_crcs=True).records:
                if isinstance(record, Message):
                    n += 1
        except (EndOfFile, CRCValidationError, McapError, struct.error, ValueError) as e:
            stop = type(e).__name__
    with open(recovered, "rb") as f:
        kept = sum(1 for _ in make_reader(f, validate_crcs=True).iter_messages())
    print(f"{cut}: public stream reader read {n} messages before the cut ({stop}); recovery kept {kept}")
    if n != kept:
        print(f"  PROBLEM: the cut file yields {n} messages to the public reader but recovery kept {kept}", file=sys.stderr)
        return False
    return True


def main(argv):
    args = argv[1:]
    cut = recovered = None
    if "--cut" in args:
        i = args.index("--cut")
        cut = args[i + 1]
        del args[i:i + 2]
    if "--recovered" in args:
        i = args.index("--recovered")
        recovered = args[i + 1]
        del args[i:i + 2]
    if not args or (cut is None) != (recovered is None):
        print(__doc__, file=sys.stderr)
        return 2
    ok = True
    if cut is not None:
        try:
            ok = check_cut(cut, recovered)
        except Exception as e:
            print(f"{cut}: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
            ok = False
    for path in args:
        try:
            ok = check(path) and ok
        except Exception as e:  # any reader exception is a failed check
            print(f"{path}: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
