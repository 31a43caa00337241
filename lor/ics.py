"""Export plan milestones as an iCalendar (.ics) file that calendar apps import, and re-import to update.

Each milestone is an all-day event. Its UID comes from ``Milestone.uid`` (the letter and the step), so
importing a newer export updates the same events instead of adding copies. Every step still to do
carries an alarm at 9:00 on the morning of its day (``TRIGGER:PT9H``, counted from the all-day start at
local midnight; the form Apple Calendar itself writes for all-day alarms), and a due date a second one at
9:00 a week before; ``ALARMS_TEXT`` says so in the Timeline's words. The output is deterministic: the
same milestones give the same bytes (DTSTAMP is the milestone's day, not the clock).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event, vText

from lor.models import MILESTONE_KINDS, Milestone
from lor.text import step_label

PRODID = "-//LOR Planner//Letter plan//EN"
UID_DOMAIN = "lor-planner"
ALARM_TRIGGER = timedelta(hours=9)  # 9:00 on the morning of the (all-day) event
WEEK_AHEAD_TRIGGER = ALARM_TRIGGER - timedelta(days=7)  # 9:00 a week before a due date
ALARMS_TEXT = (
    "Every step still to do has an alarm at 9:00 on its day, and each due date one a week ahead as well; "
    "steps already done have none."
)
DONE_MARK = "✓ "
_ORDER = {kind: i for i, kind in enumerate(MILESTONE_KINDS)}
# iCalendar text may not hold control characters other than tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class _Text(vText):
    """TEXT escaped as RFC 5545 3.3.11 says and nothing more. icalendar's own escaping first turns a typed backslash
    and N into a line break (its escape_char reads "\\N" as one), so a name or note holding "\\N" came back changed."""

    def to_ical(self) -> bytes:
        text = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
        return text.encode("utf-8")


def _clean(text: str) -> _Text:
    return _Text(_CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))


def event_uid(milestone: Milestone) -> str:
    """The event UID for a milestone: its stable ``uid`` at the app's domain."""
    if milestone.request_id:
        base = milestone.uid
    else:
        # A plan not yet saved as a letter: the writer and application keep its steps apart.
        parts = [p for p in (milestone.mentor_id, milestone.application_id) if p]
        base = "-".join(["plan", *parts, milestone.kind])
    return f"{base}@{UID_DOMAIN}"


def _event(milestone: Milestone, uid: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.combine(milestone.day, time(0), tzinfo=UTC))
    event.add("dtstart", milestone.day)
    event.add("dtend", milestone.day + timedelta(days=1))
    event.add("summary", _clean((DONE_MARK if milestone.done else "") + milestone.title))
    if milestone.note:
        event.add("description", _clean(milestone.note))
    event.add("categories", [step_label(milestone.kind)])
    event.add("transp", "TRANSPARENT")  # a reminder to act, not time the student is busy
    if not milestone.done:
        triggers = [WEEK_AHEAD_TRIGGER, ALARM_TRIGGER] if milestone.kind == "deadline" else [ALARM_TRIGGER]
        for trigger in triggers:
            ahead = "In a week: " if trigger == WEEK_AHEAD_TRIGGER else ""
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _clean(ahead + milestone.title))
            alarm.add("trigger", trigger)
            event.add_component(alarm)
    return event


def milestones_to_ics(milestones: Iterable[Milestone], *, calendar_name: str = "LOR plan") -> bytes:
    """An iCalendar file (bytes) with one all-day event per milestone, sorted by day."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # Written as is (no TEXT escaping), as calendar apps write and read it; one line only.
    cal.add("x-wr-calname", " ".join(_clean(calendar_name).split()) or "LOR plan")
    seen: dict[str, int] = {}
    for milestone in sorted(milestones, key=lambda m: (m.day, _ORDER[m.kind], event_uid(m), m.title)):
        uid = event_uid(milestone)
        # Two steps with the same uid would overwrite each other in the calendar app; keep both.
        seen[uid] = seen.get(uid, 0) + 1
        if seen[uid] > 1:
            name, _, domain = uid.partition("@")
            uid = f"{name}-{seen[uid]}@{domain}"
        cal.add_component(_event(milestone, uid))
    return cal.to_ical()
