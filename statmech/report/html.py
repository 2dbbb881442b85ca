r"""``statmech report --format html``: the report as a static web site.

Each section becomes one page, beside an index with the table of contents.  The
math is typeset when the site is built: every ``$...$`` and ``$$...$$`` of the
sections' Markdown becomes MathML (``latex2mathml``), which browsers draw
natively, so the pages need no script and no network at read time.  An equation
that MathML cannot carry faithfully is drawn to SVG by matplotlib's mathtext; one
that neither can draw stops the build, naming it, rather than leaving LaTeX
source on the page.  Figures are copied beside the pages, each captioned with
the command that reproduces it.

The same sections are also written as Markdown pages with YAML front matter
(``title``, ``order``), ready for a Jekyll or MkDocs site.
"""

from __future__ import annotations

import errno
import hashlib
import html
import json
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

SITE = "html"
PAGES = "markdown"
CSS = "report.css"


class MathError(ValueError):
    """An equation that neither MathML nor mathtext can typeset."""


def front_matter(title: str, order: int) -> str:
    """YAML front matter for a Jekyll or MkDocs page (a JSON string is valid YAML)."""
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\norder: {int(order)}\n---\n\n"


# --- math ---------------------------------------------------------------------------------

# Commands that only matter to LaTeX's numbering, and environments latex2mathml knows by
# another name.
_DROP = re.compile(r"\\(?:nonumber|notag)\b|\\label\{[^{}]*\}")
_RENAME = {r"\begin{aligned}": r"\begin{split}", r"\end{aligned}": r"\end{split}"}
# Text left in a token element that still carries TeX: an unknown command or a stray
# alignment mark.
_TOKEN = re.compile(r"<(mi|mo|mn|mtext|ms)\b[^>]*>([^<]*)</\1>")


# Function names (log, tanh, ...) come out as <mi>, which MathML Core sets without TeX's
# thin spaces ("TlogZ"); they become operators spaced as TeX spaces \log: a thin space on
# each side, none before an opening parenthesis.
_NAME = re.compile(r"<mi>([A-Za-z]{2,})</mi>")
_SCRIPT = re.compile(r"(?:<mrow>)?<m[in][^>]*>[^<]*</m[in]>(?:</mrow>)?</msu[bp]>")
_OPEN = re.compile(r"(?:<mrow>)*<mo[^>]*>(?:&#x00028;|&#x0005B;|\(|\[|&#x0007B;)")


def _space_names(mathml: str) -> str:
    def name(m):
        rest = mathml[m.end() :]
        script = _SCRIPT.match(rest)
        if script:
            rest = rest[script.end() :]
        right = "0" if _OPEN.match(rest) else "0.1667em"
        return f'<mo lspace="0.1667em" rspace="{right}">{m.group(1)}</mo>'

    slash = '<mo lspace="0" rspace="0">/</mo>'
    return _NAME.sub(name, mathml).replace("<mo>&#x0002F;</mo>", slash)


def _prepare(tex: str) -> str:
    tex = _DROP.sub("", tex)
    for old, new in _RENAME.items():
        tex = tex.replace(old, new)
    return tex.strip()


