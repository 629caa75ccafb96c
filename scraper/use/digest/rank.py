"""The order of a digest, its star rating and the change of each paper's counts since the previous
crawl of its day.

* Order: upvotes, then comments (both high first, unknown last), then the day's listing rank.
  A range is one ranking (a paper listed on two days of it appears once, with its latest day).
* Rating, from the upvote distribution of the paper's own listing day (so a quiet Monday and a busy
  Thursday are rated alike): with n papers of known upvotes on the day and p the paper's place by
  upvotes (ties share the better place), ★★★ when p ≤ max(1, ceil(n/10)) — the day's top 10%, at
  least its top paper —, ★★ when p ≤ ceil(n/2) — the top half —, else ★. Unknown upvotes: no rating.
"""

from __future__ import annotations

import math

import pandas as pd

STAR_RULE = (
    "★★★ top 10% of its listing day by upvotes (at least the day's top paper), ★★ top half, ★ the rest; "
    "ties share the better place"
)


def rate(papers: pd.DataFrame) -> pd.Series:
    """1–3 stars for every row, each against its own listing day's upvotes (<NA> when unknown)."""
    by_day = papers.groupby("listing_date")["upvotes"]
    place = by_day.rank(method="min", ascending=False)  # 1 = most upvotes; ties share the better place
    known = by_day.transform("count")  # papers of the day with known upvotes
    top_tenth = (known / 10).apply(math.ceil).clip(lower=1)
    top_half = (known / 2).apply(math.ceil)
    stars = pd.Series(pd.NA, index=papers.index, dtype="Int8")
    stars[place > top_half] = 1
    stars[place <= top_half] = 2
    stars[place <= top_tenth] = 3
    return stars


def order(papers: pd.DataFrame) -> pd.DataFrame:
    """The rows in digest order, one per paper (its latest listing day when listed twice)."""
    latest = papers.sort_values("listing_date").drop_duplicates("arxiv_id", keep="last")
    return latest.sort_values(
        ["upvotes", "num_comments", "listing_rank", "listing_date"],
        ascending=[False, False, True, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)


def changes(ratings: pd.DataFrame | None) -> pd.DataFrame:
    """Latest minus previous snapshot of each paper and day, indexed by (arxiv_id, listing_date):
    `upvotes`, `num_comments`, `github_stars` deltas (<NA> when either side is unknown) and
    `previous_crawled_at`. Papers with a single snapshot are absent (nothing to compare)."""
    columns = ["upvotes", "num_comments", "github_stars"]
    if ratings is None or ratings.empty:
        return pd.DataFrame(columns=[*columns, "previous_crawled_at"])
    keys = ["arxiv_id", "listing_date"]
    snapshots = ratings.sort_values("crawled_at", kind="stable").groupby(keys)
    previous = snapshots.nth(-2).set_index(keys)  # only papers with two snapshots or more have one
    latest = snapshots.nth(-1).set_index(keys).loc[previous.index]
    delta = latest[columns].astype("Int64") - previous[columns].astype("Int64")
    delta["previous_crawled_at"] = previous["crawled_at"]
    return delta
