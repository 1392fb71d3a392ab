"""Behind a TLS-terminating proxy: lockouts key on the client's address, not the proxy's."""

from __future__ import annotations

from django.test import RequestFactory

from accounts.lockout import client_ip


def test_without_trusted_proxies_the_connecting_address_counts(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/login/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request) == "10.0.0.5"


def test_behind_one_proxy_the_address_it_appended_counts_and_a_forged_one_does_not(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/login/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"
    # A header shorter than the proxy chain was not written by it: fall back to the connection.
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "10.0.0.5"
