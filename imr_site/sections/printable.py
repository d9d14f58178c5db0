"""What a section may hold that the PDF cannot print. The print path (``publish/pdf``) reports
these; they are registered here, with the sections they are about, so that every rule is listed
in one registry and switched off or re-graded in mkdocs.yml like any other."""

from __future__ import annotations

from imr_site.case.findings import rule

R_NOT_PRINTABLE = rule(
    "SEC005",
    "warning",
    "Something in a section the PDF cannot show",
    "Write it in Markdown, or with the HTML the PDF knows (the README lists it). Scripts, "
    "styles, embedded frames and form controls are never printed.",
)
R_NO_IMAGE = rule(
    "SEC006",
    "error",
    "A picture that cannot be printed",
    "Put the picture in docs/ (PNG, JPEG, GIF or SVG) and link to it with its exact file name; "
    "the PDF never fetches pictures from the internet.",
)
R_PRINT_FAILED = rule(
    "SEC007",
    "error",
    "A section the PDF could not be made from",
    "This is a fault in the tool, not in your text: report it with the message shown. The site "
    "is built; build with --no-pdf until it is fixed.",
)
