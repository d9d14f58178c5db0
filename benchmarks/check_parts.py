"""Where `imr check` spends its time, part by part: CPU milliseconds (the least of N runs) of reading
the case and of each rule pass the registry lists, in one process.

    .venv/bin/python benchmarks/check_parts.py CASE_DIR [--runs 5]

CPU time (time.process_time), not wall time: on a shared machine it moves far less with the load.
To compare with another commit's code, run it from outside the repository with that code first on
PYTHONPATH (as check_bench.py --baseline does), e.g. after `git archive main imr_site | tar -x -C
/tmp/main`: `cd /tmp && PYTHONPATH=/tmp/main python /path/to/check_parts.py CASE_DIR`.
Make a case with check_bench.example_with (see check_bench.py).
"""

from __future__ import annotations

import argparse
import gc
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("case")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import imr_site
    from imr_site.review import registry

    times: dict[str, list[float]] = {}
    for _ in range(args.runs):
        start = time.process_time()
        case = registry.load_case(args.case)
        times.setdefault("load_case", []).append(time.process_time() - start)
        for check in registry.CHECKS:
            start = time.process_time()
            check(case)
            name = check.__module__.removeprefix("imr_site.")
            times.setdefault(name, []).append(time.process_time() - start)
        del case
        gc.collect()
    print(f"{imr_site.__file__}: CPU ms, least of {args.runs} runs")
    for name, spent in times.items():
        print(f"  {name:32s} {min(spent) * 1000:8.1f}")
    print(f"  {'total':32s} {sum(min(s) for s in times.values()) * 1000:8.1f}")


if __name__ == "__main__":
    main()
