"""What the Choose recommenders page draws: the application and writer forms, each ranked writer's card, the letter
mix and the backups. The page (pages/recommenders.py) only lays these out.

Long on purpose: one page's views (forms, cards, mix, backups) sharing the ranking and the card fragments' rerun
rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date, timedelta
from typing import Any, Literal

import streamlit as st
from pydantic import ValidationError

from lor import ui
from lor.letter_types import expected_letter_type
from lor.lifecycle import plan_letter_for, shareable_letter
from lor.limits import PLAN_LIMITS, letter_room_message, with_contact
from lor.mix import application_problems, deadline_problem, mix_for_letters, usual_portal
from lor.models import (
    BACKUPS_SETTING,
    DEGREES,
    LETTER_TYPES,
    ONE_ON_ONE,
    PATHWAYS,
    PERFORMANCES,
    PORTALS,
    ROLES,
    SETTINGS,
    SPECIALTIES,
    TOUCHPOINT_KINDS,
    TRACKS,
    Application,
    LetterRequest,
    Mentor,
    MentorScore,
    MixCheck,
    PlanSettings,
    Touchpoint,
    field_applies,
    label,
    label_in_sentence,
    plain_errors,
)
from lor.scoring import (
    FACTOR_HELP,
    SCORING_HELP,
    active_letters,
    backup_letter_type,
    backup_reason,
    backup_suggestions,
    needs_goal_conversation,
    rank_mentors,
    score_mentor,
    weights,
)
from lor.seasons import (
    NEXT_SEASON,
    application_name_example,
    application_season,
    resolve_season,
    rules_season_line,
    season_caption,
    season_choice_label,
    season_choices,
    season_name,
)
from lor.sources import source_line
from lor.store import Workspace
from lor.text import a_or_an, and_list, day_text, lines_of, plural, short_date
from lor.timing import goal_talk_nudge

APP_KEY = "recommenders-application"
AUTO_PORTAL = "auto"  # the Add form's first portal choice: the one the specialty's programs use (lor.mix.usual_portal)
ERRORS_KEY = "recommenders-errors"  # widget key -> ("error" | "warning", why its last change was not saved)
RESET_KEY = "recommenders-reset"
MENTOR_KEYS = {"weeks_known": "weeks", "one_on_one": "one-on-one", "last_worked": "last-worked"}  # field -> key part
TIER_COLORS: dict[str, Literal["green", "orange", "red"]] = {"strong": "green", "possible": "orange", "weak": "red"}
SPECIALTY_CHOICES: list[str | None] = [None, *SPECIALTIES]


def specialty_choices(current: str | None) -> list[str | None]:
    """The specialty options, keeping a slug from an imported plan that the list doesn't know."""
    return SPECIALTY_CHOICES if current in SPECIALTY_CHOICES else [*SPECIALTY_CHOICES, current]


EARLIEST = date(1950, 1, 1)


def form_defaults(today: date, application: Application | None) -> dict[str, dict[str, object]]:
    """What each add form shows when it opens and again after every successful add: neutral values, nothing
    carried over from the last record. Performance is never assumed: the student chooses it."""
    specialty = application.specialty if application and application.specialty in SPECIALTIES else None
    return {
        "application": {
            "application-name": "",
            "application-pathway": "residency",
            "application-specialty": None,
            "application-portal": AUTO_PORTAL,
            "application-season": NEXT_SEASON,
            "application-track": "categorical",
            "application-deadline": None,  # empty: the season's date from the portal's calendar
            "application-academic": False,
        },
        "mentor": {
            "mentor-name": "",
            "mentor-email": "",
            "mentor-role": "attending",
            "mentor-specialty": specialty,
            "mentor-setting": "rotation",
            "mentor-weeks": 4,
            "mentor-one-on-one": "some",
            "mentor-performance": None,
            "mentor-observed": "",
            "mentor-last-worked": None,
            "mentor-degree": "",
            "mentor-rotation-end": None,
        },
        "source": {
            "source-name": "",
            "source-kind": "committee",
            "source-email": "",
            "source-intake": None,
        },
    }


def reset_form_after_rerun(*keys: str) -> None:
    """Put these fields (or whole forms: "application", "mentor") back to their defaults on the next run."""
    st.session_state[RESET_KEY] = [*st.session_state.get(RESET_KEY, []), *keys]


def prepare_forms(today: date, application: Application | None) -> None:
    """Give every add-form field its default: on first sight, and for every field after a successful add.

    Each value is set explicitly (never just dropped): the browser keeps a dropped widget's last value and
    would send it again with the next add, so a new writer silently inherited the last one's answers.
    """
    defaults = form_defaults(today, application)
    every = {key: value for fields in defaults.values() for key, value in fields.items()}
    for name in st.session_state.pop(RESET_KEY, []):
        st.session_state.update(defaults.get(name) or {name: every[name]})
    for fields in defaults.values():
        for key, value in fields.items():
            st.session_state.setdefault(key, value)


KIND_WORDS = {"mentor": "writer", "application": "application", "letter": "letter"}


