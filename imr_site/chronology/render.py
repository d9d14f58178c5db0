"""The chronology as the site and the PDF show it: a timeline picture and a filterable table.

:func:`chronology_block` returns the HTML placed at the ``<!-- imr:chronology -->`` marker. The
timeline is an SVG drawn here at build time (no JavaScript), so the PDF has it too. The table
carries what the page's filter needs in ``data-`` attributes; the filter itself is plain
JavaScript shipped in ``assets/chronology.js`` and is hidden in print. Everything an author wrote
is escaped by Jinja's autoescape.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

from imr_site.case.dates import DateProblem, FuzzyDate
from imr_site.case.templates import Templates
from imr_site.chronology import agencies as panel_view
from imr_site.chronology.model import Chronology, Entry, gc_paused

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies and in greyscale
# print order. The last one is for "Other".
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
OTHER_COLOUR = "#999999"
NOT_STATED = "Not stated"

# Table columns after the date (field, fallback label); labels come from the template spec.
TABLE_FIELDS = (
    ("source", "Source"),
    ("contact_with", "Contact with"),
    ("contact_type", "Contact type"),
    ("event", "Key intervention / event"),
    ("action", "Action taken"),
    ("decision", "Decision made / outcome"),
    ("comment", "Analysis / comment"),
    ("references", "Source records"),
)


# The review panel's integrated chronology (entries carry their agency) has this column first.
AGENCY_FIELD = ("agency", "Agency")


def table_fields(chron: Chronology) -> tuple[tuple[str, str], ...]:
    """The table's columns after the date: the agency's first in a panel's chronology."""
    return (AGENCY_FIELD, *TABLE_FIELDS) if chron.merged else TABLE_FIELDS


TEMPLATES = Templates(__file__)


@dataclass
class Row:
    entry: Entry
    anchor: str
    date_text: str
    date_title: str
    imprecise: bool
    unreadable: bool
    time_text: str
    start: str  # ISO first day, for the date filter ("" when unknown)
    end: str  # ISO last day
    age: str
    since: str
    since_title: str
    cells: list[str]
    source: str = ""  # for the filters
    type: str = ""
    agency: str = ""  # a panel's chronology: the agency, or a confirmed group's, '|'-separated
    key_episode: bool = False


def subject_dob(case) -> FuzzyDate | None:
    """The subject's date of birth from the introduction's front matter, if it can be read."""
    intro = case.section("introduction") if hasattr(case, "section") else None
    value = intro.get("subject.dob") if intro is not None else None
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        value = value.isoformat()
    try:
        return FuzzyDate.parse(value)
    except DateProblem:
        return None


