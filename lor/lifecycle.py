"""A letter's life: which status moves are allowed, the date each step records, reminders, next steps.

The happy path is planned → asked → agreed → packet_sent → submitted → thanked → updated (DOMAIN.md
"A letter's life"). The rules, decided here and shown in the app:

- Forward moves follow ``MOVES``. A step may be skipped only where real life skips it: a writer who
  agreed can submit before the packet is logged (agreed → submitted).
- ``declined``, ``updated`` and ``withdrawn`` are final: no forward move leaves them. A declined request
  is answered with a backup writer (a new letter), never by asking the same person again.
- ``withdrawn`` is reachable from every other status; the earlier dates are kept so an undo knows where
  the letter was.
- Going back (to any earlier status the letter has passed) is an undo: it clears the dates of the steps
  undone, and the reminders when going back before "agreed".
- Reminders are dated events, not statuses: at most two (DOMAIN.md "Timing").
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from lor.models import ARRIVED_STATUSES, CLOSED_STATUSES, Application, LetterRequest, label
from lor.portals import portal_rules
from lor.text import month_day, plural
from lor.text import short_date as _day
from lor.timing import timing

# Forward moves. Going back is computed from the letter's own path (see ``allowed_moves``).
MOVES: dict[str, tuple[str, ...]] = {
    "planned": ("asked", "withdrawn"),
    "asked": ("agreed", "declined", "withdrawn"),
    "agreed": ("packet_sent", "submitted", "withdrawn"),
    "declined": (),
    "packet_sent": ("submitted", "withdrawn"),
    "submitted": ("thanked", "withdrawn"),
    "thanked": ("updated", "withdrawn"),
    "updated": (),
    "withdrawn": (),
}

DATE_FIELDS: dict[str, str] = {
    "asked": "asked_on",
    "agreed": "agreed_on",
    "declined": "declined_on",
    "packet_sent": "packet_sent_on",
    "submitted": "submitted_on",
    "thanked": "thanked_on",
    "updated": "updated_on",
    "withdrawn": "withdrawn_on",
}

FINAL_STATUSES: frozenset[str] = frozenset({"declined", "updated", "withdrawn"})

# The step each status stands on. "declined" branches off at the same step as "agreed".
_RANK: dict[str, int] = {
    "planned": 0,
    "asked": 1,
    "agreed": 2,
    "declined": 2,
    "packet_sent": 3,
    "submitted": 4,
    "thanked": 5,
    "updated": 6,
}
_HAPPY_PATH = ("planned", "asked", "agreed", "packet_sent", "submitted", "thanked", "updated")

MAX_REMINDERS = 2  # never more than two (DOMAIN.md "Timing"): a letter has two reminder dates, no more
THIRD_REMINDER_REASON = (
    "Two reminders is the limit: a third one feels like pressure and rarely helps. "
    "If the portal still shows the letter missing in the last days before the due date, "
    "one short status check is fine."
)

SAME_DAY_REMINDER_REASON = (
    "Reminder 1 is already recorded on {day}. Give the writer about a week before the final reminder; "
    "if you recorded it by mistake, undo it first."
)

WAIVER_ADVICE = (
    "Waiving your right to see the letter is the usual choice, and we recommend it: programs trust a "
    "letter the student has not read, and writers feel free to be candid. Decide before you send the "
    "request, because the portal asks. The portals never display letters to applicants, whichever you choose. "
    "If you don't waive, though, the writer may give you a copy, and in the AAMC's services (ERAS, AMCAS) may even "
    "ask you to upload it for them; readers know this, which is why they trust such a letter less. FERPA adds a "
    "right to see a copy only at a school that keeps the letter and that you attend or later enroll in. In ERAS, "
    "once you waive, you can never view or obtain that letter, and the answer is fixed once you confirm the entry."
)

WAIVER_FIRST = (
    "Decide about the waiver first (Letters, under the letter's details): the portal asks for it with the request, "
    "and the packet carries the request to the writer."
)

# Letter ID lengths we have seen. Formats change, so these only warn. AMCAS's 7-digit Letter ID belonged to the
# retired Letter Writer Application; no format of today's AMCAS Request ID was published, so none is assumed.
LETTER_ID_LENGTHS: dict[str, tuple[int, int]] = {
    "ERAS": (5, 20),
}
_DEFAULT_ID_LENGTH = (3, 40)


class TransitionError(ValueError):
    """A status move or reminder that the letter's life does not allow, with a plain reason."""