def _save_field(
    ws: Workspace,
    kind: str,
    record_id: str,
    name: str,
    key: str,
    to_model: Callable,
    check: Callable | None = None,
    drawn: object = None,
) -> None:
    # A widget's on_change: save just this field of the stored record, so stale widgets never overwrite. ``drawn``
    # is the field's value as the page showed it: if another tab changed the field since, nothing is saved.
    records: list[Any] = (
        ws.mentors() if kind == "mentor" else ws.applications() if kind == "application" else ws.letters()
    )
    record = next((r for r in records if r.id == record_id), None)
    if record is None:
        ui.flash("warning", f"Not saved: that {KIND_WORDS[kind]} was deleted in another tab.")
        return
    if getattr(record, name) != drawn:
        st.session_state.setdefault(ERRORS_KEY, {})[key] = ("warning", ui.CHANGED_ELSEWHERE)
        return
    try:
        updated = type(record).model_validate({**record.model_dump(), name: to_model(st.session_state[key])})
    except ValidationError as exc:
        st.session_state.setdefault(ERRORS_KEY, {})[key] = ("error", "Not saved: " + " ".join(plain_errors(exc)))
        return
    except (ValueError, TypeError, KeyError):  # a value the widget never offers (a forged message): int("x")
        st.session_state.setdefault(ERRORS_KEY, {})[key] = ("error", "Not saved: that value can't be used here.")
        return
    problem = check(updated) if check else None
    if problem:
        st.session_state.setdefault(ERRORS_KEY, {})[key] = ("error", f"Not saved: {problem}")
        return
    if updated != record:
        save: Callable[[Any], None] = (
            ws.save_mentor if kind == "mentor" else ws.save_application if kind == "application" else ws.save_letter
        )
        save(updated)


def bound(
    widget: Callable,
    label_text: str,
    ws: Workspace,
    record: Mentor | Application | LetterRequest,
    name: str,
    key: str,
    *,
    to_model: Callable = lambda v: v,
    to_widget: Callable = lambda v: v,
    check: Callable | None = None,
    **kwargs,
) -> None:
    """A widget showing a stored field; changing it saves that field at once (or explains why not: a value the
    record refuses, or a field another tab changed since this one was drawn)."""
    kind = {Mentor: "mentor", Application: "application", LetterRequest: "letter"}[type(record)]
    st.session_state[key] = to_widget(getattr(record, name))
    args = (ws, kind, record.id, name, key, to_model, check, getattr(record, name))
    widget(label_text, key=key, on_change=_save_field, args=args, **kwargs)
    problem = st.session_state.get(ERRORS_KEY, {}).pop(key, None)
    if problem:
        how, text = problem
        (st.warning if how == "warning" else st.error)(ui.md(text), icon="⚠️")


# -- applications -------------------------------------------------------------------------------------


def add_application_form(ws: Workspace, today: date, *, expanded: bool) -> None:
    # Keyed, so the rerun a pathway pick makes (it changes the fields below) leaves the panel open.
    with st.expander("Add an application", expanded=expanded, icon="➕", key="application-add-panel"):
        if ui.plan_full("applications", len(ui.snapshot(ws).applications())):
            return
        _application_form(ws, today)


def _application_form(ws: Workspace, today: date) -> None:
    # Outside the form, so the fields below follow the pathway: a medical school has no specialty or track.
    pathway = st.selectbox("Pathway", PATHWAYS, format_func=label, key="application-pathway")
    with st.form("application-form", border=False):
        name = st.text_input("Name", key="application-name", placeholder=application_name_example(pathway, today))
        specialty = (
            st.selectbox(
                "Specialty",
                SPECIALTY_CHOICES,
                format_func=label,
                key="application-specialty",
                help="Required for residency and fellowship: the ranking and the letter mix depend on it.",
            )
            if field_applies("specialty", pathway)
            else None
        )
        portal = st.selectbox(
            "Portal",
            (AUTO_PORTAL, *PORTALS),
            format_func=lambda p: "The one its programs use" if p == AUTO_PORTAL else label(p),
            key="application-portal",
            help="Left as is, the app picks the portal the specialty's programs use (emergency medicine and "
            "OB/GYN: ResidencyCAS; ophthalmology: SF Match; other residencies: ERAS; medical school: AMCAS).",
        )
        cols = list(st.columns(2))
        season = cols[0].selectbox(
            "Season",
            season_choices(today),
            format_func=season_choice_label,
            key="application-season",
            help="Seasons are named as the portals name them: ERAS 2028 and AMCAS 2028 are applied to in 2027.",
        )
        track = (
            cols[1].selectbox(
                "Track (residency)",
                TRACKS,
                format_func=label,
                key="application-track",
                help="A preliminary or transitional year usually takes the same letters as your categorical "
                "application: plan each writer's letter once and share it.",
            )
            if field_applies("track", pathway)
            else "categorical"
        )
        deadline = st.date_input(
            "Letters due by (leave empty for the season's date)",
            key="application-deadline",
            help="Empty: the day the portal's programs or schools start reviewing, less a margin, from its "
            "calendar for the season (published, or else the app's estimate, which says what it rests on). Each "
            "program's "
            "own dates can be added on the Letters page.",
            format=ui.DATE_FORMAT,
        )
        academic = st.checkbox(
            "Academic programs",
            key="application-academic",
            help="Research-heavy programs value a research letter.",
        )
        if not st.form_submit_button("Add application", key="application-add", type="primary"):
            return
    portal = usual_portal(pathway, specialty) if portal == AUTO_PORTAL else portal
    season_year, due, problem = resolve_season(portal, pathway, season, deadline, today)
    if problem:
        st.error(f"Not added: {problem}", icon="⚠️")
        return
    try:
        application = Application(
            name=name,
            pathway=pathway,
            specialty=specialty,
            portal=portal,
            deadline=due,
            academic=academic,
            season=season_year,
            track=track if pathway == "residency" else "categorical",
        )
    except ValidationError as exc:
        ui.show_validation_error(exc, prefix="Not added:")
        return
    problems = application_problems(application, today)
    if problems:
        st.error("Not added: " + " ".join(problems), icon="⚠️")
        return
    ws.save_application(application)
    st.session_state[APP_KEY] = application.id
    reset_form_after_rerun("application", "mentor-specialty")  # a new writer defaults to its field
    caption = season_caption(application)
    ui.flash(
        "success", f"Added {application.name} (portal: {label(application.portal)}{'; ' + caption if caption else ''})."
    )
    st.rerun()


