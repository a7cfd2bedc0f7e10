"""gunicorn (2 workers x 4 threads, as `make run`) on a fresh demo database, for the
bench scripts: `with demo_server(port) as work: ...`."""
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def demo_server(port: int):
    """Yields a scratch folder while the server answers on the port; stops it afterwards."""
    work = Path(tempfile.mkdtemp(prefix="zicha-bench-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
           "SECRET_KEY": "bench", "PHOTO_DIR": str(work / "photos")}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4",
                               "-b", f"127.0.0.1:{port}", "app:create_app()"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield work
    finally:
        server.terminate()
        server.wait()