def _status_name(status: str) -> str:
    return f"“{label(status)}”"


def _passed_status(letter: LetterRequest) -> str:
    """The status a withdrawn letter stood on before it was withdrawn, judged by its dates."""
    if letter.declined_on:
        return "declined"
    for status in reversed(_HAPPY_PATH[1:]):
        if getattr(letter, DATE_FIELDS[status]):
            return status
    return "planned"


def _back_targets(letter: LetterRequest) -> list[str]:
    current = letter.status
    if current == "withdrawn":
        before = _passed_status(letter)
        return [s for s in _HAPPY_PATH if _RANK[s] < _RANK[before]] + [before]
    rank = _RANK[current]
    return [s for s in _HAPPY_PATH if _RANK[s] < rank]


def allowed_moves(letter: LetterRequest) -> list[str]:
    """The statuses this letter can move to now: forward moves first, then undo (back) moves."""
    forward = list(MOVES[letter.status])
    back = [s for s in reversed(_back_targets(letter)) if s not in forward]
    return forward + back


def forward_and_back(letter: LetterRequest) -> tuple[list[str], list[str]]:
    """The allowed moves split in two: next steps, and undo steps (the nearest first)."""
    moves = allowed_moves(letter)
    forward = [s for s in moves if s in MOVES[letter.status]]
    return forward, [s for s in moves if s not in forward]


def _check_order(letter: LetterRequest, status: str, day: date) -> None:
    """Refuse a day that falls before the step the letter stands on now."""
    field = DATE_FIELDS.get(letter.status)
    earlier = getattr(letter, field) if field else None
    if status == letter.status:  # re-dating the current step: compare with the step before it
        before = _back_targets(letter)
        field = DATE_FIELDS.get(before[-1]) if before else None
        earlier = getattr(letter, field) if field else None
    if earlier and day < earlier:
        raise TransitionError(
            f"{_day(day)} is before the letter was marked {_status_name(letter.status)} "
            f"({_day(earlier)}). Pick a day on or after it."
        )


def move(letter: LetterRequest, status: str, day: date) -> LetterRequest:
    """A new letter moved to ``status`` with that step dated ``day``; refuses moves its life doesn't allow.

    Moving to the status the letter already has re-dates that step. Going back keeps the earlier dates
    and clears those of the steps undone (and the reminders, when going back before "agreed").
    """
    if status not in MOVES:
        raise TransitionError(f"“{status}” is not a letter status.")
    current = letter.status
    update: dict[str, object] = {"status": status}
    if status == current:
        if status == "planned":
            return letter.model_copy(deep=True)
        _check_order(letter, status, day)
        update[DATE_FIELDS[status]] = day
    elif status in MOVES[current]:
        _check_order(letter, status, day)
        if status == "packet_sent" and letter.waived is None:
            # The portal asks for the waiver with the request, and the packet carries the request: decide first.
            raise TransitionError(WAIVER_FIRST)
        update[DATE_FIELDS[status]] = day
    elif status in _back_targets(letter):
        keep = _RANK[status]
        for other, field in DATE_FIELDS.items():
            if other == "withdrawn" or (other in _RANK and _RANK[other] > keep):
                update[field] = None
        if status == "agreed":
            update["declined_on"] = None
        if keep < _RANK["agreed"]:
            update["reminder_1_on"] = None
            update["reminder_2_on"] = None
        status_field = DATE_FIELDS.get(status)
        if status_field and getattr(letter, status_field) is None:
            update[status_field] = day
    else:
        raise TransitionError(_refusal(letter, status))
    return letter.model_copy(deep=True, update=update)


def _refusal(letter: LetterRequest, status: str) -> str:
    current = letter.status
    if current == "declined":
        return (
            "This writer said no, so the request is closed. Thank them, and add a backup writer under "
            "“Choose recommenders”. If you marked it by mistake, move it back to “Asked”."
        )
    if current in FINAL_STATUSES:
        return f"This letter is {_status_name(current)}: nothing comes after that step."
    if status in ARRIVED_STATUSES and _RANK[current] < _RANK["agreed"]:
        return "A letter can't arrive before the writer has said yes. Record their answer first."
    if status in ("agreed", "declined") and current == "planned":
        return "Record that you asked first; then record their answer."
    nexts = ", ".join(_status_name(s) for s in MOVES[current]) or "nothing"
    return (
        f"A letter that is {_status_name(current)} can't jump to {_status_name(status)}. Next it can move to: {nexts}."
    )


