"""arXiv Atom API parser on the real captured feeds in tests/fixtures/arxiv_api."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from scraper.parse.arxiv_atom import atom_query_url, parse_atom, split_id_version
from scraper.parse.errors import ParseError
from scraper.schema.arxiv import ARXIV_META_FIELDS

API = Path(__file__).resolve().parent / "fixtures" / "arxiv_api"


def feed(name: str):
    return parse_atom((API / name).read_bytes(), url=f"https://export.arxiv.org/api/{name}")


def test_single_versioned_id():
    f = feed("idlist_2104.12255v1.xml")
    assert f.total_results == 1 and f.errors == []
    (e,) = f.entries
    assert e["arxiv_id"] == "2104.12255"
    assert e["arxiv_version"] == 1
    assert len(e["arxiv_authors"]) == 1
    assert e["arxiv_comment"] is None


def test_unversioned_lookup_has_comment():
    (e,) = feed("idlist_1707.08567.xml").entries
    assert e["arxiv_id"] == "1707.08567"
    assert e["arxiv_version"] == 1
    assert e["arxiv_comment"]


def test_one_missing_id_is_silently_dropped():
    f = feed("idlist_0808.05394_1707.08567_one-missing.xml")
    assert f.total_results == 1
    assert [e["arxiv_id"] for e in f.entries] == ["1707.08567"]


def test_zero_results():
    f = feed("idlist_0000.0000_empty.xml")
    assert f.total_results == 0
    assert f.entries == [] and f.errors == []


def test_http_400_error_feed():
    f = feed("idlist_abc_http400_error.xml")
    assert f.entries == []
    assert f.errors == ["incorrect id format for abc"]


def test_old_style_id_with_affiliations_and_journal_ref():
    (e,) = feed("idlist_astro-ph_0601001_oldstyle.xml").entries
    assert e["arxiv_id"] == "astro-ph/0601001"
    assert e["arxiv_version"] == 1
    assert e["arxiv_title"].startswith("Frequency of Hot Jupiters and Very Hot Jupiters")
    assert e["arxiv_primary_category"] == "astro-ph"
    assert e["arxiv_categories"] == ["astro-ph"]
    assert e["arxiv_journal_ref"] == "ActaAstron.56:1-50,2006"
    assert e["arxiv_authors"][0] == {"name": "Andrew Gould", "affiliations": ["Ohio State"]}
    assert e["arxiv_authors"][3]["affiliations"] == ["Warsaw University Observatory"]
    assert e["arxiv_published"] == datetime(2006, 1, 2, 14, 57, 58, tzinfo=UTC)
    assert e["arxiv_abstract"].startswith("We derive the frequencies")  # leading spaces gone


def test_old_style_versioned_id():
    (e,) = feed("idlist_quant-ph_0201082v1.xml").entries
    assert (e["arxiv_id"], e["arxiv_version"]) == ("quant-ph/0201082", 1)


def test_search_feed_doi_and_paging():
    f = feed("search_testing_start0_max10.xml")
    assert f.total_results == 214881 and f.start_index == 0 and len(f.entries) == 10
    by_id = {e["arxiv_id"]: e for e in f.entries}
    assert by_id["2202.12139"]["arxiv_doi"] == "10.1109/ICSTW55395.2022.00035"
    assert by_id["2005.14124"]["arxiv_version"] == 2
    assert by_id["2005.14124"]["arxiv_updated"] > by_id["2005.14124"]["arxiv_published"]
    assert feed("search_testing_start50_max10.xml").start_index == 50


def test_category_search_feed():
    f = feed("search_cat-cs.AI-LG-CL_max25_2026-08-02.xml")
    assert f.total_results == 449736 and len(f.entries) == 25
    assert all(e["arxiv_id"].startswith("2607.") for e in f.entries)
    assert all(e["arxiv_primary_category"] in e["arxiv_categories"] for e in f.entries)


def test_entries_fit_arxiv_meta_fields():
    schema = pa.schema(ARXIV_META_FIELDS)
    for path in sorted(API.glob("*.xml")):
        for e in parse_atom(path.read_bytes()).entries:
            row = {k: v for k, v in e.items() if k != "arxiv_id"}
            assert set(row) == set(schema.names)
            pa.Table.from_pylist([row], schema=schema)


def test_namespace_prefixes_do_not_matter():
    # Derived variant: the one-missing feed rewritten with other prefixes (older API style
    # declares namespaces per element); parsing must follow namespace URIs, not prefixes.
    body = (API / "idlist_astro-ph_0601001_oldstyle.xml").read_bytes()
    body = body.replace(b"xmlns:arxiv=", b"xmlns:ax=").replace(b"<arxiv:", b"<ax:")
    body = body.replace(b"</arxiv:", b"</ax:")
    body = body.replace(b"xmlns:opensearch=", b"xmlns:os=").replace(b"opensearch:", b"os:")
    f = parse_atom(body)
    assert f.total_results == 1
    assert f.entries[0]["arxiv_journal_ref"] == "ActaAstron.56:1-50,2006"


@pytest.mark.parametrize("body", [b"", b"not xml at all", b'{"a": 1}', b"<html><body/></html>"])
def test_garbage_raises_parse_error(body):
    with pytest.raises(ParseError) as err:
        parse_atom(body, url="https://export.arxiv.org/api/query?id_list=x")
    assert err.value.kind == "arxiv_atom"


def test_split_id_version():
    assert split_id_version("2501.11120v2") == ("2501.11120", 2)
    assert split_id_version("2501.11120") == ("2501.11120", None)
    assert split_id_version("http://arxiv.org/abs/astro-ph/0601001v1") == ("astro-ph/0601001", 1)
    assert split_id_version("arXiv:2401.00596v3") == ("2401.00596", 3)


def test_atom_query_url():
    url = atom_query_url("https://export.arxiv.org", ["2501.11120", "astro-ph/0601001"])
    assert url == ("https://export.arxiv.org/api/query?id_list=2501.11120,astro-ph/0601001&max_results=2")
    assert atom_query_url("https://export.arxiv.org/api/query", ["1"]).count("/api/query") == 1
    with pytest.raises(ValueError):
        atom_query_url("https://export.arxiv.org", [str(i) for i in range(101)])
