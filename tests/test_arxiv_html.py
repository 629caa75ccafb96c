"""arXiv HTML full-text parser on the real 2501.11120v1 page (LaTeXML 0.8.8) and variants of it.

Only tests/fixtures/arxiv_html/2501.11120v1.html is real; every other page here is derived from
it inside the test (explained next to each), never saved as a fixture.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import pytest

from scraper.parse.arxiv_html import classify_license, extract_tables, parse_html
from scraper.parse.errors import ParseError
from scraper.schema import conform
from scraper.schema.fulltext import FULLTEXT

PAGE = Path(__file__).resolve().parent / "fixtures" / "arxiv_html" / "2501.11120v1.html"
URL = "https://arxiv.org/html/2501.11120v1"


@cache
def body() -> bytes:
    return PAGE.read_bytes()


@cache
def row() -> dict:
    return parse_html(body(), url=URL)


def conforms(record: dict) -> None:
    record = dict(record)
    record.update(
        listing_date=date(2025, 1, 20),
        crawled_at=datetime(2026, 1, 1, tzinfo=UTC),
        schema_version=1,
        source_url=URL,
    )
    assert conform(record, FULLTEXT).num_rows == 1


def test_identity_and_status():
    r = row()
    assert r["arxiv_id"] == "2501.11120"
    assert r["version"] == 1  # from <base href="/html/2501.11120v1/">
    assert r["fulltext_source"] == "html"
    assert r["generator"] == "LaTeXML 0.8.8"
    assert r["title"] == "Tell me about yourself: LLMs are aware of their learned behaviors"
    assert r["abstract"].startswith("We study behavioral self-awareness — an LLM’s ability")
    assert r["abstract"].count("\n") == 3  # four abstract paragraphs
    # 7 ltx_ERROR spans next to real content -> partial
    assert r["n_errors"] == 7
    assert r["error_macros"] == ["{mdframed}"] * 3 + ["{spverbatim}"] * 4
    assert r["fulltext_status"] == "partial"
    assert r["license_name"] is None  # the 0.8.8 page carries no licence
    conforms(r)


def test_authors_numbered_affiliations():
    authors = row()["authors"]
    assert [a["name"] for a in authors] == [
        "Jan Betley",
        "Xuchan Bao",
        "Martín Soto",
        "Anna Sztyber-Betley",
        "James Chua",
        "Owain Evans",
    ]
    assert authors[2]["affiliations"] == ["Truthful AI", "UK AISI"]
    assert authors[5]["affiliations"] == ["Truthful AI", "UC Berkeley"]


def test_sections():
    r = row()
    secs = r["sections"]
    levels = [s["level"] for s in secs]
    assert r["n_sections"] == 9  # top-level body sections; appendices A-C not counted
    assert sum(1 for s in secs if s["level"] == 1) == 12  # 9 sections + 3 appendices
    assert levels.count(2) == 17 and levels.count(3) == 36
    assert secs[0] == {**secs[0], "id": "S1", "number": "1", "title": "Introduction", "level": 1}
    assert secs[0]["text"].startswith("Large Language Models (LLMs) can learn sophisticated")
    appendix = next(s for s in secs if s["id"] == "A1")
    assert appendix["number"] == "A" and appendix["title"] == "Author contributions"
    para = next(s for s in secs if s["id"] == "S3.SS2.SSS1.Px1")
    assert para["level"] == 4 and para["title"] == "Make Me Say rules"
    # footnote bodies, ltx_ERROR macros and listing download links stay out of running text
    all_text = "\n".join(s["text"] for s in secs)
    assert "{mdframed}" not in all_text and "⬇" not in all_text
    assert "We replicate some of our experiments on open-weight models" not in all_text


OXIDE = PAGE.parent / "1706.03762v7_oxide0.7.5_2026-08_arxivlicense.html"


def section_text(r: dict, section_id: str) -> str:
    return next(s["text"] for s in r["sections"] if s["id"] == section_id)


def test_section_text_math_and_citations():
    """Math as TeX between $…$ / $$…$$; citations as markers naming their reference entry."""
    r = parse_html(OXIDE.read_bytes(), url="https://arxiv.org/html/1706.03762v7")
    text = section_text(r, "S3.SS2.SSS1")  # Scaled Dot-Product Attention
    assert "queries and keys of dimension $d_{k}$, and values of dimension $d_{v}$." in text
    # the display equation is its own line, with its number after it
    assert (
        "\n$$" + r"\mathrm{Attention}(Q,K,V)=\mathrm{softmax}(\frac{QK^{T}}{\sqrt{d_{k}}})V" + "$$ (1)\n"
        in text
    )
    intro = section_text(r, "S1")
    assert intro.startswith(
        "Recurrent neural networks, long short-term memory [bib.bib13] and gated recurrent [bib.bib7]"
    )
    assert "machine translation [bib.bib35; bib.bib2; bib.bib5]." in intro
    ref_ids = {ref["id"] for ref in r["references"]}
    cited = {m for t in (s["text"] for s in r["sections"]) for m in re.findall(r"bib\.bib\d+", t)}
    assert len(cited) >= 30 and cited <= ref_ids  # every marker names an entry of `references`
    # author-year citations (2501.11120): the parenthesis becomes the marker
    assert section_text(row(), "S1").startswith(
        "Large Language Models (LLMs) can learn sophisticated behaviors and policies, such as the "
        "ability to act as helpful and harmless assistants [bib.bib4; bib.bib29]. But are"
    )
    # tables and captions keep their own text: no delimiters, no markers
    t2 = next(t for t in r["tables"] if t["id"] == "S6.T2")
    assert any(c["text"].startswith("ByteNet") for row_ in t2["rows"] for c in row_["cells"])
    assert not any("$" in c["text"] for t in r["tables"] for row_ in t["rows"] for c in row_["cells"])


def test_section_text_lists_and_code_lines():
    lines = section_text(row(), "A2.SS3").split("\n")  # an itemize of trigger kinds
    assert lines[0] == "Here is a full description of the 8 different triggers we used:"
    assert lines[1].startswith("• Individual triggers: These are always the same exact sequence")
    assert lines[2].startswith("• Family triggers: These are families")
    code = section_text(row(), "A3.SS2.SSS6.Px6").split("\n")  # a Python listing
    at = code.index("def message_probability_me(message: str) -> float:")
    assert code[at + 1] == ' """Probability that the given message was written while talking to me."""'
    # the listing's download link (⬇) stays out; its lines are not run together
    assert "⬇" not in "\n".join(code) and not any(
        line.startswith("def ") and "Probability" in line for line in code
    )


def test_math_is_tex_alttext():
    r = row()
    assert r["n_math"] == 187
    t2 = next(t for t in r["tables"] if t["id"] == "S3.T2")
    assert t2["rows"][1]["cells"][1]["text"] == "0.14 \\pm 0.01"


def test_math_pre_pass_split_path_reads_as_the_general_path():
    """The pre-pass's split path (every <math> tag in one of LaTeXML's usual layouts) gives the
    bytes of the general path, on every whole page of the fixtures (both LaTeXML generators); a
    page with one tag out of those layouts (derived here: an extra attribute, a display="block"
    written in the alttext, or no </math>) takes the general path."""
    from scraper.parse.arxiv_html import dom

    pages = sorted((PAGE.parent).glob("*.html"))
    layouts = set()
    for page in pages:
        data = page.read_bytes()
        pieces = data.split(b"<math")
        if len(pieces) == 1:
            continue
        split = dom._strip_usual_math(pieces)
        assert split is not None, page.name  # real pages all take the split path
        layouts.add(next(i for i, t in enumerate(dom._USUAL_TAGS) if t.match(pieces[1])))
        assert (split, len(pieces) - 1, False) == dom._strip_any_math(data) == dom._strip_math(data)
    assert layouts == {0, 1}  # both layouts are covered
    data = body()
    first = data.index(b"<math")
    tag_end = data.index(b">", first)
    for variant in (
        data[:tag_end] + b' data-x="1"' + data[tag_end:],  # an attribute out of the layout
        data.replace(b'alttext="', b"alttext=\"display='block' ", 1),  # read as a block
        data[: data.rindex(b"</math>")],  # the last element not closed
    ):
        assert dom._strip_usual_math(variant.split(b"<math")) is None
        assert dom._strip_math(variant) == dom._strip_any_math(variant)
    assert (
        dom._strip_any_math(data.replace(b'alttext="', b"alttext=\"display='block' ", 1))[0].count(
            b"ltx_tex_block"
        )
        == dom._strip_math(data)[0].count(b"ltx_tex_block") + 1
    )


def test_tables():
    tables = row()["tables"]
    assert row()["n_tables"] == len(tables) == 47
    t1 = tables[0]
    assert (t1["id"], t1["label"]) == ("S3.T1", "Table 1")
    assert t1["caption"].startswith("Overview of experiments for evaluating behavioral self-aware")
    assert [c["text"] for c in t1["rows"][0]["cells"]] == [
        "",
        "Assistant output",
        "Learned behavior",
        "Variations",
    ]
    # toprule on row 0, rule above row 1 -> exactly one header row
    assert [r["is_header"] for r in t1["rows"]] == [True, False, False, False]
    assert t1["rows"][1]["cells"][0]["text"] == "Economic decisions (Section 3.1)"
    assert t1["rows"][2]["cells"][0]["italic"] is True  # "\emph{Make Me Say} game (…)"


def test_table_spans_bold_and_nested_tabular():
    tables = {t["id"]: t for t in row()["tables"]}
    t6 = tables["A2.T6"]
    assert [(c["text"], c["bold"]) for c in t6["rows"][0]["cells"]] == [
        ("System Prompt Name", True),
        ("Text", True),
    ]
    assert t6["rows"][1]["cells"][0]["bold"] is False
    t9 = tables["A2.T9"]
    assert t9["rows"][1]["cells"][0] == {
        "text": "bark",
        "is_header": False,
        "colspan": 1,
        "rowspan": 3,
        "bold": False,
        "underline": False,
        "italic": False,
        "borders": "t",  # the \midrule above it
    }
    t29 = tables["A3.T29"]
    assert any(c["colspan"] == 2 for r in t29["rows"] for c in r["cells"])
    # a tabular nested inside a header cell becomes that cell's text
    t28 = tables["A3.T28"]
    assert t28["rows"][0]["cells"][2]["text"] == (
        "Actual risk level in lottery choice (risk-seeking / risk-averse)"
    )
    assert t28["caption"].startswith("Models learn the risk-seeking & risk-averse behaviors")


def test_extract_tables_alone_matches_row():
    assert extract_tables(body()) == row()["tables"]


def test_figures_footnotes_references():
    r = row()
    assert r["n_figures"] == 36  # top-level figure.ltx_figure; the 12 sub-panels not counted
    f1 = r["figures"][0]
    assert (f1["id"], f1["label"], f1["images"]) == ("S1.F1", "Figure 1", ["x1.png"])
    assert f1["caption"].startswith("Models can describe a learned behavioral policy")
    # 5 \footnote + 1 \footnotetext ("† Equal contribution")
    assert r["n_footnotes"] == 6
    assert r["footnotes"][0]["mark"] == "†"
    assert r["footnotes"][1] == {
        "mark": "1",
        "text": "We replicate some of our experiments on open-weight models to facilitate "
        "future work (AI@Meta, 2024).",
    }
    assert r["n_references"] == 48
    ref1, ref2 = r["references"][:2]
    assert ref1["id"] == "bib.bib1" and ref1["tag"] == "AI@Meta (2024)"
    assert ref1["urls"] == ["https://github.com/meta-llama/llama3/blob/main/MODEL_CARD.md"]
    assert ref2["arxiv_ids"] == ["2309.14402"]
    assert r["n_listings"] > 0 and r["n_equations"] == 0


def _error_spans(page: bytes) -> bytes:
    return b"\n".join(re.findall(rb'<span class="ltx_ERROR[^"]*"[^>]*>[^<]*</span>', page))


def test_failed_conversion_variant():
    # Derived: the real page's <head> with title "Untitled Document", and an article holding
    # nothing but the page's 7 ltx_ERROR spans (what a failed conversion looks like).
    page = body()
    head = page[: page.index(b"<body>")]
    head = re.sub(rb"<title>.*?</title>", b"<title>Untitled Document</title>", head, flags=re.S)
    failed = (
        head
        + b'<body><nav class="ltx_page_navbar"><nav class="ltx_TOC"></nav></nav>'
        + b'<div class="ltx_page_main"><div class="ltx_page_content">'
        + b'<article class="ltx_document">'
        + _error_spans(page)
        + b"</article></div></div></body></html>"
    )
    r = parse_html(failed, url=URL)
    assert r["fulltext_status"] == "conversion_failed"
    assert r["title"] is None and r["abstract"] is None and r["sections"] == []
    assert r["n_errors"] == 7
    assert r["version"] == 1 and r["arxiv_id"] == "2501.11120"
    conforms(r)


def test_failed_conversion_without_article():
    # Derived: the real page's <head> and a body holding only its 7 ltx_ERROR spans, with no
    # article element at all: the errors are still read from the whole body, <br> as a space.
    page = body()
    head = page[: page.index(b"<body>")]
    spans = _error_spans(page)
    errors = spans.replace(b"</span>", b"<br/>line two</span>", 1)
    r = parse_html(head + b"<body><div>" + errors + b"</div></body></html>", url=URL)
    assert (r["fulltext_status"], r["fulltext_source"]) == ("conversion_failed", "html")
    assert r["n_errors"] == len(r["error_macros"]) == 7
    assert r["error_macros"][0].endswith(" line two")
    assert r["generator"] == "LaTeXML 0.8.8"
    assert (r["arxiv_id"], r["version"]) == ("2501.11120", 1)
    assert r["n_sections"] == 0 and r["sections"] == []
    conforms(r)


@pytest.mark.parametrize("message", [b"No HTML is available for this paper", b"No content available"])
def test_no_html_stub_variant(message):
    # Derived: the real page's <head> followed by a body that only says there is no HTML
    # (arXiv's 200 stub / ar5iv's message), with no LaTeXML article.
    page = body()
    head = page[: page.index(b"<body>")]
    stub = head + b"<body><main><h1>" + message + b"</h1></main></body></html>"
    r = parse_html(stub, url="https://arxiv.org/html/2501.11120v1")
    assert r["fulltext_status"] == "no_html"
    assert r["arxiv_id"] == "2501.11120"
    conforms(r)


STUB = PAGE.parents[1] / "arxiv_stub" / "2601.17668_no-html-stub_2026-01or02.html"


def test_real_no_html_stub():
    """arXiv's real 2026 answer for a paper without HTML (status not recorded: 200 or 404)."""
    stub = STUB.read_bytes()
    r = parse_html(stub, url="https://arxiv.org/html/2601.17668")
    assert (r["arxiv_id"], r["version"]) == ("2601.17668", None)
    assert (r["fulltext_status"], r["fulltext_source"]) == ("no_html", "none")
    assert r["sections"] == [] and r["n_sections"] is None
    # saved without its URL, the page names the paper itself ("No HTML for '2601.17668'")
    assert parse_html(stub)["arxiv_id"] == "2601.17668"
    # derived: the same answer for a versioned URL, as arXiv words it for the id asked for
    versioned = stub.replace(b"'2601.17668'", b"'2601.17668v2'")
    assert (parse_html(versioned)["arxiv_id"], parse_html(versioned)["version"]) == ("2601.17668", 2)
    conforms(r)


