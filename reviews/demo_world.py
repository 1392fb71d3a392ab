"""The demo organisation's figures: its teams, names, error rates and why errors happen."""

from __future__ import annotations

import random

from accounts.models import EmploymentType
from reviews.models import RootCause

SEED = 20261130
MONTHS = 12
# (team, agents besides the personas); Team J stays below k on purpose.
TEAMS = [("Team A", 18), ("Team B", 18)] + [(f"Team {letter}", 24) for letter in "CDEFGHI"] + [("Team J", 8)]
FIRST = (  # noqa: SIM905
    "Daan Emma Noah Julia Sem Tess Lucas Sara Finn Nora Milan Lotte Levi Fenna Bram Eva Thijs Roos Jesse Lina "
    "Mohamed Fatima Yusuf Sanne"
).split()
LAST = (  # noqa: SIM905
    "Jansen Visser Smit Meijer Mulder Bos Vos Peters Hendriks Dekker Brouwer Dijkstra Kok Jacobs Vermeulen "
    "Willems Yilmaz Amrani Kaya Ouali Schouten Kuipers Prins Maas"
).split()
ERROR_RATE: dict[str, float] = {
    EmploymentType.TEMP_AGENCY: 0.3,
    EmploymentType.FIXED_TERM: 0.14,
    EmploymentType.PERMANENT: 0.1,
}
ERROR_TYPES = [
    ("UNREPORTED_SIGNAL", 45),
    ("WRONG_BENEFIT_INFORMATION", 35),
    ("PRIVACY_BREACH", 10),
    ("DISRESPECTFUL_CONDUCT", 10),
]
NOTES = {
    "UNREPORTED_SIGNAL": "Beller noemde inkomsten naast de uitkering; niet gemeld.",
    "WRONG_BENEFIT_INFORMATION": "Onjuiste ingangsdatum van de uitkering genoemd.",
    "PRIVACY_BREACH": "Gegevens besproken voordat de identiteit was vastgesteld.",
    "DISRESPECTFUL_CONDUCT": "Beller onderbroken en afgekapt.",
}


# Why errors happen here: mostly knowledge and care, and time pressure where calls were cut short.
CAUSE_WEIGHTS = [("KNOWLEDGE_GAP", 4), ("CARELESSNESS", 3), ("UNCLEAR_POLICY", 2), ("SYSTEM_OUTAGE", 1)]


def cause_for(causes: dict[str, RootCause], rng: random.Random, handle_time_seconds: int) -> RootCause | None:
    weights = [*CAUSE_WEIGHTS, ("TIME_PRESSURE", 6 if handle_time_seconds < 340 else 1)]
    code = rng.choices([c for c, _ in weights], [w for _, w in weights])[0]
    return causes.get(code)
