"""The shared base: a case on disk and the vocabulary every part uses.

Reading a case (``model``), its sections and front matter (``sections``), the template spec
(``spec``, with the guidance as ``specs/sab-imr.yml``), findings and the rule registry's ``rule()``
(``findings``), safe YAML with line numbers (``yamlio``), dates (``dates``), what each edition
shows (``editions``), Jinja templates (``templates``), atomic writes (``atomic``) and what Git
knows (``gitrepo``). Nothing here imports any other part of ``imr_site``.
"""
