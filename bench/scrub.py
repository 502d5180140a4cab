"""Speed and coverage of the privacy scrubber: ``.venv/bin/python bench/scrub.py``.

Prints, for the default scrubber:
- how many of 30 kinds of personal or secret text survive (each in a short message),
- how many legitimate messages it changes (it should change none),
- the median time to scrub 100 KB and 1 MB of realistic mixed text (error messages with
  paths, e-mail addresses, keys, addresses and phone numbers, and now and then a long hex
  payload quoted in an error) and of one error quoting a 100 KB or 1 MB payload (the worst
  case of a backtracking scrubber), with the length cut the app uses (targets: 100 KB
  <= 20 ms, 1 MB <= 200 ms), and beside it the time of the regex pass over the whole text
  without the cut, which shows that the patterns themselves are linear.
Exits non-zero if a target is missed, a kind survives or a legitimate message changes.

``--module PATH`` measures another copy of scrub.py instead (e.g. an older commit's, from
a git worktree) and only reports. Every timing runs in a child process that is stopped
after ``--timeout`` seconds (30 by default), so a quadratic scrubber cannot hang the bench.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import inspect
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OWN_MODULE = ROOT / "tit_app" / "telemetry" / "scrub.py"
TARGETS_S = {100_000: 0.020, 1_000_000: 0.200}
KINDS = ("mixed", "one payload")  # realistic mixed lines; a single error quoting a huge payload
USER, HOST, FULL_NAME = "jane", "neurolab-ws07", "Jane Marie Kowalski"

# (kind, message, parts that must not survive)
CLASSES = [
    ("posix home path", "No such file: '/home/okafor/data/x.nii.gz'", ["okafor"]),
    ("windows path", r"C:\Users\okafor\Documents\montage.csv missing", ["okafor"]),
    ("UNC path", r"\\fileserver\share\okafor\subjects.tsv", ["okafor", "fileserver"]),
    ("tilde path", "saved to ~/okafor/map.png", ["okafor"]),
    ("file URL", "file:///Users/okafor/x.nii", ["okafor"]),
    ("URL credentials and query", "GET https://okafor:pw1234@example.org/a?token=x9x9 failed",
     ["okafor", "pw1234", "x9x9"]),
    ("e-mail", "contact okafor@uni-example.edu", ["okafor"]),
    ("IPv4", "peer 192.168.10.4 refused", ["192.168.10.4"]),
    ("IPv6", "bind 2001:db8::8a2e:370:7334", ["2001:db8::8a2e:370:7334"]),
    ("bearer token", "Authorization: Bearer abcdEFGH1234", ["abcdEFGH1234"]),
    ("key=value secret", "api_key=ZXCV9876 rejected", ["ZXCV9876"]),
    ("long token", "token 0123456789abcdef0123456789abcdef", ["0123456789abcdef"]),
    ("BIDS subject", "sub-01 failed", ["sub-01"]),
    ("user name", "login jane failed", ["jane"]),
    ("host name", "cannot reach neurolab-ws07", ["neurolab-ws07"]),
    ("surname next to the user name", "report by jane Doe", ["Doe"]),
    ("full name", "owner: Jane Marie Kowalski", ["Marie", "Kowalski"]),
    ("windows path with spaces", r"C:\Users\Amara Okoye\Documents\scan3.nii missing", ["Okoye", "scan3"]),
    ("posix path with spaces", "/home/amara okoye/data/x.nii missing", ["okoye"]),
    ("neuroimaging file name", "cannot read okoye_scan3.nii or sub-01_T1w.nii.gz", ["okoye_scan3", "T1w.nii"]),
    ("subject id with underscore", "sub_001 has no T1w", ["sub_001"]),
    ("short API key", "key sk_live_4eC39HqLyj rejected", ["4eC39HqLyj"]),
    ("AWS key id", "id AKIAIOSFODNN7EXAMPLE", ["IOSFODNN7EXAMPLE"]),
    ("JWT", "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.SflKxwRJSMeKKF2QT4fw", ["SflKxwRJSMeKKF2QT4fw"]),
    ("password in prose", 'password="correct horse" and the pwd is hunter2', ["correct horse", "hunter2"]),
    ("MAC address", "nic 00:1a:2b:3c:4d:5e", ["00:1a:2b:3c:4d:5e"]),
    ("URL-encoded e-mail", "mailto okafor%40example.org", ["okafor"]),
    ("host of a scheme-less URL", "fetch example.org/path failed", ["example.org"]),
    ("bare domain name", "server lab.example.org down", ["lab.example.org"]),
    ("phone number", "call +44 20 7946 0958 or (555) 123-4567", ["7946 0958", "123-4567"]),
]

LEGITIMATE = [
    "grid size must be positive", "expected 4 electrodes, got 3", "KeyError: 'Cz'",
    "plane must be one of axial, coronal, sagittal", "plane must be axial/coronal/sagittal",
    "numpy 1.26.4", "numpy@1.26", "Python 3.11.7", "version 1.2.3.4", "array of shape (128, 128)",
    "division by zero", "sub-optimal result", "max_iter must be positive", "root_dir is missing",
]
COMMON_WORD_USER, COMMON_WORD_HOST = "max", "root"  # for the legitimate messages

TEMPLATES = [
    "FileNotFoundError: [Errno 2] No such file or directory: '/home/{user}/data/sub-{n:02d}/anat/sub-{n:02d}_T1w.nii.gz'",
    r"OSError: cannot write C:\Users\{User} {Last}\Documents\tit\montage_{n}.csv",
    "ConnectionError: https://{user}:{pw}@collector.example.org/v1/traces?token={token} refused",
    "contact {user}.{last}@uni-example.edu or +44 20 7946 {n:04d}",
    "HTTP 401: Authorization: Bearer {token} rejected, api_key={pw}",
    "ValueError: grid size must be positive (got -{n})",
    "expected 4 electrodes, got 3 in montage {n}",
    "peer 10.{a}.{b}.{c} refused; nic 00:1a:2b:3c:4d:{a:02x}",
    "plane must be one of axial, coronal, sagittal",
    "numpy 1.26.4 on Python 3.11.7: array of shape (128, 128)",
    "jwt eyJhbGciOiJIUzI1NiJ9.eyJ{token}.{pw} expired for {User} {Last} ({user}@{host})",
]


def payload_line(rng: random.Random) -> str:
    """An error quoting a payload in hex: one long run of letters and digits, where a
    backtracking pattern that may start anywhere in the run turns quadratic."""
    blob = rng.randbytes(rng.randrange(1_000, 8_000)).hex()
    return f"ValueError: bad checksum for frame 0x{blob} from {rng.choice(['okafor', 'jane'])}@example.org"


def text_of(kind: str, size: int) -> str:
    if kind == "one payload":
        return f"ValueError: bad checksum for frame 0x{random.Random(11).randbytes(size // 2).hex()}"[:size]
    return realistic_text(size)


def realistic_text(size: int) -> str:
    rng = random.Random(11)
    lines, total = [], 0
    while total < size:
        if rng.random() < 0.005:  # one line in two hundred; by length, about 40 % of the text
            lines.append(payload_line(rng))
            total += len(lines[-1]) + 1
            continue
        line = rng.choice(TEMPLATES).format(
            user=rng.choice(["okafor", "mkowalski", "jane"]), User=rng.choice(["Amara", "Maria", "Jane"]),
            last=rng.choice(["okoye", "nowak", "doe"]), Last=rng.choice(["Okoye", "Nowak", "Doe"]),
            host=rng.choice(["neurolab-ws07", "lab-pc3"]), n=rng.randrange(1000),
            a=rng.randrange(256), b=rng.randrange(256), c=rng.randrange(256),
            pw="".join(rng.choices("abcdefXYZ0123456789", k=12)),
            token="".join(rng.choices("abcdefghijklmnopABCDEF0123456789_-", k=rng.choice([16, 24, 40]))),
        )
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines)[:size]


def load(path: Path):
    spec = importlib.util.spec_from_file_location("scrub_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def with_names(module, user: str, host: str, full_name: str | None):
    """The module's default steps with its names step for a fixed identity (older versions
    of `names` take no full name)."""
    default = module.default_scrubber()
    takes_full_name = len(inspect.signature(module.names).parameters) >= 3
    step = module.names(user, host, full_name) if takes_full_name else module.names(user, host)
    return dataclasses.replace(default, steps=tuple(default.steps[:-1]) + (step,))


def without_cut(scrubber):
    fields = {field.name for field in dataclasses.fields(scrubber)}
    return dataclasses.replace(scrubber, limit=None) if "limit" in fields else None


def survivors(module) -> list[str]:
    scrub = with_names(module, USER, HOST, FULL_NAME)
    return [kind for kind, text, parts in CLASSES if any(part in scrub(text) for part in parts)]


def changed_legitimate(module) -> list[str]:
    scrub = with_names(module, COMMON_WORD_USER, COMMON_WORD_HOST, None)
    return [text for text in LEGITIMATE if scrub(text) != text]


def median_seconds(scrub, text: str, repeats: int) -> float:
    """Median of `repeats` runs; a run over a second is not repeated (the old, quadratic
    scrubber would otherwise never finish within the timeout)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        scrub(text)
        times.append(time.perf_counter() - start)
        if times[-1] > 1.0:
            break
    return statistics.median(times)


