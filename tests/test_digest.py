"""`hfpapers-digest` on a real crawl: the tests' derived backfill 2025-09-29…10-03 of the recorded HF
lists, whose 2025-10-02 papers have real arXiv API entries, HTML and abs pages (`reference_backfill`);
docs/digest.md's commands and excerpts run on the demo's own data (`hfpapers-demo --out data`).

Expected orders and ratings are computed here from the `papers` Parquet with pandas, not with the
digest's code. A crawl without arXiv is a real crawl of the same day with `HFPAPERS_ARXIV=false`.
Other variants (two ratings snapshots, a table cell marked best, a paper listed on two days, a
damaged file, missing folders) are derived inside the tests from a copy of the crawl's output, as
said at each test.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import html5lib
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from lxml import html as lxml_html

from scraper.schema.registry import TABLES
from scraper.use.digest.cli import main
from tests.tools.commands import run_demo
from tests.tools.crawl import crawl
from tests.tools.docs import section as section_of
from tests.tools.replay import ROOT, start_replay

DAY = "2025-10-02"  # the day with real arXiv pages
BUSY_DAY = "2025-09-30"  # 50 papers, with ties on upvotes
DOCS = (ROOT / "docs" / "digest.md").read_text()
DIGEST_SCRIPT = Path(sys.executable).parent / "hfpapers-digest"


@pytest.fixture(scope="module")
def data_dir(reference_backfill) -> Path:
    return reference_backfill.result.data_dir


def digest(capsys, data: Path, *args: str) -> str:
    assert main(["--data", str(data), *args]) == 0
    return capsys.readouterr().out


def expected_order(data: Path, day: str) -> pd.DataFrame:
    """The day's papers ranked by upvotes, then comments, then listing rank — with pandas."""
    papers = pd.read_parquet(data / "papers" / f"date={day}")
    return papers.sort_values(
        ["upvotes", "num_comments", "listing_rank"], ascending=[False, False, True], na_position="last"
    )


def md_blocks(markdown: str) -> list[str]:
    """The per-paper blocks of a Markdown digest's Papers section, in order."""
    return re.split(r"\n(?=### \d+\. )", markdown.split("\n## Papers\n", 1)[1])[1:]


def block_url(block: str) -> str:
    return re.match(r"### \d+\. \[.*?\]\((\S+)\)", block)[1]


# -- Markdown --------------------------------------------------------------------------------------


def test_markdown_day_shows_the_top_paper_with_its_real_values(capsys, data_dir: Path) -> None:
    markdown = digest(capsys, data_dir, "--date", DAY)
    assert markdown.startswith(f"# Hugging Face Daily Papers — {DAY}: 5 papers\n")
    top = md_blocks(markdown)[0]
    ranked = expected_order(data_dir, DAY)
    assert (
        ranked.iloc[0]["title"] == "AskChem: Claim-Centered Infrastructure for Chemistry Literature Synthesis"
    )
    assert top.startswith(
        "### 1. [AskChem: Claim-Centered Infrastructure for Chemistry Literature Synthesis]"
        "(https://huggingface.co/papers/2607.28618) ★★★"
    )
    assert "[GitHub](https://github.com/bingyan4science/askchem) ⭐ 8" in top
    claims = list(ranked.iloc[0]["headline_claims"])  # what the crawl extracted, read with pandas
    assert "grounding a GPT-5.5 reader in AskChem yields 100% resolvable DOIs" in claims
    assert f"- **Headline numbers:** “{claims[0]}”" in top
    assert "Bing Yan, Gregory Wolfe, Stefano Martiniani et al. — New York University" in top
    assert "- **Field:** Computation and Language (cs.CL)" in top
    assert "- **Votes:** 292 upvotes · 2 comments" in top
    assert "[project page](https://www.askchem.org)" in top
    # arXiv has no HTML for it (the replay answers 404): no HTML link, and the digest says why.
    assert "[HTML]" not in top
    assert "- **Reading source:** none (arXiv has no HTML) · licence: unknown" in top


@pytest.mark.parametrize("day", [DAY, BUSY_DAY])
def test_order_of_the_first_five_is_upvotes_then_comments_then_rank(capsys, data_dir: Path, day: str) -> None:
    blocks = md_blocks(digest(capsys, data_dir, "--date", day))
    ranked = expected_order(data_dir, day)
    assert len(blocks) == len(ranked)
    assert [block_url(b) for b in blocks[:5]] == list(ranked["hf_url"][:5])
    if day == BUSY_DAY:  # 33 upvotes and 1 comment each: listing rank 4 before rank 5
        assert [block_url(b).rsplit("/", 1)[1] for b in blocks[3:5]] == ["2509.25190", "2509.24900"]