def move_label(letter: LetterRequest, status: str) -> str:
    """The button text for moving this letter to ``status``: "Mark as asked" or "Undo: back to planned"."""
    if status in MOVES[letter.status]:
        return "Withdraw this letter" if status == "withdrawn" else f"Mark as {label(status).lower()}"
    return f"Undo: back to {label(status).lower()}"


def reminder_applies(letter: LetterRequest) -> bool:
    """True while reminders belong to this letter's step (after a yes, before it arrives)."""
    return letter.status in ("agreed", "packet_sent")


BRAG_SHEET_RANGE = (5, 7)  # DOMAIN.md "The packet": a brag sheet of 5–7 bullets


def brag_sheet_note(bullets: list[str]) -> str | None:
    """A gentle note when a brag sheet has fewer than 5 or more than 7 bullets, else None."""
    count = len([b for b in bullets if b.strip()])
    low, high = BRAG_SHEET_RANGE
    if count < low:
        return (
            f"{plural(count, 'bullet')} so far. Five to seven concrete things this writer "
            "saw you do give them the most to work with."
        )
    if count > high:
        return f"{count} bullets: consider keeping the best seven, so the strongest stand out."
    return None


# Moves that belong to the conversation with the writer, not to one letter's document: asking, the answer, the
# packet, the thank-you and the update happen once per writer, so they carry along the writer's other letters that
# stand on the same step (issue #22.2). A letter arriving (submitted) or withdrawn stays a letter's own move.
CONVERSATION_MOVES: frozenset[str] = frozenset({"asked", "agreed", "declined", "packet_sent", "thanked", "updated"})


def conversation_siblings(letters: list[LetterRequest], letter: LetterRequest) -> list[LetterRequest]:
    """The writer's other letters standing on the same step as ``letter`` (one conversation moves them together)."""
    return [x for x in letters if x.id != letter.id and x.mentor_id == letter.mentor_id and x.status == letter.status]


def move_conversation(
    letters: list[LetterRequest], letter: LetterRequest, status: str, day: date
) -> list[LetterRequest]:
    """``letter`` moved to ``status`` on ``day``, and, for a forward conversation move, the writer's other letters on
    the same step moved with it. Raises TransitionError when ``letter`` itself can't move; a sibling that can't is
    left as it is."""
    moved = [move(letter, status, day)]
    if status in CONVERSATION_MOVES and status in MOVES[letter.status]:
        for other in conversation_siblings(letters, letter):
            try:
                moved.append(move(other, status, day))
            except TransitionError:
                continue
    return moved


def remind_conversation(letters: list[LetterRequest], letter: LetterRequest, day: date) -> list[LetterRequest]:
    """A reminder sent to the writer of ``letter`` on ``day``, recorded on each of their letters still waiting with
    as many reminders (reminders count per writer). Raises TransitionError when ``letter`` itself can't have one."""
    reminded = [record_reminder(letter, day)]
    for other in letters:
        if (
            other.id != letter.id
            and other.mentor_id == letter.mentor_id
            and reminders_sent(other) == reminders_sent(letter)
        ):
            try:
                reminded.append(record_reminder(other, day))
            except TransitionError:
                continue
    return reminded


SEASON_GAP_DAYS = 183  # due dates further apart than this belong to different application seasons


def one_season(a: Application, b: Application) -> bool:
    """True when two applications are in the same application season, so one uploaded letter can serve both: the
    same season when both name one, else due dates under about six months apart."""
    if a.season is not None and b.season is not None:
        return a.season == b.season
    return abs((a.deadline - b.deadline).days) < SEASON_GAP_DAYS


