"""The README's two commands are the ones that run; the statement layer never loads JAX."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)\n```", (ROOT / "README.md").read_text(), flags=re.S)
    return [b.strip() for b in blocks[:2]]


def test_readme_opens_with_the_run_and_test_commands():
    run, test = readme_commands()
    assert "mathai verify" in run and "pip install" in run
    assert "pytest" in test and ".[test]" in test


def test_ci_ends_with_exactly_the_readme_test_command():
    """.ci/run may install optional system tools first; its last command is the README's test command, verbatim."""
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.strip()]
    assert ci_lines[-1] == readme_commands()[1]


def test_statements_load_without_jax():
    code = "import sys, theorems; theorems.all_theorems(); assert 'jax' not in sys.modules, 'jax was imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_importing_every_module_changes_no_jax_setting():
    """`import mathai`, `theorems`, `numerics` and every module below them leave JAX's float64 mode as it was."""
    code = ("import importlib, pkgutil, jax; before = jax.config.jax_enable_x64\n"
            "import theorems, numerics, mathai\n"
            "for package in (theorems, numerics, mathai):\n"
            "    for info in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
            "        importlib.import_module(info.name)\n"
            "assert jax.config.jax_enable_x64 == before, 'an import switched float64 mode'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_suite_runs_with_float64_off():
    """Nothing in the test set-up switches float64 on: experiments that need it switch it on for themselves."""
    import jax

    assert not jax.config.jax_enable_x64
