"""Run the benchmarks of :func:`mathai.bench.registry` and write them as a Markdown table and a JSON file.

The table names the machine it came from (:func:`mathai.bench.environment`: JAX version, backend, device). A
benchmark that raises does not stop the others: its error is recorded (and ``mathai bench`` exits 1).

:func:`startup_rows` measures ``mathai verify ID`` in fresh processes: cold (empty JAX persistent compilation
cache) against warm (the cache filled by the cold run), the ratio of the two, and so the time each theorem's
``verify`` takes.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

import mathai.bench
from mathai.bench import Row, environment, registry


@dataclass(frozen=True)
class Failure:
    """A benchmark that raised: where, and the one-line error."""

    theorem: str
    benchmark: str
    error: str


@dataclass(frozen=True)
class Report:
    """The rows of one run, the machine they were measured on, and the wall time of each benchmark."""

    rows: tuple[Row, ...]
    environment: Mapping[str, str]
    quick: bool
    seconds: Mapping[str, float] = field(default_factory=dict)
    failures: tuple[Failure, ...] = ()
    started: str = ""

    def as_json(self) -> dict:
        def finite(value):
            return value if not isinstance(value, float) or math.isfinite(value) else None

        return {"environment": dict(self.environment), "quick": self.quick, "started": self.started,
                "seconds": dict(self.seconds),
                "rows": [{k: finite(v) for k, v in dataclasses.asdict(r).items()} for r in self.rows],
                "failures": [dataclasses.asdict(f) for f in self.failures]}


def run(ids: Sequence[str] | None = None, quick: bool = True,
        benchmarks: Mapping[str, Sequence[Callable]] | None = None,
        progress: Callable[[str], None] = lambda _: None) -> Report:
    """Run every benchmark of ``ids`` (all registered ones when None); ``quick`` is the 2-core-CPU budget."""
    benchmarks = registry() if benchmarks is None else benchmarks
    ids = list(benchmarks) if ids is None else list(ids)
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rows: list[Row] = []
    seconds: dict[str, float] = {}
    failures: list[Failure] = []
    for theorem_id in ids:
        for function in benchmarks.get(theorem_id, ()):
            name = f"{theorem_id}/{function.__name__}"
            progress(f"bench {name} ...")
            start = time.perf_counter()
            try:
                produced = list(function(quick))
            except Exception as error:  # noqa: BLE001 (one failing benchmark must not hide the others)
                failures.append(Failure(theorem_id, function.__name__, f"{type(error).__name__}: {error}"))
                produced = []
            seconds[name] = time.perf_counter() - start
            for row in produced:
                if not isinstance(row, Row):
                    failures.append(Failure(theorem_id, function.__name__, f"returned {type(row).__name__}, "
                                                                            "not mathai.bench.Row"))
                    continue
                rows.append(row)
    machine = {**environment(), "cpu": cpu_model(), "cpu_count": str(os.cpu_count())}
    return Report(rows=tuple(rows), environment=machine, quick=quick, seconds=seconds,
                  failures=tuple(failures), started=started)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return f"{value:.4g}"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else the platform's processor string."""
    import platform

    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_line(env: Mapping[str, str]) -> str:
    """``cpu device cpu (1 device(s), x86_64, <CPU model>, 2 CPU cores), JAX 0.x``: the machine, in one line."""
    return (f"{env.get('backend', '?')} device {env.get('device', '?')} ({env.get('devices', '?')} device(s), "
            f"{env.get('machine', '?')}, {env.get('cpu', '?')}, {env.get('cpu_count', '?')} CPU cores), "
            f"JAX {env.get('jax', '?')}, Python {env.get('python', '?')}")


def markdown(report: Report) -> str:
    """The table: theorem, benchmark, case, value and unit, ratio and what it is a ratio of, note."""
    lines = [f"Measured {report.started} on {machine_line(report.environment)}; "
             f"{'quick sizes' if report.quick else 'full sizes'} (`mathai bench{'' if report.quick else ' --full'}`)."
             " Times are medians over repeats after a warm-up (compiling) call.", "",
             "| theorem | benchmark | case | value | unit | ratio | ratio of | note |",
             "|---|---|---|---:|---|---:|---|---|"]
    for r in report.rows:
        lines.append(f"| {_cell(r.theorem)} | {_cell(r.benchmark)} | {_cell(r.case)} | {_number(r.value)} | "
                     f"{_cell(r.unit)} | {_number(r.ratio)} | {_cell(r.ratio_of)} | {_cell(r.note)} |")
    if report.seconds:
        total = sum(report.seconds.values())
        lines += ["", f"Wall time of the benchmarks: {total:.1f} s in all; " +
                  ", ".join(f"{name} {s:.1f} s" for name, s in report.seconds.items()) + "."]
    for f in report.failures:
        lines.append(f"\n**FAILED** {f.theorem}/{f.benchmark}: {_cell(f.error)}")
    return "\n".join(lines) + "\n"


