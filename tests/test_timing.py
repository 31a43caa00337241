"""One definition per threshold: every consumer follows a change to the [timing] table of the data file."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from lor import lifecycle, messages, scoring, timing
from lor.guidance import context_cards
from lor.models import Application, LetterRequest, Mentor
from lor.planner import plan_letter
from lor.store import Store, parse_backup

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 30)


def changed_timing(tmp_path: Path, **values: object) -> Path:
    """A copy of data/busy_periods.toml with some [timing] values replaced."""
    text = (ROOT / "data" / "busy_periods.toml").read_text(encoding="utf-8")
    head, table = text.split("\n[timing]\n")
    for key, value in values.items():
        table, n = re.subn(rf"(?m)^{key} = [^#\n]*", f"{key} = {json.dumps(value)} ", table)
        assert n == 1, key
    path = tmp_path / "busy_periods.toml"
    path.write_text(head + "\n[timing]\n" + table, encoding="utf-8")
    return path


@pytest.fixture
def use_timing(monkeypatch, tmp_path):
    def use(**values: object) -> None:
        monkeypatch.setattr(timing, "TIMING_FILE", changed_timing(tmp_path, **values))

    return use


def test_every_threshold_is_read_from_the_data_file():
    t = timing.timing()
    assert t.short_notice_days == 14 and t.late_days == 21
    assert t.reminder_days == (14, 7) and t.check_in_after_months == 6 and t.max_buffer_days == 21
    assert t.source and re.fullmatch(r"\d{4}-\d{2}-\d{2}", t.checked)


def test_changing_the_short_notice_threshold_changes_the_drafts(use_timing):
    application = Application(name="IM", deadline=TODAY + timedelta(days=20))
    mentor = Mentor(name="Dr. Lee", last_worked=TODAY)
    ask = messages.draft("ask_email", student=None, mentor=mentor, application=application, letter=None, today=TODAY)
    assert ask.kind == "ask_email"
    use_timing(short_notice_days=25)
    ask = messages.draft("ask_email", student=None, mentor=mentor, application=application, letter=None, today=TODAY)
    assert ask.kind == "ask_short_notice"


def test_changing_the_late_threshold_changes_the_faq_cards(use_timing, tmp_path):
    plan = Store(tmp_path / "plan.db").default_workspace()
    plan.save_mentor(Mentor(id="m", name="Dr. Lee"))
    plan.save_application(Application(id="a", name="IM", deadline=TODAY + timedelta(days=25)))
    plan.save_letter(LetterRequest(mentor_id="m", application_id="a", waived=True))
    assert "short-notice" not in {c.slug for c in context_cards(plan, TODAY)}
    use_timing(late_days=30)
    assert "short-notice" in {c.slug for c in context_cards(plan, TODAY)}


def test_changing_the_reminder_days_changes_the_letter_card_and_the_plan(use_timing):
    due = date(2027, 3, 1)
    letter = LetterRequest(mentor_id="m", application_id="a", status="packet_sent")
    assert lifecycle.next_step(letter, due=due) == "Reminder 1 due Feb 15."
    application = Application(name="Job", pathway="job", deadline=due)
    before = {m.kind: m.day for m in plan_letter(application, Mentor(name="X"), busy=[], today=TODAY).milestones}
    use_timing(reminder_days=[20, 10])
    assert lifecycle.next_step(letter, due=due) == "Reminder 1 due Feb 9."
    after = {m.kind: m.day for m in plan_letter(application, Mentor(name="X"), busy=[], today=TODAY).milestones}
    assert after["reminder_1"] < before["reminder_1"] and after["reminder_1"] <= due - timedelta(days=20)


def test_changing_the_goal_conversation_threshold_changes_every_nudge(use_timing):
    # A writer last seen 120 days ago: no goal conversation at 6 months, on every page alike.
    quiet = Mentor(name="Dr. Quiet", last_worked=TODAY - timedelta(days=120))
    letter = LetterRequest(mentor_id=quiet.id, application_id="a")
    application = Application(id="a", name="Job", pathway="job", deadline=TODAY + timedelta(weeks=10))
    kinds = {m.kind for m in plan_letter(application, quiet, busy=[], today=TODAY).milestones}
    assert not scoring.needs_goal_conversation(quiet, TODAY)
    assert "goal_conversation" not in messages.draft_kinds_for(letter, mentor=quiet, today=TODAY)
    assert "check_in" not in kinds
    use_timing(check_in_after_months=3)
    kinds = {m.kind for m in plan_letter(application, quiet, busy=[], today=TODAY).milestones}
    assert scoring.needs_goal_conversation(quiet, TODAY)
    assert "goal_conversation" in messages.draft_kinds_for(letter, mentor=quiet, today=TODAY)
    assert "check_in" in kinds


def test_changing_the_buffer_limit_changes_what_a_restore_accepts(use_timing):
    doc = {"schema": 1, "mentors": [], "applications": [], "letters": [], "settings": {"buffer_days": 30}}
    backup = json.dumps(doc)
    with pytest.raises(ValueError, match="from 0 to 21"):
        parse_backup(backup)
    use_timing(max_buffer_days=45)
    assert parse_backup(backup)["settings"]["buffer_days"] == 30


def test_a_reminder_table_that_is_not_two_days_is_refused(tmp_path):
    path = changed_timing(tmp_path, reminder_days=[14, 7, 3])
    with pytest.raises(ValueError, match="reminder_days"):
        timing._load(str(path))