def test_reading_source_and_licence_come_from_fulltext(capsys, data_dir: Path) -> None:
    blocks = {block_url(b).rsplit("/", 1)[1]: b for b in md_blocks(digest(capsys, data_dir, "--date", DAY))}
    html_paper, abs_paper = blocks["2501.11120"], blocks["1902.02534"]
    assert "[HTML](https://arxiv.org/html/2501.11120v1)" in html_paper
    assert "- **Reading source:** arXiv HTML v1 (partial: some LaTeX did not convert)" in html_paper
    assert "- **Reading source:** arXiv abs page v2 (arXiv has no HTML) · licence: CC BY 4.0" in abs_paper
    assert "- **Field:** Information Theory (cs.IT)" in abs_paper


def test_star_rating_follows_the_documented_rule(capsys, data_dir: Path) -> None:
    blocks = md_blocks(digest(capsys, data_dir, "--date", BUSY_DAY))
    papers = pd.read_parquet(data_dir / "papers" / f"date={BUSY_DAY}").set_index("hf_url")
    place = papers["upvotes"].rank(method="min", ascending=False)
    known = papers["upvotes"].notna().sum()
    for block in blocks:
        p = place[block_url(block)]
        stars = 3 if p <= max(1, math.ceil(known / 10)) else 2 if p <= math.ceil(known / 2) else 1
        assert f"- **Rating:** {'★' * stars} ({stars} of 3)" in block, block
    assert "★★★ top 10% of its listing day by upvotes" in DOCS  # the rule is documented


def test_top_keeps_the_best_n(capsys, data_dir: Path) -> None:
    markdown = digest(capsys, data_dir, "--date", BUSY_DAY, "--top", "3")
    assert markdown.startswith(f"# Hugging Face Daily Papers — {BUSY_DAY}: top 3 of 50 papers\n")
    assert [block_url(b) for b in md_blocks(markdown)] == list(
        expected_order(data_dir, BUSY_DAY)["hf_url"][:3]
    )


def test_week_is_one_ranking_that_names_each_listing_day(capsys, data_dir: Path) -> None:
    markdown = digest(capsys, data_dir, "--week", "2025-W40")
    papers = pd.read_parquet(data_dir / "papers")
    assert f"week 2025-W40 (2025-09-29 … 2025-10-05): {papers['arxiv_id'].nunique()} papers" in markdown
    assert "One ranking for the whole period" in markdown
    assert "2025-09-29 (30), 2025-09-30 (50), 2025-10-02 (5), 2025-10-03 (39)" in markdown
    blocks = md_blocks(markdown)
    week = papers.sort_values(["upvotes", "num_comments", "listing_rank"], ascending=[False, False, True])
    assert [block_url(b) for b in blocks[:5]] == list(week["hf_url"][:5])
    assert "- **Listed:** 2025-10-02" in blocks[0]
    # The same range through --start/--end gives the same ranking.
    ranged = digest(capsys, data_dir, "--start", "2025-09-29", "--end", "2025-10-05")
    assert [block_url(b) for b in md_blocks(ranged)] == [block_url(b) for b in blocks]


def test_a_paper_listed_on_two_days_of_a_week_counts_once(capsys, data_dir: Path, tmp_path: Path) -> None:
    # Derived: in a copy, AskChem's real 2025-10-02 row is listed again on 2025-10-03 (a second file
    # in that day's folder, re-dated, 10 more upvotes).
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    papers = pq.read_table(copy / "papers" / f"date={DAY}")
    again = papers.filter(pc.equal(papers["arxiv_id"], "2607.28618"))
    again = again.set_column(again.schema.get_field_index("listing_date"), again.schema.field("listing_date"),
                             pa.array([pd.Timestamp("2025-10-03").date()], pa.date32()))  # fmt: skip
    again = again.set_column(again.schema.get_field_index("upvotes"), again.schema.field("upvotes"),
                             pa.array([302], pa.int32()))  # fmt: skip
    pq.write_table(again, copy / "papers" / "date=2025-10-03" / "part-1.parquet")
    blocks = md_blocks(digest(capsys, copy, "--week", "2025-W40"))
    askchem = [b for b in blocks if "papers/2607.28618)" in b.split("\n")[0]]
    assert len(askchem) == 1
    assert "- **Listed:** 2025-10-03" in askchem[0] and "- **Votes:** 302 upvotes" in askchem[0]