def file_stem(env: Mapping[str, str]) -> str:
    """``bench-cpu`` or ``bench-gpu-<device kind>``: one table per kind of machine, side by side in one folder."""
    backend = env.get("backend", "unknown")
    if backend == "cpu":
        return "bench-cpu"
    device = "".join(c if c.isalnum() else "-" for c in env.get("device", "")).strip("-").lower()
    return f"bench-{backend}-{device}" if device else f"bench-{backend}"


def write(report: Report, directory: Path, plots: Mapping[str, Sequence[Callable]] | None = None) -> list[Path]:
    """Write ``<stem>.md`` and ``<stem>.json`` into ``directory``, and ``<stem>-<plot>.{pdf,png}`` for each plot of
    :func:`mathai.bench.plots` whose theorem has rows in the report; return the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stem = file_stem(report.environment)
    md, js = directory / f"{stem}.md", directory / f"{stem}.json"
    md.write_text(markdown(report), encoding="utf-8")
    js.write_text(json.dumps(report.as_json(), indent=1, allow_nan=False) + "\n", encoding="utf-8")
    return [md, js] + draw(report, directory, stem, mathai.bench.plots() if plots is None else plots)


def draw(report: Report, directory: Path, stem: str, plots: Mapping[str, Sequence[Callable]]) -> list[Path]:
    """Each plot of a theorem with rows, as ``<stem>-<plot name>.pdf`` and ``.png``, in the paper figures' style and
    saved as they are (:func:`mathai.figures.save`: no dates or other varying metadata)."""
    import matplotlib.pyplot as plt

    from mathai.figures import STYLE, save

    paths = []
    for theorem_id, functions in plots.items():
        rows = [r for r in report.rows if r.theorem == theorem_id]
        for function in functions if rows else ():
            with plt.rc_context(STYLE):
                figure = function(rows)
                if figure is not None:
                    paths += save(figure, f"{stem}-{function.__name__}", directory)
    return paths


# ---------------------------------------------------------------------------------------------------------------
# Start-up: `mathai verify` with a cold and a warm JAX persistent compilation cache
# ---------------------------------------------------------------------------------------------------------------


def _verify_seconds(ids: Sequence[str], cache_dir: Path, timeout: float) -> float:
    env = {name: value for name, value in os.environ.items() if name != "JAX_COMPILATION_CACHE_DIR"}
    env.update(MATHAI_JAX_CACHE_DIR=str(cache_dir), MATHAI_JAX_CACHE="1")
    start = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "mathai.cli", "verify", *ids, "--json"], env=env,
                               capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        raise RuntimeError(f"mathai verify {' '.join(ids)} exited {completed.returncode}: "
                           f"{completed.stderr.strip().splitlines()[-1:]}")
    return elapsed


def startup_rows(ids: Sequence[str], timeout: float = 300) -> list[Row]:
    """``mathai verify ID`` in a new process, cold then warm (same compilation cache); seconds and cold/warm; with
    several ids, a last pair of rows for ``mathai verify`` of all of them in one process.

    Each process pays Python, JAX and SymPy imports and the symbolic proofs as well: that is what a user waits
    for, and what the persistent cache can and cannot shorten.
    """
    rows = []
    groups = [(theorem_id, (theorem_id,)) for theorem_id in ids] + ([("all", tuple(ids))] if len(ids) > 1 else [])
    for theorem_id, group in groups:
        with tempfile.TemporaryDirectory(prefix="mathai-jax-cache-") as directory:
            cold = _verify_seconds(group, Path(directory), timeout)
            warm = _verify_seconds(group, Path(directory), timeout)
        rows += [Row(theorem_id, "verify start-up", "cold compilation cache", cold, "s"),
                 Row(theorem_id, "verify start-up", "warm compilation cache", warm, "s", ratio=cold / warm,
                     ratio_of="cold / warm", note="new process each; includes imports and symbolic proofs")]
    return rows


def with_rows(report: Report, rows: Sequence[Row]) -> Report:
    """The report with ``rows`` appended."""
    return dataclasses.replace(report, rows=report.rows + tuple(rows))
