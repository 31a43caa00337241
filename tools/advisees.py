"""Advisees for the desk's tests, benchmark and screenshots: students' plans in known states, joined to a desk."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from lor.example import load_example
from lor.models import Application, Student
from lor.store import Store, Workspace


def add_advisee(
    store: Store,
    name: str,
    *,
    today: date,
    state: Literal["example", "missing_letters"] = "example",
    weeks: int = 0,
    code: str | None = None,
) -> tuple[str, Workspace]:
    """A new student's plan named ``name``; returns (private link token, workspace).

    ``example``: the example plan dated ``weeks`` from ``today`` (at 0: three overdue steps, one letter in of four,
    every required letter-mix check passing). ``missing_letters``: an EM residency with no letter yet (three
    required checks fail: three letters, one from EM, a SLOE; nothing overdue). With ``code`` it joins that desk.
    """
    edit, _ = store.create_workspace()
    ws = store.open(edit)
    if state == "missing_letters":
        ws.save_application(
            Application(
                id="em",
                name="Emergency medicine residency",
                pathway="residency",
                specialty="emergency_medicine",
                portal="ERAS",
                deadline=today + timedelta(days=60 + weeks * 7),
            )
        )
    else:
        load_example(ws, today + timedelta(weeks=weeks))
    ws.save_student(Student(name=name))
    if code:
        ws.join_desk(code)
    return edit, ws
