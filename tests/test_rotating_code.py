"""The rotating sign-in code, shared by the morning briefing and the first lesson."""
import shutil
import subprocess
from pathlib import Path

import pytest

from blueprints.common import rotating_code

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_screens_code_is_the_servers():
    """rotating-code.js computes the code with no signal: its SHA-256 and HMAC give the server's."""
    cases = [(rotating_code.new_secret(), 17, 29_876_543), ("x" * 100, 123456, 1), ("s", 1, 0)]
    script = ("import {readFileSync} from 'fs';"
              f"const source = readFileSync({str(ROOT / 'static/js/rotating-code.js')!r}, 'utf8');"
              "const {signInCode} = await import('data:text/javascript,' + encodeURIComponent(source));"
              f"for (const [s, id, m] of {[list(c) for c in cases]!r}) console.log(signInCode(s, id, m));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True,
                         check=True, timeout=30).stdout.split()
    assert out == [rotating_code.code_for(*case) for case in cases]
