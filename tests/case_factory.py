"""A small, complete, honest case written into a folder, for the glossary, names and editions tests.

Every part of the report is present and every name is a label, so the case builds both editions
with no finding from the name check or the leak gate. Tests change one thing and look for the
one finding (or the one leak) that change must cause.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import yaml

SUBJECT = {
    "initials": "AB",
    "full_name": "Alice Beatrice Brownlow",
    "dob": "1948-07-23",
    "address": "14 Heron Close, Anytown, AT4 9QZ",
    "ethnic_origin": "White British",
    "gender": "Female",
}

PEOPLE = {
    "AB": {"name": "Alice Beatrice Brownlow", "role": "Subject of the review", "aliases": ["Ally"]},
    "DN2": {
        "name": "Sarah Marsh",
        "role": "District Nurse",
        "agency": "Anytown Community Health",
        "aliases": ["Sarah Pellow"],
        "not_names": ["marsh"],
    },
    "GP1": {"name": "Dr Rupert Quenby", "role": "General Practitioner", "agency": "Heron Surgery"},
}

GLOSSARY = {
    "IMR": "Individual Management Review",
    "SAB": "Safeguarding Adults Board",
    "GP": "General Practitioner",
    "A&E": "Accident and Emergency",
    "DoLS": "Deprivation of Liberty Safeguards",
    "MCA": "Mental Capacity Act 2005",
    "S.42": "Section 42 enquiry (Care Act 2014)",
    "CMHT": "Community Mental Health Team",
}

CHRONOLOGY = [
    {
        "date": "2024-01-10",
        "time": "10:00",
        "source": "District nursing",
        "contact_with": "AB",
        "event": "DN2 visited AB at home; pressure area care. AB's GP was informed.",
        "action": "Referral to GP1.",
    },
    {
        "date": "2024-02-02",
        "source": "Adult social care",
        "contact_with": "AB",
        "event": "S.42 enquiry opened after A&E attendance.",
    },
]

ACTIONS = [
    {
        "ref": "A1",
        "recommendations": ["R1"],
        "action": "Audit MCA assessments by district nurses.",
        "agency": "Anytown Community Health",
        "lead": "Head of Safeguarding",
        "timescale": "2025-06-30",
        "monitoring": "Quarterly report to the SAB",
        "status": "in progress",
    }
]


def _section(sid: str, title: str, body: str, meta: dict | None = None) -> str:
    fm = {"section": sid, **(meta or {})}
    return (
        "---\n"
        + yaml.safe_dump(fm, sort_keys=False, allow_unicode=True)
        + "---\n\n"
        + f"# {title}\n\n"
        + textwrap.dedent(body).strip()
        + "\n"
    )


def sections() -> dict[str, str]:
    analysis_qs = [
        ("Q1", "Sensitivity to the adult's needs"),
        ("Q2", "Safeguarding policies and procedures"),
        ("Q3", "Key points for assessment and decision making"),
        ("Q4", "Quality of assessments and decisions"),
        ("Q5", "Actions in line with assessments and decisions"),
        ("Q6", "Care plan and its review"),
        ("Q7", "Mental Capacity Act assessment"),
        ("Q8", "Involvement of senior managers and other agencies"),
        ("Q9", "Consistency with policies, procedures and standards"),
        ("Q10", "Racial, cultural, religious and ethnic sensitivity"),
        ("Q11", "Other features of the case"),
        ("Q12", "Training"),
        ("Q13", "Management and supervision"),
        ("Q14", "Partnership working"),
    ]
    analysis = "\n\n".join(
        f"## {qid} {title}\n\nDN2 and GP1 considered this for AB; the practice was reviewed in "
        "supervision and the findings are set out here."
        for qid, title in analysis_qs
    )
    learning = "\n\n".join(
        f"## {lid} {title}\n\nThe learning for the service is described here in plain words."
        for lid, title in [
            ("L1", "Good practice"),
            ("L2", "Areas for improvement"),
            ("L3", "Lessons for safeguarding adults"),
            ("L4", "Areas of concern"),
            ("L5", "Preventing recurrence"),
            ("L6", "Sharing the learning"),
        ]
    )
    intro_meta = {
        "agency": "Anytown Community Health",
        "subject": dict(SUBJECT),
        "author": {
            "name": "Jo Author",
            "agency": "Anytown Community Health",
            "contact": "safeguarding@example.org",
            "background": "Named nurse for safeguarding adults for ten years.",
            "no_involvement": True,
        },
        "completion_date": "2025-03-01",
    }
    return {
        "00-introduction.md": _section(
            "introduction",
            "Introduction",
            "This IMR reviews the services provided to AB, who is the subject of this review.",
            intro_meta,
        ),
        "01-organisational-context.md": _section(
            "organisational_context",
            "Organisational context",
            """
            Anytown Community Health provides district nursing. Staff follow the MCA and DoLS
            guidance.

            ## Family/Household composition

            AB lived alone; her son visited weekly.
            """,
        ),
        "02-factual-summary.md": _section(
            "factual_summary",
            "1. Factual & contextual summary",
            """
            ## Factual summary of agency involvement

            DN2 visited AB from January 2024. GP1 was her GP.
            """,
        ),
        "03-chronology.md": _section("chronology", "2. Chronology of agency involvement", ""),
        "04-sources.md": _section(
            "source_documentation",
            "3. Source documentation",
            """
            ## Documents reviewed

            District nursing records, 2024.

            ## Staff interviewed

            DN2 (District Nurse) and GP1 (General Practitioner).
            """,
        ),
        "05-analysis.md": _section("analysis", "4. Analysis of agency involvement", analysis),
        "06-recommendations.md": _section(
            "recommendations",
            "5. Recommendations for action",
            """
            ## Case review recommendations

            ### R1. Audit of mental capacity assessments

            The service audits MCA assessments made by district nurses each quarter and reports
            the results to the SAB.
            """,
        ),
        "07-learning.md": _section("learning", "6. Learning", learning),
        "08-action-plan.md": _section(
            "action_plan",
            "7. Action plan",
            """
            ## Immediate improvement actions already taken

            A briefing on the MCA was given to all district nurses.

            ## Indirect actions

            Not applicable because no disciplinary or regulatory action was needed.

            ## Monitoring the action plan

            The SAB will receive quarterly reports.
            """,
        ),
        "09-signoff.md": _section(
            "signoff",
            "8. Sign-off of the IMR & chronology",
            "",
            {
                "signatures": {
                    "author": {"name": "Jo Author", "role": "Named Nurse", "date": "2025-03-01"},
                    "senior_officer": {
                        "name": "Pat Director",
                        "role": "Director of Nursing",
                        "date": "2025-03-02",
                    },
                }
            },
        ),
        "10-date.md": _section(
            "date", "9. Date", "", {"date": "2025-03-02", "chronology_complete": True}
        ),
        "11-abbreviations.md": _section(
            "abbreviations", "10. Abbreviations & anonymisation", "<!-- imr:abbreviations -->"
        ),
    }


def mkdocs_yml(
    edition: str = "restricted",
    pdf: bool = False,
    extra_options: dict | None = None,
    site_name: str = "IMR SAR-2024-07",
) -> str:
    options = {
        "case_reference": "SAR-2024-07",
        "agency": "Anytown Community Health",
        "review_period": {"start": "2024-01-01", "end": "2024-03-31"},
        "edition": edition,
        "pdf": pdf,
        **(extra_options or {}),
    }
    cfg = {
        "site_name": site_name,
        "use_directory_urls": False,
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"imr": options}],
    }
    return yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True)


def write_case(
    root: Path,
    *,
    edition: str = "restricted",
    pdf: bool = False,
    extra_options: dict | None = None,
    people: dict | None = None,
    glossary: dict | None = None,
    chronology: list | None = None,
    actions: list | None = None,
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "docs").mkdir(exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(mkdocs_yml(edition, pdf, extra_options), encoding="utf-8")
    for name, text in sections().items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    data = {
        "people": PEOPLE if people is None else people,
        "glossary": GLOSSARY if glossary is None else glossary,
        "chronology": CHRONOLOGY if chronology is None else chronology,
        "actions": ACTIONS if actions is None else actions,
    }
    for name, value in data.items():
        (root / "data" / f"{name}.yml").write_text(
            yaml.safe_dump(value, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
