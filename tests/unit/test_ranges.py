import pytest

from reviews.api.ranges import ByteRange, UnsatisfiableRange, parse_range


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=100-", ByteRange(100, 999)),
        ("bytes=-100", ByteRange(900, 999)),
        ("bytes=-5000", ByteRange(0, 999)),
        ("bytes=900-5000", ByteRange(900, 999)),
        ("bytes=5-2", None),  # invalid: ignored, whole file
        ("bytes=0-1,5-6", None),  # multiple ranges: whole file
        ("items=0-1", None),
    ],
)
def test_it_parses_single_byte_ranges(header, expected):
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=2000-3000", "bytes=-0"])
def test_it_refuses_ranges_past_the_end(header):
    with pytest.raises(UnsatisfiableRange):
        parse_range(header, 1000)
