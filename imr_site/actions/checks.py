"""Rules about the recommendations and the action plan.

The guidance asks for recommendations that are specific and capable of being implemented, and an
action plan naming, for every action, the agency to implement it, a named person, a timescale and
how it will be monitored. Review panels send an IMR back when actions are unowned, undated or not
linked to a recommendation; these rules find those before the panel does.
"""

from __future__ import annotations

import difflib
import re

from imr_site.actions.model import FIELDS, Action, ActionPlan, read_date
from imr_site.actions.recommendations import (
    SECTION_ID,
    Recommendation,
    container_heading,
    normalise_ref,
    parse_recommendations,
)
from imr_site.case import placeholders
from imr_site.case.findings import Finding, finding, rule

R_DUP_REF = rule(
    "ACT002",
    "error",
    "Two actions share a reference",
    "Give each action its own reference (A1, A2, ...).",
)
R_MISSING = rule(
    "ACT003",
    "error",
    "Required action detail missing",
    "Fill in the field the message names for this action in data/actions.yml.",
)
R_NO_LEAD = rule(
    "ACT004",
    "error",
    "No named person responsible",
    "Name the person responsible in `lead:` by their label from data/people.yml (which holds "
    "the name), with their role: 'HN1, Head of Adult Community Nursing'. The guidance asks for "
    "a named person.",
)
R_TIMESCALE = rule(
    "ACT005",
    "error",
    "Timescale is not a date",
    "Write the date the action will be done by in `timescale:`, like 2026-03-31 or 31/03/2026.",
)
R_STALE = rule(
    "ACT006",
    "warning",
    "Timescale has passed but the action is not complete",
    "Set a new timescale after the IMR's completion date, or mark the action complete with "
    "evidence.",
)
R_NO_MONITORING = rule(
    "ACT007",
    "error",
    "No monitoring arrangement",
    "Say in `monitoring:` who will check the action is done and how (a board, audit, report).",
)
R_NO_REC = rule(
    "ACT008",
    "error",
    "Action serves no existing recommendation",
    "Name the recommendation(s) it serves in `recommendations:`, like [R1], using the "
    "numbers in the recommendations section.",
)
R_STATUS = rule(
    "ACT009",
    "error",
    "Unknown action status",
    "Use one of the statuses the message lists.",
)
R_REMIND_ACTION = rule(
    "ACT010",
    "info",
    "Action only reminds or re-circulates",
    "Say what will change and how it will be measured (an audit, training with attendance, "
    "a target).",
)
R_DATE_FORMAT = rule(
    "ACT011",
    "info",
    "Date written day-first",
    "Nothing to do if the date was read correctly; `imr actions fix-dates` rewrites such dates as "
    "YYYY-MM-DD.",
)
R_NO_EVIDENCE = rule(
    "ACT012",
    "warning",
    "Complete action without evidence",
    "Say in `evidence:` what shows the action is done (a document, an audit result, a date).",
)
R_IMMEDIATE = rule(
    "ACT013",
    "warning",
    "Immediate action not yet taken",
    "Immediate actions are ones already taken: mark it complete or in progress, or set "
    "`immediate: no`.",
)
R_UNKNOWN_FIELD = rule(
    "ACT014",
    "warning",
    "Unknown field in an action",
    "Rename the field to one the action plan uses (the message suggests one); it is kept "
    "meanwhile.",
)
R_EMPTY_PLAN = rule(
    "ACT015",
    "warning",
    "The action plan has no actions",
    "Add the actions to data/actions.yml (see the example case).",
)
R_REC_NO_ACTION = rule(
    "REC003",
    "error",
    "Recommendation has no action",
    "Add an action to data/actions.yml with `recommendations: [R<n>]` naming this recommendation.",
)
R_REMIND_REC = rule(
    "REC004",
    "info",
    "Recommendation only reminds or re-circulates",
    "Make it specific and measurable: what will change, for whom, by when, and how it will "
    "be known.",
)
R_REC_EMPTY = rule(
    "REC005",
    "error",
    "Recommendation is empty",
    "Write the recommendation after its reference and under its heading.",
)
R_NO_RECS = rule(
    "REC006",
    "warning",
    "No numbered recommendations found",
    "Write each recommendation as '### R1. Short title' with its text under it, inside "
    "'## Case review recommendations'.",
)

