"""Email drafts for every step of a letter, in the project's own words, with the etiquette guardrails.

Guardrails (DOMAIN.md "Etiquette the app enforces"), checked on every draft this module builds:
no draft asks to read or see the letter; every ask offers an honest way to say no; never more than two
reminders. An ask whose due date is under two weeks away becomes the short-notice ask automatically.

Long on purpose: the drafts share their greeting, sign-off, due-date and portal sentences and the guardrail
checks; kept together, a change to one sentence is seen in every draft that uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final
from urllib.parse import quote

from lor import timing
from lor.letter_types import departmental
from lor.lifecycle import MAX_REMINDERS, THIRD_REMINDER_REASON, reminders_sent
from lor.mix import PHYSICIAN_ROLES
from lor.models import Application, LetterRequest, Mentor, Program, Student, email_problem, label, quoted
from lor.planner import committee_due
from lor.portals import letter_id_name, writer_steps
from lor.scoring import is_letter_source
from lor.seasons import due_is_estimate, portal_opens_after
from lor.text import estimated as _estimated
from lor.text import long_date as _long_day
from lor.text import plural
from lor.text import short_date as _short_day

DRAFT_KINDS: list[tuple[str, str]] = [
    ("goal_conversation", "Ask for a short talk about your goals"),
    ("ask_in_person", "What to say when you ask in person"),
    ("ask_email", "Ask by email"),
    ("ask_short_notice", "Ask on short notice"),
    ("thanks_yes", "Thank-you after a yes, with the packet"),
    ("reminder_1", "Reminder 1 (about 2 weeks before)"),
    ("reminder_2", "Reminder 2, the last one (about 1 week before)"),
    ("status_check", "Status check (the portal still shows it missing)"),
    ("thanks_submitted", "Thank-you once the letter is in"),
    ("outcome_update", "Update on how it went"),
    ("decline_reply", "Reply to a no"),
]
_KINDS = dict(DRAFT_KINDS)
# A committee or a department (a letter source) runs its own process: no goal conversation, no reminders.
NOT_FOR_SOURCES: frozenset[str] = frozenset({"goal_conversation", "reminder_1", "reminder_2"})
SOURCE_NO_REMINDERS = (
    "A committee or department runs its own process and deadline: it gets no reminders. If its letter is late, "
    "ask the office kindly when it will be sent."
)
# What a draft is called when it goes to a letter source's office, not to a person.
_SOURCE_LABELS: dict[str, str] = {
    "ask_in_person": "Questions for the office (a visit or a call)",
    "ask_email": "Request the letter by email",
    "ask_short_notice": "Request the letter on short notice",
    "thanks_yes": "Send the office what it asks for",
}


def draft_label(kind: str, mentor: Mentor | None = None) -> str:
    """What the draft of ``kind`` is called in the menus: an office's drafts are requests, not personal asks."""
    if mentor is not None and is_letter_source(mentor) and kind in _SOURCE_LABELS:
        return _SOURCE_LABELS[kind]
    return _KINDS[kind]


ASK_KINDS: frozenset[str] = frozenset({"ask_in_person", "ask_email", "ask_short_notice"})

# Phrases no draft may contain: asking to read the letter undermines the waiver and the writer's trust.
FORBIDDEN_PHRASES: tuple[str, ...] = (
    "read the letter",
    "read your letter",
    "see the letter",
    "see your letter",
    "view the letter",
    "view your letter",
    "copy of the letter",
    "copy of your letter",
    "send me the letter",
    "send me your letter",
    "share the letter",
    "share your letter",
    "look at the letter",
    "see what you wrote",
    "see what you write",
)

# The honest way out every ask carries. The guardrail checks that one of these is in every ask.
DECLINE_OFFERS: tuple[str, ...] = (
    "If the timing or the fit isn't right for you, please just say so. I will understand completely.",
    "Please feel free to say no — it's a real ask on short notice, and I will understand completely.",
    "If now isn't a good time, or you don't feel you know my work well enough, that is completely fine.",
)

# What the thank-you email attaches, in the writer's terms (the packet's other items are in the email).
WRITER_ATTACHMENTS: dict[str, str] = {
    "cv": "My CV",
    "personal_statement": "My personal statement (or a short summary of my goals)",
}


def writer_attachments(letters: Iterable[LetterRequest]) -> list[str]:
    """What the student can honestly say is attached for these letters: the items of WRITER_ATTACHMENTS ticked
    on any of their packet checklists, in the table's order (nothing ticked: nothing claimed)."""
    ticked = {key for letter in letters for key, done in letter.packet.items() if done}
    return [label for key, label in WRITER_ATTACHMENTS.items() if key in ticked]


# What a draft says when nothing is ticked yet, so the student sees what to add before sending.
ATTACH_REMINDER: Final = "[Attach your CV and personal statement, then tick them on the packet checklist]"

