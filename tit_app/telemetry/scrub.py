"""Privacy scrubbing: small pure steps applied to every string that could leave the machine.

Each step replaces one kind of personal or secret data with a placeholder. The order
matters: URLs before e-mails and paths (a URL is one thing), secrets before paths (a key
may contain slashes), paths before domain and file names (a path swallows both), the
machine's own names last (by then only free-standing names remain). A step that raises
makes the whole event drop (fail closed).

Speed: the text is first cut to `CUT_AT` characters (see `cut`), and every pattern is
written so that a failed attempt costs at most the length of one run of characters and
an attempt can only start where such a run starts (a look-behind for the run's own
characters). So each step is linear in the length of the text, cut or not.
"""

from __future__ import annotations

import getpass
import os
import re
import socket
from dataclasses import dataclass, replace
from typing import Callable, Iterable

Step = Callable[[str], str]

# Stored values are at most 100 characters (catalog.MAX_VALUE) and transport excerpts 160,
# so 2 KB of input is far more than can ever be kept.
CUT_AT = 2048
_ASCII_SPACES = " \t\n\r\f\v"
_NUMBER_CHARS = "0123456789+-.()/"


def cut(text: str, limit: int | None = CUT_AT) -> str:
    """At most `limit` characters of `text`, cut where no secret or name is split.

    Cut first, scrub second: scrubbing first would mean scrubbing the whole (possibly
    huge) text. The cut itself must not create half a secret that the steps no longer
    recognise, so a run of non-space characters that crosses the cut is dropped entirely
    (a token, key, e-mail, JWT or path segment is one run), and so is a trailing number
    written in groups (a phone number's first half). Items spanning spaces keep their
    recognisable start: a path with spaces still starts with its root, a key word is
    followed by nothing. The cut happens before any marker exists, so it cannot split one.
    """
    if limit is None or len(text) <= limit:
        return text
    head = text[:limit]
    if not text[limit].isspace():  # the cut falls inside a run: drop what we have of it
        head = head[: max(head.rfind(space) for space in _ASCII_SPACES) + 1]
    kept = _without_number_tail(head)
    return f"{kept} …" if kept else "…"


def _without_number_tail(text: str) -> str:
    """`text` without its last runs made only of digits and phone punctuation (at most six:
    a phone number has no more groups), so a number cut in two leaves neither half."""
    for _ in range(6):
        parts = text.rstrip().rsplit(None, 1)
        if not parts or parts[-1].strip(_NUMBER_CHARS):
            break
        text = parts[0] if len(parts) == 2 else ""
    return text.rstrip()


# -- URLs ---------------------------------------------------------------------------------

_FILE_URL = re.compile(r"(?<![\w+.-])file:/{1,3}[^\s'\"<>]*", re.IGNORECASE)
_URL = re.compile(r"(?<![\w+.-])([A-Za-z][A-Za-z0-9+.-]{0,31})://[^\s'\"<>]*")


def urls(text: str) -> str:
    """file:// URLs are paths; other URLs keep only their scheme (the host can be personal)."""
    text = _FILE_URL.sub("<path>", text)
    return _URL.sub(lambda m: f"{m.group(1)}://<host>", text)


# -- e-mail addresses ---------------------------------------------------------------------

# The domain must end in letters, so `numpy@1.26` is a version pin, not an address;
# `%40` is an URL-encoded `@`.
_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w-])"
)


def emails(text: str) -> str:
    return _EMAIL.sub("<email>", text)


# -- secrets ------------------------------------------------------------------------------

