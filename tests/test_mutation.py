"""Mutation testing (scripts/mutation.py): every deliberate bug in the Typst escaper is caught
(slow, a few minutes; the other groups are run by hand), and the script's watch on mutmut's
workers tells a hung worker from a busy or a quiet one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
try:
    import mutation
finally:
    sys.path.pop(0)


def table(*rows):
    """A process table: (pid, ppid, ticks, title) rows."""
    return {pid: mutation.Proc(ppid, ticks, title) for pid, ppid, ticks, title in rows}


def test_a_worker_whose_whole_tree_uses_no_cpu_is_stuck_after_the_limit():
    watch = mutation.Watch(stuck_after=10)
    workers = {10: "m.x__mutmut_1", 20: "m.x__mutmut_2"}
    # 10 is idle; 20 is idle itself but its child (a build, a browser) works until t = 10.
    child_ticks = {0: 0, 9.9: 3, 10: 6, 19.9: 6, 20: 6}
    stuck = {}
    for now, ticks in child_ticks.items():
        rows = table((10, 1, 5, ""), (20, 1, 5, ""), (21, 20, ticks, ""))
        stuck[now] = watch.stuck(rows, workers, now)
    assert stuck == {0: [], 9.9: [], 10: [10], 19.9: [10], 20: [10, 20]}


def test_a_new_mutant_in_the_same_process_starts_a_new_clock_and_an_ended_worker_is_remembered():
    watch = mutation.Watch(stuck_after=10)
    rows = table((10, 1, 5, ""))
    assert watch.stuck(rows, {10: "m.x__mutmut_1"}, 0) == []
    assert watch.stuck(rows, {10: "m.x__mutmut_2"}, 8) == []
    assert watch.stuck(rows, {10: "m.x__mutmut_2"}, 17) == []
    assert watch.stuck(rows, {}, 18) == []
    # mutmut_2's worker ended after 10 s without CPU (mutmut timed it out while it hung)
    assert watch.idle_at_end == {"m.x__mutmut_2": 10}


def test_the_workers_are_mutmuts_titled_descendants():
    rows = table(
        (100, 1, 0, "python mutmut run"),
        (101, 100, 0, "mutmut: imr_site.a.x__mutmut_3"),
        (102, 101, 0, "typst compile"),
        (200, 1, 0, "mutmut: someone.elses__mutmut_1"),
    )
    assert mutation.mutmut_workers(rows, 100, {}) == {101: "imr_site.a.x__mutmut_3"}
    # a fork server's worker keeps the server's title: the log names its mutant
    rows[103] = mutation.Proc(100, 0, "python mutmut run")
    rows[104] = mutation.Proc(103, 0, "python mutmut run")
    assert mutation.mutmut_workers(rows, 100, {104: "imr_site.a.y__mutmut_1", 7: "x"}) == {
        101: "imr_site.a.x__mutmut_3",
        104: "imr_site.a.y__mutmut_1",
    }


def test_the_fork_servers_log_is_read_as_it_grows(tmp_path):
    log = tmp_path / "mutmut-debug.log"
    log.write_text(
        "2026-12-01 18:30:00.001 [51] mutmut.forkserver DEBUG: Received mutant: a__mutmut_1\n"
        "2026-12-01 18:30:00.002 [52] mutmut.forkserver.worker.52 DEBUG: Starting "
        "imr_site.a.x__mutmut_1 (3 tests)\n"
        "2026-12-01 18:30:00.003 [53] mutmut.forkserver.worker.53 DEBUG: Star"
    )
    tail = mutation.LogTail(log)
    assert tail.read() == {52: "imr_site.a.x__mutmut_1"}
    with log.open("a") as f:
        f.write("ting imr_site.a.x__mutmut_2 (3 tests)\n")
    assert tail.read() == {52: "imr_site.a.x__mutmut_1", 53: "imr_site.a.x__mutmut_2"}
    assert mutation.LogTail(tmp_path / "none.log").read() == {}
    assert (
        mutation.tree_ticks(table((1, 0, 2, ""), (2, 1, 3, ""), (3, 2, 4, ""), (4, 9, 8, "")), 1)
        == 9
    )


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc (Linux)")
def test_the_process_table_sees_a_sleeping_child_and_kill_tree_ends_it_and_its_children():
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, time; subprocess.Popen(['sleep', '60']); time.sleep(60)",
        ]
    )
    try:
        for _ in range(50):
            rows = mutation.proc_table()
            if mutation.descendants(rows, parent.pid):
                break
            time.sleep(0.1)
        (child,) = mutation.descendants(rows, parent.pid)
        assert rows[child].title == "sleep 60"
        assert rows[parent.pid].ppid == os.getpid()
        mutation.kill_tree(rows, parent.pid)
        assert parent.wait(timeout=10) == -signal.SIGKILL
        time.sleep(0.2)
        assert child not in mutation.proc_table() or mutation.proc_table()[child].title == ""
    finally:
        parent.kill()


@pytest.mark.slow
def test_every_mutant_of_the_typst_escaper_is_killed():
    run = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "mutation.py"), "escaping"],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    report = json.loads((REPO / "build" / "mutation" / "report.json").read_text())["escaping"]
    assert report["total"] > 20, run.stdout + run.stderr
    survivors = [s for m in report["modules"].values() for s in m["survived"]]
    assert survivors == [], run.stdout
    assert run.returncode == 0


def module_result(killed, total):
    return {"total": total, "killed": killed, "timeouts": 0, "survived": [], "rerun_fresh": {}}


def test_runs_of_one_module_at_a_time_add_up_in_the_report(tmp_path, monkeypatch):
    monkeypatch.setattr(mutation, "OUT", tmp_path)
    rules = mutation.GROUPS["rules"].modules
    first = mutation.merged_report({"rules": {rules[0]: module_result(95, 100)}})
    assert first["rules"]["killed"] == 95 and first["rules"]["not_measured"] == list(rules[1:])
    assert first["rules"]["modules"][rules[0]]["met"] is True and first["rules"]["met"] is False
    (tmp_path / "report.json").write_text(json.dumps(first))
    second = mutation.merged_report({"rules": {rules[1]: module_result(8, 10)}, "escaping": {}})
    assert list(second) == ["rules"]
    assert second["rules"]["modules"][rules[0]]["killed"] == 95  # kept from the first run
    assert second["rules"]["modules"][rules[1]]["met"] is False  # 80 % < 90 %
    assert (second["rules"]["killed"], second["rules"]["total"]) == (103, 110)
    (tmp_path / "report.json").write_text(json.dumps(second))
    again = mutation.merged_report({"rules": {rules[1]: module_result(10, 10)}})
    assert again["rules"]["modules"][rules[1]]["met"] is True  # a re-run replaces the result
    assert (again["rules"]["killed"], again["rules"]["total"]) == (105, 110)


def test_a_recheck_runs_only_the_tests_new_or_changed_since_the_run(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    base = "import pytest\n\n\ndef test_a():\n    assert 1\n\n\ndef test_b():\n    assert 2\n"
    (old / "test_x.py").write_text(base)
    (new / "test_x.py").write_text(
        base.replace("assert 2", "assert 3") + "\n\n@pytest.mark.slow\ndef test_c():\n    pass\n"
    )
    (old / "test_y.py").write_text(base)
    (new / "test_y.py").write_text("A = 1\n" + base)  # a module-level change: the whole file
    (new / "test_z.py").write_text(base)  # not in the run's list
    files = ("tests/test_x.py", "tests/test_y.py")
    assert mutation.changed_tests(old, new, files) == [
        "tests/test_x.py::test_b",
        "tests/test_x.py::test_c",
        "tests/test_y.py",
    ]
    assert mutation.changed_tests(old, old, files) == []
