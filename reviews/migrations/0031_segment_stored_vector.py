from django.db import migrations

# Every line's Dutch vector, computed once when the line is written and kept beside it, instead of
# at every search: a search that walks the newest calls then checks each line cheaply, and the GIN
# index is built on the stored vector (bench/RESULTS.md, transcript search). PostgreSQL only; the
# column is not part of the model (reviews.selectors.transcripts.DutchVector names it).
INDEX = "reviews_segment_text_dutch"


def store_vectors(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE reviews_transcriptsegment ADD COLUMN text_dutch tsvector"
            " GENERATED ALWAYS AS (to_tsvector('dutch', text)) STORED"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(f"CREATE INDEX {INDEX} ON reviews_transcriptsegment USING gin (text_dutch)")


def compute_vectors(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute("ALTER TABLE reviews_transcriptsegment DROP COLUMN text_dutch")
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON reviews_transcriptsegment USING gin (to_tsvector('dutch', text))"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0030_conversation_messages"),
    ]

    operations = [migrations.RunPython(store_vectors, compute_vectors)]
