"""Photos from phones: refused when bad, turned upright, decoded before the write lock,
stored outside static/ under a pending name until committed, swept after a crash, and
shown only to those who may see the record they belong to."""
import io
import os
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageFile
from sqlalchemy import event

from blueprints.common.extensions import db
from blueprints.hazards import transitions
from blueprints.inspections import services as inspections
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
    (png_declaring(5000, 4000), "照片像素过多"),  # 20 MP: a PNG is decoded whole
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


def test_a_50_megapixel_phone_photo_is_taken_and_decoded_small(app, ent, monkeypatch):
    """Is a 50 MP JPEG (8160 x 6120) accepted, and decoded at a reduced scale rather than
    whole?"""
    decoded = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load",
                        lambda image: (decoded.append(image.size), load(image))[1])
    photo = services.save_photo(jpeg((8160, 6120)), ent.enterprise.id, ent.worker.id)
    assert (photo.width, photo.height) == (1600, 1200)
    assert decoded and max(w * h for w, h in decoded) <= 8160 * 6120 // 16


def test_photos_are_stored_outside_static(app, ent):
    """Does the photo file land in PHOTO_DIR, not under static/?"""
    photo = services.save_photo(jpeg(), ent.enterprise.id, ent.worker.id)
    db.session.commit()
    path = Path(app.config["PHOTO_DIR"]) / photo.storage_key
    assert path.exists()
    assert ROOT / "static" not in path.resolve().parents


def test_photos_are_served_only_inside_the_enterprise(app, client, auth, ent):
    """Is a photo shown to a logged-in colleague who may see its hazard, sent to login
    otherwise, and a 404 to another enterprise?"""
    photo = services.save_photo(jpeg(), ent.enterprise.id, ent.worker.id)
    factories.make_hazard(ent, reporter=ent.worker, photo_id=photo.id)
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


