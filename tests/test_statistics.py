"""The statistics of a period: each hazard figure is the count of the ledger rows it links
to; the checks done, due and missed per period, by team and by level, as what is due says;
the briefings held; who sees which figures; the principal's home."""
import re

import pytest

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.inspections import services
from tests import factories
from tests.factories_briefings import hold_briefing
from tests.factories_ledger import at, check_done, found, known_hazards, shift_checked, utc

PERIOD = "from=2026-01-01&to=2026-06-10"


def figures(html: str, endpoint: str) -> list[tuple[str, str]]:
    """(number, link) of each figure tile linking to `endpoint`'s path."""
    return [(number, href) for href, number in re.findall(
        r'<a class="figure[^"]*" href="(' + re.escape(endpoint) + r'[^"]*)"><strong>([^<]*)</strong>',
        html.replace("&amp;", "&"))]


def ledger_rows(client, href: str) -> int:
    """The rows of a hazard ledger: its sheet tabs' counts added up, or of a link to one
    sheet, that sheet's."""
    html = client.get(href).get_data(as_text=True)
    tab = r'class="tab current"' if "sheet=" in href else r'class="tab[^"]*"'
    return sum(int(n) for n in re.findall(tab + r'[^>]*>[^<]*<span class="badge">(\d+)</span>', html))


def test_every_hazard_figure_is_the_count_of_the_ledger_rows_it_links_to(client, auth, ent):
    known_hazards(ent)
    auth.login(ent.director)
    html = client.get(f"/statistics?{PERIOD}").get_data(as_text=True)
    tiles = figures(html, "/hazards/ledger")
    numbers = {href.split("&", 2)[-1] if href.count("&") > 1 else "": number for number, href in tiles}
    # The known set: four found this year (last year's not), one closed on time, one late
    # (extended twice, closed five days after), two open of which one past its deadline.
    assert numbers[""] == "4" and numbers["state=open"] == "2" and numbers["state=overdue"] == "1"
    assert numbers["state=closed_on_time"] == "1" and numbers["state=closed_late"] == "1"
    assert numbers["grade=major"] == "1" and numbers["grade=general"] == "3"
    assert numbers["sheet=onsite"] == "3" and numbers["sheet=management"] == "1"
    assert numbers["source=direct"] == "4" and numbers["source=check"] == "0"
    # Days to close: (34 days 6 h + 5 days) / 2.
    assert numbers["state=closed"] == "19.6"
    for number, href in tiles:
        if href.endswith("state=closed"):
            continue
        assert ledger_rows(client, href) == int(number), href


@pytest.fixture
def other(ent):
    """The known set, and a hazard of another department found on 8 June."""
    known_hazards(ent)
    other = factories.make_department(ent.enterprise, "储运车间")
    found(ent, "2026-06-08", "储罐区护栏缺失", department_id=other.id)
    db.session.commit()
    clock.freeze(at("2026-06-10"))
    return other


def test_the_department_bars_and_the_trend_count_the_same_hazards(client, auth, ent, other):
    auth.login(ent.director)
    html = client.get(f"/statistics?{PERIOD}").get_data(as_text=True)
    assert "合成车间" in html and "储运车间" in html
    assert "4 个发现" in html and "1 个发现" in html
    linked = re.search(rf'href="/hazards/ledger\?from=2026-01-01&amp;to=2026-06-10&amp;department={other.id}'
                       r'&amp;state=open">([^<]*)</a>', html)
    assert linked.group(1) == "1 个未销号"
    # The trend is by week: Monday buckets from the first day, a line for found and one for closed.
    assert html.count("<polyline") == 2
    assert "每周发现与销号" in html


def test_a_department_figure_links_to_its_rows_only(client, auth, ent, other):
    auth.login(ent.director)
    html = client.get(f"/statistics?{PERIOD}&department={other.id}").get_data(as_text=True)
    numbers = dict((href, n) for n, href in figures(html, "/hazards/ledger"))
    everything = f"/hazards/ledger?from=2026-01-01&to=2026-06-10&department={other.id}"
    assert numbers[everything] == "1" and ledger_rows(client, everything) == 1


@pytest.fixture
def checked():
    return shift_checked()


