"""The chronology in Word, written from the same rows the site's table shows.

As in the PDF (``publish.pdf.chronology``), the table is written from
``chronology.render.build_rows`` rather than read back from the page's HTML, which carries the
screen's filters and can hold thousands of rows. One Word table, its header row repeating on
every landscape page; key episodes shaded grey and labelled in words, so they show in
greyscale and to a screen reader. The timeline is the site's picture, with its summary in
words as the alt text.
"""

from __future__ import annotations

from collections.abc import Callable

from imr_site.chronology.model import Chronology, gc_paused
from imr_site.chronology.render import (
    EMPTY_TEXT,
    TABLE_FIELDS,
    build_rows,
    subject_dob,
    summary_text,
    timeline_caption,
    timeline_svg,
)
from imr_site.publish.docx import ooxml
from imr_site.publish.docx.ooxml import KEY_FILL, PLAIN, Cell

# Relative column widths: dates and short codes narrow, the narrative columns wide (as the PDF).
WEIGHTS = {
    "date": 2.3,
    "age": 1.2,
    "since": 1.7,
    "source": 2.4,
    "contact_with": 2.4,
    "contact_type": 2.1,
    "event": 5.2,
    "action": 3.8,
    "decision": 3.8,
    "comment": 4.7,
    "references": 2.6,
}
TEXT_SIZE = 7.5  # points, as in the PDF


def chronology_xml(
    case,
    width_twips: int,
    picture: Callable[[bytes, str, int], str | None],
    svg_to_png: Callable[[bytes], bytes | None],
    caption_style: str | None,
) -> str:
    """The chronology section's generated part: summary, timeline and table."""
    with gc_paused():
        return _chronology(case, width_twips, picture, svg_to_png, caption_style)


def _chronology(case, width_twips, picture, svg_to_png, caption_style) -> str:
    chron: Chronology | None = case.data.get("chronology")
    if chron is None or not chron.entries:
        return ooxml.paragraph(ooxml.run(EMPTY_TEXT))
    dob = subject_dob(case)
    rows = build_rows(chron, dob)
    labels = {c.key: c.label for c in case.spec.chronology_columns}
    out = [ooxml.paragraph(ooxml.run(summary_text(rows, case.config.review_period_text)))]
    timeline = timeline_svg(chron, case.config.review_start, case.config.review_end)
    if timeline is not None:
        png = svg_to_png(str(timeline.svg).encode("utf-8"))
        shown = picture(png, timeline.summary, width_twips * ooxml.EMU_PER_TWIP) if png else None
        if shown:
            out.append(ooxml.paragraph(shown))
            out.append(ooxml.paragraph(ooxml.run(timeline_caption(timeline)), caption_style))

    show_age = dob is not None
    columns = ["date"] + (["age"] if show_age else []) + ["since"] + [f for f, _ in TABLE_FIELDS]
    head = ["Date and time"] + (["Age"] if show_age else []) + ["Days since previous"]
    head += [labels.get(f, label) for f, label in TABLE_FIELDS]
    total = sum(WEIGHTS[c] for c in columns)
    widths = [int(width_twips * WEIGHTS[c] / total) for c in columns]
    small = PLAIN.plus(size=TEXT_SIZE)
    bold = small.plus(bold=True)
    tight = '<w:spacing w:before="0" w:after="0"/>'

    def cell(text: str, fmt=small) -> str:
        return ooxml.paragraph(ooxml.run(text, fmt, keep_lines=True), None, tight)

    table_rows = [[Cell(cell(h, bold), fill="E7E6E6") for h in head]]
    for r in rows:
        date = "\n".join(x for x in (r.date_text, r.time_text) if x)
        fill = KEY_FILL if r.entry.key_episode else None
        if r.entry.key_episode:
            date_cell = ooxml.paragraph(
                ooxml.run(date, small, keep_lines=True)
                + ooxml.line_break()
                + ooxml.run("Key episode", bold),
                None,
                tight,
            )
        else:
            date_cell = cell(date)
        row = [Cell(date_cell, fill=fill)]
        if show_age:
            row.append(Cell(cell(r.age), fill=fill))
        row.append(Cell(cell(r.since), fill=fill))
        row += [Cell(cell(c), fill=fill) for c in r.cells]
        table_rows.append(row)
    out.append(
        ooxml.table(
            table_rows,
            header_rows=1,
            widths=widths,
            fixed=True,
            caption="Chronology of agency involvement",
        )
    )
    return "".join(out)