# ERAS and ResidencyCAS send the same letter to every program it is assigned to.
GENERAL_SALUTATION_PORTALS: frozenset[str] = frozenset({"ERAS", "ResidencyCAS"})

# Where the student worked with the writer, as it follows "working with you" (every Setting has one; "" adds nothing).
_SETTING_PHRASES: dict[str, str] = {
    "rotation": "on your service",
    "longitudinal": "over many months",
    "lab": "in your lab",
    "course": "in your course",
    "project": "on our project",
    "clinic": "in your clinic",
    "job": "at work",
    "volunteer": "in our volunteer work",
    "other": "",
    "sub_internship": "on my sub-internship",
    "away_rotation": "on my away rotation",
}

# The salutation: "Dr. Marcus Webb" is greeted "Dr. Webb". A title's spellings, the words after a surname that
# are not part of it (degrees, generations) and the particles that belong to the surname ("van", "de la").
_TITLES: dict[str, str] = {
    "dr": "Dr.", "doctor": "Dr.", "prof": "Professor", "professor": "Professor",
    "mr": "Mr.", "ms": "Ms.", "mrs": "Mrs.", "mx": "Mx.",
}  # fmt: skip
_GENERATIONS: frozenset[str] = frozenset({"jr", "sr", "ii", "iii", "iv"})
_DEGREES: frozenset[str] = frozenset(
    {"md", "do", "phd", "mph", "ms", "msc", "mba", "rn", "np", "facp", "facs", "faap", "facep"}
)
_SURNAME_PARTICLES: frozenset[str] = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "dos", "das", "do", "st", "ter",
     "ten", "bin", "ibn", "al", "el", "mac"}
)  # fmt: skip
DOCTOR_DEGREES: frozenset[str] = frozenset({"MD", "DO", "PhD"})
_DOCTORATES: frozenset[str] = frozenset({"md", "do", "phd"})


@dataclass(frozen=True)
class Draft:
    """One email draft: its kind, subject and body, and a mailto link when the writer has an email."""

    kind: str
    subject: str
    body: str
    mailto: str | None = None
    problem: str | None = None  # why there is no mailto link although the writer has an email (fix it to get one)

    @property
    def label(self) -> str:
        """The human name of this draft's kind."""
        return _KINDS.get(self.kind, self.kind)


def mailto_link(email: str | None, subject: str | None = None, body: str | None = None) -> str | None:
    """A mailto: link with every part percent-encoded, the address too (RFC 6068), or None when there is no email
    or it is not one a link may carry (lor.models.email_problem: a plan saved under an older, looser rule)."""
    if not email or not email.strip() or email_problem(email):
        return None
    fields = []
    if subject is not None:
        fields.append(f"subject={quote(subject, safe='')}")
    if body is not None:
        crlf_body = body.replace("\r\n", "\n").replace("\n", "\r\n")  # RFC 6068 line breaks
        fields.append(f"body={quote(crlf_body, safe='')}")
    return f"mailto:{quote(email.strip(), safe='@')}" + (f"?{'&'.join(fields)}" if fields else "")


def email_fix(who: str, email: str | None) -> str | None:
    """A sentence saying ``who``'s saved email can't be used and must be fixed; None when it is fine or empty."""
    problem = email_problem(email)
    return (
        f"The email saved for {who}, {quoted(email or '')}, {problem}. Fix it to open drafts in your email app."
        if problem
        else None
    )


def lower_label(slug: str) -> str:
    """A label for use mid-sentence: lower case, except acronyms ("SLOE", "OB/GYN", "eSLOR")."""
    text = label(slug)
    # Keep acronyms ("OB/GYN", "PM&R") as they are; lower the rest ("Internal medicine" → "internal …").
    return text if text[1:2].isupper() or "/" in text else text[0].lower() + text[1:]


def purpose(application: Application) -> str:
    """What the student is applying for, as a phrase ("internal medicine residency programs")."""
    spec = f"{lower_label(application.specialty)} " if application.specialty else ""
    match application.pathway:
        case "residency":
            return f"{spec}residency programs"
        case "fellowship":
            return f"{spec}fellowship programs"
        case "medical_school":
            return "medical school"
        case "job":
            return "my first position after training"
        case "scholarship":
            return "a scholarship"
        case _:
            return "a research position"


def _student_name(student: Student | None) -> str:
    return student.name if student else "[Your name]"


def _signature(student: Student | None) -> str:
    if not student:
        return "[Your name]"
    lines = [student.name]
    if student.school:
        lines.append(student.school)
    if student.email:
        lines.append(student.email)
    if student.phone:
        lines.append(student.phone)
    return "\n".join(lines)


def _with_you(mentor: Mentor) -> str:
    """ "working with you on your service": the phrase the drafts use for the time the student spent with them."""
    where = _SETTING_PHRASES.get(mentor.setting, "")
    return f"working with you {where}" if where else "working with you"


