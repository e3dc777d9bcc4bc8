"""The ``mathai`` command: list, show, verify, cite and draw the theorems, build the paper, run the benchmarks.

Exit status: 0 when everything asked for holds, 1 when a check fails (or a benchmark or the PDF build fails), 2 on
bad input (unknown theorem id, bad option value), with a one-line error on stderr. Tables and progress come from
rich; progress goes to stderr so that ``--json`` output on stdout stays machine-readable.

The commands that compile JAX programs (verify, figures, paper) use JAX's persistent compilation cache in
``$MATHAI_JAX_CACHE_DIR``, else ``<mathai cache>/jax`` (``~/.cache/mathai/jax``): a second ``mathai verify``
loads its compiled programs instead of compiling them again. Measured on the 2-core CPU, new process each time:
``mathai verify frobenius`` 13.6 s cold, 6.8 s warm; ``mathai verify`` (eight theorems) 76 s cold, 52 s warm,
98 s with the cache off (92 entries, 2.4 MB). ``MATHAI_JAX_CACHE=0`` turns it off; a ``JAX_COMPILATION_CACHE_DIR`` set by the
user wins. ``mathai bench`` leaves it off, so that the compile times it reports are real.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from theorems import UnknownTheorem, all_theorems, get
from theorems.registry import module_files

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """Bad input from the command line; reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, instead of argparse's usage dump
        raise UsageError(f"{self.prog}: {message}")


def _theorems(names: Sequence[str]):
    """The theorems named (ids or aliases), each once, in the order first named; every theorem when none is."""
    try:
        found = [get(n) for n in names] if names else list(all_theorems())
    except UnknownTheorem as error:
        raise UsageError(str(error)) from None
    return list({t.id: t for t in reversed(found)}.values())[::-1]


def _writable(command: str, option: str, path) -> Path:
    """``path`` as a directory this process can write (created if absent), checked before any work."""
    from mathai.cache import writable_directory

    problem = "an empty path names no directory" if str(path) == "" else writable_directory(Path(path))
    if problem:
        raise UsageError(f"mathai {command}: {option} {str(path)!r}: {problem}")
    return Path(path)


def cmd_list(args, out: Console, err: Console) -> int:
    table = Table(title="mathai theorems")
    for column in ("id", "aliases", "result", "reference"):
        table.add_column(column)
    for t in all_theorems():
        table.add_row(t.id, ", ".join(t.aliases), t.summary or t.title,
                      f"{', '.join(a.split()[-1] for a in t.reference.authors)} {t.reference.year}")
    out.print(table)
    return EXIT_OK


def cmd_show(args, out: Console, err: Console) -> int:
    for t in _theorems(args.ids):
        out.rule(f"{t.title} [{t.id}]")
        out.print(t.text(), markup=False, highlight=False)
        out.print("LaTeX:", t.latex(), markup=False, highlight=False)
        out.print("Assumptions:")
        for a in t.assumptions_text():
            out.print(f"  - {a}", markup=False)
        out.print(f"Reference: {t.reference.text()}", markup=False)
        out.print(f"Modules: {', '.join(module_files(t))}", markup=False)
        if not t.seeded:
            out.print("Seed: its experiments are deterministic; every seed gives the same checks.", markup=False)
    return EXIT_OK


