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
   "architecture", "implementation details") or of data ("statistics", "number of samples",
   "catalogue", "data distribution") decide, unless the caption also speaks of results
   ("results", "performance", "accuracy", "comparison", "ablation", …); then the header and the
   cells decide between the two (2, 3).
2. A table without any value -> ``other`` (text, prompts, ✓/× lists, notation).
3. Outcome evidence in the table — a header naming a metric (Acc, F1, BLEU, PPL, WER, latency,
   throughput, speed-up, score, win rate, ↑/↓, …), bold/underlined numbers (best results),
   ``±`` spreads — or a caption speaking of results (1) -> ``results``.
4. The header or the row labels name settings (``Hyperparameter | Value``; ``LR | Batch size``;
   rows "learning rate", "batch size", "epochs", …) -> ``configuration``; the header names data
   statistics (two of ``#Train``, ``#Test``, "samples", "tokens", "avg. length", "classes",
   RA/Dec, ids) -> ``data``.
5. Otherwise ``results``: most numeric tables of a paper report results.
"""

from __future__ import annotations

import re

_CONFIG_CAPTION = re.compile(
    r"hyper-?\s?param|\bconfigurations?\b|\bconfigs?\b|\bsettings?\b|\bset-?ups?\b|"
    r"\barchitectures?\b|\barchitectural\b|implementation details|training details|"
    r"\bdetails of (?:the )?(?:training|model|fine-tuning|optimi[sz]ation)|\boptimi[sz]er\b|"
    r"\bparameters (?:used|of (?:the )?(?:training|model|simulation))|\bprompt templates?\b|"
    r"\bhardware\b|\bspecifications?\b",
    re.I,
)
_DATA_CAPTION = re.compile(
    r"\bstatistics\b|\bstats\b|\bnumber of (?:samples|examples|images|tokens|instances|questions|"
    r"documents|videos|utterances|hours|sentences|words|objects|sources|stars|galaxies)|"
    r"\bdata(?:set)? (?:distribution|composition|sizes?|summary|overview|details|splits?|"
    r"mixture)|\bcatalog(?:ue)?s?\b|\bcorpus (?:statistics|details|sizes?)|\bsplits?\b|"
    r"\bdistribution of (?:the )?(?:data|samples|examples|classes|labels)|\boverview of (?:the )?"
    r"(?:datasets?|benchmarks?|data)|\bdatasets? used\b|\bsample (?:properties|selection)|"
    r"\bobservations?\b|\bobserving log\b",
    re.I,
)
_RESULTS_CAPTION = re.compile(
    r"\bresults?\b|\bperformances?\b|\baccurac(?:y|ies)\b|\bcompar(?:e|ed|es|ing|ison|isons)\b|"
    r"\bablations?\b|\bevaluat(?:e|ed|ion|ions)\b|\bscores?\b|\berrors?\b|\bbleu\b|\bf1\b|"
    r"\bperplexit(?:y|ies)\b|\bthroughputs?\b|\blatenc(?:y|ies)\b|\bspeed(?:s|-?ups?)?\b|"
    r"\befficiency\b|\bwin rates?\b|\bsuccess rates?\b|\boutperform|\bimprov|\bbest\b|\bbold\b|"
    r"\bbaselines?\b|\bvs\.?\b|\bversus\b|\bmeasured\b|\bfit(?:ted)?\b|\bbest-fit\b|"
    r"\bestimat(?:e|es|ed|ion)\b|\beffects?\b|\bcorrelations?\b|\bbenchmark(?:ing)? results\b|"
    r"\bzero-shot\b|\bfew-shot\b|\bgains?\b|\bwins?\b|\bleaderboard\b|\bcost\b|\bmemory usage\b|"
    r"\bmetrics?\b|\bquality\b|\brobustness\b|\bsensitivity\b|\bhuman (?:evaluation|preference)",
    re.I,
)
# A header word naming an outcome (a metric or a measured quantity).
_OUTCOME_HEADER = re.compile(
    r"[↑↓]|\bacc(?:uracy)?\b|\bf1\b|\bf-1\b|\bbleu\b|\brouge|\bmeteor\b|\bcider\b|\bem\b|\bppl\b|"
    r"\bperplexity\b|\bloss\b|\berr(?:or)?s?\b|\bwer\b|\bcer\b|\bfid\b|\bpsnr\b|\bssim\b|\blpips\b|"
    r"\bm?ap(?:@|_|\b)|\bauc\b|\bmrr\b|\bndcg|\brecall\b|\bprecision\b|\b[rp]@|\bhits?@|\bpass@|"
    r"\bwin\b|\bwin rate\b|\bscores?\b|\breward\b|\bsuccess\b|\blatency\b|\bthroughput\b|"
    r"\bspeed(?:-?up)?\b|\bruntime\b|\bwall[- ]?clock\b|\bfps\b|\btok/s\b|\btop-?[15]\b|\bgain\b|"
    r"\bimprovement\b|\belo\b|\bmiou\b|\biou\b|\bmae\b|\bmse\b|\brmse\b|\bchrf\b|\bter\b|"
    r"\bexact match\b|\bpearson\b|\bspearman\b|\bkendall\b|\bcorr(?:elation)?\b|\bsr\b|\bspl\b",
    re.I,
)
_CONFIG_HEADER = re.compile(
    r"hyper-?\s?param|\bconfig(?:uration)?s?\b|\bsettings?\b|\bvalues?\b|\bparameters?\b|"
    r"\boptions?\b|\bchoices?\b",
    re.I,
)
_CONFIG_ROW = re.compile(
    r"\blearning rate\b|\blr\b|\bbatch size\b|\bepochs?\b|\bwarm-?up\b|\boptimi[sz]er\b|"
    r"\bweight decay\b|\bdropout\b|\b(?:hidden|model|embedding) (?:size|dim(?:ension)?)\b|"
    r"\blayers\b|\bheads\b|\b(?:training )?steps\b|\bscheduler\b|\bseed\b|\btemperature\b|"
    r"\btop-p\b|\btop-k\b|\bbeam (?:size|width)\b|\bmax(?:imum)? (?:length|tokens)\b|"
    r"\bgradient (?:clipping|accumulation)\b|\badam\b|\bβ_?[12]\b|\bε\b|\blora (?:rank|alpha)\b|"
    r"\bprecision\b|\bgpus?\b|\bcontext (?:length|window)\b|\bsequence length\b",
    re.I,
)
_DATA_HEADER = re.compile(
    r"#\s*(?:train|dev|val|test|samples?|examples?|images?|tokens?|instances?|docs?|documents?|"
    r"queries|questions|classes|labels|videos|hours|utterances|speakers|sentences|words|objects|"
    r"sources)|\btrain(?:ing)?\b|\bdev\b|\bvalidation\b|\bval\b|\btest\b|\bsamples\b|"
    r"\bexamples\b|\binstances\b|\bavg\.? (?:len|length|tokens|words)|\baverage (?:length|tokens)|"
    r"\bclasses\b|\bsplits?\b|\bsize\b|\b(?:ra|dec)\b|\bsource id\b|\bredshift\b|\bdocuments\b|"
    r"\bqueries\b|\bvocab(?:ulary)?\b|\bduration\b|\blanguages?\b|\bdomains?\b",
    re.I,
)


def table_kind(
    caption: str | None,
    header_texts: list[str],
    row_texts: list[str],
    *,
    has_values: bool,
    has_best: bool,
    has_spread: bool,
) -> str:
    """The kind of one table (see the module docstring): its caption, the texts of its header
    cells, the texts of its first label column, and what its cells hold."""
    caption = caption or ""
    cap_config = _CONFIG_CAPTION.search(caption) is not None
    cap_data = _DATA_CAPTION.search(caption) is not None
    cap_results = _RESULTS_CAPTION.search(caption) is not None
    header = " | ".join(header_texts)
    outcome = has_best or has_spread or _OUTCOME_HEADER.search(header) is not None
    if (cap_config or cap_data) and not cap_results:
        return "configuration" if cap_config and not (cap_data and _data_header(header)) else "data"
    if cap_config or cap_data:  # both said: the table decides
        if outcome:
            return "results"
        return "configuration" if cap_config else "data"
    if not has_values:
        return "other"
    if outcome or cap_results:
        return "results"
    config_rows = sum(1 for t in row_texts if _CONFIG_ROW.search(t))
    if _CONFIG_HEADER.search(header) and (config_rows >= 2 or not _data_header(header)):
        return "configuration"
    if _CONFIG_ROW.search(header) and not _data_header(header):  # "LR | Min LR", "Batch size"
        return "configuration"
    if config_rows >= 2 and config_rows * 2 >= len(row_texts):
        return "configuration"
    if _data_header(header):
        return "data"
    return "results"


def _data_header(header: str) -> bool:
    return len(_DATA_HEADER.findall(header)) >= 2