def _word_key(word: str) -> str:
    return word.casefold().replace(".", "").strip(",")


def salutation(mentor: Mentor) -> str:
    """How a draft greets the writer: "Dr. Webb" for "Dr. Marcus Webb", "Dr. van der Berg", "Professor Ortiz".

    The title typed before the name is kept; without one, a writer with a doctorate (degree MD, DO or PhD, written
    after the name or recorded, or a physician's role and no degree recorded) is "Dr."; anyone else, and a
    department or committee saved under its own name ("Department of Medicine"), is greeted by the name as typed.
    Degrees and generations after the surname ("Jr.", ", MD") are left out; every word kept is as typed.
    """
    name = " ".join(mentor.name.split())
    head, comma, tail = name.partition(",")
    words = head.split()
    title = _TITLES.get(_word_key(words[0])) if words else None
    if is_letter_source(mentor) and not title:  # "Department of Medicine"; a contact person ("Dr. Hale") as below
        return name
    if title:
        words = words[1:]
    after = tail.split()
    surname_first = bool(comma and words) and not all(_after_surname(word, 3) for word in after)
    if not surname_first:  # "Webb, Marcus" has the surname before the comma; "Ana Ortiz, MD" a degree after it
        while len(words) > 1 and _after_surname(words[-1], len(words)):
            after.insert(0, words.pop())
    doctorate = any(_word_key(word) in _DOCTORATES for word in after) or mentor.degree in DOCTOR_DEGREES
    if not words:
        return name
    surname = list(words) if surname_first else [words[-1]]
    for word in [] if surname_first else reversed(words[1:-1]):  # the first word is a given name, even "Di"
        if _word_key(word) not in _SURNAME_PARTICLES:
            break
        surname.insert(0, word)
    if title is None and (doctorate or (not mentor.degree and mentor.role in PHYSICIAN_ROLES)):
        title = "Dr."
    return f"{title} {' '.join(surname)}" if title else name


def _after_surname(word: str, words: int) -> bool:
    """True for a word that follows a surname without being part of it: "Jr.", "MD", "PhD". In a two-word name a
    degree counts only when written as one ("DO"), since "Do" can be the surname itself."""
    key = _word_key(word)
    if key in _GENERATIONS:
        return True
    return key in _DEGREES and (words > 2 or word != word.capitalize())


def _dear(ctx: _Context) -> str:
    return f"Dear {salutation(ctx.mentor)},"


def _source_letter(ctx: _Context) -> str:
    """What a department or committee writes: "my committee letter", "the department's IM SEL"."""
    if ctx.mentor.role == "committee":
        return "a committee letter"
    slot = departmental(ctx.mentor, ctx.application)
    name = label(slot.type).split(" (")[0] if slot else "departmental letter"
    return f"the department's {name}"


def _join(*paragraphs: str | None) -> str:
    return "\n\n".join(p for p in paragraphs if p)


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _due_for(letter: LetterRequest | None, application: Application, due: date | None) -> date:
    return due or (letter.due if letter and letter.due else None) or application.deadline


def _programs_block(programs: list[Program]) -> str | None:
    if not programs:
        return None
    ordered = sorted(programs, key=lambda p: (p.deadline is None, p.deadline or date.max, p.name.lower()))
    lines = [f"{p.name} (due {_short_day(p.deadline)})" if p.deadline else p.name for p in ordered]
    return "Programs this letter goes to:\n" + _bullets(lines)


def _others_block(ctx: _Context) -> str:
    """The writer's other letters for the student, one line each: what, where, by when, its ID."""
    if not ctx.others:
        return ""
    lines = []
    for letter, application in ctx.others:
        committee = ctx.committees.get(letter.via or "")
        to_committee = committee_due(application, committee, letter)
        if committee is not None and to_committee is not None:
            # It goes to the committee by the committee's date; the portal never sees this letter.
            lines.append(
                f"- {label(letter.letter_type)} for {application.name}: to {committee.name}, by "
                f"{_long_day(to_committee)}"
            )
            continue
        due = letter.due or application.deadline
        when = _estimated(_long_day(due), due_is_estimate(application, due))
        line = f"- {label(letter.letter_type)} for {application.name} ({label(application.portal)}), by {when}"
        number = f"; {letter_id_name(application.portal)} {letter.letter_id}" if letter.letter_id else ""
        lines.append(line + number)
    return "You are also writing for me, so here is the whole list in one place:\n" + "\n".join(lines)


def committee_steps(committee: str, portal: str) -> str:
    """How a writer sends a letter that a committee gathers: to the committee, not to the portal."""
    return (
        f"Send it to {committee}, the way the committee collects letters (its own form, portal or address). It goes "
        f"into my committee letter, which the committee sends to {label(portal)} itself: there is nothing to upload "
        f"to {label(portal)}."
    )