def edit_application(ws: Workspace, application: Application, today: date) -> None:
    """Every field of the application, each saved as soon as it changes (a past due date is refused), and Delete."""
    k = f"application-{application.id}"

    def edit(widget: Callable, label_text: str, name: str, **kwargs) -> None:
        bound(widget, label_text, ws, application, name, f"{k}-{name}", **kwargs)

    def not_past(updated: Application) -> str | None:
        return deadline_problem(updated.deadline, today)

    # Keyed, so a change made in it (a specialty chosen, which flips ``expanded``) or the Delete question's rerun
    # leaves it open: a keyless panel whose arguments change is drawn anew, closed.
    with st.expander(
        "Edit this application (changes save at once)",
        icon="✏️",
        expanded=not application.specialty and field_applies("specialty", application.pathway),
        key=f"{k}-edit-panel",
    ):
        edit(st.text_input, "Name", "name")
        cols = list(st.columns(3))
        with cols[0]:
            edit(st.selectbox, "Pathway", "pathway", options=PATHWAYS, format_func=label)
        with cols[1]:
            if field_applies("specialty", application.pathway):
                edit(
                    st.selectbox,
                    "Specialty",
                    "specialty",
                    options=specialty_choices(application.specialty),
                    format_func=label,
                )
        with cols[2]:
            edit(st.selectbox, "Portal", "portal", options=PORTALS, format_func=label)
        cols = list(st.columns(2))
        with cols[0]:
            edit(
                st.date_input,
                "Letters due by",
                "deadline",
                min_value=min(today, application.deadline),
                check=not_past,
                help="Every step of the plan is counted back from this date.",
            )
        with cols[1]:
            seasons = [None, *range(today.year, today.year + 4)]
            if application.season not in seasons:
                seasons.append(application.season)
            edit(
                st.selectbox,
                "Season",
                "season",
                options=seasons,
                format_func=lambda y: "Not set" if y is None else season_name(application.portal, y),
                help="The season as the portal names it. Changing it doesn't move the due date: set that too.",
            )
        cols = list(st.columns(2))
        with cols[0]:
            if field_applies("track", application.pathway):
                edit(st.selectbox, "Track (residency)", "track", options=TRACKS, format_func=label)
        with cols[1]:
            edit(st.checkbox, "Academic programs", "academic")
            if field_applies("osteopathic_recognition", application.pathway):
                edit(
                    st.checkbox,
                    "Osteopathic Recognition",
                    "osteopathic_recognition",
                    help="Residency programs with ACGME Osteopathic Recognition value a letter from a DO.",
                )
        bound(st.text_area, "Notes", ws, application, "notes", f"{k}-notes")
        st.caption("Programs, their own due dates and letter limits are on the Letters page, under Assign to programs.")
        if not ui.delete_asked(f"{k}-delete"):
            delete_application_button(ws, application)
    if ui.delete_asked(f"{k}-delete"):  # the question outside the panel: the click's rerun closes the panel
        delete_application_button(ws, application)


def delete_application_button(ws: Workspace, application: Application) -> None:
    ui.delete_button(
        ws,
        "application",
        application.id,
        key=f"application-{application.id}-delete",
        label="Delete this application",
        place="application",
    )


# -- mentors ------------------------------------------------------------------------------------------


def add_mentor_form(ws: Workspace, today: date, application: Application | None, *, expanded: bool) -> None:
    with st.expander("Add a writer", expanded=expanded, icon="➕"):
        if ui.plan_full("writers", len(ui.snapshot(ws).mentors())):
            return
        _mentor_form(ws, today, application)


