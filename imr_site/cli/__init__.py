"""The ``imr`` command: a thin adapter over the core library. Each command group is a module here
that adds its parser (``register``) and prints what the library returns; none holds domain or
build logic.

Exit codes: 0 clean, 1 findings at error level, 2 the case cannot be read (or bad usage).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys

from imr_site.case.system import MissingTool
from imr_site.cli.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE, exit_code

# Each command group's module adds its subcommands: register(subparsers) adds a parser and
# sets `func`. In the order `imr --help` lists them.
COMMAND_GROUPS = [
    "check",
    "build",
    "serve",
    "new",
    "finalise",
    "sign",
    "chronology",
    "actions",
    "glossary",
    "people",
    "merge",
    "export",
    "diff",
    "spelling",
]
# The commands a group adds besides the one named after it. A command imports only its own
# group: `imr check` reads no build, print or spreadsheet code (tests/test_check_imports.py).
OTHER_COMMANDS = {"verify": "sign"}


def group(name: str):
    """The module of a command group (imported when first asked for)."""
    return importlib.import_module(f"imr_site.cli.{name}")


def build_parser(groups: list[str] | None = None) -> argparse.ArgumentParser:
    """The `imr` command's parser, with every command group or only those named."""
    p = argparse.ArgumentParser(
        prog="imr",
        description="Write, check and build an Individual Management Review as docs-as-code.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in groups or COMMAND_GROUPS:
        group(name).register(sub)
    return p


def _groups_for(argv: list[str]) -> list[str] | None:
    """The one group a command line needs, or None (all of them) for `imr --help` and the like."""
    command = argv[0] if argv else None
    if command in COMMAND_GROUPS:
        return [command]
    return [OTHER_COMMANDS[command]] if command in OTHER_COMMANDS else None


def main(argv: list[str] | None = None) -> int:
    program = argv is None  # the `imr` command itself: the process ends when this returns
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_groups_for(argv)).parse_args(argv)
    try:
        code = args.func(args)
        if program and args.command == "check":
            # Python's last act is a full cycle collection, walking every object of the case
            # just read (a tenth of a second for 10,000 entries) for cycles no one will use:
            # `imr check` has written all it writes, so those objects are left out of it.
            gc.freeze()
        return code
    except KeyboardInterrupt:
        return 130
    except MissingTool as e:  # a program or library missing on this machine: one line, exit 2
        print(f"imr {args.command}: {e}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:  # output piped into a command that stopped reading (head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_UNUSABLE", "build_parser", "exit_code", "main"]
