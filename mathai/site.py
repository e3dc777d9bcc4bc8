"""The documentation site's build hook (``mkdocs.yml``: ``hooks: [mathai/site.py]``): ``mkdocs build --strict``.

The notes pages in ``docs/`` link the code, figures and data where the repository keeps them, relative to
``docs/`` (``../numerics/frobenius.py``, ``../paper/figures/frobenius_error_vs_size.png``), so that the links work
where the repository is browsed. Those files are outside mkdocs' ``docs_dir``; this hook

* adds them to the site under the same paths (``numerics/frobenius.py``), as files that mkdocs copies and checks
  links against (:func:`on_files`), and
* points each page's ``../`` links at those copies (:func:`on_page_markdown`),

so that a strict build still fails on any link to a file that does not exist. The navigation is the registry's
order: home, one page per theorem, the Python API, the benchmarks (:func:`on_config`).
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
SHARED = {"theorems": "*.py", "numerics": "*.py", "mathai": "*.py", "tests": "*.py", "paper/figures": "*.png",
          "paper/data": "*.npz"}
"""The directories of the checkout the notes pages link into, and the files of each that the site carries."""

_OUTSIDE = re.compile(r"\]\(\.\./(?P<path>(?:theorems|numerics|mathai|tests|paper)/[^)\s]+)\)")


def on_config(config, **_):
    """The navigation in the registry's order (a third-party theorem's page comes after the built-in ones)."""
    from theorems import all_theorems

    docs = Path(config["docs_dir"])
    pages = [{t.title: f"{t.id}.md"} for t in all_theorems() if (docs / f"{t.id}.md").exists()]
    bench = [{f"{p.stem} ({'full' if 'full' in p.relative_to(docs).parts else 'quick'} sizes)":
              p.relative_to(docs).as_posix()} for p in sorted((docs / "bench").rglob("*.md"))]
    config["nav"] = [{"Home": "index.md"}, {"Theorems": pages}, {"Python API": "api.md"},
                     *([{"Benchmarks": bench}] if bench else [])]
    return config


def on_files(files: Files, config, **_) -> Files:
    """Add the checkout's code, figures and figure data to the site under their own paths."""
    for directory, pattern in SHARED.items():
        for path in sorted((ROOT / directory).rglob(pattern)):
            if "__pycache__" in path.parts:
                continue
            files.append(File(path.relative_to(ROOT).as_posix(), str(ROOT), config["site_dir"],
                              config["use_directory_urls"]))
    return files


def on_page_markdown(markdown: str, page, **_) -> str:
    """Links from ``docs/`` to ``../<checkout path>`` point at the site's copy (pages at the top of ``docs/``)."""
    depth = page.file.src_uri.count("/")
    return _OUTSIDE.sub(lambda m: f"]({'../' * depth}{m.group('path')})", markdown)