_AUTH_HEADER = re.compile(r"(?<![\w-])(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
_SECRET_WORD = (
    r"(?:password|passwd|passphrase|pwd|secret|token|auth|authorization|api[_-]?key|apikey|"
    r"access[_-]?key|private[_-]?key|credentials?|signature|sentry_key|dsn|cookie)"
)
# A value: quoted (may hold spaces; an unclosed quote runs to the end of the line) or one run.
_SECRET_VALUE = r"\"[^\"\n]{1,200}\"?|'[^'\n]{1,200}'?|[^\s&,;'\"<>]+"
_KEY_VALUE = re.compile(
    rf"(?<![A-Za-z0-9])({_SECRET_WORD})"  # also the end of db_password, client_secret, x-api-key
    r"(['\"]?\s*(?:=>|[=:])\s*|\s+(?:is|was)\s+)"  # password=, "token": , password is
    rf"(?!<|(?:Bearer|Basic)\s)({_SECRET_VALUE})",
    re.IGNORECASE,
)
# "password is incorrect" describes the password; it does not give it away.
_STATUS_WORDS = frozenset(
    "required incorrect invalid wrong missing empty expired revoked set unset correct valid "
    "not too needed given ok none null accepted rejected".split()
)
# Keys that announce themselves by a prefix, whatever their length.
_PREFIXED_KEY = re.compile(
    r"(?<![\w-])(?:[spr]k_(?:live|test)_|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|hf_|npm_|pypi-"
    r"|AIza|A(?:KI|SI|GP|ID|RO|NP|NV|IP)A(?=[A-Z0-9]{12}))[\w-]{4,}"
)
_JWT = re.compile(r"(?<![\w-])eyJ[\w-]{2,}\.[\w-]{2,}(?:\.[\w-]*)?")
_LONG_TOKEN = re.compile(r"(?<![A-Za-z0-9+/_-])(?=[A-Za-z0-9+/_-]*\d)[A-Za-z0-9+/_-]{32,}={0,2}")
# 20 characters or more mixing upper case, lower case and digits: a key without a known prefix.
_MIXED_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])"
    r"[A-Za-z0-9_-]{20,}"
)


def _key_value(match: re.Match) -> str:
    key, separator, value = match.groups()
    if separator.strip() in ("is", "was") and value.lower().rstrip(".:!?)") in _STATUS_WORDS:
        return match.group(0)
    if not any(char.isalnum() for char in value):
        return match.group(0)  # "unexpected token: }" quotes syntax, not a secret
    return f"{key}{separator}<secret>"


def secrets(text: str) -> str:
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)} <secret>", text)
    text = _KEY_VALUE.sub(_key_value, text)
    for pattern in (_PREFIXED_KEY, _JWT, _LONG_TOKEN, _MIXED_TOKEN):
        text = pattern.sub("<secret>", text)
    return text


# -- paths --------------------------------------------------------------------------------

# A segment never holds a space, but a segment followed by a separator may be several
# words ("First Last\", "Program Files (x86)\"); the last segment is one word, so the
# message after a path ("x.nii failed to load") stays.
_WIN_SEG = r"[^\s\\/:*?\"'<>|,;]+"
_WIN_TAIL = rf"(?:{_WIN_SEG}(?: {_WIN_SEG}){{0,4}}[\\/])*(?:{_WIN_SEG})?"
_WINDOWS_PATH = re.compile(rf"(?<![A-Za-z0-9])[A-Za-z]:[\\/]{_WIN_TAIL}|(?<![\\\w])\\\\{_WIN_SEG}[\\/]{_WIN_TAIL}")
_SEG_CHARS = r"\w.@%+=~#&!$\-"  # the hyphen escaped: this set is spliced into other sets
_SEG = rf"[{_SEG_CHARS}]+"
_NOT_IN_RUN = rf"(?<![{_SEG_CHARS}<>/\\])"  # an attempt starts only where a run starts
_POSIX_PATH = re.compile(rf"{_NOT_IN_RUN}(?:~[\w.-]*|\.{{1,2}})?/(?:{_SEG}(?: {_SEG}){{0,4}}/)*{_SEG}/?")
# Relative paths only when they end in a file name: `axial/coronal/sagittal`, `and/or`,
# `km/h` and `I/O` are words.
_RELATIVE_FILE = re.compile(
    rf"{_NOT_IN_RUN}(?:{_SEG}[/\\])+[\w@%+=~#&!$-]*(?:\.[\w-]+)*\.[A-Za-z][A-Za-z0-9]{{0,7}}(?![\w-])"
)
_QUOTED_PATH = re.compile(r"(['\"])(?:[A-Za-z]:[\\/]|\\\\|~?/)[^'\"\n]{0,1024}\1")
_HOME = re.compile(r"(?<![\w~])~(?:[A-Za-z_][\w.-]*)?(?![\w/])")


