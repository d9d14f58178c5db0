"""``imr new``: a new case from the template, ready to build, with its CI and pre-commit files."""

from __future__ import annotations

import sys
from pathlib import Path

from imr_site.case.system import GIT_INSTALL, require_program
from imr_site.cli.exit_codes import EXIT_OK, EXIT_UNUSABLE
from imr_site.publish.new_case import (
    REQUIREMENTS,
    enclosing_repository,
    install_source,
    make_repository,
    new_case,
    new_panel,
    running_install,
    write_requirements,
)


def register(sub) -> None:
    n = sub.add_parser("new", help="start a new case from the template")
    n.add_argument("dir")
    n.add_argument(
        "--no-git",
        action="store_true",
        help="do not make the folder a Git repository (by default it gets one, with a first commit)",
    )
    n.add_argument(
        "--panel",
        action="store_true",
        help="a review panel's case: every agency's chronology merged by `imr merge`",
    )
    n.set_defaults(func=cmd_new)


def cmd_new(args) -> int:
    target = Path(args.dir)
    if target.exists() and any(target.iterdir()):
        print(
            f"{target} already exists and is not empty: choose a new folder name.", file=sys.stderr
        )
        return EXIT_UNUSABLE
    if not args.no_git:
        require_program(
            "git", "Making the case's Git repository", GIT_INSTALL + ", or add --no-git"
        )
        outer = enclosing_repository(target)
        if outer is not None:
            print(
                f"Warning: {target} is inside the Git repository {outer}. The case gets a "
                "repository of its own, but it is better kept outside: move it elsewhere, or "
                "your Git host will not run its CI.",
                file=sys.stderr,
            )
    if args.panel:
        new_panel(target)
    else:
        new_case(target)
        source = install_source(*running_install())
        write_requirements(target, source)
        if source.requirement is None:
            print(
                f"Note: {REQUIREMENTS} needs filling in before the case's CI can run: {source.why}",
                file=sys.stderr,
            )
    if not args.no_git:
        try:
            note = make_repository(target)
        except RuntimeError as e:
            print(
                f"The case was made in {target}, but not its Git repository: {e}", file=sys.stderr
            )
            return EXIT_UNUSABLE
        print(f"Made {target} a Git repository with a first commit.")
        if note:
            print(note)
    if args.panel:
        print(f"New review panel case in {target}. Next: list the agencies in mkdocs.yml, then run")
        print(f"  imr merge {target}\n  imr serve {target}")
        return EXIT_OK
    print(f"New case in {target}. Next: edit mkdocs.yml and the files in docs/ and data/, then run")
    print(f"  imr check {target}\n  imr serve {target}")
    return EXIT_OK
