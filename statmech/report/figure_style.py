"""How report figures are printed, and the finishing applied to each before it is saved.

A figure is printed at :func:`printed_width` (full text width when it is wide,
as multi-panel figures are; its natural size, at most three quarters of the
text width, otherwise).  Before a report figure is saved (the hook in
:mod:`statmech.report.figure_data`), :func:`finish` makes it readable at that
size:

- tick labels, axis labels, legends and titles are at least :data:`MIN_PT`
  points once printed;
- symbols spelled in ASCII in titles, labels and legends (``T_c``, ``<|m|>``,
  ``N -> oo``, ``omega``) are set as mathtext, as the prose of the report is;
- a title wider than its panel is set smaller (down to :data:`MIN_PT`).
"""

from __future__ import annotations

from pathlib import Path

#: The LaTeX text width in inches (US letter with 2 cm margins: 8.5 in - 4 cm).
TEXTWIDTH_IN = 8.5 - 4 / 2.54
#: A figure at least this wide (inches) is printed at the full text width.
WIDE_IN = 7.0
#: The smallest printed font size of any text in a figure (points).
MIN_PT = 8.0


def printed_width(figure_width_in: float) -> float:
    """The printed width (inches) of a figure ``figure_width_in`` inches wide."""
    if figure_width_in >= WIDE_IN:
        return TEXTWIDTH_IN
    return min(figure_width_in, 0.75 * TEXTWIDTH_IN)


def png_width_in(path: Path) -> float | None:
    """A PNG's width in inches, from its pixels and resolution; None if unknown."""
    try:
        from PIL import Image

        with Image.open(path) as im:
            dpi = im.info.get("dpi")
            if not dpi or not dpi[0]:
                return None
            return im.size[0] / float(dpi[0])
    except (OSError, ImportError, ValueError):
        return None


def latex_width(path: Path) -> str:
    r"""The ``width=`` of ``\includegraphics`` for the PNG at ``path``."""
    w = png_width_in(path)
    if w is None:
        return "0.75\\textwidth"
    return f"{min(printed_width(w) / TEXTWIDTH_IN, 1.0):.2f}\\textwidth"


def _mathtext(text: str) -> str:
    """``text`` with ASCII-spelled symbols as mathtext, if mathtext can parse it."""
    if not text or "$" in text:
        return text
    from matplotlib.mathtext import MathTextParser

    from statmech.derive.render import markdown_prose

    out = markdown_prose(text)
    if out == text:
        return text
    out = out.replace(r"\lvert", "|").replace(r"\rvert", "|")
    try:
        MathTextParser("path").parse(out)
    except Exception:  # noqa: BLE001 - any parse failure: keep the plain text
        return text
    return out


def _texts(fig):
    for ax in fig.axes:
        yield ax.title
        yield ax._left_title  # noqa: SLF001 - matplotlib keeps these titles apart
        yield ax._right_title  # noqa: SLF001
        yield ax.xaxis.label
        yield ax.yaxis.label
        legend = ax.get_legend()
        if legend is not None:
            yield from legend.get_texts()
            yield legend.get_title()
    if fig._suptitle is not None:  # noqa: SLF001
        yield fig._suptitle  # noqa: SLF001


def finish(fig) -> None:
    """Make ``fig`` readable at its printed size (see the module's description)."""
    width = fig.get_size_inches()[0]
    scale = printed_width(width) / width
    least = MIN_PT / scale
    changed = False
    for text in _texts(fig):
        new = _mathtext(text.get_text())
        if new != text.get_text():
            text.set_text(new)
            changed = True
        if text.get_text() and text.get_fontsize() < least:
            text.set_fontsize(least)
            changed = True
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for which in ("major", "minor"):
                ticks = axis.get_major_ticks() if which == "major" else axis.get_minor_ticks()
                if ticks and ticks[0].label1.get_fontsize() < least:
                    ax.tick_params(
                        axis="x" if axis is ax.xaxis else "y", which=which, labelsize=least
                    )
                    changed = True
    if changed and not fig.get_constrained_layout():
        _relayout(fig)
    _fit_titles(fig, least)


def _relayout(fig) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fig.tight_layout()
        except (ValueError, RuntimeError):
            pass


def _fit_titles(fig, least: float) -> None:
    """Set smaller a title wider than its panel (not below ``least`` points)."""
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        title = ax.title
        if not title.get_text():
            continue
        room = ax.get_window_extent(renderer).width
        size = title.get_fontsize()
        while size > least and title.get_window_extent(renderer).width > 1.02 * room:
            size = max(least, size * 0.92)
            title.set_fontsize(size)
