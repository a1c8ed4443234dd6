"""Charts of the consultation report, drawn by matplotlib from the snapshot's plain dicts.

SVG keeps its text as text (``svg.fonttype = 'none'``, DejaVu Sans from the system), so the
PDF stays searchable; DOCX gets the same chart as PNG. Every chart carries an alt text that
states its figures. matplotlib is imported inside the functions (heavy, workers only)."""

import io
import textwrap
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

PALETTE = ["#0b4f8a", "#4f8fc0", "#f0a35e", "#c7501a", "#8e9aaf", "#1c6b34", "#8a5a00"]
POOL_COLOUR = "#b8c4d2"
BAR_COLOUR = "#0b4f8a"
MAX_LABEL = 42


@dataclass
class Chart:
    """What to draw: ``kind`` is "bars", "grouped", "stacked" or "pie"."""

    kind: str
    title: str
    labels: list[str]
    series: list[tuple[str, list[float]]]  # (series name, shares 0..1 per label)
    counts: list[list[int]] = field(default_factory=list)  # per series, per label
    categories: list[str] = field(default_factory=list)  # stacked: the scale
    note: str = ""
    alt: str = ""


def _pct(share: float) -> str:
    return f"{round(share * 100)}%"


def _wrap(label: str, width: int = MAX_LABEL) -> str:
    return "\n".join(textwrap.wrap(label, width)[:3]) or label


# --- chart specifications from the snapshot -----------------------------------------------


def question_charts(question: dict) -> list[Chart]:
    """The charts of one survey question: bars for closed questions (pie for a two-option
    one), grouped bars for two-column questions, a stacked bar per row for Likert grids."""
    title = f"Q{question['number']}. {question['text']}"
    charts: list[Chart] = []
    if question["rows"]:
        rows = [r for r in question["rows"] if r["base"]]
        if not rows:
            return []
        categories = [o["label"] for o in rows[0]["options"]]
        series = [
            (cat, [r["options"][i]["share"] for r in rows]) for i, cat in enumerate(categories)
        ]
        counts = [[r["options"][i]["count"] for r in rows] for i in range(len(categories))]
        base = max(r["base"] for r in rows)
        chart = Chart(
            kind="stacked",
            title=title,
            labels=[r["label"] for r in rows],
            series=series,
            counts=counts,
            categories=categories,
            note=_("n = %(base)s of %(responses)s responses")
            % {"base": base, "responses": question["responses"]},
        )
        chart.alt = _stacked_alt(chart)
        charts.append(chart)
    elif question["columns"]:
        columns = [c for c in question["columns"] if c["options"]]
        if not columns or not any(c["base"] for c in columns):
            return []
        labels = [o["label"] for o in columns[0]["options"]]
        chart = Chart(
            kind="grouped",
            title=title,
            labels=labels,
            series=[
                (f"{c['title']} (n = {c['base']})", [o["share"] for o in c["options"]])
                for c in columns
            ],
            counts=[[o["count"] for o in c["options"]] for c in columns],
            note=_("%(responses)s responses") % {"responses": question["responses"]},
        )
        chart.alt = _bars_alt(chart)
        charts.append(chart)
    elif question["closed"] and question["closed"]["base"]:
        closed = question["closed"]
        kind = "pie" if len(closed["options"]) == 2 else "bars"
        chart = Chart(
            kind=kind,
            title=title,
            labels=[o["label"] for o in closed["options"]],
            series=[("", [o["share"] for o in closed["options"]])],
            counts=[[o["count"] for o in closed["options"]]],
            note=_("n = %(base)s of %(responses)s responses")
            % {"base": closed["base"], "responses": question["responses"]},
        )
        if question["kind"] == "multiple":
            chart.note += " · " + _("several answers possible")
        chart.alt = _bars_alt(chart)
        charts.append(chart)
    return charts


def profile_chart(dimension: dict) -> Chart | None:
    """Participants' share beside the pool's share for one profile dimension."""
    rows = dimension["rows"]
    if not rows:
        return None
    chart = Chart(
        kind="grouped",
        title=dimension["title"],
        labels=[r["label"] for r in rows],
        series=[
            (
                _("Participants (n = %(n)s)") % {"n": dimension["base"]},
                [r["share"] for r in rows],
            ),
            (
                _("Pool (n = %(n)s)") % {"n": dimension["pool_base"]},
                [r["pool_share"] for r in rows],
            ),
        ],
        counts=[[r["count"] for r in rows], [r["pool_count"] for r in rows]],
        note=_("several values per organisation possible") if dimension["multiple"] else "",
    )
    chart.alt = _bars_alt(chart)
    return chart


def _bars_alt(chart: Chart) -> str:
    kinds = {
        "bars": _("Horizontal bar chart"),
        "grouped": _("Grouped horizontal bar chart"),
        "pie": _("Pie chart"),
    }
    parts = []
    for index, (name, shares) in enumerate(chart.series):
        values = "; ".join(
            f"{label}: {_pct(share)} ({chart.counts[index][i]})"
            for i, (label, share) in enumerate(zip(chart.labels, shares, strict=True))
        )
        parts.append(f"{name}: {values}" if name else values)
    return f"{kinds[chart.kind]}: {chart.title}. {chart.note}. " + ". ".join(parts) + "."


