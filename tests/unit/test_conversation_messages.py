"""A chat's or e-mail's messages: a moment and a side each, in time order, every problem named by its line."""

from reviews.domain.transcripts import Segment, json_lines, read_messages


def test_messages_in_order_with_shared_moments_become_segments_without_an_end():
    messages, problems = read_messages(
        [
            {"time": 0, "side": "customer", "text": " Hallo "},
            {"time": 0, "side": "agent", "text": "Goedemiddag"},
            {"time": "12.5", "side": "customer", "text": "Een vraag."},
        ],
        duration_seconds=60,
    )
    assert problems == {}
    assert messages == [
        Segment(0, None, "customer", "Hallo"),
        Segment(0, None, "agent", "Goedemiddag"),
        Segment(12_500, None, "customer", "Een vraag."),
    ]


def test_every_faulty_line_is_named_and_a_blank_line_is_skipped():
    text = "\n".join(
        [
            '{"time": 10, "side": "agent", "text": "Eerst."}',
            "",
            '{"time": 5, "side": "agent", "text": "Eerder dan het vorige."}',
            '{"time": 70, "side": "agent", "text": "Na het einde."}',
            '{"time": 20, "side": "caller", "text": ""}',
            "geen json",
            '{"time": true, "side": "agent", "text": "x", "end": 3}',
        ]
    )
    messages, problems = read_messages(json_lines(text), duration_seconds=60)
    assert [m.text for m in messages] == ["Eerst."]
    assert set(problems) == {"line 3", "line 4", "line 5", "line 6", "line 7"}
    assert problems["line 3"][0].template.startswith("The message comes at %(time)s s, before the previous one")
    assert len(problems["line 5"]) == 2  # the side and the empty text
    assert any("Unknown fields" in p for p in problems["line 7"])


def test_an_empty_conversation_is_refused():
    assert read_messages([], duration_seconds=60)[1] == {"segments": ["The conversation holds no messages."]}