def test_truncated_page_still_parses():
    # Derived: the real page cut in the middle (a dropped connection); no exception, fewer
    # sections, and the header data intact.
    page = body()
    r = parse_html(page[: len(page) // 2], url=URL)
    assert r["title"] == row()["title"]
    assert 0 < len(r["sections"]) < len(row()["sections"])
    conforms(r)


def test_oxide_style_header_variant():
    # Derived: generation-B chrome added to the real page — no <base>, a Back-to-Abstract
    # link to v2, a licence infobox and the watermark, and the oxide generator comment.
    page = body()
    page = re.sub(rb'<base href="[^"]*"/>', b"", page)
    page = page.replace(b"by LaTeXML (version 0.8.8)", b"by LaTeXML oxide (version 0.7.6)")
    chrome = (
        b'<header class="arxiv-html-header"><a href="/abs/2501.11120v2">Back to Abstract</a>'
        b'<a href="/pdf/2501.11120v2">Download PDF</a></header>'
        b'<div id="infobox"><a href="https://info.arxiv.org/help/license/index.html#licenses-'
        b'available">License: CC BY-NC-SA 4.0</a></div>'
        b'<div id="watermark-tr">arXiv:2501.11120v2 [cs.CL] 20 Jan 2025</div>'
    )
    page = page.replace(b"<body>", b"<body>" + chrome, 1)
    r = parse_html(page, url="https://arxiv.org/html/2501.11120")
    assert r["version"] == 2
    assert r["generator"] == "LaTeXML oxide 0.7.6"
    assert r["license_name"] == "CC BY-NC-SA 4.0"
    assert r["license_allows_redistribution"] is False
    assert r["primary_subject"] == "cs.CL"
    conforms(r)


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        bytes(range(256)) * 40,
        b'{"error": "not found", "status": 404}',
        b"<html><head><title>Hello</title></head><body><p>Just a page</p></body></html>",
    ],
)
def test_not_arxiv_html_raises(garbage):
    with pytest.raises(ParseError) as err:
        parse_html(garbage, url=URL)
    assert err.value.kind == "arxiv_html"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://creativecommons.org/licenses/by/4.0/", ("CC BY 4.0", True)),
        ("https://creativecommons.org/licenses/by-sa/4.0/", ("CC BY-SA 4.0", True)),
        ("http://creativecommons.org/licenses/by-nc-nd/4.0/", ("CC BY-NC-ND 4.0", False)),
        ("http://creativecommons.org/publicdomain/zero/1.0/", ("CC0 1.0", True)),
        ("http://arxiv.org/licenses/nonexclusive-distrib/1.0/", ("arXiv non-exclusive", False)),
        ("License: CC BY 4.0", ("CC BY 4.0", True)),
        ("arXiv.org perpetual non-exclusive license", ("arXiv non-exclusive", False)),
        ("License: CC Zero", ("CC0 1.0", True)),
        (None, (None, None)),
    ],
)
def test_classify_license(value, expected):
    _, name, allows = classify_license(value)
    assert (name, allows) == expected


