"""Themes: the period's papers grouped by topic from their own text — no language model, no network.

1. Terms. A paper's words and two-word phrases (side by side in its text, never across punctuation
   or a stop word), lower case, from its title (counted TITLE_WEIGHT times: the densest statement
   of its topic), its HF `ai_keywords` and its abstract.
2. Vectors. TF-IDF of those terms (scikit-learn's TfidfVectorizer formula, computed with SciPy so
   that no scikit-learn import is paid at run time: `tfidf`), dropping terms in one paper only or
   in more than MAX_DOCUMENT_SHARE of the period's papers (they tell no topic apart that week),
   joined with two smaller blocks: the `ai_keywords` as whole phrases, and the arXiv categories.
3. Clusters. Average-linkage agglomerative clustering on cosine distance (SciPy), cut at
   MERGE_DISTANCE: two groups merge while their papers are on average at least 1 − MERGE_DISTANCE
   similar, so the number of themes follows the period (nothing like k is fixed). A group larger
   than MAX_THEME_SHARE of the papers is split along its dendrogram into its sub-groups (no
   catch-all theme), a group smaller than MIN_THEME_SIZE is no theme. A paper left over joins the
   theme it is most similar to (mean cosine) when that reaches ATTACH_SIMILARITY, else it goes to
   "Other".
4. Names. Class-based TF-IDF over title and keyword terms, the theme as the class: the share of the
   theme's papers using a term (titles counting TITLE_WEIGHT times) times ln(1 + papers / papers
   using it). Only terms used by two of the theme's papers and NAME_LIFT times as often in the theme
   as overall can name it ("LLM" names nothing in a week of LLM papers); a word mostly used inside
   one of the theme's phrases gives way to the phrase; singular and plural count as one. The best
   NAME_TERMS terms, none part of another, spelled as the papers write them ("GRPO", "LLM agents",
   "image editing").

Deterministic: papers are clustered in `arxiv_id` order (not in rank order: changed upvotes never
move a paper to another theme), every sort has explicit tie-breaks, and the arithmetic is sparse
matrix products and SciPy's hierarchical clustering (single-threaded, no random state). A period of
fewer than MIN_PAPERS papers gets no themes, and the digest says why.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scraper.use.digest.stopwords import ENGLISH_STOP_WORDS

MIN_PAPERS = 20  # fewer papers: no themes (a day of 5 papers has no topics to group)
MIN_THEME_SIZE = 3
MERGE_DISTANCE = 0.96  # cosine distance at which the dendrogram is cut (average linkage)
ATTACH_SIMILARITY = 0.10  # a left-over paper joins a theme at this mean cosine similarity or more
MAX_THEME_SHARE = 0.15  # a bigger group is split along its dendrogram into its sub-groups
MAX_DOCUMENT_SHARE = 0.15  # words in more of the period's papers are too common to tell topics apart
TITLE_WEIGHT = 2  # the title counts twice
KEYWORD_PHRASE_WEIGHT = 0.5  # whole `ai_keywords` phrases, relative to the words block
CATEGORY_WEIGHT = 0.3  # arXiv categories, relative to the words block
NAME_TERMS = 3
NAME_LIFT = 3.0  # a name term is used by a theme's papers at least this many times as often as by all

# Words that name no topic, besides the English stop words: the vocabulary of paper writing itself.
# Kept generic on purpose (no word picked for one week's papers).
PAPER_WORDS = frozenset([
    "ability", "able", "achieve", "achieved", "achieves", "achieving", "address", "addresses", "approach",
    "approaches", "art", "available", "based", "benchmark", "benchmarks", "better", "capabilities",
    "capability", "challenge", "challenges", "code", "com", "comprehensive", "current", "data", "dataset",
    "datasets", "demonstrate", "demonstrates", "demonstrating", "design", "different", "does", "effective",
    "effectively", "efficient", "enable", "enables", "existing", "experiment", "experiments", "extensive",
    "framework", "gains", "github", "http", "https", "improve", "improved", "improvement", "improvements",
    "improves", "improving", "including", "introduce", "introduces", "key", "large", "largely", "leading",
    "leverage", "leverages", "method", "methods", "model", "models", "new", "novel", "open", "outperform",
    "outperforms", "paper", "performance", "present", "presents", "problem", "propose", "proposed",
    "proposes", "provide", "provides", "recent", "release", "released", "remain", "remains", "result",
    "results", "shows", "show", "significant", "significantly", "source", "specific", "state", "study",
    "studies", "superior", "task", "tasks", "technique", "techniques", "use", "used", "uses", "using",
    "various", "work", "works", "beyond", "boosting", "enhance", "enhanced", "enhancing", "fine-grained",
    "high-fidelity", "real-world", "rethinking", "revisiting", "structured", "think", "toward", "towards",
    "unleashing", "unlocking",
])  # fmt: skip
# Tokens: words of two or more characters with a letter ("3D", not "2025"), hyphenated compounds
# kept whole ("vision-language").
WORD_PATTERN = r"\b(?=\w*[^\W\d_])\w\w+(?:-\w+)*\b"
_WORD = re.compile(WORD_PATTERN)
# A word (group 1), or punctuation that ends a phrase (no group: an empty match of the group).
_WORD_OR_BREAK = re.compile(rf"({WORD_PATTERN})|[,;:()\[\]{{}}.!?/|]|\s-\s")


@dataclass(frozen=True)
class PaperText:
    """What the themes are made from, for one paper."""

    arxiv_id: str
    title: str
    abstract: str = ""
    keywords: Sequence[str] = ()
    categories: Sequence[str] = ()


@dataclass(frozen=True)
class Theme:
    name: str
    terms: tuple[str, ...]  # the distinctive terms the name is made of, best first
    arxiv_ids: tuple[str, ...]  # in the order the papers were given (the digest's rank order)


@dataclass
class Themes:
    themes: list[Theme] = field(default_factory=list)  # most papers first
    other: list[str] = field(default_factory=list)  # arxiv_ids in no theme, in the given order
    skipped: str | None = None  # why there are no themes, in words for the reader

    def theme_of(self) -> dict[str, Theme]:
        return {arxiv_id: theme for theme in self.themes for arxiv_id in theme.arxiv_ids}


def _phrases(text: str) -> list[str]:
    """The words of `text` and its two-word phrases, lower case, stop words out; a phrase is two
    words written side by side (never across punctuation or a stop word: "reinforcement learning
    with verifiable rewards" has "reinforcement learning" and "verifiable rewards")."""
    stop = _stop_words()
    # One pass: words, and punctuation that breaks phrases (empty word); stop words break them too.
    tokens = [word if word and word not in stop else "" for word in _WORD_OR_BREAK.findall(text.lower())]
    return [t for t in tokens if t] + [
        f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False) if a and b
    ]