def _mentor_form(ws: Workspace, today: date, application: Application | None) -> None:
    with st.form("mentor-form", border=False):
        name = st.text_input("Name", key="mentor-name", help=FACTOR_HELP["name"])
        email = st.text_input("Email", key="mentor-email", help=FACTOR_HELP["email"])
        cols = list(st.columns(3))
        role = cols[0].selectbox("Role", ROLES, format_func=label, key="mentor-role", help=FACTOR_HELP["role"])
        specialty = cols[1].selectbox(
            "Specialty",
            SPECIALTY_CHOICES,
            format_func=label,
            key="mentor-specialty",
            help=FACTOR_HELP["specialty"],
        )
        setting = cols[2].selectbox(
            "Setting", SETTINGS, format_func=label, key="mentor-setting", help=FACTOR_HELP["setting"]
        )
        cols = list(st.columns(3))
        weeks = cols[0].number_input(
            "Weeks known", 0, 10_000, step=1, key="mentor-weeks", help=FACTOR_HELP["weeks_known"]
        )
        one_on_one = cols[1].selectbox(
            "One-on-one time",
            ONE_ON_ONE,
            format_func=label,
            key="mentor-one-on-one",
            help=FACTOR_HELP["one_on_one"],
        )
        performance = cols[2].selectbox(
            "Performance they saw",
            PERFORMANCES,
            format_func=label,
            placeholder="Choose one",
            key="mentor-performance",
            help=FACTOR_HELP["performance"],
        )
        observed = st.text_area("What they saw you do", key="mentor-observed", help=FACTOR_HELP["observed"])
        cols = list(st.columns(3))
        last_worked = cols[0].date_input(
            "Last worked together",
            min_value=EARLIEST,
            max_value=today,
            key="mentor-last-worked",
            help=FACTOR_HELP["last_worked"],
            format=ui.DATE_FORMAT,
        )
        rotation_end = cols[1].date_input(
            "Rotation ends (or ended)",
            min_value=EARLIEST,
            max_value=today + timedelta(days=730),
            key="mentor-rotation-end",
            help=FACTOR_HELP["rotation_end"],
            format=ui.DATE_FORMAT,
        )
        degree = cols[2].selectbox(
            "Degree", DEGREES, format_func=label, key="mentor-degree", help=FACTOR_HELP["degree"]
        )
        if not st.form_submit_button("Add writer", key="mentor-add", type="primary"):
            return
    unchosen: list[str] = (
        ["Choose how you did in front of them under “Performance they saw”."] if performance is None else []
    )
    try:
        mentor = Mentor(
            name=name,
            email=email,
            role=role,
            specialty=specialty,
            setting=setting,
            weeks_known=int(weeks),
            one_on_one=one_on_one,
            performance=performance or "average",  # checked above; a stand-in so the other fields are checked too
            observed=lines_of(observed),
            last_worked=last_worked,
            rotation_end=rotation_end,
            degree=degree,
        )
    except ValidationError as exc:
        st.error(" ".join(["Not added:", *plain_errors(exc), *unchosen]), icon="⚠️")
        return
    if unchosen:
        st.error(" ".join(["Not added:", *unchosen]), icon="⚠️")
        return
    ws.save_mentor(mentor)
    reset_form_after_rerun("mentor")
    ui.flash("success", f"Added {mentor.name}.")
    st.rerun()


SOURCE_KINDS = {
    "committee": "A committee letter (your school's premedical or health-professions committee)",
    "department": "A departmental letter (a department writing as a group: the IM SEL, a group SLOE)",
}


def add_source_form(ws: Workspace, today: date) -> None:
    """Add a committee or a department as a letter source: not a person, so no relationship to describe."""
    with st.expander("Add a committee or departmental letter", icon="🏛️"):
        if ui.plan_full("writers", len(ui.snapshot(ws).mentors())):
            return
        st.caption(
            "A committee or a department is not scored like a person: it has its own process and its own deadline. "
            "Plan it for an application below like any writer."
        )
        with st.form("source-form", border=False):
            kind = st.radio("Kind", list(SOURCE_KINDS), format_func=lambda k: SOURCE_KINDS[k], key="source-kind")
            name = st.text_input("Name", key="source-name", placeholder="Pre-Health Advising Committee")
            cols = list(st.columns(2))
            email = cols[0].text_input("Its office's email", key="source-email")
            intake = cols[1].date_input(
                "Its deadline for your materials (if you know it)",
                min_value=today - timedelta(days=365),
                max_value=today + timedelta(days=730),
                key="source-intake",
                help="Registration, your statement, the individual letters it gathers. Empty: the usual date for "
                "its kind, which the plan marks as a placeholder.",
                format=ui.DATE_FORMAT,
            )
            if not st.form_submit_button("Add it", key="source-add", type="primary"):
                return
    try:
        source = Mentor(name=name, email=email, role=kind, setting="other", intake_deadline=intake, weeks_known=0)
    except ValidationError as exc:
        ui.show_validation_error(exc, prefix="Not added:")
        return
    ws.save_mentor(source)
    reset_form_after_rerun("source")
    ui.flash("success", f"Added {source.name} as {'a committee' if kind == 'committee' else 'a department'}.")
    st.rerun()