def shareable_letter(
    letters: list[LetterRequest], applications: list[Application], mentor_id: str, application: Application
) -> LetterRequest | None:
    """The writer's letter already planned for another application on the same portal and pathway, which could
    serve ``application`` too (one upload, assigned to both: an IM letter and the preliminary-year application);
    None when there is none, or the writer already writes one for ``application``."""
    if application.portal in ("other", "Interfolio"):
        return None  # no shared portal to upload once to
    by_id = {a.id: a for a in applications}
    mine = [x for x in letters if x.mentor_id == mentor_id and x.status not in CLOSED_STATUSES]
    if any(x.serves(application.id) for x in mine):
        return None
    for letter in mine:
        first = by_id.get(letter.application_id)
        if (
            first
            and first.portal == application.portal
            and first.pathway == application.pathway
            and one_season(first, application)  # one upload can't serve two seasons
        ):
            return letter
    return None


def plan_letter_for(
    letters: list[LetterRequest],
    applications: list[Application],
    mentor_id: str,
    application: Application,
    *,
    letter_type: str,
    share: bool,
    observed: Sequence[str] = (),
    committees: Collection[str] = (),
) -> LetterRequest:
    """The letter to save when the student plans this writer for ``application``: with ``share``, the writer's
    letter on the same portal extended to serve it too (``shareable_letter``); otherwise a new letter, tailored
    for this application when the writer already writes another one, and sent through the application's committee
    letter (``via``) when one of ``committees`` (writer ids with role "committee") writes one for it."""
    shared = shareable_letter(letters, applications, mentor_id, application) if share else None
    if shared is not None:
        return shared.model_copy(update={"also_for": [*shared.also_for, application.id]})
    other = any(x.mentor_id == mentor_id and x.status not in CLOSED_STATUSES for x in letters)
    tailored = {"version": "tailored", "tailored_for": application.name[:500]} if other else {}
    # With a committee letter planned for this application, a person's letter goes into it by default.
    committee = next(
        (
            x.mentor_id
            for x in letters
            if x.letter_type in ("committee", "packet")
            and x.serves(application.id)
            and x.mentor_id != mentor_id
            and x.status not in CLOSED_STATUSES
            and x.mentor_id in committees
        ),
        None,
    )
    return LetterRequest(
        mentor_id=mentor_id,
        application_id=application.id,
        letter_type=letter_type,
        brag_sheet=list(observed)[:30],  # what the writer saw the student do: the brag sheet's first draft
        via=committee if letter_type not in ("committee", "packet") else None,
        **tailored,
    )


@dataclass(frozen=True)
class Duplicate:
    """A writer's letters for several applications on one portal that one letter could serve (issue #22.2)."""

    keep: LetterRequest  # the one that goes furthest; it takes over the others' applications and program places
    others: tuple[LetterRequest, ...]


def duplicate_letters(letters: list[LetterRequest], applications: list[Application]) -> list[Duplicate]:
    """Each writer's general letters of one type for applications on the same portal and pathway, still in play:
    two asks, two packets and four reminders for what one upload would do. Plans saved before shared letters (or
    restored from such a backup) have them."""
    by_id = {a.id: a for a in applications}
    groups: dict[tuple[str, str, str, str, int | None], list[LetterRequest]] = {}
    for letter in letters:
        app = by_id.get(letter.application_id)
        if app is None or letter.status in CLOSED_STATUSES or letter.version != "general":
            continue
        if app.portal in ("other", "Interfolio"):
            continue
        key = (letter.mentor_id, letter.letter_type, app.portal, app.pathway, app.season)  # one season's upload
        groups.setdefault(key, []).append(letter)
    out = []
    for group in groups.values():
        if len(group) > 1:
            keep = max(group, key=lambda x: _RANK.get(x.status, 0))  # the first of the furthest along
            out.append(Duplicate(keep, tuple(x for x in group if x.id != keep.id)))
    return out


def merged(duplicate: Duplicate, applications: list[Application]) -> tuple[LetterRequest, list[Application]]:
    """The kept letter serving every application of the duplicate, and the applications whose programs had one of
    the others assigned, now with the kept letter in its place (each program's count is unchanged)."""
    keep, gone = duplicate.keep, {x.id for x in duplicate.others}
    served = list(dict.fromkeys([*keep.application_ids, *(i for x in duplicate.others for i in x.application_ids)]))
    letter = keep.model_copy(update={"also_for": [i for i in served if i != keep.application_id]})
    changed = []
    for app in applications:
        if not any(i in gone for p in app.programs for i in p.assigned):
            continue
        programs = [
            p.model_copy(update={"assigned": list(dict.fromkeys(keep.id if i in gone else i for i in p.assigned))})
            for p in app.programs
        ]
        changed.append(app.model_copy(update={"programs": programs}))
    return letter, changed


