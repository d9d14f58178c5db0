"""What the tool needs from the machine, and the one line to print when it is missing.

A missing program (``git``) or a compiled part that cannot load (the Typst or PDFium library of a
damaged or foreign install) is not a fault in the case: the command stops with :class:`MissingTool`,
whose message names what to install and how, and the CLI prints it as one line with exit code 2.
"""

from __future__ import annotations

import shutil

REINSTALL = (
    "install the tool again as it was installed (scripts/setup.sh in the tool's folder, or pip "
    "with the requirements file of your case), or use the container image (see the README)"
)

GIT_INSTALL = (
    "install Git (Debian/Ubuntu: sudo apt-get install git; macOS: xcode-select --install; "
    "Windows: winget install Git.Git)"
)


class MissingTool(Exception):
    """Something the command needs is not on this machine; the message says what to install."""


def require_program(name: str, purpose: str, how: str) -> str:
    """The path of program ``name``, or :class:`MissingTool` saying why it is needed and how to
    install it."""
    path = shutil.which(name)
    if path is None:
        raise MissingTool(f"{purpose} needs the program '{name}', which is not installed: {how}.")
    return path


def load_library(module: str, purpose: str):
    """Import a compiled dependency; :class:`MissingTool` when it is absent or will not load."""
    import importlib

    try:
        return importlib.import_module(module)
    except (ImportError, OSError) as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise MissingTool(
            f"{purpose} needs the Python package '{module}', which cannot be loaded ({reason}): "
            f"{REINSTALL}."
        ) from None
