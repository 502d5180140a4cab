"""Property tests of the scrubber: each of 30 kinds of personal or secret text, generated
inside random ordinary text, never survives, not even when the length cut falls inside it;
ordinary text built from words that are not personal survives unchanged."""

from __future__ import annotations

import re
import string
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tit_app.telemetry.scrub import (
    CUT_AT,
    Scrubber,
    scrubber_for,
)

BOUNDED = settings(max_examples=100, deadline=None)

# Ordinary words and separators around the generated item; none of them is personal, and
# none of them occurs in the generated items, so finding an item's part means it leaked.
ORDINARY = ["error", "reading", "failed", "in", "the", "for", "at", "while", "loading", "cannot", "open",
            "value", "got", "expected", "montage", "electrode", "grid", "plane", "axial", "3", "128", "1.26.4"]
SEPARATORS = [" ", ": ", " '", "' ", " (", ") ", ", ", "\t", "\n", " = ", "; "]
FIRST_NAMES = ["Maria", "Jane", "Li", "Bo", "Max", "Amara", "Jonas", "Ines", "Yusuf", "Keiko"]
SURNAMES = ["Kowalski", "Nakamura", "Okafor", "Lindqvist", "Brennan", "Dubois", "Haddad", "Moreau", "Ivanova"]
LOGINS = ["mkowalski", "jnakamura", "aokafor", "lindqvist", "brennan", "ydubois", "khaddad", "imoreau"]
DATA_EXTS = ["nii", "nii.gz", "mgz", "dcm", "gii", "mat", "h5", "npz", "tsv"]
ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "_-"


class Case(NamedTuple):
    text: str
    sensitive: list[str]  # parts that must not be found in the result
    user: str = "tester"
    host: str = "bench-host"
    full_name: str | None = None

    def scrubber(self, limit: int | None = CUT_AT) -> Scrubber:
        return scrubber_for(self.user, self.host, self.full_name, limit)


def chars(alphabet: str, low: int, high: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=low, max_size=high)


def with_digit(alphabet: str, low: int, high: int) -> st.SearchStrategy[str]:
    """Random text ending in a digit, so it never equals one of the ordinary words around it."""
    return st.tuples(chars(alphabet, low, high), st.sampled_from(string.digits)).map("".join)


octet = st.integers(0, 255).map(str)
hex4 = chars("0123456789abcdef", 1, 4)
hex2 = chars("0123456789abcdef", 2, 2)
login = st.sampled_from(LOGINS)
first = st.sampled_from(FIRST_NAMES)
surname = st.sampled_from(SURNAMES)
digits = chars(string.digits, 1, 4)
TEMPLATE_WORDS = {"https", "http", "example", "share", "home", "data", "users", "documents", "token", "file", "scan"}
label = chars(string.ascii_lowercase, 4, 10).filter(lambda s: s not in " ".join(ORDINARY) and s not in TEMPLATE_WORDS)


def case(template: str, public: tuple[str, ...] = (), **parts: st.SearchStrategy[str]) -> st.SearchStrategy[Case]:
    """A Case from `template` filled with drawn parts; every part not named in `public` is sensitive."""
    return st.fixed_dictionaries(parts).map(
        lambda p: Case(template.format(**p), [value for key, value in p.items() if key not in public]))


@st.composite
def phone(draw) -> Case:
    kind = draw(st.sampled_from(["international", "north_american", "dashed", "national"]))
    group = lambda n: draw(chars(string.digits, n, n))  # noqa: E731
    if kind == "international":
        rest = " ".join(group(draw(st.integers(2, 4))) for _ in range(draw(st.integers(3, 4))))
        return Case(f"+{group(2)} {rest}", [rest])
    if kind == "north_american":
        number = f"{group(3)}-{group(4)}"
        return Case(f"({group(3)}) {number}", [number])
    if kind == "dashed":
        number = f"{group(3)}-{group(3)}-{group(4)}"
        return Case(number, [number])
    number = f"{group(4)} {group(4)}"
    return Case(f"0{group(2)} {number}", [number])