def reminders_sent(letter: LetterRequest) -> int:
    """How many reminders this letter has had (0, 1 or 2)."""
    return sum(1 for d in (letter.reminder_1_on, letter.reminder_2_on) if d)


def record_reminder(letter: LetterRequest, day: date) -> LetterRequest:
    """A new letter with the next reminder dated ``day``; a third reminder raises ``TransitionError``."""
    if letter.reminder_2_on or reminders_sent(letter) >= MAX_REMINDERS:
        raise TransitionError(THIRD_REMINDER_REASON)
    if letter.status not in ("agreed", "packet_sent"):
        if letter.status in ARRIVED_STATUSES:
            raise TransitionError("The letter has already arrived, so no reminder is needed.")
        if letter.status in ("planned", "asked"):
            raise TransitionError("Reminders come after the writer says yes. Record their answer first.")
        raise TransitionError(f"A letter that is {_status_name(letter.status)} needs no reminder.")
    start = letter.reminder_1_on or letter.packet_sent_on or letter.agreed_on
    if start and day < start:
        raise TransitionError(f"{_day(day)} is before the last step of this letter ({_day(start)}).")
    if letter.reminder_1_on == day:  # two on one day is a double click, or a pressure the etiquette rules out
        raise TransitionError(SAME_DAY_REMINDER_REASON.format(day=_day(day)))
    field = "reminder_2_on" if letter.reminder_1_on else "reminder_1_on"
    return letter.model_copy(deep=True, update={field: day})


def complete_milestone(letter: LetterRequest, kind: str, day: date) -> LetterRequest:
    """A new letter updated for a plan milestone marked done on ``day`` (unchanged if nothing to record).

    - "check_in" changes nothing on the letter (lor.overview.mark_step_done logs it on the writer).
    - "status_check" dates the look in the portal (``status_checked_on``); the status stays.
    - "ask" → asked. "packet" → packet_sent; from "asked" it is refused: the packet goes out after a yes, and
      the student records the writer's answer first (it used to record a yes silently).
    - "reminder_1" / "reminder_2" record that reminder (a third is refused).
    - "deadline" done means the portal shows the letter received → submitted.
    - "thank_you" → thanked; from agreed/packet_sent it records the arrival too (you thank once it's in).
    - "update" → updated (after the thank-you).
    A step the letter has already passed returns it unchanged, so a second click does no harm.
    """
    status = letter.status
    if kind == "check_in":
        return letter
    if kind == "status_check":
        if letter.status_checked_on or status in ARRIVED_STATUSES:
            return letter
        return letter.model_copy(deep=True, update={"status_checked_on": day})
    if status == "declined":
        raise TransitionError("This writer declined, so this letter's plan has no more steps. Choose a backup.")
    if status == "withdrawn":
        raise TransitionError("This letter was withdrawn, so its plan has no more steps.")
    if kind == "ask":
        return move(letter, "asked", day) if status == "planned" else letter
    if kind == "packet":
        if status == "asked":  # a packet goes out after a yes, and only the student knows whether it came
            raise TransitionError("The writer hasn't answered yet. Record their answer first: yes, or no.")
        return move(letter, "packet_sent", day) if status in ("planned", "agreed") else letter
    if kind in ("reminder_1", "reminder_2"):
        field = f"{kind}_on"
        if getattr(letter, field) or status in ARRIVED_STATUSES:
            return letter
        if kind == "reminder_2" and not letter.reminder_1_on and status in ("agreed", "packet_sent"):
            # The final reminder, sent without a first one: it stays the last.
            return letter.model_copy(deep=True, update={"reminder_2_on": day})
        return record_reminder(letter, day)
    if kind == "deadline":
        return move(letter, "submitted", day) if _RANK[status] < _RANK["submitted"] else letter
    if kind == "thank_you":
        if status in ("agreed", "packet_sent"):
            letter = move(letter, "submitted", day)
            status = "submitted"
        return move(letter, "thanked", day) if _RANK[status] < _RANK["thanked"] else letter
    if kind == "update":
        if status == "submitted":
            raise TransitionError("Send the thank-you first; the update on how it went comes after.")
        return move(letter, "updated", day) if _RANK[status] < _RANK["updated"] else letter
    raise ValueError(f"“{kind}” is not a milestone kind.")


