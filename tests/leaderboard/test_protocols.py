"""Protocol groups, focal runs, the task page's protocol table and censored values on the site."""

from __future__ import annotations

import re
from typing import Any

from collective_bench.leaderboard.build import render_site
from collective_bench.leaderboard.paper import compare_runs
from collective_bench.leaderboard.protocols import RUN_PARAMS, Protocols
from collective_bench.leaderboard.releases import latest_runs
from collective_bench.leaderboard.schema import MetricInfo, TaskInfo, load_schema
from collective_bench.leaderboard.view import slug
from collective_bench.results_schema import ResultRow

from .samples import make_row

DEFAULTS = {"n_agents": 24, "max_rounds": 100, "n_focal": None, "episodes": 6, "seed": 0,
            "cache": False}
CPU = {**DEFAULTS, "n_agents": 6, "max_rounds": 4, "episodes": 2}
GENERATION = {"temperature": 0.5, "max_tokens": 64}
NAMING = TaskInfo(
    "naming_game", "conventions", "1", "consensus", ("consensus",), "Pairs name labels.",
    (MetricInfo("consensus", "Consensus", "higher", "rate", "convergence"),),
    default_protocol="d-default", defaults=DEFAULTS, generation=GENERATION,
    presets={"cpu": CPU}, protocol_source="Ashery et al. (2025): N=24, memory H=5",
    protocol_differences=("Re-asks capped at 5",))
COMMITTED = TaskInfo(
    "committed_minority", "conventions", "1", "critical_fraction",
    ("critical_fraction", "critical_fraction_censored"), "Committed minorities.",
    (MetricInfo("critical_fraction", "Critical fraction", "higher", "rate", "tipping"),
     MetricInfo("critical_fraction_censored", "Critical fraction censored", "neutral", "rate",
                "tipping")))
TASKS = (NAMING, COMMITTED)


def row(model: str, value: float, protocol: str, params: dict[str, Any], **more: Any) -> ResultRow:
    return make_row(model, "consensus", value, ci_low=value - 0.05, ci_high=value + 0.05,
                    protocol=protocol, params=params, generation=dict(GENERATION),
                    log=f"local/{model.replace('/', '_')}-{protocol}.eval", **more)


def rows() -> list[ResultRow]:
    focal = {**DEFAULTS, "n_focal": 3}
    return [
        row("openai/a", 0.90, "d-default", dict(DEFAULTS), focal_share=1.0),
        row("reference/textbook", 0.50, "d-default", dict(DEFAULTS), focal_share=1.0),
        # the cpu preset: worse than both above, but alone in its group, so ranked 1
        row("openai/b", 0.20, "d-cpu", dict(CPU), preset="cpu", focal_share=1.0),
        row("openai/a", 0.35, "d-cpu", dict(CPU), preset="cpu", focal_share=1.0),
        row("openai/c", 0.95, "d-focal", focal, focal_share=0.125,
            model_roles={"background": "openai/gpt-4o"}),
    ]


def site(data: list[ResultRow] | None = None) -> dict[str, str]:
    files = render_site(rows() if data is None else data, {}, TASKS)
    return {k: v.decode() for k, v in files.items() if isinstance(v, bytes)
            and k.endswith((".html", ".svg"))}


def group_html(index: str, label: str) -> str:
    """The overview block of one protocol group (up to the next group or section)."""
    start = index.index(f'<h3 class="protocol">{label}')
    end = min([i for i in (index.find('<div class="group"', start),
                           index.find("</section>", start)) if i > 0])
    return index[start:end]


def ranked(block: str) -> list[tuple[str, str]]:
    """(rank, score) of every cell in an overview block, in row order."""
    return re.findall(r'class="rank"[^>]*>(=?\d+)</span> <a[^>]*>([0-9.]+)</a>', block)


def test_run_parameters_mirror_the_declarations() -> None:
    from collective_bench.spec import RUN_PARAMS as DECLARED

    assert RUN_PARAMS == DECLARED


def test_overview_ranks_each_protocol_on_its_own() -> None:
    index = site()["index.html"]
    labels = [t.strip() for t in re.findall(r'<h3 class="protocol">([^<]+)', index)]
    focal = "default protocol \u00b7 focal 3/24 in a population of openai/gpt-4o"
    assert labels == ["default protocol", focal, "cpu preset"]  # default first
    assert ranked(group_html(index, "default protocol")) == [("1", "0.90"), ("2", "0.50")]
    # the cpu runs: openai/a appears again (not replaced by its default run) and b is ranked
    # against a's cpu score only, not behind the default runs' 0.90 and 0.50
    cpu = group_html(index, "cpu preset")
    assert ranked(cpu) == [("1", "0.35"), ("2", "0.20")] and "openai/b" in cpu
    block = group_html(index, focal)
    assert ranked(block) == [("1", "0.95")] and "openai/c" in block
    assert "openai/c" not in group_html(index, "default protocol")


