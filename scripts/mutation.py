"""Mutation testing: how many small deliberate bugs in the rules, the leak gate, the escaping and
the FINAL gate does the test suite notice?

    .venv/bin/python scripts/mutation.py                 # every group (tens of minutes)
    .venv/bin/python scripts/mutation.py escaping rules  # some groups
    .venv/bin/python scripts/mutation.py --list          # the groups, their modules and goals
    .venv/bin/python scripts/mutation.py rules --only imr_site/signoff/checks.py  # one module

Each group runs mutmut (3.x) in a scratch copy of the working tree under build/mutation/<group>
(build/mutation/<group>.<module> for --only), mutating only the group's modules and running only
the group's test files (mutmut picks, for each mutant, the tests that reach the mutated
function), with one worker unless --workers says more. The score is killed / total mutants; a
mutant that times out counts as killed. The report (build/mutation/report.json and a table on
stdout) lists each module's score and every surviving mutant, which `mutmut show NAME` in the
module's folder prints as a diff. A run replaces its modules' results in the report and keeps
the others, so runs of one module at a time add up. Each module is held to its group's goal:
exit 1 when a module of this run is below it.

mutmut forks its workers from a process that has already run the tests, and a worker sometimes
hangs on a lock it inherited (a futex, no CPU used) whatever the mutant does. So this script
watches the workers: one whose process tree has used no CPU for --stuck-after seconds is
stopped, and its mutant is run again alone in a fresh Python process (the same tests, the same
MUTANT_UNDER_TEST), whose verdict is the one recorded. A mutant that mutmut timed out while its
worker sat idle is re-run the same way; one whose worker was busy to the end keeps its timeout.
A fresh run that is idle for --stuck-after seconds, or runs past its time limit, is a timeout.

Jinja templates are not Python, so mutmut cannot mutate them; tests/test_layout.py refuses any
template that turns escaping off (`|safe`, `autoescape false`), which is the mutant that matters.

Slow by nature: it is never part of the default test run (tests/test_mutation.py is marked slow).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "build" / "mutation"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


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
        # Every test file that reaches the gate: the editions, the name checks, and the Word,
        # PDF and redline outputs, which scan what they wrote.
        tests=(
            "tests/test_leaks.py",
            "tests/test_editions.py",
            "tests/test_names.py",
            "tests/test_name_scan.py",
            "tests/test_docx.py",
            "tests/test_pdf_text.py",
            "tests/test_redline.py",
            "tests/test_identifier_variants.py",
        ),
        goal=1.0,
    ),
    "final-gate": Group(
        modules=("imr_site/publish/final.py",),
        # and the files that test one kind of refusal each: the process, placeholders, links
        tests=(
            "tests/test_signoff_gate.py",
            "tests/test_status_page.py",
            "tests/test_process.py",
            "tests/test_placeholders.py",
            "tests/test_links.py",
        ),
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
        # Fork each worker from a process that has run no test: one that has compiled a PDF has
        # Typst's thread pool, which a forked child inherits without its threads, and waits on
        # for ever (seen as futex hangs). The fork server's log names each worker's mutant.
        'process_isolation = "forkserver"\n'
        "log_to_file = true\n"
        f"log_file_path = {json.dumps(WORKER_LOG)}\n"
    )


NOTICED = {"killed", "timeout", "segfault", "caught by type check"}


# The pytest arguments mutmut's worker uses (mutmut/runners/harness.py), for the fresh re-run.
PYTEST_LIKE_MUTMUT = ["--rootdir=.", "--tb=native", "-x", "-q", "-p", "no:randomly"]
PYTEST_LIKE_MUTMUT += ["-p", "no:random-order", "-p", "no:cacheprovider"]
TIMEOUT_CODE = 36  # mutmut's exit code for a timeout
NO_TESTS_CODE = 33  # mutmut's exit code for a mutant that no test reaches
POLL = 1.0  # seconds between two looks at the workers
WORKER_TITLE = "mutmut: "  # mutmut's forked worker (process_isolation fork) sets this title
WORKER_LOG = "mutants/mutmut-debug.log"  # where the fork server's workers say what they test
# "... [pid] mutmut.forkserver.worker.pid DEBUG: Starting NAME (N tests)"
WORKER_STARTS = re.compile(r"\[(\d+)\] mutmut\.forkserver\.worker\.\d+ DEBUG: Starting (\S+) ")


@dataclass(frozen=True)
class Proc:
    ppid: int
    ticks: int  # CPU time used by the process and by its children that have ended
    title: str


def proc_table() -> dict[int, Proc]:
    """Every process on the machine (Linux /proc): its parent, CPU ticks and title."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # it ended meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()
        # After the name: state, ppid, ... utime (12th), stime, cutime, cstime.
        ticks = sum(int(f) for f in fields[11:15])
        table[int(entry.name)] = Proc(int(fields[1]), ticks, title.strip())
    return table


