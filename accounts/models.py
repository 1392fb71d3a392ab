from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.pseudonyms import pseudonym_for


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    QA_LEAD = "qa_lead", _("QA lead")
    WORKS_COUNCIL = "works_council", _("Works council")
    ADMIN = "admin", _("Administrator")


class EmploymentType(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    FIXED_TERM = "fixed_term", _("Fixed term")
    TEMP_AGENCY = "temp_agency", _("Temp agency")


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(DjangoUserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> User:
        """`manage.py createsuperuser` makes the first administrator (role admin, never an agent)."""
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person using the tool. Exactly one role per user."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    employment_type = models.CharField(max_length=20, choices=EmploymentType.choices, blank=True)
    employee_number = models.CharField(max_length=32, blank=True)
    # Someone who left, once nothing about them or by them is kept: name, e-mail and employee number
    # erased, the username replaced by their pseudonym (what the works council always saw).
    personal_data_erased_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee_number"],
                condition=~models.Q(employee_number=""),
                name="accounts_user_employee_number_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="agent") | ~models.Q(employment_type=""),
                name="accounts_user_agent_has_employment_type",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def pseudonym(self) -> str:
        """Stable pseudonym for aggregated views (keyed HMAC of the user id)."""
        return pseudonym_for(self.pk)