def _stacked_alt(chart: Chart) -> str:
    rows = []
    for i, label in enumerate(chart.labels):
        values = ", ".join(
            f"{cat} {_pct(chart.series[c][1][i])}" for c, cat in enumerate(chart.categories)
        )
        rows.append(f"{label}: {values}")
    return f"{_('Stacked bar chart')}: {chart.title}. {chart.note}. " + "; ".join(rows) + "."


# --- drawing ----------------------------------------------------------------------------------

RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "coordinator-report",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _figure(chart: Chart):
    from matplotlib.figure import Figure

    n = len(chart.labels)
    if chart.kind == "pie":
        height = 2.6
    elif chart.kind == "grouped":
        lines = sum(min(len(textwrap.wrap(label, MAX_LABEL)), 3) for label in chart.labels)
        height = 1.0 + max(n * 0.17 * len(chart.series) + n * 0.08, lines * 0.15)
    elif chart.kind == "stacked":
        lines = sum(min(len(textwrap.wrap(label, 44)), 3) for label in chart.labels)
        height = 1.3 + max(n * 0.3, lines * 0.14 + n * 0.08)
    else:
        lines = sum(min(len(textwrap.wrap(label, MAX_LABEL)), 3) for label in chart.labels)
        height = 0.8 + max(n * 0.3, lines * 0.15 + n * 0.06)
    figure = Figure(figsize=(6.6, max(height, 1.6)), layout="constrained")
    ax = figure.subplots()
    if chart.kind == "pie":
        _draw_pie(ax, chart)
    elif chart.kind == "stacked":
        _draw_stacked(ax, chart)
    else:
        _draw_bars(ax, chart)
    if chart.note:
        figure.axes[0].set_xlabel(chart.note, fontsize=8, color="#55606e")
    return figure


def _draw_bars(ax, chart: Chart) -> None:
    labels = [_wrap(label) for label in chart.labels]
    positions = list(range(len(labels)))
    count = len(chart.series)
    height = 0.8 / count
    for index, (name, shares) in enumerate(chart.series):
        offsets = [p - 0.4 + height * (index + 0.5) for p in positions]
        colour = BAR_COLOUR if index == 0 else (POOL_COLOUR if count == 2 else PALETTE[index])
        bars = ax.barh(
            offsets, [s * 100 for s in shares], height=height, color=colour, label=name or None
        )
        ax.bar_label(
            bars,
            labels=[f"{_pct(s)} ({c})" for s, c in zip(shares, chart.counts[index], strict=True)],
            padding=2,
            fontsize=7.5,
        )
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 115)
    # Every bar carries its value: no percentage axis (fewer text objects, faster PDFs).
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    if count > 1:
        ax.figure.legend(loc="outside lower center", ncol=count, fontsize=7.5, frameon=False)


def _draw_stacked(ax, chart: Chart) -> None:
    labels = [_wrap(label, 44) for label in chart.labels]
    positions = list(range(len(labels)))
    left = [0.0] * len(labels)
    palette = ["#0b4f8a", "#6fa3d0", "#f0b27a", "#c7501a", "#8e9aaf", "#55606e"]
    for index, (name, shares) in enumerate(chart.series):
        widths = [s * 100 for s in shares]
        colour = palette[index % len(palette)]
        bars = ax.barh(positions, widths, left=left, color=colour, label=name, height=0.7)
        text_colour = "white" if index in (0, 3) else "#1d2733"
        ax.bar_label(
            bars,
            labels=[_pct(s) if s >= 0.08 else "" for s in shares],
            label_type="center",
            fontsize=7,
            color=text_colour,
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="y", length=0, labelsize=7.5)
    ax.figure.legend(
        loc="outside lower center", ncol=min(len(chart.series), 4), fontsize=7.5, frameon=False
    )


def _draw_pie(ax, chart: Chart) -> None:
    shares = chart.series[0][1]
    counts = chart.counts[0]
    ax.pie(
        [max(s, 0) for s in shares],
        labels=[
            f"{label}\n{_pct(s)} ({c})"
            for label, s, c in zip(chart.labels, shares, counts, strict=True)
        ],
        colors=PALETTE[: len(shares)],
        startangle=90,
        counterclock=False,
        wedgeprops={"linewidth": 1, "edgecolor": "white"},
        textprops={"fontsize": 8.5},
    )
    ax.set_aspect("equal")


# One drawing serves the PDF (SVG) and the DOCX (PNG) of a generation: the figure is drawn
# once and both formats are kept for the next call with the same chart.
_CACHE: dict[str, tuple[str, bytes]] = {}
_CACHE_SIZE = 64


def _draw(chart: Chart) -> tuple[str, bytes]:
    key = repr(chart)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    import matplotlib

    matplotlib.use("Agg")
    with matplotlib.rc_context(RC):
        figure = _figure(chart)
        svg_buffer = io.StringIO()
        figure.savefig(svg_buffer, format="svg", metadata={"Date": None, "Creator": None})
        png_buffer = io.BytesIO()
        figure.savefig(png_buffer, format="png", dpi=110, metadata={"Software": None})
    svg = svg_buffer.getvalue()
    result = (svg[svg.index("<svg") :], png_buffer.getvalue())
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = result
    return result


def chart_svg(chart: Chart) -> str:
    """The chart as SVG with its text as text (DejaVu Sans)."""
    return _draw(chart)[0]


def chart_png(chart: Chart) -> bytes:
    """The chart as PNG (110 dpi: 15 cm wide in Word), for the DOCX."""
    return _draw(chart)[1]
