"""The first administrator, made the documented way (`manage.py createsuperuser`)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import Role, User


def test_createsuperuser_makes_an_administrator_not_an_agent(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-first-admin-password")
    call_command("createsuperuser", interactive=False, username="beheer", email="beheer@example.org", verbosity=0)
    admin = User.objects.get(username="beheer")
    assert admin.role == Role.ADMIN
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("a-long-first-admin-password")
