"""BibTeX for a release and for each score, so a number on the site can be cited exactly.

A score's entry carries its full provenance in `note` (task, suite and harness versions, commit,
episodes, seed, log and its SHA-256): whoever reads the citation can find the very log it came
from. Text is escaped for LaTeX, because model names may hold any character.
"""

from __future__ import annotations

import re

from collective_bench.leaderboard.releases import Release
from collective_bench.results_schema import ResultRow

_TEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
        "$": r"\$", "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}
_TEX_RE = re.compile("|".join(re.escape(k) for k in _TEX))


def tex(text: str) -> str:
    """Escape LaTeX specials (one pass, so escapes are never escaped twice)."""
    return _TEX_RE.sub(lambda m: _TEX[m.group(0)], text)


def bib_key(*parts: str) -> str:
    return "cbench:" + ":".join(re.sub(r"[^A-Za-z0-9]+", "-", p).strip("-") or "x"
                                for p in parts)


def _year(date: str) -> str:
    return date[:4] if re.match(r"^\d{4}", date) else "n.d."


TITLE = "Collective Bench: a benchmark of what populations of LLM agents do together"


def release_bibtex(release: Release) -> str:
    """The one citation of a release: the README, the site and cite.bib all print this text
    (a test checks the README's copy). Unreleased runs have no date, hence `n.d.`."""
    label = release.name if release.published else f"{release.name}, unreleased runs"
    date = f"  date = {{{release.date}}},\n" if release.published else ""
    return (f"@software{{{bib_key(release.name)},\n"
            f"  title = {{{tex(TITLE)}}},\n"
            f"  author = {{{{Collective Bench contributors}}}},\n"
            f"  year = {{{_year(release.date)}}},\n"
            f"{date}"
            f"  version = {{{tex(release.suite_version)}}},\n"
            f"  note = {{Leaderboard release {tex(label)}: suite version "
            f"{tex(release.suite_version)}, eval logs and static leaderboard}}\n}}\n")


def score_bibtex(row: ResultRow, release: Release) -> str:
    from collective_bench.leaderboard.paper import score_text  # rounded to the interval's precision

    value = "null" if row.value is None else score_text(row.value, None, None)
    ci = ""
    if row.value is not None and row.ci_low is not None and row.ci_high is not None:
        value, ci = score_text(row.value, row.ci_low, row.ci_high, "ci").split(" ", 1)
        ci = f" (95% CI {ci})"
    roles = ", ".join(f"{k}={v}" for k, v in sorted(row.model_roles.items()))
    note = (f"Collective Bench release {release.name}, suite version {release.suite_version}; "
            f"task {row.task} v{row.task_version}; harness {row.harness_version or 'unknown'}; "
            f"commit {row.git_commit or 'none'}; {row.n_episodes} of {row.episodes} episodes; "
            f"seed {row.seed}; run {row.created}; log {row.log} sha256 {row.log_sha256}"
            + (f"; model roles {roles}" if roles else ""))
    key = bib_key(release.name, row.model, roles, row.task, row.task_version, row.metric)
    return (f"@misc{{{key},\n"
            f"  title = {{{tex(row.model)} on {tex(row.task)}: {tex(row.metric)} = "
            f"{tex(value)}{tex(ci)}}},\n"
            f"  author = {{{{Collective Bench contributors}}}},\n"
            f"  year = {{{_year(row.created)}}},\n"
            f"  note = {{{tex(note)}}}\n}}\n")
