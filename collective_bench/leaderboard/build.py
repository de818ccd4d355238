"""Build the static leaderboard site from results-schema rows.

The input is the schema rows only (never inspect logs), plus the releases' RELEASE.json and the
task registry's descriptions, so the site shows exactly what `cbench scores` reports. Pages:
`index.html` (overview), `tasks/*.html`, `models/*.html`, `compare.html`, with `plots/*.svg` and
`downloads/*`. Every page works from `file://` and any static host: inline CSS and JS, data inlined
as JSON blocks, relative links only, nothing fetched. A Content-Security-Policy with hashes of
the page's own script and style backs that up: even if some text escaped escaping, the browser
would refuse to run anything else.

Output is deterministic (same rows in any order give byte-identical files: rows are sorted and no
build time is written). Publishing is atomic: everything is rendered in memory first, written to a
temporary directory next to `out_dir` and swapped in by rename, so a failure never leaves a
half-built site. A `.leaderboard-files` manifest lists what the builder wrote, so it only ever
replaces a directory it made.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from collective_bench.leaderboard import downloads
from collective_bench.leaderboard.censoring import Censoring
from collective_bench.leaderboard.cite import release_bibtex
from collective_bench.leaderboard.episode_pages import (
    DEFAULT_LOG_BUDGET,
    EpisodeLink,
    LogCopies,
    censored_texts,
    episode_href,
    episode_pages,
    index_episodes,
    run_episodes,
    task_dynamics,
)
from collective_bench.leaderboard.episodes import Episode
from collective_bench.leaderboard.overview import compare_entries, overview_section, run_anchor
from collective_bench.leaderboard.pages import model_page, task_page
from collective_bench.leaderboard.plotcache import INDEX, PlotCache
from collective_bench.leaderboard.plots import dot_whisker_svg
from collective_bench.leaderboard.profile import model_profile, profile_svg
from collective_bench.leaderboard.protocols import Protocols
from collective_bench.leaderboard.publish import MANIFEST, publish
from collective_bench.leaderboard.releases import (
    Release,
    Run,
    latest_runs,
    release_dir,
    release_order,
    unreleased,
)
from collective_bench.leaderboard.rows import check_rows, load_rows_json, row_sort_key
from collective_bench.leaderboard.schema import Schema, TaskInfo, load_schema, validate_rows
from collective_bench.leaderboard.view import slug
from collective_bench.results_schema import SCHEMA_VERSION, ResultRow

__all__ = ["MANIFEST", "build_site", "render_site", "safe_json", "load_rows_json"]

TEMPLATES = Path(__file__).parent / "templates"
TITLE = "Collective Bench"


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def safe_json(data: Any) -> Markup:
    """JSON that is safe inside a <script> element.

    Every `<`, `>` and `&` becomes a \\u escape, which JSON.parse decodes back: no `</script>` can
    close the element and no `<!--` can change how the HTML parser reads the script's content.
    """
    text = json.dumps(data, sort_keys=True, ensure_ascii=True, allow_nan=False, indent=None,
                      separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


class _Renderer:
    """Renders pages with the shared frame (navigation, CSP, style, scripts)."""

    def __init__(self, title: str) -> None:
        self.env = _environment()
        self.title = title
        self.style = (TEMPLATES / "style.css").read_text(encoding="utf-8")
        self.sort = (TEMPLATES / "sort.js").read_text(encoding="utf-8")
        self.compare = (TEMPLATES / "compare.js").read_text(encoding="utf-8")

    def page(self, template: str, root: str, scripts: Sequence[str], **context: Any) -> bytes:
        csp = ("default-src 'none'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
               f"script-src {' '.join(_csp_hash(s) for s in scripts)}; "
               f"style-src {_csp_hash(self.style)}")
        html = self.env.get_template(template).render(
            site_title=self.title, root=root, csp=csp, schema_version=SCHEMA_VERSION,
            # Markup: our own files, whose exact bytes the CSP hashes must match.
            style=Markup(self.style), scripts=[Markup(s) for s in scripts], **context)
        return html.encode("utf-8")


def _task_infos(tasks: Sequence[TaskInfo] | Mapping[str, TaskInfo]) -> dict[str, TaskInfo]:
    return dict(tasks) if isinstance(tasks, Mapping) else {t.name: t for t in tasks}


def render_site(rows: Sequence[ResultRow], releases: Mapping[str, Release] | None = None,
                tasks: Sequence[TaskInfo] | Mapping[str, TaskInfo] = (),
                schema: Schema | None = None, title: str = TITLE,
                episodes: Sequence[Episode] = (), log_files: Mapping[str, Path] | None = None,
                log_budget: int = DEFAULT_LOG_BUDGET,
                plots: PlotCache | None = None) -> dict[str, bytes | Path]:
    """Every file of the site (path -> bytes, or a file to copy); `rows` are checked first.

    `episodes` (read from the logs by `leaderboard.episodes`) add the dynamics plots and the
    episode pages; `log_files` (row.log -> file) lets the site offer each log for download;
    `plots` reuses the plots a previous build drew (`plotcache`).
    """
    plots = plots or PlotCache()
    schema = (schema or load_schema()).with_tasks(_task_infos(tasks).values())
    check_rows(rows)
    validate_rows(rows, schema)
    releases = dict(releases or {})
    infos = _task_infos(tasks)
    rows = sorted(rows, key=row_sort_key)
    runs = latest_runs(rows, releases)
    present = {release_dir(row) for row in rows}
    shown = release_order([releases.get(d) or unreleased(d) for d in present])
    render = _Renderer(title)
    files: dict[str, bytes | Path] = {".nojekyll": b""}
    by_log = index_episodes(episodes)
    copies = LogCopies(log_files or {}, log_budget)
    protocols = Protocols(runs, infos)
    censoring = Censoring(censored_texts(episodes))

    by_task: dict[str, list[Run]] = {}
    by_model: dict[str, list[Run]] = {}
    for run in runs:
        by_task.setdefault(run.task, []).append(run)
        by_model.setdefault(run.model, []).append(run)
    task_pages = [task_page(task, by_task[task], infos, schema, protocols, censoring)
                  for task in sorted(by_task)]
    model_pages = [model_page(model, by_model[model], schema, protocols, censoring)
                   for model in sorted(by_model)]
    for tpage in task_pages:
        dynamics = task_dynamics(tpage.task, by_task[tpage.task], by_log, files, protocols,
                                 plots)
        files[tpage.path] = render.page("task.html.j2", "../", [render.sort], page=tpage,
                                        family=schema.family_display(tpage.family),
                                        dynamics=dynamics)
        for block in tpage.metrics:
            files[block.plot] = plots.get(
                block.plot, plots.key("metric", block.points, block.info.display),
                partial(dot_whisker_svg, block.points, block.info.display))
    run_links: dict[str, tuple[EpisodeLink, ...]] = {}
    for run in runs:
        eps = run_episodes(run, by_log)
        if not eps:
            continue
        for epage in episode_pages(run, eps, copies, files, plots):
            files[epage.path] = render.page("episode.html.j2", "../", [], page=epage)
        run_links[f"{run.model}\0{run_anchor(run)}"] = tuple(
            EpisodeLink(e.sample_id, episode_href(e)) for e in eps)
    for mpage in model_pages:
        panels = model_profile(mpage.model, by_model[mpage.model], runs, infos, schema,
                               protocols, censoring)
        profile = f"plots/models/{slug(mpage.model)}.svg" if panels else ""
        if panels:
            files[profile] = plots.get(profile, plots.key("profile", panels),
                                       partial(profile_svg, panels))
        newest = max((r.release for r in by_model[mpage.model]),
                     key=lambda rel: (rel.published, rel.date))
        files[mpage.path] = render.page("model.html.j2", "../", [render.sort], page=mpage,
                                        profile=profile, profile_release=newest.name,
                                        episodes={r.anchor: run_links.get(
                                            f"{mpage.model}\0{r.anchor}", ())
                                            for r in mpage.runs})

    records = downloads.table(rows, runs, releases)
    files["downloads/leaderboard.json"] = downloads.to_json(records, shown)
    files["downloads/leaderboard.csv"] = downloads.to_csv(records)
    parquet = downloads.to_parquet(records)
    if parquet is not None:
        files["downloads/leaderboard.parquet"] = parquet
    bibs = [(release, release_bibtex(release)) for release in shown]
    files["downloads/cite.bib"] = "\n".join(bib for _, bib in bibs).encode("utf-8")
    listed = [(name, "") for name in ("leaderboard.json", "leaderboard.csv")]
    listed.append(("leaderboard.parquet", "") if parquet is not None else
                  ("leaderboard.parquet", "not built (pyarrow is not installed where the site "
                   "was built)"))
    listed.append(("cite.bib", ""))

    tables = [overview_section(release, [r for r in runs if r.release == release], infos, schema,
                               protocols, censoring) for release in shown]
    files["index.html"] = render.page(
        "index.html.j2", "", [render.sort], tables=tables, task_pages=task_pages,
        model_pages=model_pages, downloads=listed, release_bibs=bibs)
    files["compare.html"] = render.page(
        "compare.html.j2", "", [render.sort, render.compare],
        data=safe_json(compare_entries(runs, schema, protocols)))
    files[INDEX] = plots.index_bytes()
    return files


def build_site(rows: Sequence[ResultRow], out_dir: Path,
               releases: Mapping[str, Release] | None = None,
               tasks: Sequence[TaskInfo] | Mapping[str, TaskInfo] = (),
               schema: Schema | None = None, title: str = TITLE,
               episodes: Sequence[Episode] = (), log_files: Mapping[str, Path] | None = None,
               log_budget: int = DEFAULT_LOG_BUDGET) -> Path:
    """Check `rows`, render the whole site in memory and publish it atomically to `out_dir`.

    Returns the path of index.html. Raises UserError (one line) for rows the site could not show
    truthfully, or for an `out_dir` holding files the builder did not write.
    """
    out_dir = Path(out_dir).absolute()
    files = render_site(rows, releases, tasks, schema, title, episodes, log_files, log_budget,
                        PlotCache(out_dir))
    publish(files, out_dir)
    return out_dir / "index.html"
