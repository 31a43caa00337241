"""The FAQ guidance library: topics from data/guidance/*.md, plain search, and cards for the plan at hand.

Each topic file starts with TOML front matter between ``+++`` lines (slug, title, group, tags, related
pages, a two-line summary, sources) followed by a short markdown body. The "mix" topic's table is
generated from the letter-mix rules, so the FAQ and the mix checker never disagree.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal, Protocol

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from lor.mix import check_mix, load_rules, rules_for
from lor.models import ARRIVED_STATUSES, CLOSED_STATUSES, Application, LetterRequest, Mentor, current_day, label
from lor.portals import all_portal_rules, matches
from lor.portals import cycle as portal_cycle
from lor.seasons import calendar_for, calendars, rules_season_line, season_name, upcoming_seasons
from lor.sources import checked_label, short_source, source_links, unverified_note
from lor.text import full_date, month_day, plural
from lor.timing import timing

GUIDANCE_DIR = Path(__file__).resolve().parent.parent / "data" / "guidance"
GROUPS: tuple[str, ...] = ("Dos", "Don'ts", "Questions")
PAGES: tuple[str, ...] = ("dashboard", "recommenders", "letters", "timeline", "faq", "share")
MIX_TABLE_MARK = "{{ mix_table }}"
PORTAL_TABLE_MARK = "{{ portal_table }}"
RULES_SEASON_MARK = "{{ rules_season }}"
# "{{ season_dates }}" or "{{ season_dates: ERAS residency, AMCAS, matches }}": each portal's (or portal and
# pathway's) dates for its next season from data/seasons.toml (published days marked published, the rest
# estimated), and the match days ("matches"), each with its sources.
SEASON_DATES_MARK = re.compile(r"\{\{ season_dates(?::\s*([^}]*?))? \}\}")

# How the FAQ marks a season date of a calendar that never had a published day.
NO_OFFICIAL_DATE = "*the app's estimate; no official date was found*"
MAX_CARDS = 5
IN_PROGRESS = ("planned", "asked", "agreed", "packet_sent")  # not yet in the portal

Group = Literal["Dos", "Don'ts", "Questions"]


class Topic(BaseModel):
    """One FAQ topic: a two-line answer first, details after, with its sources."""

    model_config = ConfigDict(frozen=True)

    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    group: Group
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    summary: str
    sources: tuple[str, ...] = Field(min_length=1)
    checked: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")  # the day the topic was last compared with its sources
    aliases: tuple[str, ...] = ()  # slugs of topics merged into this one: old links still open it
    body: str = Field(min_length=1)
    order: int = 0
    # Each season-dates block in the body: (the text as loaded, the portals it lists); redrawn for the day shown.
    season_blocks: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @field_validator("summary")
    @classmethod
    def _two_lines(cls, value: str) -> str:
        lines = [line.strip() for line in value.strip().splitlines()]
        if len(lines) != 2 or not all(lines):
            raise ValueError("the summary must be exactly two non-empty lines")
        return "\n".join(lines)

    @field_validator("related")
    @classmethod
    def _known_pages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [page for page in value if page not in PAGES]
        if unknown:
            raise ValueError(f"unknown related page(s): {', '.join(unknown)}")
        return value


class Card(BaseModel):
    """A topic worth reading now, and why: "Dr. Lee declined your request for the IM application"."""

    slug: str
    title: str
    reason: str

    @property
    def separator(self) -> str:
        """What goes between the title and the reason: a title that is a question or a sentence needs no colon."""
        return " " if self.title.rstrip().endswith(("?", ".", "!")) else ": "


# What a card's "(and 2 more …)" counts, by topic: most cards are about one letter each.
_COUNTED = {"mix": "letter-mix check", "committee-deadlines": "committee"}


class PlanSource(Protocol):
    """Anything that lists a plan's records, such as lor.store.Workspace."""

    def mentors(self) -> list[Mentor]: ...
    def applications(self) -> list[Application]: ...
    def letters(self) -> list[LetterRequest]: ...


# ---------------------------------------------------------------- loading


def load_guidance(directory: str | Path | None = None) -> list[Topic]:
    """Every guidance topic, in natural order: Dos, then Don'ts, then Questions, each by its `order`."""
    return list(_load(str(Path(directory or GUIDANCE_DIR).resolve())))


@cache
def _load(directory: str) -> tuple[Topic, ...]:
    topics = [_read_topic(path) for path in sorted(Path(directory).glob("*.md"))]
    return tuple(sorted(topics, key=lambda t: (GROUPS.index(t.group), t.order, t.slug)))


