"""The process record drawn: the status page's checklist and the restricted process page.

The checklist says, for each step of the guidance's process, whether it is done, open or
overdue against the deadline set in the record. It is made from the same list of outstanding
items as the PRC rules (``checks.outstanding``), so the page and ``imr check`` agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from imr_site.case.editions import shows_process_record
from imr_site.case.templates import Templates
from imr_site.process.checks import Outstanding, outstanding
from imr_site.process.involvement import agency_staff, mentions, people
from imr_site.process.model import STEPS, ProcessRecord

TEMPLATES = Templates(__file__)
DONE, OPEN, OVERDUE = "done", "open", "overdue"
PAGE_TITLE = "Process record (restricted)"  # the leak gate looks for it in anonymised output


def today() -> dt.date:
    return dt.date.today()


@dataclass(frozen=True)
class ChecklistItem:
    step: str
    label: str
    state: str  # done | open | overdue
    due: dt.date | None
    detail: str  # what is left, or what was done

    @property
    def state_label(self) -> str:
        return {DONE: "Done", OPEN: "Open", OVERDUE: "Overdue"}[self.state]


# The last case drawn, and what was worked out for it: the checklist is drawn twice in a build
# (the status page and the process page), and each time looked through the whole chronology.
_DRAWN: list = [None, {}]


def _once(case, name: str, work_out):
    if _DRAWN[0] is not case:
        _DRAWN[:] = [case, {}]
    if name not in _DRAWN[1]:
        _DRAWN[1][name] = work_out()
    return _DRAWN[1][name]


def _involved(case, record: ProcessRecord) -> list[str]:
    """The staff the checklist is about: the agency's staff the chronology names, and everyone
    the record lists."""

    def work_out() -> list[str]:
        named = mentions(case, agency_staff(case))
        return sorted({label for label, found in named.items() if found} | set(record.staff))

    return list(_once(case, "involved", work_out))


def checklist(case, on: dt.date | None = None) -> list[ChecklistItem]:
    """Each step of the process, done, open or overdue on ``on`` (today by default)."""
    record: ProcessRecord | None = case.data.get("process")
    if record is None or not record.exists:
        return []
    on = on or today()
    left: dict[str, list[Outstanding]] = {}
    for o in _once(case, "outstanding", lambda: outstanding(case)):
        left.setdefault(o.step, []).append(o)
    involved = _involved(case, record)
    rec = record.staff

    def count(pred) -> tuple[int, int]:
        return sum(1 for label in involved if label in rec and pred(rec[label])), len(involved)

    invited = count(lambda s: s.date("invited"))
    answered = count(lambda s: s.date("contributed") or s.date("declined"))
    met = [label for label in involved if label in rec and rec[label].date("meeting")]
    shared = sum(1 for label in met if rec[label].date("record_shared"))
    checkable = [label for label in involved if not (label in rec and rec[label].date("declined"))]
    checked = sum(1 for label in checkable if label in rec and rec[label].date("checked"))
    manager, files = record.part("senior_manager"), record.part("files")
    sent, forwarded = record.part("signoff").date("sent"), record.part("forwarded").date("date")
    considered = record.part("other_investigations").get("considered")
    evidence = {
        "senior_manager": (
            bool(manager.text("name")),
            _dates(("appointed", manager.date("appointed")))
            if manager.text("name")
            else "no one recorded",
        ),
        "files_secured": (
            bool(files.date("secured") and files.date("author_access")),
            _dates(("secured", files.date("secured")), ("access", files.date("author_access"))),
        ),
        "invitations": (invited[0] == invited[1], f"{invited[0]} of {invited[1]} invited"),
        "contributions": (
            answered[0] == answered[1],
            f"{answered[0]} of {answered[1]} contributed or declined",
        ),
        "records_shared": (
            answered[0] == answered[1] and shared == len(met),
            f"{shared} of {len(met)} meeting records shared",
        ),
        "chronology_checked": (
            invited[0] == invited[1] and checked == len(checkable),
            f"checked with {checked} of {len(checkable)}",
        ),
        "other_investigations": (
            considered is not None and considered.yes is True,
            "considered" if considered is not None and considered.yes else "not recorded",
        ),
        "signoff": (bool(sent), _dates(("sent", sent))),
        "forwarded": (bool(forwarded), _dates(("forwarded", forwarded))),
    }
    items = []
    for step, label in STEPS.items():
        ok, detail = evidence[step]
        problems = left.get(step, [])
        due = record.deadline(step)
        if ok and not problems:
            state = DONE
        else:
            state = OVERDUE if due and on > due else OPEN
            if problems:
                detail += f"; {len(problems)} finding(s) open"
        items.append(ChecklistItem(step, label, state, due, detail))
    return items


def _dates(*pairs) -> str:
    done = [f"{what} {d.isoformat()}" for what, d in pairs if d]
    return ", ".join(done) if done else "not recorded"


@dataclass(frozen=True)
class StaffRow:
    label: str
    role: str
    named_in_chronology: int
    record: object  # StaffRecord or None


def process_block(case) -> str:
    """The restricted process page's content: the whole record, with the checklist."""
    record: ProcessRecord | None = case.data.get("process")
    if record is None:
        record = ProcessRecord()
    roles = {p.label: p.role for p in people(case)}
    # everyone the record could hold: the agency's staff in the people key, and the record's own
    involved = (
        sorted(set(_involved(case, record)) | set(agency_staff(case))) if record.exists else []
    )
    named = mentions(case, involved)
    rows = [
        StaffRow(label, roles.get(label, ""), len(named.get(label, [])), record.staff.get(label))
        for label in involved
    ]
    return TEMPLATES.render(
        "process.html",
        shown=True,
        record=record,
        rows=rows,
        items=checklist(case),
        manager=record.part("senior_manager"),
        files=record.part("files"),
        other=record.part("other_investigations"),
        signoff=record.part("signoff"),
        forwarded=record.part("forwarded"),
    )


def checklist_block(case) -> str:
    """The checklist alone, for the Review status page: in the restricted edition only, like
    the rest of the process record."""
    record: ProcessRecord | None = case.data.get("process")
    return TEMPLATES.render(
        "checklist.html",
        items=checklist(case),
        record=record or ProcessRecord(),
        shown=shows_process_record(case.config.edition),
    )
