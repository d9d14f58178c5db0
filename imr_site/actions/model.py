"""The action plan: ``data/actions.yml``, one entry per action, each serving a recommendation.

Each action is a set of fields (the spec's ``actions`` columns)::

    - ref: A1
      recommendations: [R1]          # or "R1, R2"
      action: Audit 20 self-neglect referrals for triage within one working day
      agency: Adult Social Care
      lead: Priya Shah, Head of Safeguarding
      timescale: 2026-03-31          # 31/03/2026 is understood too
      monitoring: Quarterly report to the SAB Learning and Improvement subgroup
      indirect: None
      status: in progress            # not started | in progress | complete
      evidence: ""
      immediate: no                  # yes for improvement actions already taken

This module reads the file and interprets each field (dates, status, references); the rules
about actions live in ``checks.py`` beside it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from imr_site.actions.recommendations import normalise_ref
from imr_site.case.dates import DateProblem, parse_uk_date
from imr_site.case.findings import Finding, finding, rule
from imr_site.case.yamlio import LineDict, LineList, load_yaml

R_SHAPE = rule(
    "ACT001",
    "error",
    "Action plan is not a list of actions",
    "Each action starts with '- ref: A1' at the left margin; see the example case.",
)

FIELDS = (
    "ref",
    "recommendations",
    "action",
    "agency",
    "lead",
    "timescale",
    "monitoring",
    "indirect",
    "status",
    "evidence",
    "immediate",
)
DEFAULT_STATUSES = ("not started", "in progress", "complete")
# Other spellings authors use for the spec's statuses (after case and punctuation are ignored).
_STATUS_ALIASES = {
    "completed": "complete",
    "done": "complete",
    "closed": "complete",
    "ongoing": "in progress",
    "started": "in progress",
    "underway": "in progress",
    "not yet started": "not started",
    "to do": "not started",
}

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class DateReading:
    """How a written timescale was understood.

    ``kind`` is ``iso`` (2025-12-31), ``uk`` (31/12/2025, 31.12.25, 31-Dec-25, 31 December 2025),
    ``imprecise`` (a month or a year, or marked uncertain: no day to monitor against),
    ``invalid`` (shaped like a date but not a real one, like 31/02/2025) or ``none`` (not a date:
    "ASAP", "ongoing", empty).
    """

    text: str
    date: dt.date | None
    kind: str

    @property
    def iso(self) -> str:
        return self.date.isoformat() if self.date else ""


def read_date(value) -> DateReading:
    """Understand a date as an author in the UK writes it (day before month).

    The chronology's reader of UK dates does the reading, so both data files understand the same
    forms; an action's timescale must name a day.
    """
    if isinstance(value, dt.datetime):
        return DateReading(value.isoformat(), value.date(), "iso")
    if isinstance(value, dt.date):
        return DateReading(value.isoformat(), value, "iso")
    text = "" if value is None or isinstance(value, bool) else str(value).strip()
    try:
        read = parse_uk_date(text) if text else None
    except DateProblem:
        return DateReading(text, None, "invalid")
    if read is None:
        return DateReading(text, None, "none")
    if read.imprecise:
        return DateReading(text, None, "imprecise")
    return DateReading(text, read.start, "iso" if _ISO_DAY.match(text) else "uk")


def normalise_status(value, statuses: tuple[str, ...] = DEFAULT_STATUSES) -> str | None:
    """The spec's status that ``value`` means ('In-Progress' -> 'in progress'), or None."""
    if value is None or isinstance(value, bool):
        return None
    t = " ".join(re.sub(r"[-_]", " ", str(value)).lower().split())
    by_key = {" ".join(re.sub(r"[-_]", " ", s).lower().split()): s for s in statuses}
    if t in by_key:
        return by_key[t]
    alias = _STATUS_ALIASES.get(t)
    return by_key.get(alias) if alias else None


_YES = {"yes", "y", "true", "already taken", "taken", "immediate"}


