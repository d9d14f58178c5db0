"""Compiled Jinja templates kept for the whole process: ``imr serve`` rebuilds the site on every
save with a fresh theme environment, and compiling Material's templates again each time is about
a seventh of a rebuild. The cache is keyed by template and checked against the source (Jinja's
own checksum), so an edited template (a case's custom_dir) is compiled afresh."""

from __future__ import annotations

import jinja2


class MemoryBytecodeCache(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


THEME_TEMPLATES = MemoryBytecodeCache()
