"""The summary of `make mutants`: per module, how many of mutmut's mutants the module's own tests killed, and
each surviving mutant with its diff (run from the project root, after `mutmut run`).

    python tests/mutation_report.py terms themes duplicates places amounts
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

# mutmut's exit codes (mutmut.stats.status_by_exit_code)
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 35: "suspicious",
          36: "timeout", 37: "caught by type check", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout",
          -11: "segfault", -9: "segfault", None: "not checked"}


def module_results(module: str) -> dict[str, str]:
    """Every mutant of a module: its file (duplicates.py), the files of its split (places_gazetteer.py...) or
    of its package (terms/*.py), as `mutmut run "analysis.<module>*"` mutates them."""
    root = Path("mutants") / "analysis"
    metas = sorted({*root.glob(f"{module}.py.meta"), *root.glob(f"{module}_*.py.meta"),
                    *root.glob(f"{module}/*.py.meta")})
    results = {}
    for meta in metas:
        data = json.loads(meta.read_text())
        codes = data.get("exit_code_by_key", {})
        results.update({name: STATUS.get(code, "suspicious") for name, code in codes.items()})
    return results


def main(modules: list[str]) -> None:
    rows, survivors = [], []
    for module in modules:
        results = module_results(module)
        counts = Counter(results.values())
        tested = sum(counts.values()) - counts["not checked"] - counts["skipped"]  # "no tests" count as survivors
        killed = counts["killed"] + counts["timeout"] + counts["segfault"]
        rows.append((module, len(results), killed, tested, counts))
        survivors += [name for name, status in sorted(results.items()) if status in ("survived", "no tests")]
    print(f"{'module':<12}{'mutants':>9}{'killed':>8}{'counted':>8}{'kill rate':>11}   other")
    total_killed = total_tested = 0
    for module, n, killed, tested, counts in rows:
        total_killed, total_tested = total_killed + killed, total_tested + tested
        other = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "killed")
        print(f"{module:<12}{n:>9}{killed:>8}{tested:>8}{killed / max(tested, 1):>10.1%}   {other}")
    print(f"{'all':<12}{'':>9}{total_killed:>8}{total_tested:>8}{total_killed / max(total_tested, 1):>10.1%}")
    print(f"\nsurviving mutants ({len(survivors)}):")
    for name in survivors:
        diff = subprocess.run([sys.executable, "-m", "mutmut", "show", name], capture_output=True, text=True).stdout
        lines = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
        print(f"- {name}: " + " | ".join(line.strip() for line in lines[:4]))


if __name__ == "__main__":
    main(sys.argv[1:] or ["terms", "themes", "duplicates", "places", "amounts"])