@dataclass(frozen=True)
class _Terms:
    words: list[str]  # for the TF-IDF vectors: title (TITLE_WEIGHT times), keywords and abstract
    naming: dict[str, int]  # for names: title and keyword terms, TITLE_WEIGHT when the title has it


def _terms(paper: PaperText) -> _Terms:
    title = _phrases(paper.title)
    keywords = [term for keyword in paper.keywords for term in _phrases(keyword)]
    naming = dict.fromkeys(map(_singular, keywords), 1) | dict.fromkeys(map(_singular, title), TITLE_WEIGHT)
    return _Terms(title * TITLE_WEIGHT + keywords + _phrases(paper.abstract), naming)


def _singular(term: str) -> str:
    """A term with its words' plural s taken off, so that "agents" and "agent" name one thing
    (not from "-ss", "-us", "-is" words: "process", "corpus", "analysis")."""
    return " ".join(
        word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) else word
        for word in term.split(" ")
    )


def find_themes(papers: Sequence[PaperText]) -> Themes:
    """Group `papers` (given in rank order) into themes; see the module docstring."""
    ids = [paper.arxiv_id for paper in papers]
    if len(set(ids)) != len(ids):
        raise ValueError("each paper must be given once")
    if len(papers) < MIN_PAPERS:
        many = "1 paper is" if len(papers) == 1 else f"{len(papers)} papers are"
        return Themes(other=ids, skipped=f"{many} too few for themes (they need {MIN_PAPERS} or more)")
    ordered = sorted(papers, key=lambda paper: paper.arxiv_id)  # independent of rank and input order
    terms = [_terms(paper) for paper in ordered]
    groups: dict[int, list[PaperText]] = {}
    for paper, label in zip(ordered, _cluster(ordered, terms), strict=True):
        if label >= 0:
            groups.setdefault(label, []).append(paper)
    if not groups:
        return Themes(other=ids, skipped="no group of papers shares enough of its words")
    naming = {paper.arxiv_id: found.naming for paper, found in zip(ordered, terms, strict=True)}
    users: Counter[str] = Counter()  # papers using each naming term
    for found in terms:
        users.update(found.naming.keys())
    rank = {arxiv_id: place for place, arxiv_id in enumerate(ids)}
    themes = []
    for group in groups.values():
        name = _name(group, naming, users)
        members = sorted((paper.arxiv_id for paper in group), key=rank.__getitem__)
        themes.append(Theme(_title_case(name), tuple(name), tuple(members)))
    # Most papers first; equal sizes: the theme whose best paper ranks higher.
    themes.sort(key=lambda theme: (-len(theme.arxiv_ids), rank[theme.arxiv_ids[0]]))
    grouped = {arxiv_id for theme in themes for arxiv_id in theme.arxiv_ids}
    return Themes(themes=themes, other=[arxiv_id for arxiv_id in ids if arxiv_id not in grouped])