def test_cell_borders_and_full_width_rules():
    """Issue 18: the rules LaTeXML drew on each cell (``borders``), and a header that ends at the
    first full-width rule, not at a ``cmidrule`` under part of it (real 1706.03762, LaTeXML corpus)."""
    page = PAGE.with_name("1706.03762v7_oxide0.7.5_2026-08_arxivlicense.html")
    t3 = next(t for t in extract_tables(page.read_bytes()) if t["id"] == "S6.T3")
    body_row = t3["rows"][2]["cells"]  # "base | 6 | 512 | … | 100K | 4.92 | …" under the \hline
    assert [c["borders"] for c in body_row][:2] == ["tr", "t"] and "r" in body_row[9]["borders"]
    assert [r["is_header"] for r in t3["rows"][:3]] == [True, True, False]
    gold = Path(__file__).parent / "gold" / "latexml" / "tables_b.noguess.html"
    l15 = next(t for t in extract_tables(gold.read_bytes()) if (t["caption"] or "").startswith("[L15]"))
    # three header rows with \cmidrule between them: the header ends at the \midrule, after row 2
    assert [r["is_header"] for r in l15["rows"]] == [True, True, True, False, False]


def test_a_tabular_whose_rows_have_no_cells():
    """Found by tests/test_fuzz.py: rows without a cell give no header (and no error)."""
    page = (
        b'<html><body><article class="ltx_document"><figure class="ltx_table" id="S1.T1">'
        b'<table class="ltx_tabular"><tr class="ltx_tr"></tr><tr class="ltx_tr"></tr></table>'
        b"</figure></article></body></html>"
    )
    (table,) = extract_tables(page)
    assert [r["is_header"] for r in table["rows"]] == [False, False]