def _read_topic(path: Path) -> Topic:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"\A\+\+\+\s*\n(.*?)\n\+\+\+\s*\n(.*)\Z", text, re.DOTALL)
    if not match:
        raise ValueError(f"{path.name}: no +++ front matter at the top")
    meta = tomllib.loads(match.group(1))
    if meta.get("slug") != path.stem:
        raise ValueError(f"{path.name}: slug {meta.get('slug')!r} differs from the file name")
    body = match.group(2).strip()
    if MIX_TABLE_MARK in body:
        body = body.replace(MIX_TABLE_MARK, mix_overview(load_rules()))
    if PORTAL_TABLE_MARK in body:
        body = body.replace(PORTAL_TABLE_MARK, portal_table())
    body = body.replace(RULES_SEASON_MARK, rules_season_line())
    blocks: list[tuple[str, tuple[str, ...]]] = []

    def dates(match: re.Match) -> str:
        portals = tuple(p.strip() for p in (match.group(1) or "").split(",") if p.strip())
        text = season_dates(current_day(), portals)
        blocks.append((text, portals))
        return text

    body = SEASON_DATES_MARK.sub(dates, body)
    try:
        return Topic(**meta, body=body, season_blocks=tuple(blocks))
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from exc


def get_topic(slug: str | None) -> Topic | None:
    """The topic with this slug (or a merged topic's old slug), or None for a stale or mistyped link."""
    return next((t for t in load_guidance() if slug == t.slug or slug in t.aliases), None)


def _organisation(source: str) -> str:
    """The organisation a source names first ("CORD", "AAMC"), for a short credit beside a rule."""
    first = short_source(source).split(";")[0].strip()
    return first.split(",")[0].strip() if first and not first.lower().startswith("unverified") else ""


def _group_of(rule: Mapping) -> tuple[str, str | None]:
    specialty = rule.get("specialty") or []
    specialties = [specialty] if isinstance(specialty, str) else list(specialty)
    return rule["pathway"], (specialties[0] if len(specialties) == 1 else None) if specialties else None


def mix_overview(rules: Iterable[Mapping], first: Iterable[tuple[str, str | None]] = ()) -> str:
    """What each pathway (and specialty) needs, as short Markdown sections a phone can read: the student's own
    pathways ``first`` ((pathway, specialty) pairs from their applications), then the rest. Each rule is one
    bullet, marked required or advice, credited to the organisation behind it."""
    groups: dict[tuple[str, str | None], list[Mapping]] = {}
    shared: list[Mapping] = []
    for rule in rules:
        if rule["pathway"] == "any":
            shared.append(rule)
            continue
        specialty = rule.get("specialty") or []
        names = [specialty] if isinstance(specialty, str) else list(specialty)
        for name in names or [None]:
            groups.setdefault((rule["pathway"], name), []).append(rule)
    wanted = [(p, None) for p, _ in first] + list(first)
    order = sorted(
        groups,
        key=lambda g: (
            g not in wanted,
            wanted.index(g) if g in wanted else 0,
            PATHWAY_ORDER.get(g[0], 9),
            label(g[1]) if g[1] else "",
        ),
    )
    lines: list[str] = []
    for pathway, specialty in order:
        title = label(pathway) + (
            f": {label(specialty)}"
            if specialty
            else (": every specialty" if pathway in ("residency", "fellowship") else "")
        )
        mine = " (your application)" if (pathway, specialty) in wanted else ""
        lines.append(f"**{title}**{mine}")
        for rule in groups[(pathway, specialty)]:
            need = _need(rule)
            org = _organisation(str(rule.get("source", "")))
            lines.append(f"- *{need}:* {rule['summary']}" + (f" ({org})" if org else ""))
        lines.append("")
    if shared:
        lines.append("**Every pathway**")
        lines += [f"- *{_need(r)}:* {r['summary']}" for r in shared]
    return "\n".join(lines).strip()


def _need(rule: Mapping) -> str:
    """How the FAQ marks a rule: Required, Advice, Optional (a letter some writers use) or Note (worth knowing)."""
    if rule.get("required"):
        return "Required"
    if rule.get("kind") == "note":
        return "Note"
    return "Optional" if rule.get("optional") else "Advice"


PATHWAY_ORDER = {"medical_school": 0, "residency": 1, "fellowship": 2, "job": 3, "scholarship": 4, "research": 5}


def topic_body(topic: Topic, first: Iterable[tuple[str, str | None]] = (), *, today: date | None = None) -> str:
    """A topic's text for the FAQ page, with the mix overview ordered for this student's applications and the
    season dates of the seasons still ahead on ``today``."""
    body = topic.body
    for text, portals in topic.season_blocks:
        if today is not None:
            body = body.replace(text, season_dates(today, portals))
    if topic.slug != "mix" or not first:
        return body
    return body.replace(mix_overview(load_rules()), mix_overview(load_rules(), first))


