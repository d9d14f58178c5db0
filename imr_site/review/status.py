"""Review status at a glance: per section its status, required headings, questions answered and
open findings; the chronology's size; and, in a Git repository, who changed each page last.

Plain data for the "Review status" page, and the page drawn from it (templates/status.html);
it knows nothing of MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from imr_site.case import gitrepo
from imr_site.case.findings import Finding, summarise
from imr_site.case.sections import STATUS_LABELS
from imr_site.case.templates import Templates
from imr_site.process.render import checklist_block
from imr_site.sections.checks import is_answered
from imr_site.sections.length import word_count
from imr_site.signoff.model import signoff_gaps


@dataclass
class SectionStatus:
    id: str
    title: str  # numbered, as the guidance writes it
    file: str | None  # relative to the case folder; None when no file fills the section
    src_uri: str | None  # relative to docs/, for the link
    status: str  # draft | in review | final | missing | none
    headings_present: list[str] = field(default_factory=list)
    headings_missing: list[str] = field(default_factory=list)
    questions_answered: int | None = None  # for sections with numbered questions (analysis)
    questions_total: int | None = None
    findings: dict = field(default_factory=dict)  # summarise() of this file's findings
    last_author: str | None = None
    last_date: str | None = None  # ISO 8601 from Git
    words: int | None = None  # the section's words (sections.length.word_count)
    word_limit: int | None = None  # the board's limit, from the spec

    @property
    def over_limit(self) -> bool:
        return bool(self.words and self.word_limit and self.words > self.word_limit)

    @property
    def status_label(self) -> str:
        if self.status == "missing":
            return "Missing"
        if self.status == "optional":
            return "Not written (optional)"
        if self.status == "none":
            return "No status (draft)"
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class ReviewStatus:
    sections: list[SectionStatus]
    chronology_entries: int
    key_episodes: int
    chronology_file: str
    findings: dict  # summarise() of every finding
    other_findings: dict  # findings not in a section file (data files, mkdocs.yml)
    git_available: bool
    git_reason: str  # why Git information is unavailable ('' when it is available)
    signoff_gaps: list[str]

    @property
    def sections_final(self) -> int:
        return sum(1 for s in self.sections if s.status == "final")

    @property
    def sections_counted(self) -> int:
        """The report's sections: every required one, and optional ones that are written."""
        return sum(1 for s in self.sections if s.status != "optional")


def review_status(case, findings: list[Finding], *, git: bool = True) -> ReviewStatus:
    in_git = git and gitrepo.toplevel(case.root) is not None
    by_file: dict[str | None, list[Finding]] = {}
    for f in findings:
        by_file.setdefault(f.file, []).append(f)
    rows = []
    section_files = set()
    for s in case.spec.sections:
        page = case.section(s.id)
        if page is None and not s.required:
            rows.append(SectionStatus(s.id, s.numbered_title, None, None, "optional"))
            continue
        if page is None:
            rows.append(
                SectionStatus(
                    s.id,
                    s.numbered_title,
                    None,
                    None,
                    "missing",
                    headings_missing=[h.label for h in s.headings],
                )
            )
            continue
        section_files.add(page.rel)
        row = SectionStatus(s.id, s.numbered_title, page.rel, page.src_uri, page.status or "none")
        row.words, row.word_limit = word_count(case, page), s.word_limit
        questions = [h for h in s.headings if h.id]
        answered = 0
        for hs in s.headings:
            found = next((h for h in page.headings if h.level >= 2 and hs.matches(h.text)), None)
            (row.headings_present if found else row.headings_missing).append(hs.label)
            if found and hs.id and is_answered(case, page, found):
                answered += 1
        if questions:
            row.questions_answered, row.questions_total = answered, len(questions)
        row.findings = summarise(by_file.get(page.rel, []))
        if in_git:
            last = gitrepo.last_change(case.root, page.path)
            if last:
                row.last_author, row.last_date = last.author, last.date
        rows.append(row)
    chron = case.data.get("chronology")
    others = [f for f in findings if f.file not in section_files]
    reason = ""
    if not in_git:
        reason = (
            "the case is not in a Git repository (or Git is not installed), so who changed "
            "each page last is unavailable"
        )
    return ReviewStatus(
        sections=rows,
        chronology_entries=len(chron.entries) if chron else 0,
        key_episodes=len(chron.key_episodes) if chron else 0,
        chronology_file=chron.rel if chron else "data/chronology.yml",
        findings=summarise(findings),
        other_findings=summarise(others),
        git_available=in_git,
        git_reason=reason,
        signoff_gaps=signoff_gaps(case),
    )


TEMPLATES = Templates(__file__)


def status_block(case, findings: list[Finding], links: dict[str, str]) -> str:
    """The "Review status" page's content; ``links`` maps section id -> link to its page."""
    return TEMPLATES.render(
        "status.html",
        status=review_status(case, findings),
        links=links,
        process=Markup(checklist_block(case)),  # our template's own output, escaped there
    )