@st.composite
def key_value(draw) -> Case:
    key = draw(st.sampled_from(["password", "passwd", "pwd", "secret", "token", "api_key", "client_secret"]))
    value = draw(with_digit(ALNUM, 5, 16))
    form = draw(st.sampled_from(["{k}={v}", "{k}: {v}", "{k} = '{v} {v}'", '"{k}": "{v}"', "{k} is {v}", '{k}="{v}"']))
    return Case(form.format(k=key, v=value), [value])


def named(strategy: st.SearchStrategy[Case], **identity) -> st.SearchStrategy[Case]:
    return strategy.map(lambda c: c._replace(**identity))


CLASSES: dict[str, st.SearchStrategy[Case]] = {
    "posix_home_path": case("/home/{user}/data/x.nii", user=login),
    "windows_path": case(r"C:\Users\{user}\Documents\montage.csv", user=login),
    "unc_path": case(r"\\{server}\share\{user}\subjects.tsv", server=label, user=login),
    "tilde_path": case("~/{user}/map.png", user=login),
    "file_url": case("file:///Users/{user}/x.nii", user=login),
    "url_with_credentials": case("https://{user}:{pw}@{host}.example.org:8443/{path}?token={tok}",
                                 user=login, pw=with_digit(ALNUM, 4, 12), host=label, path=label,
                                 tok=with_digit(ALNUM, 4, 12)),
    "email": case("{local}@{domain}.org", local=login, domain=label),
    "ipv4": st.tuples(octet, octet, octet, octet).map(lambda o: ".".join(o)).map(lambda ip: Case(ip, [ip])),
    "ipv6": st.lists(hex4, min_size=8, max_size=8).map(":".join).map(lambda ip: Case(ip, [ip])),
    "bearer_token": case("Authorization: Bearer {token}", token=with_digit(ALNUM, 7, 40)),
    "key_value_secret": key_value(),
    "long_token": case("{token}", token=with_digit("0123456789abcdef", 31, 64)),
    "bids_subject": case("sub-{label}", label=with_digit(ALNUM, 1, 6)).map(
        lambda c: c._replace(sensitive=[c.text])),
    "user_name": login.map(lambda user: Case(user, [user], user=user)),
    "host_name": st.tuples(label, digits).map(lambda p: f"{p[0]}-ws{p[1]}").map(
        lambda host: Case(host, [host], host=host)),
    # The user name written as a name: capitalised, or (four letters or more) as it is.
    "surname_next_to_user": st.tuples(first, surname, st.booleans()).map(
        lambda p: Case(f"{p[0].lower() if p[2] and len(p[0]) >= 4 else p[0]} {p[1]}", [p[1]], user=p[0].lower())),
    "windows_path_with_spaces": case(r"C:\Users\{first} {last}\Documents\scan3.nii", first=first, last=surname),
    "posix_path_with_spaces": case("/home/{first} {last}/data/x.nii", first=first, last=surname),
    "neuroimaging_file": case("{stem}.{ext}", stem=st.one_of(
        st.tuples(digits, digits).map(lambda d: f"sub-{d[0]}_ses-{d[1]}_T1w"),
        st.tuples(login, digits).map(lambda p: f"{p[0]}_scan{p[1]}")), ext=st.sampled_from(DATA_EXTS),
        public=("ext",)),
    "subject_with_underscore": case("{prefix}{id}", prefix=st.sampled_from(["sub_", "subject-", "subj"]),
                                    id=chars(string.digits, 2, 4)).map(lambda c: c._replace(sensitive=[c.text])),
    "short_api_key": case("{prefix}{tail}", prefix=st.sampled_from(["sk_live_", "pk_test_", "ghp_", "xoxb-"]),
                          tail=with_digit(ALNUM, 5, 24), public=("prefix",)),
    "aws_key_id": case("AKIA{tail}", tail=chars(string.ascii_uppercase + string.digits, 16, 16)),
    "jwt": case("eyJ{a}.{b}.{c}", a=with_digit(B64URL, 3, 30), b=with_digit(B64URL, 3, 40), c=with_digit(B64URL, 3, 40)),
    "password_in_prose": case("the password is {pw}", pw=with_digit(string.ascii_lowercase, 5, 12)),
    "mac_address": st.tuples(st.lists(hex2, min_size=6, max_size=6), st.sampled_from(":-")).map(
        lambda p: p[1].join(p[0])).map(lambda mac: Case(mac, [mac])),
    "url_encoded_email": case("{local}%40{domain}.org", local=login, domain=label),
    "schemeless_url_host": case("{domain}.{tld}/{path}", domain=label, tld=st.sampled_from(["org", "com", "de", "io"]),
                                path=login, public=("tld",)),
    "bare_domain": case("{sub}.{domain}.{tld}", sub=label, domain=label,
                        tld=st.sampled_from(["org", "com", "edu", "de", "net", "io", "local"]), public=("tld",)),
    "phone_number": phone(),
    "full_name": st.tuples(first, surname).map(
        lambda p: Case(f"{p[0]} {p[1]}", [p[0], p[1]], full_name=f"{p[0]} {p[1]}")),
}