def tfidf(
    documents: Sequence[Sequence[str]], min_count: int = 2, max_share: float = 1.0
) -> tuple[Any, list[str]]:
    """TF-IDF rows (SciPy CSR), one per document of terms, with scikit-learn's TfidfVectorizer
    formula (tests/test_digest_themes.py checks it against scikit-learn): sublinear term frequency
    1 + ln(count), smooth idf ln((1 + n) / (1 + df)) + 1, each row scaled to unit length. Terms in
    fewer than `min_count` documents or in more than `max_share` of them are left out; the columns
    are the kept terms in sorted order. Returns (matrix, terms)."""
    import numpy as np
    import scipy.sparse as sp

    n = len(documents)
    seen: dict[str, int] = {}  # term -> its number, in order of first use
    rows = np.repeat(np.arange(n), [len(document) for document in documents])
    columns = np.fromiter(
        (seen.setdefault(term, len(seen)) for document in documents for term in document),
        dtype=np.int64,
        count=len(rows),
    )
    counts = sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(n, len(seen)))
    counts.sum_duplicates()
    in_documents = np.bincount(counts.indices, minlength=len(seen))
    terms = np.array(list(seen), dtype=object)
    keep = np.flatnonzero((in_documents >= min_count) & (in_documents <= max_share * n))
    keep = keep[np.argsort(terms[keep].astype(str), kind="stable")]  # columns in term order
    matrix = counts[:, keep].tocsr()
    matrix.data = 1.0 + np.log(matrix.data)
    idf = np.log((1.0 + n) / (1.0 + in_documents[keep])) + 1.0
    return _unit_rows(matrix.multiply(idf).tocsr()), [str(t) for t in terms[keep]]


def _unit_rows(matrix: Any) -> Any:
    """Each row divided by its length (rows of zeros stay zeros)."""
    import numpy as np
    import scipy.sparse as sp

    lengths = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    lengths[lengths == 0] = 1.0
    return sp.diags(1.0 / lengths) @ matrix


def _vectors(papers: Sequence[PaperText], terms: Sequence[_Terms]) -> Any:
    """One unit-length row per paper: its words, its keyword phrases and its categories, weighted."""
    import scipy.sparse as sp

    blocks = [tfidf([found.words for found in terms], max_share=MAX_DOCUMENT_SHARE)[0]]
    for weight, lists in (
        (KEYWORD_PHRASE_WEIGHT, [[k.lower() for k in p.keywords] for p in papers]),
        (CATEGORY_WEIGHT, [list(p.categories) for p in papers]),
    ):
        matrix, kept = tfidf(lists)
        if kept:  # some phrase (category) shared by two papers
            blocks.append(weight * matrix)
    return _unit_rows(sp.hstack(blocks).tocsr()).tocsr()


def _cluster(papers: Sequence[PaperText], terms: Sequence[_Terms]) -> list[int]:
    """A group number per paper (-1: Other)."""
    import numpy as np
    from scipy.cluster.hierarchy import linkage, to_tree
    from scipy.spatial.distance import squareform

    vectors = _vectors(papers, terms)
    similarity = (vectors @ vectors.T).toarray()
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    root = to_tree(linkage(squareform(distance, checks=False), method="average"))
    largest = max(MIN_THEME_SIZE, math.floor(MAX_THEME_SHARE * len(papers)))
    labels = [-1] * len(papers)
    groups: list[list[int]] = []
    pending = [root]
    while pending:  # depth first, left to right: the same tree gives the same groups in the same order
        node = pending.pop()
        if node.dist <= MERGE_DISTANCE and node.count <= largest:
            if node.count >= MIN_THEME_SIZE:
                groups.append(sorted(node.pre_order()))
        elif not node.is_leaf():
            pending += [node.right, node.left]
    for number, members in enumerate(groups):
        for i in members:
            labels[i] = number
    if not groups:
        return labels
    closeness = np.stack([similarity[:, members].mean(axis=1) for members in groups], axis=1)
    for i, label in enumerate(labels):
        if label == -1:
            best = int(np.argmax(closeness[i]))  # the first of equals: the lower group number
            if closeness[i, best] >= ATTACH_SIMILARITY:
                labels[i] = best
    return labels