@dataclass
class Action:
    fields: dict
    line: int
    key_lines: dict = field(default_factory=dict)
    statuses: tuple[str, ...] = DEFAULT_STATUSES

    def text(self, key: str) -> str:
        v = self.fields.get(key)
        if v is None:
            return ""
        if isinstance(v, list):
            return ", ".join(str(x) for x in v)
        if isinstance(v, bool):
            return "Yes" if v else "No"
        return str(v).strip()

    @property
    def ref(self) -> str:
        return self.text("ref")

    @property
    def recommendations(self) -> list[str]:
        """The references as written (a list, or one string separated by commas/semicolons)."""
        v = self.fields.get("recommendations")
        if v is None:
            return []
        if isinstance(v, list):
            return [str(x).strip() for x in v if str(x).strip()]
        return [x.strip() for x in re.split(r"[,;]", str(v)) if x.strip()]

    @property
    def recommendation_refs(self) -> list[str]:
        """The references understood (R1, R2...); what cannot be understood is left out."""
        out = []
        for r in self.recommendations:
            n = normalise_ref(r)
            if n and n not in out:
                out.append(n)
        return out

    @property
    def status(self) -> str | None:
        """The spec's status ('not started', 'in progress', 'complete'), or None."""
        return normalise_status(self.fields.get("status"), self.statuses)

    @property
    def complete(self) -> bool:
        return self.status is not None and self.status == self.statuses[-1]

    @property
    def timescale(self) -> DateReading:
        return read_date(self.fields.get("timescale"))

    @property
    def due(self) -> dt.date | None:
        return self.timescale.date

    @property
    def immediate(self) -> bool:
        v = self.fields.get("immediate")
        if isinstance(v, bool):
            return v
        return str(v).strip().lower() in _YES if v is not None else False

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


@dataclass
class ActionPlan:
    actions: list[Action]
    rel: str
    exists: bool = True
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    line: int = 1  # where the list starts (for findings about the whole plan)

    def by_ref(self) -> dict[str, Action]:
        """The first action with each reference, keyed by the reference upper-cased."""
        out: dict[str, Action] = {}
        for a in self.actions:
            if a.ref and a.ref.upper() not in out:
                out[a.ref.upper()] = a
        return out

    def serving(self, rec_ref: str) -> list[Action]:
        return [a for a in self.actions if rec_ref in a.recommendation_refs]

    @property
    def extra_fields(self) -> list[str]:
        """Fields written in the file that the tool does not know, in the order first seen."""
        out: list[str] = []
        for a in self.actions:
            for k in a.fields:
                if str(k) not in FIELDS and str(k) not in out:
                    out.append(str(k))
        return out


def load_actions(path: Path, rel: str, case=None) -> tuple[ActionPlan, list[Finding]]:
    statuses = tuple(case.spec.action_statuses) if case is not None else DEFAULT_STATUSES
    if not path.is_file():
        return ActionPlan([], rel, exists=False, statuses=statuses), []
    raw = load_yaml(path, rel)
    if raw is None:
        return ActionPlan([], rel, statuses=statuses), []
    findings: list[Finding] = []
    if not isinstance(raw, LineList):
        findings.append(
            finding(
                R_SHAPE.code,
                rel,
                getattr(raw, "line", 1),
                "the action plan must be a list of actions, each starting with '- ref:'.",
            )
        )
        return ActionPlan([], rel, statuses=statuses), findings
    actions = []
    for i, (item, line) in enumerate(zip(raw, raw.item_lines, strict=False)):
        if not isinstance(item, LineDict):
            findings.append(
                finding(
                    R_SHAPE.code,
                    rel,
                    line,
                    f"action {i + 1} is not a set of 'field: value' lines; it is "
                    "left out of the plan until it is.",
                )
            )
            continue
        actions.append(Action(dict(item), line, dict(item.key_lines), statuses))
    return ActionPlan(actions, rel, statuses=statuses, line=raw.line), findings
