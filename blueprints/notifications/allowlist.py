"""Outgoing calls go only to hosts on a list, so that the server cannot be made to call
arbitrary addresses through a subscription endpoint or a webhook URL."""
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def url_allowed(url: str, patterns) -> bool:
    """https to a listed host ("*.example.com" matches subdomains); plain http only to a
    listed loopback address (a test's local endpoint)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        _port = parts.port  # raises on a malformed port
    except ValueError:
        return False
    if parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        return False
    if parts.scheme == "http" and host not in LOOPBACK:
        return False
    return any(fnmatchcase(host, pattern.lower()) for pattern in patterns)
