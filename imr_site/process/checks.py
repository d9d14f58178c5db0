"""The PRC rules: the IMR process as the guidance requires it, checked against its record.

Every rule but the record's shape is a warning while the report is drafted: it is a list of
what is still to do. A FINAL build refuses any still open at warning level or above
(``imr_site.publish.final``); a case re-grades or switches them off under ``rules:`` in
mkdocs.yml like any other code. ``outstanding`` is shared with the status page's checklist,
so the two can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from imr_site.case.bulk import gc_paused
from imr_site.case.dates import as_date
from imr_site.case.findings import Finding, Severity, finding, rule
from imr_site.process.involvement import (
    Mention,
    agency_staff,
    chronology_file,
    mentions,
    people,
    resolve_person,
)
from imr_site.process.model import ProcessRecord

R_NOT_INVITED = rule(
    "PRC003",
    "warning",
    "Member of staff in the chronology not invited to contribute",
    "Invite them to contribute (the guidance says every member of staff involved must have the "
    "chance) and write the date under their label in data/process.yml: 'invited: YYYY-MM-DD'.",
)
R_NO_ANSWER = rule(
    "PRC004",
    "warning",
    "No contribution or refusal recorded",
    "Write 'contributed: YYYY-MM-DD' (or 'declined: YYYY-MM-DD') and 'how:' under the person "
    "in data/process.yml.",
)
R_NOT_SHARED = rule(
    "PRC005",
    "warning",
    "Meeting record not shared with the member of staff",
    "Share the written record of the meeting with them and write 'record_shared: YYYY-MM-DD'.",
)
R_NOT_CHECKED = rule(
    "PRC006",
    "warning",
    "Chronology not checked with the staff it names",
    "Check the factual accuracy of the entries with the member of staff, then write "
    "'checked: YYYY-MM-DD' and 'entries: all' (or the entries' dates) under them.",
)
R_ORDER = rule(
    "PRC007",
    "warning",
    "Process dates out of order",
    "Check both dates named: one step cannot come before the step it follows.",
)
R_INVOLVED = rule(
    "PRC008",
    "warning",
    "Senior manager appears in the chronology",
    "The guidance asks for a senior manager who was not involved in the case: appoint another, "
    "or, if the chronology names someone else, correct the label.",
)
R_NO_MANAGER = rule(
    "PRC009",
    "warning",
    "No senior manager, or no confirmation that they were not involved",
    "Fill in senior_manager: name, role and 'no_involvement: yes' once confirmed.",
)
R_FILES = rule(
    "PRC010",
    "warning",
    "Files not recorded as secured, or the author's access not recorded",
    "Write the dates under files: 'secured:' and 'author_access:'.",
)
R_OTHER = rule(
    "PRC011",
    "warning",
    "Other investigations not considered",
    "Consider whether a disciplinary, regulatory or other investigation is needed and write "
    "'considered: yes', the date and 'needed:' under other_investigations.",
)
R_NOT_SENT = rule(
    "PRC012",
    "warning",
    "Signed off, but the record does not say when it was sent for sign-off",
    "Write the date the report went to the senior manager under signoff: 'sent: YYYY-MM-DD'.",
)
R_UNKNOWN_LABEL = rule(
    "PRC013",
    "warning",
    "A member of staff in the process record is not in the people key",
    "Use the person's label from data/people.yml, or add them to the people key.",
)
R_NO_RECORD = rule(
    "PRC014",
    "info",
    "The case has no process record",
    "Copy data/process.yml from a new case (`imr new`) and fill it in; a board that requires it "
    "makes PRC014 an error under 'rules: severity:' in mkdocs.yml.",
)


PREFIX = "PRC"


def gate_refusals(findings: list[Finding]) -> list[Finding]:
    """The process findings a FINAL build refuses: every one still at warning level or above
    (errors are refused with all the others). A case that accepts one re-grades it to info or
    switches it off under `rules:` in mkdocs.yml."""
    return [f for f in findings if f.code.startswith(PREFIX) and f.severity is Severity.WARNING]


@dataclass(frozen=True)
class Outstanding:
    """Something still to do in one step of the process, and the line of the process record
    where it is (to be) recorded."""

    step: str  # a key of STEPS
    code: str
    line: int | None
    message: str


def _lines(found: list[Mention], file: str) -> str:
    shown = ", ".join(str(m.line) for m in found[:4])
    more = f" and {len(found) - 4} more" if len(found) > 4 else ""
    word = "line" if len(found) == 1 else "lines"
    return f"{file} {word} {shown}{more}"


def signed_by_senior_officer(case) -> dt.date | None:
    page = case.section("signoff")
    return as_date(page.get("signatures.senior_officer.date")) if page else None


def outstanding(case) -> list[Outstanding]:
    """Every step not done (or done in an impossible order), for the rules and the checklist."""
    record: ProcessRecord | None = case.data.get("process")
    if record is None or not record.exists or not record.readable:
        return []
    out: list[Outstanding] = []
    staff = agency_staff(case)
    known = {p.label for p in people(case)}
    manager = record.part("senior_manager")
    manager_label = resolve_person(case, manager.text("name"))
    named = mentions(case, set(staff) | set(record.staff) | {manager_label or ""})
    chron = chronology_file(case)
    top = 1

    # The senior manager: appointed, not involved, and not named in the chronology.
    if not manager.text("name"):
        out.append(
            Outstanding(
                "senior_manager",
                R_NO_MANAGER.code,
                manager.line or top,
                "no senior manager is recorded: the agency must appoint one who was not involved "
                "in the case (senior_manager: name, role).",
            )
        )
    elif manager.get("no_involvement") is None or manager.get("no_involvement").yes is not True:
        out.append(
            Outstanding(
                "senior_manager",
                R_NO_MANAGER.code,
                manager.line_of("no_involvement"),
                f"the record does not confirm that {manager.text('name')} had no involvement in "
                "the case: write 'no_involvement: yes' once it is confirmed.",
            )
        )
    if manager_label and named.get(manager_label):
        out.append(
            Outstanding(
                "senior_manager",
                R_INVOLVED.code,
                manager.line_of("name"),
                f"the senior manager ({manager_label}) is named in the chronology "
                f"({_lines(named[manager_label], chron)}), so was involved in the case.",
            )
        )

    files = record.part("files")
    missing = [k for k in ("secured", "author_access") if files.date(k) is None]
    if missing:
        what = {"secured": "the files were secured", "author_access": "the author was given access"}
        out.append(
            Outstanding(
                "files_secured",
                R_FILES.code,
                files.line_of(missing[0]) if files.line else top,
                "the record does not say when " + " or when ".join(what[k] for k in missing) + ".",
            )
        )

    # Each member of staff the chronology names: invited, answered, met, checked.
    for label in sorted(staff):
        rec = record.staff.get(label)
        if named.get(label) and (rec is None or rec.date("invited") is None):
            out.append(
                Outstanding(
                    "invitations",
                    R_NOT_INVITED.code,
                    rec.line_of("invited") if rec else (record.staff_line or top),
                    f"{label} ({staff[label].role or 'staff'}) is named in the chronology "
                    f"({_lines(named[label], chron)}) but there is no record of inviting them to "
                    "contribute.",
                )
            )
    for label, rec in record.staff.items():
        if label not in known:
            out.append(
                Outstanding(
                    "invitations",
                    R_UNKNOWN_LABEL.code,
                    rec.line,
                    f"'{label}' is not a label in the people key.",
                )
            )
        out += _staff_steps(label, rec, named.get(label, []), chron)

    other = record.part("other_investigations")
    considered = other.get("considered")
    if considered is None or considered.yes is not True:
        out.append(
            Outstanding(
                "other_investigations",
                R_OTHER.code,
                other.line_of("considered") if other.line else top,
                "the record does not say that another investigation (disciplinary, regulatory) "
                "was considered.",
            )
        )

    out += _signoff_steps(case, record)
    return out


def _staff_steps(label: str, rec, named: list[Mention], chron: str) -> list[Outstanding]:
    out: list[Outstanding] = []
    invited, contributed, declined = (rec.date(k) for k in ("invited", "contributed", "declined"))
    meeting, shared, checked = (rec.date(k) for k in ("meeting", "record_shared", "checked"))
    if invited and not contributed and not declined:
        out.append(
            Outstanding(
                "contributions",
                R_NO_ANSWER.code,
                rec.line_of("invited"),
                f"{label} was invited on {invited.isoformat()}, and the record says neither that "
                "they contributed nor that they declined.",
            )
        )
    if meeting and not shared:
        out.append(
            Outstanding(
                "records_shared",
                R_NOT_SHARED.code,
                rec.line_of("meeting"),
                f"the record of the meeting with {label} on {meeting.isoformat()} has not been "
                "shared with them.",
            )
        )
    if named and not declined:
        if not checked:
            out.append(
                Outstanding(
                    "chronology_checked",
                    R_NOT_CHECKED.code,
                    rec.line,
                    f"the chronology names {label} ({_lines(named, chron)}) and has not been "
                    "checked with them.",
                )
            )
        elif not rec.entries_all:
            covered = rec.entry_dates
            left = [m for m in named if m.date is None or m.date not in covered]
            if left:
                out.append(
                    Outstanding(
                        "chronology_checked",
                        R_NOT_CHECKED.code,
                        rec.line_of("entries") if rec.get("entries") else rec.line_of("checked"),
                        f"entries naming {label} were not checked with them: "
                        f"{_lines(left, chron)} (dated {', '.join(m.written for m in left[:4])}).",
                    )
                )
    for first, then, what in (
        ("invited", "contributed", "contributed before being invited"),
        ("invited", "declined", "declined before being invited"),
        ("invited", "meeting", "met before being invited"),
        ("meeting", "record_shared", "the record of the meeting shared before it took place"),
    ):
        a, b = rec.date(first), rec.date(then)
        if a and b and b < a:
            out.append(
                Outstanding(
                    _STEP_OF[then],
                    R_ORDER.code,
                    rec.line_of(then),
                    f"{label}: {what} ({then} {b.isoformat()}, {first} {a.isoformat()}).",
                )
            )
    return out


_STEP_OF = {
    "contributed": "contributions",
    "declined": "contributions",
    "meeting": "contributions",
    "record_shared": "records_shared",
}


def _signoff_steps(case, record: ProcessRecord) -> list[Outstanding]:
    out: list[Outstanding] = []
    sent_part, forwarded_part = record.part("signoff"), record.part("forwarded")
    sent, forwarded = sent_part.date("sent"), forwarded_part.date("date")
    signed = signed_by_senior_officer(case)
    page = case.section("signoff")
    if signed and not sent:
        out.append(
            Outstanding(
                "signoff",
                R_NOT_SENT.code,
                sent_part.line_of("sent") if sent_part.line else 1,
                f"the report was signed off on {signed.isoformat()} ({page.rel}), and the record "
                "does not say when it was sent to the senior manager for sign-off.",
            )
        )
    if sent and signed and signed < sent:
        out.append(
            Outstanding(
                "signoff",
                R_ORDER.code,
                sent_part.line_of("sent"),
                f"the report was signed off on {signed.isoformat()} ({page.rel}), before it was "
                f"sent for sign-off on {sent.isoformat()}.",
            )
        )
    for before, when in (("sent for sign-off", sent), ("signed off", signed)):
        if forwarded and when and forwarded < when:
            out.append(
                Outstanding(
                    "forwarded",
                    R_ORDER.code,
                    forwarded_part.line_of("date"),
                    f"the report was forwarded to the chair on {forwarded.isoformat()}, before it "
                    f"was {before} ({when.isoformat()}).",
                )
            )
    return out


def check(case) -> list[Finding]:
    with gc_paused():  # thousands of texts and matches, no reference cycles
        return _check(case)


def _check(case) -> list[Finding]:
    record: ProcessRecord | None = case.data.get("process")
    if record is None:
        return []
    if not record.exists:
        return [
            finding(
                R_NO_RECORD.code,
                None,
                None,
                f"there is no {record.rel}, so the IMR process (staff invited, meeting records "
                "shared, the chronology checked with staff, sign-off) is not tracked.",
            )
        ]
    return [finding(o.code, record.rel, o.line, o.message) for o in outstanding(case)]