def found(part: str, text: str) -> bool:
    """`part` as a whole item in `text` (markers removed, so "user" is not found in "<user>")."""
    text = re.sub(r"<[a-z]+>", " ", text)
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(part)}(?![A-Za-z0-9])", text, re.IGNORECASE) is not None


words = st.lists(st.sampled_from(ORDINARY), max_size=5).map(" ".join)
separator = st.sampled_from(SEPARATORS)


def test_there_are_thirty_classes():
    assert len(CLASSES) == 30


@pytest.mark.parametrize("kind", CLASSES)
@BOUNDED
@given(data=st.data(), before=words, after=words, left=separator, right=separator)
def test_no_class_survives_in_random_text(kind, data, before, after, left, right):
    item = data.draw(CLASSES[kind])
    text = f"{before}{left}{item.text}{right}{after}"
    result = item.scrubber()(text)
    for part in item.sensitive:
        assert not found(part, result), (kind, text, result)


@pytest.mark.parametrize("kind", CLASSES)
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_the_length_cut_never_leaves_half_of_one_nor_splits_a_marker(kind, data):
    item = data.draw(CLASSES[kind])
    inside = data.draw(st.integers(0, len(item.text)))  # where in the item the cut falls
    padding = ("a " * CUT_AT)[-(CUT_AT - inside):] if inside < CUT_AT else ""
    result = item.scrubber()(f"{padding}{item.text} and more text after it")
    for part in item.sensitive:
        if len(part) >= 4:  # a two-letter first name on its own identifies nobody
            assert not found(part, result), (kind, inside, result[-120:])
    assert re.findall(r"<[a-z]*>?", result) == re.findall(r"<[a-z]+>", result)


# Pieces of ordinary messages, including what the scrubber used to over-redact (issue 11).
SAFE = ["grid size must be positive", "expected 4 electrodes, got 3", "KeyError: 'Cz'",
        "plane must be one of axial, coronal, sagittal", "axial/coronal/sagittal", "numpy 1.26.4",
        "numpy@1.26", "Python 3.11.7", "array of shape (128, 128)", "division by zero", "sub-optimal",
        "max_iter", "np.max", "root_dir", "2024-01-15 12:30:45", "-2e-5", "and/or", "I/O", "km/h",
        "logger.info", "setup.py", "Class::method", "1/2", "0.5 mA", "(3, 4)", "password is incorrect"]


@BOUNDED
@given(pieces=st.lists(st.sampled_from(SAFE), min_size=1, max_size=6), joiner=st.sampled_from([" ", ", ", "; ", ": "]))
def test_ordinary_text_survives_unchanged(pieces, joiner):
    text = joiner.join(pieces)
    assert scrubber_for("max", "root")(text) == text
