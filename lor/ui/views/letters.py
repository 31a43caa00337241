"""What the Letters page draws: the pipeline, each letter's card and details (status, packet, waiver, drafts), the
assignment grid and the writer request sheets. Every change is saved by a widget callback at once.

Long on purpose: one page's views sharing one field-saving callback and its stale-tab checks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

import streamlit as st
from pydantic import ValidationError

from lor import ui
from lor.assignment import (
    AssignmentError,
    add_program,
    assign,
    assignable_letters,
    check_assignments,
    default_max_letters,
    edit_program,
    unassign,
)
from lor.lifecycle import (
    DATE_FIELDS,
    MAX_REMINDERS,
    THIRD_REMINDER_REASON,
    WAIVER_ADVICE,
    TransitionError,
    brag_sheet_note,
    duplicate_letters,
    forward_and_back,
    letter_id_warning,
    merged,
    move_conversation,
    move_label,
    next_step,
    one_season,
    remind_conversation,
    reminder_applies,
    reminders_sent,
)
from lor.messages import draft, draft_kinds_for, draft_label, draft_menu
from lor.models import (
    CLOSED_STATUSES,
    LETTER_TYPES,
    PACKET_ITEMS,
    STATUSES,
    Application,
    LetterRequest,
    Mentor,
    Program,
    Student,
    label,
    label_in_sentence,
    plain_errors,
    served_application,
)
from lor.planner import writer_due_day
from lor.portals import portal_rules
from lor.sheets import request_sheet_html, request_sheet_markdown, sheet_items
from lor.store import Workspace
from lor.text import and_list, day_text, label_escape, letter_title, lines_of, month_day, name_slug, plural

SELECT_KEY = "letters-select"
WAIVER_CHOICES = {"undecided": None, "waived": True, "not_waived": False}
WAIVER_LABELS = {
    "undecided": "Not decided yet",
    "waived": "Waive my right to see it (recommended)",
    "not_waived": "Keep my right to see it",
}
VERSION_LABELS = {"general": "General (one letter for every program)", "tailored": "Tailored for one target"}
ISSUE_STYLE = {"error": st.error, "warning": st.warning, "info": st.info}
DATE_LABELS = {"reminder_1_on": "Reminder 1", "reminder_2_on": "Reminder 2 (final)"}


@dataclass(frozen=True)
class Context:
    """What every part of the page needs from the plan, read once per run."""

    today: date
    student: Student | None
    mentors: dict[str, Mentor]
    apps: dict[str, Application]
    read_only: bool
    lazy: bool  # a long plan: drafts and program forms wait in lazy panels
    letters: tuple[LetterRequest, ...] = ()  # every letter of the plan (a writer's other letters go in the drafts)

    def served(self, letter: LetterRequest) -> Application | None:
        """The application a letter is written for, named after every one it serves (one upload for all)."""
        apps = [self.apps[i] for i in letter.application_ids if i in self.apps]
        return served_application(apps) if apps else None

    def next_step(self, letter: LetterRequest) -> str:
        """What to do next for the letter, by the date its writer delivers by (a committee's, for one it gathers)."""
        app, mentor = self.apps.get(letter.application_id), self.mentors.get(letter.mentor_id)
        due = writer_due_day(letter, app, self.mentors) if app else None
        return next_step(letter, due=due, source=mentor.role if mentor and mentor.letter_source else None)

    def others(self, letter: LetterRequest) -> list[tuple[LetterRequest, Application]]:
        """The same writer's other letters still in play, each with the application it serves."""
        out = []
        for other in self.letters:
            if other.id != letter.id and other.mentor_id == letter.mentor_id and other.status not in CLOSED_STATUSES:
                app = self.served(other)
                if app is not None:
                    out.append((other, app))
        return out


# -- callbacks: each change is saved at once -------------------------------------------------------------


def _letter(ws: Workspace, letter_id: str) -> LetterRequest | None:
    return next((x for x in ws.letters() if x.id == letter_id), None)


def _application(ws: Workspace, application_id: str) -> Application | None:
    return next((a for a in ws.applications() if a.id == application_id), None)


def on_open(letter_id: str) -> None:
    st.session_state[SELECT_KEY] = letter_id


DETAIL_PLACE, ASSIGN_PLACE = "letters-detail", "letters-assign"  # where a refused change says why
GONE = "That letter is already gone: it was deleted in another tab."


def _still(
    ws: Workspace, letter_id: str, drawn: object, part: Callable[[LetterRequest], object]
) -> LetterRequest | None:
    """The stored letter when ``part`` of it is still as the page drew it (``drawn``); else None, and the page
    says why (deleted, or changed in another tab) above the letter's details."""
    letter = _letter(ws, letter_id)
    if ui.unchanged(part(letter) if letter else ui.MISSING, drawn, gone=GONE, place=DETAIL_PLACE):
        return letter
    return None


def _status(letter: LetterRequest) -> str:
    return letter.status


def _reminders(letter: LetterRequest) -> tuple:
    return (letter.status, letter.reminder_1_on, letter.reminder_2_on)


def status_place(letter_id: str) -> str:
    """Where a status or reminder change says what it did (with Undo) or why not: beside its buttons."""
    return f"letter-{letter_id}-status"


def _record_step(
    ws: Workspace,
    letter_id: str,
    drawn: object,
    read: Callable[[LetterRequest], object],
    change: Callable[[LetterRequest, date], tuple[list[LetterRequest], str]],
    refused: str,
) -> None:
    """A status move or a reminder, recorded on the day the letter's "Day of this step" says: refused beside its
    buttons with why (``refused``: "Not changed"), or saved with the change notice and its Undo."""
    letter = _still(ws, letter_id, drawn, read)
    if letter is None:
        return
    place = status_place(letter_id)
    day = st.session_state.get(f"letter-{letter_id}-day") or ui.today()
    try:
        changed, message = change(letter, day)
    except TransitionError as exc:
        ui.flash("error", f"{refused}: {exc}", place=f"change-{place}")
        return

    def save() -> str:
        ws.save_letters(changed)
        return message

    ui.record_change(ws, place, save)


def on_move(ws: Workspace, letter_id: str, status: str, drawn: str) -> None:
    def change(letter: LetterRequest, day: date) -> tuple[list[LetterRequest], str]:
        moved = move_conversation(ws.letters(), letter, status, day)
        also = (
            f" So are the writer's {plural(len(moved) - 1, 'other letter')}, one conversation."
            if len(moved) > 1
            else ""
        )
        return moved, f"Saved: the letter is now “{label(status)}” ({month_day(day)}).{also}"

    _record_step(ws, letter_id, drawn, _status, change, "Not changed")


def on_reminder(ws: Workspace, letter_id: str, drawn: tuple) -> None:
    def change(letter: LetterRequest, day: date) -> tuple[list[LetterRequest], str]:
        reminded = remind_conversation(ws.letters(), letter, day)
        also = f", for all {len(reminded)} of this writer's letters" if len(reminded) > 1 else ""
        return reminded, f"Reminder {reminders_sent(reminded[0])} recorded ({month_day(day)}){also}."

    _record_step(ws, letter_id, drawn, _reminders, change, "Not recorded")


def _field(field: str) -> Callable[[LetterRequest], object]:
    if field.startswith("packet-"):
        return lambda letter: bool(letter.packet.get(field.removeprefix("packet-")))
    return lambda letter: getattr(letter, field)


def on_field(ws: Workspace, letter_id: str, field: str, key: str, drawn: object) -> None:
    letter = _still(ws, letter_id, drawn, _field(field))
    if letter is None:
        return
    value = st.session_state[key]
    if not _offered(ws, letter, field, value):  # a value no widget offered: a forged message, or a stale tab's
        ui.flash("error", f"Not saved: {FIELD_WORDS.get(field, 'That field')} must be one of the listed choices.")
        return
    if field == "brag_sheet":
        value = lines_of(value)
    elif field == "waived":
        value = WAIVER_CHOICES[value]
    elif field.startswith("packet-"):
        value, field = {**letter.packet, field.removeprefix("packet-"): value}, "packet"
    try:
        updated = LetterRequest.model_validate({**letter.model_dump(), field: value})
        ws.save_letter(updated)  # the store refuses a writer, application or committee deleted meanwhile
    except ValidationError as exc:
        ui.flash("error", "Not saved: " + " ".join(plain_errors(exc)))


FIELD_WORDS = {"waived": "Right to see the letter", "also_for": "Also for", "via": "Sent to"}


def _offered(ws: Workspace, letter: LetterRequest, field: str, value: object) -> bool:
    """False for a value the letter's widgets never offer: a waiver choice not listed, an "Also for" application
    on another portal or pathway, a "Sent to" that is not an id."""
    if field == "waived":
        return isinstance(value, str) and value in WAIVER_CHOICES
    if field == "also_for":
        if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
            return False
        apps = {a.id: a for a in ws.applications()}
        first = apps.get(letter.application_id)
        # An id no longer in the plan is the store's to refuse, in its own words (deleted in another tab).
        return first is None or all(
            i not in apps or (i != first.id and (apps[i].portal, apps[i].pathway) == (first.portal, first.pathway))
            for i in value
        )
    if field == "via":  # the store refuses anything but a committee of the plan
        return value is None or isinstance(value, str)
    return True


def on_assign(ws: Workspace, application_id: str, program: str, letter_id: str, key: str, drawn: bool) -> None:
    application = _application(ws, application_id)
    found = next((p for p in application.programs if p.name == program), None) if application else None
    gone = f"{program} is already gone: it was deleted in another tab."
    if not ui.unchanged(letter_id in found.assigned if found else ui.MISSING, drawn, gone=gone, place=ASSIGN_PLACE):
        return
    assert application is not None
    try:
        if st.session_state[key]:
            updated = assign(application, program, letter_id, letters=ws.letters())
        else:
            updated = unassign(application, program, letter_id)
    except AssignmentError as exc:
        ui.flash("error", f"Not assigned: {exc}")
        return
    ws.save_application(updated)


def on_merge(ws: Workspace, keep_id: str, other_ids: tuple[str, ...]) -> None:
    """Merge a writer's duplicate letters into one (one write), if they are still the duplicates the page showed."""
    letters, applications = ws.letters(), ws.applications()
    found = next((d for d in duplicate_letters(letters, applications) if d.keep.id == keep_id), None)
    if found is None or tuple(x.id for x in found.others) != other_ids:
        ui.flash("warning", ui.CHANGED_ELSEWHERE)
        return
    letter, changed = merged(found, applications)
    ws.save_changes(letters=[letter], applications=changed, delete_letters=other_ids)
    ui.flash("success", "Merged: one letter, one ask and one packet, for every application it serves.")


def merge_offers(ws: Workspace, letters: list[LetterRequest], ctx: Context) -> None:
    """One offer per writer who has separate letters that one letter could serve (plans made before letters
    could be shared, or restored from such a backup)."""
    if ws.read_only:
        return
    for found in duplicate_letters(letters, list(ctx.apps.values())):
        writer = ctx.mentors[found.keep.mentor_id].name if found.keep.mentor_id in ctx.mentors else "A writer"
        group = [found.keep, *found.others]
        apps = and_list([ctx.apps[x.application_id].name for x in group if x.application_id in ctx.apps])
        portal = label(ctx.apps[found.keep.application_id].portal) if found.keep.application_id in ctx.apps else ""
        with st.container(border=True):
            each = "both" if len(group) == 2 else "all"
            st.markdown(
                f"**{ui.md(writer)}** writes {len(group)} separate letters "
                f"({label_in_sentence(found.keep.letter_type)}) for {ui.md(apps)}, {each} on {portal}. One letter, "
                "uploaded once and assigned to each application's programs, means one ask and one packet instead "
                "of several."
            )
            st.button(
                "Merge them into one letter",
                key=f"letter-{found.keep.id}-merge",
                on_click=on_merge,
                args=(ws, found.keep.id, tuple(x.id for x in found.others)),
                icon="🔗",
            )


# -- drawing ---------------------------------------------------------------------------------------------


def edit_args(ws: Workspace, letter: LetterRequest, field: str, key: str) -> tuple:
    """The on_change arguments of a letter's field: which field, and its value as drawn (see on_field)."""
    return (ws, letter.id, field, key, _field(field)(letter))


def sync(key: str, value: object) -> str:
    """Show the stored value in a widget (so every rerun reflects the store); returns the key."""
    st.session_state[key] = value
    return key


def pipeline(letters: list[LetterRequest]) -> None:
    counts: Counter[str] = Counter(x.status for x in letters)
    shown = [s for s in STATUSES if s not in CLOSED_STATUSES or counts[s]]
    with st.container(horizontal=True, wrap=True, gap="small"):  # wraps on a phone instead of one per line
        for status in shown:
            st.metric(label(status), counts[status], width="content")


def card(ws: Workspace, letter: LetterRequest, ctx: Context) -> None:
    mentor, app = ctx.mentors.get(letter.mentor_id), ctx.apps.get(letter.application_id)
    with st.container(border=True):
        left, right = st.columns([5, 1])
        left.markdown(f"**{ui.md(letter_title(letter, ctx.mentors, ctx.apps))}**")
        left.caption(f"Status: {label(letter.status)} · Next: {ctx.next_step(letter)}")
        if not ws.read_only:
            right.button(
                "Open",
                key=f"letter-{letter.id}-open",
                on_click=on_open,
                args=(letter.id,),
            )
        if mentor and app:
            kinds = draft_kinds_for(letter, mentor=mentor, today=ctx.today)
            if kinds:
                title, key = f"Email draft: {draft_label(kinds[0], mentor)}", f"letter-{letter.id}-card"
                with ui.panel(title, key=f"{key}-panel", lazy=ctx.lazy) as shown:
                    if shown:
                        show_draft(letter, mentor, app, kinds[0], ctx, key=key)


def letter_cards(ws: Workspace, letters: list[LetterRequest], ctx: Context) -> None:
    """A card per letter; a long plan groups them by application, each group in a lazy panel."""
    if not ctx.lazy:
        for letter in letters:
            card(ws, letter, ctx)
        return
    groups: dict[str, list[LetterRequest]] = {}
    for letter in letters:
        groups.setdefault(letter.application_id, []).append(letter)
    for app_id, group in groups.items():
        name = ctx.apps[app_id].name if app_id in ctx.apps else "Unknown application"
        title = f"{ui.md(name)} · {plural(len(group), 'letter')}"
        with ui.panel(title, key=f"letters-{app_id}-cards", lazy=True) as shown:
            if not shown:
                continue
            for letter in group:
                card(ws, letter, ctx)


def show_draft(letter: LetterRequest, mentor: Mentor, app: Application, kind: str, ctx: Context, *, key: str) -> None:
    app = ctx.served(letter) or app
    try:
        d = draft(
            kind,
            student=ctx.student,
            mentor=mentor,
            application=app,
            letter=letter,
            today=ctx.today,
            others=ctx.others(letter),
            via=ctx.mentors.get(letter.via or ""),
            committees=ctx.mentors,
        )
    except ValueError as exc:
        st.warning(ui.md(str(exc)))
        return
    if d.kind != kind:
        st.caption(f"Showing “{d.label}” instead, which fits this letter now.")
    st.caption("Subject")
    st.code(d.subject, language=None, wrap_lines=True)
    st.caption("Body")
    st.code(d.body, language=None, wrap_lines=True)
    if d.mailto and not ctx.read_only:
        st.link_button("Open in your email app", d.mailto, key=f"{key}-mailto", icon="✉️")
    elif d.problem:
        st.warning(ui.md(d.problem))
    elif not mentor.email:
        st.caption("Add this writer's email on Choose recommenders to open the draft in your email app.")


def dates_table(letter: LetterRequest) -> None:
    fields = [*DATE_FIELDS.values(), "reminder_1_on", "reminder_2_on"]
    rows = [
        (getattr(letter, f), DATE_LABELS.get(f) or label(f.removesuffix("_on"))) for f in fields if getattr(letter, f)
    ]
    if rows:  # dated in the app's own style ("Wed Nov 25, 2026"), in the order the steps happened
        shown = [{"Step": step, "Date": day_text(day)} for day, step in sorted(rows, key=lambda r: r[0])]
        st.dataframe(shown, hide_index=True, width="content")
    else:
        st.caption("No steps dated yet.")


PACKET_WAITS = (
    "Mark as packet sent waits for your waiver decision (below, under “Right to see the letter”): the portal asks "
    "for it with the request, and the packet carries the request to the writer."
)


def status_controls(ws: Workspace, letter: LetterRequest, today: date, *, source: bool = False) -> None:
    """The status moves, the reminder and the undo moves; each change (with Undo) or refusal is said right under
    the buttons. A move the letter can't make yet (the packet before the waiver, a third reminder) is greyed out,
    with why. A letter source (``source``: a committee or department) gets no reminder."""
    forward, back = forward_and_back(letter)
    if forward:  # the day a next step is recorded on; an undo or a closed letter (declined) has none to date
        st.date_input("Day of this step", value=today, key=f"letter-{letter.id}-day", format=ui.DATE_FORMAT, width=220)
    waits = [PACKET_WAITS] if "packet_sent" in forward and letter.waived is None else []
    full = reminder_applies(letter) and not source and reminders_sent(letter) >= MAX_REMINDERS
    if full:
        waits.append(THIRD_REMINDER_REASON)
    with st.container(horizontal=True, wrap=True):
        for i, status in enumerate(forward):
            blocked = status == "packet_sent" and letter.waived is None
            st.button(
                move_label(letter, status),
                key=f"letter-{letter.id}-move-{status}",
                on_click=on_move,
                args=(ws, letter.id, status, letter.status),
                type="primary" if i == 0 and status != "withdrawn" else "secondary",
                disabled=blocked,
                help=PACKET_WAITS if blocked else None,
            )
        if reminder_applies(letter) and not source:  # a committee or department gets no reminders
            st.button(
                f"Record a reminder sent ({reminders_sent(letter)} of {MAX_REMINDERS} so far)",
                key=f"letter-{letter.id}-reminder",
                on_click=on_reminder,
                args=(ws, letter.id, _reminders(letter)),
                icon="🔔",
                disabled=full,
                help=THIRD_REMINDER_REASON if full else None,
            )
    for reason in waits:
        st.caption(reason)
    ui.change_notice(ws, status_place(letter.id))
    if back:
        st.caption("Recorded something by mistake? Undo it:")
        with st.container(horizontal=True, wrap=True):
            for status in back:
                st.button(
                    move_label(letter, status),
                    key=f"letter-{letter.id}-move-{status}",
                    on_click=on_move,
                    args=(ws, letter.id, status, letter.status),
                    type="tertiary",
                )


def on_prefill_brag(ws: Workspace, letter_id: str, observed: tuple[str, ...]) -> None:
    """Start an empty brag sheet from what the writer saw the student do (recorded on Choose recommenders)."""
    letter = _still(ws, letter_id, [], lambda x: x.brag_sheet)
    if letter is not None:
        ws.save_letter(letter.model_copy(update={"brag_sheet": list(observed)[:30]}))


def packet_editor(ws: Workspace, letter: LetterRequest, mentor: Mentor | None = None) -> None:
    st.markdown("**Packet checklist**")
    for item, text in PACKET_ITEMS.items():
        key = sync(f"letter-{letter.id}-packet-{item}", bool(letter.packet.get(item)))
        st.checkbox(text, key=key, on_change=on_field, args=edit_args(ws, letter, f"packet-{item}", key))
    if mentor is not None and mentor.letter_source:
        return  # an office writes from your record and the letters it gathers: no brag sheet, no strengths to point to
    key = sync(f"letter-{letter.id}-brag", "\n".join(letter.brag_sheet))
    st.text_area(
        "Brag sheet: one thing this writer saw you do per line",
        key=key,
        on_change=on_field,
        args=edit_args(ws, letter, "brag_sheet", key),
        height=150,
    )
    note = brag_sheet_note(letter.brag_sheet)
    if note:
        st.caption(note)
    if not letter.brag_sheet and mentor is not None and mentor.observed:
        st.button(
            f"Start it from what {mentor.name} saw you do ({plural(len(mentor.observed), 'item')})",
            key=f"letter-{letter.id}-brag-prefill",
            on_click=on_prefill_brag,
            args=(ws, letter.id, tuple(mentor.observed)),
        )
    key = sync(f"letter-{letter.id}-strengths", letter.strengths)
    st.text_area(
        "Strengths you hope they can speak to (a pointer, not a script)",
        key=key,
        on_change=on_field,
        args=edit_args(ws, letter, "strengths", key),
    )


def also_for_editor(
    ws: Workspace, letter: LetterRequest, app: Application | None, apps: dict[str, Application]
) -> None:
    """Which other applications on the same portal this one letter serves (one upload, assigned to each)."""
    if app is None:
        return
    others = {
        a.id: a.name
        for a in apps.values()
        if a.id != letter.application_id and a.portal == app.portal and a.pathway == app.pathway and one_season(a, app)
    }
    if not others or app.portal in ("other", "Interfolio"):
        return
    key = sync(f"letter-{letter.id}-also-for", [i for i in letter.also_for if i in others])
    st.multiselect(
        f"Also for (the same letter, uploaded once to {label(app.portal)})",
        list(others),
        format_func=lambda i: others[i],
        key=key,
        on_change=on_field,
        args=edit_args(ws, letter, "also_for", key),
        help="A preliminary or transitional year usually takes the same letters as the categorical application. "
        "Leave an application out when it needs a separate, tailored letter.",
    )


def via_editor(ws: Workspace, letter: LetterRequest, ctx: Context, letters: list[LetterRequest]) -> None:
    """Where an individual letter goes when a committee letter serves the same application: into the committee
    letter (by the committee's deadline), or straight to the portal."""
    committees = {
        m.id: m.name
        for m in ctx.mentors.values()
        if m.role == "committee"
        and m.id != letter.mentor_id
        and any(x.mentor_id == m.id and x.serves(letter.application_id) for x in letters)
    }
    if not committees and letter.via is None:
        return
    if letter.via is not None and letter.via not in committees:
        committees[letter.via] = ctx.mentors[letter.via].name if letter.via in ctx.mentors else "A committee"
    app = ctx.apps.get(letter.application_id)
    straight = f"Straight to {label(app.portal)}" if app else "Straight to the portal"
    options: list[str | None] = [None, *committees]
    key = sync(f"letter-{letter.id}-via", letter.via)
    st.selectbox(
        "Sent to",
        options,
        format_func=lambda i: straight if i is None else f"{committees[i]} (it goes into the committee letter)",
        key=key,
        on_change=on_field,
        args=edit_args(ws, letter, "via", key),
        help="A letter the committee gathers is due to the committee by its own deadline, and counts inside the "
        "committee letter: one entry on the portal.",
    )


def letter_editor(ws: Workspace, letter: LetterRequest, app: Application | None) -> None:
    left, right = st.columns(2)
    with left:
        choice = next(k for k, v in WAIVER_CHOICES.items() if v is letter.waived)
        key = sync(f"letter-{letter.id}-waiver", choice)
        st.radio(
            "Right to see the letter",
            list(WAIVER_CHOICES),
            format_func=WAIVER_LABELS.get,
            key=key,
            on_change=on_field,
            args=edit_args(ws, letter, "waived", key),
        )
        st.caption(WAIVER_ADVICE)
        ui.page_link("faq", "Why waive?", icon="💡", topic="waiver")
        key = sync(f"letter-{letter.id}-letter-id", letter.letter_id or "")
        id_rules = portal_rules(app.portal if app else "other")
        st.text_input(
            f"{id_rules.id_name} ({id_rules.id_where})",
            key=key,
            on_change=on_field,
            args=edit_args(ws, letter, "letter_id", key),
        )
        warning = letter_id_warning(app.portal, letter.letter_id) if app else None
        if warning:
            st.warning(warning)
    with right:
        key = sync(f"letter-{letter.id}-type", letter.letter_type)
        st.selectbox(
            "Letter type",
            LETTER_TYPES,
            format_func=label,
            key=key,
            on_change=on_field,
            args=edit_args(ws, letter, "letter_type", key),
        )
        key = sync(f"letter-{letter.id}-version", letter.version)
        st.radio(
            "Version",
            list(VERSION_LABELS),
            format_func=VERSION_LABELS.get,
            key=key,
            on_change=on_field,
            args=edit_args(ws, letter, "version", key),
        )
        key = sync(f"letter-{letter.id}-tailored-for", letter.tailored_for)
        st.text_input(
            "Tailored for (program or track)",
            key=key,
            on_change=on_field,
            args=edit_args(ws, letter, "tailored_for", key),
        )
        key = sync(f"letter-{letter.id}-due", letter.due)
        st.date_input(
            "Date you give the writer (optional, before the real deadline)",
            key=key,
            on_change=on_field,
            args=edit_args(ws, letter, "due", key),
            format=ui.DATE_FORMAT,
        )
    key = sync(f"letter-{letter.id}-notes", letter.notes)
    st.text_area("Notes", key=key, on_change=on_field, args=edit_args(ws, letter, "notes", key))


def letter_as_text(letter: LetterRequest, app: Application | None) -> None:
    done = [text for item, text in PACKET_ITEMS.items() if letter.packet.get(item)]
    st.markdown(f"**Packet ready:** {len(done)} of {len(PACKET_ITEMS)}")
    waiver = next(WAIVER_LABELS[k] for k, v in WAIVER_CHOICES.items() if v is letter.waived)
    st.markdown(f"**Waiver:** {ui.md(waiver)}")
    st.markdown(f"**Letter ID:** {ui.md(letter.letter_id or '—')}")
    st.markdown(f"**Version:** {ui.md(VERSION_LABELS[letter.version])} {ui.md(letter.tailored_for)}")
    if letter.brag_sheet:
        st.markdown("**Brag sheet**\n\n" + "\n".join(f"- {ui.md(b)}" for b in letter.brag_sheet))
    if letter.strengths:
        st.markdown(f"**Strengths:** {ui.md(letter.strengths)}")
    if letter.notes:
        st.markdown(f"**Notes:** {ui.md(letter.notes)}")


def detail(ws: Workspace, letter: LetterRequest, ctx: Context, letters: list[LetterRequest]) -> None:
    mentor, app = ctx.mentors.get(letter.mentor_id), ctx.apps.get(letter.application_id)
    st.markdown(f"### {ui.md(letter_title(letter, ctx.mentors, ctx.apps))}")
    ui.show_flash(DETAIL_PLACE)
    step = ctx.next_step(letter)
    st.markdown(f"**Status:** {label(letter.status)} · **Next:** {ui.md(step)}")
    if letter.status == "declined":
        st.info("This writer said no. Thank them, and pick a backup writer for this slot on Choose recommenders.")
        ui.page_link("recommenders", "Choose recommenders", icon="🔁")
        ui.page_link("faq", "What to do when a writer says no", icon="💡", topic="declined")
    dates_table(letter)
    if ws.read_only:
        letter_as_text(letter, app)
    else:
        status_controls(ws, letter, ctx.today, source=bool(mentor and mentor.letter_source))
        if letter.status != "declined":  # no packet, brag sheet or waiver for a letter that won't be written
            packet_editor(ws, letter, mentor)
            letter_editor(ws, letter, app)
        also_for_editor(ws, letter, app, ctx.apps)
        via_editor(ws, letter, ctx, letters)
        ui.delete_button(
            ws, "letter", letter.id, key=f"letter-{letter.id}-delete", label="Delete this letter", place="letter"
        )
    if mentor and app:
        st.markdown("#### Email drafts")
        suggested = draft_kinds_for(letter, mentor=mentor, today=ctx.today)
        kinds = draft_menu(letter, application=app, today=ctx.today, mentor=mentor)
        kind = (
            st.selectbox(
                "Draft",
                kinds,
                index=kinds.index(suggested[0]) if suggested and suggested[0] in kinds else 0,
                format_func=lambda k: draft_label(k, mentor),
                key=f"letter-{letter.id}-draft-kind",
            )
            if not ws.read_only
            else (suggested[0] if suggested else None)
        )
        if kind:
            show_draft(letter, mentor, app, kind, ctx, key=f"letter-{letter.id}-draft")


def program_key_parts(app: Application) -> list[str]:
    """Each program's part of its widget keys: a digest of its name (never the free-text name itself, which may
    hold "-"), and of its place among programs of the same name in a plan saved before names had to differ."""
    seen: Counter[str] = Counter()
    parts = []
    for program in app.programs:
        seen[program.name] += 1
        parts.append(ui.text_key(program.name if seen[program.name] == 1 else f"{program.name}\n{seen[program.name]}"))
    return parts


PROGRAMS_PER_PAGE = 20  # rows of the assignment grid drawn at once (each a checkbox per letter)
LETTERS_PER_PAGE = 6  # letter columns drawn at once: more squeeze each writer's name into a sliver of the page


def page_of(items: list, per_page: int, *, noun: str, key: str) -> list:
    """``items`` when they fit on one page; else a "{noun} 1–N of M" choice and the page it picks."""
    total = len(items)
    if total <= per_page:
        return items
    first = st.selectbox(
        f"{noun} shown",
        list(range(0, total, per_page)),
        format_func=lambda i: f"{noun} {i + 1}–{min(i + per_page, total)} of {total}",
        key=key,
    )
    return items[first : first + per_page]


def assignment_grid(ws: Workspace, app: Application, letters: list[LetterRequest], ctx: Context) -> None:
    st.markdown(f"### {ui.md(app.name)}")
    offered = assignable_letters(app, letters)
    if app.programs and offered:
        rows = list(zip(app.programs, program_key_parts(app), strict=True))
        if not ws.read_only:  # long lists: one page of programs, and of letters, at a time, side by side
            pagers = [len(rows) > PROGRAMS_PER_PAGE, len(offered) > LETTERS_PER_PAGE]
            cols = iter(st.columns(2) if all(pagers) else [st.container()])
            if pagers[0]:
                with next(cols):
                    rows = page_of(rows, PROGRAMS_PER_PAGE, noun="Programs", key=f"assign-{app.id}-page")
            if pagers[1]:
                with next(cols):
                    offered = page_of(offered, LETTERS_PER_PAGE, noun="Letters", key=f"assign-{app.id}-letters-page")
        names = [ctx.mentors[x.mentor_id].name if x.mentor_id in ctx.mentors else "Unknown" for x in offered]
        widths = [3] + [2] * len(offered) + ([3] if not ws.read_only else [])  # room for "🗑️ Remove" in the last
        header = st.columns(widths)
        header[0].caption("Program")
        for col, name, letter in zip(header[1:], names, offered, strict=False):
            col.caption(f"{ui.md(name)} ({label(letter.status).lower()})")
        for program, part in rows:
            row = st.columns(widths)
            due = f" · due {month_day(program.deadline)}" if program.deadline else ""
            row[0].markdown(f"**{ui.md(program.name)}**  \n{len(program.assigned)} of {program.max_letters}{due}")
            for col, letter, name in zip(row[1:], offered, names, strict=False):
                if ws.read_only:
                    col.write("✓" if letter.id in program.assigned else "—")
                    continue
                key = sync(f"assign-{app.id}-{part}-{letter.id}", letter.id in program.assigned)
                col.checkbox(
                    # The label is hidden on the grid (the column says whose letter it is) but it is what a screen
                    # reader reads, from the raw string: label_escape leaves a name's dots and dashes alone.
                    f"{label_escape(name)}'s letter to {label_escape(program.name)}",
                    key=key,
                    label_visibility="collapsed",
                    on_change=on_assign,
                    args=(ws, app.id, program.name, letter.id, key, letter.id in program.assigned),
                )
            if not ws.read_only:
                with row[-1]:
                    ui.delete_button(
                        ws,
                        "program",
                        app.id,
                        program=program.name,
                        key=f"program-{app.id}-{part}-remove",
                        label="Remove",
                        place=f"programs-{app.id}",
                    )
    if not ws.read_only:
        ui.undo_notice(ws, f"programs-{app.id}")
    for issue in check_assignments(
        app, letters, mentors=list(ctx.mentors.values()), applications=list(ctx.apps.values())
    ):
        ISSUE_STYLE[issue.level](ui.md(issue.message))
    if not ws.read_only:
        add_program_form(ws, app, lazy=ctx.lazy)
        if app.programs:
            edit_program_form(ws, app, lazy=ctx.lazy)


def add_program_form(ws: Workspace, app: Application, *, lazy: bool = False) -> None:
    with ui.panel("Add a program", key=f"program-{app.id}-panel", lazy=lazy, icon="➕") as shown:
        if not shown or ui.plan_full("programs_per_plan", sum(len(a.programs) for a in ui.snapshot(ws).applications())):
            return
        with st.form(f"program-{app.id}-form", clear_on_submit=True, border=False):
            name = st.text_input("Program name", key=f"program-{app.id}-name")
            deadline = st.date_input(
                "Its deadline (optional)", value=None, key=f"program-{app.id}-deadline", format=ui.DATE_FORMAT
            )
            limit = st.number_input(
                f"Most letters it takes (default for {label(app.portal)})",
                min_value=1,
                max_value=10,
                value=default_max_letters(app.portal),
                key=f"program-{app.id}-max",
            )
            types = st.multiselect(
                "Letter types it requires", LETTER_TYPES, format_func=label, key=f"program-{app.id}-types"
            )
            if not st.form_submit_button("Add program", key=f"program-{app.id}-add", type="primary"):
                return
    fields = {"name": name, "deadline": deadline, "max_letters": int(limit), "required_types": types}
    save_program(ws, fields, lambda program: add_program(app, program), done="Added", refused="Not added:")


def save_program(ws: Workspace, fields: dict, change, *, done: str, refused: str) -> None:
    """Build a Program from the form's fields, save the application ``change(program)`` returns, and say so;
    a field or rule the program breaks is explained in plain words instead."""
    try:
        program = Program(**fields)
        ws.save_application(change(program))
    except ValidationError as exc:
        ui.show_validation_error(exc, prefix=refused)
        return
    except AssignmentError as exc:
        st.error(ui.md(f"{refused} {exc}"))
        return
    ui.flash("success", f"{done} {program.name}.")
    st.rerun()


def edit_program_form(ws: Workspace, app: Application, *, lazy: bool = False) -> None:
    """Change a program's name, due date, limit or required letter types (its assigned letters stay)."""
    with ui.panel("Edit a program", key=f"program-{app.id}-edit-panel", lazy=lazy, icon="✏️") as shown:
        if not shown:
            return
        names = [p.name for p in app.programs]
        chosen = st.selectbox("Program", names, key=f"program-{app.id}-edit-which")
        program = next(p for p in app.programs if p.name == chosen)
        # The form is saved against the program it showed: a rename or change in another tab since is refused.
        drawn = ui.drawn_last_run(f"program-{app.id}-edit", program)
        with st.form(f"program-{app.id}-edit-form", border=False):
            k = f"program-{app.id}-edit-{ui.text_key(chosen)}"
            name = st.text_input("Program name", value=program.name, key=f"{k}-name")
            deadline = st.date_input(
                "Its deadline (optional)", value=program.deadline, key=f"{k}-deadline", format=ui.DATE_FORMAT
            )
            limit = st.number_input(
                "Most letters it takes", min_value=1, max_value=10, value=program.max_letters, key=f"{k}-max"
            )
            types = st.multiselect(
                "Letter types it requires",
                LETTER_TYPES,
                default=program.required_types,
                format_func=label,
                key=f"{k}-types",
            )
            if not st.form_submit_button("Save program", key=f"program-{app.id}-edit-save", type="primary"):
                return
    if drawn != program:
        st.warning(ui.CHANGED_ELSEWHERE)
        return
    fields = {"name": name, "deadline": deadline, "max_letters": int(limit), "required_types": types}
    old = program.name
    save_program(ws, fields, lambda changed: edit_program(app, old, changed), done="Saved", refused="Not saved:")


def request_sheets(ws: Workspace, letters: list[LetterRequest], ctx: Context) -> None:
    student, today = ctx.student, ctx.today
    writers = [(m, sheet_items(m.id, letters, list(ctx.apps.values()))) for m in ctx.mentors.values()]
    writers = [(m, items) for m, items in writers if items]
    if not writers:
        st.caption("A writer's sheet appears here once you plan a letter with them.")
    for mentor, items in writers:
        left, mid, right = st.columns([3, 1, 1])
        count = len(items)
        left.markdown(f"**{ui.md(mentor.name)}** · {plural(count, 'letter')}")
        stem = f"letter-request-{name_slug(mentor.name)}-{today.isoformat()}"  # three sheets told apart in Downloads
        mid.download_button(
            "HTML (print)",
            partial(
                request_sheet_html, student, mentor, items, today=today, committees=ctx.mentors
            ),  # made when clicked
            file_name=f"{stem}.html",
            mime="text/html",
            key=f"sheet-{mentor.id}-html",
            on_click="ignore",
        )
        right.download_button(
            "Markdown",
            partial(request_sheet_markdown, student, mentor, items, today=today, committees=ctx.mentors),
            file_name=f"{stem}.md",
            mime="text/markdown",
            key=f"sheet-{mentor.id}-md",
            on_click="ignore",
        )
