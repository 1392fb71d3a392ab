"""A client generated from /api/v1/schema/ by a mainstream generator works against the live API.

openapi-python-client (pinned in requirements/dev.lock) generates a Python package from the schema
this code serves; the test then logs in, reads `me`, lists evaluations as an agent and calls as a
supervisor, and acknowledges an evaluation, all through the generated models and functions.
"""

from __future__ import annotations

import datetime as dt
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.helpers import scored_call

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "qa_review_generated_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Any:
    workdir = tmp_path_factory.mktemp("client")
    schema = workdir / "schema.yml"
    call_command("spectacular", "--file", str(schema), "--validate")
    binary = Path(sys.executable).parent / "openapi-python-client"
    result = subprocess.run(
        [str(binary), "generate", "--path", str(schema), "--output-path", str(workdir / PACKAGE), "--meta", "none"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(workdir))
    try:
        yield lambda name: importlib.import_module(f"{PACKAGE}.{name}")
    finally:
        sys.path.remove(str(workdir))
        for name in [module for module in sys.modules if module.startswith(PACKAGE)]:
            del sys.modules[name]


def log_in(generated: Any, base_url: str, username: str, password: str) -> Any:
    client_module: ModuleType = generated("client")
    token_api = generated("api.auth.auth_token_create")
    models = generated("models")
    anonymous = client_module.Client(base_url=base_url)
    answer = token_api.sync(client=anonymous, body=models.TokenRequestRequest(username=username, password=password))
    assert isinstance(answer, models.TokenResponse), answer
    # DRF token authentication reads "Authorization: Token <key>" (the generator defaults to Bearer).
    return client_module.AuthenticatedClient(base_url=base_url, token=answer.token, prefix="Token")


def test_a_generated_client_logs_in_reads_lists_and_writes(generated, live_server, world, published_version) -> None:
    password = "client-test-password"
    for user in (world.agent, world.supervisor):
        user.set_password(password)
        user.save()
    evaluation = scored_call(
        reviewer=world.supervisor,
        agent=world.agent,
        version=published_version,
        started_at=timezone.now() - dt.timedelta(days=2),
    )
    models = generated("models")

    agent = log_in(generated, live_server.url, world.agent.username, password)
    me = generated("api.me.me_retrieve").sync(client=agent)
    assert isinstance(me, models.User) and me.username == world.agent.username and me.role.value == "agent"
    page = generated("api.evaluations.evaluations_list").sync(client=agent)
    assert [item.id for item in page.results] == [evaluation.pk]
    acknowledged = generated("api.evaluations.evaluations_acknowledge_create").sync(evaluation.pk, client=agent)
    assert isinstance(acknowledged, models.EvaluationDetail), acknowledged
    assert acknowledged.status.value == "acknowledged"

    supervisor = log_in(generated, live_server.url, world.supervisor.username, password)
    calls = generated("api.calls.calls_list").sync(client=supervisor)
    assert evaluation.call_id in [call.id for call in calls.results]

    refused = generated("api.evaluations.evaluations_acknowledge_create").sync(evaluation.pk, client=supervisor)
    assert isinstance(refused, models.Error)
