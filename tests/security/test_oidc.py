"""Single sign-on: off by default; when on, the provider's claims decide role, team and contract type."""

import pytest
from django.conf import settings as django_settings
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from accounts.oidc import RoleMappingOIDCBackend, role_from_claims
from reviews.models import AuditEvent

MAPPING = {"kcc-agent": "agent", "kcc-teamleider": "supervisor", "kcc-kwaliteit": "qa_lead", "or": "works_council"}


@pytest.mark.parametrize(
    ("value", "role"),
    [
        ("kcc-agent", "agent"),
        (["staff", "kcc-teamleider"], "supervisor"),
        (["kcc-agent", "kcc-teamleider"], None),  # two roles: ambiguous, refused
        (["kcc-agent", "kcc-agent"], "agent"),
        ("unknown", None),
        (None, None),
        (42, None),
    ],
)
def test_the_role_claim_maps_to_exactly_one_role(value, role):
    assert role_from_claims({"qa_review_role": value}, claim="qa_review_role", mapping=MAPPING) == role


def test_single_sign_on_is_off_by_default():
    assert django_settings.OIDC_ENABLED is False
    assert "accounts.oidc.RoleMappingOIDCBackend" not in django_settings.AUTHENTICATION_BACKENDS
    with pytest.raises(NoReverseMatch):
        reverse("oidc_authentication_init")


@pytest.fixture
def backend(settings):
    settings.OIDC_ROLE_MAP = MAPPING
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example.org/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example.org/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.example.org/jwks"
    settings.OIDC_RP_CLIENT_ID = "qa_review"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    return RoleMappingOIDCBackend()


def claims(**extra):
    return {"preferred_username": "dewi", "email": "dewi@example.org", "given_name": "Dewi", **extra}


@pytest.mark.django_db
def test_a_new_agent_is_created_from_the_claims_and_audited(backend):
    user = backend.create_user(claims(qa_review_role="kcc-agent", team="Team Noord", employment_type="temp_agency"))
    assert (user.username, user.role, user.team.name, user.employment_type) == (
        "dewi",
        "agent",
        "Team Noord",
        "temp_agency",
    )
    event = AuditEvent.objects.get(action="accounts.user.created_by_sso")
    assert event.data == {"role": "agent", "team_id": user.team_id, "employment_type": "temp_agency"}
    assert backend.filter_users_by_claims(claims()).get() == user


@pytest.mark.django_db
def test_people_without_a_single_role_or_agents_without_a_contract_type_are_not_let_in(backend):
    assert backend.create_user(claims(qa_review_role="unknown")) is None
    assert backend.create_user(claims(qa_review_role=["kcc-agent", "or"])) is None
    assert backend.create_user(claims(qa_review_role="kcc-agent")) is None  # no employment type
    assert not User.objects.filter(username="dewi").exists()
    assert backend.verify_claims({"email": "x@example.org"}) is False  # no username claim


@pytest.mark.django_db
def test_the_role_follows_the_provider_at_every_login_and_a_change_is_audited(backend):
    user = backend.create_user(claims(qa_review_role="kcc-teamleider", team="Team Noord"))
    assert user.role == "supervisor"
    same = backend.update_user(user, claims(qa_review_role="kcc-teamleider", team="Team Noord"))
    assert same.role == "supervisor"
    assert not AuditEvent.objects.filter(action="accounts.user.changed_by_sso").exists()
    moved = backend.update_user(user, claims(qa_review_role="kcc-kwaliteit", team="Team Noord"))
    user.refresh_from_db()
    assert moved.role == user.role == "qa_lead"
    change = AuditEvent.objects.get(action="accounts.user.changed_by_sso")
    assert (change.data["from"]["role"], change.data["to"]["role"]) == ("supervisor", "qa_lead")
    assert backend.update_user(user, claims(qa_review_role="nothing")) is None  # role withdrawn: no entry
