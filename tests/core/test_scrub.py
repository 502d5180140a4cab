"""Privacy scrubbing: what must change, what must not, and a property test over stored events."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tit_app import telemetry
from tit_app.telemetry.scrub import (
    CUT_AT,
    cut,
    default_scrubber,
    machine_names,
    names,
    scrubber_for,
)

USER, HOST, FULL_NAME = "mkowalski", "neurolab-ws07", "Maria Kowalski"
SCRUB = scrubber_for(USER, HOST, FULL_NAME)

MUST_CHANGE = [
    ("No such file: '/home/mkowalski/data/x.nii.gz'", "No such file: '<path>'"),
    (r"C:\Users\mkowalski\Documents\montage.csv missing", "<path> missing"),
    ("D:/studies/run1/out.npz", "<path>"),
    (r"\\fileserver\share\lab\subjects.tsv", "<path>"),
    ("saved to ~/results/map.png", "saved to <path>"),
    ("file:///Users/mk/x.nii", "<path>"),
    ("results/out.npz written", "<path> written"),
    ("GET https://user:pw@example.org:8443/a/b?token=x failed", "GET https://<host> failed"),
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
    # The classes the scrubber used to miss (issue 11).
    ("opened by mkowalski Nowak", "opened by <user>"),
    ("owner: Maria Kowalski", "owner: <user>"),
    (r"C:\Users\First Last\Documents\scan3.nii not found", "<path> not found"),
    ("/home/first last/data/x.nii not found", "<path> not found"),
    ("'/home/first last/my scan.nii' is empty", "'<path>' is empty"),
    ("cannot read sub-01_ses-02_T1w.nii.gz", "cannot read <file>"),
    ("brain.mgz, IM0001.dcm, lh.pial.gii, data.mat, weights.h5", "<file>, <file>, <file>, <file>, <file>"),
    ("sub_001 has no T1w", "<subject> has no T1w"),
    ("sub-pilot_T1w", "<subject>_T1w"),
    ("key sk_live_4eC39HqLyj rejected", "key <secret> rejected"),
    ("AWS key AKIAIOSFODNN7EXAMPLE", "AWS key <secret>"),
    ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.SflKxwRJSMeKKF2QT4fw", "jwt <secret>"),
    ('password="correct horse" pwd: hunter2', "password=<secret> pwd: <secret>"),
    ("passwd=abc secret=def token=ghi", "passwd=<secret> secret=<secret> token=<secret>"),
    ("the password is letmein", "the password is <secret>"),
    ('{"api_key": "abc123"}', '{"api_key": <secret>}'),
    ("nic 00:1a:2b:3c:4d:5e / 00-1A-2B-3C-4D-5E", "nic <mac> / <mac>"),
    ("mailto jane%40example.org", "mailto <email>"),
    ("fetch example.org/users/jane failed", "fetch <host> failed"),
    ("server lab.example.org down", "server <host> down"),
    ("call +44 20 7946 0958 or (555) 123-4567 or 555-123-4567", "call <phone> or <phone> or <phone>"),
    ("ip 1.2.3.4", "ip <ip>"),
]

# Ordinary messages, and what the scrubber used to take for personal data (issue 11).
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
    "grid size must be positive",
    "expected 4 electrodes, got 3",
    "KeyError: 'Cz'",
    "plane must be one of axial, coronal, sagittal",
    "plane must be axial/coronal/sagittal",
    "numpy 1.26.4",
    "numpy@1.26",
    "numpy==1.26.4 on Python 3.11.7",
    "version 1.2.3.4",
    "numpy-1.2.3.4",
    "array of shape (128, 128)",
    "division by zero",
    "sub-optimal result",
    "sub-sampling and sub-group analysis",
    "subject-specific and session-based sub_dir",
    "logger.info, np.int, self.net, threading.local",
    "see setup.py and README.md",
    "started 2024-01-15 12:30:45",
    "password is incorrect",
    "Token expired",
    "unexpected token: }",
]


@pytest.mark.parametrize("text,expected", MUST_CHANGE)
def test_scrubs(text, expected):
    assert SCRUB(text) == expected


@pytest.mark.parametrize("text", MUST_NOT_CHANGE)
def test_leaves_ordinary_text_alone(text):
    assert SCRUB(text) == text


# User and host names that are ordinary words go only where they stand as names.
COMMON_WORD_NAMES = scrubber_for("max", "root")


@pytest.mark.parametrize("text", ["max_iter must be >= 1", "np.max of an empty array", "max 3 retries", "np.max Python",
                                  "root_dir is missing", "chroot failed", "rootfs read-only"])
def test_common_word_names_survive_as_words(text):
    assert COMMON_WORD_NAMES(text) == text


@pytest.mark.parametrize("text,expected", [
    ("max@root refused", "<user>@<host> refused"),
    ("ssh root@lab", "ssh <host>@lab"),
    ("results in max/out", "results in <user>/out"),
    ("the root server", "the <host> server"),  # four characters or more: a whole word is a name
    ("by Max Mustermann", "by <user>"),  # a surname next to the user name, written as a name
])
def test_common_word_names_go_where_they_stand_as_names(text, expected):
    assert COMMON_WORD_NAMES(text) == expected


def test_a_user_name_with_a_dot_is_also_found_as_first_and_last_name():
    scrub = names("jane.doe", None)
    assert scrub("Jane Doe and jane.doe") == "<user> and <user>"


def test_long_text_is_cut_before_it_is_scrubbed():
    text = "error " * 100_000
    assert len(cut(text)) <= CUT_AT + 2
    assert SCRUB(text).endswith("error …")


def test_the_cut_drops_a_run_it_would_split():
    text = "a " * (CUT_AT // 2 - 2) + "sk_live_" + "Q7" * 20
    assert "Q7" not in cut(text) and cut(text).endswith("a …")


def test_the_cut_drops_a_phone_number_it_would_split():
    text = "x" * (CUT_AT - 12) + " +44 20 7946 0958"
    assert "44" not in cut(text)


def test_scrubbing_never_grows_beyond_the_cut():
    text = "token=" + "a1" * 1_000_000
    assert SCRUB(text) == "…"


def test_default_scrubber_cuts():
    assert default_scrubber().limit == CUT_AT


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


# The real user name, host name and home folder of the machine running the tests, written
# where they stand as names (a short name such as "vm" may stay as an ordinary word).
MACHINE_USER, MACHINE_HOST = machine_names()
NAME_CONTEXTS = {f"{MACHINE_USER}@{MACHINE_HOST}": [f"{MACHINE_USER}@".lower(), f"@{MACHINE_HOST}".lower()],
                 f"/home/{MACHINE_USER}/x": [f"/{MACHINE_USER}/".lower()]}
for machine_name in (MACHINE_USER, MACHINE_HOST):
    if machine_name and len(machine_name) >= 4:
        NAME_CONTEXTS[machine_name] = [machine_name.lower()]
SECRETS = {
    **NAME_CONTEXTS,
    str(Path.home()): [str(Path.home()).lower()],
    r"C:\Users\mkowalski\AppData\tit\run.log": ["mkowalski"],
    "m.kowalski@lab.example.org": ["m.kowalski", "example.org"],
    "10.20.30.40": ["10.20.30.40"],
    "ghp_5a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f": ["5a7b9c1d3e5f"],
}
words = st.sampled_from(["error", "reading", "failed:", "in", "the", "for", "(", ")", ",", "at", "file", "=", ":"])


def _as_words(raw: str) -> str:
    """The stored JSON with markers removed, so a name like "user" is not found in "<user>"."""
    return re.sub(r"<[a-z]+>", " ", raw.lower())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.one_of(words, st.sampled_from(list(SECRETS))), min_size=1, max_size=12),
       separator=st.sampled_from([" ", "  ", ": ", " '", "\t"]))
def test_no_personal_data_reaches_the_store(consented, pieces, separator):
    message = separator.join(pieces)
    telemetry.track_event("sim_ti", {"status": "error", "error_detail": message, "error_type": "OSError"})
    stored = consented.store
    consented.persist()
    raw = _as_words("\n".join(p.event.to_json() for p in stored.pending()))
    for piece in pieces:
        for leaked in SECRETS.get(piece, ()):
            assert not re.search(rf"(?<![a-z0-9_]){re.escape(leaked)}(?![a-z0-9_])", raw), (leaked, message)
    stored.purge()