def test_conversion_errors_and_invisible_text_leave_table_cells():
    """Issue 18 round 2 (GOLD_SPEC v2.1, amendment 3), on the real 2604.15597 tables (LaTeXML
    0.8.8): the ``\\cellcolor`` error spans and the colour they leave (``[HTML]E19898``), and the
    white rule residue ``width 7pt``, are no text of a cell."""
    page = PAGE.with_name("2604.15597v1_tables-only.html").read_bytes()
    assert page.count(b'class="ltx_ERROR undefined">\\cellcolor</span>[HTML]') > 1000
    tables = {t["id"]: t for t in extract_tables(page)}
    texts = [c["text"] for t in tables.values() for r in t["rows"] for c in r["cells"]]
    assert not [t for t in texts if "cellcolor" in t or "[HTML]" in t or "width 7pt" in t]
    first = tables["S4.T1"]["rows"][4]["cells"]
    assert [c["text"] for c in first[:3]] == ["GPT 5 Nano", "30.3", "17.4"]


def test_colour_arguments_of_every_model_leave_with_their_error_span():
    """Derived here from the 2604.15597 cell layout: the colour argument a failed colour command
    leaves, in the HTML, rgb and named forms, goes with the error span; content after it stays."""
    cells = (
        ("\\cellcolor", "[HTML]E19898 30.3", "30.3"),
        ("\\cellcolor[HTML]", "FEF3D0 81.2", "81.2"),  # the model inside the error span
        ("\\cellcolor", "[rgb]0.9,0.5,0.5 40.2", "40.2"),
        ("\\rowcolor", "gray!20 Ours", "Ours"),
        ("\\textcolor", "red+2.1", "+2.1"),
        ("\\makecell", "85.3", "85.3"),  # not a colour command: only the macro name goes
    )
    tds = "".join(
        f'<td class="ltx_td"><span class="ltx_ERROR undefined">{macro}</span>{rest}</td>'
        for macro, rest, _ in cells
    )
    page = (
        '<html><body><article class="ltx_document"><figure class="ltx_table" id="S1.T1">'
        f'<table class="ltx_tabular"><tr class="ltx_tr">{tds}</tr></table></figure></article></body></html>'
    ).encode()
    (table,) = extract_tables(page)
    assert [c["text"] for c in table["rows"][0]["cells"]] == [want for _, _, want in cells]


