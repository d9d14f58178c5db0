"""Reviewing a case: the registry of every part's data file and rule (``registry``:
``load_case``, ``run_checks``), findings written out for people and CI (``formats``), the JSON
Schemas of the data files (``schema``, ``schema_checks``) and the Review status page (``status``)."""
