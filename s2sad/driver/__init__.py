"""The driver: source -> fence -> lower -> generate -> passes -> emit -> compile -> cache, in one place.

`pipeline` runs the stages, `compile` turns text into a function, `cache` keeps one compiled
derivative per key, `freshness` empties it when a global or closure value it read changes.
"""
