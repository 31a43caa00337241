"""A class-scale plan for the benchmark, the load test and the class-scale page tests: a deterministic backup
document (28 mentors, 8 applications, 46 letters, 40 programs) with the variety of a real class, within
the app's plan limits (lor.limits.PLAN_LIMITS)."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

TODAY = date(2026, 11, 25)

CLASS_SCALE = {"mentors": 28, "applications": 8, "letters": 46, "programs": 40}
_FIRST = ["Ana", "Ben", "Carla", "David", "Eun", "Farah", "Gabriel", "Hana", "Ivan", "Jia", "Kwame", "Lena"]
_LAST = ["Abbott", "Bauer", "Castillo", "Dang", "Eze", "Fischer", "Gupta", "Haddad", "Ito", "Jensen", "Kowalski"]
# (specialty, how many mentors): the specialties a class applies in, EM / OB/GYN / ortho included.
_MENTOR_SPECIALTIES = [
    ("internal_medicine", 5),
    ("emergency_medicine", 4),
    ("obstetrics_gynecology", 3),
    ("orthopaedic_surgery", 3),
    ("general_surgery", 2),
    ("pediatrics", 2),
    ("psychiatry", 2),
    ("family_medicine", 2),
    ("cardiology", 2),
    ("neurology", 1),
    (None, 2),  # science and humanities faculty, supervisors
]
_CLINICAL_ROLES = ["attending"] * 6 + ["clerkship_director", "program_director", "division_chief", "department_chair"]
_OTHER_ROLES = ["science_faculty", "non_science_faculty", "research_mentor", "supervisor", "committee", "resident"]
_OBSERVED = [
    "Presented new admissions on rounds",
    "Led a family meeting",
    "Taught the team about sepsis",
    "Ran the night admissions",
    "Wrote a case report with them",
    "Presented at journal club",
    "Scrubbed in on complex cases",
    "Built a quality-improvement dashboard",
    "Followed a clinic panel for six months",
    "Coordinated a free-clinic shift",
]
# (name, pathway, specialty, portal, days from today to the letters' deadline, letters, programs)
_APPLICATIONS = [
    ("Internal medicine residency (last cycle)", "residency", "internal_medicine", "ERAS", -80, 8, 10),
    ("Emergency medicine residency", "residency", "emergency_medicine", "ERAS", 20, 6, 10),
    ("OB/GYN residency", "residency", "obstetrics_gynecology", "ResidencyCAS", 45, 6, 8),
    ("Orthopaedic surgery residency", "residency", "orthopaedic_surgery", "ERAS", 60, 6, 8),
    ("Cardiology fellowship", "fellowship", "cardiology", "ERAS", 700, 5, 4),
    ("Summer research program", "research", "internal_medicine", "Interfolio", 30, 5, 0),
    ("Humanism in medicine scholarship", "scholarship", None, "other", 10, 5, 0),
    ("Hospitalist position", "job", "internal_medicine", "other", 1000, 5, 0),
]
_CITIES = ["Riverside", "Lakeshore", "Hillcrest", "Bayview", "Northfield", "Cedar Valley", "Portside", "Summit"]
_SPECIAL_TYPES = {"emergency_medicine": "sloe", "obstetrics_gynecology": "sloe", "orthopaedic_surgery": "eslor"}


def _status_for(rng: random.Random, days_to_deadline: int) -> str:
    """A status that fits how far the deadline is: the whole life cycle appears across the plan."""
    if days_to_deadline < 0:
        choices = {"thanked": 35, "updated": 20, "submitted": 20, "declined": 10, "withdrawn": 5, "packet_sent": 10}
    elif days_to_deadline <= 60:
        choices = {"planned": 10, "asked": 20, "agreed": 20, "packet_sent": 20, "submitted": 20, "declined": 10}
    elif days_to_deadline <= 200:
        choices = {"planned": 40, "asked": 25, "agreed": 20, "packet_sent": 10, "declined": 5}
    else:
        choices = {"planned": 85, "asked": 10, "withdrawn": 5}
    return rng.choices(list(choices), weights=list(choices.values()))[0]


def _letter_dates(rng: random.Random, status: str, deadline: date, today: date) -> dict[str, date]:
    """The dates a letter in ``status`` has recorded: in life-cycle order, none after today."""
    if status == "planned":
        return {}
    if deadline < today:
        asked = deadline - timedelta(days=rng.randint(60, 90))
    else:
        asked = max(today - timedelta(days=rng.randint(3, 50)), deadline - timedelta(days=100))
    asked = min(asked, today - timedelta(days=1))
    path = ["asked_on"]
    if status == "declined":
        path.append("declined_on")
    elif status == "withdrawn":
        path.append("withdrawn_on")
    else:
        steps = ["agreed_on", "packet_sent_on", "submitted_on", "thanked_on", "updated_on"]
        rank = {"asked": 0, "agreed": 1, "packet_sent": 2, "submitted": 3, "thanked": 4, "updated": 5}[status]
        path += steps[:rank]
    out, day = {}, asked
    for step in path:
        if step == "updated_on":
            day = max(day, deadline) + timedelta(days=rng.randint(30, 90))
        elif step != "asked_on":
            day += timedelta(days=rng.randint(1, 6))
        out[step] = min(day, today)
        day = out[step]
    return out


def class_scale_document(today: date = TODAY) -> str:
    """A deterministic class-scale plan as a backup document (28 mentors, 8 applications, 46 letters,
    40 programs, deadlines over three years around ``today``): every pathway a class uses, EM / OB/GYN /
    ortho letters, letters at every stage of their life, writers' busy weeks and touchpoints."""
    rng = random.Random(2026)
    mentors: list[dict[str, Any]] = []
    names = iter(f"Dr. {first} {last}" for last in _LAST for first in _FIRST)
    for specialty, count in _MENTOR_SPECIALTIES:
        for _ in range(count):
            n = len(mentors) + 1
            name = next(names)
            role = rng.choice(_CLINICAL_ROLES if specialty else _OTHER_ROLES)
            busy = []
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                start = today + timedelta(days=rng.randint(-60, 3 * 365))
                kind = rng.choice([("On service: wards", 13), ("Vacation", 6), ("Conference", 3)])
                busy.append(
                    {
                        "name": kind[0],
                        "start": start.isoformat(),
                        "end": (start + timedelta(days=kind[1])).isoformat(),
                        "severity": rng.choice(["avoid", "avoid", "caution"]),
                        "who": name,
                        "source": "their email",
                    }
                )
            touchpoints = [
                {
                    "day": (today - timedelta(days=rng.randint(5, 700))).isoformat(),
                    "kind": rng.choice(["feedback", "check_in", "update", "meeting"]),
                    "note": "Talked about my plans",
                }
                for _ in range(rng.choice([0, 0, 1, 2, 4]))
            ]
            last_worked = today - timedelta(days=rng.randint(10, 900))
            mentors.append(
                {
                    "id": f"m-{n:03d}",
                    "name": name,
                    "email": f"mentor{n}@med.example.edu",
                    "role": role,
                    "specialty": specialty,
                    "setting": rng.choice(["rotation", "longitudinal", "clinic"] if specialty else ["lab", "course"]),
                    "weeks_known": rng.choice([1, 2, 4, 6, 8, 12, 24, 40]),
                    "one_on_one": rng.choice(["none", "some", "some", "frequent"]),
                    "performance": rng.choice(["outstanding", "outstanding", "strong", "strong", "average"]),
                    "observed": rng.sample(_OBSERVED, rng.randint(0, 5)),
                    "last_worked": None if n % 11 == 0 else last_worked.isoformat(),
                    "busy": busy,
                    "touchpoints": touchpoints,
                    "title": "Professor" if role == "department_chair" else "",
                    "unavailable": n % 20 == 0,
                }
            )

    applications: list[dict[str, Any]] = []
    letters: list[dict[str, Any]] = []
    for i, (name, pathway, specialty, portal, days, count, programs) in enumerate(_APPLICATIONS, start=1):
        deadline = today + timedelta(days=days)
        app_id = f"a-{i:02d}"

        # Writers in the application's field first, then anyone: the way a student fills a list.
        def writers_first(m: dict[str, Any], s: str | None = specialty) -> tuple[bool, float]:
            return (m["specialty"] != s, rng.random())

        pool = sorted(mentors, key=writers_first)
        app_letters = []
        for j, mentor in enumerate(pool[:count]):
            status = _status_for(rng, days)
            letter_type = "narrative"
            if j < 2 and mentor["specialty"] == specialty and specialty in _SPECIAL_TYPES:
                letter_type = _SPECIAL_TYPES[specialty]
            elif mentor["role"] == "department_chair" and pathway == "residency":
                letter_type = "chair"
            elif mentor["role"] == "committee":
                letter_type = "committee"
            letter: dict[str, Any] = {
                "id": f"l-{len(letters) + 1:03d}",
                "mentor_id": mentor["id"],
                "application_id": app_id,
                "letter_type": letter_type,
                "status": status,
                **{k: v.isoformat() for k, v in _letter_dates(rng, status, deadline, today).items()},
            }
            if status not in ("planned", "asked", "declined", "withdrawn"):
                letter["packet"] = {item: True for item in ("cv", "personal_statement", "letter_purpose")}
                letter["brag_sheet"] = rng.sample(_OBSERVED, rng.randint(3, 6))
                letter["waived"] = rng.random() > 0.1
                if portal in ("ERAS", "ResidencyCAS"):
                    letter["letter_id"] = f"LR-{len(letters) + 1:04d}"
            elif status == "asked" and rng.random() < 0.5:
                letter["waived"] = True
            if rng.random() < 0.15 and deadline > today:
                letter["due"] = (deadline - timedelta(days=7)).isoformat()
            letters.append(letter)
            app_letters.append(letter)
        assignable = [x["id"] for x in app_letters if x["status"] not in ("declined", "withdrawn")]
        application = {
            "id": app_id,
            "name": name,
            "pathway": pathway,
            "specialty": specialty,
            "portal": portal,
            "deadline": deadline.isoformat(),
            "academic": i % 3 == 0,
            "programs": [
                {
                    "name": f"{_CITIES[(i + p) % len(_CITIES)]} Program {p + 1}",
                    "deadline": (deadline + timedelta(days=7 * p)).isoformat() if p % 2 == 0 else None,
                    "max_letters": 4,
                    "required_types": [_SPECIAL_TYPES[specialty]] if specialty in _SPECIAL_TYPES and p == 0 else [],
                    "assigned": rng.sample(assignable, min(len(assignable), rng.randint(0, 4))),
                }
                for p in range(programs)
            ],
        }
        applications.append(application)

    doc = {
        "schema": 1,
        "app": "lor-planner",
        "student": {
            "name": "Avery Chen",
            "email": "avery.chen@student.example.edu",
            "school": "Riverside School of Medicine",
            "graduation_year": today.year + 1,
            "target_specialty": "emergency_medicine",
        },
        "mentors": mentors,
        "applications": applications,
        "letters": letters,
        "settings": {
            "busy": {
                "disabled": ["acgme_aec"],
                "moved": {},
                "custom": [
                    {
                        "name": "Department retreat",
                        "start": (today + timedelta(days=40)).isoformat(),
                        "end": (today + timedelta(days=42)).isoformat(),
                        "severity": "avoid",
                        "who": "everyone",
                        "source": "Added by you",
                    }
                ],
            },
            "buffer_days": 7,
        },
    }
    return json.dumps(doc, indent=2, sort_keys=True)
