"""Every registered model's derivations, checked, as one section."""

from statmech.derive import all_models, check, derivations
from statmech.derive.render import markdown_prose, tex_prose, to_latex_body, to_markdown_body

from .. import Section

ORDER = 90
TITLE = "Every model, derived and checked"


def build(ctx) -> Section:
    md, tex = [], []
    for model in all_models():
        ds = derivations(model)
        for d in ds:
            check(d)
        md.append(f"### {model.title} (`{model.name}`)\n\n{markdown_prose(model.summary)}\n")
        md.append(to_markdown_body(ds, check=True, level=4))
        tex.append(f"\\subsection{{{tex_prose(model.title)}}}\n{tex_prose(model.summary)}\n")
        tex.append(to_latex_body(ds, check=True))
    return Section(TITLE, "\n".join(md), "\n".join(tex))
