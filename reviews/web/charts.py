"""Charts drawn on the server as SVG: geometry only, the template draws it. No script, works offline.

Every chart is also given to the reader as a table, so nothing depends on seeing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list[Point]
    polyline: str
    gridlines: list[tuple[float, str]]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    suppressed: bool


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    gridlines: list[tuple[float, str]]


PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 40, 10, 10, 30


def _y(value: float, top: float, height: int) -> float:
    inner = height - PAD_TOP - PAD_BOTTOM
    return round(PAD_TOP + inner * (1 - value / top), 1) if top else float(height - PAD_BOTTOM)


def _grid(top: float, height: int, steps: int = 4, unit: str = "") -> list[tuple[float, str]]:
    return [(_y(top * i / steps, top, height), f"{top * i / steps:g}{unit}") for i in range(steps + 1)]


def line_chart(
    values: Sequence[tuple[str, Decimal | float | None]], *, top: float = 100, width: int = 640, height: int = 200
) -> LineChart:
    """Points left to right in the given order; values without a number (no score) are skipped."""
    known = [(label, float(v)) for label, v in values if v is not None]
    inner = width - PAD_LEFT - PAD_RIGHT
    step = inner / (len(known) - 1) if len(known) > 1 else 0
    points = [
        Point(
            x=round(PAD_LEFT + (step * i if len(known) > 1 else inner / 2), 1),
            y=_y(v, top, height),
            label=label,
            value=f"{v:g}",
        )
        for i, (label, v) in enumerate(known)
    ]
    return LineChart(
        width=width,
        height=height,
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        gridlines=_grid(top, height),
    )


def bar_chart(
    values: Sequence[tuple[str, float | None]], *, width: int = 640, height: int = 220, unit: str = ""
) -> BarChart:
    """One bar per group; a suppressed value (None) gets no bar and is labelled as such by the template."""
    numbers = [v for _, v in values if v is not None]
    top = max(numbers, default=0) or 1.0
    inner = width - PAD_LEFT - PAD_RIGHT
    slot = inner / max(len(values), 1)
    bars = []
    for i, (label, v) in enumerate(values):
        y = _y(v or 0, top, height)
        bars.append(
            Bar(
                x=round(PAD_LEFT + slot * i + slot * 0.15, 1),
                y=y,
                width=round(slot * 0.7, 1),
                height=round(height - PAD_BOTTOM - y, 1),
                label=label,
                value="" if v is None else f"{v:g}{unit}",
                suppressed=v is None,
            )
        )
    return BarChart(width=width, height=height, bars=bars, gridlines=_grid(top, height, unit=unit))


@dataclass(frozen=True)
class TrendLine:
    label: str
    css: str  # which of the stylesheet's series colours
    polyline: str
    band: str  # the interval as a polygon ("" when not drawn)
    points: list[Point]


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    lines: list[TrendLine]
    ticks: list[tuple[float, str]]  # x position and label of each month
    gridlines: list[tuple[float, str]]


def trend_chart(
    months: Sequence[str],
    series: Sequence[tuple[str, Sequence[tuple[float | None, float | None, float | None]]]],
    *,
    top: float = 100,
    bands: bool = True,
    unit: str = "",
    width: int = 640,
    height: int = 220,
) -> TrendChart:
    """Lines over a month axis, each value with its interval (value, low, high); a suppressed month
    (value None) breaks nothing but gets no point. Intervals are drawn as bands when ``bands``."""
    inner = width - PAD_LEFT - PAD_RIGHT
    step = inner / (len(months) - 1) if len(months) > 1 else 0
    xs = [round(PAD_LEFT + (step * i if len(months) > 1 else inner / 2), 1) for i in range(len(months))]
    lines = []
    for index, (label, values) in enumerate(series):
        known = [(xs[i], v, lo, hi) for i, (v, lo, hi) in enumerate(values) if v is not None]
        points = [
            Point(x=x, y=_y(v, top, height), label=months[xs.index(x)], value=f"{v:g}{unit}") for x, v, _, _ in known
        ]
        band = ""
        if bands and all(lo is not None and hi is not None for _, _, lo, hi in known) and len(known) > 1:
            upper = [f"{x},{_y(hi or 0, top, height)}" for x, _, _, hi in known]
            lower = [f"{x},{_y(lo or 0, top, height)}" for x, _, lo, _ in reversed(known)]
            band = " ".join(upper + lower)
        lines.append(
            TrendLine(
                label=label,
                css=f"series-{index % 6}",
                polyline=" ".join(f"{p.x},{p.y}" for p in points),
                band=band,
                points=points,
            )
        )
    return TrendChart(
        width=width,
        height=height,
        lines=lines,
        ticks=list(zip(xs, months, strict=True)),
        gridlines=_grid(top, height, unit=unit),
    )
