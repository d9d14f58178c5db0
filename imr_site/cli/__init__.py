"""The ``imr`` command: a thin adapter over the core library. Each command group is a module here
that adds its parser (``register``) and prints what the library returns; none holds domain or
build logic.

Exit codes: 0 clean, 1 findings at error level, 2 the case cannot be read (or bad usage).
"""

from __future__ import annotations

import argparse
import os
import sys

from imr_site.case.system import MissingTool
from imr_site.cli import (
    actions,
    build,
    check,
    chronology,
    diff,
    export,
    finalise,
    glossary,
    merge,
    new,
    people,
    serve,
    sign,
    spelling,
)
from imr_site.cli.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE, exit_code

# Each command group's module adds its subcommands: register(subparsers) adds a parser and
# sets `func`. In the order `imr --help` lists them.
COMMAND_GROUPS = [
    check,
    build,
    serve,
    new,
    finalise,
    sign,
    chronology,
    actions,
    glossary,
    people,
    merge,
    export,
    diff,
    spelling,
]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="imr",
        description="Write, check and build an Individual Management Review as docs-as-code.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for group in COMMAND_GROUPS:
        group.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except MissingTool as e:  # a program or library missing on this machine: one line, exit 2
        print(f"imr {args.command}: {e}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:  # output piped into a command that stopped reading (head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_UNUSABLE", "build_parser", "exit_code", "main"]
