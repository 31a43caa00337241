"""A letter's life: allowed moves, undo, reminders, milestones marked done, next steps, letter IDs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lor.lifecycle import (
    DATE_FIELDS,
    MOVES,
    WAIVER_ADVICE,
    TransitionError,
    allowed_moves,
    brag_sheet_note,
    complete_milestone,
    forward_and_back,
    letter_id_warning,
    move,
    move_label,
    next_step,
    record_reminder,
    reminder_applies,
)
from lor.models import MILESTONE_KINDS, STATUSES, LetterRequest

D = date(2026, 6, 1)


def letter(**kw) -> LetterRequest:
    kw.setdefault("waived", True)  # decided, as the packet needs (see the waiver test below)
    return LetterRequest(mentor_id="m1", application_id="a1", **kw)


def walk(*statuses: str) -> LetterRequest:
    out = letter()
    for i, status in enumerate(statuses):
        out = move(out, status, D + timedelta(days=i))
    return out


def test_happy_path_dates_every_step_and_leaves_the_original_alone():
    start = letter()
    done = walk("asked", "agreed", "packet_sent", "submitted", "thanked", "updated")
    assert done.status == "updated"
    assert [done.asked_on, done.agreed_on, done.packet_sent_on] == [D, D + timedelta(1), D + timedelta(2)]
    assert done.updated_on == D + timedelta(5)
    asked = move(start, "asked", D)
    assert start.status == "planned" and start.asked_on is None
    assert asked.status == "asked" and asked is not start


@pytest.mark.parametrize(
    ("path", "target", "words"),
    [
        ((), "submitted", "said yes"),
        (("asked",), "submitted", "said yes"),
        ((), "agreed", "asked first"),
        (("asked", "agreed"), "thanked", "Next it can move to"),
        (("asked", "agreed", "packet_sent", "submitted", "thanked", "updated"), "withdrawn", "nothing comes"),
    ],
)
def test_impossible_moves_are_refused_in_plain_words(path, target, words):
    before = walk(*path)
    with pytest.raises(TransitionError, match=words):
        move(before, target, D + timedelta(days=30))


def test_declined_is_final_except_the_undo_back_to_asked():
    declined = walk("asked", "declined")
    assert allowed_moves(declined) == ["asked", "planned"]
    with pytest.raises(TransitionError, match="backup"):
        move(declined, "agreed", D + timedelta(days=5))
    undone = move(declined, "asked", D + timedelta(days=5))
    assert undone.status == "asked" and undone.declined_on is None and undone.asked_on == D


def test_going_back_clears_the_undone_steps_and_their_reminders():
    sent = record_reminder(walk("asked", "agreed", "packet_sent"), D + timedelta(days=10))
    back_to_agreed = move(sent, "agreed", D + timedelta(days=11))
    assert back_to_agreed.packet_sent_on is None and back_to_agreed.reminder_1_on is not None
    back_to_asked = move(sent, "asked", D + timedelta(days=11))
    assert back_to_asked.status == "asked"
    assert (back_to_asked.agreed_on, back_to_asked.packet_sent_on, back_to_asked.reminder_1_on) == (None,) * 3
    assert back_to_asked.asked_on == D


def test_withdraw_and_undo_returns_to_the_step_it_was_on():
    withdrawn = move(walk("asked", "agreed"), "withdrawn", D + timedelta(days=3))
    assert withdrawn.withdrawn_on == D + timedelta(days=3) and withdrawn.agreed_on is not None
    assert "agreed" in allowed_moves(withdrawn) and "packet_sent" not in allowed_moves(withdrawn)
    back = move(withdrawn, "agreed", D + timedelta(days=4))
    assert back.status == "agreed" and back.withdrawn_on is None and back.agreed_on == D + timedelta(days=1)


def test_a_day_before_the_current_step_is_refused():
    asked = walk("asked")
    with pytest.raises(TransitionError, match="before"):
        move(asked, "agreed", D - timedelta(days=1))


def test_moving_to_the_same_status_re_dates_it():
    asked = walk("asked")
    assert move(asked, "asked", D + timedelta(days=2)).asked_on == D + timedelta(days=2)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=12))
def test_any_walk_over_allowed_moves_succeeds_and_others_are_refused(choices):
    current = letter()
    day = D
    for choice in choices:
        options = allowed_moves(current)
        refused = [s for s in STATUSES if s not in options and s != current.status]
        for status in refused:
            with pytest.raises(TransitionError):
                move(current, status, day)
        if not options:
            break
        target = options[choice % len(options)]
        current = move(current, target, day)
        assert current.status == target
        field = DATE_FIELDS.get(target)
        assert field is None or getattr(current, field) is not None
        day += timedelta(days=1)


def test_moves_table_covers_every_status():
    assert set(MOVES) == set(STATUSES)
    assert all(target in STATUSES for targets in MOVES.values() for target in targets)


def test_two_reminders_then_the_third_is_refused_with_the_reason():
    sent = walk("asked", "agreed", "packet_sent")
    one = record_reminder(sent, D + timedelta(days=10))
    with pytest.raises(TransitionError, match="Give the writer about a week"):
        record_reminder(one, D + timedelta(days=10))
    two = record_reminder(one, D + timedelta(days=17))
    assert (two.reminder_1_on, two.reminder_2_on) == (D + timedelta(days=10), D + timedelta(days=17))
    with pytest.raises(TransitionError) as caught:
        record_reminder(two, D + timedelta(days=20))
    assert "Two reminders" in str(caught.value) and "status check" in str(caught.value)


def test_reminders_need_a_yes_and_stop_once_the_letter_is_in():
    with pytest.raises(TransitionError, match="says yes"):
        record_reminder(walk("asked"), D + timedelta(days=5))
    with pytest.raises(TransitionError, match="already arrived"):
        record_reminder(walk("asked", "agreed", "submitted"), D + timedelta(days=5))


def test_milestones_marked_done_map_to_moves():
    day = D + timedelta(days=1)
    planned = letter()
    assert complete_milestone(planned, "check_in", day) is planned
    asked = complete_milestone(planned, "ask", D)
    assert asked.status == "asked"
    with pytest.raises(TransitionError, match="Record their answer first"):
        complete_milestone(asked, "packet", day)  # no silent yes (issue #22.9)
    packet = complete_milestone(move(asked, "agreed", day), "packet", day)
    assert (packet.status, packet.agreed_on, packet.packet_sent_on) == ("packet_sent", day, day)
    r1 = complete_milestone(packet, "reminder_1", day)
    with pytest.raises(TransitionError, match="already recorded on"):
        complete_milestone(r1, "reminder_2", day)  # two reminders on one day: refused, with the reason
    week = day + timedelta(days=7)
    r2 = complete_milestone(r1, "reminder_2", week)
    assert (r2.reminder_1_on, r2.reminder_2_on) == (day, week)
    checked = complete_milestone(r2, "status_check", day)
    assert (checked.status, checked.status_checked_on) == (r2.status, day)  # the look is dated, the status stays
    arrived = complete_milestone(r2, "deadline", day)
    assert arrived.status == "submitted"
    thanked = complete_milestone(arrived, "thank_you", day)
    assert thanked.status == "thanked"
    assert complete_milestone(thanked, "update", day).status == "updated"


def test_a_second_click_on_a_done_milestone_changes_nothing():
    asked = walk("asked", "agreed", "packet_sent")
    assert complete_milestone(asked, "ask", D + timedelta(days=9)) == asked


def test_a_thank_you_done_before_arrival_records_the_arrival_too():
    thanked = complete_milestone(walk("asked", "agreed", "packet_sent"), "thank_you", D + timedelta(days=9))
    assert (thanked.status, thanked.submitted_on) == ("thanked", D + timedelta(days=9))


@pytest.mark.parametrize("kind", ["deadline", "thank_you", "update", "packet"])
def test_milestones_that_need_a_yes_are_refused_on_a_planned_letter(kind):
    with pytest.raises(TransitionError):
        complete_milestone(letter(), kind, D)


@pytest.mark.parametrize("kind", [k for k in MILESTONE_KINDS if k not in ("check_in", "status_check")])
def test_a_declined_letter_has_no_more_milestones(kind):
    with pytest.raises(TransitionError, match="declined"):
        complete_milestone(walk("asked", "declined"), kind, D + timedelta(days=5))


def test_next_step_tells_the_card_what_to_do():
    assert "packet" in next_step(walk("asked", "agreed"))
    sent = walk("asked", "agreed", "packet_sent")
    assert next_step(sent, due=date(2026, 9, 1)) == "Reminder 1 due Aug 18."
    one = record_reminder(sent, date(2026, 8, 18))
    assert next_step(one, due=date(2026, 9, 1)).startswith("Reminder 2 (the last one) due Aug 25")
    assert "backup" in next_step(walk("asked", "declined"))
    assert all(next_step(letter(status=s)) for s in STATUSES)


@pytest.mark.parametrize(
    ("portal", "letter_id", "warned"),
    [
        ("ERAS", "A1B2C3D4E5", False),
        ("AMCAS", "1234567", False),
        # Issue #24.3: the 7-digit rule came from the retired Letter Writer Application; an AMCAS Request ID of
        # another shape is not flagged (no format of it was published).
        ("AMCAS", "12345", False),
        ("AMCAS", "12A4567", False),
        ("AMCAS", "1234 567", True),
        ("ERAS", "1234 5678", True),
        ("ERAS", "x" * 60, True),
        ("other", "", False),
        ("ResidencyCAS", None, False),
    ],
)
def test_letter_ids_are_accepted_with_a_warning_when_unusual(portal, letter_id, warned):
    warning = letter_id_warning(portal, letter_id)
    assert (warning is not None) == warned
    if letter_id and warned:  # never refused: the model takes the same ID
        assert letter(letter_id=letter_id).letter_id == letter_id


def test_waiver_advice_recommends_waiving_and_says_eras_is_permanent():
    assert "recommend" in WAIVER_ADVICE and "ERAS" in WAIVER_ADVICE and "never" in WAIVER_ADVICE


def test_buttons_split_next_steps_from_undo_steps():
    sent = walk("asked", "agreed", "packet_sent")
    forward, back = forward_and_back(sent)
    assert forward == ["submitted", "withdrawn"] and back == ["agreed", "asked", "planned"]
    assert move_label(sent, "submitted") == "Mark as submitted"
    assert move_label(sent, "withdrawn") == "Withdraw this letter"
    assert move_label(sent, "asked") == "Undo: back to asked"


def test_reminders_belong_between_the_yes_and_the_arrival():
    assert [s for s in STATUSES if reminder_applies(letter(status=s))] == ["agreed", "packet_sent"]


def test_brag_sheet_note_is_gentle_outside_five_to_seven():
    assert "Five to seven" in brag_sheet_note(["one", "two"])
    assert brag_sheet_note(["x"] * 6) is None
    assert "best seven" in brag_sheet_note(["x"] * 9)


def test_the_packet_waits_for_a_waiver_decision():
    undecided = move(move(letter(waived=None), "asked", D), "agreed", D)
    with pytest.raises(TransitionError, match="Decide about the waiver first"):
        move(undecided, "packet_sent", D)
    with pytest.raises(TransitionError, match="waiver"):
        complete_milestone(undecided, "packet", D)
    decided = undecided.model_copy(update={"waived": False})
    assert move(decided, "packet_sent", D).status == "packet_sent"


def test_one_letter_is_shared_only_between_applications_of_one_season():
    from lor.lifecycle import duplicate_letters, shareable_letter
    from lor.models import Application

    now = Application(
        id="now", name="EM this season", pathway="residency", portal="ResidencyCAS", deadline=date(2026, 12, 4),
        season=2027,
    )  # fmt: skip
    later = now.model_copy(update={"id": "later", "name": "Emergency medicine", "deadline": date(2027, 9, 1),
                                   "season": 2028})  # fmt: skip
    same = later.model_copy(update={"id": "same", "name": "EM, second list"})
    first = LetterRequest(id="x", mentor_id="stone", application_id="later", status="planned")
    apps = [now, later, same]
    assert shareable_letter([first], apps, "stone", now) is None  # ResidencyCAS 2027 and 2028: two uploads
    assert shareable_letter([first], apps, "stone", same) == first
    # Without a season named, due dates about a year apart are two seasons as well.
    unnamed = [a.model_copy(update={"season": None}) for a in apps]
    assert shareable_letter([first], unnamed, "stone", unnamed[0]) is None
    # And two letters of two seasons are not offered for merging into one.
    other = LetterRequest(id="y", mentor_id="stone", application_id="now", status="planned")
    assert duplicate_letters([first, other], apps) == []