def cmd_verify(args, out: Console, err: Console) -> int:
    theorems = _theorems(args.ids)
    enable_compilation_cache()
    from mathai import api
    from mathai.report import format_value

    def finished(report) -> None:  # each theorem's verdict as it finishes, on stderr (stdout may be JSON)
        symbolic, numeric = report.count("symbolic"), report.count("numeric")
        verdict = "holds" if report.holds else f"{len(report.failures)} FAIL"
        err.print(f"{report.theorem.id}: {verdict} (symbolic {symbolic[0]}/{symbolic[1]}, numeric "
                  f"{numeric[0]}/{numeric[1]}, {report.seconds:.1f} s)", highlight=False, markup=False)

    report = api.verify(theorems, seed=args.seed, controls=args.controls, on_theorem=finished)
    verdict = report.holds and (report.controls_hold or not args.controls)
    if args.json:
        print(json.dumps(report.as_json(), indent=1, allow_nan=False))
        return EXIT_OK if verdict else EXIT_FAILED
    summary = Table(title=f"mathai verify (seed {args.seed})")
    widest = max(len(t.theorem.id) for t in report.theorems)
    for column, justify, width in (("theorem", "left", widest), ("title", "left", 5), ("symbolic", "right", 8),
                                   ("numeric", "right", 7), ("s", "right", 5), ("verdict", "center", 7)):
        # one line a theorem: only the title shrinks (with an ellipsis) on a narrow terminal
        summary.add_column(column, justify=justify, no_wrap=True, overflow="ellipsis", min_width=width)
    for t in report.theorems:
        summary.add_row(t.theorem.id, t.theorem.title, "%d/%d" % t.count("symbolic"), "%d/%d" % t.count("numeric"),
                        f"{t.seconds:.1f}", "[green]holds[/]" if t.holds else "[bold red]FAILS[/]")
    out.print(summary)
    shown = report.checks if args.checks else report.failures
    if shown:
        table = Table(title="every check" if args.checks else "failing checks")
        for column, justify in (("theorem", "left"), ("kind", "left"), ("claim", "left"), ("measured", "right"),
                                ("rel", "center"), ("bound", "right"), ("verdict", "center")):
            table.add_column(column, justify=justify, overflow="fold")
        for c in shown:
            table.add_row(c.theorem, c.kind, escape(c.claim), format_value(c.measured), c.relation, format_value(c.bound),
                          "[green]holds[/]" if c.holds else "[bold red]FAILS[/]")
        out.print(table)
    if args.controls:
        _print_controls(report, out)
    failed, total = len(report.failures), len(report.checks)
    out.print(f"{total - failed} of {total} checks hold" + ("" if report.holds else f"; {failed} FAIL"))
    if args.controls:
        passed = [c for t in report.theorems for c in t.passed_neighbours]
        declared = sum(len(t.controls) for t in report.theorems)
        bare = [t.theorem.id for t in report.theorems if not t.controls]
        out.print(f"{declared - len(passed)} of {declared} wrong neighbours rejected"
                  + (f"; {len(passed)} PASS (a missing check)" if passed else "")
                  + (f"; no neighbours declared: {', '.join(bare)}" if bare else ""))
    return EXIT_OK if verdict else EXIT_FAILED


def _print_controls(report, out: Console) -> None:
    """Per theorem, each wrong neighbour and the checks that rejected it (``verify --controls``)."""
    table = Table(title="wrong neighbours")
    for column in ("theorem", "neighbour", "rejected by"):
        table.add_column(column, overflow="fold")
    for t in report.theorems:
        for c in t.controls:
            looser = " (looser)" if c.looser else ""
            rejected = "; ".join(escape(claim) for claim in c.rejected_by[:3]) + (f"; and {len(c.rejected_by) - 3} more"
                                                       if len(c.rejected_by) > 3 else "")
            table.add_row(t.theorem.id, escape(f"{c.name}{looser}: {c.claim}"),
                          rejected if c.rejected else "[bold red]PASSES: no check rejects it[/]")
    out.print(table)


def cmd_cite(args, out: Console, err: Console) -> int:
    from mathai import citation

    t = _theorems([args.id])[0]
    print(citation.cite(t, args.format), end="")
    return EXIT_OK


def compilation_cache_directory() -> Path | None:
    """Where ``mathai`` keeps JAX's persistent compilation cache; None when turned off or chosen by the user."""
    if os.environ.get("MATHAI_JAX_CACHE", "1").strip().lower() in ("0", "off", "false", "no"):
        return None
    if os.environ.get("JAX_COMPILATION_CACHE_DIR"):
        return None  # the user's own setting, which JAX reads itself
    if os.environ.get("MATHAI_JAX_CACHE_DIR"):
        return Path(os.environ["MATHAI_JAX_CACHE_DIR"])
    from mathai.cache import default_directory

    return default_directory() / "jax"


def enable_compilation_cache() -> Path | None:
    """Turn on JAX's persistent compilation cache for this process (see the module docstring).

    Every program is cached, however fast it compiled: JAX's default threshold (1 s) would skip most of the small
    programs whose compiles add up at start-up. Returns the directory, or None when the cache stays off.
    """
    directory = compilation_cache_directory()
    if directory is None:
        return None
    import jax

    jax.config.update("jax_compilation_cache_dir", str(directory))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return directory


