"""A runnable notebook per theorem, ``docs/notebooks/<id>.ipynb``, generated from the same objects as the paper.

Each notebook states the theorem (rendered by Jupyter's MathJax), runs its proofs and experiments through the
public API at the tests' sizes (``mathai.verify(id, small=True, controls=True)``), shows every check and what the
experiment would catch, draws its first figure from the committed data (``mathai.figures.draw``), and ends with
three exercises: predict which check rejects a wrong neighbour, change a size of the config, run other seeds. The
last cell asserts that every check holds, so that executing the notebook is a test (``tests/test_site.py``).

Notebooks are written without outputs (JSON in nbformat 4.5, cell ids derived from the theorem id), so that they
are byte-reproducible; Jupyter or ``jupyter nbconvert --execute`` fills them in.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Callable, Sequence

from mathai.paper.markup import markdown_prose
from mathai.paper.sections import module_doc
from theorems.core import Theorem


def _markdown(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source.strip() + "\n"}


def _code(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": source.strip() + "\n"}


def _small_config_line(module) -> str:
    """``Config.small()``'s fields as a comment line: what an exercise may change."""
    small = module.Config.small()
    fields = ", ".join(f"{f.name}={getattr(small, f.name)!r}" for f in dataclasses.fields(small))
    return f"# Config.small() is Config({fields})"


def notebook_cells(theorem: Theorem, figure_functions: Sequence[Callable], modules: Sequence) -> list[dict]:
    """The cells of ``theorem``'s notebook; ``modules``: its numeric result modules (module, then parts)."""
    report = f'report = mathai.verify("{theorem.id}", small=True, controls=True)'
    assumptions = "\n".join(f"- {a}" for a in theorem.assumptions)
    cells = [
        _markdown(f"# {theorem.title}\n\nTheorem `{theorem.id}` of mathai; {theorem.reference.text()}\n\n"
                  f"$$\n{theorem.latex()}\n$$\n\n" + (f"**Assumptions.**\n\n{assumptions}\n" if assumptions else "")),
    ]
    doc = module_doc("theorems", theorem.module)
    if doc:
        cells.append(_markdown("## The mathematics\n\n" + markdown_prose(doc)))
    cells += [
        _markdown("## Proofs and experiments\n\nThe symbolic proofs run in SymPy; each experiment runs at its "
                  "`Config.small()`, the sizes of the tests (`mathai verify " + theorem.id + "` runs the default "
                  "sizes). With `controls=True` every wrong neighbour, a plausible wrong statement next to the "
                  "theorem, is evaluated on the same measurements."),
        _code(f"%matplotlib inline\nimport mathai\n\n{report}\nreport[\"{theorem.id}\"]"),
    ]
    doc = module_doc("numerics", theorem.module)
    if doc:
        cells.append(_markdown("## The experiment\n\n" + markdown_prose(doc)))
    if figure_functions:
        name = figure_functions[0].__name__
        cells += [_markdown(f"## Its figure\n\n`{name}`, drawn from the data committed under "
                            f"`paper/data/{theorem.id}/` (`mathai figures {theorem.id} --fresh` recomputes it)."),
                  _code(f'from mathai import figures\n\nfigures.draw("{theorem.id}", "{name}")')]
    cells += [
        _markdown("## Exercises\n\n"
                  "1. **A wrong neighbour.** Each line below is a wrong statement next to the theorem. Before "
                  "running the cell, pick one and predict which check rejects it, and why a bound *looser* than "
                  "the truth can only be rejected by a two-sided check."),
        _code(f'for control in report["{theorem.id}"].controls:\n'
              '    print(f"{control.claim}\\n    rejected by: {control.rejected_by[:1]}")'),
    ]
    if modules:
        cells += [
            _markdown("2. **A size.** Change one field of the config (a size, a count, a dtype) and predict which "
                      "measured values move, and whether every check still holds. Checks whose tolerance comes "
                      "from a rounding bound grow with the size; statistical ones keep their false-alarm rate."),
            _code(f"import dataclasses\nfrom {modules[0].__name__} import Config\n\n"
                  f"{_small_config_line(modules[0])}\n"
                  "config = dataclasses.replace(Config.small())  # e.g. replace(Config.small(), <field>=...)\n"
                  "mathai.run(config, controls=True)"),
        ]
    cells += [
        _markdown(f"{3 if modules else 2}. **A seed.** A statistical check states its false-alarm rate, so it "
                  "must hold at every seed. Run seeds 1 and 2 and compare the measured values with seed 0's."),
        _code("[mathai.run(Config.small(), seed=seed).holds for seed in (1, 2)]" if modules else
              f'[mathai.verify("{theorem.id}", seed=seed, small=True).holds for seed in (1, 2)]'),
        _markdown("## Verdict\n\nThis cell fails if a check fails (the test suite executes every notebook)."),
        _code("assert report.holds, report.failures\nprint(report)"),
    ]
    return [{**cell, "id": f"{theorem.id}-{index}"} for index, cell in enumerate(cells)]


def notebook_json(theorem: Theorem, figure_functions: Sequence[Callable], modules: Sequence) -> str:
    """``theorem``'s notebook as the text of an ``.ipynb`` file (nbformat 4.5, no outputs)."""
    notebook = {
        "cells": notebook_cells(theorem, figure_functions, modules),
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