def _links(source: str) -> str:
    return "; ".join(f"[{title}]({url})" for title, url in source_links(source))


def _day(day: date) -> str:
    return f"{day:%A}, {full_date(day)}"


def season_dates(today: date, portals: Sequence[str] = ()) -> str:
    """The next season of each portal (or of ``portals``) as Markdown bullets: the day its programs or schools start
    reviewing, published or estimated (from the last published season, or, with none, the app's own estimate and what
    it rests on), the letters' due date, and each one's sources;
    then the match days of the residency season, computed from each match's rule."""
    lines = []
    residency_season = None
    for cal in calendars():
        if portals and cal.portal not in portals and f"{cal.portal} {cal.pathway}" not in portals:
            continue
        upcoming = upcoming_seasons(cal.portal, cal.pathway, today, count=1)
        if not upcoming or calendar_for(cal.portal, cal.pathway) is not cal:
            continue
        dates = upcoming[0]
        if cal.portal == "ERAS" and cal.pathway == "residency":
            residency_season = dates.season
        how = "published" if dates.published else "*estimated*" if cal.published else NO_OFFICIAL_DATE
        several = sum(1 for c in calendars() if c.portal == cal.portal) > 1
        name = f"{dates.name}, {label(cal.pathway).lower()}" if several else dates.name
        event = dates.event.replace(" (estimated)", "")
        line = (
            f"- **{name}**: {event} {'on' if dates.published else 'about'} {_day(dates.event_day)} ({how}); "
            f"letters due by {full_date(dates.due)}."
        )
        if dates.published:
            line += f" ({_links(dates.source)})"
        elif cal.published:
            last = max(cal.published)
            day, source = cal.published[last]
            line += f" Last published: {season_name(cal.portal, last)}, {full_date(day)} ({_links(source)})."
            if dates.not_found:  # a student who just lived through a later season wonders why it isn't used
                line += f" {dates.not_found[0].upper()}{dates.not_found[1:]}."
        else:
            line += f" It rests on {dates.basis}. ({_links(cal.source) or short_source(cal.source)})"
        lines.append(line)
    if residency_season is not None and (not portals or "matches" in portals):
        for match in matches():
            day = match.results_in(residency_season)
            note = f" {match.note}" if match.note else ""
            lines.append(
                f"- **{match.name} {residency_season}**: {_day(day)} (*computed* from its usual day; check the "
                f"match's own calendar).{note} ({_links(match.source)})"
            )
    return "\n".join(lines)


def mix_table(rules: Iterable[Mapping]) -> pd.DataFrame:
    """The letter-mix rules as a table for the FAQ, indexed by rule id, in the rules file's order."""
    rows = []
    for rule in rules:
        specialty = rule.get("specialty") or []
        specialties = [specialty] if isinstance(specialty, str) else list(specialty)
        pathway = "Every pathway" if rule["pathway"] == "any" else label(rule["pathway"])
        where = ", ".join(label(s) for s in specialties)
        rows.append(
            {
                "Rule": rule["id"],
                "For": f"{pathway}: {where}" if where else pathway,
                "What to have": rule["summary"],
                "Need": "Required" if rule.get("required") else "Recommended",
                "Source": rule.get("source", ""),
            }
        )
    return pd.DataFrame(rows, columns=["Rule", "For", "What to have", "Need", "Source"]).set_index("Rule")


def portal_table() -> str:
    """Each portal's letter limit and rule about later changes, as a markdown table from data/portals.toml, each
    source linked to its page, and the season the rules were checked for."""

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    def link(title: str, url: str) -> str:
        return f"[{cell(title).replace('[', '(').replace(']', ')')}]({url})"

    lines = ["| Portal | Letters | What you can't change later | Sources |", "|---|---|---|---|"]
    for rules in all_portal_rules():
        if not rules.limit:
            continue
        pages = "; ".join(link(title, url) for title, url in source_links(rules.source)) or cell(rules.source_name)
        note = unverified_note(rules.source)
        lines.append(
            f"| {cell(label(rules.key))} | {cell(rules.assignment_rule())} | {cell(rules.locked or '—')} "
            f"| {pages}{'. ' + cell(note) if note else ''} (checked {checked_label(rules.checked)}) |"
        )
    lines += ["", f"*Checked for {portal_cycle()}.*"]
    return "\n".join(lines)


