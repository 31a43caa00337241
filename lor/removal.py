"""Deleting with a second chance: what a delete takes with it, in words, and putting it all back (Undo).

A writer or an application takes its letters along; a letter or a program takes its places on programs.
``removal_of`` says what would go, ``remove`` deletes it, and ``restore`` puts every record back as it was
(a restored record goes to the end of its list). The pages ask first with ``Removal.summary()`` and keep the
Removal for the session, so Undo works right after; nothing here knows about pages.

Another tab may change the plan between the question and the answer: ``Removal.same_as`` tells whether a delete
would still take what the student was asked about, and ``restore`` leaves alone what another tab changed since.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Literal

from lor.models import Application, LetterRequest, Mentor, Program, label, label_in_sentence
from lor.text import and_list

Kind = Literal["mentor", "application", "letter", "program"]


@dataclass(frozen=True)
class Removal:
    """Everything one delete takes out of a plan."""

    kind: Kind
    name: str  # what the student calls the record asked for ("Dr. Ana Ortiz")
    mentors: tuple[Mentor, ...] = ()
    applications: tuple[Application, ...] = ()
    letters: tuple[LetterRequest, ...] = ()
    programs: tuple[tuple[str, int, Program], ...] = ()  # (application id, position, program)
    assignments: tuple[tuple[str, str, str], ...] = ()  # (application id, program name, letter id) unticked
    writer_names: dict[str, str] = field(default_factory=dict)  # mentor id -> name, for the summary
    # Letters shared with other applications (issue #22.2), as they were: deleting the application only narrows them.
    narrowed: tuple[LetterRequest, ...] = ()

    def summary(self) -> str:
        """What goes, in one phrase: "Dr. Ana Ortiz and 2 letters (1 planned, 1 at “Packet sent”)"."""
        if self.kind == "letter":
            letter = self.letters[0]
            writer = self.writer_names.get(letter.mentor_id, "a writer")
            kind = label_in_sentence(letter.letter_type)
            text = f"the {kind} from {writer} for {self.name} ({_status(letter.status)})"
            return text + _places(len(self.assignments))
        if self.kind == "program":
            return f"{self.name}" + _places(len(self.assignments), of="letter")
        parts = [self.name]
        if self.kind == "application":
            count = len(self.applications[0].programs) if self.applications else 0
            if count:
                parts.append(_count(count, "program"))
        if self.letters:
            statuses = Counter(r.status for r in self.letters)
            detail = ", ".join(f"{n} {_status(s)}" for s, n in statuses.items())
            parts.append(f"{_count(len(self.letters), 'letter')} ({detail})")
        text = and_list(parts)
        if self.narrowed:
            text += f" ({_count(len(self.narrowed), 'shared letter')} stay for the other applications)"
        return text

    def same_as(self, other: Removal) -> bool:
        """True when ``other`` (what the same delete would take now) takes exactly what this one named."""
        return self.summary() == other.summary() and replace(self, writer_names={}) == replace(other, writer_names={})


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _status(status: str) -> str:
    return "planned" if status == "planned" else f"at “{label(status)}”"


def _places(n: int, *, of: str = "program") -> str:
    if not n:
        return ""
    return f" and its place on {_count(n, of)}" if of == "program" else f" and its {_count(n, 'letter')} assigned"


def removal_of(plan, kind: Kind, record_id: str, *, program: str | None = None) -> Removal:
    """What deleting this record would take (``plan`` reads like a Workspace); KeyError when it isn't there.

    ``record_id`` is the mentor, application or letter id; for a program, its application's id and ``program``
    its name.
    """
    mentors, applications, letters = plan.mentors(), plan.applications(), plan.letters()
    names = {m.id: m.name for m in mentors}
    apps = {a.id: a for a in applications}
    if kind == "mentor":
        mentor = _find(mentors, record_id)
        gone = tuple(r for r in letters if r.mentor_id == record_id)
        return Removal(
            "mentor",
            mentor.name,
            mentors=(mentor,),
            letters=gone,
            assignments=_assigned(applications, {r.id for r in gone}),
            writer_names=names,
        )
    if kind == "application":
        application = _find(applications, record_id)
        gone = tuple(r for r in letters if r.application_ids == (record_id,))
        shared = tuple(r for r in letters if r.serves(record_id) and len(r.application_ids) > 1)
        return Removal("application", application.name, applications=(application,), letters=gone, narrowed=shared)
    if kind == "letter":
        letter = _find(letters, record_id)
        app_name = apps[letter.application_id].name if letter.application_id in apps else "an application"
        return Removal(
            "letter",
            app_name,
            letters=(letter,),
            assignments=_assigned(applications, {letter.id}),
            writer_names=names,
        )
    if kind == "program":
        application = _find(applications, record_id)
        position, found = next(((i, p) for i, p in enumerate(application.programs) if p.name == program), (0, None))
        if found is None:
            raise KeyError(f"{program} is not in {application.name}")
        assigned = tuple((application.id, found.name, i) for i in found.assigned)
        return Removal("program", found.name, programs=((application.id, position, found),), assignments=assigned)
    raise ValueError(f"“{kind}” is not something that can be deleted")


def _find(records, record_id: str):
    found = next((r for r in records if r.id == record_id), None)
    if found is None:
        raise KeyError(record_id)
    return found


def _assigned(applications: list[Application], letter_ids: set[str]) -> tuple[tuple[str, str, str], ...]:
    return tuple((a.id, p.name, i) for a in applications for p in a.programs for i in p.assigned if i in letter_ids)


def _edit_programs(ws, application_id: str, change) -> None:
    application = next((a for a in ws.applications() if a.id == application_id), None)
    if application is not None:
        ws.save_application(application.model_copy(update={"programs": change(list(application.programs))}))


def remove(ws, removal: Removal) -> None:
    """Delete everything the removal names from the workspace."""
    gone_apps = {a.id for a in removal.applications}
    for app_id in {a for a, _, _ in removal.assignments} - gone_apps:
        ticks = {(p, i) for a, p, i in removal.assignments if a == app_id}
        _edit_programs(
            ws,
            app_id,
            lambda programs, ticks=ticks: [
                p.model_copy(update={"assigned": [i for i in p.assigned if (p.name, i) not in ticks]}) for p in programs
            ],
        )
    for app_id, _, program in removal.programs:
        _edit_programs(ws, app_id, lambda programs, name=program.name: [p for p in programs if p.name != name])
    for letter in removal.letters:
        ws.delete_letter(letter.id)
    for application in removal.applications:
        ws.delete_application(application.id)
    for mentor in removal.mentors:
        ws.delete_mentor(mentor.id)


def restore(ws, removal: Removal) -> list[str]:
    """Put back everything ``remove`` took: records, programs and program places. Returns what could not come
    back as it was because the plan changed since (in another tab), in plain sentences; that is left as it is."""
    left_out: list[str] = []
    mentors = {m.id: m for m in ws.mentors()}
    applications = {a.id: a for a in ws.applications()}
    for mentor in removal.mentors:
        if mentor.id in mentors:
            left_out.append(f"{mentor.name} is back already.")
            continue
        ws.save_mentor(mentor)
        mentors[mentor.id] = mentor
    for application in removal.applications:
        if application.id in applications:
            left_out.append(f"{application.name} is back already.")
            continue
        ws.save_application(application)
        applications[application.id] = application
    present = {r.id for r in ws.letters()}
    for letter in removal.letters:
        if letter.id in present:
            continue
        if letter.mentor_id not in mentors or letter.application_id not in applications:
            left_out.append("A letter whose writer or application was deleted meanwhile stays deleted.")
            continue
        ws.save_letter(letter)
        present.add(letter.id)
    stored = {r.id: r for r in ws.letters()}
    for original in removal.narrowed:
        now = stored.get(original.id)
        if now is not None and set(original.application_ids) - set(now.application_ids):
            served = {"application_id": original.application_id, "also_for": original.also_for}
            ws.save_letter(now.model_copy(update=served))
    not_back: set[tuple[str, str]] = set()  # (application id, program name) of programs left out
    for app_id, position, program in removal.programs:
        current = applications.get(app_id)
        if current is None:
            left_out.append(f"{program.name} can't come back: its application was deleted meanwhile.")
            continue
        if any(p.name.casefold() == program.name.casefold() for p in current.programs):
            not_back.add((app_id, program.name))
            left_out.append(f"A program named {program.name} was added meanwhile; it stays as it is.")
            continue

        def put_back(programs: list[Program], position=position, program=program) -> list[Program]:
            return [*programs[:position], program, *programs[position:]]

        _edit_programs(ws, app_id, put_back)
    gone_apps = {a.id for a in removal.applications}
    for app_id in {a for a, _, _ in removal.assignments} - gone_apps:
        ticks = [(p, i) for a, p, i in removal.assignments if a == app_id and i in present and (a, p) not in not_back]

        def tick_again(programs: list[Program], ticks=ticks) -> list[Program]:
            out = []
            for p in programs:
                again = [i for n, i in ticks if n == p.name and i not in p.assigned]
                out.append(p.model_copy(update={"assigned": [*p.assigned, *again]}))
            return out

        _edit_programs(ws, app_id, tick_again)
    return list(dict.fromkeys(left_out))
