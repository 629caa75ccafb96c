"""`hfpapers-digest`: a daily (or weekly) digest of the dataset as Markdown, HTML or an Atom feed.

Built from the Parquet tables alone — no network, no language model (docs/digest.md):

    period.py     which listing days (--date / --week / --start --end; default: the latest day)
    select.py     reads only those days' partitions and only the columns a digest shows
    rank.py       the order (upvotes, comments, listing rank), the 1–3 star rating, upvote changes
    themes.py     the papers grouped by topic (TF-IDF, average-linkage clustering) and named
    rising.py     each paper's upvote curve and the biggest risers, from `ratings`
    sparkline.py  an upvote curve as inline SVG and as words
    entries.py    the format-neutral digest: summary lines, themes, risers, one entry per paper
    render_md.py / render_html.py / render_atom.py    the three outputs of the same digest
    browser.py    headless Chromium: the page as a PNG (--screenshot) or its laid-out DOM (tests)
    stopwords.py  scikit-learn's English stop words, without importing scikit-learn
    cli.py        the command line
"""
