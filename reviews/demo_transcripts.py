"""The demo's transcripts: Dutch conversations beside three recordings, so search and the
transcript panel have something to show (the recordings themselves are tones)."""

from __future__ import annotations

from accounts.models import User
from reviews.domain.transcripts import read_segments
from reviews.models import Call, TranscriptSegment
from reviews.services.transcripts import call_transcript_replace

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


def seed_transcripts(*, calls: dict[str, Call], supervisor: User) -> None:
    for external_id, lines in CONVERSATIONS.items():
        call = calls[external_id]
        if TranscriptSegment.objects.filter(call=call).exists():
            continue
        items = [{"start": s, "end": e, "speaker": who, "text": text} for s, e, who, text in lines]
        segments, problems = read_segments(items, duration_seconds=call.handle_time_seconds)
        call_transcript_replace(call=call, segments=segments, problems=dict(problems), acting_user=supervisor)
