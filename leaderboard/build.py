"""Build the static leaderboard site from results-schema rows.

The input is the schema rows only (never inspect logs), so the page shows exactly what
`cbench scores` reports. The site is one self-contained `index.html` that works from `file://` and
any static host: inline CSS and JS, the rows inlined as a JSON block, no fetch and no external
resource. A Content-Security-Policy with hashes of the page's own script and style backs that up:
even if some text escaped escaping, the browser would refuse to run or load anything else.

Output is deterministic (same rows in any order give byte-identical files: rows are sorted and no
build time is written) so a rebuild only shows up in a diff when the results change. Publishing is
atomic: the site is rendered in memory, written to a temporary directory next to `out_dir`, and
swapped in by rename, so a failure never leaves a half-built site.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from collective_bench.errors import UserError
from collective_bench.results_schema import ResultRow
from leaderboard.rows import check_rows, load_rows_json, row_sort_key
from leaderboard.view import build_view

__all__ = ["OUTPUT_FILES", "build_site", "data_json", "load_rows_json", "render_index"]

TEMPLATES = Path(__file__).parent / "templates"
OUTPUT_FILES = ("index.html", ".nojekyll")
"""Every file the builder writes; an existing `out_dir` holding anything else is not replaced."""


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def data_json(rows: Sequence[ResultRow]) -> str:
    """The rows as JSON that is safe inside a <script> element.

    Every `<`, `>` and `&` becomes a \\u escape, which JSON.parse decodes back: no `</script>` can
    close the element and no `<!--` can change how the HTML parser reads the script's content.
    """
    text = json.dumps([row.to_dict() for row in sorted(rows, key=row_sort_key)],
                      sort_keys=True, ensure_ascii=True, allow_nan=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_index(rows: Sequence[ResultRow], title: str = "Collective Bench") -> str:
    """The page as text; `rows` must already have passed `check_rows`."""
    script = (TEMPLATES / "sort.js").read_text(encoding="utf-8")
    style = (TEMPLATES / "style.css").read_text(encoding="utf-8")
    csp = ("default-src 'none'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
           f"script-src {_csp_hash(script)}; style-src {_csp_hash(style)}")
    tables, cards = build_view(rows)
    template = _environment().get_template("index.html.j2")
    return template.render(
        title=title, tables=tables, cards=cards, csp=csp,
        # Markup: already safe for its context (see data_json), and the script and style are our
        # own files, whose exact bytes the CSP hashes must match.
        data=Markup(data_json(rows)), script=Markup(script), style=Markup(style))


def _owned(directory: Path) -> bool:
    return all(entry.name in OUTPUT_FILES and entry.is_file() and not entry.is_symlink()
               for entry in directory.iterdir())


def _publish(files: Mapping[str, bytes], out_dir: Path) -> None:
    """Write `files` to a fresh directory next to `out_dir`, then swap it in by rename."""
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise UserError(f"output {str(out_dir)!r} exists and is not a directory; "
                        "pass a new or empty directory with --out")
    if out_dir.is_dir() and not _owned(out_dir):
        raise UserError(f"output directory {str(out_dir)!r} holds files the leaderboard did not "
                        f"write (it writes only {', '.join(OUTPUT_FILES)}); pass a new or empty "
                        "directory with --out")
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=parent))
    retired: Path | None = None
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        staging.chmod(0o755)  # mkdtemp makes 0700; a static host must be able to read the site
        if out_dir.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=parent))
            os.replace(out_dir, retired / "site")
        try:
            os.replace(staging, out_dir)
        except OSError:
            if retired is not None:
                os.replace(retired / "site", out_dir)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)


def build_site(rows: list[ResultRow], out_dir: Path, title: str = "Collective Bench") -> Path:
    """Check `rows`, render the site and publish it to `out_dir`; returns the path of index.html.

    Raises UserError (one line) for rows the page could not show truthfully, or for an `out_dir`
    that holds files the builder did not write (it is replaced as a whole).
    """
    check_rows(rows)
    out_dir = Path(out_dir).absolute()
    page = render_index(rows, title)
    _publish({"index.html": page.encode("utf-8"), ".nojekyll": b""}, out_dir)
    return out_dir / "index.html"
