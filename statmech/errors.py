"""Errors the command line reports as one line, without a traceback."""


class UserError(Exception):
    """Bad input or a failed check the user can act on; printed as ``statmech: error: ...``."""

    exit_code = 2
