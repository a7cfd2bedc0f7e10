"""Photos from phones: refused when bad, turned upright, stored outside static/, and
shown only to logged-in users of the same enterprise."""
import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from blueprints.common.extensions import db
from blueprints.photos import services, storage
from blueprints.photos.models import Photo
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def jpeg(size=(40, 20), exif_orientation=None) -> bytes:
    image = Image.new("RGB", size, (10, 120, 200))
    out = io.BytesIO()
    if exif_orientation is None:
        image.save(out, "JPEG")
    else:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("data, message", [
    (b"", "照片为空"),
    (b"%PDF-1.4 not a photo", "无法识别该文件为照片"),
    (b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024), "照片过大"),
    (png_declaring(20000, 20000), "照片像素过多"),
    (png_declaring(8000, 6000), "照片像素过多"),  # under Pillow's own limit, over ours
])
def test_bad_uploads_are_refused(app, ent, data, message):
    """Are empty files, non-images, files over 10 MB and decompression bombs refused,
    leaving no photo row?"""
    with pytest.raises(services.PhotoRejected) as refused:
        services.save_photo(data, ent.enterprise.id, ent.worker.id)
    with app.test_request_context():  # the message is translated for the user's request
        assert message in str(refused.value)
    assert db.session.query(Photo).count() == 0


def test_a_gif_is_refused_by_its_content(app, ent):
    """Is a real GIF refused even though Pillow can read it?"""
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(services.PhotoRejected):
        services.save_photo(out.getvalue(), ent.enterprise.id, ent.worker.id)


def test_exif_orientation_is_applied(app, ent):
    """Is a portrait photo taken with the phone on its side (EXIF orientation 6) stored upright?"""
    photo = services.save_photo(jpeg((40, 20), exif_orientation=6), ent.enterprise.id, ent.worker.id)
    assert (photo.width, photo.height) == (20, 40)
    stored = Image.open(io.BytesIO(storage.get(photo.storage_key)))
    assert stored.size == (20, 40)
    assert 0x0112 not in stored.getexif()  # re-encoded: no EXIF left (no GPS either)


def test_big_photos_are_shrunk_to_1600_px(app, ent):
    """Is a large photo shrunk so that its longer side is at most 1600 px?"""
    photo = services.save_photo(jpeg((3200, 2400)), ent.enterprise.id, ent.worker.id)
    assert (photo.width, photo.height) == (1600, 1200)


def test_photos_are_stored_outside_static(app, ent):
    """Does the photo file land in PHOTO_DIR, not under static/?"""
    photo = services.save_photo(jpeg(), ent.enterprise.id, ent.worker.id)
    path = Path(app.config["PHOTO_DIR"]) / photo.storage_key
    assert path.exists()
    assert ROOT / "static" not in path.resolve().parents


def test_photos_are_served_only_inside_the_enterprise(app, client, auth, ent):
    """Is a photo shown to a logged-in colleague, sent to login otherwise, and a 404 to
    another enterprise?"""
    photo = services.save_photo(jpeg(), ent.enterprise.id, ent.worker.id)
    other = factories.standard_enterprise()
    db.session.commit()
    url = f"/photos/{photo.id}.jpg"
    assert client.get(url).status_code == 302
    auth.login(ent.worker2, enterprise_code=ent.enterprise.code)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data == storage.get(photo.storage_key)
    auth.logout()
    auth.login(other.worker, enterprise_code=other.enterprise.code)
    assert client.get(url).status_code == 404


def test_no_photo_chosen_is_no_photo(app, ent):
    """Does an empty file field in a form mean no photo rather than an error?"""
    from werkzeug.datastructures import FileStorage
    assert services.save_upload(FileStorage(io.BytesIO(b""), filename=""), ent.enterprise.id, None) is None
