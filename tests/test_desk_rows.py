"""The desk's row per advisee (lor.desk): counts from the plan's Overview, sorted by need, filters, CSV; and the
per-session limit on join attempts."""

import csv
import io
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from plan_dates import TODAY

from lor.desk import (
    DESK_COLUMNS,
    STATUSES,
    DeskRow,
    Reason,
    by_need,
    choices,
    desk_csv,
    desk_names,
    desk_row,
    filter_by_status,
    filter_rows,
    log_lines,
    table_rows,
)
from lor.joincodes import JOIN_ALPHABET, JoinAttempts, format_join_code, join_code_for, normalize_join_code
from lor.models import LetterRequest, Mentor
from lor.overview import overview_of
from lor.report import desk_report_html
from lor.store import DeskEvent
from tools.advisees import add_advisee


def _row(name, *, overdue=0, missing=0, silent=0, due=None, pathways=("residency",), specialties=(), planned=3, **kw):
    reasons = [Reason(3, f"step {i}") for i in range(overdue + missing)] + [Reason(2, "silent")] * silent
    return DeskRow(
        plan_id=name,
        name=name,
        applications=1,
        nearest_due=due,
        nearest_due_application="",
        letters_in=0,
        letters_needed=3,
        overdue_steps=overdue,
        missing_required=missing,
        missing_messages=(),
        silent_writers=silent,
        last_change=kw.pop("last_change", None),
        pathways=frozenset(pathways),
        specialties=frozenset(specialties),
        today=TODAY,
        letters_planned=planned,
        reasons=tuple(reasons),
        **kw,
    )


def test_the_example_plan_row_matches_its_dashboard(example_ws):
    ov = overview_of(example_ws, TODAY)
    row = desk_row(ov, plan_id=example_ws.id, last_change="2026-11-20T10:00:00+00:00")
    overdue = [m for m in ov.milestones if not m.done and (m.overdue or m.day < TODAY)]
    failing = [c.message for a in ov.applications for c in ov.mixes[a.id].checks if c.required and not c.ok]
    assert row.name == ov.student.name
    assert row.applications == 2 and row.nearest_due == ov.applications[0].deadline
    assert row.overdue_steps == len(overdue) == 1  # Dr. Raman's packet (the asked writer's is waiting, not late)
    # The programs' unmet requirements fail here as on the Dashboard: one source (lor.mix.program_gaps).
    assert row.missing_required == len(failing) == 3
    assert row.missing_messages == (
        "Riverside University IM Residency requires an IM SEL (departmental letter), and none is assigned.",
        "Lakeshore Community IM Program: 0 of 4 letters assigned. A program sees only the letters assigned to it.",
        "Harbor Preliminary Medicine Program: 0 of 4 letters assigned. A program sees only the letters assigned to it.",
    )
    assert (row.letters_in, row.letters_needed, row.letters_planned) == (0, 3, 5)  # residency needs 3
    assert row.silent_writers == 0  # the one open ask is a week old
    assert row.last_change == date(2026, 11, 20)
    assert row.status == "Needs help"
    texts = [r.text for r in row.reasons]
    assert texts[0].startswith("Send Dr. Priya Raman your packet: ") and texts[0].endswith(" days overdue")
    assert "Riverside University IM Residency requires an IM SEL, none assigned" in texts
    assert "Lakeshore Community IM Program: no letters assigned" in texts
    assert row.why == "; ".join(texts[:2])


def test_missing_required_letters_and_silent_writers_are_counted_once(store):
    _, ws = add_advisee(store, "Ben Ortiz", today=TODAY, state="missing_letters")  # an EM residency, id "em"
    ws.save_mentor(Mentor(id="m1", name="Dr. Quiet", specialty="internal_medicine"))
    ws.save_letter(
        LetterRequest(id="r1", mentor_id="m1", application_id="em", status="asked", asked_on=TODAY - timedelta(days=21))
    )
    row = desk_row(overview_of(ws, TODAY), plan_id=ws.id)
    ov = overview_of(ws, TODAY)
    failing = [c for c in ov.mixes["em"].checks if c.required and not c.ok]
    assert row.missing_required == len(failing) >= 2  # too few letters, none in EM, no SLOE
    assert set(row.missing_messages) == {c.message for c in failing}
    assert row.silent_writers == 1
    assert row.overdue_steps == 0  # "send your packet once Dr. Quiet says yes" waits on them: not overdue too
    assert "Dr. Quiet silent 21 days" in [r.text for r in row.reasons]
    assert row.letters_needed == 3  # what an EM residency needs, though the plan holds one letter
    assert row.pathways == {"residency"} and row.specialties == {"emergency_medicine"}


