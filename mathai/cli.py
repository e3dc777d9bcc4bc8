"""The ``mathai`` command: list, show, verify, cite and draw the theorems.

Exit status: 0 when everything asked for holds, 1 when a check fails, 2 on bad input (unknown theorem id, bad
option value), with a one-line error on stderr. Tables and progress come from rich; progress goes to stderr so that
``--json`` output on stdout stays machine-readable.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Sequence

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from theorems import UnknownTheorem, all_theorems, get

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input from the command line; reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, instead of argparse's usage dump
        raise UsageError(f"{self.prog}: {message}")


def _theorems(names: Sequence[str]):
    try:
        return [get(n) for n in names] if names else list(all_theorems())
    except UnknownTheorem as error:
        raise UsageError(str(error)) from None


def _format(value) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return f"[{_format(value[0])}, {_format(value[1])}]"
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return str(value)
    return f"{value:.4g}"


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
        for a in t.assumptions:
            out.print(f"  - {a}", markup=False)
        out.print(f"Reference: {t.reference.text()}", markup=False)
        out.print(f"Modules: theorems/{t.module}.py, numerics/{t.module}.py", markup=False)
    return EXIT_OK


def cmd_verify(args, out: Console, err: Console) -> int:
    theorems = _theorems(args.ids)
    from numerics import registry  # JAX loads here, not for list/show/cite

    results = []
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("verifying", total=len(theorems))
        for t in theorems:
            progress.update(task, description=f"verifying {t.id}")
            if not err.is_terminal and not args.json:
                err.print(f"verifying {t.id} ...", highlight=False)
            results.append((t, registry.run(t, seed=args.seed)))
            progress.advance(task)
    all_hold = all(c.holds for _, checks in results for c in checks)
    if args.json:
        document = {"seed": args.seed, "holds": all_hold,
                    "theorems": [{"id": t.id, "holds": all(c.holds for c in checks),
                                  "checks": [c.as_json() for c in checks]} for t, checks in results]}
        print(json.dumps(document, indent=1, allow_nan=False))
    else:
        table = Table(title=f"mathai verify (seed {args.seed})")
        for column, justify in (("theorem", "left"), ("kind", "left"), ("claim", "left"), ("measured", "right"),
                                ("rel", "center"), ("bound", "right"), ("verdict", "center"), ("s", "right")):
            table.add_column(column, justify=justify, overflow="fold")
        for t, checks in results:
            for c in checks:
                verdict = "[green]holds[/]" if c.holds else "[bold red]FAILS[/]"
                table.add_row(t.id, c.kind, c.claim, _format(c.measured), c.relation, _format(c.bound), verdict,
                              f"{c.seconds:.2f}")
        out.print(table)
        failed = sum(not c.holds for _, checks in results for c in checks)
        total = sum(len(checks) for _, checks in results)
        out.print(f"{total - failed} of {total} checks hold" + ("" if all_hold else f"; {failed} FAIL"))
    return EXIT_OK if all_hold else EXIT_FAILED


def _software_citation() -> dict[str, str]:
    """Title, version and authors of the software, from CITATION.cff (flat keys only) and the installed version."""
    from mathai import __version__

    info = {"title": "mathai", "version": __version__, "authors": "The mathai developers",
            "url": ""}
    path = Path(__file__).resolve().parent.parent / "CITATION.cff"
    if path.exists():
        for line in path.read_text().splitlines():
            if ":" in line and not line.startswith((" ", "-")):
                name, value = line.split(":", 1)
                if name in ("title", "repository-code"):
                    info["url" if name == "repository-code" else name] = value.strip().strip('"')
    return info


def cmd_cite(args, out: Console, err: Console) -> int:
    t = _theorems([args.id])[0]
    sw = _software_citation()
    module = f"theorems/{t.module}.py and numerics/{t.module}.py"
    if args.format == "bibtex":
        text = (f"{t.reference.bibtex()}\n\n@software{{mathai,\n  title = {{{sw['title']}: {t.title} "
                f"({module})}},\n  author = {{{sw['authors']}}},\n  version = {{{sw['version']}}},\n"
                f"  note = {{theorem id {t.id}}}\n}}")
    elif args.format == "latex":
        text = (f"\\begin{{theorem}}[{t.title}~\\cite{{{t.reference.key}}}]\n"
                f"\\[ {t.latex()} \\]\n\\end{{theorem}}\n"
                f"% checked by experiment in mathai {sw['version']}, {module}, id {t.id} \\cite{{mathai}}")
    else:
        text = (f"{t._repr_markdown_()}\n\nChecked by experiment: mathai {sw['version']}, `{module}` "
                f"(`mathai verify {t.id}`).")
    print(text)
    return EXIT_OK


def cmd_figures(args, out: Console, err: Console) -> int:
    theorems = _theorems(args.ids)
    from mathai import figures

    directory = Path(args.out)
    for t in theorems:
        err.print(f"figures for {t.id} ...", highlight=False)
        for path in figures.render(t.id, directory, seed=args.seed, fresh=args.fresh):
            out.print(str(path), highlight=False)
    return EXIT_OK


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed must be a non-negative integer, got {text!r}") from None
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
    verify.add_argument("--json", action="store_true", help="print the checks as JSON on stdout")
    verify.set_defaults(run=cmd_verify)
    cite = sub.add_parser("cite", help="how to cite a theorem and its module")
    cite.add_argument("id", metavar="ID")
    cite.add_argument("--format", choices=("bibtex", "latex", "markdown"), default="bibtex")
    cite.set_defaults(run=cmd_cite)
    figures = sub.add_parser("figures", help="draw the paper's figures (all theorems by default)")
    figures.add_argument("ids", nargs="*", metavar="ID")
    figures.add_argument("--seed", type=_seed, default=0)
    figures.add_argument("--out", default="paper/figures", help="output directory (default paper/figures)")
    figures.add_argument("--fresh", action="store_true", help="ignore cached experiment results")
    figures.set_defaults(run=cmd_figures)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    out, err = Console(), Console(stderr=True)
    try:
        args = parser().parse_args(argv)
        return args.run(args, out, err)
    except UsageError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
