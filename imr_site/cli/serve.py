"""``imr serve``: the live preview while an author edits (MkDocs' own server, PDF off unless asked)."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from imr_site.case.findings import CaseError
from imr_site.case.model import read_mkdocs_yml
from imr_site.cli.build import setup_logging
from imr_site.cli.exit_codes import EXIT_OK, EXIT_UNUSABLE
from imr_site.review.formats import format_text


def register(sub) -> None:
    s = sub.add_parser("serve", help="live preview while you edit (PDF off unless --pdf)")
    s.add_argument("dir", nargs="?", default=".")
    s.add_argument("--pdf", action="store_true")
    s.add_argument("--dev-addr", default="127.0.0.1:8000")
    s.add_argument("-v", "--verbose", action="store_true")
    s.set_defaults(func=cmd_serve)


def cmd_serve(args) -> int:
    from mkdocs.commands.serve import serve

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if args.pdf:
        os.environ["IMR_SERVE_PDF"] = "1"
    setup_logging(args.verbose, progress=True)
    cfg = Path(args.dir).resolve() / "mkdocs.yml"
    if not cfg.is_file():
        print(
            f"There is no mkdocs.yml in {cfg.parent}: run this in the case folder.", file=sys.stderr
        )
        return EXIT_UNUSABLE
    try:
        read_mkdocs_yml(cfg)  # before MkDocs, which would expand a YAML alias bomb in it
    except CaseError as e:
        print(format_text(e.findings), file=sys.stderr)
        return EXIT_UNUSABLE
    with quick_watching():
        serve(config_file=str(cfg), dev_addr=args.dev_addr, open_in_browser=False)
    return EXIT_OK


# How often the case's files are looked at for a change. MkDocs looks every half second, which was
# on average a quarter of a second of every preview; a case has a few dozen files, and looking at
# them ten times a second costs next to nothing.
WATCH_SECONDS = 0.1
# How long after a change the rebuild waits for more changes. MkDocs waits a tenth of a second for
# the burst of events one save makes; a poll reports all the changes it found at once, so a much
# shorter wait sees them all (a save spread over two polls is rebuilt twice, the second time whole).
SETTLE_SECONDS = 0.02


@contextlib.contextmanager
def quick_watching():
    """MkDocs' serve() with its file watcher looking every WATCH_SECONDS and rebuilding
    SETTLE_SECONDS after a change (it has no setting for these: its server class is given them)."""
    from mkdocs.commands import serve as mkdocs_serve
    from mkdocs.livereload import LiveReloadServer

    class Server(LiveReloadServer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs, polling_interval=WATCH_SECONDS)
            self.build_delay = SETTLE_SECONDS

    mkdocs_serve.LiveReloadServer = Server
    try:
        yield
    finally:
        mkdocs_serve.LiveReloadServer = LiveReloadServer
