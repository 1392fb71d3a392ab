import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_agent(apps, schema_editor):
    CriticalError = apps.get_model("reviews", "CriticalError")
    Evaluation = apps.get_model("reviews", "Evaluation")
    CriticalError.objects.filter(agent__isnull=True).update(
        agent_id=Subquery(Evaluation.objects.filter(pk=OuterRef("evaluation_id")).values("call__agent_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_rules_alerts_scoring"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="criticalerror",
            name="agent",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="critical_errors",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(fill_agent, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="criticalerror",
            name="agent",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="critical_errors",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="criticalerror",
            index=models.Index(fields=["agent", "observed_at"], name="reviews_ce_agent_observed"),
        ),
    ]
