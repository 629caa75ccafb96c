"""`table_kind`: what a table holds — `results`, `configuration`, `data` or `other`.

* ``results``: measured outcomes (scores, errors, speeds, costs measured, ablations, comparisons,
  fitted or measured physical quantities).
* ``configuration``: settings chosen by the authors (hyperparameters, architecture sizes given as a
  setup, training/inference or encoding settings, hardware).
* ``data``: statistics of datasets or inputs (examples, tokens, lengths, splits, class counts;
  catalogues of sources taken as input).
* ``other``: anything else (notation, ✓/× feature lists, text), and tables whose kind cannot be
  told.

How it is decided, first match wins:
1. The caption. Words of configuration ("hyperparameters", "configuration(s)", "settings",
   "architecture", "implementation/training details") or of data ("statistics", "catalogue",
   "number of samples", "question sets"; weakly "dataset(s)", "splits") decide, unless the caption
   also speaks of results ("results", "performance", "accuracy", "comparison", "ablation",
   "execution time", …): then outcome evidence in the table (3), or more words of results than
   of the other kind, says `results`. Between configuration and data, the more words win (a tie
   goes to configuration).
2. A table without any value -> ``other`` (text, prompts, ✓/× lists, notation); but when most
   of its body cells are empty (what it showed were colours: a heat map of scores) and its
   caption speaks of results (two words or more) and not of examples ("qualitative",
   "examples", "visualization"), ``results``.
3. Outcome evidence in the table — a header naming a metric (Acc, F1, BLEU, PPL, WER, latency,
   throughput, speed-up, score, win rate, ↑/↓, …), bold/underlined numbers (best results),
   ``±`` spreads — or a caption speaking of results (1) -> ``results``.
4. The header or the row labels name settings (``Hyperparameter | Value``; ``LR | Batch size``;
   rows "learning rate", "batch size", "epochs", …) -> ``configuration``; the header names data
   statistics (two of ``#Train``, ``#Test``, "samples", "tokens", "avg. length", "classes",
   RA/Dec, ids) -> ``data``.
5. A sheet of settings: more columns of words (`Tune: LN`, `Head: MLP-512`) than columns of values,
   two at least, with no outcome evidence (3) -> ``configuration`` (an encoder pool with its
   feature dimensions).
6. Otherwise ``results``: most numeric tables of a paper report results.

Words are matched as whole lower-cased words (sets, not one long regular expression: captions are
long and this runs once per table); a few phrases are matched only when their first word occurs.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from scraper.derive.casefree import CaseFree

_WORDS = re.compile(r"[a-z0-9#@↑↓][a-z0-9\-@/_.]*[a-z0-9]|[a-z0-9#↑↓%]")


def words(text: str) -> set[str]:
    """The lower-cased words of a text (hyphenated words kept whole and also split)."""
    found = set(_WORDS.findall(text.lower()))
    if "-" in text:
        for w in [w for w in found if "-" in w]:
            found.update(w.split("-"))
    return found


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_CONFIG_CAPTION = _set(
    "hyperparameter hyperparameters hyper-parameter hyper-parameters hyperparams configuration "
    "configurations config configs setting settings setup setups set-up architecture "
    "architectures architectural optimizer optimiser hardware specification specifications"
)


def _any_of(*alternatives: str) -> re.Pattern[str]:
    """One pattern of `alternatives` (tried in order), each starting with its own character: with
    no alternative that starts with a group, the regex engine skips to those characters instead of
    trying every alternative at every position (half the cost on a long caption)."""
    return re.compile("|".join(alternatives))


def _each(words: str, then: str) -> list[str]:
    """``(?:a|b) then`` written out as ``a then``, ``b then`` (see `_any_of`)."""
    return [w + then for w in words.split()]


_CONFIG_PHRASE = _any_of(
    *_each(
        "implementation training fine-?tuning experimental optimi[sz]ation model architecture "
        "hyperparameter evaluation inference",
        " details",
    ),
    r"details of (?:the )?(?:training|model|fine-?tuning|optimi[sz]ation)",
    r"parameters (?:used|of (?:the )?(?:training|model|simulation))",
    r"prompt templates?",
)
_DATA_CAPTION = _set("statistics stats catalog catalogue catalogs catalogues")
# Words that speak of data but also fill results captions ("results on three datasets"): weak.
_DATA_CAPTION_WEAK = _set("split splits observations dataset datasets corpus corpora")
_DATA_PHRASE = _any_of(
    r"number of (?:samples|examples|images|tokens|instances|questions|documents|videos|utterances|"
    r"hours|sentences|words|objects|sources|stars|galaxies)|data(?:set)? (?:distribution|composition|"
    r"sizes?|summary|overview|details|splits?|mixture)|corpus (?:statistics|details|sizes?)|"
    r"distribution of (?:the )?(?:data|samples|examples|classes|labels)|overview of (?:the )?"
    r"(?:datasets?|benchmarks?|data)|datasets? used|sample (?:properties|selection)|observing log",
    *_each("question training test evaluation data instruction prompt image video problem", r"\s+sets?\b"),
)
_DATA_TRIGGERS = _set(
    "number data dataset datasets corpus distribution overview sample observing set sets question "
    "training test evaluation instruction prompt image video problem"
)
_RESULTS_CAPTION = _set(
    "result results performance performances accuracy accuracies compare compared compares "
    "comparing comparison comparisons ablation ablations evaluate evaluated evaluation "
    "evaluations score scores error errors bleu f1 perplexity perplexities throughput "
    "throughputs latency latencies speed speeds speedup speedups efficiency best bold baseline "
    "baselines vs vs. versus measured fit fitted best-fit estimate estimates estimated estimation "
    "effect effects correlation correlations zero-shot few-shot gain gains win wins leaderboard "
    "cost metric metrics quality robustness sensitivity"
)
_RESULTS_PREFIXES = ("outperform", "improv")
_RESULTS_PHRASE = _any_of(
    r"win rates?|success rates?|memory usage|human (?:evaluation|preference)",
    *_each("execution inference training running run wall-clock decoding generation", r" times?\b"),
    r"runtimes?",
)
# A header word naming an outcome (a metric or a measured quantity).
_OUTCOME_HEADER = _set(
    "↑ ↓ acc acc. accuracy f1 f-1 bleu rouge rouge-1 rouge-2 rouge-l meteor cider em ppl "
    "perplexity loss err error errors wer cer fid psnr ssim lpips map ap auc mrr ndcg recall "
    "precision win score scores reward success latency throughput speed speedup speed-up runtime "
    "wall-clock time times fps tok/s top-1 top-5 top1 top5 gain improvement elo miou iou mae mse "
    "rmse chrf ter pearson spearman kendall corr correlation sr spl"
)
_OUTCOME_MARKS = CaseFree(r"[↑↓]|\b(?:r|p|hits?|pass|map|ap|ndcg|recall)@|\bap_|\bndcg@")
_CONFIG_HEADER = _set(
    "hyperparameter hyperparameters hyper-parameter hyperparams config configuration configurations "
    "setting settings value values parameter parameters option options choice choices"
)
_CONFIG_ROW = _set(
    "lr optimizer optimiser dropout layers heads epochs epoch warmup warm-up scheduler seed "
    "temperature top-p top-k adam adamw"
)
_CONFIG_ROW_PHRASE = _any_of(
    r"learning rate|batch size|weight decay",
    *_each("hidden model embedding", r" (?:size|dim(?:ension)?)"),
    r"training steps|beam (?:size|width)|max(?:imum)? (?:length|tokens)|gradient (?:clipping|"
    r"accumulation)|lora (?:rank|alpha)|context (?:length|window)|sequence length",
)
_DATA_HEADER = _set(
    "train training dev validation val test samples examples instances classes split splits size "
    "ra dec redshift documents queries vocab vocabulary duration languages language domains"
)
_DATA_HEADER_PHRASE = re.compile(
    r"#\s*(?:train|dev|val|test|samples?|examples?|images?|tokens?|instances?|docs?|documents?|"
    r"queries|questions|classes|labels|videos|hours|utterances|speakers|sentences|words|objects|"
    r"sources)|avg\.? (?:len|length|tokens|words)|average (?:length|tokens)|source id"
)


# A caption showing examples rather than measured results (an image grid is no heat map)
_QUALITATIVE = _set(
    "qualitative qualitatively example examples sample samples visualization visualizations "
    "visualisation visualisations illustration illustrations"
)


def _results_score(caption: str, ws: set[str]) -> int:
    """How many words (and phrases) of results the caption holds."""
    return (
        len(_RESULTS_CAPTION & ws)
        + sum(1 for w in ws if w.startswith(_RESULTS_PREFIXES))
        + len(_RESULTS_PHRASE.findall(caption))
    )


def _speaks_of_results(caption: str, ws: set[str]) -> bool:
    """`_results_score` > 0, cheapest test first."""
    return (
        not _RESULTS_CAPTION.isdisjoint(ws)
        or any(w.startswith(_RESULTS_PREFIXES) for w in ws)
        or _RESULTS_PHRASE.search(caption) is not None
    )


def _data_phrases(caption: str, ws: set[str]) -> int:
    """How many phrases of data the caption holds (scanned only when a word of them occurs)."""
    return 0 if _DATA_TRIGGERS.isdisjoint(ws) else len(_DATA_PHRASE.findall(caption))


def _config_words(text: str, ws: set[str]) -> bool:
    return not _CONFIG_ROW.isdisjoint(ws) or _CONFIG_ROW_PHRASE.search(text) is not None


def _data_header(header: str, ws: set[str]) -> bool:
    return len(_DATA_HEADER & ws) + len(_DATA_HEADER_PHRASE.findall(header)) >= 2


def _has_outcome_marks(header: str) -> bool:
    # every mark holds an arrow, "@" or "_", which no case folding makes: scanned only where one occurs
    marked = "@" in header or "_" in header or "↑" in header or "↓" in header
    return marked and _OUTCOME_MARKS.search(header)


def table_kind(
    caption: str | None,
    header_texts: list[str],
    row_texts: Callable[[], list[str]],
    *,
    has_values: bool,
    has_best: bool,
    has_spread: bool,
    blank_body: bool = False,
    text_columns: Callable[[], int] = lambda: 0,
) -> str:
    """The kind of one table (see the module docstring): its caption, the texts of its header
    cells, the texts of its first label column and its count of columns of words (`text_columns`;
    both asked for only when needed), and what its cells hold."""
    caption = (caption or "").lower()
    cap_words = words(caption)
    header = " | ".join(header_texts).lower()
    head_words = words(header)
    outcome = (
        has_best or has_spread or not _OUTCOME_HEADER.isdisjoint(head_words) or _has_outcome_marks(header)
    )
    # caption scores: a strong word counts 2, a weak one 1
    config = 2 * len(_CONFIG_CAPTION & cap_words)
    if "details" in cap_words or "parameters" in cap_words or "prompt" in cap_words:
        config += 2 * len(_CONFIG_PHRASE.findall(caption))
    data = 2 * len(_DATA_CAPTION & cap_words) + len(_DATA_CAPTION_WEAK & cap_words)
    # A table of values with outcome evidence is `results` unless its caption speaks of settings
    # or data and not at all of results (below): then whether it speaks of results decides, and
    # the phrase scans of a long caption are left out where a word tells.
    if (config or data) and has_values and outcome and _speaks_of_results(caption, cap_words):
        return "results"
    data += _data_phrases(caption, cap_words)
    # The caption's words of results (a scan of the whole caption) are counted only when they
    # can change the answer: a table of values with outcome evidence and no caption words of
    # settings or data is `results` whatever they say.
    results = _results_score(caption, cap_words) if config or data or not has_values or not outcome else 0
    if (config or data) and (not results or (not outcome and results <= max(config, data))):
        # the caption speaks of settings or data more than of results
        if config >= data and not (data and _data_header(header, head_words)):
            return "configuration"
        return "data"
    cap_results = results > 0
    if not has_values:
        # A body of mostly empty cells showed its content as colours or images (a heat map of
        # scores): the caption says what it was. Text, ✓/× marks and prompts are `other`.
        if blank_body and results >= 2 and _QUALITATIVE.isdisjoint(cap_words):
            return "results"
        return "other"
    if outcome or cap_results:
        return "results"
    first_column = row_texts()
    config_rows = sum(1 for t in first_column if _config_words(t.lower(), words(t)))
    data_header = _data_header(header, head_words)
    if not _CONFIG_HEADER.isdisjoint(head_words) and (config_rows >= 2 or not data_header):
        return "configuration"
    if _config_words(header, head_words) and not data_header:  # "LR | Min LR", "Batch size"
        return "configuration"
    if config_rows >= 2 and config_rows * 2 >= len(first_column):
        return "configuration"
    if data_header:
        return "data"
    if text_columns():  # more columns of settings in words than columns of values (step 5)
        return "configuration"
    return "results"
