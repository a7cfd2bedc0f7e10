"""A local HTTP endpoint that plays a push service or a group-robot platform in tests:
it records every request and answers with what the test tells it to."""
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Received:
    path: str
    query: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Endpoint:
    url: str
    received: list[Received] = field(default_factory=list)
    # path -> list of (status, JSON answer); the last one repeats.
    answers: dict = field(default_factory=dict)

    def answer(self, path: str, *replies):
        self.answers[path] = list(replies)

    def to(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]


def serve():
    """(Endpoint, stop function)."""
    lock = threading.Lock()
    endpoint = Endpoint(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                endpoint.received.append(Received(parts.path, parts.query,
                                                  {k.lower(): v for k, v in self.headers.items()},
                                                  body))
                replies = endpoint.answers.get(parts.path) or [(201, {"errcode": 0, "code": 0})]
                status, answer = replies.pop(0) if len(replies) > 1 else replies[0]
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    endpoint.url = f"http://127.0.0.1:{server.server_address[1]}"
    # shutdown() waits for the next poll: a short one keeps each test's teardown quick.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01},
                              daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
        thread.join()
    return endpoint, stop
