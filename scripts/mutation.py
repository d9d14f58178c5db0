"""Mutation testing: how many small deliberate bugs in the rules, the leak gate, the escaping and
the FINAL gate does the test suite notice?

    .venv/bin/python scripts/mutation.py                 # every group (tens of minutes)
    .venv/bin/python scripts/mutation.py escaping rules  # some groups
    .venv/bin/python scripts/mutation.py --list          # the groups, their modules and goals

Each group runs mutmut (3.x) in a scratch copy of the working tree under build/mutation/<group>,
mutating only the group's modules and running only the group's test files (mutmut picks, for
each mutant, the tests that reach the mutated function). The score is killed / total mutants;
a mutant that times out counts as killed. The report (build/mutation/report.json and a table
on stdout) lists each module's score and every surviving mutant, which `mutmut show NAME` in
that group's folder prints as a diff. Exit 1 when a group is below its goal.

Jinja templates are not Python, so mutmut cannot mutate them; tests/test_layout.py refuses any
template that turns escaping off (`|safe`, `autoescape false`), which is the mutant that matters.

Slow by nature: it is never part of the default test run (tests/test_mutation.py is marked slow).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "build" / "mutation"


@dataclass(frozen=True)
class Group:
    modules: tuple[str, ...]
    tests: tuple[str, ...]
    goal: float  # the share of mutants that must be killed


GROUPS: dict[str, Group] = {
    "rules": Group(
        modules=(
            "imr_site/chronology/checks.py",
            "imr_site/actions/checks.py",
            "imr_site/sections/checks.py",
            "imr_site/people/abbreviation_checks.py",
            "imr_site/people/name_checks.py",
            "imr_site/signoff/checks.py",
        ),
        tests=(
            "tests/test_chronology_checks.py",
            "tests/test_actions.py",
            "tests/test_structure.py",
            "tests/test_glossary.py",
            "tests/test_names.py",
            "tests/test_signoff_gate.py",
            "tests/test_reports.py",
        ),
        goal=0.90,
    ),
    "escaping": Group(
        modules=("imr_site/publish/pdf/markup.py",),
        tests=("tests/test_pdf.py", "tests/test_pdf_text.py"),
        goal=1.0,
    ),
    "leak-gate": Group(
        modules=("imr_site/people/leaks.py", "imr_site/people/identifiers.py"),
        tests=("tests/test_leaks.py", "tests/test_editions.py", "tests/test_names.py"),
        goal=1.0,
    ),
    "final-gate": Group(
        modules=("imr_site/publish/final.py",),
        tests=("tests/test_signoff_gate.py", "tests/test_status_page.py"),
        goal=0.90,
    ),
}

# What the tests read besides the package: the example case, the template, the plugin.
ALSO_COPY = ["plugins/", "case_template/", "docs/", "data/", "mkdocs.yml", "scripts/", "README.md"]


def scratch_copy(dest: Path) -> None:
    """The working tree as Git sees it (tracked and new files, nothing ignored)."""
    if dest.exists():
        shutil.rmtree(dest)
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, files):
        src = REPO / name.decode()
        if src.is_file():
            target = dest / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)


def mutmut_config(group: Group) -> str:
    def toml_list(items) -> str:
        return "[" + ", ".join(json.dumps(i) for i in items) + "]"

    return (
        "\n[tool.mutmut]\n"
        'source_paths = ["imr_site/"]\n'
        f"only_mutate = {toml_list(group.modules)}\n"
        f"also_copy = {toml_list(ALSO_COPY)}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-x", "-q"]\n'
        f"pytest_add_cli_args_test_selection = {toml_list(group.tests)}\n"
    )


NOTICED = {"killed", "timeout", "segfault", "caught by type check"}


def mutmut_status(code) -> str:
    """mutmut's own name for a mutant's exit code (killed, survived, no tests, timeout ...)."""
    from mutmut.stats import status_by_exit_code

    return status_by_exit_code[code]


def run_group(name: str, group: Group) -> dict:
    work = OUT / name
    scratch_copy(work)
    pyproject = work / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    if "[tool.mutmut]" in text:
        text = text.split("\n[tool.mutmut]")[0] + "\n"
    pyproject.write_text(text + mutmut_config(group), encoding="utf-8")
    mutmut = Path(sys.executable).with_name("mutmut")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    log = work / "mutmut.log"
    with log.open("w", encoding="utf-8") as out:
        subprocess.run([str(mutmut), "run"], cwd=work, env=env, stdout=out, stderr=out)
    modules = {}
    for module in group.modules:
        meta = work / "mutants" / f"{module}.meta"
        if not meta.is_file():
            modules[module] = {"error": f"mutmut made no mutants (see {log})"}
            continue
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        status = {k: mutmut_status(code) for k, code in codes.items()}
        # Killed: a test failed, or the mutant hung or crashed the tests. Anything else (the
        # tests passed, no test reached it, not run) is a mutant the suite did not notice.
        survived = sorted(k for k, s in status.items() if s not in NOTICED)
        modules[module] = {
            "total": len(codes),
            "killed": len(codes) - len(survived),
            "timeouts": sum(1 for s in status.values() if s == "timeout"),
            "survived": survived,
            "not_reached": sorted(k for k in survived if status[k] == "no tests"),
        }
    total = sum(m.get("total", 0) for m in modules.values())
    killed = sum(m.get("killed", 0) for m in modules.values())
    score = killed / total if total else 0.0
    return {
        "modules": modules,
        "total": total,
        "killed": killed,
        "score": round(score, 4),
        "goal": group.goal,
        "met": bool(total) and score >= group.goal,
        "folder": str(work),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", nargs="*", help=f"some of: {', '.join(GROUPS)}")
    parser.add_argument("--list", action="store_true", help="list the groups and stop")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="MODULE",
        help="mutate only this module of the chosen groups (repeatable), e.g. "
        "imr_site/chronology/checks.py",
    )
    args = parser.parse_args(argv)
    if args.list:
        for name, g in GROUPS.items():
            print(f"{name} (goal {g.goal:.0%}): {', '.join(g.modules)}")
        return 0
    unknown = [g for g in args.groups if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group {', '.join(unknown)}: choose from {', '.join(GROUPS)}")
    names = args.groups or list(GROUPS)
    groups = {name: GROUPS[name] for name in names}
    if args.only:
        groups = {
            name: Group(tuple(m for m in g.modules if m in args.only), g.tests, g.goal)
            for name, g in groups.items()
        }
        groups = {name: g for name, g in groups.items() if g.modules}
        if not groups:
            parser.error("--only names no module of the chosen groups (see --list)")
    report = {name: run_group(name, g) for name, g in groups.items()}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(
        "| Group | Module | Killed | Total | Score | of which timeouts |\n|---|---|---|---|---|---|"
    )
    for name, r in report.items():
        for module, m in r["modules"].items():
            if "error" in m:
                print(f"| {name} | {module} | | | {m['error']} |")
            else:
                print(
                    f"| {name} | {module} | {m['killed']} | {m['total']} | "
                    f"{m['killed'] / m['total']:.1%} | {m['timeouts']} |"
                )
        verdict = "goal met" if r["met"] else f"below the goal of {r['goal']:.0%}"
        print(f"| {name} | **all** | {r['killed']} | {r['total']} | {r['score']:.1%} ({verdict}) |")
    print(f"\nSurviving mutants: {OUT / 'report.json'}; `mutmut show NAME` in the group's folder.")
    return 0 if all(r["met"] for r in report.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