# Values that are not a name or an arrangement, only a promise of one.
_PLACEHOLDERS = {
    "",
    "tbc",
    "tba",
    "tbd",
    "to be confirmed",
    "to be agreed",
    "to be decided",
    "unknown",
    "n/a",
    "na",
    "none",
    "?",
    "-",
    "--",
    "various",
    "all",
    "all staff",
    "tbc.",
}
# What an author means by a field the plan does not have.
_SYNONYMS = {
    "owner": "lead",
    "responsible": "lead",
    "named_person": "lead",
    "person": "lead",
    "lead_officer": "lead",
    "responsible_person": "lead",
    "deadline": "timescale",
    "due": "timescale",
    "due_date": "timescale",
    "target_date": "timescale",
    "date": "timescale",
    "by": "timescale",
    "recommendation": "recommendations",
    "rec": "recommendations",
    "recs": "recommendations",
    "monitor": "monitoring",
    "monitored_by": "monitoring",
    "organisation": "agency",
    "organization": "agency",
    "id": "ref",
    "reference": "ref",
    "indirect_actions": "indirect",
    "completion_evidence": "evidence",
    "progress": "status",
}
_REMIND = re.compile(r"\b(remind\w*|reiterat\w*|re-?circulat\w*)\b", re.IGNORECASE)
_MEASURABLE = re.compile(
    r"\d|%|percent|\baudit|sampl|\btrain|measur|complian|evaluat|spot[- ]?check|\bkpi|\btarget",
    re.IGNORECASE,
)
# fields with their own rule; every other mandatory column is ACT003
_OWN_RULE = {"lead", "timescale", "monitoring", "recommendations", "status"}


def only_reminds(text: str) -> bool:
    """True when wording asks to remind/reiterate/re-circulate and says nothing measurable."""
    return bool(_REMIND.search(text)) and not _MEASURABLE.search(text)


def _is_placeholder(value: str) -> bool:
    return value.strip().strip(".").lower() in _PLACEHOLDERS


def _label(case, key: str) -> str:
    col = next((c for c in case.spec.action_columns if c.key == key), None)
    return col.label if col else key


def completion_date(case):
    """The IMR's date of completion (introduction front matter), or None."""
    intro = case.section("introduction")
    return read_date(intro.get("completion_date")).date if intro is not None else None


def check(case) -> list[Finding]:
    plan: ActionPlan | None = case.data.get("actions")
    page = case.section(SECTION_ID)
    recs, out = parse_recommendations(page, case)
    if plan is None or (not plan.exists and SECTION_ID not in case.spec.section_ids):
        return out  # a report without an action plan (a review panel's chronology)
    out.extend(placeholders.in_data_file(case, "actions"))
    out.extend(_check_plan(case, plan, recs, page is not None))
    out.extend(_check_recommendations(case, plan, recs, page))
    return out


def _check_recommendations(
    case, plan: ActionPlan, recs: list[Recommendation], page
) -> list[Finding]:
    out: list[Finding] = []
    if page is None:
        return out
    if not recs:
        if not _says_not_applicable(case, page):
            out.append(
                finding(
                    R_NO_RECS.code,
                    page.rel,
                    page.title().line if page.title() else 1,
                    "no numbered recommendations were found, so the action plan cannot be "
                    "linked to them. Write each as '### R1. Short title' under '## Case review "
                    "recommendations', with its text below the heading.",
                )
            )
        return out
    for rec in recs:
        if not rec.title and not rec.text:
            out.append(
                finding(
                    R_REC_EMPTY.code,
                    page.rel,
                    rec.line,
                    f"{rec.ref} has a heading but no words: write the recommendation after "
                    f"'{rec.ref}.' and under the heading.",
                )
            )
        elif only_reminds(rec.wording):
            out.append(
                finding(
                    R_REMIND_REC.code,
                    page.rel,
                    rec.line,
                    f"{rec.ref} asks only to remind, reiterate or re-circulate. Review panels ask "
                    "for recommendations that are specific and measurable: say what will change "
                    "and how you will know it has.",
                )
            )
        if not plan.serving(rec.ref):
            out.append(
                finding(
                    R_REC_NO_ACTION.code,
                    page.rel,
                    rec.line,
                    f"no action in {plan.rel} serves {rec.ref}. Add one with "
                    f"`recommendations: [{rec.ref}]`, naming who will do what by when.",
                )
            )
    return out