def descendants(table: dict[int, Proc], root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, proc in table.items():
        children.setdefault(proc.ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_ticks(table: dict[int, Proc], pid: int) -> int:
    return sum(table[p].ticks for p in [pid, *descendants(table, pid)] if p in table)


def kill_tree(table: dict[int, Proc], pid: int) -> None:
    """SIGKILL a process and everything it started (children first)."""
    for p in [*reversed(descendants(table, pid)), pid]:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass


@dataclass
class Watch:
    """Which watched processes have used no CPU, in their whole tree, for stuck_after seconds."""

    stuck_after: float
    seen: dict[int, list] = field(default_factory=dict)  # pid -> [name, ticks, busy at]
    idle_at_end: dict[str, float] = field(default_factory=dict)  # name -> idle seconds
    stopped: list[str] = field(default_factory=list)  # the mutants whose worker was stopped

    def stuck(self, table: dict[int, Proc], watched: dict[int, str], now: float) -> list[int]:
        for pid in [p for p in self.seen if p not in watched]:
            name, _, busy_at = self.seen.pop(pid)
            self.idle_at_end[name] = now - busy_at
        found = []
        for pid, name in watched.items():
            ticks = tree_ticks(table, pid)
            last = self.seen.get(pid)
            if last is None or last[0] != name or last[1] != ticks:
                self.seen[pid] = [name, ticks, now]
            elif now - last[2] >= self.stuck_after:
                found.append(pid)
        return found


def mutmut_workers(table: dict[int, Proc], root: int, started: dict[int, str]) -> dict[int, str]:
    """mutmut's workers under root, by pid, with the mutant each is testing: named by their
    title (fork) or by the fork server's log (``started``, forkserver)."""
    workers = {}
    for pid in descendants(table, root):
        if table[pid].title.startswith(WORKER_TITLE):
            workers[pid] = table[pid].title[len(WORKER_TITLE) :].strip()
        elif pid in started:
            workers[pid] = started[pid]
    return workers


class LogTail:
    """The fork server's log, read as it grows: which worker pid tests which mutant."""

    def __init__(self, path: Path) -> None:
        self.path, self.offset, self.started = path, 0, {}

    def read(self) -> dict[int, str]:
        try:
            with self.path.open("rb") as f:
                if f.seek(0, os.SEEK_END) < self.offset:
                    self.offset = 0  # rotated
                f.seek(self.offset)
                chunk = f.read()
        except OSError:
            return self.started
        end = chunk.rfind(b"\n") + 1  # a line still being written waits for the next read
        self.offset += end
        for pid, name in WORKER_STARTS.findall(chunk[:end].decode(errors="replace")):
            self.started[int(pid)] = name
        return self.started


def run_mutmut(work: Path, workers: int, stuck_after: float, env: dict, log) -> Watch:
    """`mutmut run`, stopping every worker that hangs. The Watch names those it stopped."""
    mutmut = Path(sys.executable).with_name("mutmut")
    proc = subprocess.Popen(
        [str(mutmut), "run", "--max-children", str(workers)],
        cwd=work,
        env=env,
        stdout=log,
        stderr=log,
    )
    watch, tail = Watch(stuck_after), LogTail(work / WORKER_LOG)
    while proc.poll() is None:
        time.sleep(POLL)
        table = proc_table()
        running = mutmut_workers(table, proc.pid, tail.read())
        for pid in watch.stuck(table, running, time.monotonic()):
            name = watch.seen[pid][0]
            print(f"  {name}: its worker used no CPU for {stuck_after:.0f} s; stopped", flush=True)
            kill_tree(table, pid)
            watch.stopped.append(name)
    return watch


def run_fresh(
    work: Path, name: str, stuck_after: float, env: dict, tests: list[str] | None = None
) -> int:
    """Run one mutant's tests in a new Python process; mutmut's exit code for the verdict.
    ``tests`` defaults to those mutmut found reaching the mutated function."""
    stats = json.loads((work / "mutants" / "mutmut-stats.json").read_text(encoding="utf-8"))
    durations = stats["duration_by_test"]
    if tests is None:
        tests = sorted(
            stats["tests_by_mangled_function_name"].get(name.partition("__mutmut_")[0], []),
            key=lambda t: durations.get(t, 0.0),
        )
    if not tests:
        return NO_TESTS_CODE
    # Time for the session's fixtures (the example case is built once) and the tests themselves.
    limit = 300 + 20 * sum(durations.get(t, 0.0) for t in tests if "::" in t)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", *PYTEST_LIKE_MUTMUT, *tests],
        cwd=work / "mutants",
        env={**env, "MUTANT_UNDER_TEST": name},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    watch, start = Watch(stuck_after), time.monotonic()
    while proc.poll() is None:
        time.sleep(POLL)
        table, now = proc_table(), time.monotonic()
        if watch.stuck(table, {proc.pid: name}, now) or now - start > limit:
            kill_tree(table, proc.pid)
            proc.wait()
            return TIMEOUT_CODE
    return proc.returncode


def mutmut_status(code) -> str:
    """mutmut's own name for a mutant's exit code (killed, survived, no tests, timeout ...)."""
    from mutmut.stats import status_by_exit_code

    return status_by_exit_code[code]


def group_folder(name: str, group: Group) -> Path:
    if group.modules == GROUPS[name].modules:
        return OUT / name
    return OUT / ".".join([name, *(module_slug(m) for m in group.modules)])  # --only: its own


def run_group(name: str, group: Group, workers: int = 1, stuck_after: float = 10.0) -> dict:
    """Each module's result: killed / total, the survivors, the mutants re-run fresh."""
    work = group_folder(name, group)
    scratch_copy(work)
    pyproject = work / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    if "[tool.mutmut]" in text:
        text = text.split("\n[tool.mutmut]")[0] + "\n"
    pyproject.write_text(text + mutmut_config(group), encoding="utf-8")
    log = work / "mutmut.log"
    with log.open("w", encoding="utf-8") as out:
        watch = run_mutmut(work, workers, stuck_after, ENV, out)
    modules = {}
    for module in group.modules:
        if not (work / "mutants" / f"{module}.meta").is_file():
            modules[module] = {"error": f"mutmut made no mutants (see {log})"}
            continue

        # Hung, not failed: the stopped workers, and the timeouts of workers idle at the end.
        def hung(k, code):
            idle = watch.idle_at_end.get(k, 0) >= 3 * POLL
            return k in watch.stopped or (mutmut_status(code) == "timeout" and idle)

        modules[module] = module_result(
            work, module, hung, lambda k: run_fresh(work, k, stuck_after, ENV)
        )
    return modules


def recheck_group(name: str, group: Group, stuck_after: float = 10.0) -> dict:
    """The survivors of the last run, each run again in a fresh process against the tests that
    are new or changed since (in the group's test files, or --tests'): every other test
    already passed with the mutant. Kills are recorded; the rest stand."""
    work = group_folder(name, group)
    tests = changed_tests(work / "mutants" / "tests", REPO / "tests", group.tests)
    print(f"  tests new or changed since the run: {len(tests)}", flush=True)
    shutil.rmtree(work / "mutants" / "tests")
    shutil.copytree(
        REPO / "tests", work / "mutants" / "tests", ignore=shutil.ignore_patterns("__pycache__")
    )
    modules = {}
    for module in group.modules:
        if not (work / "mutants" / f"{module}.meta").is_file():
            modules[module] = {"error": f"no earlier run of {module} in {work}"}
            continue
        modules[module] = module_result(
            work,
            module,
            lambda k, code: bool(tests) and mutmut_status(code) not in NOTICED,
            lambda k: run_fresh(work, k, stuck_after, ENV, tests),
        )
    return modules


def changed_tests(old_dir: Path, new_dir: Path, files: tuple[str, ...]) -> list[str]:
    """``file::function`` for each test function (and helper-using test) of these files whose
    source is new or differs from the copy the last run used. A file whose module-level code
    (helpers, constants, fixtures) changed counts whole."""
    import ast

    def parts(path: Path) -> tuple[dict[str, str], str]:
        if not path.is_file():
            return {}, ""
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        tests, rest = {}, []
        for node in tree.body:
            text = ast.get_source_segment(source, node) or ""
            decorated = "".join(
                ast.get_source_segment(source, d) or "" for d in getattr(node, "decorator_list", [])
            )
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                tests[node.name] = decorated + text
            else:
                rest.append(text)
        return tests, "\n".join(rest)

    out = []
    for file in files:
        rel = file.removeprefix("tests/")
        old_tests, old_rest = parts(old_dir / rel)
        new_tests, new_rest = parts(new_dir / rel)
        if old_rest != new_rest:
            out.append(file)
            continue
        out += [f"{file}::{n}" for n, src in new_tests.items() if old_tests.get(n) != src]
    return out


def module_result(work: Path, module: str, again, fresh) -> dict:
    """One module's score from mutmut's record, after running again each mutant for which
    again(name, exit code) holds with fresh(name) (whose verdict is recorded in its place)."""
    meta_file = work / "mutants" / f"{module}.meta"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    codes = meta["exit_code_by_key"]
    rerun = {}
    for k in sorted(k for k, code in codes.items() if again(k, code)):
        codes[k] = fresh(k)
        rerun[k] = mutmut_status(codes[k])
        print(f"  {k}: run again in a fresh process: {rerun[k]}", flush=True)
    if rerun:  # so that `mutmut results` and `mutmut browse` say the same
        meta_file.write_text(json.dumps(meta, indent=4), encoding="utf-8")
    status = {k: mutmut_status(code) for k, code in codes.items()}
    # Killed: a test failed, or the mutant hung or crashed the tests. Anything else (the
    # tests passed, no test reached it, not run) is a mutant the suite did not notice.
    survived = sorted(k for k, s in status.items() if s not in NOTICED)
    return {
        "total": len(codes),
        "killed": len(codes) - len(survived),
        "timeouts": sum(1 for s in status.values() if s == "timeout"),
        "survived": survived,
        "not_reached": sorted(k for k in survived if status[k] == "no tests"),
        "rerun_fresh": rerun,
        "folder": str(work),
    }


def module_slug(module: str) -> str:
    return module.removeprefix("imr_site/").removesuffix(".py").replace("/", "-")


def summarise(name: str, modules: dict) -> dict:
    """A group's score over the modules measured so far; each module is held to the goal."""
    goal = GROUPS[name].goal
    for m in modules.values():
        if "error" not in m:
            m["score"] = round(m["killed"] / m["total"], 4) if m["total"] else 0.0
            m["met"] = bool(m["total"]) and m["killed"] / m["total"] >= goal
    total = sum(m.get("total", 0) for m in modules.values())
    killed = sum(m.get("killed", 0) for m in modules.values())
    missing = [m for m in GROUPS[name].modules if m not in modules]
    return {
        "modules": modules,
        "total": total,
        "killed": killed,
        "score": round(killed / total, 4) if total else 0.0,
        "goal": goal,
        "not_measured": missing,
        "met": not missing and all(m.get("met") for m in modules.values()),
    }


def merged_report(new: dict[str, dict]) -> dict:
    """build/mutation/report.json with this run's modules replacing their earlier results, so
    that runs of one module at a time (--only) add up to the whole report."""
    path = OUT / "report.json"
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    report = {}
    for name, group in GROUPS.items():
        modules = {
            m: r
            for m, r in old.get(name, {}).get("modules", {}).items()
            if m in group.modules and m not in new.get(name, {})
        }
        modules.update(new.get(name, {}))
        if modules:
            report[name] = summarise(name, dict(sorted(modules.items())))
    return report


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
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="mutmut's worker processes (default 1: the machine is shared)",
    )
    parser.add_argument(
        "--stuck-after",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="stop a worker whose processes used no CPU for this long, and run its mutant "
        "again in a fresh process (default 10; under mutmut's shortest timeout, 15)",
    )
    parser.add_argument(
        "--tests",
        action="append",
        default=[],
        metavar="FILE",
        help="run mutmut (or --recheck) with these test files only, not the group's (repeatable; "
        "say, the module's own): much faster, and a survivor may be one another file kills",
    )
    parser.add_argument(
        "--recheck",
        action="store_true",
        help="run no mutmut: run the survivors of the last run of these modules again, each in "
        "a fresh process against the tests written or changed since, and update the report",
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
    if args.tests:
        groups = {name: Group(g.modules, tuple(args.tests), g.goal) for name, g in groups.items()}
    if args.recheck:
        ran = {name: recheck_group(name, g, args.stuck_after) for name, g in groups.items()}
    else:
        ran = {
            name: run_group(name, g, args.workers, args.stuck_after) for name, g in groups.items()
        }
    report = merged_report(ran)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(
        "| Group | Module | Killed | Total | Score | of which timeouts | re-run fresh |\n"
        "|---|---|---|---|---|---|---|"
    )
    for name, r in report.items():
        for module, m in r["modules"].items():
            if "error" in m:
                print(f"| {name} | {module} | | | {m['error']} | | |")
            else:
                print(
                    f"| {name} | {module} | {m['killed']} | {m['total']} | {m['score']:.1%} | "
                    f"{m['timeouts']} | {len(m['rerun_fresh'])} |"
                )
        verdict = "goal met" if r["met"] else f"goal {r['goal']:.0%} not met"
        if r["not_measured"]:
            verdict += f"; not measured: {', '.join(r['not_measured'])}"
        print(
            f"| {name} | **all** | {r['killed']} | {r['total']} | {r['score']:.1%} | | ({verdict}) |"
        )
    print(
        f"\nThis run: {', '.join(m for g in ran.values() for m in g)}. Earlier runs' modules are "
        f"kept in {OUT / 'report.json'} (delete it to start over). Surviving mutants: "
        "`mutmut show NAME` in the module's folder."
    )
    return 0 if all(report[n]["modules"][m].get("met") for n, g in ran.items() for m in g) else 1


if __name__ == "__main__":
    sys.exit(main())