def paths(text: str) -> str:
    text = _QUOTED_PATH.sub(lambda m: f"{m.group(1)}<path>{m.group(1)}", text)  # may hold spaces
    for pattern in (_WINDOWS_PATH, _POSIX_PATH, _RELATIVE_FILE, _HOME):
        text = pattern.sub("<path>", text)
    return text


# -- domain names and scheme-less URLs -------------------------------------------------------

# Top-level domains that do not clash with Python attributes or file extensions
# (`np.int`, `logger.info`, `setup.py`, `README.md` stay): enough for a two-label name.
_STRONG_TLDS = frozenset(
    "com org edu gov eu uk de fr nl ch at be se dk fi no es pt ie it ca us au nz jp cn kr br ru "
    "il za sg hk tw cz hu gr pl ro ac".split()
)
# These also name attributes (`self.net`, `threading.local`): a domain only with three
# labels or more, or when a path or port follows (`example.io/docs`).
_WEAK_TLDS = frozenset("net io info app dev ai co me cloud xyz tech site online local lan internal localdomain home arpa biz".split())
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(
    rf"(?<![\w.@/\\<>-])((?:{_LABEL}\.)+)([A-Za-z]{{2,24}})(?![\w-]|\.[\w-])"
    r"((?::\d{1,5})?/[^\s'\"<>]*|:\d{1,5}(?!\d))?"
)


def _domain(match: re.Match) -> str:
    labels, tld, rest = match.group(1).count("."), match.group(2).lower(), match.group(3)
    strong = tld in _STRONG_TLDS
    if strong or (tld in _WEAK_TLDS and (labels >= 2 or rest)):
        return "<host>"  # a scheme-less URL goes whole: its path may be personal too
    return match.group(0)


def domains(text: str) -> str:
    return _DOMAIN.sub(_domain, text)


# -- file names ---------------------------------------------------------------------------

# Data files name their subject or session (`sub-01_ses-02_T1w.nii.gz`, `jane_scan3.nii`);
# code and settings files (`scrub.py`, `policy.toml`) are the app's own and stay.
_DATA_EXT = (
    r"nii(?:\.gz)?|mgz|mgh|dcm|ima|gii|mat|h5|hdf5|he5|nrrd|nhdr|mnc|img|hdr|edf|bdf|fif|vhdr|vmrk|"
    r"eeg|fdt|msh|stl|vtk|vtp|trk|tck|npz|npy|csv|tsv|xlsx?|pkl|pickle|gz|zip|tar|bz2|xz"
)
_FILE_NAME = re.compile(
    rf"{_NOT_IN_RUN}[\w@%+=~#&!$-][{_SEG_CHARS}]*\.(?:{_DATA_EXT})(?![\w(-]|\.[A-Za-z])", re.IGNORECASE
)


def files(text: str) -> str:
    return _FILE_NAME.sub("<file>", text)


# -- network addresses --------------------------------------------------------------------

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![\w.])(?:{_OCTET}\.){{3}}{_OCTET}(?![\d.]*\d|[A-Za-z+])")
# A dotted quad right after one of these is a version number: `version 1.2.3.4`, `==1.2.3.4`,
# `numpy-1.2.3.4` (`v1.2.3.4` never matches: no letter may precede). Not after `@`:
# `jane@10.0.0.1` is an address.
_VERSION_CUE = re.compile(r"(?:\b(?:version|ver|release|rev|build)\.?\s*[:=]?\s*|[=~!<>]=\s*|\w-)$", re.IGNORECASE)
_HEX4 = r"[0-9A-Fa-f]{1,4}"
_IPV6 = re.compile(
    rf"(?<![\w:.])(?:(?:{_HEX4}:){{7}}{_HEX4}"
    rf"|(?:{_HEX4}(?::{_HEX4})*)?::(?:{_HEX4}(?::{_HEX4})*)?(?:%\w+)?)(?!\w|:[\w:])"
)
_MAC = re.compile(r"(?<![\w:-])[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}(?!\w|[:-]\w)")


def _ipv4(match: re.Match) -> str:
    before = match.string[max(0, match.start() - 12): match.start()]
    return match.group(0) if _VERSION_CUE.search(before) else "<ip>"


