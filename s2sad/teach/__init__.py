"""The teaching and inspection views: `explain`, `trace`, `graph`, `export`, the command line (`cli`)
and the table of supported functions (`coverage`).
"""
