#!/usr/bin/env python3
"""Cross-check big-endian CDR images with the public ROS 2 CDR code (pip package
`mcap-ros2-support`, in tools/.venv of `make check-mcap`).

The golden big-endian sensor_msgs/msg/Image of ROS2ImageTests.bigEndianCDRDecodesEveryField
(stamp 1 s 5 ns, frame id "cam", 1x2 mono8, data 07 09) must be exactly what the public
`CdrWriter` writes with encapsulation CDR_BE, field by field with its alignment, and the public
dynamic decoder (`mcap_ros2._dynamic.generate_dynamic` on Swiftlet's schema text, ROS2Image.schemaText, as
the log tools/mcap_fixtures/sample-zstd-31f76f6.mcap holds it) must read every field of it back; the little-endian golden message of
ROS2ImageTests.goldenBytesOfATinyMessage must decode to the same values. Exits non-zero on any
difference. Run by `make check-mcap`.
"""
import io
import os
import sys

from mcap.reader import make_reader

from mcap_ros2._cdr import CdrWriter, EncapsulationKind
from mcap_ros2._dynamic import generate_dynamic

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mcap_fixtures", "sample-zstd-31f76f6.mcap")


def schema_text() -> str:
    """The sensor_msgs/msg/Image schema Swiftlet writes (ROS2Image.schemaText), from a Swiftlet log."""
    with open(FIXTURE, "rb") as f:
        summary = make_reader(f).get_summary()
    return next(s.data.decode() for s in summary.schemas.values() if s.name == "sensor_msgs/msg/Image")


BIG = bytes([
    0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05,
    0x00, 0x00, 0x00, 0x04, 0x63, 0x61, 0x6D, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x06, 0x6D, 0x6F, 0x6E, 0x6F, 0x38, 0x00,
    0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x07, 0x09,
])
LITTLE = bytes([
    0x00, 0x01, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
    0x04, 0x00, 0x00, 0x00, 0x63, 0x61, 0x6D, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x06, 0x00, 0x00, 0x00, 0x6D, 0x6F, 0x6E, 0x6F, 0x38, 0x00,
    0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x07, 0x09,
])


def main() -> int:
    problems = []
    # the public writer, big-endian, field by field (strings and sequences as the ROS 2 types)
    out = io.BytesIO()
    w = CdrWriter(out, kind=EncapsulationKind.CDR_BE)
    w.write_int32(1)
    w.write_uint32(5)
    w.write_string("cam")
    w.write_uint32(1)
    w.write_uint32(2)
    w.write_string("mono8")
    w.write_uint8(0)
    w.write_uint32(2)
    w.write_uint32(2)
    w.write_uint8_array(bytes([7, 9]))
    if out.getvalue() != BIG:
        problems.append(f"CdrWriter(CDR_BE) wrote {out.getvalue().hex()}, the golden bytes are {BIG.hex()}")
    decode = generate_dynamic("sensor_msgs/msg/Image", schema_text())["sensor_msgs/msg/Image"]
    for name, data in (("big-endian", BIG), ("little-endian", LITTLE)):
        m = decode(data)
        got = (m.header.stamp.sec, m.header.stamp.nanosec, m.header.frame_id, m.height, m.width, m.encoding,
               m.is_bigendian, m.step, bytes(m.data))
        want = (1, 5, "cam", 1, 2, "mono8", 0, 2, bytes([7, 9]))
        if got != want:
            problems.append(f"{name}: the public decoder read {got}, expected {want}")
    for p in problems:
        print("cdr_be_check:", p, file=sys.stderr)
    if not problems:
        print("cdr_be_check: the public CdrWriter writes the golden big-endian Image and the public decoder reads both goldens")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