def _due_text(day: date | None) -> str:
    return month_day(day) if day else ""


# What a student does next for a committee or department letter (a letter source): an office's process, not a
# person's favour, so no personal ask and no reminders.
_SOURCE_NEXT: dict[str, str] = {
    "planned": "Request the {what}: {start} and ask what it needs from you, and by when.",
    "asked": "Send the office what it asks for ({needs}) by its date.",
    "agreed": "Send the office what it asks for ({needs}) by its date.",
    "declined": "The office can't provide it: plan individual letters instead.",
    "packet_sent": "Check that the letter reached the portal before the due date; if not, ask the office kindly "
    "when it will.",
    "submitted": "The letter is in: send the office a short thank-you.",
    "thanked": "Tell the office how it went, once you know where you were admitted or matched.",
}
_SOURCE_WORDS: dict[str, dict[str, str]] = {
    "committee": {
        "what": "committee letter",
        "start": "register with the committee",
        "needs": "its forms, your personal statement, the individual letters",
    },
    "department": {
        "what": "department's letter",
        "start": "tell the department you need it",
        "needs": "usually your CV, personal statement and a photo",
    },
}


def next_step(letter: LetterRequest, *, due: date | None = None, source: str | None = None) -> str:
    """A short sentence for the letter's card: what to do next ("Send the packet").

    ``due`` is the date the writer delivers by (the application's deadline, or the committee's for a letter it
    gathers); the letter's own date (``letter.due``) wins when set. ``source`` is the writer's role when it is a
    letter source ("committee" or "department": ``Mentor.letter_source``): its steps are an office's.
    """
    due = letter.due or due
    status = letter.status
    if source in _SOURCE_WORDS and status in _SOURCE_NEXT:
        return _SOURCE_NEXT[status].format(**_SOURCE_WORDS[source])
    if status == "planned":
        return "Ask for the letter — in person or by video if you can."
    if status == "asked":
        return "Waiting for an answer: record their yes or no."
    if status == "agreed":
        return "Send the thank-you and the packet (within 2 days of the yes)."
    if status == "declined":
        return "Thank them for the honest answer, then choose a backup writer."
    if status == "packet_sent":
        first_days, last_days = timing().reminder_days
        if not letter.reminder_1_on and not letter.reminder_2_on:
            if due:
                return f"Reminder 1 due {_due_text(due - timedelta(days=first_days))}."
            return "Send reminder 1 about 2 weeks before the due date."
        if not letter.reminder_2_on:
            if due:
                return f"Reminder 2 (the last one) due {_due_text(due - timedelta(days=last_days))}."
            return "Send reminder 2 (the last one) about 1 week before the due date."
        return "Watch the portal. If it still shows the letter missing near the due date, one brief check."
    if status == "submitted":
        return "The letter is in: send a thank-you."
    if status == "thanked":
        return "Tell them how it went: interviews, then where you matched or were admitted."
    if status == "updated":
        return "All done. Keep in touch."
    return "Withdrawn: nothing to do."


def letter_id_warning(portal: str, letter_id: str | None) -> str | None:
    """A gentle warning when a letter ID looks unusual for its portal, or None; an ID is never refused."""
    if not letter_id or not letter_id.strip():
        return None
    text = letter_id.strip()
    rules = portal_rules(portal)
    if any(ch.isspace() for ch in text):
        return f"This {rules.id_name} has spaces in it. Check it against the one {rules.id_where}."
    low, high = LETTER_ID_LENGTHS.get(portal, _DEFAULT_ID_LENGTH)
    if not low <= len(text) <= high:
        size = f"{low}" if low == high else f"{low}–{high}"
        name = rules.id_name if rules.id_name.startswith(label(portal)) else f"{label(portal)} {rules.id_name}"
        return (
            f"{name}s are usually {size} characters; this one has {len(text)}. "
            "Formats do change, so it's saved — just double-check it."
        )
    return None
