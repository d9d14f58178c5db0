"""The IMR process: what the agency and the author must do besides writing the report.

The guidance's first page (appoint a senior manager who was not involved, secure the files, give
every member of staff the chance to contribute, share meeting records, check the chronology with
the staff it names, consider other investigations, send for sign-off, forward to the chair) is
kept as a restricted record, ``data/process.yml``: ``model.py`` reads it, ``checks.py`` holds the
PRC rules, ``render.py`` draws the restricted process page and the status page's checklist.
"""
