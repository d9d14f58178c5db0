"""Sign-off: is the report signed and dated by its author and a Director or Head of Service?"""

from __future__ import annotations

import datetime as dt


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        return None


def signoff_gaps(case) -> list[str]:
    """What is still missing before the report counts as signed off (empty when complete)."""
    page = case.section("signoff")
    if page is None:
        return ["there is no sign-off section (a file with `section: signoff`)."]
    gaps = []
    for who, label in (("author", "the author"), ("senior_officer", "the Director/Head of Service")):
        for part in ("name", "role"):
            if not str(page.get(f"signatures.{who}.{part}") or "").strip():
                gaps.append(f"{label}'s {part} is not filled in ({page.rel}, signatures.{who}.{part}).")
        if _date(page.get(f"signatures.{who}.date")) is None:
            gaps.append(f"{label} has not dated the sign-off ({page.rel}, signatures.{who}.date).")
    return gaps


def is_signed_off(case) -> bool:
    return not signoff_gaps(case)