def edit_mentor(ws: Workspace, mentor: Mentor, today: date, *, place: str, lazy: bool = False) -> None:
    k = f"mentor-{mentor.id}"

    def edit(widget: Callable, label_text: str, name: str, **kwargs) -> None:
        key = f"{k}-{MENTOR_KEYS.get(name, name)}"
        kwargs.setdefault("help", FACTOR_HELP.get(name))
        bound(widget, label_text, ws, mentor, name, key, **kwargs)

    with ui.panel("Edit details (changes save at once)", key=f"{k}-edit", lazy=lazy, icon="✏️") as shown:
        if not shown:
            return
        edit(st.text_input, "Name", "name")
        cols = list(st.columns(2))
        with cols[0]:
            edit(st.text_input, "Email", "email", to_widget=lambda v: v or "")
        with cols[1]:
            edit(
                st.text_input,
                "Title (shown on the drafts)",
                "title",
                placeholder="Associate Professor of Medicine",
                help="Their title, as it goes on the request: drafts and request sheets use it.",
            )
        cols = list(st.columns(3))
        with cols[0]:
            edit(st.selectbox, "Role", "role", options=ROLES, format_func=label)
        with cols[1]:
            edit(st.selectbox, "Specialty", "specialty", options=specialty_choices(mentor.specialty), format_func=label)
        with cols[2]:
            edit(st.selectbox, "Setting", "setting", options=SETTINGS, format_func=label)
        cols = list(st.columns(3))
        with cols[0]:
            edit(st.number_input, "Weeks known", "weeks_known", to_model=int, min_value=0, max_value=10_000, step=1)
        with cols[1]:
            edit(st.selectbox, "One-on-one time", "one_on_one", options=ONE_ON_ONE, format_func=label)
        with cols[2]:
            edit(st.selectbox, "Performance they saw", "performance", options=PERFORMANCES, format_func=label)
        edit(st.text_area, "What they saw you do", "observed", to_widget="\n".join, to_model=lines_of)

        def edit_day(label_text: str, name: str, latest: date) -> None:
            value = getattr(mentor, name) or today
            edit(st.date_input, label_text, name, min_value=min(EARLIEST, value), max_value=max(latest, value))

        cols = list(st.columns(2))
        with cols[0]:
            edit_day("Last worked together", "last_worked", today)
        with cols[1]:
            edit(st.checkbox, "Unavailable this cycle", "unavailable")
        cols = list(st.columns(2))
        with cols[0]:
            edit(st.selectbox, "Degree", "degree", options=DEGREES, format_func=label)
        with cols[1]:
            edit_day("Rotation ends (or ended)", "rotation_end", today + timedelta(days=730))
        if mentor.letter_source:
            edit(
                st.date_input,
                "Its deadline for your materials",
                "intake_deadline",
                min_value=min(EARLIEST, mentor.intake_deadline or today),
                max_value=today + timedelta(days=730),
                help="When it needs your registration, statement and the letters it gathers; empty: the usual date.",
            )
        edit(st.text_area, "Notes", "notes")
        ui.delete_button(ws, "mentor", mentor.id, key=f"{k}-delete", label="Delete this writer", place=place)


def touchpoints(ws: Workspace | None, mentor: Mentor, today: date, *, lazy: bool = False) -> None:
    """The mentor's contact log; with a workspace to write to, a form to add one."""
    label_text = f"Touchpoints ({len(mentor.touchpoints)})"
    with ui.panel(label_text, key=f"mentor-{mentor.id}-touchpoints", lazy=lazy, icon="🤝") as shown:
        if not shown:
            return
        for t in sorted(mentor.touchpoints, key=lambda t: t.day, reverse=True):
            note = f" — {ui.md(t.note)}" if t.note else ""
            st.markdown(f"- {short_date(t.day)} · {label(t.kind)}{note}")
        if not mentor.touchpoints:
            st.caption("No contacts logged yet. Log feedback talks and check-ins: they keep the relationship warm.")
        if ws is None:
            return
        kept = PLAN_LIMITS.touchpoints_per_writer
        if len(mentor.touchpoints) >= kept:
            st.caption(f"The app keeps the {kept} most recent contacts: logging one more drops the oldest.")
        k = f"mentor-{mentor.id}-touchpoint"
        with st.form(k, clear_on_submit=True):
            cols = st.columns([1, 1, 2])
            day = cols[0].date_input(
                "Date", value=today, min_value=EARLIEST, max_value=today, key=f"{k}-day", format=ui.DATE_FORMAT
            )
            kind = cols[1].selectbox("Kind", TOUCHPOINT_KINDS, format_func=label, key=f"{k}-kind")
            note = cols[2].text_input("Note", key=f"{k}-note", placeholder="Asked for feedback on my notes")
            if not st.form_submit_button("Log contact", key=f"{k}-add"):
                return
    try:
        entry = Touchpoint(day=day, kind=kind, note=note)
        ws.save_mentor(with_contact(mentor, entry))
    except ValidationError as exc:
        ui.show_validation_error(exc, prefix="Not logged:")
        return
    ui.flash("success", f"Logged a contact with {mentor.name}.")
    st.rerun()