def ip_addresses(text: str) -> str:
    """IPv4, IPv6 and MAC addresses (MAC first: its six groups are not an IPv6 address)."""
    text = _MAC.sub("<mac>", text)
    text = _IPV4.sub(_ipv4, text)
    # The look-behind of _IPV6 keeps C++-style scopes ("Class::method") out of it.
    return _IPV6.sub("<ip>", text)


# -- phone numbers ------------------------------------------------------------------------

# International numbers start with +; every group after the first begins with a separator
# or a bracket, so a run of digits is split one way only (no backtracking blow-up).
_INTERNATIONAL = r"\+(?:\d{7,15}|\d{1,3}(?:[ .-]?\(\d{1,5}\)|[ .-]\d{1,10}){1,6})(?![\d])"
_NORTH_AMERICAN = r"\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}(?!\d)|\d{3}([.-])\d{3}\1\d{4}(?!\d|[.-]\d)"
_NATIONAL = r"0\d{1,4}[ /-]\d{3,4}[ -]\d{3,5}(?!\d|[.-]\d)"  # 020 7946 0958, 030 1234 5678
_PHONE = re.compile(rf"(?<![\w+.-])(?:{_INTERNATIONAL}|{_NORTH_AMERICAN}|{_NATIONAL})")


def _phone(match: re.Match) -> str:
    digits = sum(char.isdigit() for char in match.group(0))
    return "<phone>" if digits >= 8 else match.group(0)  # fewer: "+1 2", "+3.5"


def phones(text: str) -> str:
    return _PHONE.sub(_phone, text)


# -- subject and session ids --------------------------------------------------------------

_SUBJECT = re.compile(
    r"(?<![A-Za-z0-9])(sub|subj|subject|ses|session)([-_]|(?=\d))([A-Za-z0-9]+)", re.IGNORECASE
)
# `sub-` also starts English words; these stay unless they sit in a BIDS name (`sub-pilot_T1w`).
_SUB_WORDS = frozenset(
    "optimal optimally optimum sample samples sampled sampling set sets directory directories folder "
    "folders module modules group groups network networks region regions second seconds millisecond "
    "pixel pixels voxel voxels space spaces class classes type types menu menus process processes "
    "command commands string strings total totals section sections domain domains category "
    "categories array arrays list lists plot plots figure figures window windows task tasks project "
    "projects package packages surface surfaces volume volumes cortical field fields graph graphs "
    "matrix matrices grid grids mesh meshes tree trees threshold linear critical standard "
    "sequence unit units component components item items".split()
)


def _subject(match: re.Match) -> str:
    prefix, separator, label = match.group(1).lower(), match.group(2), match.group(3)
    if any(char.isdigit() for char in label):
        return "<subject>"  # sub_001, sub-01, subject-007, ses1
    if separator != "-" or prefix not in ("sub", "ses"):
        return match.group(0)  # sub_dir, subject-specific, session-based
    text, end = match.string, match.end()
    in_bids_name = end < len(text) and text[end] in "_/\\"
    if prefix == "ses" or in_bids_name or not label.islower() or label not in _SUB_WORDS:
        return "<subject>"  # ses-pre, sub-pilot, sub-CON, sub-pilot_T1w
    return match.group(0)  # sub-optimal, sub-sampling


def subjects(text: str) -> str:
    return _SUBJECT.sub(_subject, text)


# -- the machine's own names --------------------------------------------------------------

_WORD = r"[A-Za-z0-9_]"
_SURNAME = r"(?-i: [A-Z][a-z]+(?:-[A-Z][a-z]+)?)"  # "jane Doe", "max Mustermann-Meier"


def _name_parts(value: str) -> list[str]:
    return [part for part in re.split(r"[\s._-]+", value) if len(part) >= 2]


def _name_candidates(user: str | None, host: str | None, full_name: str | None) -> dict[str, str]:
    """Every spelling to look for (lower case) -> its placeholder."""
    found: dict[str, str] = {}
    for value, placeholder in ((host, "<host>"), (user, "<user>"), (full_name, "<user>")):
        if not value or len(value) < 2:
            continue
        found[" ".join(value.split()).lower()] = placeholder
        parts = _name_parts(value)
        if placeholder == "<user>" and len(parts) >= 2:
            found.setdefault(" ".join(parts).lower(), placeholder)  # jane.doe -> "Jane Doe"
            for part in parts:
                found.setdefault(part.lower(), placeholder)
    return found


