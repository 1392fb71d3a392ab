"""The audit trail proves its own completeness.

- A payload may be erased only once its row is older than the audit-payload retention period
  (fixed here, from RETENTION_AUDIT_PAYLOADS_DAYS when this migration runs), and only to empty
  content: every other column, the payload's digest and the hashes stay as they were.
- TRUNCATE is refused, except for a superuser (the database's owner in an emergency, and the test
  suite's own clean-up); the application's role needs no such right.
"""

from django.conf import settings
from django.db import migrations

ERASURE_AND_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION reviews_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.payload_erased AND NOT OLD.payload_erased
       AND NEW.data = '{}'::jsonb
       AND OLD.occurred_at < now() - make_interval(days => %(days)s)
       AND (NEW.id, NEW.sequence, NEW.occurred_at, NEW.actor_id, NEW.actor_role, NEW.action, NEW.object_type,
            NEW.object_id, NEW.subject_id, NEW.correlation_id, NEW.data_hash, NEW.prev_hash, NEW.hash)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.sequence, OLD.occurred_at, OLD.actor_id, OLD.actor_role, OLD.action, OLD.object_type,
            OLD.object_id, OLD.subject_id, OLD.correlation_id, OLD.data_hash, OLD.prev_hash, OLD.hash) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'reviews_auditevent is append-only: %%%% is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION reviews_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'reviews_auditevent is append-only: TRUNCATE is not allowed'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reviews_auditevent_no_truncate ON reviews_auditevent;
CREATE TRIGGER reviews_auditevent_no_truncate BEFORE TRUNCATE ON reviews_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_auditevent_no_truncate();
"""

PREVIOUS = """
DROP TRIGGER IF EXISTS reviews_auditevent_no_truncate ON reviews_auditevent;
DROP FUNCTION IF EXISTS reviews_auditevent_no_truncate();
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


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        days = int(settings.RETENTION_DAYS["audit_payloads"])
        schema_editor.execute(ERASURE_AND_APPEND_ONLY % {"days": days})


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0015_audit_action_registry")]

    operations = [migrations.RunPython(forward, backward)]