def letter_controls(
    ws: Workspace, mentor: Mentor, application: Application, letters: list[LetterRequest], *, lazy: bool = False
) -> None:
    plan = ui.snapshot(ws)
    applications = plan.applications()
    names = {a.id: a.name for a in applications}
    for letter in letters:
        cols = st.columns([2, 1], vertical_alignment="center")
        others = [names[i] for i in letter.application_ids if i != application.id and i in names]
        shared = f" (one letter, also for {ui.md(and_list(others))})" if others else ""
        cols[0].markdown(f"✉️ Letter for this application{shared}: **{label(letter.status)}**")
        with cols[1]:
            bound(
                st.selectbox,
                "Letter type",
                ws,
                letter,
                "letter_type",
                f"letter-{letter.id}-type",
                options=LETTER_TYPES,
                format_func=label,
            )
    if letters or lazy:
        title = "Plan another letter" if letters else "Plan a letter"
        box: AbstractContextManager[bool] = ui.panel(title, key=f"mentor-{mentor.id}-plan-panel", lazy=lazy, icon="📝")
    else:
        box = nullcontext(True)
    with box as shown:
        if not shown:
            return
        full = letter_room_message(plan.letters(), application)
        if full:
            st.info(ui.md(full), icon="📦")
            return
        expected = expected_letter_type(mentor, application)  # what the application needs from this writer
        existing = shareable_letter(plan.letters(), applications, mentor.id, application)
        share = False
        if existing is not None:
            first = names.get(existing.application_id, "another application")
            same = f"Use the same letter as for {first} (one upload, assigned to both)"
            choice = st.radio(
                f"{mentor.name} {'is planned to write' if existing.status == 'planned' else 'already writes'} you a "
                f"letter on {label(application.portal)}",
                ["same", "separate"],
                index=0 if existing.letter_type == expected else 1,
                format_func=lambda c: same if c == "same" else "A separate letter, tailored for this application",
                key=f"mentor-{mentor.id}-share-{application.id}",
                help="One letter can go to every application on the same portal; ask for a separate one when the "
                "applications differ (another specialty, a research track).",
            )
            share = choice == "same"
        cols = st.columns([2, 1], vertical_alignment="bottom")
        letter_type = cols[0].selectbox(
            "Type of letter to plan",
            LETTER_TYPES,
            index=LETTER_TYPES.index(existing.letter_type if share and existing else expected),
            format_func=label,
            key=f"mentor-{mentor.id}-letter-type",
            disabled=share,
        )
        if cols[1].button(
            "Plan another letter" if letters else "Plan a letter",
            key=f"mentor-{mentor.id}-plan",
            icon="📝",
            disabled=mentor.unavailable,
            help="Adds a planned letter for this application; track it on the Letters page.",
        ):
            letter = plan_letter_for(
                plan.letters(),
                applications,
                mentor.id,
                application,
                letter_type=letter_type,
                share=share,
                observed=mentor.observed,
                committees={m.id for m in plan.mentors() if m.role == "committee"},
            )
            ws.save_letter(letter)
            if share:
                first = names.get(letter.application_id, "another application")
                done = f"Planned: {mentor.name}'s letter for {first} now goes to {application.name} too (one ask)."
            elif letter.via:
                committee = next((m.name for m in plan.mentors() if m.id == letter.via), "your committee")
                # "Pre-Health Committee's committee letter" doubled the word: name the office, then what it writes.
                done = (
                    f"Planned {a_or_an(letter_type)} from {mentor.name}: it goes to {committee}, into your "
                    "committee letter."
                )
            else:
                done = f"Planned {a_or_an(letter_type)} from {mentor.name}."
            ui.flash("success", done)
            st.rerun()


def mentor_card(
    ws: Workspace | None,
    mentor: Mentor,
    score: MentorScore,
    application: Application,
    letters: list[LetterRequest],
    all_letters: list[LetterRequest],
    *,
    today: date,
    duplicate: bool,
    place: str = "",
    lazy: bool = False,
) -> None:
    """One ranked mentor: score bar, tier, reasons and warnings; with a workspace, the actions too.

    With ``lazy`` (a long list), the contact log and the edit inputs are drawn only when their panel is open.
    """
    with st.container(border=True):
        cols = st.columns([4, 1])
        role = label(mentor.role) + (f" · {label(mentor.specialty)}" if mentor.specialty else "")
        cols[0].markdown(f"**{ui.md(mentor.name)}** · {role}")
        source = mentor.letter_source  # a committee or department: an office, not a relationship to score
        # Said no to this application (and no letter for it since): marked, and offered no new letter for it.
        declined = (
            [r for r in all_letters if r.mentor_id == mentor.id and r.status == "declined"] if not letters else []
        )
        with cols[1]:
            if declined:
                st.badge("Declined", color="red", icon="🚫")
            if source:
                st.badge("Letter source", color="gray")
            else:
                st.badge(score.tier.capitalize(), color=TIER_COLORS[score.tier])
        if not source:
            st.progress(score.score / 100, text=f"Score {score.score} / 100")
        if duplicate:
            st.warning(
                f"More than one writer is named {ui.md(mentor.name)}. If it is the same person, delete one.",
                icon="👥",
            )
        if mentor.unavailable:
            st.caption("Marked unavailable this cycle.")
        warned = f" · ⚠️ {plural(len(score.warnings), 'warning')}"
        with st.expander(
            ("How this letter works" if source else "Why this score") + (warned if score.warnings else "")
        ):
            if source:
                st.markdown("\n".join(f"- {ui.md(r.text)}" for r in score.reasons))
            else:
                st.markdown(
                    "\n".join(f"- **{r.points:+d}** {ui.md(r.text)}" for r in score.reasons) or "No points yet."
                )
            for warning in score.warnings:
                st.warning(ui.md(warning), icon="⚠️")
            if mentor.observed:
                st.markdown("**What they saw you do**")
                st.markdown("\n".join(f"- {ui.md(item)}" for item in mentor.observed))
        if needs_goal_conversation(mentor, today, all_letters):
            st.info(
                goal_talk_nudge(),
                icon="🗓️",
            )
        if not source:  # an office has no relationship to keep warm
            touchpoints(ws, mentor, today, lazy=lazy and ws is not None)
        if ws is None:
            if letters:
                st.caption(", ".join(f"{label(r.letter_type)}: {label(r.status)}" for r in letters))
            return
        if declined:
            when = f" on {day_text(declined[0].declined_on)}" if declined[0].declined_on else ""
            st.caption(
                f"Said no to a letter for this application{when}, so they are not suggested for it again. If you "
                "recorded that by mistake, undo it on Letters."
            )
        else:
            letter_controls(ws, mentor, application, letters, lazy=lazy)
        # The edit inputs are drawn only while their panel is open, at every plan size: about 15 inputs per writer
        # were most of this page's cost, on the server and in the browser (opening the panel reruns the card alone).
        edit_mentor(ws, mentor, today, place=place, lazy=True)