def cmd_figures(args, out: Console, err: Console) -> int:
    from mathai.cache import default_directory

    if args.check and args.update:
        raise UsageError("mathai figures: --check compares with the committed data and --update rewrites it; "
                         "choose one")
    theorems = _theorems(args.ids)
    directory = None if args.check else _writable("figures", "--out", args.out)
    data = Path(args.data) if args.check else _writable("figures", "--data", args.data)
    _writable("figures", "cache directory", default_directory())
    enable_compilation_cache()
    from mathai import figures

    def say(message: str) -> None:  # which figure, which experiment, how long: on stderr (stdout lists the files)
        err.print(message, markup=False, highlight=False)

    if args.check:
        moves = []
        for t in theorems:
            err.print(f"checking the data of {t.id}'s figures ...", highlight=False)
            moves += figures.check(t.id, seed=args.seed, fresh=args.fresh, data=data, progress=say)
        for line in moves:
            out.print(f"moved: {line}", markup=False, highlight=False)
        out.print("the recomputed data agrees with the committed data" if not moves else
                  f"{len(moves)} results moved beyond their tolerance (mathai/figures/data.py)", highlight=False)
        return EXIT_OK if not moves else EXIT_FAILED
    _say_if_matplotlib_differs(directory, err)
    mode = "update" if args.update else ("fresh" if args.fresh else "draw")
    for t in theorems:
        err.print(f"figures for {t.id} ...", highlight=False)
        try:
            written = figures.render(t.id, directory, seed=args.seed, fresh=args.fresh, data=data, mode=mode,
                                     progress=say)
        except OSError as error:  # a late write failure: the experiments' results were cached before drawing
            err.print(f"mathai figures: cannot write {error.filename or directory}: {error.strerror or error}; the "
                      f"experiment results are kept in the cache ({default_directory()}), so a rerun only draws",
                      markup=False, highlight=False)
            return EXIT_FAILED
        for path in written:
            out.print(str(path), highlight=False)
    return EXIT_OK


def _say_if_matplotlib_differs(directory: Path, err: Console) -> None:
    """One line when the committed figures were drawn by another matplotlib (their bytes may then differ)."""
    import matplotlib

    try:
        recorded = json.loads((directory / "VERSIONS.json").read_text()).get("matplotlib")
    except (OSError, ValueError):
        return
    if recorded and recorded != matplotlib.__version__:
        err.print(f"the figures in {directory} were drawn with matplotlib {recorded}, this is "
                  f"{matplotlib.__version__}: their bytes may differ (text layout and rasterising change between "
                  "versions), their data does not", markup=False, highlight=False)


def cmd_paper(args, out: Console, err: Console) -> int:
    from mathai import paper

    enable_compilation_cache()
    theorems = list(all_theorems())
    paper_dir, docs_dir = Path(args.out), (None if args.no_docs else Path(args.docs))
    if not (paper_dir / "main.tex").exists():
        raise UsageError(f"mathai paper: no main.tex in {paper_dir}/ (run it from the repository root, or --out DIR)")
    from mathai.cache import default_directory

    for option, path in (("--out", paper_dir), ("figures directory", paper_dir / "figures"),
                         ("sources directory", paper_dir / "generated"), ("--docs", docs_dir),
                         ("cache directory", default_directory())):
        if path is not None:  # every output checked before any experiment runs
            _writable("paper", option, path)

    def progress(message: str) -> None:
        err.print(message, highlight=False)

    given = None
    if args.verdicts:
        try:
            document = json.loads(Path(args.verdicts).read_text())
            given = paper.checks_from_json(document)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise UsageError(f"mathai paper: cannot read verdicts from {args.verdicts}: {error}") from None
        if document.get("seed") != args.seed:
            raise UsageError(f"mathai paper: {args.verdicts} was run at seed {document.get('seed')}, "
                             f"not --seed {args.seed}")
    outcome = paper.make(theorems, paper_dir=paper_dir, docs_dir=docs_dir, seed=args.seed, fresh=args.fresh,
                         pdf=not args.no_pdf, progress=progress, verdicts=given)
    status, build = EXIT_OK, outcome.build
    if isinstance(build, paper.NoLatex):  # the sources are written; saying what to install is all that is left
        err.print(build.message, markup=False, highlight=False)
    elif build is not None and build.ok:
        out.print(f"wrote {build.pdf}", highlight=False)
    elif build is not None:
        err.print(f"PDF build failed (undefined: {', '.join(build.undefined) or 'none'}); "
                  f"see {paper_dir}/main.log\n{build.log_tail}", markup=False, highlight=False)
        status = EXIT_FAILED
    if not outcome.holds:
        err.print(f"some checks FAIL: see the verdict table ({paper_dir}/generated/verdicts.tex)", highlight=False)
        status = EXIT_FAILED
    out.print(f"sources in {paper_dir}/generated, figures in {paper_dir}/figures"
              + (f", notes in {docs_dir}/" if docs_dir else ""), highlight=False)
    return status


