"""The action plan as HTML, grouped by recommendation, and the links between the two pages.

- :func:`actions_block` is the generated block of the action plan section
  (``<!-- imr:actions -->``): a short summary (actions by agency and by status, the next due
  dates) and the table, one group per recommendation. Each action row has ``id="action-A1"``;
  each group ``id="plan-R1"``.
- :func:`link_recommendations` is applied to the recommendations page's HTML: it gives each
  recommendation heading ``id="rec-R1"`` (as an anchor inside the heading, so the heading keeps
  the id its table of contents uses) and adds a line linking to the recommendation's actions.

Links between the two pages are written as relative URLs between the pages' MkDocs URLs
(``05-recommendations.html#rec-R1``), which the PDF renderer turns into links inside the document.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field

from markupsafe import Markup

from imr_site.actions.model import Action, ActionPlan
from imr_site.actions.recommendations import SECTION_ID as REC_SECTION
from imr_site.actions.recommendations import Recommendation, heading_ref, recommendations_of
from imr_site.case.model import read_mkdocs_yml
from imr_site.case.templates import Templates

PLAN_SECTION = "action_plan"
NEXT_DUE = 3
# Columns shown in the table: the spec's, less those shown another way (the group heading shows
# the recommendation; immediate actions carry a label in the Action cell).
_NOT_COLUMNS = ("recommendations", "immediate")


TEMPLATES = Templates(__file__)


def anchor(prefix: str, ref: str) -> str:
    """An HTML id from a reference an author wrote: 'action-A1'. Only safe characters survive."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", ref.strip()).strip("-")
    return f"{prefix}-{safe or 'x'}"


def page_url(src_uri: str, use_directory_urls: bool) -> str:
    """The URL MkDocs gives a page, relative to the site root (as ``Page.url``)."""
    stem, _ = posixpath.splitext(src_uri)
    name = posixpath.basename(stem)
    if not use_directory_urls:
        return stem + ".html"
    if name in ("index", "README"):
        folder = posixpath.dirname(stem)
        return f"{folder}/" if folder else ""
    return stem + "/"


def relative_href(from_url: str, to_url: str, fragment: str) -> str:
    """A link from one page's URL to another's fragment, as MkDocs would write it."""
    if from_url == to_url:
        return f"#{fragment}"
    from_dir = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
    target = posixpath.relpath(to_url or ".", from_dir or ".")
    if to_url.endswith("/") and not target.endswith("/"):
        target += "/"
    if target in (".", "./"):
        target = "./"
    return f"{target}#{fragment}"


@dataclass
class Links:
    """Where the two pages are, so each can link to the other."""

    plan_url: str | None = None  # site-root URL of the action plan page
    recs_url: str | None = None  # site-root URL of the recommendations page

    @classmethod
    def for_case(cls, case, use_directory_urls: bool | None = None) -> Links:
        """From the URLs the MkDocs plugin recorded (``case.urls``), else from docs/ file names."""
        urls = dict(getattr(case, "urls", None) or {})
        for sid in (PLAN_SECTION, REC_SECTION):
            page = case.section(sid)
            if sid not in urls and page is not None:
                if use_directory_urls is None:
                    use_directory_urls = _use_directory_urls(case)
                urls[sid] = page_url(page.src_uri, use_directory_urls)
        return cls(urls.get(PLAN_SECTION), urls.get(REC_SECTION))

    def to_rec(self, ref: str) -> str | None:
        if self.recs_url is None or self.plan_url is None:
            return None
        return relative_href(self.plan_url, self.recs_url, anchor("rec", ref))

    def to_action(self, ref: str) -> str | None:
        if self.recs_url is None or self.plan_url is None:
            return None
        return relative_href(self.recs_url, self.plan_url, anchor("action", ref))

    def to_group(self, ref: str) -> str | None:
        if self.recs_url is None or self.plan_url is None:
            return None
        return relative_href(self.recs_url, self.plan_url, anchor("plan", ref))


def _use_directory_urls(case) -> bool:
    """MkDocs' setting, read from mkdocs.yml when the caller does not know it (default: True)."""
    if case.config_file is None:
        return True
    try:
        raw, _ = read_mkdocs_yml(case.config_file)
    except Exception:  # a broken mkdocs.yml is reported elsewhere; links assume the default
        return True
    return bool(raw.get("use_directory_urls", True))


@dataclass
class Row:
    action: Action
    id: str | None  # None when the action was already shown under an earlier recommendation
    first_group: str | None = None  # the recommendation it is listed under, for repeats


@dataclass
class Group:
    rec: Recommendation | None  # None: actions serving no known recommendation
    ref: str
    rows: list[Row] = field(default_factory=list)
    id: str = ""
    href: str | None = None


@dataclass
class Summary:
    total: int
    immediate: int
    by_agency: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    next_due: list[tuple[Action, str]]  # (action, id of its row)
    today: dt.date