def test_checks_done_due_and_missed_are_counted_per_period(client, auth, checked):
    auth.login(checked.director)
    html = client.get("/statistics?from=2025-03-12&to=2025-03-14").get_data(as_text=True)
    # Four shifts have passed (the 14th's day shift is still running): three done, one missed.
    assert "3/4" in html and ">75%<" in html
    missed = dict((href, n) for n, href in figures(html, "/statistics/missed"))
    assert missed == {"/statistics/missed?from=2025-03-12&to=2025-03-14": "1"}
    listed = client.get("/statistics/missed?from=2025-03-12&to=2025-03-14").get_data(as_text=True)
    assert listed.count("未完成") == 1 and "2025-03-13 08:00" in listed
    # By team and by level alike.
    assert re.search(r"合成甲班</th>\s*<td><a [^>]*>75% <span class=\"muted\">\(3/4\)", html)
    assert re.search(r"岗位/班组排查</th>\s*<td><a [^>]*>75%", html)


def test_a_check_done_in_the_running_period_counts_and_one_not_yet_due_does_not(client, auth, checked):
    check_done(checked.worker, checked.point, utc(2025, 3, 14, 8, 30))
    clock.freeze(utc(2025, 3, 14, 9))
    auth.login(checked.director)
    html = client.get("/statistics?from=2025-03-12&to=2025-03-14").get_data(as_text=True)
    assert "4/5" in html and ">80%<" in html


def test_periods_before_the_point_existed_are_not_missed(client, auth, checked):
    auth.login(checked.director)
    html = client.get("/statistics?from=2025-03-01&to=2025-03-14").get_data(as_text=True)
    assert "3/4" in html


def test_checks_without_a_scan_link_to_their_records(client, auth, checked):
    with clock.frozen(utc(2025, 3, 14, 8, 40)):
        services.submit_check(checked.worker, checked.point, "team", "shift",
                              [services.Answer(i.id, "ok") for i in checked.point.checklist.items])
    db.session.commit()
    clock.freeze(utc(2025, 3, 14, 9))
    auth.login(checked.director)
    html = client.get("/statistics?from=2025-03-12&to=2025-03-14").get_data(as_text=True)
    (number, href), = figures(html, "/inspections/ledger?from=2025-03-12&to=2025-03-14&scan=none")
    assert number == "1"
    records = client.get(href).get_data(as_text=True)
    assert records.count("未扫码") >= len(checked.point.checklist.items)


def test_briefings_held_late_and_not_held_are_counted_by_team(client, auth, checked):
    # 12th day shift held on time, 12th night late (due by 20:15 by default), the rest not.
    hold_briefing(checked.team_leader, checked.team, utc(2025, 3, 12, 7, 50))
    hold_briefing(checked.team_leader, checked.team, utc(2025, 3, 12, 20, 40))
    clock.freeze(utc(2025, 3, 14, 9))
    auth.login(checked.director)
    html = client.get("/statistics?from=2025-03-12&to=2025-03-14").get_data(as_text=True)
    section = html[html.index('id="briefings"'):]
    # Due: the 12th's and 13th's day and night shifts and the 14th's day shift (08:00, due by 08:15).
    assert "2/5" in section
    assert re.search(r"<strong>3</strong><span>未召开", section)
    assert re.search(r"<strong>1</strong><span>迟到开始", section)


def test_a_department_head_sees_his_departments_figures_and_a_worker_none(client, auth, ent, other):
    auth.login(ent.dept_head)
    html = client.get(f"/statistics?{PERIOD}&department={other.id}").get_data(as_text=True)
    numbers = figures(html, "/hazards/ledger")
    assert numbers[0] == ("4", f"/hazards/ledger?{PERIOD}&department={ent.department.id}")
    assert "储运车间" not in html and 'name="department"' not in html
    auth.logout()
    auth.login(ent.worker)
    assert client.get("/statistics").status_code == 403
    assert client.get("/statistics/missed").status_code == 403


def test_the_principals_home_shows_the_months_figures_and_the_major_hazards(client, auth, ent):
    known_hazards(ent)
    auth.login(ent.principal)
    html = client.get("/home").get_data(as_text=True)
    month = figures(html, "/hazards/ledger?from=2026-06-01&to=2026-06-10")
    # Found in June: the one past its deadline and the major one, both still open.
    assert month[0][0] == "2" and ("2", "/hazards/ledger?from=2026-06-01&to=2026-06-10&state=open") in month
    assert "液氨储罐区可燃气体报警器失效" in html
    assert 'href="/statistics"' in html