# -- HTML and Atom ---------------------------------------------------------------------------------


def test_html_is_one_self_contained_html5_page(capsys, data_dir: Path) -> None:
    page = digest(capsys, data_dir, "--date", DAY, "--format", "html")
    parser = html5lib.HTMLParser(strict=True)  # raises on any HTML5 parse error
    parser.parse(page)
    tree = lxml_html.fromstring(page.encode())
    external = [
        element.get(attribute)
        for element in tree.iter("script", "link", "img", "iframe", "source", "video", "audio")
        for attribute in ("src", "href")
        if element.get(attribute)
    ]
    assert not external, external
    assert tree.find(".//meta[@name='viewport']") is not None
    articles = tree.findall(".//article")
    ranked = expected_order(data_dir, DAY)
    assert [a.find(".//h3/a").get("href") for a in articles] == list(ranked["hf_url"])
    top = articles[0].text_content()
    assert "AskChem: Claim-Centered Infrastructure for Chemistry Literature Synthesis" in top
    assert "⭐ 8" in top and "grounding a GPT-5.5 reader in AskChem yields 100% resolvable DOIs" in top


def test_atom_feed_parses_with_one_entry_per_paper(capsys, data_dir: Path) -> None:
    feed = feedparser.parse(digest(capsys, data_dir, "--date", DAY, "--format", "atom"))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    papers = expected_order(data_dir, DAY)
    assert [e.id for e in feed.entries] == list(papers["hf_url"])
    assert [e.link for e in feed.entries] == list(papers["hf_url"])
    assert [e.title for e in feed.entries] == list(papers["title"])
    crawled = papers.set_index("hf_url")["crawled_at"]
    for entry in feed.entries:  # `updated` = the paper's latest crawl (to the second)
        assert entry.updated == crawled[entry.id].strftime("%Y-%m-%dT%H:%M:%SZ")
        assert entry.summary_detail.type == "text/html"
    top = feed.entries[0].summary
    assert "⭐ 8" in top and "grounding a GPT-5.5 reader in AskChem yields 100% resolvable DOIs" in top
    assert feed.entries[0].authors[0]["name"] == "Bing Yan"


# -- missing data, bad input -----------------------------------------------------------------------