def cmd_bench(args, out: Console, err: Console) -> int:
    from mathai.bench import registry
    from mathai.bench import report

    theorems = _theorems(args.ids)
    _writable("bench", "--out", args.out)
    explicit = bool(args.ids)
    available = registry()
    ids = [t.id for t in theorems if t.id in available]
    for t in theorems:
        if explicit and t.id not in available:
            err.print(f"no benchmarks registered for {t.id}", highlight=False)
    if not ids and not args.startup:
        raise UsageError(f"mathai bench: nothing to run; theorems with benchmarks: {', '.join(available) or 'none'}")
    result = report.run(ids, quick=not args.full, benchmarks=available,
                        progress=lambda m: err.print(m, highlight=False))
    if args.startup:
        err.print("start-up: mathai verify, cold and warm compilation cache ...", highlight=False)
        result = report.with_rows(result, report.startup_rows([t.id for t in theorems]))
    print(report.markdown(result), end="")
    for path in report.write(result, Path(args.out)):
        err.print(f"wrote {path}", highlight=False)
    return EXIT_FAILED if result.failures else EXIT_OK


def _seed(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"seed must be a decimal integer in [0, 2^32) written with the digits 0-9 "
                                         f"only, got {text!r}")
    value = int(text)
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"seed must be in [0, 2^32), got {value}")
    return value


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="mathai", description="The mathematics behind modern AI, checked by experiment.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="list the theorems").set_defaults(run=cmd_list)
    show = sub.add_parser("show", help="statement, assumptions and reference of theorems")
    show.add_argument("ids", nargs="+", metavar="ID")
    show.set_defaults(run=cmd_show)
    verify = sub.add_parser("verify", help="run the symbolic and numeric checks (all theorems by default)")
    verify.add_argument("ids", nargs="*", metavar="ID")
    verify.add_argument("--seed", type=_seed, default=0, help="PRNG seed of the experiments (default 0)")
    verify.add_argument("--json", action="store_true", help="print the checks as JSON on stdout (schema 3)")
    verify.add_argument("--controls", action="store_true",
                        help="also evaluate each theorem's wrong neighbours; exit 1 if any is not rejected")
    verify.add_argument("--checks", action="store_true", help="print every check, not only the failing ones")
    verify.set_defaults(run=cmd_verify)
    cite = sub.add_parser("cite", help="how to cite a theorem and its module")
    cite.add_argument("id", metavar="ID")
    cite.add_argument("--format", choices=("bibtex", "latex", "markdown"), default="bibtex")
    cite.set_defaults(run=cmd_cite)
    figures = sub.add_parser("figures", help="draw the paper's figures (all theorems by default)")
    figures.add_argument("ids", nargs="*", metavar="ID")
    figures.add_argument("--seed", type=_seed, default=0)
    figures.add_argument("--out", default="paper/figures", help="output directory (default paper/figures)")
    figures.add_argument("--fresh", action="store_true",
                         help="recompute every result (no cache, no committed data) and draw from it")
    figures.add_argument("--data", default="paper/data",
                         help="the committed data the figures are drawn from (default paper/data)")
    figures.add_argument("--check", action="store_true",
                         help="recompute the results and compare them with the committed data; exit 1 if one moved")
    figures.add_argument("--update", action="store_true", help="recompute the results and rewrite the committed data")
    figures.set_defaults(run=cmd_figures)
    paper = sub.add_parser("paper", help="figures, generated statements and verdict tables, notes pages, and the "
                                         "PDF when LaTeX is installed")
    paper.add_argument("--seed", type=_seed, default=0, help="PRNG seed of the experiments (default 0)")
    paper.add_argument("--out", default="paper", help="the paper's directory, holding main.tex (default paper)")
    paper.add_argument("--docs", default="docs", help="where the notes pages go (default docs)")
    paper.add_argument("--no-docs", action="store_true", help="do not write the notes pages")
    paper.add_argument("--no-pdf", action="store_true", help="write the sources only, do not run latexmk")
    paper.add_argument("--fresh", action="store_true", help="ignore cached experiment results")
    paper.add_argument("--verdicts", metavar="FILE", help="checks saved by `mathai verify --json` (same seed); "
                                                          "theorems it lacks are checked anew")
    paper.set_defaults(run=cmd_paper)
    bench = sub.add_parser("bench", help="run the side-by-side benchmarks; print and write the table")
    bench.add_argument("ids", nargs="*", metavar="ID")
    bench.add_argument("--full", action="store_true", help="the large sizes (for a GPU); default: quick sizes")
    bench.add_argument("--out", default="docs/bench", help="directory of the Markdown and JSON tables "
                                                           "(default docs/bench)")
    bench.add_argument("--startup", action="store_true",
                       help="also time `mathai verify ID` in new processes, cold and warm compilation cache")
    bench.set_defaults(run=cmd_bench)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    out, err = Console(), Console(stderr=True)
    try:
        args = parser().parse_args(argv)
        return args.run(args, out, err)
    except UsageError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("mathai: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
