"""`mathai bench`: runs the registered benchmarks, survives a failing one, writes a Markdown table and JSON."""

from __future__ import annotations

import json
import os

import pytest

import mathai.bench
from mathai import cli
from mathai.bench import Row, report, timeit
from theorems import all_theorems

ENV = {"jax": "0.0", "backend": "cpu", "device": "cpu", "devices": "1", "machine": "x86_64", "python": "3"}


def fast(quick):
    return [Row("frobenius", "fast", "n=8", 1.5e-6, "s"),
            Row("frobenius", "fast", "n=16", 3.0e-6, "s", ratio=2.0, ratio_of="n=16 / n=8", note="a|b")]


def broken(quick):
    raise RuntimeError("out of memory at n=2^30")


def not_rows(quick):
    return [("frobenius", 1.0)]


def sizes(quick):
    return [Row("frobenius", "sizes", "quick" if quick else "full", float("nan"), "s")]


@pytest.fixture(autouse=True)
def _fixed_environment(monkeypatch):
    monkeypatch.setattr(report, "environment", lambda: dict(ENV))
    monkeypatch.setenv("MATHAI_JAX_CACHE", "0")


def test_report_collects_every_row_in_registry_order():
    result = report.run(["frobenius"], benchmarks={"frobenius": (fast, sizes)})
    assert [r.case for r in result.rows] == ["n=8", "n=16", "quick"]
    assert set(result.seconds) == {"frobenius/fast", "frobenius/sizes"} and not result.failures


def test_full_passes_quick_false():
    result = report.run(["frobenius"], quick=False, benchmarks={"frobenius": (sizes,)})
    assert result.rows[0].case == "full" and result.quick is False


def test_a_failing_benchmark_is_recorded_and_the_others_still_run():
    result = report.run(["frobenius"], benchmarks={"frobenius": (broken, fast, not_rows)})
    assert len(result.rows) == 2
    assert [(f.benchmark, "out of memory" in f.error or "not mathai.bench.Row" in f.error)
            for f in result.failures] == [("broken", True), ("not_rows", True)]


def test_markdown_table_names_the_machine_and_has_one_line_per_row():
    text = report.markdown(report.run(["frobenius"], benchmarks={"frobenius": (fast, broken)}))
    table = [line for line in text.splitlines() if line.startswith("| frobenius")]
    assert len(table) == 2 and "| 2 | n=16 / n=8 | a\\|b |" in table[1]
    assert "cpu device cpu" in text and "JAX 0.0" in text and "**FAILED** frobenius/broken" in text


def test_json_has_environment_rows_and_null_for_nan(tmp_path):
    paths = report.write(report.run(["frobenius"], benchmarks={"frobenius": (fast, sizes)}), tmp_path)
    assert [p.name for p in paths] == ["bench-cpu.md", "bench-cpu.json"]
    document = json.loads(paths[1].read_text())
    assert ENV.items() <= document["environment"].items() and len(document["rows"]) == 3
    assert document["environment"]["cpu_count"] == str(os.cpu_count())
    assert document["rows"][2]["value"] is None and document["rows"][1]["ratio"] == 2.0


def test_plots_are_drawn_for_theorems_with_rows_only(tmp_path):
    import matplotlib.pyplot as plt

    drawn = []

    def line(rows):
        drawn.append(len(rows))
        fig, ax = plt.subplots()
        ax.plot([r.value for r in rows])
        return fig

    def nothing(rows):
        return None

    run = report.run(["frobenius"], benchmarks={"frobenius": (fast,)})
    paths = report.write(run, tmp_path, plots={"frobenius": (line, nothing), "barron1993": (line,)})
    assert [p.name for p in paths] == ["bench-cpu.md", "bench-cpu.json", "bench-cpu-line.pdf", "bench-cpu-line.png"]
    assert drawn == [2] and paths[3].read_bytes().startswith(b"\x89PNG")