def source_thanks(mentor: Mentor) -> str:
    """The request sheet's first thanks: a person writes on the student's behalf; an office prepares its letter."""
    if mentor.role == "committee":
        return "Thank you for preparing my committee letter."
    if is_letter_source(mentor):
        return "Thank you for preparing the department's letter for me."
    return "Thank you for writing on my behalf."


def _committee_block(ctx: _Context) -> str:
    """How a letter the committee gathers is sent: to the committee, the way it collects letters, by its date."""
    lines = [
        f"- Please send it to: {ctx.committee}, by {_due_day(ctx)}",
        "- How: the way the committee collects letters (its own form, portal or address); if its instructions "
        "haven't reached you, tell me and I will forward them",
        f"- It goes into my committee letter, which the committee sends to {label(ctx.application.portal)} itself: "
        "there is nothing to upload there",
    ]
    letter = ctx.letter
    if letter and letter.letter_type != "narrative":
        lines.append(f"- Letter type: {label(letter.letter_type)}")
    if letter and letter.waived is True:
        lines.append("- Waiver: I have waived my right to access this letter.")
    elif letter and letter.waived is False:
        lines.append("- Waiver: I have not waived my right to access this letter.")
    return "How to submit:\n" + "\n".join(lines)


def _how_to_submit(ctx: _Context, programs: list[Program] | None) -> str:
    if ctx.committee:
        return _committee_block(ctx)
    return _submission_block(ctx, programs)


def _due_sentence(ctx: _Context) -> str:
    """ "Letters are due …", or, for a letter the committee gathers, where it goes and by when."""
    if ctx.committee:
        return f"The letter would go to {ctx.committee}, which gathers my letters, by {_due_day(ctx)}."
    return f"Letters are due {_due_day(ctx)}.{_opens_sentence(ctx)}"


def _due_day(ctx: _Context) -> str:
    """The due date in an email: "Wednesday, September 1, 2027", or "about … (not yet published)" when estimated."""
    return _estimated(_long_day(ctx.due), ctx.estimated)


def _subject_day(ctx: _Context) -> str:
    return f"about {_short_day(ctx.due)}" if ctx.estimated else _short_day(ctx.due)


def _opens_sentence(ctx: _Context) -> str:
    """For an ask before the portal opens for the season: the request comes later, the letter can be written now."""
    if ctx.opens is None:
        return ""
    return (
        f" {label(ctx.application.portal)} opens for this season in {ctx.opens:%B %Y}: I'll send the portal request "
        "when it opens, and you are welcome to write the letter before then."
    )


def _submission_block(ctx: _Context, programs: list[Program] | None) -> str:
    application, letter = ctx.application, ctx.letter
    lines = [f"- Please submit by: {_due_day(ctx)}", f"- Portal: {label(application.portal)}"]
    if ctx.opens is not None:
        lines.append(
            f"- When: {label(application.portal)} opens for this season in {ctx.opens:%B %Y}. I'll send the portal "
            "request then; the steps below work from that request, and you can write the letter before it arrives"
        )
    steps = writer_steps(application.portal, letter.letter_type if letter else None, application.specialty)
    lines.append(f"- How: {steps}")
    if letter and letter.letter_id:
        lines.append(f"- {letter_id_name(application.portal)}: {letter.letter_id}")
    if letter and letter.letter_type != "narrative":
        lines.append(f"- Letter type: {label(letter.letter_type)}")
    if application.portal in GENERAL_SALUTATION_PORTALS:
        lines.append("- The same letter goes to every program, so “Dear Program Director” works well.")
    if letter and letter.waived is True:
        lines.append("- Waiver: I have waived my right to access this letter.")
    elif letter and letter.waived is False:
        lines.append("- Waiver: I have not waived my right to access this letter.")
    block = "How to submit:\n" + "\n".join(lines)
    return _join(block, _programs_block(programs or []))


def _ask_reason(mentor: Mentor, application: Application) -> str:
    return (
        f"{_with_you(mentor).capitalize()} taught me a great deal, and you have seen my work "
        f"as closely as anyone, which is why I am asking you as I apply to {purpose(application)}."
    )


def is_short_notice(due: date, today: date) -> bool:
    """True when the due date is closer than the short-notice threshold of the timing rules (2 weeks)."""
    return timing.is_short_notice(due, today)


def _goal_conversation(ctx: _Context) -> tuple[str, str]:
    if ctx.source:
        return _source_meeting(ctx)
    subject = "Could we talk briefly about my plans?"
    body = _join(
        _dear(ctx),
        f"I hope you are doing well. I am getting ready to apply to {purpose(ctx.application)}, and "
        f"{_with_you(ctx.mentor)} still shapes how I think about that choice.",
        "Would you have 15 or 20 minutes in the coming weeks to talk about my goals? I would value your "
        "advice. In person, by video or by phone — whatever is easiest for you.",
        "Thank you for considering it.",
        f"Best wishes,\n{_signature(ctx.student)}",
    )
    return subject, body


