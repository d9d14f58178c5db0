"""The chronology in the PDF, written as Typst from the same rows the site's table shows.

The site's chronology block carries filters and data attributes for the screen; the PDF needs
none of that, and a chronology can hold thousands of entries, so its table is written straight
from ``chronology.render.build_rows`` (the rows the site shows) rather than read back from HTML.
The timeline is the site's SVG, with its summary in words as the alt text. One table, whose
header row repeats on every landscape page.
"""

from __future__ import annotations

from imr_site.chronology import agencies as panel_view
from imr_site.chronology.model import Chronology, gc_paused
from imr_site.chronology.render import (
    EMPTY_TEXT,
    build_rows,
    subject_dob,
    summary_text,
    table_fields,
    timeline_caption,
    timeline_svg,
)
from imr_site.publish.pdf import markup
from imr_site.publish.pdf.convert import LONG_WORD, Image, breakable_text

# Column widths on a landscape A4 page: dates and short codes as wide as they need, the
# narrative columns sharing the rest.
WIDTHS = {
    "agency": "1.1fr",
    "date": "2.3cm",
    "age": "0.9cm",
    "since": "1.4cm",
    "source": "1.0fr",
    "contact_with": "1.0fr",
    "contact_type": "0.9fr",
    "event": "2.2fr",
    "action": "1.6fr",
    "decision": "1.6fr",
    "comment": "2.0fr",
    "references": "1.1fr",
}


def chronology_typst(case, images: list[Image], timeline_name: str = "img/timeline.svg") -> str:
    """The chronology section's generated part as Typst markup."""
    with gc_paused():
        return _chronology(case, images, timeline_name)


def _chronology(case, images: list[Image], timeline_name: str) -> str:
    chron: Chronology | None = case.data.get("chronology")
    if chron is None or not chron.entries:
        return markup.text(EMPTY_TEXT)
    dob = subject_dob(case)
    rows = build_rows(chron, dob)
    labels = {c.key: c.label for c in case.spec.chronology_columns}
    if chron.merged:
        dated = [r for r in rows if r.start]
        keys = sum(1 for r in rows if r.key_episode)
        span = f", from {dated[0].date_text} to {dated[-1].date_text}" if dated else ""
        out = _panel_parts(case, chron, rows, span, keys, images, timeline_name)
    else:
        out = [markup.text(summary_text(rows, case.config.review_period_text))]
    timeline = timeline_svg(chron, case.config.review_start, case.config.review_end)
    if timeline is not None:
        images.append(Image(timeline_name, str(timeline.svg).encode("utf-8")))
        out.append(
            f"#figure(image({markup.string('/' + timeline_name)}, width: 100%, "
            f"alt: {markup.string(timeline.summary)}), "
            f"caption: [{markup.text(timeline_caption(timeline))}])"
        )

    show_age = dob is not None
    fields = table_fields(chron)
    columns = ["date"] + (["age"] if show_age else []) + ["since"] + [f for f, _ in fields]
    head = ["Date and time"] + (["Age"] if show_age else []) + ["Days since previous"]
    head += [labels.get(f, label) for f, label in fields]
    cells: list[str] = []
    for r in rows:
        # Plain cells are Typst strings (one text run each, light on memory for thousands of
        # rows); markup only where a long word must be allowed to break.
        date = "\n".join(x for x in (r.date_text, r.time_text) if x)
        if r.key_episode:
            date_cell = f"[{_cell(date)} #linebreak() #strong[Key episode]]"
        else:
            date_cell = _string_cell(date)
        row = [date_cell]
        if show_age:
            row.append(markup.string(r.age))
        row.append(markup.string(r.since))
        row += [_string_cell(c) for c in r.cells]
        if r.key_episode:
            cells += [f"table.cell(fill: key-fill, {c})" for c in row]
        else:
            cells += row
    widths = ", ".join(WIDTHS[c] for c in columns)
    header = ", ".join(f"[{markup.text(h)}]" for h in head)
    out.append(
        "#{\nset text(size: 7.5pt)\nset par(leading: 0.45em)\n"
        f"table(columns: ({widths}), inset: 3.5pt, table.header({header}),\n"
        + ",\n".join(cells)
        + ")\n}"
    )
    return "\n\n".join(out)


def _panel_parts(case, chron, rows, span, keys, images, timeline_name) -> list[str]:
    """A review panel's chronology: the summary per agency and the lanes timeline."""
    n, names = len(chron.entries), panel_view.agencies(chron)
    shared = (
        f", in {len(rows)} rows (the entries the panel confirmed as one event share a row, "
        "with each agency's account)"
        if len(rows) != n
        else ""
    )
    out = [
        markup.text(
            f"{n} entr{'y' if n == 1 else 'ies'} from {len(names)} agenc"
            f"{'y' if len(names) == 1 else 'ies'}{span}{shared}; {keys} key "
            f"episode{'' if keys == 1 else 's'}. Review period: {case.config.review_period_text}."
        )
    ]
    cells = []
    for a in panel_view.summaries(chron):
        period = f"{a.first} to {a.last}" if a.first else ""
        episodes = "\n".join(a.key_episodes) or "None"
        cells += [markup.string(a.name), markup.string(str(a.entries)), markup.string(period)]
        cells.append(f"[{_cell(episodes)}]")
    out.append(
        "#figure(kind: table, caption: [Each agency's chronology], {\nset text(size: 8pt)\n"
        "table(columns: (1.4fr, 0.5fr, 1.2fr, 3fr), inset: 3.5pt, "
        "table.header([Agency], [Entries], [Period covered], [Key episodes]),\n"
        + ",\n".join(cells)
        + ")\n})"
    )
    lanes = panel_view.lanes_svg(chron, case.config.review_start, case.config.review_end)
    if lanes is not None:
        name = timeline_name.replace("timeline", "lanes")
        images.append(Image(name, str(lanes.svg).encode("utf-8")))
        out.append(
            f"#figure(image({markup.string('/' + name)}, width: 100%, "
            f"alt: {markup.string(lanes.summary)}), "
            f"caption: [{markup.text('Contacts per month, one lane per agency.')}])"
        )
    return out


def _string_cell(value: str) -> str:
    if LONG_WORD.search(value):
        return f"[{_cell(value)}]"
    return markup.string(value.strip())


def _cell(value: str) -> str:
    lines = [breakable_text(line).strip() for line in value.splitlines()]
    return " #linebreak() ".join(line for line in lines if line)
