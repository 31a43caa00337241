"""The example plan: a fourth-year student applying to internal medicine through ERAS.

Its dates are written for 2026-11-25 and shifted by whole weeks to the day it is loaded, so the
example always shows a live plan (letters at several stages, a deadline weeks away).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from lor.store import Workspace

EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "data" / "example_plan.json"
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@cache
def _raw() -> dict[str, Any]:
    return json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))


def example_document(today: date) -> str:
    """The example plan as a backup document, its dates shifted by whole weeks to ``today``."""
    doc = _raw()
    weeks = (today - date.fromisoformat(doc["reference_today"])).days // 7
    shifted = _shift(doc, timedelta(weeks=weeks))
    shifted.pop("reference_today", None)
    return json.dumps(shifted, ensure_ascii=False)


def load_example(ws: Workspace, today: date) -> None:
    """Replace the workspace's contents with the example plan, dated around ``today``."""
    ws.store.import_json(ws, example_document(today))


def _shift(value: Any, delta: timedelta) -> Any:
    if isinstance(value, dict):
        return {k: _shift(v, delta) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, delta) for v in value]
    if isinstance(value, str) and _ISO_DAY.match(value):
        return (date.fromisoformat(value) + delta).isoformat()
    return value
