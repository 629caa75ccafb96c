"""Values derived from what the parsers read: `metrics` (results tables), `claims` (numbers in
abstracts and conclusions), `rows` (a page's rows of the derived tables) and `clean` (text, links
and the common columns of every table). Pure functions: no Scrapy, no files."""