# -- each writer's card as a fragment: a click in it reruns the card alone, unless the page around it changed ---

OUTSIDE_KEY = "recommenders-outside"  # what the last full run drew around the writer cards


def around_the_cards(plan: ui.PlanSnapshot, application_id: str, today: date) -> tuple | None:
    """Everything the page draws from the plan outside one writer's card: the application, the letter mix, the
    backups, the order and names of the cards, and the application's letters. A card that saved a change compares
    this with the last full run's; when anything differs, the whole page is drawn again, so no part is stale."""
    application = next((a for a in plan.applications() if a.id == application_id), None)
    if application is None:
        return None
    mentors, letters = plan.mentors(), plan.letters()
    planned = PlanSettings.read(plan.settings()).backups_planned
    backups = backup_suggestions(application, mentors, letters, today=today, handled=planned)
    return (
        application,
        mix_for_letters(application, mentors, letters, today=today),
        [(letter.id, writer.id if writer else None, pick[0].id if pick else None) for letter, writer, pick in backups],
        [(m.id, m.name) for m, _ in rank_mentors(mentors, application, today=today)],
        [r for r in letters if r.serves(application_id)],
    )


def remember_around_the_cards(ws: Workspace, application_id: str, today: date) -> None:
    """Keep what this full run draws around the cards (see around_the_cards), once per plan version."""
    st.session_state[OUTSIDE_KEY] = ui.per_plan(ws, "around-the-cards", around_the_cards, application_id, today)


@st.fragment
def writer_card(
    ws: Workspace, mentor_id: str, application_id: str, *, today: date, duplicate: bool, place: str, lazy: bool
) -> None:
    """One writer's card, redrawn alone after a change made in it (an edit, a letter type, a panel opened).

    It reads the plan afresh on every run; when the change also alters anything drawn outside the card (the mix,
    the backups, the ranking, another card's letters), it reruns the whole page instead.
    """
    if st.session_state.get(OUTSIDE_KEY) != ui.per_plan(
        ws, "around-the-cards", around_the_cards, application_id, today
    ):
        st.rerun(scope="app")
    plan = ui.snapshot(ws)
    mentor = next((m for m in plan.mentors() if m.id == mentor_id), None)
    application = next((a for a in plan.applications() if a.id == application_id), None)
    if mentor is None or application is None:
        st.rerun(scope="app")
        return
    letters = plan.letters()
    own = [r for r in active_letters(letters, application.id) if r.mentor_id == mentor.id]
    everything = [r for r in letters if r.serves(application.id)]
    score = score_mentor(mentor, application, today=today)
    mentor_card(
        ws, mentor, score, application, own, everything, today=today, duplicate=duplicate, place=place, lazy=lazy
    )


# -- the mix and the backups --------------------------------------------------------------------------


def mix_check(check: MixCheck, *, source: bool = True) -> None:
    icon = "ℹ️" if check.note else "✅" if check.ok else "❌" if check.required else "⚠️"
    kind = "note" if check.note else "required" if check.required else "advice"
    st.markdown(f"{icon} {ui.md(check.message)} *({kind})*")
    if source:
        st.caption(ui.md(source_line(check.source, check.checked)), help=check.source or None)


def mix_panel(application: Application, mentors: list[Mentor], letters: list[LetterRequest], today: date) -> None:
    st.subheader("Letter mix")
    report = mix_for_letters(application, mentors, letters, today=today)
    if report.ok:
        st.success("The required letters are covered by the letters planned so far.", icon="✅")
    else:
        st.error("Not ready yet: at least one required letter is missing.", icon="❌")
    # What still needs doing first; the checks already met fold away (on a phone they pushed the writers far down).
    missing = [check for check in report.checks if not check.ok]
    notes = [check for check in report.checks if check.note]  # an optional letter, a practice not confirmed
    met = [check for check in report.checks if check.ok and not check.note]
    for check in missing + notes:
        mix_check(check, source=False)
    if missing or notes:
        with st.expander("Where these checks come from", icon="📚"):
            for check in missing + notes:
                mix_check(check)
    if met:
        with st.expander(f"{plural(len(met), 'check')} met, with sources", icon="✅"):
            for check in met:
                mix_check(check)
    if report.suggestions:
        st.markdown("**What to add**")
        st.markdown("\n".join(f"- {ui.md(s)}" for s in report.suggestions))
    st.caption(
        "Based on this application's letters that are not declined or withdrawn. Check each program too. "
        + rules_season_line()
    )


