"""Results computed from plans, kept per plan version, and a plan's records read once (no Streamlit here)."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Set
from datetime import date
from typing import Any, TypeVar, cast

from pydantic import BaseModel

from lor.models import (
    Application,
    LetterRequest,
    Mentor,
    Student,
)
from lor.store import (
    Workspace,
)

T = TypeVar("T")

# -- one read of a plan per version, and the pages' heavy work on it, cached -------------------------------
#
# Every write to a workspace bumps its version in the database, so a result is kept with the version it was
# computed at and used only while the workspace is still at that version: an edit is seen on the next run, also
# one made by another server process on the same PostgreSQL database, and the key holds the database (file or
# server) and workspace id, so one plan's results never reach another. Results are shared by reruns and sessions
# without a copy (st.cache_data would unpickle a fresh copy on every run, which costs more than recomputing a small
# plan): read what these helpers return, never change it in place.


class PlanCache:
    """Results computed from plans, each kept for the latest version of its plan only.

    ``get(key, version, compute)`` returns the stored value when it was computed at ``version``; otherwise it
    computes, and keeps the result unless a newer version is already stored (versions only grow). So a plan
    never holds more than one state here. Beyond ``max_entries``, or ``max_bytes`` (an estimate of what the
    values hold), the least recently used entries go; a value larger than a quarter of ``max_bytes`` is returned
    but not kept, so one huge plan can't push every other plan's results out.
    Safe to share between Streamlit's session threads; two sessions may at worst compute the same value twice.
    """

    def __init__(self, max_entries: int = 128, max_bytes: int = 64_000_000):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[int, Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def size_bytes(self) -> int:
        """The estimated size of every value kept."""
        return self._bytes

    def get(
        self,
        key: Hashable,
        version: int,
        compute: Callable[[], T],
        *,
        counted: Callable[[], Set[int]] | None = None,
        models: Callable[[T], set[int]] | None = None,
    ) -> T:
        """The value for ``key`` at ``version``: stored, or computed now by ``compute()``.

        For the size estimate (``approx_bytes``): ``counted()``, called after ``compute()``, gives the ids of
        objects the value shares with an entry that counts them; ``models(value)`` is a set to fill with the ids of
        the pydantic models the value holds, left empty when the value is too large to keep.
        """
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0] == version:
                self._entries.move_to_end(key)
                return found[1]
        value = compute()
        held = models(value) if models else None
        size = approx_bytes(
            value, limit=self.max_bytes // 4, counted=counted() if counted else frozenset(), models=held
        )
        if held is not None and size > self.max_bytes // 4:
            held.clear()  # not kept: whatever is computed from it counts these models itself
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] <= version:
                if found is not None:
                    self._bytes -= self._entries.pop(key)[2]
                if size <= self.max_bytes // 4:
                    self._entries[key] = (version, value, size)
                    self._bytes += size
                while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                    self._bytes -= self._entries.popitem(last=False)[1][2]
        return value

    def peek(self, key: Hashable, version: int) -> Any:
        """The stored value for ``key`` when it was computed at ``version``, else None; never computes or stores."""
        with self._lock:
            found = self._entries.get(key)
        return found[1] if found is not None and found[0] == version else None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


SAMPLE_AFTER = 24  # approx_bytes measures a longer list by this many of its items, evenly spread, scaled up


SAMPLED = 12


def approx_bytes(
    value: object, *, limit: int | None = None, counted: Set[int] = frozenset(), models: set[int] | None = None
) -> int:
    """About how much memory ``value`` holds: strings, numbers, containers, models, Plotly figures, arrays, and
    the attributes of other objects, each object counted once. Stops counting past ``limit`` (returns more).

    A list, tuple or dict longer than ``SAMPLE_AFTER`` is measured by ``SAMPLED`` of its items, scaled to its length
    (a plan's long lists hold records of one kind): a cache miss on the largest plan costs a few milliseconds to
    measure instead of walking every object. Objects whose ids are in ``counted`` (already counted in another
    cache entry, e.g. the snapshot's records inside an Overview computed from them) are skipped with everything
    they hold; ``models``, when given, collects the ids of the pydantic models counted, and of every model item of
    a sampled list (the set's own memory is counted too).
    """
    seen: set[int] = set(counted)
    if models is not None:
        seen.add(id(models))  # counted below, once full
    stack: list[tuple[object, float]] = [(value, 1.0)]
    total = 0.0
    kinds = _KIND_OF_TYPE
    while stack:
        item, weight = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        kind = kinds.get(type(item)) or _kind_of(type(item))
        if kind == _TEXT:
            total += weight * (49 + len(cast(Any, item)))
        elif kind == _SCALAR:
            total += weight * 32
        elif kind == _MODEL:
            total += weight * 56
            stack.append((item.__dict__, weight))
            stack.append((cast(Any, item).__pydantic_fields_set__, weight))
            if models is not None:
                models.add(id(item))
        elif kind == _DICT:
            mapping = cast(dict, item)
            total += weight * (64 + 100 * len(mapping))
            if len(mapping) > SAMPLE_AFTER:
                pairs = list(mapping.items())
                step = len(pairs) / SAMPLED
                for k in range(SAMPLED):
                    key, val = pairs[int(k * step)]
                    stack.extend([(key, weight * step), (val, weight * step)])
            else:
                stack.extend((k, weight) for k in mapping)
                stack.extend((v, weight) for v in mapping.values())
        elif kind == _SEQUENCE:
            items = cast(Any, item)
            total += weight * (56 + 8 * len(items))
            if len(items) > SAMPLE_AFTER and isinstance(items, (list, tuple)):
                step = len(items) / SAMPLED
                if models is not None:
                    models.update(id(x) for x in items if isinstance(x, BaseModel))
                stack.extend((items[int(k * step)], weight * step) for k in range(SAMPLED))
            else:
                stack.extend((x, weight) for x in items)
        elif kind == _ARRAY:  # a numpy array
            total += weight * (112 + int(cast(Any, item).nbytes))
            if cast(Any, item).dtype == object:
                stack.extend((x, weight) for x in cast(Any, item).ravel().tolist())
        elif kind == _FIGURE:  # a Plotly figure: its data and layout, not its validators
            total += weight * 1_000
            stack.extend([(getattr(item, "_data", None), weight), (getattr(item, "_layout", None), weight)])
        elif hasattr(item, "__dict__") or hasattr(item, "__slots__"):
            total += weight * 56
            stack.extend((v, weight) for v in (vars(item).values() if hasattr(item, "__dict__") else []))
            stack.extend((getattr(item, s, None), weight) for s in getattr(type(item), "__slots__", ()))
        else:
            total += weight * 32
        if limit is not None and total > limit:
            return int(total)
    if models is not None:
        total += 64 + 72 * len(models)
    return int(total)


# What approx_bytes does with an object, by its type (found once per type: a pydantic model answers every failed
# attribute look-up through Python code, so asking each of 10,000 models "are you an array?" cost more than
# reading the plan).
_TEXT, _SCALAR, _MODEL, _DICT, _SEQUENCE, _ARRAY, _FIGURE, _OTHER = range(1, 9)


_KIND_OF_TYPE: dict[type, int] = {}


def _kind_of(kind: type) -> int:
    if issubclass(kind, (str, bytes, bytearray)):
        found = _TEXT
    elif issubclass(kind, (int, float, date, type(None))):
        found = _SCALAR
    elif issubclass(kind, BaseModel):
        found = _MODEL
    elif issubclass(kind, dict):
        found = _DICT
    elif issubclass(kind, (list, tuple, set, frozenset)):
        found = _SEQUENCE
    elif hasattr(kind, "nbytes") and hasattr(kind, "dtype"):
        found = _ARRAY
    elif hasattr(kind, "to_plotly_json"):
        found = _FIGURE
    else:
        found = _OTHER
    _KIND_OF_TYPE[kind] = found
    return found


class PlanSnapshot:
    """A workspace's records read once; reads like a Workspace (student(), mentors(), get_setting(), ...)."""

    def __init__(self, ws: Workspace):
        self.id = ws.id
        # The ids of the records' models, filled in when PLAN_CACHE keeps the snapshot: a result computed from it
        # (an Overview, a Timeline) holds the same records, already counted in the snapshot's entry.
        self.record_ids: set[int] = set()
        self._student = ws.student()
        self._mentors = ws.mentors()
        self._applications = ws.applications()
        self._letters = ws.letters()
        # Kept as JSON text: each caller gets its own copy to change, and parsing is far cheaper than deepcopy
        # for a plan with hundreds of moved or own busy periods.
        self._settings = {key: json.dumps(value) for key, value in ws.settings().items()}

    def student(self) -> Student | None:
        return self._student

    def mentors(self) -> list[Mentor]:
        return self._mentors

    def applications(self) -> list[Application]:
        return self._applications

    def letters(self) -> list[LetterRequest]:
        return self._letters

    def settings(self) -> dict[str, Any]:
        return {key: json.loads(value) for key, value in self._settings.items()}

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A copy of a stored setting (callers may change it), or ``default``."""
        return json.loads(self._settings[key]) if key in self._settings else default

    def is_empty(self) -> bool:
        return not (self._mentors or self._applications or self._letters)