def test_same_preset_different_settings_are_two_groups() -> None:
    hot = {**CPU, "max_rounds": 8}
    data = [*rows(), row("openai/d", 0.6, "d-cpu-hot", hot, preset="cpu", focal_share=1.0)]
    groups = Protocols(latest_runs(data, {}), {t.name: t for t in TASKS})
    labels = {k[1]: g.label for k, g in groups.groups.items()}
    assert labels["d-cpu"] == "cpu preset"
    assert labels["d-cpu-hot"] == "cpu preset with changes"
    index = site(data)["index.html"]
    assert ranked(group_html(index, "cpu preset with changes")) == [("1", "0.60")]


def test_task_page_tables_groups_and_shows_each_groups_parameters() -> None:
    page = site()[f"tasks/{slug('naming_game')}.html"]
    headings = re.findall(r"<h2>.*?<small>([^<]+)</small></h2>", page)
    assert headings[0] == "default protocol" and "cpu preset" in headings
    assert len(headings) == 3
    sections = page.split('<section class="group"')[1:]
    assert "openai/b" in sections[2] and "openai/b" not in sections[0]
    assert "focal 3/24 in a population of openai/gpt-4o" in sections[1]
    protocol = page[page.index('id="protocol"'):page.index('id="runs-1"')]
    assert "Ashery et al. (2025): N=24, memory H=5" in protocol
    assert "<li>Re-asks capped at 5</li>" in protocol
    assert "<code>temperature = 0.5</code>" in protocol
    assert "<code>max_tokens = 64</code>" in protocol
    # declared, then default, focal and cpu; values that differ from the declared in bold
    line = re.search(r"<code>n_agents</code></th>(.*?)</tr>", protocol)
    assert line is not None
    assert re.findall(r"<td[^>]*>([^<]*)</td>", line.group(1)) == ["24", "24", "24", "6"]
    assert line.group(1).count('class="changed"') == 1
    line = re.search(r"<code>n_focal</code></th>(.*?)</tr>", protocol)
    assert line is not None
    assert re.findall(r"<td[^>]*>([^<]*)</td>", line.group(1)) == ["none", "none", "3", "none"]
    assert "<code>d-cpu</code>" in protocol


def test_focal_scores_are_labelled_wherever_shown() -> None:
    files = site()
    card = files[f"models/{slug('openai/c')}.html"]
    assert "focal 3/24 in a population of openai/gpt-4o" in card
    assert "These scores describe that mixed population" in card
    full = files[f"models/{slug('openai/a')}.html"]
    assert "the model under test played every agent" in full
    assert "focal 3/24" not in full
    index = files["index.html"]
    assert '<span class="roles focal">focal 3/24 in a population of openai/gpt-4o' in index


def test_compare_refuses_two_protocols() -> None:
    runs = latest_runs(rows(), {})
    a = [r for r in runs if r.model == "openai/a" and r.first.protocol == "d-default"]
    b = [r for r in runs if r.model == "openai/b"]
    assert [c.verdict for c in compare_runs(a, b, load_schema())] == ["protocols differ"]


def test_censored_critical_fraction_shows_its_bound() -> None:
    params = {"fractions": [0.1, 0.25], "episodes": 2}
    common: dict[str, Any] = dict(task="committed_minority", params=params, protocol="cm",
                                  log="local/cm.eval")
    data = [make_row("openai/a", "critical_fraction", 1.0, ci_low=1.0, ci_high=1.0, **common),
            make_row("openai/a", "critical_fraction_censored", 1.0, ci_low=None, ci_high=None,
                     **common),
            make_row("reference/textbook", "critical_fraction", 0.1, ci_low=0.1, ci_high=0.25,
                     **{**common, "log": "local/t.eval"}),
            make_row("reference/textbook", "critical_fraction_censored", 0.0, ci_low=None,
                     ci_high=None, **{**common, "log": "local/t.eval"})]
    files = site(data)
    card = files[f"models/{slug('openai/a')}.html"]
    line = card[card.index('title="critical_fraction"'):]
    line = line[:line.index("</tr>")]
    assert "&gt; 0.25" in line and "1.00" not in line
    profile = files[f"plots/models/{slug('openai/a')}.svg"]
    assert "&gt; 0.25" in profile and "n/a" not in profile
    assert "textbook" in profile  # the baseline beside it, at the same protocol
    plot = files[f"plots/{slug('committed_minority')}--{slug('critical_fraction')}.svg"]
    assert "(&gt; 0.25)" in plot
    assert "&gt; 0.25" in files[f"tasks/{slug('committed_minority')}.html"]


def test_imported_published_runs_name_their_source_and_others_do_not() -> None:
    from collective_bench.leaderboard.view import provenance_fields

    from .samples import RELEASE

    imported = make_row("ashery2025/Claude-3.5-Sonnet", source="Ashery et al. (2025).")
    fields = {f.label: f.text for f in provenance_fields(imported, RELEASE)}
    assert "not played by this harness" in fields["source"]
    assert fields["source"].endswith("Ashery et al. (2025).")
    assert "source" not in {f.label for f in provenance_fields(make_row(), RELEASE)}
