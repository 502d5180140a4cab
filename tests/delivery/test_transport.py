"""One POST and what it means, against a real loopback server."""

from __future__ import annotations

import base64
import select
import shutil
import socket
import socketserver
import ssl
import subprocess
import threading

import pytest

from tit_app.telemetry import transport
from tit_app.telemetry.outcome import DROP, RETRY, SENT
from tit_app.telemetry.transport import ConfigError, capped_timeout, check_url, is_loopback_host

from .sink import Reply, Sink, free_port

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


def test_redirects_are_not_followed_even_to_the_same_server(session, sink):
    sink.script(Reply(307, headers={"Location": sink.url + "/again"}))
    outcome = _post(session, sink.url)
    assert outcome.verdict is RETRY and "307" in outcome.reason and [r.path for r in sink.requests] == ["/"]


def test_a_reply_cut_at_the_size_cap_is_not_read_into_the_next_request(session, sink):
    sink.script(Reply(400, body=b"x" * (transport.MAX_REPLY_BYTES * 2)), Reply(200))
    assert _post(session, sink.url).verdict is DROP
    assert _post(session, sink.url).verdict is SENT


# -- TLS and proxies ------------------------------------------------------------------------------

HOST = "collector.example.com"  # never looked up: the proxy below stands in for it


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for HOST and 127.0.0.1, made by the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
                    "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True, timeout=60)
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture
def tls_sink(certificate):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    server = Sink()
    server._server.socket = context.wrap_socket(server._server.socket, server_side=True)
    server.url = server.url.replace("http://", "https://")
    yield server.start()
    server.stop()


def test_certificates_are_always_checked(tls_sink):
    """A server whose certificate no trusted authority signed gets nothing, and the events wait."""
    s = transport.new_session(tls_sink.url)
    try:
        outcome = _post(s, tls_sink.url)
    finally:
        s.close()
    assert outcome.verdict is RETRY and "SSL" in outcome.reason and tls_sink.requests == []


def test_a_destination_may_name_its_own_certificate_authority(tls_sink, certificate):
    s = transport.new_session(tls_sink.url, verify=str(certificate[0]))
    try:
        assert _post(s, tls_sink.url).verdict is SENT
    finally:
        s.close()
    assert len(tls_sink.requests) == 1


class ConnectProxy:
    """An HTTP proxy on 127.0.0.1 that records CONNECT requests and tunnels every one to `target_port`."""

    def __init__(self, target_port: int) -> None:
        self.target_port, self.seen = target_port, []
        proxy = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                head = []
                while (line := self.rfile.readline(65536).decode("latin-1").strip()):
                    head.append(line)
                proxy.seen.append(head)
                with socket.create_connection(("127.0.0.1", proxy.target_port), timeout=5) as upstream:
                    self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    self.wfile.flush()
                    relay(self.connection, upstream)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def relay(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until either side closes (or 5 s of silence)."""
    while True:
        ready, _, _ = select.select([a, b], [], [], 5)
        if not ready:
            return
        for source in ready:
            data = source.recv(65536)
            if not data:
                return
            (b if source is a else a).sendall(data)


def test_hosts_elsewhere_go_through_the_environments_proxy(tls_sink, certificate, monkeypatch):
    """HTTPS_PROXY with a login and REQUESTS_CA_BUNDLE, as a company network sets them: the request
    tunnels through the proxy (which does the name look-up) and the certificate is checked for HOST."""
    proxy = ConnectProxy(tls_sink.port)
    monkeypatch.setenv("HTTPS_PROXY", proxy.url.replace("http://", "http://lab%40user:pa%3Ass@"))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))
    for name in ("NO_PROXY", "no_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    url = f"https://{HOST}/v1/logs"
    s = transport.new_session(url)
    try:
        assert _post(s, url).verdict is SENT
    finally:
        s.close()
        proxy.stop()
    [head] = proxy.seen
    assert head[0].startswith(f"CONNECT {HOST}:443 HTTP/")
    login = base64.b64encode(b"lab@user:pa:ss").decode()
    assert f"proxy-authorization: basic {login}".lower() in [h.lower() for h in head]
    assert [r.path for r in tls_sink.requests] == ["/v1/logs"]


def test_a_local_collector_never_goes_through_a_proxy(session, sink, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")  # nobody listens there
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{free_port()}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert _post(session, sink.url).verdict is SENT


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
