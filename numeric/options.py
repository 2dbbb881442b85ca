"""How a message names an option its reader can change.

A warning that advises a longer run names the option to change.  The library is
called with keyword arguments (``simulate(..., thermalize=400)``), the command
line with flags (``--thermalize 400``); the caller says which through
``spelling``, and the library's own spelling is the default.

Examples
--------
>>> option("thermalize", 400)
'thermalize=400'
>>> option("thermalize", 400, "flag")
'--thermalize 400'
>>> option("sweeps"), option("sweeps", spelling="flag")
('sweeps=...', '--sweeps')
"""

from __future__ import annotations

#: The spellings: keyword arguments (the library's) and command-line flags.
SPELLINGS = ("keyword", "flag")


def option(name: str, value=None, spelling: str = "keyword") -> str:
    """``name`` (with ``value`` when given) as the caller writes it.

    Parameters
    ----------
    name : str
        The option's name, the keyword argument's (``"thermalize"``); a flag
        writes the same name after ``--``.
    value : optional
        The value to advise, or None to name the option alone.
    spelling : {"keyword", "flag"}

    Raises
    ------
    ValueError
        For an unknown spelling.
    """
    if spelling == "keyword":
        return f"{name}={'...' if value is None else value}"
    if spelling == "flag":
        return f"--{name}" if value is None else f"--{name} {value}"
    raise ValueError(f"spelling must be one of {', '.join(SPELLINGS)}, got {spelling!r}")