def test_attention_time_plot_has_a_line_per_form_and_the_crossovers():
    from mathai.bench import linear_attention as bench

    rows = [Row("katharopoulos2020", "attention time", f"{name}, n={n} d=64", seconds, "s")
            for name, scale in (("linear", 1e-8), ("dot_product_attention", 1e-9)) for n in (16, 64, 256)
            for seconds in [scale * n ** (1 if name == "linear" else 2)]]
    rows.append(Row("katharopoulos2020", "crossover", "linear faster from this n on, cpu", 64.0, "tokens"))
    figure = bench.attention_time_vs_n(rows)
    (ax,) = figure.axes
    assert [line.get_label() for line in ax.get_lines()] == ["linear", "dot_product_attention",
                                                            "linear faster from this n on: n = 64"]
    assert list(ax.get_lines()[0].get_xdata()) == [16, 64, 256]
    assert bench.attention_time_vs_n([r for r in rows if r.benchmark == "crossover"]) is None


def test_tables_from_different_machines_do_not_overwrite_each_other():
    gpu = report.file_stem({"backend": "gpu", "device": "NVIDIA H100 80GB HBM3"})
    assert gpu == "bench-gpu-nvidia-h100-80gb-hbm3" and report.file_stem(ENV) == "bench-cpu"


