"""Privacy scrubbing: what must change, what must not, and a property test over stored events."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tit_app import telemetry
from tit_app.telemetry.scrub import Scrubber, emails, ip_addresses, machine_names, names, paths, secrets, subjects, urls

USER, HOST = "mkowalski", "neurolab-ws07"
SCRUB = Scrubber((urls, emails, secrets, paths, ip_addresses, subjects, names(USER, HOST)))

MUST_CHANGE = [
    ("No such file: '/home/mkowalski/data/x.nii.gz'", "No such file: '<path>'"),
    (r"C:\Users\mkowalski\Documents\montage.csv missing", "<path> missing"),
    ("D:/studies/run1/out.npz", "<path>"),
    (r"\\fileserver\share\lab\subjects.tsv", "<path>"),
    ("saved to ~/results/map.png", "saved to <path>"),
    ("file:///Users/mk/x.nii", "<path>"),
    ("results/out.npz written", "<path> written"),
    ("GET https://user:pw@example.org:8443/a/b?token=x failed", "GET https://example.org failed"),
    ("contact mk@uni-example.edu", "contact <email>"),
    ("peer 192.168.10.4 refused", "peer <ip> refused"),
    ("bind fe80::1%eth0 and 2001:db8::8a2e:370:7334", "bind <ip> and <ip>"),
    ("Authorization: Bearer abcdEFGH1234", "Authorization: Bearer <secret>"),
    ("api_key=ZXCV9876 password: hunter2", "api_key=<secret> password: <secret>"),
    ("token 0123456789abcdef0123456789abcdef", "token <secret>"),
    ("key dGhpcyBpcyBhIHZlcnkgbG9uZyBzZWNyZXQ0Mg==", "key <secret>"),
    ("sub-01 ses-pre failed", "<subject> <subject> failed"),
    ("user mkowalski on neurolab-ws07", "user <user> on <host>"),
    ("MKOWALSKI@NEUROLAB-WS07", "<user>@<host>"),
]

MUST_NOT_CHANGE = [
    "author of the session said hello",
    "version 1.2.3 took 12.5 s",
    "elapsed 00:01:30 at 12:30:45",
    "10000 points, 3.14, -2e-5",
    "and/or, km/h, 1/2, I/O",
    "ValueError: grid_size must be positive",
    "Class::method and std::vector",
    "subject and session labels",
    "Python 3.11.7 on linux 6.1",
    "Cz-Oz pair at 2.0 mA",
]


@pytest.mark.parametrize("text,expected", MUST_CHANGE)
def test_scrubs(text, expected):
    assert SCRUB(text) == expected


@pytest.mark.parametrize("text", MUST_NOT_CHANGE)
def test_leaves_ordinary_text_alone(text):
    assert SCRUB(text) == text


def test_a_failing_step_drops_the_event(tmp_path, monkeypatch):
    from tit_app.telemetry.engine import Engine
    from tit_app.telemetry.testing import isolated_telemetry

    def broken(text: str) -> str:
        raise RuntimeError("scrubber bug")

    monkeypatch.delenv("TIT_TELEMETRY_STRICT")
    with isolated_telemetry(tmp_path, consent=True):
        engine = telemetry.api.reset_engine(Engine(scrubber=SCRUB.with_steps([broken])))
        engine.attach_driver(None)
        telemetry.track_event("sim_ti", {"status": "error", "error_detail": "anything"})
        telemetry.track_event("app_launch")  # no strings: nothing to scrub, so it is kept
        assert [p.event.name for p in telemetry.pending() if p.event.name != "first_run"] == ["app_launch"]
        assert telemetry.status().dropped == {"scrub_failed": 1}


# The real user name, host name and home folder of the machine running the tests.
MACHINE_USER, MACHINE_HOST = machine_names()
SECRETS = {
    "user": MACHINE_USER,
    "host": MACHINE_HOST,
    "home": str(Path.home()),
    "windows": r"C:\Users\mkowalski\AppData\tit\run.log",
    "email": "m.kowalski@lab.example.org",
    "ip": "10.20.30.40",
    "token": "ghp_5a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f",
}
words = st.sampled_from(["error", "reading", "failed:", "in", "the", "for", "(", ")", ",", "at", "file", "=", ":"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.one_of(words, st.sampled_from(list(SECRETS.values()))), min_size=1, max_size=12),
       separator=st.sampled_from([" ", "  ", ": ", " '", "\t"]))
def test_no_personal_data_reaches_the_store(consented, pieces, separator):
    message = separator.join(pieces)
    telemetry.track_event("sim_ti", {"status": "error", "error_detail": message, "error_type": "OSError"})
    stored = consented.store
    consented.persist()
    raw = "\n".join(p.event.to_json() for p in stored.pending())
    for value in SECRETS.values():
        assert value.lower() not in raw.lower(), (value, message)
    stored.purge()