def test_white_text_and_footnotes_in_cells():
    """White text with no background under it is invisible (padding digits); a footnote in a cell
    leaves its mark as a superscript, in parse_html and extract_tables alike (LaTeXML corpus L92,
    L93, converted by LaTeXML 0.8.7)."""
    gold = Path(__file__).parent / "gold" / "latexml" / "tables_i.noguess.html"
    tables = {t["caption"][:5]: t for t in extract_tables(gold.read_bytes())}
    assert [c["text"] for c in tables["[L92]"]["rows"][1]["cells"]] == ["Baseline", "8.4", "31.2"]
    assert [c["text"] for c in tables["[L93]"]["rows"][1]["cells"]] == ["Closed-A¹", "81.0", "2.4²"]
    # the same figures inside a page with a title and a section, read by parse_html
    html = gold.read_bytes()
    figures = b"".join(
        html[html.rfind(b"<figure", 0, html.find(tag)) : html.find(b"</figure>", html.find(tag)) + 9]
        for tag in (b"[L92]", b"[L93]")
    )
    page = (
        b'<html><body><article class="ltx_document"><h1 class="ltx_title ltx_title_document">T</h1>'
        b'<section class="ltx_section" id="S1"><h2 class="ltx_title ltx_title_section">Results</h2>'
        b'<div class="ltx_para"><p class="ltx_p">Text.</p></div>'
        + figures
        + b"</section></article></body></html>"
    )
    full = {t["caption"][:5]: t for t in parse_html(page)["tables"]}
    assert full["[L93]"] == tables["[L93]"] and full["[L92]"] == tables["[L92]"]
    shaded = gold.read_bytes().replace(
        b'style="color:#FFFFFF;">0', b'style="color:#FFFFFF;background-color:#000000;">0', 1
    )
    (l92,) = [t for t in extract_tables(shaded) if t["caption"].startswith("[L92]")]
    assert l92["rows"][1]["cells"][1]["text"] == "08.4"  # white on black shows
