"""Where each rule, limit, weight and guidance card comes from, and when it was last checked.

Every fact the app states lives in data/ with a `source` (or, for a scoring weight, a stated `reason`)
and a `checked` date. ``source_line`` is the small line the pages show beside a check or card;
``missing_sources`` lists anything in data/ that lacks either, and a test keeps that list empty.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def checked_label(checked: str) -> str:
    """ "2026-11-30" -> "Nov 30, 2026": the day the content was compared with its source."""
    day = date.fromisoformat(checked)
    return f"{day:%b} {day.day}, {day.year}"


_URL = re.compile(r",?\s*https?://[^\s;)]+")
_BARE_URL = re.compile(r"https?://[^\s;)]+")
_PARENS = re.compile(r"\([^()]*\)")


def short_source(source: str) -> str:
    """The source without its web addresses, for the one-line caption (the full text goes in its tooltip)."""
    return " ".join(_URL.sub("", source).split())


def source_links(source: str) -> list[tuple[str, str]]:
    """(title, address) of each page a source cites with its web address, in order: the title is the name just
    before the address, without its parenthesised notes ("AAMC, \"ERAS Timeline\"")."""
    out = []
    start = 0
    for match in _BARE_URL.finditer(source):
        before = source[start : match.start()]
        start = match.end()
        while _PARENS.search(before):  # notes can nest: "(… (Feb 1) …)"
            before = _PARENS.sub("", before)
        title = " ".join(before.split(";")[-1].split()).strip(" ,;")
        title = re.sub(r"\s+,", ",", re.sub(r'\s+"(?=[,;]|$)', '"', title))
        if title.lower().startswith("unverified"):
            continue
        out.append((title or match.group(), match.group().rstrip(".,")))
    return out


# The last part of a source may start with "Unverified": it says what no official page confirmed (the
# project's own advice, or a page that is not the organisation's own). ``source_line`` puts it first, so
# the caption never reads as settled fact.
_UNVERIFIED = re.compile(r"(?:^|;)\s*(unverified\b.*)$", re.IGNORECASE | re.DOTALL)


def _split(source: str) -> tuple[str, str]:
    """(the confirmed sources, the unverified note) of a source, web addresses left out."""
    text = short_source(source)
    match = _UNVERIFIED.search(text)
    if not match:
        return text, ""
    return text[: match.start()].strip(" ;"), match.group(1).strip()


def unverified_note(source: str) -> str:
    """The "Unverified: …" note at the end of a source ("" when everything in it was confirmed)."""
    return _split(source)[1]


def source_line(source: str, checked: str) -> str:
    """The small line shown beside a check or a card: "Source: … · checked Nov 2026" (addresses left out).

    An unverified note leads: "Unverified: … · Source: … · checked Nov 2026".
    """
    rest, note = _split(source)
    text = f"Source: {rest}" if rest else ("" if note else "Source: not recorded")
    text = " · ".join(part for part in (note, text) if part)
    return f"{text} · checked {checked_label(checked)}" if checked else text


def sources_caption(sources: Sequence[str], checked: str) -> str:
    """A guidance card's full caption, web addresses kept: "Unverified: … · Sources: … · checked Nov 2026"
    (an item of `sources` that starts with "Unverified" goes first, as in ``source_line``)."""
    notes = [s for s in sources if re.match(r"\s*unverified\b", s, re.IGNORECASE)]
    rest = [s for s in sources if s not in notes]
    parts = [*notes, f"Sources: {'; '.join(rest)}" if rest else ""]
    text = " · ".join(part for part in parts if part)
    return f"{text} · checked {checked_label(checked)}" if checked else text


def unverified_facts(data_dir: str | Path | None = None) -> list[str]:
    """Every rule, portal, match, busy period or guidance card in data/ whose source says part of it is
    unverified, as "where: what" lines (the list to work through when the next cycle is checked)."""
    return [f"{where}: {unverified_note(source)}" for where, source in _sources(Path(data_dir or DATA_DIR))]


def _needs(where: str, row: dict, *, reason_ok: bool = False) -> list[str]:
    out = []
    if not (row.get("source") or (reason_ok and row.get("reason"))):
        out.append(f"{where}: no source")
    if not _ISO.match(str(row.get("checked", ""))):
        out.append(f"{where}: no checked date")
    return out


def _rows(root: Path) -> Iterator[tuple[str, dict, bool]]:
    """(where, row, reason_ok) for every sourced row in data/: rules, portals, matches, busy periods and
    their years, the timing table, scoring factors (a `reason` may stand in) and guidance cards."""

    def load(name: str) -> dict:
        with (root / name).open("rb") as fh:
            return tomllib.load(fh)

    rules = load("letter_rules.toml")
    for row in rules.get("rule", []):
        yield f"letter_rules.toml rule {row.get('id', '?')}", row, False
    for i, row in enumerate(rules.get("expects", [])):
        yield f"letter_rules.toml expects #{i + 1} ({row.get('specialty')})", row, False
    portals = load("portals.toml")
    for row in portals.get("portal", []):
        yield f"portals.toml portal {row.get('key', '?')}", row, False
    for row in portals.get("match", []):
        yield f"portals.toml match {row.get('key', '?')}", row, False
    yield "portals.toml pathway_default", portals.get("pathway_default", {}), False
    busy = load("busy_periods.toml")
    for row in busy.get("period", []):
        yield f"busy_periods.toml period {row.get('key', '?')}", row, False
        for year in row.get("years", []):
            yield f"busy_periods.toml period {row.get('key', '?')} {year.get('year')}", year, False
    yield "busy_periods.toml [timing]", busy.get("timing", {}), False
    for name, factor in load("scoring.toml").items():
        if isinstance(factor, dict):
            yield f"scoring.toml [{name}]", factor, True
    for path in sorted((root / "guidance").glob("*.md")):
        match = re.match(r"\A\+\+\+\s*\n(.*?)\n\+\+\+", path.read_text(encoding="utf-8"), re.DOTALL)
        meta = tomllib.loads(match.group(1)) if match else {}
        sources = meta.get("sources") or []
        yield f"guidance/{path.name}", {"source": "; ".join(sources), "checked": meta.get("checked", "")}, False


def _sources(root: Path) -> Iterator[tuple[str, str]]:
    """(where, source) for every row whose source has an unverified part."""
    for where, row, _ in _rows(root):
        if unverified_note(str(row.get("source", ""))):
            yield where, str(row["source"])


def missing_sources(data_dir: str | Path | None = None) -> list[str]:
    """Every rule, portal, match, busy period, timing table, scoring factor or guidance card in data/
    that has no source (or reason) or no checked date; empty when everything is dated and sourced."""
    problems: list[str] = []
    for where, row, reason_ok in _rows(Path(data_dir or DATA_DIR)):
        problems += _needs(where, row, reason_ok=reason_ok)
    return problems