def _stands_as_name(text: str, start: int, end: int, name: str) -> bool:
    """A name in a path segment, next to @, of 4 characters or more, or of several words."""
    before, after = text[start - 1:start], text[end:end + 1]
    return len(name) >= 4 or " " in name or before in ("/", "\\", "@") or after in ("/", "\\", "@")


def names(user: str | None, host: str | None, full_name: str | None = None) -> Step:
    """A step replacing the user name, host name and full name where they stand as names.

    Not as any substring: `max_iter`, `chroot` and `np.max` stay even for the user `max`.
    A capitalised word right after the user name is its surname and goes too, when the user
    name is itself written as a name: capitalised (`Max Mustermann`) or standing as one
    (`jane Doe`); `np.max Python` stays.
    """
    candidates = _name_candidates(user, host, full_name)
    if not candidates:
        return lambda text: text
    spellings = sorted(candidates, key=len, reverse=True)  # "jane doe" before "jane"
    alternatives = "|".join(r"\s+".join(map(re.escape, s.split(" "))) for s in spellings)
    pattern = re.compile(rf"(?<!{_WORD})(?<!<)({alternatives})({_SURNAME})?(?!{_WORD})(?!>)", re.IGNORECASE)
    users = {s for s, placeholder in candidates.items() if placeholder == "<user>"}

    def replace_name(match: re.Match) -> str:
        written, surname = match.group(1), match.group(2) or ""
        name = " ".join(written.lower().split())
        as_name = _stands_as_name(match.string, match.start(), match.end(1), name)
        if surname and name in users and (as_name or written[0].isupper()):
            return candidates[name]
        return candidates[name] + surname if as_name else match.group(0)

    return lambda text: pattern.sub(replace_name, text)


@dataclass(frozen=True)
class Scrubber:
    steps: tuple[Step, ...]
    limit: int | None = CUT_AT  # None: scrub the whole text (benchmarks only)

    def __call__(self, text: str) -> str:
        text = cut(text, self.limit)
        for step in self.steps:
            text = step(text)
        return text

    def with_steps(self, extra: Iterable[Step]) -> "Scrubber":
        return replace(self, steps=self.steps + tuple(extra))


def machine_names() -> tuple[str | None, str | None]:
    try:
        user = getpass.getuser()
    except Exception:  # no user database entry (containers): nothing to scrub by name
        user = os.environ.get("USER") or os.environ.get("USERNAME")
    try:
        host = socket.gethostname().split(".")[0]
    except OSError:
        host = None
    return user, host


def account_full_name() -> str | None:
    """The user's full name as the system knows it (the GECOS field, or Windows' display name)."""
    try:
        if os.name == "nt":
            return _windows_display_name()
        import pwd

        full = pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
        return full or None
    except Exception:  # no account database entry, no such API: the user name still applies
        return None


def _windows_display_name() -> str | None:
    import ctypes

    size = ctypes.c_ulong(256)
    buffer = ctypes.create_unicode_buffer(size.value)
    name_display = 3  # EXTENDED_NAME_FORMAT.NameDisplay
    if ctypes.windll.secur32.GetUserNameExW(name_display, buffer, ctypes.byref(size)):  # type: ignore[attr-defined]
        return buffer.value.strip() or None
    return None


# Every step but the names, in the order they run (an e-mail inside a URL goes with the URL).
TEXT_STEPS = (urls, emails, secrets, paths, domains, files, ip_addresses, phones, subjects)


def scrubber_for(user: str | None, host: str | None, full_name: str | None = None,
                 limit: int | None = CUT_AT) -> Scrubber:
    """The scrubber for one account: every text step, then that account's names."""
    return Scrubber(TEXT_STEPS + (names(user, host, full_name),), limit)


def default_scrubber() -> Scrubber:
    user, host = machine_names()
    return scrubber_for(user, host, account_full_name())
