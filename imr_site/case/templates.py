"""Jinja templates, shared by every part that draws HTML.

Each part keeps its templates in a ``templates/`` folder beside its code and renders them through
:class:`Templates`. Autoescaping is always on, so nothing an author typed in a data file can run
as HTML; a missing variable is an error, never a silent blank.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from imr_site.case.dates import as_date

if TYPE_CHECKING:
    import jinja2


def uk_date(value) -> str:
    """2025-03-31 -> 31 March 2025; anything that is not a date is shown as written."""
    if value is None or value == "":
        return ""
    date = as_date(value)
    if date is None:
        return str(value)
    return f"{date.day} {date.strftime('%B %Y')}"


# Where compiled templates are kept (a jinja2.BytecodeCache); the build sets one
# (imr_site.publish.template_cache), so that templates are not compiled again in every process.
_compiled = None


def keep_compiled(cache) -> None:
    """Keep every part's compiled templates in ``cache`` (environments made from now on)."""
    global _compiled
    _compiled = cache


class Templates:
    """The templates in the ``templates/`` folder beside a module: ``Templates(__file__)``."""

    def __init__(self, module_file: str | Path):
        self.folder = Path(module_file).resolve().parent / "templates"

    @cached_property
    def environment(self) -> jinja2.Environment:
        import jinja2  # when a template is first drawn: `imr check` draws none and starts sooner

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.folder)),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        env.filters["uk_date"] = uk_date
        return env

    def get(self, name: str) -> jinja2.Template:
        env = self.environment
        env.bytecode_cache = _compiled  # as set when this template is first drawn
        return env.get_template(name)

    def render(self, name: str, **context) -> str:
        return self.get(name).render(**context)
