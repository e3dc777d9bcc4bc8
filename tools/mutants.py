"""A mutation run: does ``mathai verify <id> --controls`` catch single-formula errors? (Not part of the suite.)

Each mutant in ``tools/mutants.toml`` is one plausible error in one formula, constant or check: a file, a text that
occurs in it exactly once, and its replacement. For each, a copy of the working tree gets the one edit and
``mathai verify <id> --controls --json`` runs on it in a fresh process (seed 0, no compilation cache shared with the
real tree's results). A mutant is **caught** when verify exits 1 (a check fails or a neighbour passes) or the
mutated code raises; it **survives** when verify exits 0; a run that exceeds the time limit has no verdict, which
counts as surviving (a proof that never concludes is the defect that this run was first written to find).

    python3 tools/mutants.py                 # every mutant, the table on stdout
    python3 tools/mutants.py --only ID ...   # some of them
    python3 tools/mutants.py --json out.json

The list is committed before the run that scores it; a surviving mutant is a missing check or neighbour.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("theorems", "numerics", "mathai")


@dataclass(frozen=True)
class Mutant:
    id: str
    theorem: str
    kind: str
    file: str
    old: str
    new: str
    why: str


def load(path: Path) -> list[Mutant]:
    return [Mutant(**entry) for entry in tomllib.loads(path.read_text())["mutant"]]


def mutated_tree(mutant: Mutant, into: Path) -> Path:
    """A copy of the three packages with the one edit applied; the edit's text must occur exactly once."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, into / package, ignore=shutil.ignore_patterns("__pycache__"))
    target = into / mutant.file
    text = target.read_text()
    if text.count(mutant.old) != 1:
        raise ValueError(f"{mutant.id}: {mutant.old!r} occurs {text.count(mutant.old)} times in {mutant.file}")
    target.write_text(text.replace(mutant.old, mutant.new))
    return into


def verdict(mutant: Mutant, seconds: float) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutant.id}-") as work:
        tree = mutated_tree(mutant, Path(work))
        env = {**os.environ, "PYTHONPATH": str(tree), "MATHAI_CACHE_DIR": str(Path(work) / "cache"),
               "MATHAI_JAX_CACHE_DIR": str(Path(work) / "jax")}
        start = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, "-m", "mathai.cli", "verify", mutant.theorem, "--controls",
                                   "--json"], cwd=work, env=env, capture_output=True, text=True, timeout=seconds)
        except subprocess.TimeoutExpired:
            return {"id": mutant.id, "outcome": "survived (no verdict in time)", "caught": False,
                    "seconds": seconds, "by": []}
        elapsed = time.perf_counter() - start
    if done.returncode == 0:
        return {"id": mutant.id, "outcome": "survived", "caught": False, "seconds": elapsed, "by": []}
    if done.returncode != 1:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"id": mutant.id, "outcome": f"caught (exit {done.returncode}: {last[:80]})", "caught": True,
                "seconds": elapsed, "by": []}
    report = json.loads(done.stdout)
    failing = [c["claim"] for t in report["theorems"] for c in t["checks"] if not c["holds"]]
    passing = [f"neighbour {c['name']} passes" for t in report["theorems"] for c in t.get("controls", ())
               if not c["rejected"]]
    return {"id": mutant.id, "outcome": "caught", "caught": True, "seconds": elapsed, "by": failing + passing}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", type=Path, default=ROOT / "tools" / "mutants.toml")
    parser.add_argument("--only", nargs="*", default=())
    parser.add_argument("--seconds", type=float, default=300.0, help="time limit of one verify run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    mutants = [m for m in load(args.list) if not args.only or m.id in args.only]
    for m in mutants:  # every edit applies before anything runs
        text = (ROOT / m.file).read_text()
        if text.count(m.old) != 1:
            raise SystemExit(f"{m.id}: {m.old!r} occurs {text.count(m.old)} times in {m.file}")
    with ThreadPoolExecutor(args.workers) as pool:
        results = list(pool.map(lambda m: verdict(m, args.seconds), mutants))
    print("| mutant | theorem | kind | caught | by | s |\n|---|---|---|---|---|---|")
    for m, r in zip(mutants, results):
        by = "; ".join(r["by"][:2]) + (f"; +{len(r['by']) - 2}" if len(r["by"]) > 2 else "")
        print(f"| {m.id} | {m.theorem} | {m.kind} | {r['outcome']} | {by} | {r['seconds']:.0f} |")
    caught = sum(r["caught"] for r in results)
    print(f"\n{caught} of {len(results)} mutants caught by `mathai verify ID --controls`")
    if args.json:
        args.json.write_text(json.dumps([{**m.__dict__, **r} for m, r in zip(mutants, results)], indent=1))
    return 0 if caught == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