@pytest.mark.crawl
def test_a_day_without_papers_is_one_line_on_stderr_and_exit_1(data_dir: Path) -> None:
    proc = subprocess.run([str(DIGEST_SCRIPT), "--data", str(data_dir), "--date", "2025-10-01"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("hfpapers-digest: no papers in ") and "2025-10-01" in proc.stderr


@pytest.mark.parametrize(
    "args",
    [["--date", "2025-02-30"], ["--week", "2025-W60"], ["--start", "2025-10-03", "--end", "2025-09-29"],
     ["--date", DAY, "--week", "2025-W40"], ["--top", "0"], ["--format", "pdf"]],
)  # fmt: skip
def test_bad_arguments_are_one_line_and_exit_2(capsys, data_dir: Path, args: list[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--data", str(data_dir), *args])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("hfpapers-digest: ")


def test_a_damaged_partition_is_one_line_and_exit_1(capsys, data_dir: Path, tmp_path: Path) -> None:
    # Derived: the day's papers file cut in half in a copy (a disk that filled up, a bad copy).
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    damaged = copy / "papers" / f"date={DAY}" / "part-0.parquet"
    damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])
    assert main(["--data", str(copy), "--date", DAY]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert (
        captured.err.startswith(f"hfpapers-digest: cannot read {copy}: ") and "part-0.parquet" in captured.err
    )


def test_default_is_the_latest_listing_day(capsys, data_dir: Path) -> None:
    assert digest(capsys, data_dir).startswith("# Hugging Face Daily Papers — 2025-10-03: 39 papers\n")


@pytest.fixture(scope="module")
def hf_only(reference_backfill, tmp_path_factory) -> Path:
    """The same day crawled with `-s HFPAPERS_ARXIV=false` (Hugging Face only)."""
    tmp = tmp_path_factory.mktemp("hf-only")
    server, replay = start_replay(tmp, overlay=reference_backfill.overlay)
    try:
        result = crawl(replay, tmp / "data", f"date={DAY}", settings={"HFPAPERS_ARXIV": "false"})
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-3000:]
    assert not (tmp / "data" / "fulltext").exists()
    return tmp / "data"


def test_crawl_without_arxiv_works_and_says_what_is_missing(capsys, hf_only: Path) -> None:
    markdown = digest(capsys, hf_only, "--date", DAY)
    assert "- **Missing from this data:** arXiv (this crawl did not follow the papers to arXiv" in markdown
    top = md_blocks(markdown)[0]
    assert "AskChem: Claim-Centered Infrastructure" in top and "⭐ 8" in top
    assert "- **Reading source:** not read (arXiv not crawled)" in top
    assert "**Field:**" not in markdown
    assert "[HTML](https://arxiv.org/html/2607.28618)" in top  # unknown whether it exists: linked
    assert len(feedparser.parse(digest(capsys, hf_only, "--date", DAY, "--format", "atom")).entries) == 5


def test_fulltext_missing_alone_is_said(capsys, data_dir: Path, tmp_path: Path) -> None:
    # Derived: the crawl's output without its fulltext and metrics folders (arXiv metadata kept).
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy, ignore=shutil.ignore_patterns("fulltext", "metrics"))
    markdown = digest(capsys, copy, "--date", DAY)
    assert "- **Missing from this data:** arXiv full text (no fulltext rows for these days)" in markdown
    assert "- **Field:** Computation and Language (cs.CL)" in md_blocks(markdown)[0]


def write_ratings(data: Path, snapshots: list[tuple[str, dict[str, int]]]) -> None:
    """Derived: `ratings` files for DAY built from the day's real `papers` rows, one per snapshot
    (crawl time, upvotes to subtract per arxiv_id), replacing what the crawl wrote."""
    papers = pq.read_table(data / "papers" / f"date={DAY}")
    folder = data / "ratings" / f"date={DAY}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    schema = TABLES["ratings"]
    for index, (crawled_at, minus) in enumerate(snapshots):
        rows = {name: papers[name].to_pylist() for name in schema.names}
        ids, upvotes = rows["arxiv_id"], rows["upvotes"]
        rows["upvotes"] = [u - minus.get(a, 0) for a, u in zip(ids, upvotes, strict=True)]
        rows["crawled_at"] = [pd.Timestamp(crawled_at)] * papers.num_rows
        pq.write_table(pa.table(rows, schema=schema), folder / f"part-{index}.parquet")


@pytest.mark.skipif("ratings" not in TABLES, reason="the ratings table is not in the schema yet")
def test_change_since_the_previous_snapshot_comes_from_ratings(
    capsys, data_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    write_ratings(copy, [("2025-10-02T08:00:00Z", {"2607.28618": 40}), ("2025-10-02T20:00:00Z", {})])
    blocks = md_blocks(digest(capsys, copy, "--date", DAY))
    assert (
        "- **Votes:** 292 upvotes · 2 comments (+40 upvotes, +0 comments, +0 stars since the crawl of "
        "2025-10-02 08:00 UTC)" in blocks[0]
    )
    assert "(+0 upvotes, +0 comments" in blocks[1]  # β-OPSD has no repo: no star change said
    assert "+0 stars" not in blocks[2]
    # One snapshot: nothing to compare, nothing said.
    write_ratings(copy, [("2025-10-02T20:00:00Z", {})])
    assert "since the crawl of" not in digest(capsys, copy, "--date", DAY)


def test_best_table_result_is_a_cell_the_paper_marked_best(capsys, data_dir: Path, tmp_path: Path) -> None:
    # Derived: in a copy, one real cell of 2501.11120 is marked best and no other cell is best
    # (no bold, no ↑/↓ column), so the digest must show exactly that cell.
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    path = copy / "metrics" / f"date={DAY}" / "part-0.parquet"
    metrics = pq.read_table(path)
    frame = metrics.to_pandas()
    chosen = frame[(frame["table_label"] == "Table 2") & frame["column_label"].notna()].index[0]
    is_best = pa.array([i == chosen for i in range(len(frame))], pa.bool_())
    metrics = metrics.set_column(metrics.schema.get_field_index("is_best"), "is_best", is_best)
    no_direction = pa.nulls(len(frame), pa.string())
    metrics = metrics.set_column(metrics.schema.get_field_index("direction"), "direction", no_direction)
    pq.write_table(metrics, path)
    cell = frame.loc[chosen]
    block = next(
        b for b in md_blocks(digest(capsys, copy, "--date", DAY)) if "2501.11120" in b.split("\n")[0]
    )
    best = re.sub(r"\\(.)", r"\1", block.split("- **Best table result:** ", 1)[1].split("\n", 1)[0])
    assert best.startswith(f"{cell['column_label']} = {cell['value']:g}")  # metric, value
    assert f" ± {cell['spread']:g}" in best  # the cell's spread: "0.14 \pm 0.01" in TeX
    assert best.endswith(f"— {cell['row_label']} (Table 2)")  # row, table
    # On the real rows, a best result is shown exactly when the paper marked a cell best (bold or
    # underlined) or a column says which way is better.
    real = pd.read_parquet(data_dir / "metrics" / f"date={DAY}")
    shown = "Best table result" in digest(capsys, data_dir, "--date", DAY)
    assert shown == bool(real["is_best"].any() or real["direction"].notna().any())


@pytest.mark.crawl
def test_bench_runs_on_a_small_synthetic_span(capsys, data_dir: Path) -> None:
    # Smoke test only (no timing asserted): two weeks re-dated from the crawl, every figure printed.
    from bench_digest import main as bench_main  # bench/, put on sys.path by conftest

    assert (
        bench_main(["--from", str(data_dir), "--days", "14", "--rounds", "1", "--command-rounds", "1"]) == 0
    )
    out = capsys.readouterr().out
    assert "synthesised 14 listing days (2025-01-06 … 2025-01-19, 3 ratings snapshots each)" in out
    # The bench digests the week of the span's middle day (2025-01-13): 2025-W03, whose seven days
    # are copies of the crawl's days, cycled (offsets 7…13), each with its own arxiv ids.
    source_days = sorted(folder.name.removeprefix("date=") for folder in (data_dir / "papers").glob("date=*"))
    rows = [
        len(pd.read_parquet(data_dir / "papers" / f"date={source_days[i % len(source_days)]}"))
        for i in range(7, 14)
    ]
    assert re.search(rf"^week 2025-W03: {sum(rows)} papers, \d+ themes$", out, re.M)
    for label in (
        "baseline: week digest without themes (Markdown)",
        "week digest with themes (HTML, sparklines)",
        "with themes / baseline: ",
        "hfpapers-digest --week 2025-W03 in a fresh process: ",
    ):
        assert label in out


# -- docs/digest.md ---------------------------------------------------------------------------------

UTC_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")  # a crawl's time: when the test crawled


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    """What `hfpapers-demo --out data` writes: the data docs/digest.md's commands and excerpts are
    about (its 2025-10-02 is the demo's own derived day, not the tests' backfill's)."""
    work = tmp_path_factory.mktemp("digest-demo")
    proc = run_demo("--out", "data", cwd=work)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return work / "data"


@pytest.mark.crawl
def test_docs_digest_commands_run_and_their_excerpts_are_real(demo_data: Path, tmp_path: Path) -> None:
    section = section_of(DOCS, "## Commands")
    commands = [line.split("#", 1)[0].strip() for block in re.findall(r"```bash\n(.*?)```", section, re.S)
                for line in block.splitlines() if line.startswith("hfpapers-digest")]  # fmt: skip
    formats = {re.search(r"--format (\w+)", c)[1] if "--format" in c else "md" for c in commands}
    assert formats == {"md", "html", "atom"}
    work = tmp_path / "work"
    shutil.copytree(demo_data, work / "data")
    outputs = {}
    for command in commands:
        proc = subprocess.run([str(DIGEST_SCRIPT), *command.split()[1:]], cwd=work, capture_output=True,
                              text=True, timeout=60)  # fmt: skip
        assert proc.returncode == 0, f"{command}: {proc.stderr}"
        outputs[command] = proc.stdout
    excerpts = re.findall(r"<!-- excerpt of: (.*?) -->\n```markdown\n(.*?)```", section, re.S)
    assert excerpts
    for source, excerpt in excerpts:
        assert source in outputs, f"the excerpt's command {source!r} is not among the commands"
        # Crawl times differ from run to run (the docs show those of the run that made them).
        assert UTC_TIME.sub("<time>", excerpt) in UTC_TIME.sub("<time>", outputs[source]), (
            f"regenerate the docs excerpt; `{source}` now prints:\n{outputs[source]}"
        )
