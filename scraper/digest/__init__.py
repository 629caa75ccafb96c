"""`hfpapers-digest`: a daily (or weekly) digest of the dataset as Markdown, HTML or an Atom feed.

Built from the Parquet tables alone — no network, no language model:

    period.py     which listing days (--date / --week / --start --end; default: the latest day)
    select.py     reads only those days' partitions and only the columns a digest shows
    rank.py       the order (upvotes, comments, listing rank), the 1–3 star rating, upvote changes
    entries.py    one format-neutral entry per paper: heading, byline and labelled facts
    render_md.py / render_html.py / render_atom.py    the three outputs of the same entries
    cli.py        the command line
"""
