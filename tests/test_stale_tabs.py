"""Two tabs on one plan: an action from a tab drawn before another tab changed the plan acts on the record the
student saw, or says that it changed (issue #14.7)."""

from __future__ import annotations

import os
from datetime import date

from lor.models import BusyPeriod
from lor.store import Store


def saved():
    return Store(os.environ["LOR_DB"]).default_workspace()


def test_removing_a_busy_period_from_a_stale_tab_removes_the_one_shown(open_page):
    ws = saved()
    first = BusyPeriod(name="Retreat", start=date(2027, 1, 4), end=date(2027, 1, 6))
    second = BusyPeriod(name="Board exam", start=date(2027, 2, 1), end=date(2027, 2, 3))
    third = BusyPeriod(name="Away", start=date(2027, 3, 1), end=date(2027, 3, 3))
    tab1 = open_page("timeline")
    ws.set_setting("busy", {"custom": [p.model_dump(mode="json") for p in (first, second, third)]})
    tab1.run()
    tab2 = open_page("timeline", example=False)
    rows = [b.key for b in tab2.button if b.key and b.key.startswith("timeline-custom-")]
    tab2.button(key=rows[0]).click().run()  # tab 2 removes the retreat
    assert [p["name"] for p in saved().get_setting("busy")["custom"]] == ["Board exam", "Away"]
    rows1 = [b.key for b in tab1.button if b.key and b.key.startswith("timeline-custom-")]
    tab1.button(key=rows1[1]).click().run()  # tab 1 still shows both, and removes the board exam
    assert not tab1.exception
    assert [p["name"] for p in saved().get_setting("busy")["custom"]] == ["Away"]


def warnings(at) -> list[str]:
    return [w.value.replace("\\", "") for w in at.warning]


def keys(at, prefix: str) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith(prefix)]


def test_removing_a_busy_period_another_tab_removed_says_it_is_already_gone(open_page):
    retreat = BusyPeriod(name="Retreat", start=date(2027, 1, 4), end=date(2027, 1, 6))
    tab1 = open_page("timeline")
    saved().set_setting("busy", {"custom": [retreat.model_dump(mode="json")]})
    tab1.run()
    tab2 = open_page("timeline", example=False)
    [row] = keys(tab2, "timeline-custom-")
    tab2.button(key=row).click().run()
    tab1.button(key=row).click().run()
    assert not tab1.exception
    assert "Retreat was already removed (in another tab); here is the current version." in warnings(tab1)
    assert keys(tab1, "timeline-custom-") == []


def test_a_writers_busy_time_removed_from_a_stale_tab_is_the_one_shown(open_page):
    ws = saved()
    tab1 = open_page("timeline")
    raman = next(m for m in ws.mentors() if m.id == "m-raman")
    periods = [
        BusyPeriod(name=name, start=date(2027, 1, day), end=date(2027, 1, day + 1), who=raman.name)
        for name, day in (("On service", 4), ("Vacation", 11), ("Conference", 18))
    ]
    ws.save_mentor(raman.model_copy(update={"busy": periods}))
    raman = next(m for m in ws.mentors() if m.id == "m-raman")
    tab1.run()
    tab2 = open_page("timeline", example=False)
    tab2.button(key=f"timeline-mentor-m-raman-busy-{raman.busy[0].id}-delete").click().run()
    tab1.button(key=f"timeline-mentor-m-raman-busy-{raman.busy[1].id}-delete").click().run()
    assert not tab1.exception
    left = next(m for m in saved().mentors() if m.id == "m-raman").busy
    assert [p.name for p in left] == ["Conference"]


def test_undoing_a_move_another_tab_changed_refuses_and_shows_the_current_dates(open_page):
    tab1 = open_page("timeline")
    saved().set_setting("busy", {"moved": {"acp_meeting:2027": {"start": "2027-04-08", "end": "2027-04-11"}}})
    tab1.run()
    saved().set_setting("busy", {"moved": {"acp_meeting:2027": {"start": "2027-04-15", "end": "2027-04-18"}}})
    tab1.button(key="timeline-moved-acp_meeting-2027-undo").click().run()
    assert not tab1.exception
    assert "This changed in another tab; here is the current version." in warnings(tab1)
    assert saved().get_setting("busy")["moved"] == {"acp_meeting:2027": {"start": "2027-04-15", "end": "2027-04-18"}}
    assert any("2027-04-15" in str(m.value).replace("\\", "") for m in tab1.markdown)
