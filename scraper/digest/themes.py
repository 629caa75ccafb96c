"""Themes: the period's papers grouped by topic from their own text — no language model, no network.

1. Each paper is a TF-IDF vector (scikit-learn) of its words — title (counted twice: it is the
   densest statement of the topic), HF's `ai_keywords` and the abstract, as words and two-word
   phrases — joined with two smaller blocks: its `ai_keywords` as whole phrases and its arXiv
   categories. Words in more than MAX_DOCUMENT_SHARE of the period's papers say nothing about a
   topic that week ("language", "reasoning" in a week of LLM papers) and are dropped, as are words
   in only one paper.
2. Average-linkage agglomerative clustering on cosine distance, cut at MERGE_DISTANCE: two groups
   merge while their papers are, on average, at least 1 − MERGE_DISTANCE similar. No number of
   themes is fixed in advance; a week of many topics gets many themes.
3. A group of fewer than MIN_THEME_SIZE papers is no theme: its papers go to "Other". A paper left
   over joins the theme it is most similar to (mean cosine) when that similarity reaches
   ATTACH_SIMILARITY, else it stays in "Other".
4. Names, class-based TF-IDF (as in BERTopic): each theme's text is one document, its terms are
   weighted by how often the theme uses them against how often all themes do, and the best
   NAME_TERMS terms that are not part of a better one name it, written as the papers write them
   ("GRPO", "LLM agents", "image editing").

Deterministic: papers are clustered in `arxiv_id` order (not in rank order, so changing upvotes
never move a paper to another theme), every sort is stable with explicit tie-breaks, and the
arithmetic is sparse matrix products and the hierarchical clustering of SciPy (single-threaded, no
random state). A period of fewer than MIN_PAPERS papers gets no themes, and the digest says why.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

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

# Words of any abstract that name no topic: scikit-learn's English list plus the vocabulary of
# paper writing itself. Kept short and generic on purpose (no week-specific tuning).
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
    "high-fidelity", "real-world", "rethinking", "revisiting", "structured", "toward", "towards",
    "unleashing", "unlocking",
])  # fmt: skip
# Tokens: words of two or more characters with a letter ("3D", not "2025"), hyphenated compounds
# kept whole ("vision-language").
WORD_PATTERN = r"(?u)\b(?=\w*[^\W\d_])\w\w+(?:-\w+)*\b"
_WORD = re.compile(WORD_PATTERN)


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


def _words_of(paper: PaperText) -> str:
    return " ; ".join([paper.title] * TITLE_WEIGHT + [" ; ".join(paper.keywords), paper.abstract])


def find_themes(papers: Sequence[PaperText]) -> Themes:
    """Group `papers` (given in rank order) into themes; see the module docstring."""
    ids = [paper.arxiv_id for paper in papers]
    if len(set(ids)) != len(ids):
        raise ValueError("each paper must be given once")
    if len(papers) < MIN_PAPERS:
        return Themes(
            other=ids,
            skipped=f"{len(papers)} papers are too few for themes (they need {MIN_PAPERS} or more)",
        )
    ordered = sorted(papers, key=lambda paper: paper.arxiv_id)  # independent of rank and input order
    labels = _cluster(ordered)
    groups: dict[int, list[PaperText]] = {}
    for paper, label in zip(ordered, labels, strict=True):
        if label >= 0:
            groups.setdefault(label, []).append(paper)
    named = [(_name(group, ordered), group) for group in groups.values()]
    rank = {arxiv_id: place for place, arxiv_id in enumerate(ids)}
    themes = [
        Theme(
            name=_title_case(terms),
            terms=tuple(terms),
            arxiv_ids=tuple(sorted((p.arxiv_id for p in group), key=rank.__getitem__)),
        )
        for terms, group in named
    ]
    # Most papers first; equal sizes: the theme whose best paper ranks higher.
    themes.sort(key=lambda theme: (-len(theme.arxiv_ids), rank[theme.arxiv_ids[0]]))
    grouped = {arxiv_id for theme in themes for arxiv_id in theme.arxiv_ids}
    if not themes:
        return Themes(other=ids, skipped="no group of papers shares enough of its vocabulary")
    return Themes(themes=themes, other=[i for i in ids if i not in grouped])


def _vectors(papers: Sequence[PaperText]):
    """One L2-normalised row per paper: words, keyword phrases and categories, weighted."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
    from sklearn.preprocessing import normalize

    words = TfidfVectorizer(
        token_pattern=WORD_PATTERN,
        stop_words=sorted(ENGLISH_STOP_WORDS | PAPER_WORDS),
        ngram_range=(1, 2),
        min_df=2,
        max_df=MAX_DOCUMENT_SHARE,
        sublinear_tf=True,
    )
    blocks = [normalize(words.fit_transform([_words_of(p) for p in papers]))]
    for weight, lists in (
        (KEYWORD_PHRASE_WEIGHT, [[k.lower() for k in p.keywords] for p in papers]),
        (CATEGORY_WEIGHT, [list(p.categories) for p in papers]),
    ):
        if sum(map(len, lists)) == 0:
            continue
        phrases = TfidfVectorizer(analyzer=_as_is, min_df=2, sublinear_tf=True)
        try:
            blocks.append(weight * normalize(phrases.fit_transform(lists)))
        except ValueError:  # no phrase shared by two papers
            continue
    return normalize(sp.hstack(blocks).tocsr())


