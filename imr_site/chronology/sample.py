"""Large, realistic, entirely fictional chronologies for tests and benchmarks.

The entries look like a real agency's: several teams, a mix of contact types, most with a time,
some same-day entries ordered by ``seq``, a few key episodes, multi-line notes, record references
and the occasional imprecise date. The same seed always gives the same chronology.
"""

from __future__ import annotations

import datetime as dt
import random

SOURCES = (
    "GP practice",
    "Adult Social Care",
    "Community Mental Health Team",
    "District Nursing",
    "Police",
    "Ambulance Service",
    "Emergency Department",
    "Housing Options",
    "Substance Misuse Service",
)
CONTACT_TYPES = (
    "Home visit",
    "Telephone call",
    "Clinic appointment",
    "Letter",
    "Email",
    "Multi-agency meeting",
    "Safeguarding concern",
    "Hospital attendance",
    "Did not attend",
)
WITH = (
    "Adult A",
    "Adult A and daughter (D1)",
    "Daughter (D1)",
    "Neighbour (N1)",
    "Care agency (CA1)",
    "GP1",
    "Social worker SW1",
    "Landlord",
    "Adult A's son (S1)",
)
EVENTS = (
    "Adult A seen at home; appeared {mood} and said they were {state}.",
    "Telephone call from {who} reporting that Adult A had {concern}.",
    "Review of medication; {med} prescribed for {weeks} weeks.",
    "Appointment not attended; letter sent offering a new date.",
    "Safeguarding concern raised about {concern}.",
    "Multi-agency meeting to discuss {concern}; {n} agencies attended.",
    "Ambulance called after Adult A {incident}; conveyed to the Emergency Department.",
    "Care and support needs assessment started under s9 Care Act 2014.",
    'Adult A declined the offer of {offer}, saying "I\'m managing, thank you".',
    "Housing officer visited about rent arrears of £{money}; property found {home}.",
)
MOODS = ("low in mood", "cheerful", "tired", "anxious", "unkempt", "well presented")
STATES = ("coping", "not eating well", "lonely", "worried about money", "in pain")
CONCERNS = (
    "self-neglect",
    "unexplained bruising",
    "a fall at home",
    "missed medication",
    "financial exploitation by an acquaintance",
    "the state of the property",
)
INCIDENTS = ("fell in the kitchen", "was found confused in the street", "reported chest pain")
OFFERS = ("a care package", "a day centre place", "a referral to the falls team", "respite care")
HOMES = ("cluttered", "cold, with no heating", "clean and tidy", "in poor repair")
ACTIONS = (
    "Referral made to Adult Social Care.",
    "Follow-up visit booked for next week.",
    "Information shared with the GP.",
    "No further action recorded.",
    "Safeguarding enquiry (s42) opened.",
    "Leaflet given about local support groups.",
    "Case discussed with the team manager.",
)
DECISIONS = (
    "Case kept open for monitoring.",
    "Case closed.",
    "Adult A assessed as having capacity to make this decision.",
    "Threshold for s42 enquiry not met.",
    "Escalated to the safeguarding lead.",
)
COMMENTS = (
    "Opportunity to explore the adult's wishes was missed.",
    "Good practice: the worker checked understanding and recorded the adult's own words.",
    "No record that the concern was shared with other agencies.\nSee analysis, question 3.",
    "Capacity was assumed rather than assessed.",
)


def generate_entries(
    n: int,
    start: dt.date = dt.date(2022, 1, 1),
    end: dt.date = dt.date(2024, 12, 31),
    seed: int = 1,
) -> list[dict]:
    """``n`` chronology entries dated within [start, end], in date order, as plain dicts."""
    rng = random.Random(seed)
    span = (end - start).days + 1
    days = sorted(rng.randrange(span) for _ in range(n))
    out: list[dict] = []
    prev_day, seq = None, 0
    for i, offset in enumerate(days):
        day = start + dt.timedelta(days=offset)
        e: dict = {}
        r = rng.random()
        if r < 0.01:
            e["date"] = day.strftime("%Y-%m")
        elif r < 0.02:
            e["date"] = "?" + day.isoformat()
        else:
            e["date"] = day.isoformat()
        if rng.random() < 0.7:
            e["time"] = f"{rng.randint(7, 21):02d}:{rng.choice((0, 10, 15, 20, 30, 45, 50)):02d}"
        elif day == prev_day:
            seq += 1
            e["seq"] = seq
        else:
            seq = 1
        prev_day = day
        e["source"] = rng.choice(SOURCES)
        e["contact_with"] = rng.choice(WITH)
        e["contact_type"] = rng.choice(CONTACT_TYPES)
        e["event"] = rng.choice(EVENTS).format(
            mood=rng.choice(MOODS),
            state=rng.choice(STATES),
            who=rng.choice(WITH),
            concern=rng.choice(CONCERNS),
            med=rng.choice(("sertraline", "paracetamol", "antibiotics")),
            weeks=rng.randint(1, 12),
            n=rng.randint(2, 6),
            incident=rng.choice(INCIDENTS),
            offer=rng.choice(OFFERS),
            money=rng.randint(50, 2500),
            home=rng.choice(HOMES),
        )
        if rng.random() < 0.8:
            e["action"] = rng.choice(ACTIONS)
        if rng.random() < 0.6:
            e["decision"] = rng.choice(DECISIONS)
        if rng.random() < 0.03:
            e["key_episode"] = True
        if rng.random() < 0.25:
            e["comment"] = rng.choice(COMMENTS)
        if rng.random() < 0.5:
            e["references"] = f"{e['source'].split()[0].upper()}-{100000 + i}"
        out.append(e)
    # In date order, as an author's file would be: times first within a day, then untimed
    # entries by their sequence number.
    out.sort(key=lambda e: (e["date"].lstrip("?")[:10], e.get("time", "99:99"), e.get("seq", 0)))
    return out
