"""A review panel's integrated chronology, as shown: entries carry their agency (``imr merge``).

What only a multi-agency chronology needs: the entries the panel confirmed as one event
(``same_as``) shown as one row with each agency's account, a summary per agency, and a timeline
with one lane per agency. A single agency's chronology has none of this and renders as before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from markupsafe import Markup

from imr_site.case.links import linked_groups
from imr_site.case.templates import Templates
from imr_site.chronology.model import Chronology, Entry

TEMPLATES = Templates(__file__)
# The same colour-blind-safe palette as the contact-type timeline, one colour per agency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


def agency_of(e: Entry) -> str:
    return e.text("agency")


def agencies(chron: Chronology) -> list[str]:
    """The agencies in the order their first entry appears in the file."""
    return list(dict.fromkeys(agency_of(e) for e in chron.entries if agency_of(e)))


def _ids(value) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [s.strip() for s in str(value or "").split(",") if s.strip()]


def same_event_groups(chron: Chronology) -> dict[int, list[Entry]]:
    """Entries the panel confirmed as one event (``same_as``, followed through), by the index
    of each member: every member maps to its whole group, in date order."""
    by_id = {e.text("id"): e for e in chron.entries if e.text("id")}
    links = [(i, other) for i, e in by_id.items() for other in _ids(e.fields.get("same_as"))]
    out: dict[int, list[Entry]] = {}
    for group in linked_groups(by_id, links):
        members = sorted((by_id[i] for i in group), key=Entry.sort_key)
        for m in members:
            out[m.index] = members
    return out


def group_cell(members: list[Entry], key: str, text_of) -> str:
    """One cell of a confirmed group's row: the text once when every agency wrote the same,
    otherwise each agency's account on its own line."""
    if key == "agency":
        return "\n".join(dict.fromkeys(agency_of(m) for m in members))
    texts = [(agency_of(m), text_of(m, key)) for m in members]
    written = [(a, t) for a, t in texts if t]
    if len({t for _, t in written}) <= 1:
        return written[0][1] if written else ""
    return "\n".join(f"{a}: {t}" for a, t in written)


# --- the summary per agency -------------------------------------------------------------------


@dataclass
class AgencySummary:
    name: str
    entries: int = 0
    first: str = ""
    last: str = ""
    key_episodes: list[str] = field(default_factory=list)


def summaries(chron: Chronology) -> list[AgencySummary]:
    """Per agency: how many entries, the period they cover, and its key episodes."""
    out = {name: AgencySummary(name) for name in agencies(chron)}
    dated: dict[str, list[Entry]] = {name: [] for name in out}
    for e in chron.entries:
        s = out.get(agency_of(e))
        if s is None:
            continue
        s.entries += 1
        if e.when is not None:
            dated[s.name].append(e)
        if e.key_episode:
            when = e.when.display() if e.when is not None else e.text("date")
            s.key_episodes.append(f"{when}: {e.text('event')}")
    for name, es in dated.items():
        if es:
            es.sort(key=Entry.sort_key)
            out[name].first = es[0].when.display()
            last = max(es, key=lambda e: e.last_day)
            out[name].last = (last.until or last.when).display()
    return list(out.values())


# --- one lane per agency ----------------------------------------------------------------------


@dataclass
class Lanes:
    svg: Markup
    summary: str  # the picture in words: its description, and the alt text in the PDF


def _month(d: dt.date, first: dt.date) -> int:
    return (d.year - first.year) * 12 + d.month - first.month


def _add(first: dt.date, months: int) -> dt.date:
    y, m = divmod(first.month - 1 + months, 12)
    return dt.date(first.year + y, m + 1, 1)


def lanes_svg(chron: Chronology, review_start, review_end) -> Lanes | None:
    """Contacts per month, one lane per agency; key episodes marked."""
    names = agencies(chron)
    dated = [e for e in chron.entries if e.when is not None and e.when.precision != "year"]
    if not names or not dated:
        return None
    first = min([e.when.start for e in dated] + [d for d in (review_start,) if d]).replace(day=1)
    last = max([e.when.start for e in dated] + [d for d in (review_end,) if d])
    months = _month(last, first) + 1
    counts = {n: [0] * months for n in names}
    keys = {n: [0] * months for n in names}
    for e in dated:
        a = agency_of(e)
        if a in counts:
            m = _month(e.when.start, first)
            counts[a][m] += 1
            keys[a][m] += e.key_episode
    peak = max(max(c) for c in counts.values()) or 1
    width, label_w, right, lane_h, top = 800, 210, 12, 30, 20
    plot_w = width - label_w - right
    bar_w = plot_w / months
    lanes = []
    for i, name in enumerate(names):
        y = top + i * lane_h
        colour = PALETTE[i % len(PALETTE)]
        bars, marks = [], []
        for m, n in enumerate(counts[name]):
            x = label_w + m * bar_w
            month = dt.date(
                first.year + (first.month - 1 + m) // 12, (first.month - 1 + m) % 12 + 1, 1
            )
            if n:
                h = max((lane_h - 10) * n / peak, 2)
                bars.append(
                    {
                        "x": round(x + 0.5, 2),
                        "y": round(y + lane_h - 4 - h, 2),
                        "w": round(max(bar_w - 1, 0.5), 2),
                        "h": round(h, 2),
                        "title": f"{name}, {month.strftime('%B %Y')}: {n} contact{'s' if n > 1 else ''}",
                    }
                )
            if keys[name][m]:
                marks.append({"x": round(x + bar_w / 2, 2), "y": y + 6})
        short = name if len(name) <= 30 else name[:29] + "…"  # the whole name is its title
        lanes.append(
            {"y": y, "name": name, "short": short, "fill": colour, "bars": bars, "marks": marks}
        )
    years = [
        {"x": round(label_w + m * bar_w, 2), "label": str(first.year + (first.month - 1 + m) // 12)}
        for m in range(months)
        if m == 0 or (first.month - 1 + m) % 12 == 0
    ]
    months_shown = (
        [
            {"x": round(label_w + (m + 0.5) * bar_w, 2), "label": _add(first, m).strftime("%b")[0]}
            for m in range(months)
        ]
        if months <= 36
        else []
    )
    period = None
    if review_start and review_end:
        x1 = label_w + (_month(review_start, first) + (review_start.day - 1) / 31) * bar_w
        x2 = label_w + (_month(review_end, first) + review_end.day / 31) * bar_w
        period = {"x": round(x1, 2), "w": round(max(min(x2, label_w + plot_w) - x1, 1), 2)}
    height = top + len(names) * lane_h + 34
    per = "; ".join(
        f"{n}: {sum(counts[n])} contact{'s' if sum(counts[n]) != 1 else ''}" for n in names
    )
    summary = (
        f"Contacts per month from {first.strftime('%B %Y')} to {last.strftime('%B %Y')}, one lane "
        f"for each of {len(names)} agencies. {per}."
    )
    svg = TEMPLATES.get("chronology_lanes.svg").render(
        width=width,
        height=height,
        label_w=label_w,
        plot_w=plot_w,
        top=top,
        lane_h=lane_h,
        lanes=lanes,
        years=years,
        bottom=top + len(names) * lane_h,
        months=months_shown,
        period=period,
        desc=summary,
    )
    return Lanes(Markup(svg), summary)