def _as_is(items: list[str]) -> list[str]:
    return items


def _cluster(papers: Sequence[PaperText]) -> list[int]:
    """A group number per paper (-1: Other)."""
    import numpy as np
    from scipy.cluster.hierarchy import linkage, to_tree
    from scipy.spatial.distance import squareform

    vectors = _vectors(papers)
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


def _segments(paper: PaperText) -> list[list[str]]:
    """The title's and each keyword's runs of tokens between punctuation, as written."""
    texts = [paper.title, *paper.keywords]
    return [_WORD.findall(part) for text in texts for part in _SEGMENTS.split(text)]


def _terms(paper: PaperText) -> dict[str, int]:
    """Words and two-word phrases of a paper's title and keywords (lower case, stop words out),
    each with its weight: TITLE_WEIGHT when the title uses it, else 1."""
    stop = _stop_words()
    in_title = len(_SEGMENTS.split(paper.title))
    terms: dict[str, int] = {}
    for number, segment in enumerate(_segments(paper)):
        weight = TITLE_WEIGHT if number < in_title else 1
        tokens = [token.lower() for token in segment]
        for i, token in enumerate(tokens):
            if token in stop:
                continue
            found = [token]
            if i + 1 < len(tokens) and tokens[i + 1] not in stop:
                found.append(f"{token} {tokens[i + 1]}")
            for term in found:
                terms[term] = max(terms.get(term, 0), weight)
    return terms


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS | PAPER_WORDS)


def _name(group: Sequence[PaperText], everyone: Sequence[PaperText]) -> list[str]:
    """The group's NAME_TERMS most distinctive terms (class-based TF-IDF), spelled as the papers do."""
    group_terms = [_terms(paper) for paper in group]
    inside: Counter[str] = Counter()
    users: Counter[str] = Counter()  # papers of the group using the term
    for terms in group_terms:
        inside.update(terms)
        users.update(terms.keys())
    overall: Counter[str] = Counter()
    for paper in everyone:
        overall.update(_terms(paper))
    total = sum(inside.values())
    average = sum(overall.values()) / max(1, len(everyone))

    def weight(term: str) -> float:
        return inside[term] / total * math.log(1 + average / overall[term])

    # A term used by one paper of the theme only names that paper.
    candidates = sorted((t for t in inside if users[t] >= 2), key=lambda t: (-weight(t), t))
    chosen: list[str] = []
    for term in candidates:
        if " " not in term:
            # A word that mostly occurs inside one of the theme's phrases is named by that phrase.
            phrase = max(
                (p for p in candidates if " " in p and term in p.split()),
                key=lambda p: (users[p], -len(p), p),
                default=None,
            )
            if phrase is not None and users[phrase] * 2 >= users[term]:
                term = phrase
        if any(term in better or better in term for better in chosen):
            continue  # "video" after "video generation", or the reverse
        chosen.append(term)
        if len(chosen) == NAME_TERMS:
            break
    spelled = _spellings(group)
    return [spelled.get(term, term) for term in chosen] or ["(unnamed)"]


def _spellings(group: Sequence[PaperText]) -> dict[str, str]:
    """The spelling of each lower-cased term in the group's titles and keywords ("grpo" → "GRPO")."""
    seen: dict[str, Counter[str]] = {}
    for paper in group:
        for tokens in _segments(paper):
            for i, token in enumerate(tokens):
                seen.setdefault(token.lower(), Counter())[token] += 1
                if i + 1 < len(tokens):
                    pair = f"{token} {tokens[i + 1]}"
                    seen.setdefault(pair.lower(), Counter())[pair] += 1
    return {term: _spelling(term, forms) for term, forms in seen.items()}


def _spelling(term: str, forms: Counter[str]) -> str:
    """Lower case when the papers ever write it so ("Video Generation" in a title is "video
    generation"); else their most common form, with parts that are only capitalised (a title's
    Title Case) lowered: "GRPO", "LLM Agents" → "LLM agents", "Fine-Tuning" → "fine-tuning"."""
    if term in forms:
        return term
    form = min(forms, key=lambda f: (-forms[f], f))
    return re.sub(r"\b[^\W\d_][^\W_]+", _lower_if_title_case, form)


def _lower_if_title_case(match: re.Match[str]) -> str:
    part = match.group(0)
    return part.lower() if part[1:] == part[1:].lower() else part


def _title_case(terms: Sequence[str]) -> str:
    first, *rest = terms
    return ", ".join([first[:1].upper() + first[1:], *rest])