def _years_between(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_text(dob: FuzzyDate | None, when: FuzzyDate | None) -> str:
    """The subject's age at an event: '73', or '72-73' when either date is imprecise."""
    if dob is None or when is None:
        return ""
    youngest = _years_between(dob.end, when.start)
    oldest = _years_between(dob.start, when.end)
    if oldest < 0:
        return ""
    youngest = max(youngest, 0)
    text = str(oldest) if youngest == oldest else f"{youngest}–{oldest}"
    return ("c. " if (dob.uncertain or when.uncertain) else "") + text


def _time_text(e: Entry) -> str:
    start = e.time_of_day.strftime("%H:%M") if e.time_of_day else e.text("time")
    end = e.until_time.strftime("%H:%M") if e.until_time else e.text("end_time")
    if start and end:
        return f"{start}–{end}"
    return start or (f"until {end}" if end else "")


def _date_parts(e: Entry) -> tuple[str, str, bool, bool]:
    """(text, title, imprecise, unreadable) for the date cell."""
    if e.when is None:
        written = e.text("date")
        return (
            written or "No date",
            "This date cannot be read; see the check findings.",
            False,
            True,
        )
    text = e.when.display()
    title = ""
    if e.when.imprecise:
        bits = []
        if e.when.precision != "day":
            bits.append(f"only the {e.when.precision} is known")
        if e.when.uncertain:
            bits.append("the date is uncertain")
        title = "Imprecise date: " + " and ".join(bits)
    if e.until is not None:
        text += f" to {e.until.display()}"
    elif e.text("end_date"):
        text += f" to {e.text('end_date')}"
    return text, title, e.when.imprecise or (e.until is not None and e.until.imprecise), False


def build_rows(chron: Chronology, dob: FuzzyDate | None) -> list[Row]:
    rows: list[Row] = []
    previous: Entry | None = None
    fields = [f for f, _ in table_fields(chron)]
    # Entries the panel confirmed as one event print as one row, with each agency's account.
    groups = panel_view.same_event_groups(chron) if chron.merged else {}
    for e in chron.in_order():
        group = groups.get(e.index)
        if group is not None and group[0] is not e:
            continue
        if group is not None:
            cells = [panel_view.group_cell(group, f, _cell_text) for f in fields]
        else:
            cells = [_cell_text(e, f) for f in fields]
        members = group or [e]
        date_text, date_title, imprecise, unreadable = _date_parts(e)
        since, since_title = "", ""
        if e.when is not None:
            if previous is not None:
                prev_day = previous.until or previous.when
                if e.when.imprecise or prev_day.imprecise:
                    since_title = "Not calculated: one of the two dates is imprecise"
                else:
                    since = str((e.when.start - prev_day.end).days)
            previous = e
        rows.append(
            Row(
                entry=e,
                anchor=f"chr-{e.index + 1}",
                date_text=date_text,
                date_title=date_title,
                imprecise=imprecise,
                unreadable=unreadable,
                time_text=_time_text(e),
                start=e.when.start.isoformat() if e.when else "",
                end=e.last_day.isoformat() if e.when else "",
                age=age_text(dob, e.when),
                since=since,
                since_title=since_title,
                cells=cells,
                source=_cell_text(e, "source"),
                type=_cell_text(e, "contact_type"),
                agency="|".join(dict.fromkeys(panel_view.agency_of(m) for m in members)),
                key_episode=any(m.key_episode for m in members),
            )
        )
    return rows


def _cell_text(e: Entry, key: str) -> str:
    v = e.fields.get(key)
    if isinstance(v, list):
        return "\n".join(str(x) for x in v)
    return e.text(key)


# --- the timeline picture --------------------------------------------------------------------


@dataclass
class Timeline:
    svg: Markup
    shown: int
    year_only: int
    undated: int
    summary: str = ""  # what the picture shows, in words: its alt text in the PDF


QUARTERS = ("January to March", "April to June", "July to September", "October to December")


def timeline_summary(dated: list[Entry], counts: dict[str, int], keys: int, peak: tuple) -> str:
    """The picture in words: contacts by period (quarter, or year over a long review) and type."""
    n = len(dated)
    first = min(e.when.start for e in dated)
    last = max(e.when.start for e in dated)
    by_type = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].lower()))
    types = ", ".join(f"{t} {c}" for t, c in by_type)
    periods: dict[tuple[int, int], int] = {}
    quarters = (last.year - first.year) * 4 + (last.month - 1) // 3 - (first.month - 1) // 3 + 1
    by_year = quarters > 12
    for e in dated:
        d = e.when.start
        key = (d.year, 0) if by_year else (d.year, (d.month - 1) // 3)
        periods[key] = periods.get(key, 0) + 1
    if by_year:
        spans = "; ".join(f"{y}: {c}" for (y, _), c in sorted(periods.items()))
        per = "By year"
    else:
        spans = "; ".join(f"{QUARTERS[q]} {y}: {c}" for (y, q), c in sorted(periods.items()))
        per = "By quarter"
    month, most = peak
    return (
        f"Bar chart of {n} contact{'s' if n != 1 else ''} per month, from "
        f"{first.strftime('%B %Y')} to {last.strftime('%B %Y')}, by contact type: {types}. "
        f"{per}: {spans}. The busiest month was {month} with {most}. "
        f"{keys} key episode{'s' if keys != 1 else ''} marked."
    )


def _month_index(d: dt.date, first: dt.date) -> int:
    return (d.year - first.year) * 12 + d.month - first.month


def _nice_max(n: int) -> int:
    # The axis top: 4 ticks of a round step (1, 2 or 5 times a power of ten).
    for scale in (1, 10, 100, 1000, 10000):
        for step in (1, 2, 5):
            if n <= step * scale * 4:
                return step * scale * 4
    return n


def timeline_svg(
    chron: Chronology, review_start: dt.date | None, review_end: dt.date | None
) -> Timeline | None:
    """Contacts per month by contact type, key episodes marked, the review period shaded."""
    dated = [e for e in chron.entries if e.when is not None and e.when.precision != "year"]
    year_only = sum(1 for e in chron.entries if e.when is not None and e.when.precision == "year")
    undated = sum(1 for e in chron.entries if e.when is None)
    if not dated:
        return None
    starts = [e.when.start for e in dated] + [d for d in (review_start,) if d]
    ends = [e.when.start for e in dated] + [d for d in (review_end,) if d]
    first = min(starts).replace(day=1)
    last = max(ends)
    months = _month_index(last, first) + 1

    counts: dict[str, int] = {}
    for e in dated:
        t = e.text("contact_type") or NOT_STATED
        counts[t] = counts.get(t, 0) + 1
    ranked = sorted(counts, key=lambda t: (-counts[t], t.lower()))
    shown_types = (
        ranked[: len(PALETTE)] if len(ranked) <= len(PALETTE) + 1 else ranked[: len(PALETTE) - 1]
    )
    colour = {t: PALETTE[i] for i, t in enumerate(shown_types)}
    other = [t for t in ranked if t not in colour]

    per_month: list[dict[str, int]] = [{} for _ in range(months)]
    keys: list[list[Entry]] = [[] for _ in range(months)]
    for e in dated:
        m = _month_index(e.when.start, first)
        group = e.text("contact_type") or NOT_STATED
        group = group if group in colour else "Other"
        per_month[m][group] = per_month[m].get(group, 0) + 1
        if e.key_episode:
            keys[m].append(e)
    order = shown_types + (["Other"] if other else [])
    colour["Other"] = OTHER_COLOUR
    peak = max(sum(c.values()) for c in per_month)
    top = _nice_max(peak)

    width, left, right = 800, 40, 12
    plot_top, plot_h = 34, 200
    plot_w = width - left - right
    bar_w = plot_w / months
    gap = min(2.0, bar_w * 0.15)

    def x_of_day(d: dt.date) -> float:
        m = _month_index(d, first)
        frac = (d.day - 1) / calendar.monthrange(d.year, d.month)[1]
        return left + (m + frac) * bar_w

    bars = []
    for m, c in enumerate(per_month):
        y = plot_top + plot_h
        month_day = _add_months(first, m)
        for group in order:
            n = c.get(group, 0)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            bars.append(
                {
                    "x": round(left + m * bar_w + gap / 2, 2),
                    "y": round(y, 2),
                    "w": round(max(bar_w - gap, 0.5), 2),
                    "h": round(h, 2),
                    "fill": colour[group],
                    "title": f"{month_day.strftime('%B %Y')}: {n} × {group}",
                }
            )
    markers = []
    for m, ks in enumerate(keys):
        if not ks:
            continue
        cx = left + (m + 0.5) * bar_w
        lines = [
            f"{len(ks)} key episode{'s' if len(ks) > 1 else ''} in "
            f"{_add_months(first, m).strftime('%B %Y')}:"
        ]
        lines += [f"{k.when.display()}: {k.text('event')[:80]}" for k in ks[:5]]
        if len(ks) > 5:
            lines.append(f"and {len(ks) - 5} more")
        markers.append(
            {"x": round(cx, 2), "y": plot_top - 8, "n": len(ks), "title": "\n".join(lines)}
        )
    period = None
    if review_start or review_end:
        x1 = x_of_day(review_start) if review_start else left
        x2 = x_of_day(review_end + dt.timedelta(days=1)) if review_end else left + plot_w
        x2 = min(x2, left + plot_w)
        period = {
            "x": round(x1, 2),
            "w": round(max(x2 - x1, 1), 2),
            "text": f"{_short(review_start) if review_start else '…'} to "
            f"{_short(review_end) if review_end else '…'}",
        }
    years = []
    for m in range(months):
        d = _add_months(first, m)
        if d.month == 1 or m == 0:
            years.append({"x": round(left + m * bar_w, 2), "label": str(d.year)})
    month_labels = []
    if months <= 36:
        for m in range(months):
            d = _add_months(first, m)
            month_labels.append(
                {"x": round(left + (m + 0.5) * bar_w, 2), "label": d.strftime("%b")[0]}
            )
    ticks = [
        {"y": round(plot_top + plot_h - plot_h * v / top, 2), "label": v}
        for v in (0, top // 4, top // 2, 3 * top // 4, top)
    ]
    legend = []
    lx, ly = left, plot_top + plot_h + 44
    for group in order:
        n = counts.get(group, 0) if group != "Other" else sum(counts[t] for t in other)
        label = f"{group} ({n})"
        w = 22 + 8 * len(label)
        if lx + w > width - right:
            lx, ly = left, ly + 18
        legend.append({"x": lx, "y": ly, "fill": colour[group], "label": label})
        lx += w + 10
    height = ly + 14
    busiest = max(range(months), key=lambda m: (sum(per_month[m].values()), -m))
    summary = timeline_summary(
        dated,
        counts,
        sum(len(k) for k in keys),
        (_add_months(first, busiest).strftime("%B %Y"), peak),
    )
    desc = summary
    svg = TEMPLATES.get("chronology_timeline.svg").render(
        width=width,
        height=height,
        left=left,
        plot_top=plot_top,
        plot_h=plot_h,
        plot_w=plot_w,
        bars=bars,
        markers=markers,
        period=period,
        years=years,
        month_labels=month_labels,
        ticks=ticks,
        legend=legend,
        desc=desc,
        other=other,
    )
    return Timeline(Markup(svg), len(dated), year_only, undated, summary)


def _short(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


# --- the block ---------------------------------------------------------------------------------


EMPTY_TEXT = (
    "No chronology entries yet: add them to data/chronology.yml (or import a spreadsheet with "
    "imr chronology import FILE)."
)


def summary_text(rows: list[Row], review_period: str) -> str:
    """The line above the table in print (PDF, Word): entries, their dates, key episodes."""
    dated = [r for r in rows if r.start]
    keys = sum(1 for r in rows if r.entry.key_episode)
    span = f", from {dated[0].date_text} to {dated[-1].date_text}" if dated else ""
    return (
        f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}{span}; {keys} key "
        f"episode{'' if keys == 1 else 's'}. Review period: {review_period}."
    )


def timeline_caption(timeline: Timeline) -> str:
    caption = "Contacts per month by contact type"
    if timeline.year_only:
        caption += f"; {timeline.year_only} dated by year only not shown"
    if timeline.undated:
        caption += f"; {timeline.undated} without a readable date not shown"
    return caption + "."


def block_inputs(case) -> tuple:
    """Everything :func:`chronology_block` reads of the case: equal inputs, the same block (the
    live preview draws it again only when they change). A chronology read from an unchanged file
    is the same object (imr_site.case.model.CaseFiles), so comparing it costs nothing."""
    return (
        case.data.get("chronology"),
        subject_dob(case),
        case.config.review_start,
        case.config.review_end,
        case.config.review_period_text,
        case.spec.chronology_columns,
    )


def chronology_block(case) -> str:
    """HTML for the chronology section: summary, timeline, filters and the table."""
    with gc_paused():
        return _block(case)


def _block(case) -> str:
    template = TEMPLATES.get("chronology.html")
    chron: Chronology | None = case.data.get("chronology")
    if chron is None or not chron.entries:
        return template.render(rows=[], total=0)
    labels = {c.key: c.label for c in case.spec.chronology_columns}
    dob = subject_dob(case)
    rows = build_rows(chron, dob)
    dated = [r for r in rows if r.start]  # in date order; undated entries sort last
    fields = table_fields(chron)
    merged = chron.merged
    return template.render(
        rows=rows,
        total=len(rows),
        entries=len(chron.entries),
        key_count=sum(1 for r in rows if r.key_episode),
        columns=[(f, labels.get(f, label)) for f, label in fields],
        fields=[f for f, _ in fields],
        agencies=panel_view.agencies(chron) if merged else [],
        agency_summaries=panel_view.summaries(chron) if merged else [],
        lanes=panel_view.lanes_svg(chron, case.config.review_start, case.config.review_end)
        if merged
        else None,
        show_age=dob is not None,
        timeline=timeline_svg(chron, case.config.review_start, case.config.review_end),
        sources=_distinct(chron, "source"),
        types=_distinct(chron, "contact_type"),
        first=dated[0].start if dated else "",
        last=max(r.end for r in dated) if dated else "",
        first_text=dated[0].date_text if dated else "",
        last_text=dated[-1].date_text if dated else "",
        review_period=case.config.review_period_text,
    )


def _distinct(chron: Chronology, key: str) -> list[str]:
    return sorted({e.text(key) for e in chron.entries if e.text(key)}, key=str.lower)
