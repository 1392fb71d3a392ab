"""The demo's transcripts: Dutch conversations beside three recordings, so search and the
transcript panel have something to show (the recordings themselves are tones), and a screening list
the works council consented to, which selected the calls it matched for a targeted review; and a
chat and an e-mail thread, scored like calls, with their messages."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from reviews.domain.transcripts import read_messages, read_segments
from reviews.models import Call, ScreeningList, TranscriptSegment
from reviews.services import screening, screening_lists
from reviews.services.calls import call_create
from reviews.services.transcripts import call_transcript_replace

SCREENING_PHRASES = ("samenwonen", "zwart werk", "bijverdiensten", "niet doorgegeven", "contant betaald")

# (start, end, speaker, text); the unreported signal in DEMO-AGENT_A1-1 is at 1:35 (95 s).
CONVERSATIONS: dict[str, list[tuple[float, float, str, str]]] = {
    "DEMO-AGENT_A1-1": [
        (0, 6, "agent", "Goedemorgen, u spreekt met de klantenservice. Waarmee kan ik u helpen?"),
        (6, 15, "caller", "Goedemorgen. Ik wil weten wanneer mijn uitkering deze maand wordt betaald."),
        (15, 24, "agent", "Dat zoek ik voor u op. Mag ik eerst uw geboortedatum en postcode?"),
        (24, 31, "caller", "Twaalf maart negentienzeventig, en de postcode is 1234 AB."),
        (31, 45, "agent", "Dank u. Ik zie dat de betaling rond de vijfentwintigste op uw rekening staat."),
        (45, 60, "caller", "Fijn. Het is wel krap deze maand, de huur is weer omhooggegaan."),
        (60, 80, "agent", "Dat begrijp ik. Heeft u vragen over toeslagen, dan kan ik u doorverwijzen."),
        (80, 95, "caller", "Nee hoor. Ik heb wel wat bijverdiensten met schoonmaken, contant, maar dat is weinig."),
        (95, 110, "agent", "Oké. Is er verder nog iets waarmee ik u kan helpen?"),
        (110, 118, "caller", "Nee, dat was het. Dank u wel."),
        (118, 124, "agent", "Graag gedaan, nog een fijne dag."),
    ],
    "DEMO-AGENT_A1-2": [
        (0, 7, "agent", "Goedemiddag, klantenservice, u spreekt met de medewerker. Wat kan ik voor u doen?"),
        (7, 20, "caller", "Mijn vriend komt bij mij wonen. Moet ik dat doorgeven, nu we gaan samenwonen?"),
        (
            20,
            38,
            "agent",
            "Ja, als u gaat samenwonen verandert uw situatie. Dat moet u doorgeven, ik zet het voor u door.",
        ),
        (38, 50, "caller", "Goed, en wat betekent dat voor mijn uitkering?"),
        (50, 72, "agent", "Er wordt opnieuw gekeken naar de hoogte. U krijgt daarover binnen vier weken een brief."),
        (72, 80, "caller", "Dank u, dat is duidelijk."),
    ],
    "DEMO-AGENT_B1-1": [
        (0, 8, "agent", "Goedendag, u spreekt met de klantenservice. Waarmee kan ik u helpen?"),
        (8, 22, "caller", "Ik heb een brief gekregen dat ik iets niet heb doorgegeven, maar ik snap niet wat."),
        (22, 40, "agent", "Ik kijk even mee. Het gaat om inkomsten uit werk in augustus die niet zijn doorgegeven."),
        (40, 55, "caller", "O, dat waren een paar avonden in de horeca. Dat wist ik niet."),
        (55, 80, "agent", "Ik noteer het en zet een melding door; u kunt het ook zelf online doorgeven."),
    ],
}


# Written conversations: (seconds from the start, side, text).
WRITTEN: dict[str, tuple[str, str, int, list[tuple[int, str, str]]]] = {
    "DEMO-CHAT-A1-1": (
        "agent_a1",
        "chat",
        540,
        [
            (0, "customer", "Hallo, ik heb een vraag over mijn toeslag."),
            (40, "agent", "Goedemiddag! Waarmee kan ik u helpen?"),
            (95, "customer", "Ik verhuur sinds kort een kamer en krijg daarvoor contant betaald. Moet dat ergens bij?"),
            (180, "agent", "Dank u dat u het noemt. Inkomsten uit verhuur geeft u door via Mijn Omgeving."),
            (300, "customer", "Oké, dat doe ik vanavond."),
            (420, "agent", "Ik heb er ook een notitie van gemaakt. Nog een fijne dag!"),
        ],
    ),
    "DEMO-MAIL-B1-1": (
        "agent_b1",
        "email",
        7200,
        [
            (0, "customer", "Geachte heer/mevrouw, mijn dochter is uitwonend geworden. Wat betekent dat voor mij?"),
            (5400, "agent", "Beste mevrouw, dank voor uw bericht. Uw dochter telt vanaf de verhuisdatum niet meer mee "
             "voor de kinderbijslag. Wilt u de datum doorgeven via het formulier Wijziging gezin?"),
            (7000, "customer", "Dank u, ik vul het formulier vandaag in."),
        ],
    ),
}  # fmt: skip


def _written(users: dict[str, User], anchor: dt.datetime) -> None:
    for external_id, (username, channel, seconds, lines) in WRITTEN.items():
        if Call.objects.filter(source=channel, external_id=external_id).exists():
            continue
        agent = users[username]
        call = call_create(
            external_id=external_id,
            agent=agent,
            started_at=anchor - dt.timedelta(days=2),
            handle_time_seconds=seconds,
            channel=channel,
            source=channel,
            acting_user=users["qa_lead"],
        )
        items = [{"time": at, "side": side, "text": text} for at, side, text in lines]
        messages, problems = read_messages(items, duration_seconds=seconds)
        call_transcript_replace(
            call=call, segments=messages, problems=dict(problems), messages=True, acting_user=users["qa_lead"]
        )


def _screening_list(qa_lead: User, council: User) -> None:
    """A list consented to and active before the transcripts arrive (a list screens only what comes after)."""
    if ScreeningList.objects.exists():
        return
    version = screening_lists.screening_list_create(
        name="Signalen van mogelijke regelovertreding",
        terms=screening_lists.ScreeningTerms(
            purpose="Gesprekken vinden waarin een beller iets zegt dat op een mogelijke regelovertreding kan wijzen, "
            "zodat een beoordelaar nagaat of de medewerker het signaal heeft gemeld.",
            phrases=SCREENING_PHRASES,
        ),
        acting_user=qa_lead,
    ).versions.get()
    screening_lists.screening_version_propose(version=version, acting_user=qa_lead)
    screening_lists.screening_version_decide_consent(
        version=version,
        decision="granted",
        reference="OR-besluit 2026-31",
        population="Alle medewerkers klantcontact",
        acting_user=council,
    )
    screening_lists.screening_version_activate(version=version, acting_user=qa_lead)


def seed_transcripts(*, calls: dict[str, Call], users: dict[str, User]) -> None:
    _screening_list(users["qa_lead"], users["council"])
    supervisor = users["qa_lead"]
    for external_id, lines in CONVERSATIONS.items():
        call = calls[external_id]
        if TranscriptSegment.objects.filter(call=call).exists():
            continue
        items = [{"start": s, "end": e, "speaker": who, "text": text} for s, e, who, text in lines]
        segments, problems = read_segments(items, duration_seconds=call.handle_time_seconds)
        call_transcript_replace(call=call, segments=segments, problems=dict(problems), acting_user=supervisor)
    _written(users, min(call.started_at for call in calls.values()))
    screening.screening_run_due()
