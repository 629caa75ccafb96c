"""Themes on a real week: the recorded lists of 2025-W40 (119 papers with their real titles, abstracts
and `ai_keywords`), written as a crawl writes them (tests/test_digest_data.py) — no crawl, no network.

What a reader would accept is pinned by groups a person puts together on sight (four papers each,
picked by hand from the week's titles): they must each land in one theme, in four different themes,
under names that say what they are about.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

from scraper.use.digest.cli import main
from scraper.use.digest.entries import build
from scraper.use.digest.period import parse_week
from scraper.use.digest.select import select
from scraper.use.digest.themes import MIN_PAPERS, PaperText, find_themes
from tests.test_digest_data import CAPTURED_AT, REAL_WEEK, write_crawl, write_real_week
from tests.tools.replay import ROOT

WEEK = "2025-W40"
# Groups a reader puts together on sight, and a word their theme's name must use.
READER_GROUPS = {
    "video generation": ("2509.22622", "2509.25161", "2510.02283", "2509.24695"),
    # LongLive, Rolling Forcing, Self-Forcing++, SANA-Video
    "GRPO|verifiable rewards|reinforcement learning": (
        "2509.22611",
        "2509.21880",
        "2509.24981",
        "2510.02245",
    ),
    # Quantile Advantage Estimation, No Prompt Left Behind, Random Policy Valuation, ExGRPO
    "image editing": ("2509.22244", "2509.23909", "2510.02253", "2509.24900"),
    # FlashEdit, EditScore, DragFlow, OpenGPT-4o-Image
    "agents": ("2509.21799", "2509.23866", "2510.01670", "2510.02250"),
    # D-Artemis (mobile GUI), multi-turn RL for GUI agents, Just Do It (computer use), scaling CUAs
}


@pytest.fixture(scope="module")
def week_data(tmp_path_factory) -> Path:
    return write_real_week(tmp_path_factory.mktemp("week") / "data")


@pytest.fixture(scope="module")
def week_digest(week_data: Path):
    return build(select(parse_week(WEEK), week_data))


def as_plain(themes) -> list[tuple[str, list[str]]]:
    return [(theme.name, list(theme.arxiv_ids)) for theme in themes.themes] + [("Other", themes.other)]


def test_reader_groups_each_land_in_one_theme_named_for_them(week_digest) -> None:
    theme_of = week_digest.themes.theme_of()
    homes = []
    for words, ids in READER_GROUPS.items():
        found = {theme_of[i].name if i in theme_of else "Other" for i in ids}
        assert len(found) == 1 and "Other" not in found, f"{words}: {found}"
        name = found.pop()
        assert re.search(rf"\b({words})\b", name, re.I), f"theme {name!r} does not say {words!r}"
        homes.append(name)
    assert len(set(homes)) == len(READER_GROUPS), homes


def test_themes_are_a_few_named_groups_with_few_papers_left_over(week_digest) -> None:
    themes = week_digest.themes
    sizes = [len(theme.arxiv_ids) for theme in themes.themes]
    assert 6 <= len(sizes) <= 25, sizes
    assert sizes == sorted(sizes, reverse=True)  # most papers first
    assert min(sizes) >= 3 and max(sizes) <= 0.15 * 119 + 1  # no catch-all theme
    assert len(themes.other) <= 0.25 * 119  # most papers belong somewhere


def test_names_are_words_the_papers_use_not_stems(week_digest) -> None:
    for theme in week_digest.themes.themes:
        texts = [
            " ".join([entry.title, *(k for k in _keywords(week_digest, entry.arxiv_id))]).lower()
            for entry in map(week_digest.entry, theme.arxiv_ids)
        ]
        assert 1 <= len(theme.terms) <= 3
        for term in theme.terms:
            users = sum(bool(re.search(rf"(?<!\w){re.escape(term.lower())}(?!\w)", text)) for text in texts)
            assert users >= 2, f"{term!r} of {theme.name!r} is used by {users} of its papers"
        assert theme.name[0].isupper() or not theme.name[0].isalpha()


def _keywords(digest, arxiv_id: str) -> list[str]:
    papers = digest.selection.papers.set_index("arxiv_id")
    value = papers.loc[arxiv_id, "ai_keywords"]
    return [] if value is None else list(value)


def test_every_paper_once_in_the_list_and_at_most_once_in_themes(capsys, week_data: Path) -> None:
    assert main(["--data", str(week_data), "--week", WEEK]) == 0
    markdown = capsys.readouterr().out
    themes_part = markdown.split("\n## Themes\n", 1)[1].split("\n## Rising\n", 1)[0]
    papers_part = markdown.split("\n## Papers\n", 1)[1]
    listed = re.findall(r"^### \d+\. \[.*\]\((\S+)\)", papers_part, re.M)
    grouped = re.findall(r"^- \[.*\]\((\S+)\) — #\d+", themes_part, re.M)
    assert len(listed) == len(set(listed)) == 119
    assert sorted(grouped) == sorted(listed)  # each paper once across the themes and Other
    assert themes_part.count("\n### Other — ") == 1
    # The HTML page: every paper's article once; each theme's links point at those articles.
    assert main(["--data", str(week_data), "--week", WEEK, "--format", "html"]) == 0
    tree = lxml_html.fromstring(capsys.readouterr().out.encode())
    articles = [a.get("id") for a in tree.xpath("//section[@id='papers']//article")]
    assert len(articles) == len(set(articles)) == 119
    links = tree.xpath("//section[@id='themes']//section//li/a/@href")
    assert sorted(link.removeprefix("#") for link in links) == sorted(articles)


def test_same_papers_give_the_same_themes_in_any_order(week_digest) -> None:
    papers = [_text(week_digest, entry.arxiv_id) for entry in week_digest.entries]
    reference = as_plain(find_themes(papers))
    shuffled = papers[:]
    random.Random(7).shuffle(shuffled)
    again = find_themes(shuffled)
    # Same groups under the same names; each group lists its papers in the order given.
    assert sorted((n, sorted(ids)) for n, ids in as_plain(again)) == sorted(
        (n, sorted(ids)) for n, ids in reference
    )


def _text(digest, arxiv_id: str) -> PaperText:
    row = digest.selection.papers.set_index("arxiv_id").loc[arxiv_id]
    return PaperText(arxiv_id, row["title"], row["summary"] or "", _keywords(digest, arxiv_id), ())


def test_themes_do_not_depend_on_hash_seed_or_thread_count(week_data: Path, week_digest) -> None:
    script = (
        "import json, sys; from scraper.use.digest.entries import build; "
        "from scraper.use.digest.period import parse_week; from scraper.use.digest.select import select; "
        "t = build(select(parse_week(sys.argv[2]), sys.argv[1])).themes; "
        "print(json.dumps([[x.name, list(x.arxiv_ids)] for x in t.themes] + [['Other', t.other]]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    env.update({name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
    done = subprocess.run([sys.executable, "-c", script, str(week_data), WEEK], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, env=env, check=True)  # fmt: skip
    assert [tuple(t) for t in json.loads(done.stdout)] == [
        (name, ids) for name, ids in as_plain(week_digest.themes)
    ]


def test_changed_upvotes_reorder_papers_but_never_move_them_between_themes(
    tmp_path: Path, week_digest
) -> None:
    # Derived: the same week crawled again later, each paper's upvotes replaced by the last three
    # digits of its arXiv id, so the ranking changes throughout.
    data = tmp_path / "data"
    for day in REAL_WEEK:
        write_crawl(data, day, week_digest.updated, upvotes=lambda arxiv_id, _: int(arxiv_id[-3:]))
    again = build(select(parse_week(WEEK), data))
    assert [e.arxiv_id for e in again.entries] != [e.arxiv_id for e in week_digest.entries]
    assert sorted((n, sorted(i)) for n, i in as_plain(again.themes)) == sorted(
        (n, sorted(i)) for n, i in as_plain(week_digest.themes)
    )
    for theme in again.themes.themes:  # each theme lists its papers by their new rank
        places = [again.entry(i).place for i in theme.arxiv_ids]
        assert places == sorted(places)


def test_a_small_period_gets_no_themes_and_says_why(capsys, tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_crawl(data, REAL_WEEK[0], CAPTURED_AT[REAL_WEEK[0]], limit=5)
    assert main(["--data", str(data), "--date", REAL_WEEK[0]]) == 0
    markdown = capsys.readouterr().out
    reason = f"5 papers are too few for themes (they need {MIN_PAPERS} or more)"
    assert f"## Themes\n\nNone: {reason}.\n" in markdown
    assert f"- **Themes:** none — {reason}" in markdown
    assert main(["--data", str(data), "--date", REAL_WEEK[0], "--format", "html"]) == 0
    page = lxml_html.fromstring(capsys.readouterr().out.encode())
    assert page.xpath("string(//section[@id='themes']/p)") == f"None: {reason}."
    assert not page.xpath("//section[@id='themes']//li")


def test_no_themes_option_leaves_them_out(capsys, week_data: Path) -> None:
    assert main(["--data", str(week_data), "--week", WEEK, "--no-themes"]) == 0
    markdown = capsys.readouterr().out
    assert "## Themes\n\nNone: themes were turned off (--no-themes).\n" in markdown
    assert len(re.findall(r"^### \d+\. ", markdown, re.M)) == 119


def test_tfidf_is_scikit_learns(week_digest) -> None:
    # The themes compute TF-IDF with SciPy (no scikit-learn import at run time): it must be
    # scikit-learn's TfidfVectorizer, term for term and value for value, on the real week's terms.
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as SKLEARN_STOP_WORDS
    from sklearn.feature_extraction.text import TfidfVectorizer

    from scraper.use.digest.stopwords import ENGLISH_STOP_WORDS
    from scraper.use.digest.themes import _terms, tfidf

    documents = [_terms(_text(week_digest, entry.arxiv_id)).words for entry in week_digest.entries]
    ours, terms = tfidf(documents, min_count=2, max_share=0.15)
    theirs = TfidfVectorizer(analyzer=lambda terms: terms, min_df=2, max_df=0.15, sublinear_tf=True)
    expected = theirs.fit_transform(documents)
    assert terms == list(theirs.get_feature_names_out()) and len(terms) > 1000
    assert abs(ours - expected).max() < 1e-12
    assert ENGLISH_STOP_WORDS == SKLEARN_STOP_WORDS
