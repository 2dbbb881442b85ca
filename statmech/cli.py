r"""``statmech VERB MODEL [NAME=VALUE ...] [options]``.

Each verb is a module in :mod:`statmech.commands` with ``NAME``, ``HELP``,
``ORDER``, ``add_arguments(parser)`` and ``run(args) -> int``; they are
discovered, so a new verb is a new file.  Bad input ends in one line on
standard error and exit status 2, never a traceback.
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
    def error(self, message):  # one line, exit 2, as for every other bad input
        self.print_usage(sys.stderr)
        raise UserError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="statmech",
        description="Derive, solve and simulate statistical-mechanics models "
        "(temperatures in units with k_B = 1).",
    )
    sub = parser.add_subparsers(dest="command", metavar="VERB", parser_class=_Parser)
    sub.required = True
    for mod in _commands():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args._run(args) or 0)
    except UserError as exc:
        print(f"statmech: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("statmech: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
