r"""``statmech VERB MODEL [NAME=VALUE ...] [options]``.

Each verb is a module in :mod:`statmech.commands` with ``NAME``, ``HELP``,
``ORDER``, ``add_arguments(parser)`` and ``run(args) -> int``; they are
discovered, so a new verb is a new file.  Bad input ends in one line on
standard error and exit status 2, never a traceback.

Every verb that takes a MODEL (and ``models``) also takes ``--model-file PATH``:
a user's Python file defining ``MODEL`` or ``MODELS``
(:func:`statmech.api.load_model_file`).  MODEL then names a model in that file,
and may be left out when the file defines one; the verb receives the model
itself in ``args.model``.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from .errors import UserError


def _commands():
    from . import commands

    mods = [
        importlib.import_module(f"{commands.__name__}.{i.name}")
        for i in pkgutil.iter_modules(commands.__path__)
    ]
    return sorted((m for m in mods if hasattr(m, "run")), key=lambda m: (m.ORDER, m.NAME))


class _Parser(argparse.ArgumentParser):
    """One-line errors; a verb's parser also takes ``NAME=VALUE`` after options
    (``exact ising2d L=5 --json h=0.2``): it parses intermixed positionals."""

    intermixed = False
    _inside = False

    def error(self, message):  # one line, exit 2, as for every other bad input
        self.print_usage(sys.stderr)
        raise UserError(message)

    def parse_known_args(self, args=None, namespace=None):
        if self.intermixed and not self._inside:
            self._inside = True  # parse_known_intermixed_args calls back in here
            try:
                return self.parse_known_intermixed_args(args, namespace)
            finally:
                self._inside = False
        return super().parse_known_args(args, namespace)


def version() -> str:
    """The installed package's version (the source tree's when not installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("statmech")
    except PackageNotFoundError:  # pragma: no cover - run from a bare source tree
        return "unknown"


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked for (reading the
    package metadata takes longer than the rest of ``statmech --help``)."""

    def __init__(
        self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None
    ):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"statmech {version()}")
        parser.exit()


def requested_verb(argv) -> str | None:
    """The verb named in ``argv`` (its first word that is not an option), or None."""
    for token in argv:
        if not token.startswith("-"):
            return token
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser.

    Every verb is listed, but with ``only`` given just that verb's arguments are
    added: they may import what the verb needs (SymPy for ``derive``, the samplers for
    ``simulate``), which ``statmech --help`` and the other verbs should not wait for.
    """
    parser = _Parser(
        prog="statmech",
        description="Derive, solve and simulate statistical-mechanics models "
        "(temperatures in units with k_B = 1).",
        epilog="examples:\n  statmech models\n  statmech derive ising1d\n"
        "  statmech exact ising2d L=16 T=2.5\n  statmech VERB --help",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="VERB", parser_class=_Parser)
    sub.required = True
    for mod in _commands():
        examples = getattr(mod, "EXAMPLES", ())
        p = sub.add_parser(
            mod.NAME,
            help=mod.HELP,
            description=mod.HELP,
            epilog=("examples:\n" + "\n".join(f"  {e}" for e in examples)) if examples else None,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if only is not None and mod.NAME != only:
            continue  # listed in --help; its arguments are not needed for this call
        mod.add_arguments(p)
        _add_model_file(p)
        p.intermixed = any(a.dest == "assignments" for a in p._actions)
        p.set_defaults(_run=mod.run)
    return parser


def _add_model_file(p) -> None:
    """``--model-file PATH`` on a verb that takes a MODEL (its MODEL becomes optional)
    and on ``models``."""
    model = [a for a in p._actions if a.dest == "model" and not a.option_strings]
    if model:
        (action,) = model
        action.nargs, action.required, action.default = "?", False, None
        action.help = (action.help or "model name") + "; with --model-file, a model in that file"
    elif p.prog.split()[-1] != "models":
        return
    p.add_argument(
        "--model-file",
        metavar="PATH",
        help="a Python file defining MODEL or MODELS (statmech.derive.model.Model values)",
    )


def _resolve_model(args) -> None:
    """Put the model of ``--model-file`` (or check that a MODEL was given) into ``args``."""
    path = getattr(args, "model_file", None)
    if not hasattr(args, "model"):
        if path is not None:
            from .api import load_model_file

            args.file_models = [h.definition for h in load_model_file(path)]
        return
    name = args.model
    if path is None:
        if name is None:
            raise UserError("the following arguments are required: model")
        return
    if name is not None and "=" in name and hasattr(args, "assignments"):
        args.assignments.insert(0, name)  # NAME=VALUE taken for the optional MODEL
        name = None
    from .api import model

    args.model = model(name, file=path).definition


def main(argv=None) -> int:
    try:
        words = sys.argv[1:] if argv is None else argv
        args = build_parser(only=requested_verb(words) or "").parse_args(argv)
        _resolve_model(args)
        return int(args._run(args) or 0)
    except UserError as exc:
        print(f"statmech: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except NotImplementedError as exc:  # the model offers no such result (no derivation, ...)
        print(f"statmech: error: {exc}", file=sys.stderr)
        return UserError.exit_code
    except KeyboardInterrupt:
        print("statmech: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
