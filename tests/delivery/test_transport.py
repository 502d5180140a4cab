"""One POST and what it means, against a real loopback server."""

from __future__ import annotations

import pytest

from tit_app.telemetry import transport
from tit_app.telemetry.outcome import DROP, RETRY, SENT
from tit_app.telemetry.transport import ConfigError, capped_timeout, check_url, is_loopback_host

from .sink import Reply, free_port

SECRET = "query-secret-0123456789abcdef"


@pytest.fixture
def session(sink):
    s = transport.new_session(sink.url)
    yield s
    s.close()


def _post(session, url, timeout=(1.0, 1.0)):
    return transport.post(session, url, b"{}", {"Content-Type": "application/json"}, timeout)[0]


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_2xx_is_sent(session, sink, status):
    sink.script(Reply(status, body=b""))
    assert _post(session, sink.url).verdict is SENT


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_transient_statuses_are_retried_with_retry_after(session, sink, status):
    sink.script(Reply(status, headers={"Retry-After": "7"}))
    outcome = _post(session, sink.url)
    assert outcome.verdict is RETRY and outcome.retry_after == 7.0 and str(status) in outcome.reason


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_keep_the_events_as_a_configuration_problem(session, sink, status):
    """401/403: the batch is kept (RETRY), waits at least an hour, and the reason says what to fix."""
    sink.script(Reply(status, body=b'{"error":"bad token"}'))
    outcome = _post(session, sink.url)
    assert outcome.verdict is RETRY and outcome.status == status
    assert outcome.min_wait == transport.AUTH_WAIT_S == 3600.0 and outcome.retry_after is None
    assert outcome.reason.startswith(f"configuration problem: HTTP {status}")


@pytest.mark.parametrize("status", [400, 404, 413, 422])
def test_other_4xx_are_dropped_naming_the_status(session, sink, status):
    sink.script(Reply(status, body=b'{"error":"bad"}'))
    outcome = _post(session, sink.url)
    assert outcome.verdict is DROP and outcome.cause == "rejected"
    assert f"HTTP {status}" in outcome.reason and "bad" in outcome.reason


def test_redirects_are_not_followed_and_keep_the_events(session, sink):
    sink.script(Reply(301, headers={"Location": "http://127.0.0.1:1/elsewhere"}))
    outcome = _post(session, sink.url)
    assert outcome.verdict is RETRY and "301" in outcome.reason
    assert len(sink.requests) == 1


def test_connection_refused_is_retried_without_leaking_the_url(session):
    outcome = _post(session, f"http://127.0.0.1:{free_port()}/mp/collect?api_secret={SECRET}")
    assert outcome.verdict is RETRY
    assert "refused" in outcome.reason.lower()
    assert SECRET not in outcome.reason and "127.0.0.1" not in outcome.reason


def test_a_reset_mid_response_is_retried(session, sink):
    sink.script(Reply(reset=True))
    assert _post(session, sink.url).verdict is RETRY


def test_a_slow_server_times_out_and_is_retried(session, sink):
    sink.script(Reply(delay=1.0))
    outcome = _post(session, sink.url, timeout=(0.2, 0.2))
    assert outcome.verdict is RETRY and "in time" in outcome.reason


def test_error_bodies_are_scrubbed_of_secrets(session, sink):
    sink.script(Reply(400, body=f"bad token=abcd{SECRET} from user@example.com".encode()))
    reason = _post(session, sink.url).reason
    assert SECRET not in reason and "user@example.com" not in reason


def test_user_agent_names_the_app(session, sink):
    from tit_app import __version__

    _post(session, sink.url)
    assert sink.requests[0].headers["user-agent"] == f"tit-app/{__version__}"


def test_session_verifies_certificates():
    s = transport.new_session("https://collector.example.com")
    try:
        assert s.verify is True and s.trust_env is True
    finally:
        s.close()


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.5.6.7", "::1", "[::1]", "LOCALHOST"])
def test_loopback_hosts(host):
    assert is_loopback_host(host)


@pytest.mark.parametrize("host", ["example.com", "10.0.0.1", "localhost.example.com", "", None,
                                  # a name may resolve anywhere: only the literal `localhost` counts
                                  "app.localhost", "localhost.", "127.1", "::ffff:198.51.100.9", "0.0.0.0"])
def test_non_loopback_hosts(host):
    assert not is_loopback_host(host)


def test_plain_http_only_for_this_machine():
    assert check_url("X", "http://127.0.0.1:4318") == "http://127.0.0.1:4318"
    assert check_url("X", "https://collector.example.com") == "https://collector.example.com"
    with pytest.raises(ConfigError, match=r"^OTEL_EXPORTER_OTLP_ENDPOINT: plain http://"):
        check_url("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.example.com:4318")
    with pytest.raises(ConfigError, match=r"^URL: expected an http"):
        check_url("URL", "ftp://example.com")


def test_timeout_cap_keeps_connect_plus_read_within_the_limit():
    assert capped_timeout((3.0, 10.0), None) == (3.0, 10.0)
    connect, read = capped_timeout((3.0, 10.0), 1.0)
    assert connect + read <= 1.0


def test_replies_are_read_up_to_a_size_cap_OT_T4(session, sink):
    sink.script(Reply(200, body=b"x" * (transport.MAX_REPLY_BYTES * 2)))
    outcome, reply = transport.post(session, sink.url, b"{}", {}, (1.0, 1.0))
    assert outcome.verdict is SENT and len(reply.content) == transport.MAX_REPLY_BYTES
