"""Compiled Jinja templates, kept for the whole process and on disk between processes.

``imr serve`` rebuilds the site on every save with a fresh theme environment, and compiling
Material's templates again each time was about a seventh of a rebuild; every ``imr build`` compiled
them, and the report's own templates, afresh (about a tenth of a build of 1,000 entries). Jinja
keys each template by its name and file and checks the bytecode against the template's source
(a checksum) and Jinja's and Python's versions, so an edited template (a case's custom_dir) is
compiled afresh. On disk the cache is a folder of the user's own (``imr-site/templates`` under
``$XDG_CACHE_HOME``, ``~/.cache`` or, on Windows, ``%LOCALAPPDATA%``); when it cannot be written
the templates are kept in memory only. ``IMR_NO_TEMPLATE_CACHE=1`` switches the disk off.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import jinja2

from imr_site.case import templates


class MemoryBytecodeCache(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


class CompiledTemplates(MemoryBytecodeCache):
    """In memory, and in ``folder`` (when given and writable) for the next process."""

    def __init__(self, folder: Path | None) -> None:
        super().__init__()
        self.folder = folder

    def _file(self, bucket: jinja2.bccache.Bucket) -> Path | None:
        return self.folder / f"{bucket.key}.jinja" if self.folder is not None else None

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        super().load_bytecode(bucket)
        path = self._file(bucket)
        if bucket.code is not None or path is None:
            return
        try:
            code = path.read_bytes()
            bucket.bytecode_from_string(code)
        except OSError:
            return
        except Exception:  # noqa: BLE001 - a damaged file is compiled again and rewritten
            bucket.reset()
            return
        if bucket.code is not None:
            self._store[bucket.key] = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        super().dump_bytecode(bucket)
        path = self._file(bucket)
        if path is None:
            return
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(self._store[bucket.key])
            os.replace(tmp, path)  # another process may write the same file: whole or not at all
        except OSError:
            self.folder = None  # not writable: memory only from now on


def cache_folder() -> Path | None:
    """Where compiled templates are kept between processes, or None (switched off)."""
    if os.environ.get("IMR_NO_TEMPLATE_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA") if sys.platform == "win32" else None
    )
    try:
        root = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # no home folder to be found
        return None
    return root / "imr-site" / "templates"


THEME_TEMPLATES = CompiledTemplates(cache_folder())
templates.keep_compiled(THEME_TEMPLATES)  # the report's own templates too


# Theme folders -> the names of every file in them; (folders, the theme's own templates) -> the
# theme's static files among them: listed once per process (see below).
_THEME_FILES: dict[tuple, list[str]] = {}
# MkDocs' filter for the theme's static files (mkdocs.structure.files.Files.add_files_from_theme),
# which depends on nothing but the theme's static_templates.
_STATIC_FILTER = "Files.add_files_from_theme.<locals>.filter"


def keep_theme_compiled(theme, case_root: Path, *, serving: bool) -> None:
    """Every Jinja environment the theme makes (MkDocs makes several in a build) keeps its
    compiled templates in THEME_TEMPLATES. When ``serving`` (`imr serve`), the installed theme's
    files are also listed once, not on every rebuild: MkDocs lists every file of the theme to
    find its static files (Material has about 14,500: a tenth of a second each time). Not when a
    theme folder is inside the case (custom_dir): the author may add files there meanwhile."""
    dirs = tuple(str(d) for d in theme.dirs)
    fresh_environment = theme.get_env
    if not serving or any(Path(d).resolve().is_relative_to(case_root) for d in dirs):

        def compiled():
            env = fresh_environment()
            env.bytecode_cache = THEME_TEMPLATES
            return env

        theme.get_env = compiled
        return

    def environment():
        env = fresh_environment()
        env.bytecode_cache = THEME_TEMPLATES
        list_files, list_templates = env.loader.list_templates, env.list_templates

        def listed() -> list[str]:
            if dirs not in _THEME_FILES:
                _THEME_FILES[dirs] = list_files()
            return list(_THEME_FILES[dirs])

        def static_files(extensions=None, filter_func=None) -> list[str]:
            if extensions or getattr(filter_func, "__qualname__", "") != _STATIC_FILTER:
                return list_templates(extensions, filter_func)
            key = (dirs, tuple(theme.static_templates))
            if key not in _THEME_FILES:
                _THEME_FILES[key] = list_templates(extensions, filter_func)
            return list(_THEME_FILES[key])

        env.loader.list_templates, env.list_templates = listed, static_files
        return env

    theme.get_env = environment