@pytest.mark.file_database  # watches the request's own BEGIN on the engine
@pytest.mark.parametrize("remembered", [False, True], ids=["session", "remember-me cookie only"])
def test_photos_are_decoded_before_the_request_touches_the_database(app, client, auth, ent,
                                                                     monkeypatch, remembered):
    """Is an uploaded photo decoded before the request opens its transaction (under SQLite
    the write lock), so that the lock is held only for the file write and the insert? Also
    for a phone whose browser dropped the session cookie and logs in by its remember-me one."""
    auth.login(ent.worker, remember=remembered)
    if remembered:
        client.delete_cookie("session")
    data = {"description": "法兰渗漏", "location": "", "department_id": str(ent.department.id),
            "risk_point_id": "", "category": "onsite", "client_uuid": "",
            "photo": (io.BytesIO(jpeg((2400, 1800))), "leak.jpg")}
    db.session.commit()  # the test's own session holds no transaction either
    steps = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: (
        steps.append(("decode", db.session().in_transaction())), load(image))[1])
    event.listen(db.engine, "begin", lambda _connection: steps.append("begin"))
    response = client.post("/hazards/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert steps[0] == ("decode", False) and "begin" in steps
    assert ("decode", True) not in steps  # not decoded a second time inside the transaction
    assert factories.count(Photo) == 1


def _files(app) -> set[str]:
    root = Path(app.config["PHOTO_DIR"])
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _age(app, hours: float) -> None:
    past = time.time() - hours * 3600
    for name in _files(app):
        os.utime(Path(app.config["PHOTO_DIR"]) / name, (past, past))


def test_a_photo_file_is_final_only_after_its_row_is_committed(app, ent):
    """Is the file written under a pending name, made final by the commit, and removed by
    a rollback?"""
    photo = services.save_photo(jpeg(), ent.enterprise.id, ent.worker.id)
    assert _files(app) == {photo.storage_key + ".pending"}
    db.session.commit()
    assert _files(app) == {photo.storage_key}
    services.save_photo(jpeg(), ent.enterprise.id, ent.worker.id)
    db.session.rollback()
    assert _files(app) == {photo.storage_key}


def test_sweep_settles_what_a_crash_left_behind(app, ent):
    """After a crash: is an hour-old pending file with no row removed, one whose row was
    committed made final, a final file with no row removed, and a recent upload left
    alone? Does a second sweep change nothing?"""
    kept = services.save_photo(jpeg(), ent.enterprise.id, ent.worker.id)
    db.session.info.pop("photos_uncommitted")  # killed before publishing
    db.session.commit()
    services.save_photo(jpeg(), ent.enterprise.id, ent.worker.id)
    db.session.info.pop("photos_uncommitted")
    db.session.rollback()  # killed before committing: the row is gone, the file is not
    storage.put_pending("1/stray.jpg", b"x")
    storage.publish("1/stray.jpg")  # a final file that no row names
    assert storage.get(kept.storage_key)  # readable until the sweep publishes it
    _age(app, 2)
    recent = services.save_photo(jpeg(), ent.enterprise.id, ent.worker.id)
    assert services.sweep() == {"published": 1, "removed": 2}
    assert _files(app) == {kept.storage_key, recent.storage_key + ".pending"}
    assert services.sweep() == {"published": 0, "removed": 0}


def test_sweep_photos_command(app, ent):
    """Does `flask sweep-photos` run the sweep and say what it did?"""
    result = app.test_cli_runner().invoke(args=["sweep-photos"])
    assert result.exit_code == 0 and "removed: 0" in result.output


def _hazard_with_photos(ent):
    report = services.save_photo(jpeg(), ent.enterprise.id, ent.worker.id)
    hazard = factories.make_hazard(ent, reporter=ent.worker, state="assigned", team=None,
                                   photo_id=report.id)
    fix = services.save_photo(jpeg(), ent.enterprise.id, ent.worker.id)
    transitions.add_event(hazard, "rectified", ent.worker, note="已更换", photo_id=fix.id)
    db.session.commit()
    return report, fix


def test_a_hazard_photo_is_shown_only_to_who_may_see_the_hazard(app, client, auth, ent):
    """Are a hazard's report and rectification photos shown to its reporter and the safety
    staff, but a 404 to a worker of the same enterprise who may not see the hazard?"""
    report, fix = _hazard_with_photos(ent)
    outsider = factories.make_user(ent.enterprise, team=factories.make_team(ent.department))
    db.session.commit()
    for user, status in ((ent.worker, 200), (ent.director, 200), (outsider, 404)):
        auth.login(user)
        for photo in (report, fix):
            assert client.get(f"/photos/{photo.id}.jpg").status_code == status, user.employee_no
        auth.logout()


def test_a_check_photo_is_shown_only_to_who_may_see_the_check(app, client, auth, ent):
    """Is the photo of a check item shown to whoever may see the check record (the worker
    who did it, the team leader) and a 404 to another team's worker?"""
    first, *rest = ent.point.checklist.items
    result = inspections.submit_check(ent.worker, ent.point, "team", "shift", [
        inspections.Answer(first.id, "ok", photo=jpeg()),
        *(inspections.Answer(item.id, "ok") for item in rest)])
    db.session.commit()
    [photo_id] = [a.photo_id for a in result.inspection.answers if a.photo_id]
    other_team = factories.make_team(ent.department)
    outsider = factories.make_user(ent.enterprise, team=other_team)
    db.session.commit()
    for user, status in ((ent.worker, 200), (ent.team_leader, 200), (outsider, 404)):
        auth.login(user)
        assert client.get(f"/photos/{photo_id}.jpg").status_code == status, user.employee_no
        auth.logout()


def test_no_photo_is_decoded_for_a_visitor_who_is_not_logged_in(app, client, ent, monkeypatch):
    """Is an upload from someone not logged in sent to the login without being decoded?"""
    decoded = []
    monkeypatch.setattr(services, "prepare", lambda data: decoded.append(data))
    response = client.post("/hazards/new", content_type="multipart/form-data",
                           data={"photo": (io.BytesIO(jpeg((2400, 1800))), "x.jpg")})
    assert response.status_code == 302 and decoded == []
