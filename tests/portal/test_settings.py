import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _import_settings(**overrides: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "SIMPUL_SECRET_KEY"}
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_refuses_the_public_development_key():
    refused = _import_settings(SIMPUL_DEBUG="0")

    assert refused.returncode != 0
    assert "SIMPUL_SECRET_KEY" in refused.stderr


def test_production_mode_starts_with_a_key_of_its_own():
    assert _import_settings(SIMPUL_DEBUG="0", SIMPUL_SECRET_KEY="a-real-secret").returncode == 0
