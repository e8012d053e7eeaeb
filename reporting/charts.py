"""Small inline SVG charts for the PDF impact reports (WeasyPrint draws inline SVG; no JavaScript).

Each function returns one self-contained `<svg>` string. Values are drawn on a linear scale
that always includes zero, so a negative progress score or a baseline above its target still
reads correctly; every label is XML-escaped.
"""

from decimal import Decimal
from xml.sax.saxutils import escape

BASELINE_COLOUR = "#b1b4b6"
TARGET_COLOUR = "#1d70b8"
ACTUAL_COLOUR = "#00703c"
ACTUAL_SHORT_COLOUR = "#f47738"
PAID_COLOUR = "#1d70b8"
SPEND_COLOUR = "#00703c"
TRACK_COLOUR = "#f3f2f1"
TEXT_COLOUR = "#0b0c0c"

LABEL_WIDTH = 110
VALUE_WIDTH = 120
BAR_HEIGHT = 16
GAP = 6


def _number(value) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _scale(values, width: float):
    """Map a value to an x position (and the x of zero) on [min(0, values), max(0, values)]."""
    low = min([Decimal(0), *values])
    high = max([Decimal(0), *values])
    span = high - low or Decimal(1)

    def x(value) -> float:
        return float((Decimal(value) - low) / span) * width

    return x, x(0)


def _svg(width: float, height: float, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" '
        f'font-family="DejaVu Sans, sans-serif" font-size="10">' + "".join(body) + "</svg>"
    )


def bar_chart(bars: list[tuple[str, object, str]], *, width: int = 460, title: str = "", unit: str = "") -> str:
    """Horizontal bars: each (label, value, colour). A value of None draws an empty track marked 'none yet'."""
    plot_width = width - LABEL_WIDTH - VALUE_WIDTH
    known = [Decimal(v) for _, v, _ in bars if v is not None]
    x, zero = _scale(known, plot_width)
    body = []
    suffix = f" {escape(unit)}" if unit else ""
    for i, (label, value, colour) in enumerate(bars):
        y = i * (BAR_HEIGHT + GAP)
        body.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 4}" text-anchor="end" fill="{TEXT_COLOUR}">'
            f"{escape(label)}</text>"
        )
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{plot_width}" height="{BAR_HEIGHT}" fill="{TRACK_COLOUR}"/>'
        )
        if value is None:
            text = "none yet"
        else:
            left, right = sorted((zero, x(value)))
            body.append(
                f'<rect class="bar" x="{LABEL_WIDTH + left:.1f}" y="{y}" width="{right - left:.1f}" '
                f'height="{BAR_HEIGHT}" fill="{colour}"/>'
            )
            text = _number(value) + suffix
        body.append(
            f'<text x="{LABEL_WIDTH + plot_width + 6}" y="{y + BAR_HEIGHT - 4}" fill="{TEXT_COLOUR}">{text}</text>'
        )
    if known and min(known) < 0:
        body.append(
            f'<line x1="{LABEL_WIDTH + zero:.1f}" y1="0" x2="{LABEL_WIDTH + zero:.1f}" '
            f'y2="{len(bars) * (BAR_HEIGHT + GAP) - GAP}" stroke="{TEXT_COLOUR}" stroke-width="1"/>'
        )
    height = len(bars) * (BAR_HEIGHT + GAP) - GAP
    return _svg(width, max(height, BAR_HEIGHT), body, title)


def indicator_chart(*, name: str, unit: str, baseline, target, actual, direction: str = "increase") -> str:
    """Baseline, target and the actual so far for one indicator. The actual bar is green once it has
    reached the target in the indicator's direction, amber until then."""
    reached = actual is not None and (
        Decimal(actual) >= Decimal(target) if direction != "decrease" else Decimal(actual) <= Decimal(target)
    )
    return bar_chart(
        [
            ("Baseline", baseline, BASELINE_COLOUR),
            ("Target", target, TARGET_COLOUR),
            ("Actual", actual, ACTUAL_COLOUR if reached else ACTUAL_SHORT_COLOUR),
        ],
        title=f"{name}: baseline, target and actual",
        unit=unit,
    )


def money_chart(*, awarded, paid, spent, width: int = 460) -> str:
    """Money against the amount awarded: a full track for the award, bars for paid and reported spend."""
    awarded = Decimal(awarded or 0)
    bars = [("Awarded", awarded, TARGET_COLOUR), ("Paid", Decimal(paid or 0), PAID_COLOUR)]
    bars.append(("Reported spend", Decimal(spent or 0), SPEND_COLOUR))
    plot_width = width - LABEL_WIDTH - VALUE_WIDTH
    x, _zero = _scale([b[1] for b in bars], plot_width)
    body = []
    for i, (label, value, colour) in enumerate(bars):
        y = i * (BAR_HEIGHT + GAP)
        body.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 4}" text-anchor="end" fill="{TEXT_COLOUR}">'
            f"{escape(label)}</text>"
        )
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{plot_width}" height="{BAR_HEIGHT}" fill="{TRACK_COLOUR}"/>'
        )
        body.append(
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{x(value):.1f}" height="{BAR_HEIGHT}" '
            f'fill="{colour}"/>'
        )
        body.append(
            f'<text x="{LABEL_WIDTH + plot_width + 6}" y="{y + BAR_HEIGHT - 4}" fill="{TEXT_COLOUR}">'
            f"£{value:,.2f}</text>"
        )
    height = len(bars) * (BAR_HEIGHT + GAP) - GAP
    return _svg(width, height, body, "Money: awarded, paid and reported spend")