def latex_to_mathml(tex: str, display: bool = False) -> str:
    """MathML for one equation, or :class:`MathError` if any TeX would survive into it.

    The source is kept in an ``<annotation>`` (not drawn; copied with the equation).
    """
    from latex2mathml.converter import convert

    try:
        out = convert(_prepare(tex), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises its own and plain exceptions alike
        raise MathError(f"latex2mathml cannot read {tex!r}: {exc}") from None
    for _, text in _TOKEN.findall(out):
        text = html.unescape(text)
        if "\\" in text or "&" in text or "$" in text:
            raise MathError(f"latex2mathml leaves {text!r} of {tex!r} untypeset")
    open_tag, body = _space_names(out).split(">", 1)
    body = body.rsplit("</math>", 1)[0]
    note = html.escape(tex.strip(), quote=False)
    return (
        f'{open_tag}><semantics><mrow>{body}</mrow><annotation encoding="application/x-tex">'
        f"{note}</annotation></semantics></math>"
    )


def latex_to_svg(tex: str, path: Path) -> None:
    """Draw one equation to SVG with matplotlib's mathtext (glyphs as paths)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import mathtext, rc_context

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with rc_context({"svg.fonttype": "path", "mathtext.fontset": "cm"}):
            mathtext.math_to_image(f"${_prepare(tex)}$", str(path), format="svg")
    except Exception as exc:
        path.unlink(missing_ok=True)
        raise MathError(f"neither MathML nor mathtext can typeset {tex!r}: {exc}") from None


#: Inline formulas with more TeX than this are boxed so that they scroll on a phone.
WIDE = 40


class MathRenderer:
    """Turns the TeX of one equation into HTML; counts how each was done."""

    def __init__(self, site: Path):
        self.site = site
        self.mathml = 0
        self.svg: list[str] = []

    def __call__(self, tex: str, options: dict) -> str:
        display = bool(options.get("display_mode"))
        try:
            out = latex_to_mathml(tex, display)
            self.mathml += 1
        except MathError:
            name = "math/" + hashlib.sha1(tex.encode()).hexdigest()[:16] + ".svg"
            latex_to_svg(tex, self.site / name)
            self.svg.append(tex)
            alt = html.escape(tex.strip())
            out = f'<img class="math" src="{name}" alt="{alt}">'
        if not display and len(tex) > WIDE:
            # A line cannot break inside MathML: a long inline formula scrolls on its own
            # rather than widening the page on a narrow screen.
            return f'<span class="wide">{out}</span>'
        return out


# --- Markdown to HTML ---------------------------------------------------------------------


def _slug(text: str) -> str:
    text = re.sub(r"\$[^$]*\$", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "part"


def _markdown(math: MathRenderer):
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.use(dollarmath_plugin, double_inline=True, renderer=math)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=_slug)
    return md


def _kids(inline) -> list:
    """An inline token's children, less whitespace-only text."""
    return [t for t in (inline.children or []) if t.type != "text" or t.content.strip()]


def _figures(md, tokens, env, figure_html):
    """Replace each paragraph that holds only an image (and the emphasised caption that
    follows it) by a ``<figure>`` drawn by ``figure_html(src, caption_html)``."""
    from markdown_it.token import Token

    out, i = [], 0
    while i < len(tokens):
        t = tokens[i]
        if (
            t.type == "paragraph_open"
            and i + 2 < len(tokens)
            and tokens[i + 1].type == "inline"
            and [c.type for c in _kids(tokens[i + 1])] == ["image"]
        ):
            image = _kids(tokens[i + 1])[0]
            caption, skip = "", 3
            nxt = tokens[i + 3 : i + 6]
            if (
                len(nxt) == 3
                and nxt[0].type == "paragraph_open"
                and nxt[1].type == "inline"
                and nxt[1].children
                and nxt[1].children[0].type == "em_open"
                and nxt[1].children[-1].type == "em_close"
            ):
                caption = md.renderer.renderInline(nxt[1].children[1:-1], md.options, env)
                skip = 6
            if not caption:
                caption = md.renderer.renderInline(image.children or [], md.options, env)
            block = Token("html_block", "", 0)
            block.content = figure_html(image.attrGet("src"), caption)
            out.append(block)
            i += skip
            continue
        out.append(t)
        i += 1
    return out


# --- the site -----------------------------------------------------------------------------


@dataclass
class Page:
    """One section's page: its module name, order, title and Markdown body."""

    name: str
    order: int
    title: str
    markdown: str


def _headings(body: str) -> list[tuple[str, str]]:
    """The (id, inner HTML) of a rendered page's second- and third-level headings."""
    return re.findall(r'<h[23] id="([^"]+)">(.*?)</h[23]>', body, flags=re.S)


def _linear(el) -> str:
    """A MathML element as linear text: ``1/2`` for a fraction, ``q^2``, ``x_i``, ``sqrt(x)``."""
    tag = el.tag.rsplit("}", 1)[-1]
    kids = [k for k in el if k.tag.rsplit("}", 1)[-1] != "annotation"]

    def grouped(k) -> str:
        text = _linear(k)
        return text if len(text) <= 1 or text.isalnum() else f"({text})"

    if tag in ("mi", "mn", "mo", "mtext", "ms"):
        return "".join(el.itertext())
    if tag == "mfrac" and len(kids) == 2:
        return f"{grouped(kids[0])}/{grouped(kids[1])}"
    if tag == "msup" and len(kids) == 2:
        return f"{grouped(kids[0])}^{grouped(kids[1])}"
    if tag == "msub" and len(kids) == 2:
        return f"{grouped(kids[0])}_{grouped(kids[1])}"
    if tag == "msubsup" and len(kids) == 3:
        return f"{grouped(kids[0])}_{grouped(kids[1])}^{grouped(kids[2])}"
    if tag == "msqrt":
        return f"sqrt({''.join(_linear(k) for k in kids)})"
    if tag == "semantics":
        return _linear(kids[0]) if kids else ""
    return "".join(_linear(k) for k in kids)


def _math_text(match) -> str:
    import xml.etree.ElementTree as ET

    try:
        return _linear(ET.fromstring(html.unescape(match.group(0)).replace("&", "&amp;")))
    except ET.ParseError:  # not well-formed: its text, as before
        inner = re.sub(r"<annotation\b.*?</annotation>", "", match.group(0), flags=re.S)
        return html.unescape(re.sub(r"<[^>]+>", "", inner))


def _plain(fragment: str) -> str:
    """The text of an HTML fragment as a reader hears it (math as linear text: fractions
    as ``a/b``, powers as ``q^2``)."""
    fragment = re.sub(r"<math\b.*?</math>", _math_text, fragment, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _data_files(figure: Path) -> list[Path]:
    """The data saved beside a figure (same name, ``.csv``, ``.npz`` or ``.json``)."""
    return [
        figure.with_suffix(s) for s in (".csv", ".npz", ".json") if figure.with_suffix(s).is_file()
    ]


def _command(figure: Path, name: str, quick: bool) -> str:
    """The command that remakes a figure: the one its data file records, or the section's."""
    meta = figure.with_suffix(".json")
    if meta.is_file():
        try:
            command = json.loads(meta.read_text()).get("command")
        except (ValueError, AttributeError):
            command = None
        if isinstance(command, str) and command:
            return command
    return f"statmech report --only {name}" + (" --quick" if quick else "")


def _document(title: str, body: str, nav: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{CSS}">\n</head>\n<body>\n'
        f'<nav class="pages">{nav}</nav>\n<main>\n{body}\n</main>\n'
        f'<nav class="pages">{nav}</nav>\n</body>\n</html>\n'
    )


def _inline(md, text: str) -> str:
    """One line of Markdown (a title or a heading) rendered without its paragraph."""
    return md.renderInline(text)


def write_site(
    out: Path, pages: list[Page], title: str, note: str = "", quick: bool = False
) -> dict:
    """Write the HTML site to ``out/html`` and Markdown pages to ``out/markdown``.

    Parameters
    ----------
    out : Path
        The report folder; its ``figures/`` holds the images the sections refer to.
    pages : list of Page
        The sections, in reading order.
    title, note : str
        The report's title and the line under it (Markdown, may hold math).
    quick : bool
        Whether the sections were built with ``--quick`` (the reproduce commands say so).

    Returns
    -------
    dict
        ``index`` (the HTML index), ``pages`` (HTML files), ``markdown`` (Markdown files),
        ``mathml`` and ``svg`` (how many equations each way).
    """
    out = Path(out)
    site, md_dir = out / SITE, out / PAGES
    for folder, marker in ((site, "index.html"), (md_dir, "index.md")):
        if folder.exists():
            # Replace an earlier site, never a folder of something else.
            if not folder.is_dir() or (any(folder.iterdir()) and not (folder / marker).is_file()):
                raise FileExistsError(
                    errno.EEXIST, "it holds files that are not an earlier report site", str(folder)
                )
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    (site / CSS).write_text(resources.files(__package__).joinpath(CSS).read_text())
    math = MathRenderer(site)
    md = _markdown(math)

    def copy_figure(src: str) -> None:
        path = out / src
        if not src.startswith("figures/") or not path.is_file():
            raise FileNotFoundError(f"the report refers to {src}, which is not in {out}")
        for file in [path, *_data_files(path)]:
            for folder in (site, md_dir):
                dest = folder / file.relative_to(out)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(file, dest)

    def nav(i: int) -> str:
        links = ['<a href="index.html">Contents</a>']
        if i > 0:
            links.insert(0, f'<a rel="prev" href="{pages[i - 1].name}.html">&larr; Previous</a>')
        if i + 1 < len(pages):
            links.append(f'<a rel="next" href="{pages[i + 1].name}.html">Next &rarr;</a>')
        return " ".join(links)

    written, written_md, contents = [], [], []
    for i, page in enumerate(pages):

        def figure_html(src: str, caption: str, name=page.name) -> str:
            copy_figure(src)
            path = out / src
            command = _command(path, name, quick)
            links = "".join(
                f' <a href="{html.escape(d.relative_to(out).as_posix())}">data ({d.suffix[1:]})</a>'
                for d in _data_files(path)
            )
            return (
                f'<figure>\n<img src="{html.escape(src)}" alt="{html.escape(_plain(caption))}">\n'
                f"<figcaption>{caption}"
                f'<span class="reproduce">Reproduce: <code>{html.escape(command)}</code>'
                f"{links}</span></figcaption>\n</figure>\n"
            )

        env: dict = {}
        tokens = _figures(md, md.parse(page.markdown, env), env, figure_html)
        body = md.renderer.render(tokens, md.options, env)
        contents.append(_headings(body))
        heading = f"<h1>{_inline(md, page.title)}</h1>\n"
        (site / f"{page.name}.html").write_text(_document(page.title, heading + body, nav(i)))
        written.append(str(site / f"{page.name}.html"))
        md_path = md_dir / f"{page.name}.md"
        md_path.write_text(
            front_matter(page.title, page.order) + f"# {page.title}\n\n{page.markdown}\n"
        )
        written_md.append(str(md_path))

    # The index: title, note, and every section with its subsections.
    items = []
    for page, headings in zip(pages, contents, strict=True):
        subs = [f'<li><a href="{page.name}.html#{id_}">{inner}</a></li>' for id_, inner in headings]
        sub = f"\n<ol>{''.join(subs)}</ol>" if subs else ""
        items.append(f'<li><a href="{page.name}.html">{_inline(md, page.title)}</a>{sub}</li>')
    body = (
        f"<h1>{_inline(md, title)}</h1>\n"
        + (f'<p class="note">{_inline(md, note)}</p>\n' if note else "")
        + '<h2 id="contents">Contents</h2>\n<ol class="toc">\n'
        + "\n".join(items)
        + "\n</ol>\n"
    )
    nav0 = f'<a rel="next" href="{pages[0].name}.html">Begin &rarr;</a>' if pages else ""
    (site / "index.html").write_text(_document(title, body, nav0))
    toc = "\n".join(f"1. [{p.title}]({p.name}.md)" for p in pages)
    (md_dir / "index.md").write_text(
        front_matter(title, 0) + f"# {title}\n\n" + (f"*{note}*\n\n" if note else "") + toc + "\n"
    )
    written_md.insert(0, str(md_dir / "index.md"))
    return {
        "index": str(site / "index.html"),
        "pages": written,
        "markdown": written_md,
        "mathml": math.mathml,
        "svg": len(math.svg),
    }


def write_report_site(out: Path, built: list, only, title: str, note: str, quick: bool) -> dict:
    """:func:`write_site` for the built sections (in the report's order, ``only`` those)."""
    from . import section_modules

    mods = [m for m in section_modules() if only is None or m.__name__.rsplit(".", 1)[-1] in only]
    if len(mods) != len(built):
        raise ValueError(f"{len(built)} sections built but {len(mods)} expected")
    pages = [
        Page(m.__name__.rsplit(".", 1)[-1], m.ORDER, s.title, s.markdown)
        for m, s in zip(mods, built, strict=True)
    ]
    return write_site(out, pages, title, note, quick)
