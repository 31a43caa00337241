"""score_mentor, rank_mentors, suggest_backup and the goal-conversation nudge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plan_dates import TODAY

from lor.models import (
    ONE_ON_ONE,
    PATHWAYS,
    PERFORMANCES,
    ROLES,
    SETTINGS,
    Application,
    LetterRequest,
    Mentor,
    Reason,
    Touchpoint,
)
from lor.scoring import (
    LETTER_SOURCE_SCORE,
    POSSIBLE_AT,
    RECENCY_STEPS,
    SCORING_HELP,
    STALE_DAYS,
    STRONG_AT,
    active_letters,
    backup_reason,
    backup_suggestions,
    can_write,
    is_letter_source,
    needs_goal_conversation,
    rank_mentors,
    score_mentor,
    suggest_backup,
)

IM = Application(
    id="im", name="IM match", pathway="residency", specialty="internal_medicine", deadline=date(2027, 9, 1)
)
EM = Application(
    id="em", name="EM match", pathway="residency", specialty="emergency_medicine", deadline=date(2027, 9, 1)
)


def mentor(**kw) -> Mentor:
    base = dict(
        name="Dr. Rivera",
        role="attending",
        specialty="internal_medicine",
        setting="rotation",
        weeks_known=4,
        one_on_one="some",
        performance="strong",
        last_worked=TODAY - timedelta(days=60),
    )
    return Mentor(**{**base, **kw})


mentors = st.builds(
    Mentor,
    name=st.just("Dr. Hypothesis"),
    role=st.sampled_from(ROLES),
    specialty=st.sampled_from([None, "internal_medicine", "emergency_medicine", "pediatrics"]),
    setting=st.sampled_from(SETTINGS),
    weeks_known=st.integers(0, 600),
    one_on_one=st.sampled_from(ONE_ON_ONE),
    performance=st.sampled_from(PERFORMANCES),
    observed=st.lists(st.sampled_from(["presented at rounds", "ran a family meeting", "wrote notes"]), max_size=8),
    last_worked=st.one_of(st.none(), st.dates(date(2015, 1, 1), date(2027, 6, 1))),
    unavailable=st.booleans(),
)
applications = st.builds(
    Application,
    name=st.just("Target"),
    pathway=st.sampled_from(PATHWAYS),
    specialty=st.sampled_from([None, "internal_medicine", "emergency_medicine"]),
    deadline=st.just(date(2027, 9, 1)),
    academic=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(mentors, applications)
def test_score_is_within_0_and_100_and_every_point_is_explained(m, app):
    result = score_mentor(m, app, today=TODAY)
    assert 0 <= result.score <= 100
    assert sum(r.points for r in result.reasons) == result.score
    assert all(r.text.strip() for r in result.reasons)
    expected = "strong" if result.score >= STRONG_AT else "possible" if result.score >= POSSIBLE_AT else "weak"
    if is_letter_source(m):  # a department or a committee: a neutral score, not a relationship
        assert result.score == LETTER_SOURCE_SCORE and result.tier == expected != "weak"
    elif m.role == "resident" and app.pathway in ("residency", "fellowship"):
        assert result.tier == "weak"
    elif (m.weeks_known < 2 and m.one_on_one == "none") or m.performance in ("average", "inconsistent"):
        assert result.tier in ("possible", "weak") and (expected != "weak" or result.tier == "weak")
    else:
        assert result.tier == expected


ORDERED = {
    "weeks_known": [0, 1, 2, 3, 4, 7, 8, 11, 12, 30, 500],
    "one_on_one": ["none", "some", "frequent"],
    "performance": ["inconsistent", "average", "strong", "outstanding"],
    "observed": [[], ["a"], ["a", "b"], ["a", "b", "c", "d", "e"], ["a", "b", "c", "d", "e", "f", "g"]],
}


@settings(max_examples=200, deadline=None)
@given(mentors, applications, st.sampled_from(sorted(ORDERED)), st.data())
def test_more_depth_or_better_performance_never_lowers_the_score(m, app, field, data):
    values = ORDERED[field]
    i = data.draw(st.integers(0, len(values) - 2))
    j = data.draw(st.integers(i + 1, len(values) - 1))
    lower = score_mentor(m.model_copy(update={field: values[i]}), app, today=TODAY).score
    higher = score_mentor(m.model_copy(update={field: values[j]}), app, today=TODAY).score
    assert higher >= lower


@settings(max_examples=200, deadline=None)
@given(mentors, applications)
def test_under_two_weeks_without_one_on_one_is_never_strong(m, app):
    brief = m.model_copy(update={"weeks_known": 1, "one_on_one": "none"})
    if not is_letter_source(brief):  # a departmental or committee letter is not scored on a relationship
        assert score_mentor(brief, app, today=TODAY).tier != "strong"


def test_the_contract_strong_writer_is_strong_even_with_the_least_helpful_details():
    for setting in SETTINGS:
        m = mentor(
            setting=setting,
            weeks_known=8,
            one_on_one="frequent",
            performance="outstanding",
            observed=[],
            last_worked=TODAY - timedelta(days=365),
        )
        for app in (IM, IM.model_copy(update={"pathway": "fellowship"})):
            assert score_mentor(m, app, today=TODAY).tier == "strong", setting


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([r for r in ROLES if r not in ("resident", "department", "committee")]),
    st.sampled_from(SETTINGS),
    st.integers(8, 400),
    st.integers(0, 365),
    st.lists(st.just("a thing they saw"), max_size=8),
    st.sampled_from(["residency", "fellowship"]),
    st.booleans(),
)
def test_the_design_rule_a_close_same_specialty_writer_who_saw_outstanding_work_is_strong(
    role, setting, weeks, days_ago, observed, pathway, academic
):
    # DESIGN.md: 8+ weeks, frequent one-on-one time, outstanding work, seen within the year, same specialty.
    # (A resident is never strong for residency, and a department or committee is a letter, not a person.)
    m = mentor(
        role=role,
        setting=setting,
        weeks_known=weeks,
        one_on_one="frequent",
        performance="outstanding",
        observed=observed,
        last_worked=TODAY - timedelta(days=days_ago),
    )
    app = IM.model_copy(update={"pathway": pathway, "academic": academic})
    assert score_mentor(m, app, today=TODAY).tier == "strong"


def test_reasons_read_like_sentences_a_student_understands():
    m = mentor(setting="longitudinal", weeks_known=12, observed=["led rounds", "ran a family meeting"])
    texts = [r.text for r in score_mentor(m, IM, today=TODAY).reasons]
    assert "12 weeks together in a longitudinal setting" in texts
    assert "Saw 2 specific things you did" in texts
    assert "Works in internal medicine, the specialty you are applying to: programs weigh these letters most" in texts


def test_weeks_known_is_capped():
    capped = score_mentor(mentor(weeks_known=500), IM, today=TODAY)
    twelve = score_mentor(mentor(weeks_known=12), IM, today=TODAY)
    assert capped.score == twelve.score
    assert any("counted as 12" in r.text for r in capped.reasons)


def test_a_longitudinal_setting_beats_a_rotation():
    rotation = score_mentor(mentor(setting="rotation"), IM, today=TODAY).score
    for setting in ("longitudinal", "lab", "project", "clinic"):
        assert score_mentor(mentor(setting=setting), IM, today=TODAY).score > rotation


def test_an_attending_who_knows_you_beats_a_program_director_who_barely_does():
    attending = mentor(weeks_known=12, one_on_one="frequent", setting="longitudinal", observed=["a", "b", "c"])
    director = mentor(role="program_director", weeks_known=1, one_on_one="none")
    director_score = score_mentor(director, IM, today=TODAY)
    assert score_mentor(attending, IM, today=TODAY).score > director_score.score
    assert any("Big title, thin relationship" in w and "attending" in w for w in director_score.warnings)
    assert not any("Program director" in r.text for r in director_score.reasons)


def test_a_title_adds_points_only_with_depth_behind_it():
    deep = dict(weeks_known=8, one_on_one="frequent")
    director = score_mentor(mentor(role="clerkship_director", **deep), IM, today=TODAY)
    attending = score_mentor(mentor(role="attending", **deep), IM, today=TODAY)
    assert director.score > attending.score
    assert not any("thin relationship" in w for w in director.warnings)


def test_warnings_name_each_weak_spot():
    m = mentor(
        role="resident",
        weeks_known=1,
        one_on_one="none",
        performance="inconsistent",
        last_worked=TODAY - timedelta(days=600),
        unavailable=True,
    )
    text = " ".join(score_mentor(m, IM, today=TODAY).warnings)
    for phrase in ("Brief contact", "No one-on-one time", "uneven performance", "over 18 months", "resident"):
        assert phrase in text
    assert "unavailable" in text
    assert "average performance" in " ".join(score_mentor(mentor(performance="average"), IM, today=TODAY).warnings)


def test_a_good_recent_writer_has_no_warnings():
    m = mentor(weeks_known=8, one_on_one="frequent", performance="outstanding")
    assert score_mentor(m, IM, today=TODAY).warnings == []


def test_a_resident_writer_loses_points_only_for_residency_and_fellowship():
    resident = mentor(role="resident")
    for pathway in ("residency", "fellowship"):
        reasons = score_mentor(resident, IM.model_copy(update={"pathway": pathway}), today=TODAY).reasons
        assert any(r.points < 0 and "residents" in r.text for r in reasons)
    job = IM.model_copy(update={"pathway": "job"})
    assert all(r.points >= 0 for r in score_mentor(resident, job, today=TODAY).reasons)


def test_a_score_below_zero_is_clamped_with_its_own_reason():
    m = mentor(
        role="resident",
        specialty="pediatrics",
        setting="other",
        weeks_known=0,
        one_on_one="none",
        performance="inconsistent",
        last_worked=None,
    )
    result = score_mentor(m, IM, today=TODAY)
    assert result.score == 0
    assert any("between 0 and 100" in r.text and r.points > 0 for r in result.reasons)


def test_recency_uses_touchpoints_too():
    old = mentor(last_worked=TODAY - timedelta(days=800))
    refreshed = old.model_copy(update={"touchpoints": [Touchpoint(day=TODAY - timedelta(days=10))]})
    assert score_mentor(refreshed, IM, today=TODAY).score > score_mentor(old, IM, today=TODAY).score
    assert not any("18 months" in w for w in score_mentor(refreshed, IM, today=TODAY).warnings)


def test_relevance_follows_the_pathway():
    med = IM.model_copy(update={"pathway": "medical_school", "specialty": None})
    science = score_mentor(mentor(role="science_faculty", specialty=None), med, today=TODAY).score
    attending = score_mentor(mentor(role="attending", specialty=None), med, today=TODAY).score
    assert science > attending
    research = IM.model_copy(update={"pathway": "research", "specialty": None})
    assert (
        score_mentor(mentor(role="research_mentor"), research, today=TODAY).score
        > score_mentor(mentor(role="attending"), research, today=TODAY).score
    )
    job = IM.model_copy(update={"pathway": "job"})
    assert (
        score_mentor(mentor(role="supervisor"), job, today=TODAY).score
        > score_mentor(mentor(role="non_science_faculty"), job, today=TODAY).score
    )
    other_field = mentor(specialty="pediatrics")
    assert score_mentor(other_field, IM, today=TODAY).score < score_mentor(mentor(), IM, today=TODAY).score


# Issue 22.6: for residency, letters from the specialty count most. The three writers of the issue, for an
# internal medicine application: before, the two from other fields scored 76 and 80 against the IM attending's 67.
IM_ATTENDING = dict(
    role="attending", specialty="internal_medicine", setting="rotation", weeks_known=4, one_on_one="some",
    performance="outstanding", observed=["a", "b", "c"], last_worked=TODAY - timedelta(days=30),
)  # fmt: skip
FM_PRECEPTOR = dict(
    role="attending", specialty="family_medicine", setting="longitudinal", weeks_known=12, one_on_one="frequent",
    performance="outstanding", observed=["a", "b", "c", "d", "e"], last_worked=TODAY - timedelta(days=30),
)  # fmt: skip
LAB_MENTOR = dict(
    role="research_mentor", specialty="cardiology", setting="lab", weeks_known=40, one_on_one="frequent",
    performance="outstanding", observed=["a", "b", "c", "d", "e"], last_worked=TODAY - timedelta(days=30),
)  # fmt: skip


def test_the_attending_in_the_specialty_ranks_above_closer_writers_from_other_fields():
    people = [
        mentor(id="fm", name="A FM preceptor", **FM_PRECEPTOR),
        mentor(id="lab", name="A lab mentor", **LAB_MENTOR),
        mentor(id="im", name="An IM attending", **IM_ATTENDING),
    ]
    for academic in (False, True):
        ranked = rank_mentors(people, IM.model_copy(update={"academic": academic}), today=TODAY)
        assert ranked[0][0].id == "im", academic
        assert ranked[0][1].tier == "strong"
        assert ranked[0][1].score > ranked[1][1].score
    scores = {m.id: s for m, s in rank_mentors(people, IM, today=TODAY)}
    assert scores["fm"].tier == scores["lab"].tier == "possible"  # good extra letters, not specialty letters
    reasons = {key: " ".join(r.text for r in s.reasons) for key, s in scores.items()}
    assert "the specialty you are applying to: programs weigh these letters most" in reasons["im"]
    assert (
        "A clinician outside internal medicine: programs weigh letters from their own specialty most" in reasons["fm"]
    )
    assert "residency programs read clinical letters from their specialty first" in reasons["lab"]


def test_for_medical_school_the_same_writers_are_judged_on_what_schools_ask_for():
    med = IM.model_copy(update={"pathway": "medical_school", "specialty": None})
    science = mentor(role="science_faculty", specialty=None, setting="course", weeks_known=12)
    clinician = mentor(**{**IM_ATTENDING, "specialty": None, "performance": "strong"})
    assert score_mentor(science, med, today=TODAY).score > score_mentor(clinician, med, today=TODAY).score


def test_a_department_chair_is_scored_as_a_person_on_how_well_they_know_you():
    brief = mentor(name="Dr. Marcus Webb", role="department_chair", weeks_known=1, one_on_one="none")
    result = score_mentor(brief, IM, today=TODAY)
    # Before: a flat 75, "strong", as the IM SEL writer, whatever the relationship.
    assert result.tier != "strong" and result.score < score_mentor(mentor(**IM_ATTENDING), IM, today=TODAY).score
    warnings = " ".join(result.warnings)
    assert "Big title, thin relationship" in warnings and "Brief contact" in warnings
    assert "add the department as its own writer with the role Department" in warnings
    close = mentor(role="department_chair", weeks_known=12, one_on_one="frequent", performance="outstanding")
    close_result = score_mentor(close, IM, today=TODAY)
    assert close_result.tier == "strong"
    assert any("department chair who knows you well" in r.text for r in close_result.reasons)


@pytest.mark.parametrize("role", ["department", "committee"])
@pytest.mark.parametrize("pathway", PATHWAYS)
def test_a_department_or_a_committee_is_a_letter_source_with_a_neutral_explained_score(role, pathway):
    source = mentor(name="Office", role=role, weeks_known=0, one_on_one="none", performance="average", last_worked=None)
    assert is_letter_source(source)
    result = score_mentor(source, IM.model_copy(update={"pathway": pathway}), today=TODAY)
    assert result.score == LETTER_SOURCE_SCORE and result.tier == "possible"
    assert [r.points for r in result.reasons] == [LETTER_SOURCE_SCORE]
    assert "not scored on one relationship" in result.reasons[0].text
    assert ("committee letter" if role == "committee" else "departmental letter") in result.reasons[0].text
    # None of a person's warnings: a department has no weeks, one-on-one time or performance to judge.
    assert not any(w.startswith(("Brief contact", "No one-on-one", "They saw", "No date")) for w in result.warnings)
    assert not is_letter_source(mentor(role="department_chair"))


def test_recency_points_and_words_come_from_the_weights_file():
    for within, points, words in RECENCY_STEPS:
        result = score_mentor(mentor(last_worked=TODAY - timedelta(days=within)), IM, today=TODAY)
        assert Reason(points=points, text=f"You were in contact within {words}") in result.reasons
    stale = score_mentor(mentor(last_worked=TODAY - timedelta(days=STALE_DAYS + 1)), IM, today=TODAY)
    assert not any(r.text.startswith("You were in contact") for r in stale.reasons)
    assert any("over 18 months" in w for w in stale.warnings)


def test_scoring_help_states_the_thresholds():
    assert f"{STRONG_AT}+" in SCORING_HELP and f"below {POSSIBLE_AT}" in SCORING_HELP


def test_rank_mentors_puts_the_best_first_and_unavailable_last():
    best = mentor(id="best", name="Best", weeks_known=12, one_on_one="frequent", performance="outstanding")
    away = mentor(id="away", name="Away", weeks_known=12, one_on_one="frequent", unavailable=True)
    thin = mentor(id="thin", name="Thin", weeks_known=1, one_on_one="none")
    ranked = rank_mentors([thin, away, best], IM, today=TODAY)
    assert [m.id for m, _ in ranked] == ["best", "thin", "away"]
    assert ranked[0][1].score >= ranked[1][1].score


def em_faculty(**kw) -> Mentor:
    return mentor(specialty="emergency_medicine", **kw)


def test_a_declined_sloe_gets_an_em_faculty_backup_over_a_higher_scoring_outsider():
    declined_writer = em_faculty(id="d", name="Declined")
    em_backup = em_faculty(id="e", name="EM backup", weeks_known=2)
    star_outsider = mentor(id="s", name="IM star", weeks_known=12, one_on_one="frequent", performance="outstanding")
    letters = [LetterRequest(id="l1", mentor_id="d", application_id="em", letter_type="sloe", status="declined")]
    pick = suggest_backup(letters[0], EM, [declined_writer, em_backup, star_outsider], letters, today=TODAY)
    assert pick is not None and pick[0].id == "e"


def test_backup_skips_writers_already_writing_declined_or_unavailable():
    people = [
        em_faculty(id="d", name="Declined now"),
        em_faculty(id="busy", name="Already writing", weeks_known=12, one_on_one="frequent"),
        em_faculty(id="old-no", name="Said no before", weeks_known=12, one_on_one="frequent"),
        em_faculty(id="away", name="On leave", weeks_known=12, one_on_one="frequent", unavailable=True),
        em_faculty(id="ok", name="Free", weeks_known=2),
    ]
    letters = [
        LetterRequest(id="1", mentor_id="d", application_id="em", letter_type="sloe", status="declined"),
        LetterRequest(id="2", mentor_id="busy", application_id="em", letter_type="sloe", status="agreed"),
        LetterRequest(id="3", mentor_id="old-no", application_id="em", status="declined"),
    ]
    pick = suggest_backup(letters[0], EM, people, letters, today=TODAY)
    assert pick is not None and pick[0].id == "ok"
    assert suggest_backup(letters[0], EM, people[:4], letters, today=TODAY) is None


def test_backup_falls_back_to_the_best_other_writer_when_nobody_can_write_that_type():
    letters = [LetterRequest(id="1", mentor_id="d", application_id="em", letter_type="sloe", status="declined")]
    people = [em_faculty(id="d", name="Declined"), mentor(id="im", name="IM attending")]
    pick = suggest_backup(letters[0], EM, people, letters, today=TODAY)
    assert pick is not None and pick[0].id == "im"
    assert not can_write(pick[0], "sloe", EM)


def test_backup_for_an_unavailable_mentor():
    away = mentor(id="away", name="Away", unavailable=True)
    other = mentor(id="o", name="Other")
    assert suggest_backup(away, IM, [away, other], [], today=TODAY)[0].id == "o"


def test_goal_conversation_after_six_months_or_unknown_contact():
    assert needs_goal_conversation(mentor(last_worked=None), TODAY)
    assert needs_goal_conversation(mentor(last_worked=date(2026, 5, 25)), TODAY)
    assert not needs_goal_conversation(mentor(last_worked=date(2026, 5, 26)), TODAY)
    talked = mentor(last_worked=date(2025, 1, 1), touchpoints=[Touchpoint(day=date(2026, 10, 1))])
    assert not needs_goal_conversation(talked, TODAY)


def test_backup_suggestions_cover_declined_letters_and_unavailable_writers_until_handled():
    away = mentor(id="away", name="Away", unavailable=True)
    people = [
        mentor(id="no", name="Said no"),
        away,
        mentor(id="free", name="Free"),
        mentor(id="w", name="Writing"),
    ]
    letters = [
        LetterRequest(id="l-no", mentor_id="no", application_id="im", status="declined"),
        LetterRequest(id="l-away", mentor_id="away", application_id="im", status="agreed"),
        LetterRequest(id="l-w", mentor_id="w", application_id="im", status="asked"),
        LetterRequest(id="l-other-app", mentor_id="no", application_id="em", status="declined"),
    ]
    slots = backup_suggestions(IM, people, letters, today=TODAY)
    assert [(letter.id, writer.id, pick[0].id) for letter, writer, pick in slots] == [
        ("l-no", "no", "free"),
        ("l-away", "away", "free"),
    ]
    assert [backup_reason(letter) for letter, _, _ in slots] == ["declined", "is unavailable this cycle"]
    assert [s[0].id for s in backup_suggestions(IM, people, letters, today=TODAY, handled=["l-no"])] == ["l-away"]
    assert [r.id for r in active_letters(letters, "im")] == ["l-away", "l-w"]


def test_no_goal_conversation_nudge_once_the_writer_has_been_asked():
    quiet = mentor(id="q", last_worked=None)
    planned = LetterRequest(mentor_id="q", application_id="im", status="planned")
    assert needs_goal_conversation(quiet, TODAY, [planned])
    for status in ("asked", "agreed", "declined", "submitted"):
        assert not needs_goal_conversation(quiet, TODAY, [planned.model_copy(update={"status": status})])
    someone_else = LetterRequest(mentor_id="x", application_id="im", status="asked")
    assert needs_goal_conversation(quiet, TODAY, [someone_else])
