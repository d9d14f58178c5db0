"""Recommendations and the action plan: ``### R1.`` headings and ``data/actions.yml``.

``model`` reads the plan, ``recommendations`` the headings, ``checks`` holds the rules (ACT, REC),
``render`` draws the plan and links it both ways, ``io`` exports it and tidies its dates.
"""
