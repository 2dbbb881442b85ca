"""``statmech report --format html``: the static site, checked in a real headless browser.

The browser tests open every page in Debian's ``chromium`` (installed by ``.ci/run``)
and skip where it is not installed.  A copy of each page gets a small script that,
once the page has loaded, writes onto ``<body>`` whether every image decoded, how
wide the document is against the window, and whether each fraction's numerator
sits above its denominator (the math is laid out as math, not as text); the
script is added by the test only, so the site itself needs none.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from statmech.report import build_report
from statmech.report.html import (
    MathError,
    MathRenderer,
    front_matter,
    latex_to_mathml,
)

# Fast sections: prose with inline math, a derivation, and two with figures.
SECTIONS = ["s10_maximum_entropy", "s12_microcanonical", "s30_ising_chain"]
RAW_TEX = re.compile(r"\\[A-Za-z]+|\$")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    res = build_report(out, quick=True, only=SECTIONS, formats=("html",))
    return out, res


# --- the math converter -------------------------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac{d}{d\beta} \log Z",
        r"\operatorname{sgn}(x) + \operatorname{g'}(m)",
        r"\tfrac{1}{2} \mathbb{E}[x] \text{ for } x > 0",
        r"\begin{aligned} a &= b \\ c &= d \end{aligned}",
        r"\phi'(x) = f''(x) \label{eq:phi} \nonumber",
        r"\langle |m| \rangle \to 0 \quad N \to \infty",
        r"\begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
    ],
)
def test_equations_become_mathml_with_no_tex_left(tex):
    out = latex_to_mathml(tex, display=True)
    drawn = re.sub(r"<annotation.*?</annotation>", "", out)
    text = re.sub(r"<[^>]+>", "", drawn)
    assert not RAW_TEX.search(text), text
    assert "&amp;" not in text and "&" not in re.sub(r"&#x[0-9A-Fa-f]+;", "", text), text
    assert out.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">')
    assert 'encoding="application/x-tex">' in out


def test_function_names_are_spaced_like_tex():
    out = latex_to_mathml(r"-T \log Z + \tanh(x)")
    assert '<mo lspace="0.1667em" rspace="0.1667em">log</mo>' in out
    assert '<mo lspace="0.1667em" rspace="0">tanh</mo>' in out  # none before "("


def test_unknown_macro_is_refused_not_printed():
    with pytest.raises(MathError, match="untypeset"):
        latex_to_mathml(r"\notamacro x")


def test_mathtext_draws_what_mathml_cannot(tmp_path, monkeypatch):
    import statmech.report.html as h

    def refuse(tex, display=False):
        raise MathError("refused for the test")

    monkeypatch.setattr(h, "latex_to_mathml", refuse)
    render = MathRenderer(tmp_path)
    out = render(r"\frac{1}{T}", {"display_mode": True})
    (svg,) = (tmp_path / "math").glob("*.svg")
    assert f'src="math/{svg.name}"' in out and render.svg == [r"\frac{1}{T}"]
    assert svg.read_text().lstrip().startswith("<?xml") and "<path" in svg.read_text()
    with pytest.raises(MathError, match="neither"):
        render(r"\notamacro{", {"display_mode": False})


def test_front_matter_is_yaml():
    fm = front_matter('The Ising chain: "exact"', 30)
    lines = fm.strip().splitlines()
    assert lines[0] == lines[-1] == "---"
    assert json.loads(lines[1].removeprefix("title: ")) == 'The Ising chain: "exact"'
    assert lines[2] == "order: 30"


# --- the site, as files -------------------------------------------------------------------


def test_site_has_an_index_and_a_page_per_section(site):
    out, res = site
    html_dir = out / "html"
    assert res["html"] == str(html_dir / "index.html") and res["pdf"] is None
    index = (html_dir / "index.html").read_text()
    for name in SECTIONS:
        page = (html_dir / f"{name}.html").read_text()
        assert f'href="{name}.html"' in index
        assert '<link rel="stylesheet" href="report.css">' in page
        assert "<script" not in page and "http" not in page.replace(
            "http://www.w3.org/1998/Math/MathML", ""
        )  # no script, no CDN
    assert (html_dir / "report.css").read_text().count("max-width: 100%") >= 2


def test_every_figure_names_its_command_and_data(site):
    out, _ = site
    page = (out / "html" / "s30_ising_chain.html").read_text()
    figures = re.findall(r"<figure>(.*?)</figure>", page, re.S)
    assert len(figures) == 1
    src = re.search(r'<img src="([^"]+)"', figures[0]).group(1)
    assert (out / "html" / src).is_file()
    command = re.search(r'class="reproduce">Reproduce: <code>([^<]+)</code>', figures[0])
    assert command and "statmech report --only s30_ising_chain" in command.group(1)
    # The caption's math is typeset, and is not repeated as a paragraph after the figure.
    assert "<figcaption>Exact magnetization" in figures[0] and "<math" in figures[0]
    alt = re.search(r'<img src="[^"]+" alt="([^"]*)"', figures[0]).group(1)
    assert alt.startswith("Exact magnetization per spin") and "$" not in alt and "<" not in alt
    assert "<em>Exact magnetization" not in page


def test_markdown_pages_carry_front_matter(site):
    out, _ = site
    md_dir = out / "markdown"
    for name, order in zip(SECTIONS, (10, 12, 30), strict=True):
        text = (md_dir / f"{name}.md").read_text()
        head = text.split("---\n")[1]
        assert f"order: {order}\n" in head and head.startswith("title: ")
        for src in re.findall(r"\]\((figures/[^)]+)\)", text):
            assert (md_dir / src).is_file()
    assert (out / "report.md").read_text().startswith("---\ntitle: ")
    assert "[The Boltzmann distribution" in (md_dir / "index.md").read_text()


def test_command_line_writes_the_site_without_a_pdf(tmp_path, capsys):
    from statmech.cli import main

    out = tmp_path / "r"
    argv = ["report", "--format", "html", "--only", "s10_maximum_entropy", "--out", str(out)]
    assert main([*argv, "--quiet", "--no-cache"]) == 0
    said = capsys.readouterr().out
    assert f"the site {out / 'html' / 'index.html'}" in said and "report.pdf" not in said
    assert not (out / "report.pdf").exists()
    assert (out / "html" / "s10_maximum_entropy.html").is_file()
    assert (out / "markdown" / "s10_maximum_entropy.md").read_text().startswith("---\ntitle:")


def test_a_folder_of_something_else_is_not_replaced(tmp_path):
    from statmech.report.html import Page, write_site

    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="not an earlier report site"):
        write_site(tmp_path, [Page("s", 1, "S", "text $x$")], "T")
    assert (tmp_path / "html" / "notes.txt").read_text() == "mine"
    (tmp_path / "html" / "notes.txt").unlink()
    write_site(tmp_path, [Page("s", 1, "S", "text $x$")], "T")
    write_site(tmp_path, [Page("s", 1, "S", "text $y$")], "T")  # an earlier site is replaced
    assert "<mi>y</mi>" in (tmp_path / "html" / "s.html").read_text()


# --- the site, in a browser ---------------------------------------------------------------

PROBE = """<script>
window.addEventListener("load", function () {
  var b = document.body, d = document.documentElement;
  var images = Array.from(document.images);
  b.dataset.images = images.length;
  b.dataset.imagesOk = images.every(function (i) { return i.complete && i.naturalWidth > 0; });
  b.dataset.overflow = Math.max(0, d.scrollWidth - d.clientWidth);
  var fracs = Array.from(document.querySelectorAll("mfrac"));
  b.dataset.fracs = fracs.length;
  b.dataset.fracsStacked = fracs.filter(function (f) {
    var r = f.children;
    if (r.length != 2) return false;
    return r[0].getBoundingClientRect().bottom <= r[1].getBoundingClientRect().top + 1;
  }).length;
  b.dataset.maths = document.querySelectorAll("math").length;
});
</script>"""


def _chromium():
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.skip("chromium is not installed (.ci/run installs Debian's chromium)")


def _browse(exe, url, tmp, *args):
    cmd = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--disable-dev-shm-usage",  # containers often have a small /dev/shm
        f"--user-data-dir={tmp / 'profile'}",
        *args,
        url,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


class _Visible(HTMLParser):
    """The page's text a reader sees: everything but annotations, scripts and styles."""

    HIDDEN = {"annotation", "script", "style", "title"}

    def __init__(self):
        super().__init__()
        self.hidden, self.text, self.body = 0, [], {}

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag == "body":
            self.body = dict(attrs)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.text.append(data)