def backups_panel(
    ws: Workspace, application: Application, mentors: list[Mentor], letters: list[LetterRequest], today: date
) -> None:
    planned = PlanSettings.read(ws.settings()).backups_planned
    slots = backup_suggestions(application, mentors, letters, today=today, handled=planned)
    if not slots:
        return
    st.subheader("Backups")
    for letter, writer, pick in slots:
        who = ui.md(writer.name) if writer else "A writer"
        why = backup_reason(letter)
        with st.container(border=True):
            st.markdown(f"**{who}** {why} ({label_in_sentence(letter.letter_type)}).")
            if pick is None:
                st.write("No other writer is free for this slot. Add one above, or ask your advisor who might fit.")
            else:
                backup, score = pick
                new_type = backup_letter_type(backup, letter.letter_type, application)
                st.markdown(
                    f"Next best: **{ui.md(backup.name)}** — score {score.score}, {score.tier} "
                    f"(would write {a_or_an(new_type)})."
                )
                full = letter_room_message(ui.snapshot(ws).letters(), application)
                if st.button(f"Plan {ui.md(backup.name)} instead", key=f"letter-{letter.id}-backup", icon="🔁"):
                    if full:
                        st.error(ui.md(full), icon="📦")
                        return
                    new = LetterRequest(
                        mentor_id=backup.id,
                        application_id=application.id,
                        letter_type=new_type,
                        brag_sheet=backup.observed[:30],
                    )
                    ws.save_changes(letters=[new], settings={BACKUPS_SETTING: {**planned, letter.id: new.id}})
                    ui.flash("success", f"Planned {a_or_an(new_type)} from {backup.name}.")
                    st.rerun()
            ui.page_link("faq", "What to do when a writer says no", icon="💡", topic="declined")


# -- the page -----------------------------------------------------------------------------------------


CARDS_SHOWN = 12  # writers drawn at first: the best fits, plus every writer with a letter for the application


def ranked_list(
    ws: Workspace | None,
    application: Application,
    mentors: list[Mentor],
    letters: list[LetterRequest],
    today: date,
) -> None:
    st.subheader("Your writers, best fit first")
    with st.expander("How the score works", icon="❓"):
        st.markdown(SCORING_HELP)
        st.caption(
            ui.md(
                source_line("each weight's own pages, or the project's judgment, as listed above", weights()["checked"])
            )
        )
    if not mentors:
        if ws is not None:
            ui.undo_notice(ws, "mentor-0")
        st.info("No writers yet. Add the people who have seen your work.")
        return
    names = Counter(m.name.casefold() for m in mentors)
    lazy = ui.lazy_for(len(mentors))
    mine = active_letters(letters, application.id)
    everything = [r for r in letters if r.serves(application.id)]
    ranked = rank_mentors(mentors, application, today=today)
    if ws is not None:
        remember_around_the_cards(ws, application.id, today)
    asked = {r.mentor_id for r in mine}
    all_key = f"recommenders-{application.id}-all"
    hidden = (
        {m.id for i, (m, _s) in enumerate(ranked) if i >= CARDS_SHOWN and m.id not in asked}
        if ws is not None and not st.session_state.get(all_key)
        else set()
    )
    for i, (mentor, score) in enumerate(ranked):
        if ws is not None:
            ui.undo_notice(ws, f"mentor-{i}")  # a deleted writer's Undo stays where their card was
        if mentor.id in hidden:
            continue
        own = [r for r in mine if r.mentor_id == mentor.id]
        duplicate = names[mentor.name.casefold()] > 1
        if ws is not None:
            writer_card(ws, mentor.id, application.id, today=today, duplicate=duplicate, place=f"mentor-{i}", lazy=lazy)
            continue
        mentor_card(
            ws,
            mentor,
            score,
            application,
            own,
            everything,
            today=today,
            duplicate=duplicate,
            place=f"mentor-{i}",
            lazy=lazy,
        )
    if hidden:
        st.button(
            f"Show {plural(len(hidden), 'more writer')} (lower scores, no letter planned for this application)",
            key=f"{all_key}-show",
            icon="⬇️",
            on_click=st.session_state.__setitem__,
            args=(all_key, True),
        )
    if ws is not None:
        ui.undo_notice(ws, f"mentor-{len(ranked)}")


def application_caption(application: Application) -> None:
    parts = [label(application.pathway), label(application.specialty) if application.specialty else None]
    if application.pathway == "residency" and application.track != "categorical":
        parts.append(label(application.track))
    season = season_caption(application)
    parts += [label(application.portal), season or f"letters due {short_date(application.deadline)}"]
    if application.academic:
        parts.append("academic")
    st.caption(" · ".join(p for p in parts if p))
    dates = application_season(application)
    if dates is not None and application.deadline == dates.due:
        st.caption(ui.md(dates.explained()), help=dates.source)


def read_only_view(
    applications: list[Application], mentors: list[Mentor], letters: list[LetterRequest], today: date
) -> None:
    if not applications:
        st.info("This plan has no applications yet.")
        return
    if len(applications) > 1 and ui.lazy_for(len(mentors)):
        # Every writer for every application would be thousands of elements: one application at a time, chosen
        # like in the student's own view (choosing what to read changes nothing in the plan).
        by_id = {a.id: a for a in applications}
        if st.session_state.get(APP_KEY) not in by_id:
            st.session_state[APP_KEY] = applications[0].id
        names = ui.unique_labels({a.id: a.name for a in applications})
        chosen: str = st.selectbox("Application", list(by_id), format_func=lambda i: names[i], key=APP_KEY)
        applications = [by_id[chosen]]
    for application in applications:
        st.header(ui.md(application.name), divider=True)
        application_caption(application)
        mix_panel(application, mentors, letters, today)
        ranked_list(None, application, mentors, letters, today)