def plan_groups(plan: ActionPlan, recs: list[Recommendation], links: Links) -> list[Group]:
    """The plan grouped by recommendation, in the recommendations' order; an action serving two
    recommendations is shown in full under the first and as a pointer under the second."""
    groups: list[Group] = []
    shown: dict[int, str] = {}  # id(action) -> group ref where shown in full
    used_ids: set[str] = set()
    known = {r.ref for r in recs}
    for rec in recs:
        g = Group(rec, rec.ref, id=anchor("plan", rec.ref), href=links.to_rec(rec.ref))
        for a in plan.serving(rec.ref):
            g.rows.append(_row(a, rec.ref, shown, used_ids))
        groups.append(g)
    orphans = [a for a in plan.actions if not any(r in known for r in a.recommendation_refs)]
    if orphans:
        g = Group(None, "", id="plan-unlinked")
        for a in orphans:
            g.rows.append(_row(a, "", shown, used_ids))
        groups.append(g)
    return groups


def _row(a: Action, group_ref: str, shown: dict[int, str], used_ids: set[str]) -> Row:
    if id(a) in shown:
        return Row(a, None, shown[id(a)] or None)
    shown[id(a)] = group_ref
    rid = anchor("action", a.ref) if a.ref else None
    if rid in used_ids:
        rid = None  # a duplicate reference (a finding): only the first row can carry the id
    if rid:
        used_ids.add(rid)
    return Row(a, rid)


def summarise(plan: ActionPlan, today: dt.date | None = None) -> Summary:
    today = today or dt.date.today()
    agencies = Counter(a.text("agency") or "Not stated" for a in plan.actions)
    statuses = Counter(a.status or "Status not recognised" for a in plan.actions)
    by_status = [(s, statuses[s]) for s in plan.statuses if statuses[s]]
    by_status += [(s, n) for s, n in statuses.items() if s not in plan.statuses]
    pending = sorted(
        (a for a in plan.actions if not a.complete and a.due is not None),
        key=lambda a: (a.due, a.ref),
    )
    return Summary(
        total=len(plan.actions),
        immediate=sum(1 for a in plan.actions if a.immediate),
        by_agency=sorted(agencies.items(), key=lambda kv: (-kv[1], kv[0].lower())),
        by_status=by_status,
        next_due=[(a, anchor("action", a.ref)) for a in pending[:NEXT_DUE]],
        today=today,
    )


def actions_block(
    case,
    *,
    links: Links | None = None,
    use_directory_urls: bool | None = None,
    today: dt.date | None = None,
) -> str:
    """The action plan section's generated HTML: the summary and the grouped table."""
    plan: ActionPlan = case.data.get("actions") or ActionPlan([], "data/actions.yml", exists=False)
    links = links or Links.for_case(case, use_directory_urls)
    recs = recommendations_of(case)
    columns = [c for c in case.spec.action_columns if c.key not in _NOT_COLUMNS]
    return TEMPLATES.get("actions.html").render(
        plan=plan,
        groups=plan_groups(plan, recs, links),
        summary=summarise(plan, today),
        columns=columns,
        links=links,
        anchor=anchor,
    )


_H3 = re.compile(r"<h3(?P<attrs>[^>]*)>(?P<inner>.*?)</h3>", re.DOTALL | re.IGNORECASE)
_HEADERLINK = re.compile(r"<a[^>]*class=\"headerlink\"[^>]*>.*?</a>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def link_recommendations(
    page_html: str,
    case,
    *,
    links: Links | None = None,
    use_directory_urls: bool | None = None,
) -> str:
    """The recommendations page's HTML with ``rec-R1`` anchors and links to each one's actions."""
    recs = {r.ref: r for r in recommendations_of(case)}
    if not recs:
        return page_html
    plan: ActionPlan = case.data.get("actions") or ActionPlan([], "data/actions.yml", exists=False)
    links = links or Links.for_case(case, use_directory_urls)
    env = TEMPLATES.environment
    done: set[str] = set()

    def replace(m: re.Match) -> str:
        text = html.unescape(_TAG.sub("", _HEADERLINK.sub("", m.group("inner")))).strip()
        parsed = heading_ref(text)
        if parsed is None or parsed[0] not in recs or parsed[0] in done:
            return m.group(0)
        ref = parsed[0]
        done.add(ref)
        inner = Markup('<span class="imr-anchor" id="{}"></span>').format(anchor("rec", ref))
        heading = f"<h3{m.group('attrs')}>{inner}{m.group('inner')}</h3>"
        actions = [a for a in plan.serving(ref)]
        line = env.get_template("recommendation_links.html").render(
            ref=ref, actions=actions, links=links, anchor=anchor
        )
        return heading + "\n" + line

    return _H3.sub(replace, page_html)
