"""The benchmark: its class-scale plan is a valid, varied plan; every page opens on it and its long lists keep
their inputs in lazy panels that open on demand; `python -m tools.bench` reports the documented keys.

No test here asserts a timing: the machine is shared and timings vary.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from plan_dates import TODAY
from streamlit.testing.v1 import AppTest

from lor.example import load_example
from lor.lifecycle import DATE_FIELDS
from lor.models import Application
from lor.store import Store, parse_backup
from tools import bench
from tools.bench import PAGES
from tools.class_plan import CLASS_SCALE, class_scale_document

ROOT = Path(__file__).resolve().parent.parent
LIFE_ORDER = ["asked_on", "agreed_on", "packet_sent_on", "submitted_on", "thanked_on", "updated_on"]


@pytest.fixture(scope="module")
def plan() -> dict:
    return parse_backup(class_scale_document(TODAY))


def test_the_class_scale_plan_is_a_valid_backup_of_the_documented_size(plan):
    assert len(plan["mentors"]) == CLASS_SCALE["mentors"] == 28
    assert len(plan["applications"]) == CLASS_SCALE["applications"] == 8
    assert len(plan["letters"]) == CLASS_SCALE["letters"] == 46
    assert sum(len(a.programs) for a in plan["applications"]) == CLASS_SCALE["programs"] == 40
    assert class_scale_document(TODAY) == class_scale_document(TODAY)  # deterministic


def test_the_class_scale_plan_has_the_variety_of_a_real_class(plan):
    apps = plan["applications"]
    assert {"residency", "fellowship", "research", "scholarship", "job"} <= {a.pathway for a in apps}
    specialties = {a.specialty for a in apps} & {m.specialty for m in plan["mentors"]}
    assert {"emergency_medicine", "obstetrics_gynecology", "orthopaedic_surgery"} <= specialties
    assert {"sloe", "eslor", "chair"} <= {r.letter_type for r in plan["letters"]}
    statuses = Counter(r.status for r in plan["letters"])
    assert set(statuses) == set(DATE_FIELDS) | {"planned"}  # every status of a letter's life
    deadlines = sorted(a.deadline for a in apps)
    assert deadlines[0] < TODAY and (deadlines[-1] - deadlines[0]).days > 2 * 365
    assert sum(bool(m.busy) for m in plan["mentors"]) > 15
    assert sum(bool(m.touchpoints) for m in plan["mentors"]) > 10


def test_every_letter_s_dates_follow_its_life_and_none_is_in_the_future(plan):
    for letter in plan["letters"]:
        days = [getattr(letter, field) for field in LIFE_ORDER if getattr(letter, field)]
        assert days == sorted(days), letter.id
        recorded = [getattr(letter, f) for f in DATE_FIELDS.values() if getattr(letter, f)]
        assert all(day <= TODAY for day in recorded), letter.id
        if letter.status != "planned":
            assert getattr(letter, DATE_FIELDS[letter.status]), f"{letter.id} is {letter.status} without its date"


def test_programs_take_only_their_own_live_letters_within_their_limit(plan):
    letters = {r.id: r for r in plan["letters"]}
    for app in plan["applications"]:
        for program in app.programs:
            assert len(program.assigned) <= program.max_letters
            for letter_id in program.assigned:
                assert letters[letter_id].application_id == app.id
                assert letters[letter_id].status not in ("declined", "withdrawn")


@pytest.fixture(scope="module")
def class_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("class") / "class.db"
    store = Store(db)
    store.import_json(store.default_workspace(), class_scale_document(TODAY))
    return db


@pytest.fixture
def open_class_page(class_db, monkeypatch):
    """Run app.py in AppTest on the class-scale plan and switch to pages/<name>.py."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LOR_DB", str(class_db))
    monkeypatch.setenv("LOR_TODAY", TODAY.isoformat())
    monkeypatch.delenv("LOR_SHARED", raising=False)

    def _open(name: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        if name != "dashboard":
            at.switch_page(f"pages/{name}.py")
            at.run()
        return at

    return _open


@pytest.mark.parametrize("name", PAGES)
def test_every_page_opens_on_the_class_scale_plan(open_class_page, name):
    at = open_class_page(name)
    assert not at.exception, at.exception
    assert at.title and at.title[0].value


@pytest.mark.parametrize("name", PAGES)
def test_every_page_opens_on_the_class_scale_plan_through_the_advisor_link(class_db, monkeypatch, name):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LOR_DB", str(class_db))
    monkeypatch.setenv("LOR_TODAY", TODAY.isoformat())
    monkeypatch.setenv("LOR_SHARED", "1")
    store = Store(class_db)
    edit, view = store.create_workspace()
    store.import_json(store.open(edit), class_scale_document(TODAY))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["view"] = view
    at.run()
    if name != "dashboard":
        at.switch_page(f"pages/{name}.py")
        at.run()
    assert not at.exception, at.exception
    assert any("read-only" in i.value for i in at.info)


def test_the_advisor_sees_every_application_s_writers_when_a_writer_appears_in_several(open_page):
    # Each writer's card is drawn once per application: the cards' panels must not clash.
    store = Store(os.environ["LOR_DB"])
    edit, view = store.create_workspace()
    ws = store.open(edit)
    load_example(ws, TODAY)
    ws.save_application(Application(id="a-fm", name="Family medicine residency", deadline=date(2027, 2, 1)))
    at = open_page("recommenders", example=False, shared=True, query={"view": view})
    assert not at.exception, at.exception
    assert [h.value for h in at.header] == [
        "Internal medicine \\(categorical\\)",
        "Preliminary medicine",
        "Family medicine residency",
    ]


def keys(widgets) -> set[str]:
    return {w.key for w in widgets if w.key}


def test_a_mentor_s_edit_inputs_wait_in_a_lazy_panel_that_opens_and_saves(open_class_page, class_db):
    at = open_class_page("recommenders")
    assert "mentor-m-001-name" not in keys(at.text_input)  # 28 mentors: closed panels draw no inputs
    at.session_state["mentor-m-001-edit"] = True  # what opening the panel does
    at.run()
    assert not at.exception, at.exception
    name = at.text_input(key="mentor-m-001-name")
    assert name.value == next(m.name for m in Store(class_db).default_workspace().mentors() if m.id == "m-001")
    at.number_input(key="mentor-m-001-weeks").set_value(30).run()
    saved = next(m for m in Store(class_db).default_workspace().mentors() if m.id == "m-001")
    assert saved.weeks_known == 30
    assert at.number_input(key="mentor-m-001-weeks").value == 30


def test_the_letters_page_draws_only_the_open_tab_and_the_open_application(open_class_page):
    at = open_class_page("letters")
    assert not [k for k in keys(at.button) if k.endswith("-open")]  # every application's cards are closed
    assert not [k for k in keys(at.checkbox) if k.startswith("assign-")]
    at.session_state["letters-a-02-cards"] = True
    at.run()
    opened = [k for k in keys(at.button) if k.endswith("-open")]
    em_letters = [r for r in parse_backup(class_scale_document(TODAY))["letters"] if r.application_id == "a-02"]
    assert len(opened) == len(em_letters) == 6  # the emergency medicine application's letters
    at.session_state["letters-tabs"] = "Assign to programs"
    at.run()
    assert not at.exception, at.exception
    assert [k for k in keys(at.checkbox) if k.startswith("assign-")]


def test_a_long_week_shows_the_first_steps_and_the_rest_on_demand(open_class_page):
    def steps(at) -> int:
        # Each step shows Done, a "Not yet" caption (a step that must wait for another), or the writer's answer to
        # record (They said yes / They said no: one step).
        done = [k for k in keys(at.button) if k.startswith("dash-done-") and not k.endswith("-no")]
        return len(done) + sum(c.value.startswith("Not yet:") for c in at.caption)

    at = open_class_page("dashboard")
    assert steps(at) == 12
    count = int(next(c.value for c in at.caption if "more step" in c.value).split()[0])
    at.session_state["dash-week-more"] = True
    at.run()
    assert steps(at) == 12 + count


def test_the_timeline_s_busy_period_settings_open_on_demand(open_class_page):
    at = open_class_page("timeline")
    assert "timeline-busy-july_transition" not in keys(at.toggle)
    at.session_state["timeline-busy-periods"] = True
    at.run()
    assert not at.exception, at.exception
    assert "timeline-busy-july_transition" in keys(at.toggle)


def test_the_bench_command_prints_one_json_document_of_the_measurements_asked_for():
    env = {k: v for k, v in os.environ.items() if k not in ("LOR_DB", "LOR_TODAY", "LOR_SHARED")}
    out = subprocess.run(
        [sys.executable, "-m", "tools.bench", "planner", "scoring", "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(out.stdout)
    assert set(result) == {"machine", "quick", "planner", "scoring"} and result["quick"] is True
    assert {"cpu_count", "load_average_at_start", "python", "streamlit"} <= set(result["machine"])
    assert {"calls", "seconds", "cpu_seconds", "per_call_ms", "meets_target"} <= set(result["planner"])
    assert result["planner"]["calls"] == bench.PLANNER_CALLS // 10
    assert {"calls", "seconds", "per_call_ms"} <= set(result["scoring"])


def test_an_unknown_measurement_is_refused_with_the_known_names():
    with pytest.raises(KeyError, match="known: planner, scoring, pages, desk, server_start"):
        bench.run(["nope"])


def test_the_page_measurement_reports_each_page_against_the_bare_floor(monkeypatch):
    # One page stands for all six (the full run measures every page with the same code).
    monkeypatch.setattr(bench, "only_pages", ("faq",))
    result = bench.pages(True)
    assert result["plan"] == CLASS_SCALE and result["reruns"] == 5 and "faq" in PAGES
    timings = {"median_ms", "p95_ms", "cpu_median_ms", "elements", "compile_ms", "load_average"}
    assert timings <= set(result["bare_page"])
    assert timings | {"ratio_to_bare", "meets_target", "after_edit_median_ms"} <= set(result["faq"])
    assert result["faq"]["elements"] > result["bare_page"]["elements"] >= 1
    assert result["faq"]["ratio_to_bare"] == round(result["faq"]["median_ms"] / result["bare_page"]["median_ms"], 1)


def test_a_server_start_is_timed_until_the_server_answers(tmp_path):
    bare = tmp_path / "bare.py"
    bare.write_text(bench.BARE_PAGE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("LOR_DB", "LOR_TODAY", "LOR_SHARED")}
    assert bench.server_start_seconds(str(bare), env, tmp_path) > 0


def test_the_desk_measurement_reports_the_desk_against_the_dashboard():
    result = bench.desk(True)
    assert result["students"] == 150 and result["reruns"] == 5
    for side in ("desk", "dashboard"):
        assert {"median_ms", "p95_ms", "cpu_median_ms", "elements"} <= result[side].keys()
    assert "after_edit_median_ms" in result["desk"]
    assert result["ratio_to_dashboard"] == round(result["desk"]["median_ms"] / result["dashboard"]["median_ms"], 2)


def test_a_long_list_of_writers_shows_the_best_twelve_and_everyone_with_a_letter_then_the_rest_on_request(
    open_class_page, class_db
):
    from plain_text import shown

    from lor.ui.views.recommenders import CARDS_SHOWN

    def cards(at) -> set[str]:
        return {shown(m.value).split("**")[1] for m in at.markdown if m.value.startswith("**") and "** · " in m.value}

    at = open_class_page("recommenders")
    ws = Store(class_db).default_workspace()
    app_id = at.selectbox(key="recommenders-application").value
    with_letter = {
        m.name
        for m in ws.mentors()
        if any(
            r.mentor_id == m.id and r.application_id == app_id and r.status not in ("declined", "withdrawn")
            for r in ws.letters()
        )
    }
    first = cards(at)
    assert with_letter <= first  # nobody the student asked is hidden
    assert CARDS_SHOWN <= len(first) < len(ws.mentors())
    more = next(b for b in at.button if b.key == f"recommenders-{app_id}-all-show")
    assert f"Show {len(ws.mentors()) - len(first)} more writers" in more.label
    more.click().run()
    assert not at.exception, at.exception
    assert cards(at) == {m.name for m in ws.mentors()}