def _markdown(table: pd.DataFrame) -> str:
    """A markdown table narrow enough for an expander: the rule id goes with its source."""

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| For | What to have | Need | Source |", "|---|---|---|---|"]
    for rule_id, row in table.iterrows():
        source = f"{cell(row['Source'])} (rule `{rule_id}`)"
        lines.append(f"| {cell(row['For'])} | {cell(row['What to have'])} | {row['Need']} | {source} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- search

_STOP_WORDS = frozenset(
    "a an the i im my me we to of for in on at by as from with about do does did how what when where which "  # noqa: SIM905
    "who is are am be been can could should would will shall it its this that these those and or if your "
    "you get".split()
)
_SUFFIXES = ("ings", "ing", "ions", "ion", "ers", "er", "es", "ed", "s", "e")


def _words(text: str) -> list[str]:
    # "Don't" and "don’t" both become "dont"; hyphens split ("follow-up" -> "follow", "up").
    return re.findall(r"[a-z0-9]+", re.sub(r"['’]", "", text.lower()))


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _same_word(query_word: str, text_word: str) -> bool:
    """Equal stems, or (for a query stem of 4+ letters) a prefix: "waive" finds "waiver" and "waiving"."""
    q, t = _stem(query_word), _stem(text_word)
    return q == t or (len(q) >= 4 and t.startswith(q))


def _hits(content: list[int], query: list[str], words: set[str]) -> int:
    return sum(1 for i in content if any(_same_word(query[i], w) for w in words))


def _tag_hits(content: list[int], query: list[str], tags: Iterable[str]) -> int:
    """Query words covered by tags; a multi-word tag ("rec letter") counts only as a whole phrase."""
    covered: set[int] = set()
    for tag in tags:
        phrase = _words(tag)
        n = len(phrase)
        for start in range(len(query) - n + 1):
            if n and all(_same_word(query[start + j], phrase[j]) for j in range(n)):
                covered.update(range(start, start + n))
    return len(covered & set(content))


def _rank(topic: Topic, query: list[str], content: list[int]) -> tuple[int, int, int, int]:
    return (
        _hits(content, query, set(_words(topic.title))),
        _tag_hits(content, query, topic.tags),
        _hits(content, query, set(_words(topic.summary))),
        _hits(content, query, set(_words(topic.body))),
    )


def search(query: str, topics: Sequence[Topic] | None = None) -> list[Topic]:
    """Topics matching the query: title matches first, then tags, then summary, then body.

    Ties keep the topics' natural order; an empty query returns every topic in that order.
    """
    pool = list(load_guidance() if topics is None else topics)
    words = _words(query or "")
    if not words:
        return pool
    content = [i for i, w in enumerate(words) if w not in _STOP_WORDS] or list(range(len(words)))
    ranked = []
    for index, topic in enumerate(pool):
        score = _rank(topic, words, content)
        if any(score):
            ranked.append((tuple(-s for s in score), index, topic))
    return [topic for *_, topic in sorted(ranked, key=lambda r: (r[0], r[1]))]


# ---------------------------------------------------------------- context cards


def context_cards(workspace: PlanSource, today: date, *, limit: int = MAX_CARDS) -> list[Card]:
    """The topics this plan calls for now, most urgent first, one card per topic, at most ``limit``.

    Triggers: a declined letter ("declined"); a letter not yet agreed whose due date is closer than the
    "late" threshold of the timing rules, 3 weeks ("short-notice"); a residency application missing the
    specialty letter its rules call for ("mix"); an agreed letter not yet in by the last reminder (1 week
    before its due date: "follow-up" and "missed-deadline"); a letter in progress whose waiver is
    undecided ("waiver").
    """
    mentors = {m.id: m for m in workspace.mentors()}
    applications = {a.id: a for a in workspace.applications()}
    found: list[tuple[tuple[int, int], str, str]] = []  # (urgency, slug, reason)
    letters = workspace.letters()
    for letter in letters:
        application = applications.get(letter.application_id)
        if application is not None:
            found += _letter_cards(letter, application, _writer(mentors, letter), today)
    for application in applications.values():
        found += _mix_cards(application, mentors, letters, today)
    found += _committee_cards(mentors, applications, letters, today)

    best: dict[str, tuple[tuple[int, int], str]] = {}
    for urgency, slug, reason in found:
        if slug not in best or urgency < best[slug][0]:
            best[slug] = (urgency, reason)
    counts = Counter(slug for _, slug, _ in found)
    cards = []
    for slug, (_urgency, reason) in sorted(best.items(), key=lambda item: (item[1][0], item[0])):
        topic = get_topic(slug)
        if topic is not None:
            more = counts[slug] - 1
            if more:
                noun = _COUNTED.get(slug, "letter")
                reason = f"{reason.rstrip('.')} (and {plural(more, 'more ' + noun)})."
            cards.append(Card(slug=slug, title=topic.title, reason=reason))
    return cards[:limit]


def _writer(mentors: Mapping[str, Mentor], letter: LetterRequest) -> str:
    mentor = mentors.get(letter.mentor_id)
    return mentor.name if mentor else "A writer"


def _letter_cards(
    letter: LetterRequest, application: Application, writer: str, today: date
) -> list[tuple[tuple[int, int], str, str]]:
    """Cards one letter calls for; urgency is (tier, days to the due date), lower is sooner."""
    due = letter.due or application.deadline
    days = (due - today).days
    what = f"{writer}'s letter for {application.name}"
    out: list[tuple[tuple[int, int], str, str]] = []
    if letter.status == "declined":
        if application.deadline >= today:  # a past cycle's refusal needs nothing more
            out.append(((3, days), "declined", f"{writer} declined your request for {application.name}."))
        return out
    rules = timing()
    if letter.status in ("planned", "asked") and days < rules.late_days:
        waiting = "you have not asked yet" if letter.status == "planned" else "the writer has not answered yet"
        when = f"was due {plural(-days, 'day')} ago" if days < 0 else f"is due in {plural(days, 'day')}"
        out.append(((2, days), "short-notice", f"{what} {when}, and {waiting}."))
    if letter.status in ("agreed", "packet_sent") and days <= rules.reminder_days[-1]:
        if days < 0:
            out.append(
                ((0, days), "missed-deadline", f"{what} was due {plural(-days, 'day')} ago and has not arrived.")
            )
            out.append(((1, days), "follow-up", f"{what} is overdue: one brief status check is the next step."))
        else:
            out.append(((1, days), "follow-up", f"{what} is due in {plural(days, 'day')} and has not arrived yet."))
            backup = f"{what} is due on {month_day(due, long=True)}: keep a backup writer in mind in case it is late."
            out.append(((2, days), "missed-deadline", backup))
    if letter.waived is None and letter.status in IN_PROGRESS:
        out.append(((5, days), "waiver", f"You have not decided yet whether to waive access to {what}."))
    return out


def _committee_cards(
    mentors: Mapping[str, Mentor],
    applications: Mapping[str, Application],
    letters: list[LetterRequest],
    today: date,
) -> list[tuple[tuple[int, int], str, str]]:
    """The committee-deadlines card while a committee letter is in play (its deadline comes months before the
    portal's), or while a medical-school application has neither a committee letter nor enough letters yet."""
    out: list[tuple[tuple[int, int], str, str]] = []
    for letter in letters:
        mentor = mentors.get(letter.mentor_id)
        application = applications.get(letter.application_id)
        if mentor is None or application is None or mentor.role != "committee" or letter.status in CLOSED_STATUSES:
            continue
        if letter.status in ARRIVED_STATUSES:
            continue
        days = ((mentor.intake_deadline or application.deadline) - today).days
        when = (
            f"its deadline is {month_day(mentor.intake_deadline, long=True)}"
            if mentor.intake_deadline
            else ("enter its own deadline on Choose recommenders")
        )
        out.append(((2, days), "committee-deadlines", f"{mentor.name} runs your committee letter: {when}."))
    return out


def _mix_cards(
    application: Application, mentors: Mapping[str, Mentor], letters: list[LetterRequest], today: date
) -> list[tuple[tuple[int, int], str, str]]:
    """A "mix" card when a specialty's own letter rule (SLOE, eSLOR, chair letter) fails for a residency."""
    if application.pathway != "residency" or application.specialty is None:
        return []
    specialty_rules = {
        rule["id"]
        for rule in rules_for(application.pathway, application.specialty)
        if application.specialty in rule["specialties"]
        and {*rule.get("types", []), rule.get("type", "")} & {"sloe", "eslor", "chair", "sel", "standardized"}
    }
    if not specialty_rules:
        return []
    active = [
        r for r in letters if r.serves(application.id) and r.status not in CLOSED_STATUSES and r.mentor_id in mentors
    ]
    letter_types: dict[str, list[str]] = {}
    for r in active:
        letter_types.setdefault(r.mentor_id, []).append(r.letter_type)
    report = check_mix(application, [mentors[r.mentor_id] for r in active], letter_types=letter_types)
    days = (application.deadline - today).days
    return [
        ((4, days), "mix", f"{application.name}: {check.message}")
        for check in report.checks
        if check.rule in specialty_rules and not check.ok
    ]