PAGES = ["index", *SECTIONS]


@pytest.mark.parametrize("width", [1200, 420])
def test_pages_in_a_browser(site, tmp_path, width):
    exe = _chromium()
    out, _ = site
    html_dir = out / "html"
    for name in PAGES:
        page = html_dir / f"{name}.html"
        probe = html_dir / f"_probe_{name}.html"
        probe.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
        dom = _browse(
            exe,
            probe.as_uri(),
            tmp_path,
            f"--window-size={width},900",
            "--virtual-time-budget=10000",
            "--dump-dom",
        )
        probe.unlink()
        seen = _Visible()
        seen.feed(dom)
        body, text = seen.body, "".join(seen.text)
        assert body.get("data-images-ok") == "true", (name, body)
        assert body.get("data-overflow") == "0", (name, width, body)
        assert body["data-fracs"] == body["data-fracs-stacked"], (name, body)
        assert not RAW_TEX.search(text), (name, RAW_TEX.findall(text)[:5])
        if name != "index":
            assert int(body["data-maths"]) > 5 and int(body["data-fracs"]) > 0, (name, body)
        if name in ("s12_microcanonical", "s30_ising_chain"):
            assert int(body["data-images"]) >= 1, (name, body)


def test_screenshots_are_not_blank(site, tmp_path):
    import numpy as np
    from matplotlib.image import imread

    exe = _chromium()
    out, _ = site
    for name in PAGES:
        shot = tmp_path / f"{name}.png"
        _browse(
            exe,
            (out / "html" / f"{name}.html").as_uri(),
            tmp_path,
            "--window-size=1200,900",
            f"--screenshot={shot}",
        )
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        pixels = imread(shot)[..., :3]
        assert pixels.shape[:2] == (900, 1200)
        ink = (pixels.mean(axis=2) < 0.6).mean()  # dark pixels: text, math, figures
        assert 0.005 < ink < 0.5, (name, ink)
        assert np.unique(pixels.reshape(-1, 3), axis=0).shape[0] > 50, name


def test_alt_text_reads_math_as_linear_text():
    """A figure's alt text keeps fractions and powers: g = 1/2(3 - ...), not g = 12(3 - ...)."""
    from latex2mathml.converter import convert

    from statmech.report.html import _plain

    text = _plain("the cumulant " + convert(r"g = \frac12(3 - q^4/q^2)") + " of q")
    assert text == "the cumulant g=1/2(3−q^4/q^2) of q"
    assert _plain(convert(r"\sqrt{2/\pi}\,x_i")) == "sqrt(2/π)x_i"
