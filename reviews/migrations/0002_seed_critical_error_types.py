from django.db import migrations

TYPES = [
    (
        "UNREPORTED_SIGNAL",
        "Niet-gemeld signaal",
        "Unreported signal",
        "The caller mentioned a possible rule violation and the agent did not report it.",
    ),
    (
        "PRIVACY_BREACH",
        "Privacyschending",
        "Privacy breach",
        "Personal data was disclosed to someone not entitled to it, or identity was not verified before disclosure.",
    ),
    (
        "WRONG_BENEFIT_INFORMATION",
        "Onjuiste informatie over de uitkering",
        "Wrong benefit information",
        "The caller was told something about their benefit that is wrong and could harm them.",
    ),
    (
        "DISRESPECTFUL_CONDUCT",
        "Respectloze bejegening",
        "Disrespectful conduct",
        "The agent treated the caller without respect.",
    ),
]


def seed(apps, schema_editor):
    CriticalErrorType = apps.get_model("reviews", "CriticalErrorType")
    for code, label_nl, label_en, description in TYPES:
        CriticalErrorType.objects.get_or_create(
            code=code,
            defaults={"label_nl": label_nl, "label_en": label_en, "description": description},
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
