"""QR codes of risk points: the link a label carries and its image."""
import base64
import io
from urllib.parse import urlsplit, urlunsplit

import qrcode
from flask import current_app, request, url_for
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pil import PilImage


def scan_link(token: str) -> str:
    """The absolute scan address; PUBLIC_BASE_URL replaces the request's scheme and host
    so that labels printed behind a proxy or on a laptop point at the real site."""
    link = url_for("inspections.scan", token=token, _external=True)
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return link
    public = urlsplit(base.rstrip("/"))
    path = urlsplit(link)
    return urlunsplit((public.scheme, public.netloc, public.path + path.path, path.query, ""))


def address_from_request() -> str | None:
    """The address labels take from the request, when PUBLIC_BASE_URL does not set it:
    the printing admin is shown it, since a label carries it for years."""
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
