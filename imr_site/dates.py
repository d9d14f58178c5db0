"""Dates in front matter and settings, written YYYY-MM-DD (YAML may already have read them as dates).

The chronology and the action plan read more forms (UK day-first dates, imprecise dates): see
``chronology.py``. Everything else in a case uses this one reading.
"""

from __future__ import annotations

import datetime as dt


def as_date(value) -> dt.date | None:
    """The date written, or None when the value is empty or not a YYYY-MM-DD date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None