def _ask_in_person(ctx: _Context) -> tuple[str, str]:
    if ctx.source:
        return _source_visit(ctx)
    subject = f"What to say when you ask {ctx.mentor.name} in person"
    offer = DECLINE_OFFERS[1] if ctx.short else DECLINE_OFFERS[0]
    short = ""
    if ctx.short:
        short = (
            f"“I know this comes late — letters are due {_due_day(ctx)}, only {ctx.days_left} days "
            "from now — and I'm sorry for the short notice.”"
        )
    body = _join(
        "A script to say in your own voice, not to read out. Ask in person or by video when you can.",
        "“Thank you for making time to meet. "
        f"I'm applying to {purpose(ctx.application)}, and I learned a lot {_with_you(ctx.mentor)}.”",
        short,
        f"“Would you feel able to write me a strong letter of recommendation? {offer}”",
        "If yes: “Thank you so much. I'll email you within two days with my CV, personal statement, a "
        f"short list of things we worked on together, and the submission steps. {_due_sentence(ctx)}”",
        "If no: thank them warmly for being honest, and don't press. There is a reply draft for that too.",
    )
    return subject, body


def _ask_email(ctx: _Context) -> tuple[str, str]:
    if ctx.source:
        return _source_request(ctx)
    subject = f"Request for a letter of recommendation — {_student_name(ctx.student)}"
    body = _join(
        _dear(ctx),
        "I hope this finds you well. " + _ask_reason(ctx.mentor, ctx.application),
        "Do you feel you know my work well enough to write a strong letter of recommendation for me? "
        f"{_due_sentence(ctx)} {DECLINE_OFFERS[0]}",
        "If you are able to, I will send you a short packet within two days: my CV, my personal statement, "
        "the points I hope you might speak to, and clear submission steps. I would also be glad to meet "
        "in person or by video if that is easier.",
        "Thank you for everything you have taught me.",
        f"With gratitude,\n{_signature(ctx.student)}",
    )
    return subject, body


def _ask_short_notice(ctx: _Context) -> tuple[str, str]:
    if ctx.source:
        return _source_request(ctx)
    subject = f"A short-notice request for a letter of recommendation — {_student_name(ctx.student)}"
    when = _when(ctx)
    body = _join(
        _dear(ctx),
        f"I am writing with a request that comes later than it should, and I'm sorry for that. "
        f"I am applying to {purpose(ctx.application)}, and "
        + (
            f"the letter is due to {ctx.committee}, which gathers my letters, by {_due_day(ctx)} — {when}."
            if ctx.committee
            else f"letters are due {_due_day(ctx)} — {when}."
        ),
        f"Would you feel able to write a strong letter for me in that time? {DECLINE_OFFERS[1]} {DECLINE_OFFERS[2]}",
        "If you can, I will send everything you need today: my CV, personal statement, the points I hope "
        "you might speak to, and the submission steps, so the letter takes as little of your time as "
        "possible.",
        "Thank you for considering it.",
        f"With gratitude,\n{_signature(ctx.student)}",
    )
    return subject, body


def _when(ctx: _Context) -> str:
    return "today" if ctx.days_left <= 0 else f"in {plural(ctx.days_left, 'day')}"


# A department or a committee is not asked like a person: the student requests its letter and asks how.
def _source_request(ctx: _Context) -> tuple[str, str]:
    what = _source_letter(ctx)
    subject = f"Request for {what} — {_student_name(ctx.student)}"
    needs = (
        "the individual letters you gather, my CV, a personal statement or an interview"
        if ctx.mentor.role == "committee"
        else "my CV, my personal statement or a meeting"
    )
    late = (
        f"I know this comes late: letters are due {_due_day(ctx)}, {_when(ctx)}. If that is too soon for "
        "you, please tell me, and I will plan individual letters instead."
        if ctx.short
        else f"My letters are due {_due_day(ctx)}."
    )
    body = _join(
        _dear(ctx),
        f"I am applying to {purpose(ctx.application)} this cycle and would like to request {what}. {late}",
        "Could you tell me how to register or request it, the date you need everything by, and what you need "
        f"from me (for example {needs})?",
        "I will send whatever you need well before your deadline. Thank you for your help.",
        f"Best wishes,\n{_signature(ctx.student)}",
    )
    return subject, body


def _source_visit(ctx: _Context) -> tuple[str, str]:
    what = _source_letter(ctx)
    subject = f"What to ask when you visit {ctx.mentor.name}"
    body = _join(
        f"Questions for your visit or call to the office about {what}. Write the answers down.",
        _bullets(
            [
                "How do I register for it or request it, and by when?",
                "What do you need from me, and by which date (individual letters, CV, personal statement, an "
                "interview)?",
                f"How will the letter reach {label(ctx.application.portal)}, and will I see when it has been sent?",
                f"My letters are due {_due_day(ctx)}: does your timeline fit that date?",
            ]
        ),
    )
    return subject, body