def child(module_path: Path, kind: str, size: int, cut: bool) -> None:
    """Runs in the child process: print one median time in seconds."""
    scrubber = load(module_path).default_scrubber()
    if not cut:
        scrubber = without_cut(scrubber) or scrubber
    text = text_of(kind, size)
    repeats = 9 if cut else 3
    print(median_seconds(scrubber, text, repeats))


def timed(module_path: Path, kind: str, size: int, cut: bool, timeout: float) -> float | None:
    """Median seconds measured in a child process, or None if it ran past `timeout`."""
    command = [sys.executable, __file__, "--child", str(module_path), kind, str(size), "cut" if cut else "full"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return float(done.stdout.strip())


def shown(seconds: float | None, timeout: float) -> str:
    return f"> {timeout:.0f} s (stopped)" if seconds is None else f"{seconds * 1000:.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", type=Path, default=OWN_MODULE, help="the scrub.py to measure")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds allowed per timing")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1], int(args.child[2]), args.child[3] == "cut")
        return 0

    module = load(args.module)
    own = args.module.resolve() == OWN_MODULE
    survived, changed = survivors(module), changed_legitimate(module)
    has_cut = without_cut(module.default_scrubber()) is not None
    print(f"scrubber: {args.module}")
    print(f"kinds of personal text that survive: {len(survived)} of {len(CLASSES)}"
          + (f" ({', '.join(survived)})" if survived else ""))
    print(f"legitimate messages changed: {len(changed)} of {len(LEGITIMATE)}"
          + (f" ({'; '.join(changed)})" if changed else ""))
    print(f"{'text':<20}  {'default scrubber (target)':<34}  regex pass over the whole text")
    missed = bool(survived or changed)
    for kind in KINDS:
        for size, target in TARGETS_S.items():
            with_cut = timed(args.module, kind, size, True, args.timeout)
            full = timed(args.module, kind, size, False, args.timeout) if has_cut else with_cut
            ok = with_cut is not None and with_cut <= target
            missed |= not ok
            label = f"{shown(with_cut, args.timeout)} (<= {target * 1000:.0f} ms{'' if ok else ', MISSED'})"
            size_label = f"{size // 1000} KB" if size < 1_000_000 else f"{size // 1_000_000} MB"
            print(f"{kind + ', ' + size_label:<20}  {label:<34}  {shown(full, args.timeout)}")
    return 1 if own and missed else 0


if __name__ == "__main__":
    sys.exit(main())
