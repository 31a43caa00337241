"""Where each rule, limit, weight and guidance card comes from, and when it was last checked.

Every fact the app states lives in data/ with a `source` (or, for a scoring weight, a stated `reason`)
and a `checked` date. ``source_line`` is the small line the pages show beside a check or card;
``missing_sources`` lists anything in data/ that lacks either, and a test keeps that list empty.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def checked_label(checked: str) -> str:
    """ "2026-11-30" -> "Nov 2026" (the month is what matters for content checked once a cycle)."""
    day = date.fromisoformat(checked)
    return f"{day:%b} {day.year}"


_URL = re.compile(r",?\s*https?://[^\s;)]+")


def short_source(source: str) -> str:
    """The source without its web addresses, for the one-line caption (the full text goes in its tooltip)."""
    return " ".join(_URL.sub("", source).split())


def source_line(source: str, checked: str) -> str:
    """The small line shown beside a check or a card: "Source: … · checked Nov 2026" (addresses left out)."""
    text = f"Source: {short_source(source)}" if source else "Source: not recorded"
    return f"{text} · checked {checked_label(checked)}" if checked else text


def _needs(where: str, row: dict, *, reason_ok: bool = False) -> list[str]:
    out = []
    if not (row.get("source") or (reason_ok and row.get("reason"))):
        out.append(f"{where}: no source")
    if not _ISO.match(str(row.get("checked", ""))):
        out.append(f"{where}: no checked date")
    return out


def missing_sources(data_dir: str | Path | None = None) -> list[str]:
    """Every rule, portal, match, busy period, timing table, scoring factor or guidance card in data/
    that has no source (or reason) or no checked date; empty when everything is dated and sourced."""
    root = Path(data_dir or DATA_DIR)
    problems: list[str] = []

    def load(name: str) -> dict:
        with (root / name).open("rb") as fh:
            return tomllib.load(fh)

    rules = load("letter_rules.toml")
    for row in rules.get("rule", []):
        problems += _needs(f"letter_rules.toml rule {row.get('id', '?')}", row)
    for i, row in enumerate(rules.get("expects", [])):
        problems += _needs(f"letter_rules.toml expects #{i + 1} ({row.get('specialty')})", row)
    portals = load("portals.toml")
    for row in portals.get("portal", []):
        problems += _needs(f"portals.toml portal {row.get('key', '?')}", row)
    for row in portals.get("match", []):
        problems += _needs(f"portals.toml match {row.get('key', '?')}", row)
    problems += _needs("portals.toml pathway_default", portals.get("pathway_default", {}))
    busy = load("busy_periods.toml")
    for row in busy.get("period", []):
        problems += _needs(f"busy_periods.toml period {row.get('key', '?')}", row)
        for year in row.get("years", []):
            problems += _needs(f"busy_periods.toml period {row.get('key', '?')} {year.get('year')}", year)
    problems += _needs("busy_periods.toml [timing]", busy.get("timing", {}))
    for name, factor in load("scoring.toml").items():
        if isinstance(factor, dict):
            problems += _needs(f"scoring.toml [{name}]", factor, reason_ok=True)
    for path in sorted((root / "guidance").glob("*.md")):
        match = re.match(r"\A\+\+\+\s*\n(.*?)\n\+\+\+", path.read_text(encoding="utf-8"), re.DOTALL)
        meta = tomllib.loads(match.group(1)) if match else {}
        sources = meta.get("sources") or []
        problems += _needs(f"guidance/{path.name}", {"source": "; ".join(sources), "checked": meta.get("checked", "")})
    return problems