def _source_meeting(ctx: _Context) -> tuple[str, str]:
    what = _source_letter(ctx)
    subject = f"Could I meet with someone about {what}?"
    body = _join(
        _dear(ctx),
        f"I am getting ready to apply to {purpose(ctx.application)} and would like to request {what}. Could I "
        "meet with an advisor for 15 or 20 minutes to go over how the process works and when I should start?",
        "Thank you for your help.",
        f"Best wishes,\n{_signature(ctx.student)}",
    )
    return subject, body


def _packet_block(ctx: _Context) -> str:
    letter = ctx.letter
    attached = writer_attachments([letter] if letter else []) or [ATTACH_REMINDER]
    if letter and letter.letter_id and ctx.application.portal == "ERAS":
        attached.append("The Letter Request Form with the Letter ID")
    elif letter and letter.letter_id and ctx.application.portal == "AMCAS" and not ctx.committee:
        # AMCAS emails the writer a link; the form is the way in when that email goes astray (or for Interfolio).
        attached.append(
            "The Letter Request Form with my AAMC ID and the AMCAS Request ID, in case the email misses you"
        )
    parts = ["Attached:\n" + _bullets(attached)]
    brag = (letter.brag_sheet if letter else []) or ctx.mentor.observed
    if brag:
        parts.append("A few things you saw me do, in case they help:\n" + _bullets(brag))
    if letter and letter.strengths.strip():
        parts.append(f"Strengths I hope you might speak to: {letter.strengths.strip()}")
    if letter and letter.version == "tailored" and letter.tailored_for:
        parts.append(f"This letter is for {letter.tailored_for}, so a tailored letter would help most.")
    return _join(*parts)


def _thanks_yes(ctx: _Context) -> tuple[str, str]:
    subject = "Thank you — my packet and the submission steps"
    thanks = (
        f"Thank you for taking on {_source_letter(ctx)} for me."
        if ctx.source
        else "Thank you so much for agreeing to write a letter for me. It means a great deal."
    )
    body = _join(
        _dear(ctx),
        thanks,
        "To make it as easy as possible, here is everything in one place.",
        _how_to_submit(ctx, ctx.programs),
        _others_block(ctx),
        _packet_block(ctx),
        "I'll send a short reminder about two weeks before the due date. If anything is missing or "
        "unclear, just let me know.",
        f"With thanks,\n{_signature(ctx.student)}",
    )
    return subject, body


def _reminder_1(ctx: _Context) -> tuple[str, str]:
    subject = f"A gentle reminder: letter due {_subject_day(ctx)}"
    body = _join(
        _dear(ctx),
        f"I hope your week is going well. This is a friendly reminder that my letter for "
        f"{purpose(ctx.application)} is due {_due_day(ctx)}. Here are the details again so you "
        "don't need to look for them:",
        _how_to_submit(ctx, None),
        _others_block(ctx),
        "Thank you again for your support.",
        f"Best wishes,\n{_signature(ctx.student)}",
    )
    return subject, body


def _reminder_2(ctx: _Context) -> tuple[str, str]:
    subject = f"Last reminder: letter due {_subject_day(ctx)}"
    body = _join(
        _dear(ctx),
        f"One last, brief reminder — I won't write again about it: my letter is due {_due_day(ctx)}. "
        "If it's already on its way, thank you, and please ignore this note.",
        _how_to_submit(ctx, None),
        _others_block(ctx),
        "I'm very grateful for your help.",
        f"Best wishes,\n{_signature(ctx.student)}",
    )
    return subject, body


def _status_check(ctx: _Context) -> tuple[str, str]:
    subject = "Quick check on my letter"
    missing = (
        f"A quick check, since my letter is due to {ctx.committee} by {_due_day(ctx)}: the committee hasn't "
        "logged your letter as received yet. Offices can take a few days to record letters, so if you've already "
        "sent it, please disregard this."
        if ctx.committee
        else f"A quick check, since my letters are due {_due_day(ctx)}: the {label(ctx.application.portal)} "
        "portal doesn't show your letter as received yet. Portals can take a day or two to update, so if "
        "you've already submitted it, please disregard this."
    )
    body = _join(
        _dear(ctx),
        missing,
        f"If {'sending' if ctx.committee else 'the upload'} gave you any trouble, I'm happy to help or resend the "
        "submission details.",
        f"Thank you,\n{_signature(ctx.student)}",
    )
    return subject, body


def _thanks_submitted(ctx: _Context) -> tuple[str, str]:
    subject = "Thank you for my letter"
    body = _join(
        _dear(ctx),
        ("The committee tells me" if ctx.committee else "The portal shows")
        + " that your letter has arrived. Thank you for taking the time to write it, "
        "especially in such a busy season. Your support means a great deal to me.",
        "I'll let you know how things go.",
        f"With gratitude,\n{_signature(ctx.student)}",
    )
    return subject, body


