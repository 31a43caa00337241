"""The backup file: one plan as a JSON document, and the checks a document passes before anything of it is stored.

Pure: no database. ``backup_text`` writes a plan; ``parse_backup`` reads one back, refusing (ValueError, one plain
sentence) anything broken, foreign, newer, too large or too deep, before it builds more than it must, and returns
only what was validated (``StoredRows``: the models' own JSON, unknown keys gone).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import orjson
from pydantic import BaseModel, ValidationError

from lor.limits import plan_size_problems
from lor.models import (
    FIELD_LABELS,
    SETTING_KEYS,
    Application,
    LetterRequest,
    Mentor,
    PlanSettings,
    Student,
    current_day,
    dates_outside_horizon,
    plain_errors,
    quoted,
)
from lor.text import plural

SCHEMA = 1  # the backup document's format version


APP_NAME = "lor-planner"


MAX_BACKUP_BYTES = 5_000_000  # a real plan is a few hundred kB at most


MAX_RECORDS = 2_000  # per kind, per workspace


MAX_DEPTH = 32  # a real backup nests 6 levels deep; far deeper would break reading it back


# Values (and field names) in one backup: a plan at every limit holds about 30,000, the example plan 2,000. Counted
# before any object is built, so a 5 MB file of [[],[],...] costs a scan, not 250 MB of empty lists.
MAX_VALUES = 200_000


# The most a plan takes in the database: the characters of its records' and settings' JSON. A plan at every count
# limit takes about 0.3 MB; this leaves room for long notes, and its backup (indented: about 1.8 times as long)
# still fits MAX_BACKUP_BYTES.
MAX_PLAN_CHARS = 2_500_000


MAX_DIGITS = 20  # no number in a plan is longer; Python refuses to read one past 4,300 digits with its own message


RECORD_MODELS: dict[str, type[BaseModel]] = {
    "mentors": Mentor,
    "applications": Application,
    "letters": LetterRequest,
}


class PlanContents(Protocol):
    """A whole plan's reads, as a Workspace (or lor.ui's per-version snapshot of one) gives them."""

    def student(self) -> Student | None: ...
    def mentors(self) -> list[Mentor]: ...
    def applications(self) -> list[Application]: ...
    def letters(self) -> list[LetterRequest]: ...
    def settings(self) -> dict[str, Any]: ...


def backup_text(plan: PlanContents) -> str:
    """The backup document of ``plan`` (what Store.export_json gives): sorted keys, two-space indents, UTF-8 text.

    orjson writes exactly the text ``json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)`` would, in a
    tenth of the time (the standard library's indenting encoder is pure Python: 60 ms for the largest plan). It
    writes some floats differently (1e-7, not 1e-07) and refuses integers past 64 bits: no record field is either,
    and settings holding them go through the standard library.
    """
    student = plan.student()
    # Only the settings a plan has: an older tool's key (with any value, even half an emoji) would make the backup
    # fail to download or to restore.
    settings = {k: v for k, v in plan.settings().items() if k in SETTING_KEYS}
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "app": APP_NAME,
        "student": student.model_dump(mode="json") if student else None,
        "mentors": [m.model_dump(mode="json") for m in plan.mentors()],
        "applications": [a.model_dump(mode="json") for a in plan.applications()],
        "letters": [r.model_dump(mode="json") for r in plan.letters()],
        "settings": settings,
    }
    if not _has_float(settings):
        try:
            return orjson.dumps(
                doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
            ).decode()
        except orjson.JSONEncodeError:
            pass
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _has_float(value: object) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return False


def parse_backup(text: str | bytes, *, today: date | None = None) -> dict[str, Any]:
    """Validate a backup document; returns its models, or raises ValueError saying what is wrong.

    Every date must lie within the planning horizon of ``today`` (default: lor.models.current_day()).
    """
    if isinstance(text, bytes):
        if len(text) > MAX_BACKUP_BYTES:
            raise ValueError(_too_large(len(text)))
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("This file is not a LOR Planner backup: it is not a text (JSON) file.") from None
    if len(text) > MAX_BACKUP_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_BACKUP_BYTES:
        raise ValueError(_too_large(len(text.encode("utf-8", "surrogatepass"))))
    _check_shape(text)
    try:
        doc = json.loads(text, parse_int=_whole_number, parse_constant=_no_constant)
        too_deep = _too_deep(doc)
    except RecursionError:
        too_deep = True
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"This file is not valid JSON (line {exc.lineno}, column {exc.colno}): it may be cut off or "
            "edited by hand. Nothing was changed."
        ) from None
    if too_deep:
        raise ValueError("This file is not a LOR Planner backup: it is nested far too deeply. Nothing was changed.")
    if "\\u0000" in text:  # how JSON writes a NUL: dropped from every value like the other control characters
        doc = _without_nul(doc)
    broken = _broken_text_at(doc)
    if broken:
        raise ValueError(
            "This backup holds a broken character (half of an emoji, or a stray code) that can't be saved, in "
            f"{broken}. Nothing was changed."
        )
    if not isinstance(doc, dict) or "schema" not in doc:
        raise ValueError("This file is not a LOR Planner backup: it has no 'schema' field. Nothing was changed.")
    schema = doc["schema"]
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise ValueError("This backup has an unknown 'schema' value. Nothing was changed.")
    if schema > SCHEMA:
        raise ValueError(
            f"This backup was made by a newer version of LOR Planner (format {schema}; this app reads up to "
            f"{SCHEMA}). Update the app, then restore it. Nothing was changed."
        )
    if doc.get("app", APP_NAME) != APP_NAME:
        raise ValueError("This file comes from another app, not LOR Planner. Nothing was changed.")
    out: dict[str, Any] = {}
    try:
        out["student"] = Student.model_validate(doc["student"]) if doc.get("student") else None
        for kind, model in RECORD_MODELS.items():
            items = doc.get(kind, [])
            if not isinstance(items, list):
                raise ValueError(f"'{kind}' must be a list.")
            if len(items) > MAX_RECORDS:
                raise ValueError(f"it holds {len(items):,} {kind}; the limit is {MAX_RECORDS:,}.")
            out[kind] = [model.model_validate(item) for item in items]
    except ValidationError as exc:
        reason = _first_of(plain_errors(exc))
        raise ValueError(f"This backup has an entry that is not valid: {reason} Nothing was changed.") from None
    except (TypeError, ValueError) as exc:
        raise ValueError(f"This backup is not valid: {exc} Nothing was changed.") from None
    settings = doc.get("settings", {})
    if not isinstance(settings, dict):
        raise ValueError("This backup is not valid: 'settings' must be a table. Nothing was changed.")
    plan_settings = _check_settings(settings)
    # What is stored is the settings' own dump: a key inside one that LOR Planner doesn't have (settings.busy.x) is
    # dropped here, never kept unseen in the database.
    dumped = plan_settings.model_dump(mode="json", by_alias=True)
    out["settings"] = {key: dumped[key] for key in settings}
    _check_references(out)
    outside = dates_outside_horizon(
        [out[kind] for kind in ("student", *RECORD_MODELS)] + [plan_settings], today or current_day()
    )
    if outside:
        more = f" ({len(outside) - 1:,} more dates are outside it too.)" if len(outside) > 1 else ""
        raise ValueError(f"This backup can't be restored: {outside[0]}{more} Nothing was changed.")
    too_big = plan_size_problems(out["mentors"], out["applications"], out["letters"], plan_settings)
    if too_big:
        shown = too_big[:4]
        more = f" ({plural(len(too_big) - 4, 'more limit')} too.)" if len(too_big) > 4 else ""
        raise ValueError(f"This backup can't be restored: {' '.join(shown)}{more} Nothing was changed.")
    out["rows"] = rows = StoredRows.of(out)
    if rows.chars > MAX_PLAN_CHARS:
        raise ValueError(f"This backup can't be restored: {plan_too_large(rows.chars)} Nothing was changed.")
    return out


@dataclass(frozen=True)
class StoredRows:
    """A validated plan as the database stores it: each record's JSON as its model writes it (unknown keys gone)."""

    student: str | None
    records: dict[str, list[tuple[str, str, str]]]  # kind -> (id, name, JSON) in order
    settings: dict[str, str]  # key -> JSON

    @classmethod
    def of(cls, parsed: dict[str, Any]) -> StoredRows:
        return cls(
            student=parsed["student"].model_dump_json() if parsed["student"] is not None else None,
            records={
                kind: [(r.id, getattr(r, "name", ""), r.model_dump_json()) for r in parsed[kind]]
                for kind in RECORD_MODELS
            },
            settings={key: json.dumps(value, sort_keys=True) for key, value in parsed["settings"].items()},
        )

    @property
    def chars(self) -> int:
        """How many characters of JSON the plan takes in the database (what MAX_PLAN_CHARS bounds)."""
        return (
            len(self.student or "")
            + sum(len(data) for rows in self.records.values() for _, _, data in rows)
            + sum(len(value) for value in self.settings.values())
        )


def plan_too_large(chars: int) -> str:
    return (
        f"the plan would take {chars / 1_000_000:,.1f} million characters in the database, and a plan can take at "
        f"most {MAX_PLAN_CHARS / 1_000_000:,.0f} million (shorten long notes or delete records you no longer need)."
    )


# One token of JSON text: a string, an opening or closing bracket, a run of other value characters (a number, true),
# or a lone quote (a string that never ends: the text is not valid JSON, and json.loads says where). Commas, colons
# and spaces are skipped by the search itself. Every alternative fails within one character except a whole string,
# so the scan is linear in the text.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*+"|[\[{]|[\]}]|[^\s\[\]{},:"]++|"')


def _check_shape(text: str) -> None:
    """Refuse text nested deeper than MAX_DEPTH or holding more than MAX_VALUES values, before json.loads builds
    a single object from it (a valid JSON document of millions of empty lists takes hundreds of MB as objects)."""
    depth = values = 0
    for match in _TOKEN.finditer(text):
        first = match.group()[0]
        if first in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ValueError(
                    "This file is not a LOR Planner backup: it is nested far too deeply. Nothing was changed."
                )
        elif first in "]}":
            depth -= 1
            continue
        elif match.end() - match.start() == 1 and first == '"':
            return  # a string that never ends: json.loads refuses the text, with the line and column
        values += 1
        if values > MAX_VALUES:
            raise ValueError(
                f"This file is not a LOR Planner backup: it holds more than {MAX_VALUES:,} values, and a plan at "
                "every limit holds about 30,000. Nothing was changed."
            )


def _first_of(reasons: list[str]) -> str:
    # One reason, so the message stays one readable sentence (a long list would bury it); the rest are counted.
    more = len(reasons) - 1
    return reasons[0] + (
        f" ({more:,} more {'entry is' if more == 1 else 'entries are'} not valid either.)" if more else ""
    )


def _whole_number(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise ValueError(
            f"This file is not a LOR Planner backup: it holds a number {len(digits.lstrip('-')):,} digits long, and "
            f"no number in a plan has more than {MAX_DIGITS}. Nothing was changed."
        )
    return int(digits)


def _no_constant(name: str) -> float:
    raise ValueError(f"This file is not valid JSON: it holds {name}, which JSON does not allow. Nothing was changed.")


_RECORD_LABELS = {"mentors": "writer", "applications": "application", "letters": "letter"}


def _broken_text_at(doc: Any) -> str | None:
    """Where the first text that can't be stored (a lone surrogate, a NUL: see _storable) is in a backup, in words;
    None if there is none. Such text would be refused by the database, or stored and then break every backup
    download after it."""
    dumped = json.dumps(doc, ensure_ascii=False)  # the usual case is checked at C speed; the walk only names the place
    try:
        dumped.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        if "\\u0000" not in dumped:  # how json writes a NUL
            return None
    stack: list[tuple[Any, tuple[str, ...]]] = [(doc, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if not _storable(value):
                return " › ".join(path) or "the file"
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                if not _storable(key):
                    return " › ".join((*path, "the name of a field"))
                stack.append((item, (*path, _place(key, path))))
        elif isinstance(value, list):
            owner = _RECORD_LABELS.get(path[-1]) if len(path) == 1 else None
            stack.extend(
                (item, (*path[:-1], f"{owner} {i + 1}") if owner else (*path, f"item {i + 1}"))
                for i, item in reversed(list(enumerate(value)))
            )
    return None


def _without_nul(value: Any) -> Any:
    """``value`` with every NUL dropped from its texts (a key keeps its NUL, and is refused or dropped as unknown)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def _storable(text: str) -> bool:
    """False for text UTF-8 can't hold (a lone surrogate) or PostgreSQL can't store (a NUL)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def _place(key: str, path: tuple[str, ...]) -> str:
    if not path and key in _RECORD_LABELS:
        return key  # replaced by "writer 2" etc. below it
    if not path:
        return {"student": "the student", "settings": "the settings"}.get(key, f"'{quoted(key)}'")
    if key in FIELD_LABELS or re.fullmatch(r"[a-z_]{1,40}", key):
        text = FIELD_LABELS.get(key, key.replace("_", " "))
        return text[:1].lower() + text[1:]
    return f"'{quoted(key)}'"


def _too_deep(doc: Any) -> bool:
    # Iterative, so a deep document can't exhaust the stack here; its JSON could not be written back later.
    stack = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                return True
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return False


def _check_settings(settings: dict[str, Any]) -> PlanSettings:
    """Refuse a setting LOR Planner doesn't have, and the ones it has (lor.models.PlanSettings) in a shape the pages
    can't read."""
    unknown = sorted(str(key) for key in settings if key not in SETTING_KEYS)
    if unknown:
        raise ValueError(
            f"This backup has a setting LOR Planner does not have, '{quoted(unknown[0])}' (its settings are "
            f"{', '.join(sorted(SETTING_KEYS))}). Nothing was changed."
        )
    try:
        return PlanSettings.from_stored(settings)
    except ValidationError as exc:
        reason = _first_of(plain_errors(exc))
        raise ValueError(f"This backup has a setting that is not valid: {reason} Nothing was changed.") from None


def confusable_ids(ids: Iterable[str]) -> tuple[str, str] | None:
    """Two ids of which one is the other followed by a dash and more ("x" and "x-y"), or None. Widget keys join an
    id and fixed words with dashes ("mentor-x-edit"), so such a pair could give two widgets one key; ids the app
    makes never hold a dash, only a hand-made or old backup's can."""
    known = set(ids)
    for longer in sorted(known):
        for at, char in enumerate(longer):
            if char == "-" and longer[:at] in known:
                return longer[:at], longer
    return None


def _check_references(parsed: dict[str, Any]) -> None:
    for kind in RECORD_MODELS:
        ids = [r.id for r in parsed[kind]]
        if len(ids) != len(set(ids)):
            raise ValueError(f"This backup lists the same id twice among its {kind}. Nothing was changed.")
    confused = confusable_ids(r.id for kind in RECORD_MODELS for r in parsed[kind])
    if confused:
        raise ValueError(
            f"This backup has two ids the app could mix up ('{quoted(confused[0])}' and '{quoted(confused[1])}': "
            "one is the other followed by a dash). Nothing was changed."
        )
    mentors = {m.id for m in parsed["mentors"]}
    apps = {a.id for a in parsed["applications"]}
    committees = {m.id for m in parsed["mentors"] if m.role == "committee"}
    # An extra application or a committee that is gone is left out, with a note: the letter itself is whole (an older
    # version could save such a letter when another tab had just deleted the application or the committee).
    parsed["repaired"] = repaired = []
    for at, letter in enumerate(parsed["letters"]):
        if letter.mentor_id not in mentors or letter.application_id not in apps:
            raise ValueError(
                f"This backup has a letter ({letter.id}) whose writer or application is missing. Nothing was changed."
            )
        gone = [i for i in letter.also_for if i not in apps]
        via = letter.via if letter.via is None or letter.via in committees else None
        if gone:
            repaired.append(
                f"Letter {letter.id} was also for {plural(len(gone), 'application')} the backup does not hold "
                f"({', '.join(gone)}): left out."
            )
        if via != letter.via:
            repaired.append(
                f"Letter {letter.id} went through a committee the backup does not hold ({letter.via}): it goes "
                "straight to the portal."
            )
        if gone or via != letter.via:
            kept = [i for i in letter.also_for if i in apps]
            parsed["letters"][at] = letter.model_copy(update={"also_for": kept, "via": via})


def check_horizon(record: BaseModel) -> None:
    """Refuse a record holding a date outside the planning horizon, as a ValidationError the pages show."""
    problems = dates_outside_horizon(record, current_day())
    if problems:
        raise ValidationError.from_exception_data(
            type(record).__name__,
            [{"type": "value_error", "loc": (), "input": None, "ctx": {"error": ValueError(problems[0])}}],
        )


def _too_large(size: int) -> str:
    # Exact bytes both ways: "5.0 MB; the limit is 5 MB" (a file 1 byte over) read as a contradiction.
    return (
        f"This file is too large to be a LOR Planner backup: it is {size:,} bytes, and a backup can be at most "
        f"{MAX_BACKUP_BYTES:,} bytes ({MAX_BACKUP_BYTES // 1_000_000} MB). Nothing was changed."
    )