def _says_not_applicable(case, page) -> bool:
    """The author wrote 'Not applicable ...' under "Case review recommendations"."""
    heading, end = container_heading(case, page)
    if heading is None:
        return False
    text = " ".join(page.text_between(heading.line, end).split()).lower().lstrip("*_> ")
    return any(text.startswith(p.lower()) for p in case.spec.not_applicable_phrases)


def _check_plan(
    case, plan: ActionPlan, recs: list[Recommendation], have_section: bool
) -> list[Finding]:
    out: list[Finding] = []
    rel = plan.rel
    if not plan.actions:
        if not plan.exists:
            msg = (
                f"there is no {rel}, so the report has no action plan. Add the file with one "
                "entry per action (see the example case)."
            )
            return [finding(R_EMPTY_PLAN.code, rel, None, msg)]
        if not any(f.file == rel for f in case.findings):
            return [
                finding(
                    R_EMPTY_PLAN.code,
                    rel,
                    plan.line,
                    f"{rel} has no actions in it. Add one entry per action, each "
                    "starting with '- ref: A1'.",
                )
            ]
        return out
    known = {r.ref for r in recs}
    completed_on = completion_date(case)
    seen: dict[str, Action] = {}
    mandatory = [c.key for c in case.spec.action_columns if c.mandatory and c.key not in _OWN_RULE]
    statuses = ", ".join(plan.statuses)
    for n, a in enumerate(plan.actions, start=1):
        name = a.ref or f"action {n} (line {a.line})"
        # reference
        if a.ref:
            key = a.ref.upper()
            if key in seen:
                out.append(
                    finding(
                        R_DUP_REF.code,
                        rel,
                        a.line_of("ref"),
                        f"{a.ref} is used twice: here and on line {seen[key].line_of('ref')}. "
                        "Give this action the next free reference; recommendations and "
                        "reviewers find actions by it.",
                    )
                )
            else:
                seen[key] = a
        for key in mandatory:
            value = a.fields.get(key)
            if value is None or (isinstance(value, str) and not value.strip()) or value == []:
                out.append(
                    finding(
                        R_MISSING.code,
                        rel,
                        a.line_of(key) if key in a.fields else a.line,
                        f"{name} has no '{_label(case, key)}'. Add `{key}:` to it.",
                    )
                )
        # named person
        if _is_placeholder(a.text("lead")):
            out.append(
                finding(
                    R_NO_LEAD.code,
                    rel,
                    a.line_of("lead"),
                    f"{name} has no named person responsible"
                    + (f" ('{a.text('lead')}')" if a.text("lead") else "")
                    + ". The guidance asks for a named person: write their label from "
                    "data/people.yml in `lead:`, with the role ('HN1, Head of Nursing').",
                )
            )
        # timescale
        ts = a.timescale
        if ts.kind == "none":
            said = f"'{ts.text}' is not a date" if ts.text else "there is no timescale"
            out.append(
                finding(
                    R_TIMESCALE.code,
                    rel,
                    a.line_of("timescale"),
                    f"{name}: {said}. Give the date it will be done by in `timescale:`, like "
                    "2026-03-31 (words such as 'ASAP' or 'ongoing' cannot be monitored).",
                )
            )
        elif ts.kind == "imprecise":
            out.append(
                finding(
                    R_TIMESCALE.code,
                    rel,
                    a.line_of("timescale"),
                    f"{name}: the timescale '{ts.text}' gives no day. Write the date it will be "
                    "done by, like 2026-03-31, so that it can be monitored.",
                )
            )
        elif ts.kind == "invalid":
            out.append(
                finding(
                    R_TIMESCALE.code,
                    rel,
                    a.line_of("timescale"),
                    f"{name}: the timescale '{ts.text}' is not a real date. Check the day and "
                    "month.",
                )
            )
        else:
            if ts.kind == "uk":
                out.append(
                    finding(
                        R_DATE_FORMAT.code,
                        rel,
                        a.line_of("timescale"),
                        f"{name}: the timescale '{ts.text}' is read as "
                        f"{ts.date.day} {ts.date:%B %Y} (day first). If that is right there is "
                        f"nothing to do; `imr actions fix-dates` rewrites it as {ts.iso}.",
                    )
                )
            if completed_on and ts.date < completed_on and not a.complete:
                out.append(
                    finding(
                        R_STALE.code,
                        rel,
                        a.line_of("timescale"),
                        f"{name} was due on {ts.date.day} {ts.date:%B %Y}, before the IMR's "
                        f"completion date ({completed_on.day} {completed_on:%B %Y}), and is not "
                        "complete. Set a new timescale, or mark it complete with evidence.",
                    )
                )
        # monitoring
        if _is_placeholder(a.text("monitoring")):
            out.append(
                finding(
                    R_NO_MONITORING.code,
                    rel,
                    a.line_of("monitoring"),
                    f"{name} does not say how it will be monitored. Write in `monitoring:` who "
                    "will check it is done and how (for example a quarterly report to the SAB "
                    "subgroup).",
                )
            )
        # recommendations served
        out.extend(_check_served(a, name, rel, known, have_section))
        # status
        raw_status = a.fields.get("status")
        if raw_status not in (None, "") and a.status is None:
            out.append(
                finding(
                    R_STATUS.code,
                    rel,
                    a.line_of("status"),
                    f"{name}: the status '{a.text('status')}' is not one of: {statuses}.",
                )
            )
        elif raw_status in (None, ""):
            out.append(
                finding(
                    R_MISSING.code,
                    rel,
                    a.line_of("status"),
                    f"{name} has no status. Add `status:` with one of: {statuses}.",
                )
            )
        if a.complete and not a.text("evidence"):
            out.append(
                finding(
                    R_NO_EVIDENCE.code,
                    rel,
                    a.line,
                    f"{name} is marked complete but `evidence:` does not say what shows it is "
                    "done.",
                )
            )
        if a.immediate and a.status == plan.statuses[0]:
            out.append(
                finding(
                    R_IMMEDIATE.code,
                    rel,
                    a.line_of("immediate"),
                    f"{name} is marked as an immediate action already taken, but its status is "
                    f"'{a.text('status')}'.",
                )
            )
        if only_reminds(a.text("action")):
            out.append(
                finding(
                    R_REMIND_ACTION.code,
                    rel,
                    a.line_of("action"),
                    f"{name} only reminds, reiterates or re-circulates. Review panels ask for "
                    "specific, measurable actions: say what will change and how it will be "
                    "checked (an audit, training with attendance, a target).",
                )
            )
        for key in a.fields:
            if str(key) not in FIELDS:
                out.append(_unknown_field(a, name, rel, str(key)))
    return out


