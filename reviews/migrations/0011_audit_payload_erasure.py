"""The audit log stays append-only, with one exception: retention may erase a payload.

An UPDATE is allowed only when it empties ``data`` and sets ``payload_erased``, leaving every
other column, the payload's digest and the hashes, as they were; so the chain still verifies.
"""

from django.db import migrations

ALLOW_ERASURE = """
CREATE OR REPLACE FUNCTION reviews_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.payload_erased AND NOT OLD.payload_erased
       AND NEW.data = '{}'::jsonb
       AND (NEW.id, NEW.sequence, NEW.occurred_at, NEW.actor_id, NEW.actor_role, NEW.action, NEW.object_type,
            NEW.object_id, NEW.subject_id, NEW.correlation_id, NEW.data_hash, NEW.prev_hash, NEW.hash)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.sequence, OLD.occurred_at, OLD.actor_id, OLD.actor_role, OLD.action, OLD.object_type,
            OLD.object_id, OLD.subject_id, OLD.correlation_id, OLD.data_hash, OLD.prev_hash, OLD.hash) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'reviews_auditevent is append-only: %% is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION reviews_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'reviews_auditevent is append-only: %% is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def allow_erasure(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW_ERASURE)


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0010_sampling_and_call_import")]

    operations = [migrations.RunPython(allow_erasure, append_only)]
