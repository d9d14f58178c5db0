"""Findings of the example case and of a generated 10,000-entry case, stored before issue 16's
speed-ups so that a test shows none of them changed (code, severity, file, line and message).

    .venv/bin/python tests/findings_snapshot.py     # rewrite tests/fixtures/findings_*.json

Rewrite the fixtures only when a finding is meant to change (a new rule, a reworded message),
and say so in the commit.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LARGE_ENTRIES = 10_000


def _without(key):
    def damage(e: dict) -> dict:
        e.pop(key, None)
        return e

    return damage


def _with(key, value):
    def damage(e: dict) -> dict:
        e[key] = value
        return e

    return damage


# Mistakes an author makes, each caught by the schema check, a chronology rule or both.
DAMAGE = [
    _without("source"),
    _without("event"),
    _without("date"),
    _with("colour", "red"),
    _with("key_episode", "perhaps"),
    _with("seq", -1),
    _with("seq", "second"),
    _with("date", "2024-02-30"),
    _with("date", "14/03/2023"),
    _with("date", "1999-01-01"),
    _with("time", "25:00"),
    _with("time", 930),
    _with("end_date", "2021-01-01"),
    _with("event", "Agnes Bramwell seen at home by Dr Ramanathan."),
    _with("event", "Referred to the QXZT panel and the WRAP team."),
    _with("comment", "NHS number 943 476 5919 noted in the letter."),
    _with("references", {"record": "A1"}),
    _with("references", [["nested"]]),
    _with("source", ["two", "teams"]),
    _with("event", ""),
    _with("contact_with", None),
]


def findings_of(case_dir: Path) -> list[list]:
    from imr_site.review.registry import load_case, run_checks

    return [
        [f.code, f.severity.value, f.file, f.line, f.message]
        for f in run_checks(load_case(case_dir))
    ]


def large_case(dest: Path, n: int = LARGE_ENTRIES) -> Path:
    """The example case with its chronology replaced by n generated entries (seed 16)."""
    from imr_site.chronology.io import dump_chronology
    from imr_site.chronology.sample import generate_entries
    from imr_site.review.registry import load_case

    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(REPO / "docs", dest / "docs")
    shutil.copytree(REPO / "data", dest / "data")
    cfg = load_case(dest).config
    entries = generate_entries(n, cfg.review_start, cfg.review_end, seed=16)
    for i in range(0, n, 97):  # a mistake every 97 entries, so that every kind of rule speaks
        entries[i] = DAMAGE[(i // 97) % len(DAMAGE)](dict(entries[i]))
    (dest / "data" / "chronology.yml").write_text(dump_chronology(entries), encoding="utf-8")
    return dest


def stored(name: str) -> list[list]:
    return json.loads((FIXTURES / f"findings_{name}.json").read_text(encoding="utf-8"))


def _write(name: str, findings: list[list]) -> None:
    text = "[\n" + ",\n".join(json.dumps(f, ensure_ascii=False) for f in findings) + "\n]\n"
    (FIXTURES / f"findings_{name}.json").write_text(text, encoding="utf-8")


def main() -> int:
    import tempfile

    FIXTURES.mkdir(exist_ok=True)
    _write("example", findings_of(REPO))
    with tempfile.TemporaryDirectory() as tmp:
        _write("large", findings_of(large_case(Path(tmp) / "large")))
        _write("small", findings_of(large_case(Path(tmp) / "small", n=500)))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
