"""Vega-Lite specifications of the charts saved queries declare (``GET /api/queries/<name>/chart``).

A saved query's header may declare a chart (:class:`kg.catalogue.Chart`): a **forest plot**
(one row per label, each estimate a point with its 95% interval as a rule, on a log axis,
flagged rows marked) or a **line** chart (``y`` over ``x``, an interval band when declared,
flagged points marked). The specification is bound to the query's own answer as CSV (its
``results`` URL with the same parameters and ``format=csv``), so a dashboard that embeds it
stays in step with the query; numbers are parsed by Vega-Lite (``format.parse``). Nothing is
computed here from the data.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from typing import Any

import vl_convert

from kg.catalogue import Chart

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
"""The Vega-Lite version the specifications follow (an identifier: nothing is fetched)."""

FONT = "DejaVu Sans, Verdana, sans-serif"
"""The font of the charts pvkg draws (DejaVu Sans: Debian's default, which vl-convert finds)."""

DRAWN = 64
"""Charts kept drawn (SVG) per web worker."""


def spec(chart: Chart, title: str, data_url: str) -> dict[str, Any]:
    """The Vega-Lite specification of ``chart`` over the CSV at ``data_url``."""
    numbers = _numeric(chart)
    data = {"url": data_url, "format": {"type": "csv", "parse": dict.fromkeys(numbers, "number")}}
    body = _forest(chart) if chart.kind == "forest" else _line(chart)
    return {"$schema": SCHEMA, "title": title, "data": data, **body}


def inline(chart: Chart, title: str, rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The specification of ``chart`` with the rows given in it (for pages pvkg draws)."""
    drawn = spec(chart, title, "")
    drawn["data"] = {"values": [dict(row) for row in rows]}
    drawn["width"] = 560
    # measured and drawn in one font (vl-convert measures text with the fonts it finds here;
    # a browser with another default font would overflow the labels it measured)
    drawn["config"] = {"font": FONT}
    return drawn


def svg(specification: Mapping[str, Any]) -> str:
    """The chart as SVG, drawn on the server by Vega-Lite itself (``vl-convert-python``, which
    bundles the Vega runtime): the page needs no script and nothing from another host, and
    draws the same specification a dashboard gets. About 50 ms a chart after the first
    (0.7 s, the runtime starting); a chart drawn before (the same specification, data
    included, so a new dataset version draws anew) is taken from a cache."""
    return _drawn(json.dumps(specification, sort_keys=True))


def warm_up() -> None:
    """Start the Vega runtime by drawing a tiny chart (about a second, once per process), so
    that the first page with a plot does not wait for it; run it in a thread at start-up."""
    vl_convert.vegalite_to_svg(vl_spec={"mark": "point", "data": {"values": [{"x": 1}]}})


@functools.lru_cache(maxsize=DRAWN)
def _drawn(specification: str) -> str:
    return str(vl_convert.vegalite_to_svg(vl_spec=json.loads(specification)))


def _numeric(chart: Chart) -> list[str]:
    if chart.kind == "forest":
        return [column for estimate in chart.estimates for column in estimate[1:]]
    return [chart.fields[role] for role in ("y", "lower", "upper") if role in chart.fields]


def _flag(chart: Chart) -> dict[str, Any]:
    flag = chart.fields.get("flag")
    if flag is None:
        return {}
    return {"shape": {"field": flag, "type": "nominal", "title": "signal"}}


def _forest(chart: Chart) -> dict[str, Any]:
    label = chart.fields["label"]
    y = {"field": label, "type": "nominal", "sort": None, "title": None}
    layers = []
    for name, estimate, lower, upper in chart.estimates:
        x = {"field": estimate, "type": "quantitative", "scale": {"type": "log"}, "title": None}
        where = {"yOffset": {"datum": name}, "color": {"datum": name, "title": "estimate"}}
        layers.append(
            {
                "transform": [{"filter": f"isValid(datum['{estimate}'])"}],
                "layer": [
                    {
                        "mark": "rule",
                        "encoding": {
                            "y": y,
                            "x": {**x, "field": lower},
                            "x2": {"field": upper},
                            **where,
                        },
                    },
                    {
                        "mark": {"type": "point", "filled": True},
                        "encoding": {"y": y, "x": x, **where, **_flag(chart)},
                    },
                ],
            }
        )
    reference = {"mark": {"type": "rule", "strokeDash": [4, 4]}, "encoding": {"x": {"datum": 1}}}
    return {"layer": [*layers, reference], "width": "container"}


def _line(chart: Chart) -> dict[str, Any]:
    fields = chart.fields
    x = {"field": fields["x"], "type": "ordinal"}
    y = {"field": fields["y"], "type": "quantitative", "scale": {"type": "log"}}
    series = {"color": {"field": fields["series"], "type": "nominal"}} if "series" in fields else {}
    layers: list[dict[str, Any]] = []
    if "lower" in fields and "upper" in fields:
        band = {"x": x, "y": {**y, "field": fields["lower"]}, "y2": {"field": fields["upper"]}}
        layers.append({"mark": {"type": "area", "opacity": 0.2}, "encoding": {**band, **series}})
    layers.append({"mark": "line", "encoding": {"x": x, "y": y, **series}})
    layers.append(
        {
            "mark": {"type": "point", "filled": True},
            "encoding": {"x": x, "y": y, **series, **_flag(chart)},
        }
    )
    return {"layer": layers, "width": "container"}
