"""QR codes printed for years (risk point labels, the public report poster): the absolute
link they carry and its image."""
import base64
import io
from urllib.parse import urlsplit, urlunsplit

import qrcode
from flask import current_app, request, url_for
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pil import PilImage


def public_link(endpoint: str, **values) -> str:
    """The page's absolute address; PUBLIC_BASE_URL replaces the request's scheme and host
    so that codes printed behind a proxy or on a laptop point at the real site."""
    link = url_for(endpoint, **values, _external=True)
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return link
    public = urlsplit(base.rstrip("/"))
    path = urlsplit(link)
    return urlunsplit((public.scheme, public.netloc, public.path + path.path, path.query, ""))


def address_from_request() -> str | None:
    """The address printed codes take from the request, when PUBLIC_BASE_URL does not set
    it: whoever prints is shown it, since a printed code carries it for years."""
    if current_app.config.get("PUBLIC_BASE_URL"):
        return None
    return request.host_url.rstrip("/")


def qr_png(text: str) -> bytes:
    # M keeps the code readable with a smudge or a scratch, yet small for a short link.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4,
                         image_factory=PilImage)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_data_uri(text: str) -> str:
    """Inline image, so a printed sheet needs no further requests."""
    return "data:image/png;base64," + base64.b64encode(qr_png(text)).decode("ascii")