def _outcome_update(ctx: _Context) -> tuple[str, str]:
    subject = "An update on my applications"
    body = _join(
        _dear(ctx),
        f"I wanted to let you know how my applications to {purpose(ctx.application)} turned out: "
        "[interview invitations / where you matched or were admitted / what comes next].",
        "Your letter was part of that, and I'm grateful. I hope to stay in touch as I start this next step.",
        f"Warm regards,\n{_signature(ctx.student)}",
    )
    return subject, body


def _decline_reply(ctx: _Context) -> tuple[str, str]:
    subject = "Thank you for letting me know"
    instead = "individual letters" if ctx.mentor.role == "committee" else "my other letters"
    after = (
        f"I will plan {instead} instead. Thank you for your help along the way."
        if ctx.source
        else f"I'm grateful for everything I learned {_with_you(ctx.mentor)}, and I hope we can stay in touch."
    )
    body = _join(
        _dear(ctx),
        "Thank you for letting me know, and for being honest with me. I completely understand.",
        after,
        f"Best wishes,\n{_signature(ctx.student)}",
    )
    return subject, body


@dataclass(frozen=True)
class _Context:
    student: Student | None
    mentor: Mentor
    application: Application
    letter: LetterRequest | None
    today: date
    due: date
    programs: list[Program]
    short: bool
    # The writer's other letters still in play, with the application each serves: one conversation, so the packet
    # and the reminders name every letter and its due date (issue #22.2).
    others: tuple[tuple[LetterRequest, Application], ...] = ()
    committee: str = ""  # the committee this letter goes to by its own date, when not to the portal (``via``)
    committees: Mapping[str, Mentor] = field(default_factory=dict)  # mentor id -> the committees letters go through
    estimated: bool = False  # the due date is the app's estimate of the season's date, not a published one
    opens: date | None = None  # the portal opens for the season on this day, after today: the request comes then

    @property
    def source(self) -> bool:
        """True for a department or a committee: its letter is requested, not asked for as a favour."""
        return is_letter_source(self.mentor)

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days


_BUILDERS = {
    "goal_conversation": _goal_conversation,
    "ask_in_person": _ask_in_person,
    "ask_email": _ask_email,
    "ask_short_notice": _ask_short_notice,
    "thanks_yes": _thanks_yes,
    "reminder_1": _reminder_1,
    "reminder_2": _reminder_2,
    "status_check": _status_check,
    "thanks_submitted": _thanks_submitted,
    "outcome_update": _outcome_update,
    "decline_reply": _decline_reply,
}


def _reminder_kind(kind: str, letter: LetterRequest | None) -> str:
    """The reminder draft to write, or ValueError when it would be a third one."""
    sent = reminders_sent(letter) if letter else 0
    if kind not in ("reminder_1", "reminder_2") or sent >= MAX_REMINDERS or (letter and letter.reminder_2_on):
        raise ValueError(THIRD_REMINDER_REASON)
    # One reminder already sent: the next one is the last, and says so.
    return "reminder_2" if sent == 1 else kind


def _guard(kind: str, subject: str, body: str, user_texts: list[str], *, personal: bool = True) -> None:
    """Check the etiquette guardrails on our own words (user text is blanked out first); a request to a department
    or a committee (``personal=False``) is a registration, with no favour to decline."""
    text = f"{subject}\n{body}"
    for user_text in sorted({t for t in user_texts if t}, key=len, reverse=True):
        text = text.replace(user_text, "…")
    lowered = text.lower()
    for phrase in FORBIDDEN_PHRASES:
        if phrase in lowered:
            raise RuntimeError(f"The {kind} draft asks to see the letter ({phrase!r}); fix the template.")
    if personal and kind in ASK_KINDS and not any(offer in body for offer in DECLINE_OFFERS):
        raise RuntimeError(f"The {kind} draft offers no honest way to decline; fix the template.")


def _user_texts(ctx: _Context) -> list[str]:
    texts = [ctx.mentor.name, *ctx.mentor.observed, ctx.application.name, ctx.committee]
    texts += [p.name for p in ctx.programs]
    if ctx.student:
        texts += [ctx.student.name, ctx.student.school, ctx.student.email or "", ctx.student.phone]
    if ctx.letter:
        texts += [*ctx.letter.brag_sheet, ctx.letter.strengths.strip(), ctx.letter.tailored_for]
        texts.append(ctx.letter.letter_id or "")
    return texts


