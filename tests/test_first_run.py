"""What a new student meets first: forms that start clean after every add (issue 13)."""

from __future__ import annotations

from datetime import date

from backends import saved

EM = "emergency_medicine"


def add_em_application(at):
    at.text_input(key="application-name").input("EM residency 2027")
    at.selectbox(key="application-specialty").set_value(EM)
    at.selectbox(key="application-portal").set_value("ResidencyCAS")
    at.date_input(key="application-deadline").set_value(date(2027, 2, 3))
    at.button(key="application-add").click().run()
    assert not at.exception, at.exception


def test_the_mentor_form_starts_clean_after_each_add(open_page):
    at = open_page("recommenders", example=False)
    add_em_application(at)
    at.text_input(key="mentor-name").input("Dr. A")
    at.selectbox(key="mentor-role").set_value("program_director")
    at.selectbox(key="mentor-setting").set_value("lab")
    at.number_input(key="mentor-weeks").set_value(50)
    at.selectbox(key="mentor-one-on-one").set_value("frequent")
    at.selectbox(key="mentor-performance").set_value("outstanding")
    at.date_input(key="mentor-last-worked").set_value(date(2026, 9, 15))
    at.button(key="mentor-add").click().run()
    assert not at.exception, at.exception

    # Every field shows its neutral default again.
    assert at.text_input(key="mentor-name").value == ""
    assert at.selectbox(key="mentor-role").value == "attending"
    assert at.selectbox(key="mentor-setting").value == "rotation"
    assert at.selectbox(key="mentor-performance").value is None
    assert at.date_input(key="mentor-last-worked").value is None

    at.text_input(key="mentor-name").input("Dr. B")
    at.selectbox(key="mentor-performance").set_value("average")
    at.button(key="mentor-add").click().run()
    b = next(m for m in saved().mentors() if m.name == "Dr. B")
    assert (b.role, b.setting, b.weeks_known, b.one_on_one, b.last_worked) == ("attending", "rotation", 4, "some", None)
    assert b.performance == "average"


def test_performance_is_never_assumed(open_page):
    at = open_page("recommenders", example=False)
    add_em_application(at)
    at.text_input(key="mentor-name").input("Dr. Only A Name")
    at.button(key="mentor-add").click().run()
    assert "Not added: Choose how you did in front of them under “Performance they saw”." in [e.value for e in at.error]
    assert saved().mentors() == []


def test_a_new_writer_defaults_to_the_new_applications_specialty(open_page):
    at = open_page("recommenders", example=False)
    add_em_application(at)
    assert at.selectbox(key="mentor-specialty").value == EM


def test_first_open_offers_clickable_first_steps_and_the_students_details(open_page):
    at = open_page("dashboard", example=False)
    links = at.get("page_link")
    assert [link.proto.page for link in links][:3] == ["recommenders", "recommenders", "letters"]
    at.text_input(key="student-name").input("Sam Lee")
    at.text_input(key="student-email").input("sam@example.edu")
    at.button(key="student-save").click().run()
    assert not at.exception, at.exception
    assert saved().student().name == "Sam Lee"
    assert [t.value for t in at.toast] == ["Saved your details\\."]
    assert any("first steps" in s.value for s in at.subheader)  # still the welcome: no application yet


def test_details_that_do_not_validate_are_refused_in_plain_words(open_page):
    at = open_page("dashboard", example=False)
    at.text_input(key="student-name").input("Sam Lee")
    at.text_input(key="student-email").input("not an email")
    at.button(key="student-save").click().run()
    assert any(e.value.startswith("Not saved:") for e in at.error)
    assert saved().student() is None