def _check_served(
    a: Action, name: str, rel: str, known: set[str], have_section: bool
) -> list[Finding]:
    written = a.recommendations
    line = a.line_of("recommendations")
    if not written:
        return [
            finding(
                R_NO_REC.code,
                rel,
                line,
                f"{name} does not say which recommendation it serves. Add "
                "`recommendations: [R1]` (the number of the recommendation).",
            )
        ]
    out = []
    for w in written:
        ref = normalise_ref(w)
        if ref is None:
            out.append(
                finding(
                    R_NO_REC.code,
                    rel,
                    line,
                    f"{name}: '{w}' is not a recommendation reference. Use the numbers in the "
                    "recommendations section, like R1.",
                )
            )
        elif have_section and ref not in known:
            have = ", ".join(sorted(known, key=lambda r: int(r[1:]))) or "none found"
            out.append(
                finding(
                    R_NO_REC.code,
                    rel,
                    line,
                    f"{name} serves {ref}, but there is no recommendation {ref} in the "
                    f"recommendations section (it has: {have}).",
                )
            )
    return list(dict.fromkeys(out))  # a reference written twice is one finding


def _unknown_field(a: Action, name: str, rel: str, key: str) -> Finding:
    guess = _SYNONYMS.get(key.lower().replace(" ", "_").replace("-", "_"))
    if guess is None:
        close = difflib.get_close_matches(key.lower(), FIELDS, n=1, cutoff=0.75)
        guess = close[0] if close else None
    hint = f" Did you mean `{guess}:`?" if guess else f" The fields are: {', '.join(FIELDS)}."
    return finding(
        R_UNKNOWN_FIELD.code,
        rel,
        a.line_of(key),
        f"{name}: `{key}:` is not a field of the action plan, so it is not shown in the report "
        f"(it is kept, and exported).{hint}",
    )
