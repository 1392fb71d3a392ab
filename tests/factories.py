from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from accounts.models import EmploymentType, Role, Team, User
from reviews.models import Call


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.AGENT
    employment_type = factory.LazyAttribute(lambda u: EmploymentType.PERMANENT if u.role == Role.AGENT else "")
    password = factory.django.Password("secret-password")


class CallFactory(factory.django.DjangoModelFactory[Call]):
    class Meta:
        model = Call

    external_id = factory.Sequence(lambda n: f"CALL-{n:06d}")
    agent = factory.SubFactory(UserFactory)
    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))
    handle_time_seconds = 360
