"""The example plan: a third-year student planning next season's internal medicine application through ERAS.

Its dates are written relative to the day it is loaded ("@today-23") and to the season's due date ("@due+21"), and
"@season" is the ERAS season whose letters are due at least ``LEAD`` after that day: loaded in any month, it is a
plausible plan for the season a student would be planning then (issue #24.8), with letters at several stages.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from lor.seasons import upcoming_seasons
from lor.store import Workspace

EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "data" / "example_plan.json"
LEAD = timedelta(weeks=10)  # the example's season is the first whose letters are due at least this far ahead
_TOKEN = re.compile(r"^@(today|due|season)([+-]\d+)?$")


@cache
def _raw() -> dict[str, Any]:
    return json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))


def example_season(today: date) -> tuple[int, date]:
    """(the ERAS season, its letters' due date) the example is planned for when loaded on ``today``."""
    for dates in upcoming_seasons("ERAS", "residency", today, count=3):
        if dates.due >= today + LEAD:
            return dates.season, dates.due
    raise ValueError("data/seasons.toml has no ERAS season ahead")  # a broken data file, not a user's doing


def example_document(today: date) -> str:
    """The example plan as a backup document, its dates resolved for ``today``."""
    doc = dict(_raw())
    doc.pop("about", None)
    season, due = example_season(today)
    return json.dumps(_resolve(doc, today=today, due=due, season=season), ensure_ascii=False)


def load_example(ws: Workspace, today: date) -> None:
    """Replace the workspace's contents with the example plan, dated around ``today``."""
    ws.store.import_json(ws, example_document(today))


def _resolve(value: Any, **anchors: Any) -> Any:
    if isinstance(value, dict):
        return {k: _resolve(v, **anchors) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, **anchors) for v in value]
    if isinstance(value, str) and (match := _TOKEN.match(value)):
        base, offset = anchors[match.group(1)], int(match.group(2) or 0)
        return base + offset if isinstance(base, int) else (base + timedelta(days=offset)).isoformat()
    return value