# Bigrams never span punctuation: "Optimization (GRPO)" has no "optimization grpo".
_SEGMENTS = re.compile(r"[,;:()\[\]{}.!?/|]+|\s-\s")


@functools.cache
def _stop_words() -> frozenset[str]:
    return ENGLISH_STOP_WORDS | PAPER_WORDS


def _name(group: Sequence[PaperText], terms: dict[str, dict[str, int]], users_all: Counter[str]) -> list[str]:
    """The group's NAME_TERMS most distinctive terms (class-based TF-IDF), spelled as the papers do.
    `terms`: every paper's weighted naming terms; `users_all`: how many papers use each term."""
    inside: Counter[str] = Counter()
    users: Counter[str] = Counter()  # papers of the group using the term
    for paper in group:
        inside.update(terms[paper.arxiv_id])
        users.update(terms[paper.arxiv_id].keys())
    n = len(terms)

    def weight(term: str) -> float:
        # Class-based TF-IDF with the theme as the class: how much of the theme uses the term
        # (a title counting TITLE_WEIGHT times a keyword) times how rare it is among all papers.
        return inside[term] / len(group) * math.log(1 + n / users_all[term])

    def distinctive(term: str) -> bool:
        # Used by two papers of the theme at least, and relatively at least NAME_LIFT times as
        # often as by all papers ("LLM" in a week of LLM papers names nothing).
        return users[term] >= 2 and users[term] / len(group) >= NAME_LIFT * users_all[term] / n

    candidates = sorted(filter(distinctive, inside), key=lambda t: (-weight(t), t))
    phrases: dict[str, list[str]] = {}  # word -> the candidate phrases it is part of
    for candidate in candidates:
        if " " in candidate:
            for word in candidate.split():
                phrases.setdefault(word, []).append(candidate)
    chosen: list[str] = []
    for term in candidates:
        if " " not in term:
            # A word that mostly occurs inside one of the theme's phrases is named by that phrase.
            phrase = max(phrases.get(term, ()), key=lambda p: (users[p], -len(p), p), default=None)
            if phrase is not None and users[phrase] * 2 >= users[term]:
                term = phrase
        words = set(term.split())
        if any(words <= set(better.split()) or set(better.split()) <= words for better in chosen):
            continue  # "video" after "video generation", or the reverse
        chosen.append(term)
        if len(chosen) == NAME_TERMS:
            break
    spelled = _spellings(group, chosen)
    return [spelled[term] for term in chosen] or ["(unnamed)"]


def _spellings(group: Sequence[PaperText], terms: Sequence[str]) -> dict[str, str]:
    """How the group's titles and keywords write each term ("grpo" → "GRPO", "agent" → "agents")."""
    texts = [text for paper in group for text in (paper.title, *paper.keywords)]
    found = {}
    for term in terms:
        words = r"[\s-]+".join(re.escape(word) + "s?" for word in term.split(" "))
        pattern = re.compile(rf"(?<![\w-]){words}(?![\w-])", re.IGNORECASE)
        forms = Counter(match.group(0) for text in texts for match in pattern.finditer(text))
        found[term] = _spelling(term, forms) if forms else term
    return found


def _spelling(term: str, forms: Counter[str]) -> str:
    """The papers' most common form of the term ("agents" over "agent"), in lower case when they
    ever write that form so, else with only-capitalised parts (a title's Title Case) lowered:
    "GRPO", "LLM Agents" → "LLM agents", "Fine-Tuning" → "fine-tuning"."""
    by_word: Counter[str] = Counter()
    for form, times in forms.items():
        by_word[form.lower()] += times
    word = min(by_word, key=lambda w: (-by_word[w], w))
    if word in forms:
        return word
    form = min((f for f in forms if f.lower() == word), key=lambda f: (-forms[f], f))
    return re.sub(r"\b[^\W\d_][^\W_]+", _lower_if_title_case, form)


def _lower_if_title_case(match: re.Match[str]) -> str:
    part = match.group(0)
    return part.lower() if part[1:] == part[1:].lower() else part


def _title_case(terms: Sequence[str]) -> str:
    first, *rest = terms
    return ", ".join([first[:1].upper() + first[1:], *rest])
