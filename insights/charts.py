"""Charts as inline SVG: no script, no file to fetch, no ``style`` attribute (the site's
CSP is ``style-src 'self'``), so colours and fonts are SVG presentation attributes.

Every chart is horizontal bars, one row per item, its name on a line above the bars,
300 units wide: on a phone (about 300 px of content) the text is at its full size, however
many days or topics there are, and each bar carries its number as text (the colours are
never the only way to read it).
"""

from __future__ import annotations

from html import escape
from typing import List, Sequence, Tuple

WIDTH = 300
LABEL_CHARS = 40
BAR_SPACE = WIDTH - 44  # room for the number after the longest bar
FONT = 'font-family="system-ui, sans-serif" font-size="14"'
INK = "#1f2933"
COLOURS = {
    "primary": "#1d4e89",
    "secondary": "#7fa7d6",
    "answered": "#1d6b3a",
    "clarified": "#a86500",
    "declined": "#b3261e",
}


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def _svg(title: str, height: int, body: List[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" {FONT} fill="{INK}">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _bar(y: float, length: float, height: float, colour: str, value: int) -> List[str]:
    length = max(length, 1.5 if value else 0)
    return [
        f'<rect x="0" y="{y:.1f}" width="{length:.1f}" height="{height:.1f}" '
        f'fill="{COLOURS[colour]}"/>',
        f'<text x="{length + 4:.1f}" y="{y + height - 1:.1f}">{value:,}</text>',
    ]


def _row_label(text: str, y: float) -> str:
    """The row's name on its own line above its bars (the whole width: long topic titles
    stay readable on a phone); the full text as a tooltip when it is cut."""
    return f'<text x="0" y="{y:.1f}"><title>{escape(text)}</title>{escape(_label(text))}</text>'


def bar_chart(title: str, rows: Sequence[Tuple[str, int]], colour: str = "primary") -> str:
    """One bar per row: ``(label, value)``."""
    top = max((v for _, v in rows), default=0) or 1
    body: List[str] = []
    for i, (label, value) in enumerate(rows):
        y = i * 40
        body.append(_row_label(label, y + 15))
        body += _bar(y + 20, BAR_SPACE * value / top, 14, colour, value)
    return _svg(title, max(len(rows), 1) * 40, body)


def paired_bar_chart(
    title: str, names: Tuple[str, str], rows: Sequence[Tuple[str, int, int]]
) -> str:
    """Two bars per row, ``(label, first, second)``, on one scale, with a legend on top."""
    top = max((max(a, b) for _, a, b in rows), default=0) or 1
    body = [
        f'<rect x="0" y="3" width="12" height="12" fill="{COLOURS["primary"]}"/>',
        f'<text x="17" y="14">{escape(names[0])}</text>',
        f'<rect x="140" y="3" width="12" height="12" fill="{COLOURS["secondary"]}"/>',
        f'<text x="157" y="14">{escape(names[1])}</text>',
    ]
    for i, (label, first, second) in enumerate(rows):
        y = 26 + i * 54
        body.append(_row_label(label, y + 15))
        body += _bar(y + 20, BAR_SPACE * first / top, 12, "primary", first)
        body += _bar(y + 34, BAR_SPACE * second / top, 12, "secondary", second)
    return _svg(title, 26 + max(len(rows), 1) * 54, body)


def share_bar(title: str, parts: Sequence[Tuple[str, int]]) -> str:
    """One bar split into ``(name, count)`` parts (names are keys of ``COLOURS``), each
    named with its count and percentage underneath."""
    total = sum(count for _, count in parts) or 1
    body, x = [], 0.0
    for name, count in parts:
        width = WIDTH * count / total
        if width:
            body.append(
                f'<rect x="{x:.1f}" y="0" width="{width:.1f}" height="22" fill="{COLOURS[name]}"/>'
            )
        x += width
    for i, (name, count) in enumerate(parts):
        y = 34 + i * 24
        body.append(f'<rect x="0" y="{y}" width="13" height="13" fill="{COLOURS[name]}"/>')
        share = f"{100 * count / total:.0f} %"
        body.append(f'<text x="19" y="{y + 12}">{escape(name)}: {count:,} ({share})</text>')
    return _svg(title, 34 + len(parts) * 24, body)
