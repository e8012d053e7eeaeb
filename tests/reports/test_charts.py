"""The SVG chart helper: bars proportional to values, zero always on the scale, labels escaped."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from reporting import charts

NS = {"svg": "http://www.w3.org/2000/svg"}


def bars(svg: str) -> list[dict]:
    root = ET.fromstring(svg)  # also proves the SVG is well-formed XML
    return [
        {k: float(rect.get(k)) for k in ("x", "width")} | {"fill": rect.get("fill")}
        for rect in root.findall("svg:rect[@class='bar']", NS)
    ]


def texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).findall("svg:text", NS)]


def test_indicator_bars_are_proportional_to_baseline_target_and_actual():
    svg = charts.indicator_chart(name="Children reached", unit="children", baseline=100, target=500, actual=250)
    baseline, target, actual = bars(svg)
    assert abs(baseline["width"] / target["width"] - 0.2) < 0.01
    assert abs(actual["width"] / target["width"] - 0.5) < 0.01
    assert actual["fill"] == charts.ACTUAL_SHORT_COLOUR  # not there yet
    assert "250 children" in texts(svg) and "500 children" in texts(svg)


def test_actual_turns_green_once_the_target_is_reached_in_its_direction():
    up = charts.indicator_chart(name="x", unit="%", baseline=90, target=95, actual=Decimal("95.5"))
    down = charts.indicator_chart(name="x", unit="%", baseline=24, target=18, actual=17, direction="decrease")
    not_down = charts.indicator_chart(name="x", unit="%", baseline=24, target=18, actual=20, direction="decrease")
    assert bars(up)[2]["fill"] == charts.ACTUAL_COLOUR
    assert bars(down)[2]["fill"] == charts.ACTUAL_COLOUR
    assert bars(not_down)[2]["fill"] == charts.ACTUAL_SHORT_COLOUR


def test_no_actual_yet_draws_no_bar_and_says_so():
    svg = charts.indicator_chart(name="x", unit="teachers", baseline=0, target=30, actual=None)
    assert len(bars(svg)) == 2
    assert "none yet" in texts(svg)


def test_negative_values_sit_left_of_a_zero_line():
    svg = charts.indicator_chart(name="Progress score", unit="points", baseline=-1.6, target=0.5, actual=-1.1)
    baseline, target, actual = bars(svg)
    zero = baseline["x"] + baseline["width"]  # a negative bar ends at zero
    assert abs(target["x"] - zero) < 0.2  # a positive bar starts there
    assert abs(actual["x"] + actual["width"] - zero) < 0.2
    assert actual["x"] > baseline["x"]  # -1.1 is shorter than -1.6
    assert ET.fromstring(svg).find("svg:line", NS) is not None
    assert "-1.1 points" in texts(svg)


def test_all_zero_values_do_not_divide_by_zero():
    svg = charts.indicator_chart(name="x", unit="", baseline=0, target=0, actual=0)
    assert all(b["width"] == 0 for b in bars(svg))


def test_labels_and_units_are_escaped():
    svg = charts.indicator_chart(name='Pupils <KS2> & "friends"', unit="<b>", baseline=0, target=1, actual=1)
    root = ET.fromstring(svg)
    assert root.get("aria-label").startswith('Pupils <KS2> & "friends"')
    assert "1 <b>" in texts(svg)


def test_money_chart_measures_paid_and_spend_against_the_award():
    svg = charts.money_chart(awarded=Decimal("40000.00"), paid=Decimal("10000.00"), spent=Decimal("30000.00"))
    awarded, paid, spent = bars(svg)
    assert abs(paid["width"] / awarded["width"] - 0.25) < 0.01
    assert abs(spent["width"] / awarded["width"] - 0.75) < 0.01
    assert texts(svg)[-1] == "£30,000.00"
    assert "£40,000.00" in texts(svg)


def test_money_chart_with_nothing_awarded_still_draws():
    svg = charts.money_chart(awarded=None, paid=0, spent=0)
    assert [b["width"] for b in bars(svg)] == [0, 0, 0]