def test_cli_bench_prints_and_writes_the_table(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(mathai.bench, "registry", lambda: {"frobenius": (fast,)})
    status = cli.main(["bench", "frobenius", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == cli.EXIT_OK and "| frobenius | fast | n=16 |" in out
    assert (tmp_path / "bench-cpu.md").read_text() == out


def test_cli_bench_exits_1_when_a_benchmark_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(mathai.bench, "registry", lambda: {"frobenius": (broken,)})
    assert cli.main(["bench", "--out", str(tmp_path)]) == cli.EXIT_FAILED


def test_cli_bench_with_nothing_to_run_is_bad_input(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(mathai.bench, "registry", lambda: {})
    assert cli.main(["bench", "frobenius", "--out", str(tmp_path)]) == cli.EXIT_USAGE
    assert "no benchmarks registered for frobenius" in capsys.readouterr().err


def test_registered_benchmarks_belong_to_registered_theorems():
    ids = {t.id for t in all_theorems()}
    for theorem_id, functions in mathai.bench.registry().items():
        assert theorem_id in ids
        assert functions and all(callable(f) for f in functions)


def test_timeit_reports_median_within_min_and_max():
    timing = timeit(lambda: sum(range(1000)), repeats=5)
    assert timing.min <= timing.median <= timing.max and timing.repeats >= 5


def test_startup_rows_give_cold_warm_and_their_ratio(monkeypatch):
    seen = []

    def fake_verify(ids, cache_dir, timeout):
        seen.append((ids, cache_dir))
        return 6.0 if len(seen) % 2 else 2.0  # cold, then warm in the same cache directory

    monkeypatch.setattr(report, "_verify_seconds", fake_verify)
    cold, warm = report.startup_rows(["frobenius"])
    assert (cold.value, warm.value, warm.ratio) == (6.0, 2.0, 3.0) and warm.ratio_of == "cold / warm"
    assert seen[0] == seen[1] == (("frobenius",), seen[0][1])
    seen.clear()
    rows = report.startup_rows(["frobenius", "wang2020"])
    assert [r.theorem for r in rows] == ["frobenius"] * 2 + ["wang2020"] * 2 + ["all"] * 2
    assert seen[-1][0] == ("frobenius", "wang2020")


# ------------------------------------------------------------------------------------------------------------------
# Linear attention: the interleaved timer (order and counts only: no timing is asserted)
# ------------------------------------------------------------------------------------------------------------------


def test_interleaved_timer_alternates_forms_and_gives_each_its_repeats():
    from mathai.bench.linear_attention import timeit_interleaved

    calls: list[str] = []
    fns = {name: (lambda name=name: calls.append(name) or 0.0) for name in ("slow", "a", "b")}
    timings = timeit_interleaved(fns, repeats={"slow": 2, "a": 5, "b": 4})
    assert {name: t.repeats for name, t in timings.items()} == {"slow": 2, "a": 5, "b": 4}
    timed = calls[3:]  # after one warm-up call each
    assert calls[:3] == ["slow", "a", "b"] and len(timed) == 11
    # two rounds: the slow form once in each, the fast ones alternating within a round
    assert timed[:6] == ["slow", "a", "b", "a", "b", "a"] and timed[6:] == ["slow", "a", "b", "a", "b"]


def test_interleaved_timer_rejects_missing_repeats():
    from mathai.bench.linear_attention import timeit_interleaved

    with pytest.raises(ValueError, match="repeats"):
        timeit_interleaved({"a": lambda: 0.0, "b": lambda: 0.0}, repeats={"a": 3})
    with pytest.raises(ValueError, match="repeats"):
        timeit_interleaved({"a": lambda: 0.0}, repeats={"a": 0})


def test_paired_forms_get_the_same_repeat_count(monkeypatch):
    """A fake clock: calls of 1, 2 and 5 ticks, 20 ticks each: counts 20, 10 -> 20 (paired) and 4."""
    from mathai.bench import linear_attention as bench

    clock = [0.0]
    monkeypatch.setattr(bench.time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(bench, "FAST_SECONDS", 20.0)
    monkeypatch.setattr(bench, "FAST_REPEATS", 1)
    monkeypatch.setattr(bench, "SLOW_CALL_SECONDS", 100.0)

    def ticks(t):
        return lambda: clock.__setitem__(0, clock[0] + t)

    fns = {"a": ticks(1.0), "b": ticks(2.0), "c": ticks(5.0)}
    assert bench.repeat_counts(fns) == {"a": 20, "b": 10, "c": 4}
    assert bench.repeat_counts(fns, paired=("a", "b")) == {"a": 20, "b": 20, "c": 4}


def test_cores_used_is_cpu_time_over_wall_time(monkeypatch):
    """Fake clocks: each call takes 1 wall tick and 2 CPU ticks (two busy cores): 2.0, counted after the warm-up."""
    from mathai.bench import linear_attention as bench

    wall, cpu, calls = [0.0], [0.0], []
    monkeypatch.setattr(bench.time, "perf_counter", lambda: wall[0])
    monkeypatch.setattr(bench.time, "process_time", lambda: cpu[0])

    def call():
        calls.append(1)
        wall[0] += 1.0
        cpu[0] += 2.0 if len(calls) > 1 else 7.0  # the warm-up (compiling) call is not counted
        return 0.0

    assert bench.cores_used(call, calls=4) == 2.0 and len(calls) == 5


def test_the_plain_einsum_form_computes_linear_attention():
    """The benchmark's plain form is a correct linear attention, not a faster wrong one: it equals mathai's
    quadratic form within 8 n u max|v| (each output is a ratio of sums of n positive terms of a few products each,
    u = 2^-24 in float32). A plain form that dropped its normaliser would be off by a factor of about n."""
    import jax
    import jax.numpy as jnp
    import numpy as np

    from mathai.bench.linear_attention import plain_einsum
    from numerics.linear_attention import forms

    q, k, v = (jax.random.normal(key, (64, 16), jnp.float32) for key in jax.random.split(jax.random.key(0), 3))
    reference = forms.quadratic(forms.feature_map(q), forms.feature_map(k), v)
    error = np.max(np.abs(np.asarray(plain_einsum(q, k, v)) - np.asarray(reference)))
    assert error <= 8 * 64 * 2.0**-24 * float(np.max(np.abs(np.asarray(v))))
    assert "bench_against_plain_einsum" in [f.__name__ for f in mathai.bench.registry()["katharopoulos2020"]]
