"""``statmech models``: the registered models, their parameters and what each supports.

``results`` are the quantities the model's derivations give (``statmech derive``;
``statmech.derive.free_energy(model)`` and its siblings for Z, F, E, S, C, M, chi),
``verbs`` the verbs that work on it at its default parameters
(:func:`statmech.api.capabilities.verbs`).  ``tests/test_model_claims.py``
checks every claim of every model.
"""

from __future__ import annotations

from ..common import dump_json, write_output

NAME = "models"
HELP = "list the models, their parameters and what each supports"
ORDER = 0
EXAMPLES = (
    "statmech models",
    "statmech models --json",
)


def add_arguments(p):
    p.add_argument("--json", action="store_true", help="machine-readable output")


def run(args) -> int:
    from statmech.derive import all_models
    from statmech.derive.topics import TOPICS

    from ..api.capabilities import verbs

    models = getattr(args, "file_models", None) or all_models()  # --model-file: its models
    topics = [{"name": t.name, "title": t.title, "summary": t.summary} for t in TOPICS.values()]
    if args.json:
        from ..api import ModelHandle

        data = [ModelHandle(m).to_dict() for m in models]  # the entries of statmech.models()
        write_output(dump_json({"models": data, "topics": topics}), None)
        return 0
    width = max(len(m.name) for m in models)
    lines = []
    for m in models:
        params = " ".join(f"{p.name}={p.default}" for p in m.parameters)
        lines.append(f"{m.name:<{width}}  {m.title}")
        lines.append(f"{'':<{width}}  parameters: {params}")
        lines.append(f"{'':<{width}}  results:    {', '.join(m.supports())}")
        lines.append(f"{'':<{width}}  verbs:      {', '.join(verbs(m))}")
    lines.append("\ntopics (statmech derive TOPIC):")
    lines += [f"{t['name']:<{width}}  {t['title']}" for t in topics]
    write_output("\n".join(lines), None)
    return 0