def draft(
    kind: str,
    *,
    student: Student | None,
    mentor: Mentor,
    application: Application,
    letter: LetterRequest | None,
    today: date,
    programs: list[Program] | None = None,
    due: date | None = None,
    short_notice: bool | None = None,
    others: Sequence[tuple[LetterRequest, Application]] = (),
    via: Mentor | None = None,
    committees: Mapping[str, Mentor] | None = None,
) -> Draft:
    """The email draft of ``kind`` for this letter; ValueError for an unknown kind or a third reminder.

    ``ask_email`` becomes ``ask_short_notice`` when the due date is under two weeks away (``is_short_notice``) or
    ``short_notice`` is True, and ``ask_short_notice`` becomes ``ask_email`` otherwise. ``due`` defaults to the
    letter's own date, then the application deadline; ``programs`` to the application's programs. ``others``: the
    writer's other letters still in play, each with its application, named in the packet email and the reminders.
    ``via``: the committee the letter goes through (``letter.via``); the letter is then due to it by its date (unless
    ``due`` or the letter's own date says otherwise) and is sent to it, not to the portal. ``committees`` (mentor
    id → mentor) finds the committees the ``others`` go through (``via`` alone by default).
    """
    if kind.startswith("reminder") and is_letter_source(mentor):
        raise ValueError(SOURCE_NO_REMINDERS)
    if kind.startswith("reminder"):
        kind = _reminder_kind(kind, letter)
    elif kind not in _BUILDERS:
        raise ValueError(f"“{kind}” is not a kind of draft. Choose one of: {', '.join(_KINDS)}.")
    to_committee = None if due is not None else committee_due(application, via, letter)
    when = to_committee or _due_for(letter, application, due)
    short = short_notice if short_notice is not None else is_short_notice(when, today)
    if kind == "ask_email" and short:
        kind = "ask_short_notice"
    elif kind == "ask_short_notice" and not short:
        kind = "ask_email"  # months ahead, an apology for short notice would be false
    ctx = _Context(
        student=student,
        mentor=mentor,
        application=application,
        letter=letter,
        today=today,
        due=when,
        programs=list(application.programs if programs is None else programs),
        short=short,
        others=tuple(others),
        committee=via.name if via is not None and to_committee is not None else "",
        committees=dict(committees) if committees is not None else ({via.id: via} if via is not None else {}),
        estimated=to_committee is None and due_is_estimate(application, when),
        opens=None if to_committee is not None else portal_opens_after(application, today),
    )
    subject, body = _BUILDERS[kind](ctx)
    _guard(kind, subject, body, _user_texts(ctx), personal=not ctx.source)
    return Draft(
        kind=kind,
        subject=subject,
        body=body,
        mailto=mailto_link(mentor.email, subject, body),
        problem=email_fix(mentor.name, mentor.email),
    )


def draft_kinds_for(letter: LetterRequest, *, mentor: Mentor, today: date) -> list[str]:
    """The draft kinds that fit the letter's current step, most useful first."""
    status = letter.status
    if status == "planned":
        talk = not is_letter_source(mentor) and timing.needs_goal_conversation(mentor.last_contact(), today)
        return (["goal_conversation"] if talk else []) + ["ask_in_person", "ask_email"]
    if status == "asked":
        return ["thanks_yes", "decline_reply"]
    if status == "agreed":
        return ["thanks_yes"]
    if status == "declined":
        return ["decline_reply"]
    if status == "packet_sent":
        if is_letter_source(mentor) or reminders_sent(letter) >= MAX_REMINDERS or letter.reminder_2_on:
            return ["status_check"]
        return ["reminder_2" if letter.reminder_1_on else "reminder_1", "status_check"]
    if status == "submitted":
        return ["thanks_submitted"]
    if status in ("thanked", "updated"):
        return ["outcome_update"]
    return []


def draft_menu(
    letter: LetterRequest, *, application: Application, today: date, mentor: Mentor | None = None
) -> list[str]:
    """Every draft kind a student can open for this letter, in DRAFT_KINDS order: the short-notice ask only when the
    due date is that close (then it replaces the ordinary ask by email); for a committee or department (``mentor``
    a letter source), no goal conversation and no reminders."""
    short = is_short_notice(_due_for(letter, application, None), today)
    skip = {"ask_email" if short else "ask_short_notice"}
    if mentor is not None and is_letter_source(mentor):
        skip |= NOT_FOR_SOURCES
    return [kind for kind, _ in DRAFT_KINDS if kind not in skip]


def drafts_for(
    letter: LetterRequest,
    *,
    student: Student | None,
    mentor: Mentor,
    application: Application,
    today: date,
    programs: list[Program] | None = None,
    due: date | None = None,
) -> list[Draft]:
    """The drafts that fit the letter's current step (e.g. the ask, or the next reminder)."""
    return [
        draft(
            kind,
            student=student,
            mentor=mentor,
            application=application,
            letter=letter,
            today=today,
            programs=programs,
            due=due,
        )
        for kind in draft_kinds_for(letter, mentor=mentor, today=today)
    ]
