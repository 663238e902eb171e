"""QR codes in the terminal: a ``segno`` matrix drawn with Unicode half blocks (two rows a line)."""

from __future__ import annotations

from typing import Iterable, Optional

# (top is dark, bottom is dark) -> character, drawing *light* modules as ink: a terminal with a
# dark background then shows dark modules as background, which is what scanners expect.
_LIGHT_INK = {(False, False): "█", (False, True): "▀", (True, False): "▄", (True, True): " "}
_DARK_INK = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def render_matrix(rows: Iterable[Iterable[int]], *, invert: bool = False) -> str:
    """Draw a module matrix (truthy = dark), two rows per line of text.

    By default light modules are drawn as blocks (for dark terminals); ``invert=True`` draws
    the dark modules instead (for light terminals).
    """
    table = _DARK_INK if invert else _LIGHT_INK
    matrix = [[bool(cell) for cell in row] for row in rows]
    if not matrix:
        return ""
    width = len(matrix[0])
    if len(matrix) % 2:
        matrix.append([False] * width)  # a light row below the last one
    lines = []
    for top, bottom in zip(matrix[0::2], matrix[1::2]):
        lines.append("".join(table[(t, b)] for t, b in zip(top, bottom)))
    return "\n".join(lines)


def qr_text(data: str, *, border: int = 2, invert: bool = False) -> Optional[str]:
    """``data`` as a terminal QR code, or ``None`` when ``segno`` is not installed."""
    try:
        import segno
    except ImportError:
        return None
    code = segno.make(data, error="m", micro=False)
    return render_matrix(code.matrix_iter(border=border), invert=invert)
