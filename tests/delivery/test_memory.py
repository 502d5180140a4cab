"""What a sending process loads (issue 14, peak memory): the keyring only when a secret of
ours may be in it. Real app processes, a real loopback receiver; the sizes themselves are
measured by bench/delivery.py, never here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tit_app import telemetry
from tit_app.telemetry.destinations import registry, secrets
from tit_app.telemetry.testing import isolated_telemetry

APP = """
import json, sys
from tit_app import telemetry
for n in range(3):
    telemetry.track_event("sim_ti", {"status": "success", "grid_size": n})
delivered = telemetry.flush(5.0)
loaded = {name: name in sys.modules for name in ("keyring", "requests")}
print(json.dumps({"delivered": delivered, **loaded}))
"""


def agreed(home, env: dict) -> None:
    """A returning user: consent given, the review wait over."""
    with isolated_telemetry(home, consent=True, env=env):
        settings = telemetry.load_config()
        settings.receipt["at"] -= 120
        telemetry.save_config(settings)


def run_app(home, env: dict) -> dict:
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("TIT_", "OTEL_")) and k != "DO_NOT_TRACK"}
    child_env.update(TIT_HOME=str(home), TIT_POLICY_FILE=str(home / "policy.toml"), **env,
                     PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")  # never the machine's keyring
    done = subprocess.run([sys.executable, "-c", APP], env=child_env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_delivering_without_a_stored_secret_does_not_open_the_keyring(sink, isolated_env):
    env = {"TIT_JSON_ENDPOINT": sink.url + "/events"}
    home = isolated_env
    agreed(home, env)
    secrets.record_path().unlink(missing_ok=True)  # settings as 0.1.0 left them: nothing recorded yet
    first, second = run_app(home, env), run_app(home, env)
    # The first process looks in the keyring once and notes that nothing of ours is there.
    assert first == {"delivered": True, "keyring": True, "requests": True}
    assert json.loads(secrets.record_path().read_text())["entries"] == {"json_token": False}
    assert second == {"delivered": True, "keyring": False, "requests": True}
    assert sum(len(json.loads(r.body)["events"]) for r in sink.requests) == 7  # first_run and 2 x 3 tracked


def test_a_secret_stored_with_set_secret_is_looked_up_in_every_process(sink, isolated_env):
    env = {"TIT_JSON_ENDPOINT": sink.url + "/events"}
    home = isolated_env
    agreed(home, env)
    secrets.set_secret(registry.secrets()["json_token"], "json-bearer-token-abcdef-987654")
    assert json.loads(secrets.record_path().read_text())["entries"] == {"json_token": True}
    assert run_app(home, env)["keyring"] is True
    assert json.loads(secrets.record_path().read_text())["entries"] == {"json_token": True}
