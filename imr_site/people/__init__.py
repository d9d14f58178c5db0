"""Abbreviations and anonymisation (guidance part 10): the glossary, the people key, every
identifier of a person and the checks that no name is left where it should not be.

``glossary`` and ``key`` read the data files, ``abbreviations`` finds abbreviations and draws the
sheet, ``identifiers`` knows every way a name can be written, ``leaks`` finds them in files of any
kind; ``abbreviation_checks`` (GLO) and ``name_checks`` (ANO) are the rules.
"""
