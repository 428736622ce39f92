"""A stacked-bar SVG of a Chart, drawn as plain geometry so the HTML brief needs no script."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from caibao.brief import formatting as fmt
from caibao.brief.model import Chart

COLOURS = ("#1f5fa8", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1")
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 760, 320, 64, 16, 16, 48


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    tip: str


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class Axis:
    x: float
    text: str


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    axis: tuple[Axis, ...]
    legend: tuple[tuple[str, str], ...]


def layout(chart: Chart, lang: str) -> Geometry:
    totals = [sum((s.values[i] or Decimal(0) for s in chart.series), Decimal(0)) for i in range(len(chart.labels))]
    top = _nice_ceiling(max(totals) if totals else Decimal(1))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(chart.labels)
    bars, axis = [], []
    for i, label in enumerate(chart.labels):
        base = Decimal(0)
        for n, series in enumerate(chart.series):
            value = series.values[i]
            if value is None or value <= 0:
                continue
            y0 = TOP + plot_h * float(1 - (base + value) / top)
            height = plot_h * float(value / top)
            tip = f"{series.name} {label}: {fmt.millions(value, lang)}"
            bars.append(Bar(LEFT + slot * i + slot * 0.15, y0, slot * 0.7, height, COLOURS[n % len(COLOURS)], tip))
            base += value
        axis.append(Axis(LEFT + slot * (i + 0.5), label))
    ticks = tuple(Tick(TOP + plot_h * (1 - k / 4), fmt.millions(top * k / 4, lang)) for k in range(5))
    legend = tuple((s.name, COLOURS[n % len(COLOURS)]) for n, s in enumerate(chart.series))
    return Geometry(WIDTH, HEIGHT, tuple(bars), ticks, tuple(axis), legend)


def _nice_ceiling(value: Decimal) -> Decimal:
    """The smallest ceiling at or above value whose quarters (the four ticks) are round numbers."""
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (value.adjusted())
    for step in (Decimal(x) for x in ("1", "1.2", "1.6", "2", "2.4", "3.2", "4", "4.8", "6", "8", "10")):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude
