"""Things linked in pairs, gathered into groups: the entries a review panel confirmed as one event
(``same_as``), which the panel's checks and the chronology's table both follow through."""

from __future__ import annotations

from collections.abc import Iterable


def linked_groups(ids: Iterable[str], links: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Groups of two or more of ``ids`` joined by ``links`` (directly or through others), each
    in the order of ``ids``. Links naming an id not in ``ids`` are ignored."""
    parent = {i: i for i in ids}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in links:
        if a in parent and b in parent:
            parent[find(b)] = find(a)
    groups: dict[str, list[str]] = {}
    for i in parent:
        groups.setdefault(find(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]
