"""The chronology of agency involvement (appendix 8b): ``data/chronology.yml``.

``model`` reads it, ``checks`` holds its rules (CHR), ``render`` draws the table, filters and
timeline, ``io`` moves it to and from CSV and XLSX, ``sample`` makes large fictional ones.
"""