def test_a_plan_without_a_student_name_or_application_is_not_started(ws):
    row = desk_row(overview_of(ws, TODAY), plan_id="abcdef123456")
    assert row.name == "Unnamed student" and row.applications == 0 and row.nearest_due is None
    assert (row.status, row.why, row.needs_help) == ("Not started", "No application yet", True)


def test_an_application_without_a_letter_is_not_started(store):
    _, ws = add_advisee(store, "Ben Ortiz", today=TODAY, state="missing_letters")
    row = desk_row(overview_of(ws, TODAY), plan_id=ws.id)
    assert (row.status, row.why) == ("Not started", "No letter planned yet")


def test_a_plan_unchanged_for_a_month_reads_inactive_and_filters_as_such():
    quiet = _row("Quiet", last_change=TODAY - timedelta(days=40))
    busy = _row("Busy", last_change=TODAY - timedelta(days=3))
    assert (quiet.status, quiet.status_group, busy.status) == ("Inactive for 40 days", "Inactive", "On track")
    assert [r.name for r in by_need([busy, quiet])] == ["Quiet", "Busy"]
    rows = [busy, quiet, _row("Late", overdue=1), _row("New", planned=0)]
    assert [r.name for r in filter_by_status(rows, ["Inactive"])] == ["Quiet"]
    assert [r.name for r in filter_by_status(rows, ["Not started", "Needs help"])] == ["Late", "New"]
    assert filter_by_status(rows) == rows
    assert set(STATUSES) == {r.status_group for r in rows}


def test_rows_are_sorted_by_who_needs_help_first():
    rows = [
        _row("On track"),
        _row("Overdue", overdue=2),
        _row("Missing", missing=1),
        _row("Silent", silent=1),
        _row("Both", overdue=1, missing=2),
        _row("Due soon", due=TODAY + timedelta(days=5)),
    ]
    order = [r.name for r in by_need(rows)]
    assert order[:3] == ["Both", "Overdue", "Missing"]
    assert order.index("Silent") < order.index("Due soon") and order.index("Silent") < order.index("On track")


def test_a_problem_due_soon_outranks_a_bigger_one_due_in_nine_months():
    far = _row("Far", missing=2, due=TODAY + timedelta(days=282))
    near = _row("Near", overdue=1, due=TODAY + timedelta(days=44))
    assert [r.name for r in by_need([far, near])] == ["Near", "Far"]


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 3)), max_size=20))
def test_nobody_who_needs_help_sorts_below_someone_who_does_not(counts):
    rows = [_row(f"s{i}", overdue=o, missing=m, silent=s) for i, (o, m, s) in enumerate(counts)]
    flags = [r.needs_help for r in by_need(rows)]
    assert flags == sorted(flags, reverse=True)


def test_the_table_keeps_dates_as_dates_so_they_sort_as_dates():
    (cells,) = table_rows([_row("Ana", due=date(2027, 1, 20), last_change=date(2026, 11, 1))])
    assert cells["Nearest due"] == date(2027, 1, 20) and cells["Last change"] == date(2026, 11, 1)
    assert list(cells) == list(DESK_COLUMNS) and DESK_COLUMNS[:3] == ("Student", "Status", "Why")


def test_students_who_share_a_name_keep_their_number_by_join_order():
    rows = [_row("Eli Ng"), _row("Ana"), _row("eli ng")]
    rows = [r.__class__(**{**r.__dict__, "plan_id": f"p{i}"}) for i, r in enumerate(rows)]
    names = desk_names(rows)
    assert names == {"p0": "Eli Ng", "p1": "Ana", "p2": "eli ng (2)"}
    assert desk_names(rows) == names  # the same on every load, whatever order the table shows


def test_filters_by_application_type_and_specialty():
    rows = [
        _row("EM", specialties=("emergency_medicine",)),
        _row("IM", specialties=("internal_medicine",)),
        _row("Research", pathways=("research",), specialties=("internal_medicine",)),
    ]
    assert [r.name for r in filter_rows(rows, pathway="residency")] == ["EM", "IM"]
    assert [r.name for r in filter_rows(rows, specialty="internal_medicine")] == ["IM", "Research"]
    assert [r.name for r in filter_rows(rows, pathway="research", specialty="emergency_medicine")] == []
    assert filter_rows(rows) == rows
    assert choices(rows) == (["research", "residency"], ["emergency_medicine", "internal_medicine"])


def test_the_csv_has_one_row_per_student_in_the_given_order_and_is_spreadsheet_safe():
    rows = [_row("=HYPERLINK(1)", overdue=3), _row("Ana", missing=1, due=TODAY)]
    parsed = list(csv.reader(io.StringIO(desk_csv(rows))))
    assert tuple(parsed[0]) == (*DESK_COLUMNS, "Note")
    assert [r[0] for r in parsed[1:]] == ["'=HYPERLINK(1)", "Ana"]
    named = dict(zip((*DESK_COLUMNS, "Note"), parsed[2], strict=True))
    assert named["Missing required letters"] == "1" and named["Nearest due"] == TODAY.isoformat()
    assert named["Why"] == "step 0"
    renamed = list(csv.reader(io.StringIO(desk_csv(rows, names={"Ana": "Ana (2)"}, notes={"Ana": "=1+1 call her"}))))
    assert renamed[2][0] == "Ana (2)" and renamed[2][-1] == "'=1+1 call her"  # the advisor's note, made safe too


def test_the_desk_log_reads_as_sentences():
    events = [DeskEvent("2026-11-25T14:02:09+00:00", "p1", "Ana Ruiz", "removed"), DeskEvent("x", "p2", "Ben", "left")]
    assert log_lines(events) == ["Nov 25, 2026 14:02 UTC: Ana Ruiz was removed by an advisor", "x: Ben left the desk"]


def test_join_codes_are_stable_readable_and_differ_by_salt():
    code = join_code_for("token", "salt")
    assert code == join_code_for("token", "salt") != join_code_for("token", "salt2")
    assert len(code) == 8 and set(code) <= set(JOIN_ALPHABET)
    assert normalize_join_code(format_join_code(code).lower()) == code
    assert normalize_join_code("ABCD-234O") is None  # an O is never in a code
    assert normalize_join_code("ABC") is None


def test_join_attempts_are_limited_per_window():
    attempts = JoinAttempts(limit=3, window_s=60)
    for t in (0, 1, 2):
        assert attempts.wait_seconds(t) == 0
        attempts.record(t)
    assert attempts.wait_seconds(3) == 57
    assert attempts.wait_seconds(60) == 0  # the first one has aged out


def test_the_desk_report_lists_every_student_in_order_with_why_and_escapes_user_text():
    rows = by_need([_row("Ana", due=TODAY + timedelta(days=44)), _row("<b>Ben</b>", overdue=1), _row("Cal", planned=0)])
    html = desk_report_html(
        "Dr. Lee's <script>", rows, names={"Cal": "Cal (2)"}, notes={"Ana": "call <her>"}, today=TODAY
    )
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;Ben&lt;/b&gt;" in html
    assert "1 not started · 1 needs help · 1 on track" in html  # counted by status
    assert html.index("&lt;b&gt;Ben") < html.index("Ana") and "Cal (2)" in html
    assert "step 0" in html and "call &lt;her&gt;" in html and "Jan 8, 2027" in html


def test_nothing_started_due_in_two_months_outranks_a_long_overdue_plan_due_in_nine():
    late = _row("Late", overdue=4, missing=3, due=TODAY + timedelta(days=280))
    new = _row("New", planned=0, due=TODAY + timedelta(days=60))
    new = new.__class__(**{**new.__dict__, "reasons": (Reason(5, "No letter planned yet"),)})
    assert [r.name for r in by_need([late, new])] == ["New", "Late"]
