"""Red, orange, yellow and blue mean a risk grade and nothing else: those hues appear in
the stylesheet only in the grade-* rules, and nothing names a grade's class for another
meaning. Overdue, abnormal, errors and unread have colours of their own."""
import colorsys
import json
import re
from pathlib import Path

from blueprints.hazards.models import HazardGrade

ROOT = Path(__file__).resolve().parents[1]
# Every stylesheet: app.css and the ones a few pages load (briefing.css).
CSS = "\n".join(path.read_text(encoding="utf-8") for path in sorted((ROOT / "static" / "css").glob("*.css")))


def colours(text: str) -> list[tuple[float, float, float]]:
    """(red, green, blue) in 0..1 of every hex and rgb()/rgba() colour in the text."""
    found = []
    for hexa in re.findall(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})\b", text):
        if len(hexa) == 3:
            hexa = "".join(c * 2 for c in hexa)
        found.append(tuple(int(hexa[i:i + 2], 16) / 255 for i in (0, 2, 4)))
    for args in re.findall(r"rgba?\(([^)]*)\)", text):
        found.append(tuple(float(x) / 255 for x in re.split(r"[,\s/]+", args.strip())[:3]))
    return found


def is_risk_colour(rgb) -> bool:
    """Reads as red, orange, yellow or blue: a clear hue in those ranges, neither a grey
    nor a near-white tint nor a near-black."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*rgb)
    if saturation < 0.3 or not 0.12 <= lightness <= 0.92:
        return False
    degrees = hue * 360
    return degrees < 65 or degrees >= 330 or 190 <= degrees <= 250


def rules(css: str):
    """(selectors, declarations) of every innermost rule, inside @media or not."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        yield [s.strip() for s in selectors.split(",")], body


def test_the_test_knows_the_colours():
    assert all(is_risk_colour(colours(c)[0]) for c in ("#d32f2f", "#ef6c00", "#fbc02d", "#1565c0",
                                                       "#c62828", "#0b5cad", "rgb(255,0,0)"))
    assert not any(is_risk_colour(colours(c)[0]) for c in ("#6a1b9a", "#2e7d32", "#00796b", "#263238",
                                                           "#1b1f24", "#fff", "#e8eef1"))


def test_risk_colours_only_in_grade_rules():
    misused = [(selectors, body) for selectors, body in rules(CSS)
               if any(is_risk_colour(c) for c in colours(body))
               and not all("grade-" in s for s in selectors)]
    assert misused == []


def test_every_grade_has_its_colour():
    grade_rules = {s: body for selectors, body in rules(CSS) for s in selectors}
    for grade in ("red", "orange", "yellow", "blue"):
        assert any(is_risk_colour(c) for c in colours(grade_rules[f".grade-{grade}"]))


def test_the_other_states_have_colours_of_their_own():
    """Overdue, abnormal, unread and done are each their own colour, none a risk colour."""
    palette = dict(re.findall(r"--([a-z]+):(#[0-9a-fA-F]{3,6})", CSS))
    own = [palette[name] for name in ("overdue", "abnormal", "unread", "ok")]
    assert len(set(own)) == len(own)
    assert not any(is_risk_colour(colours(value)[0]) for value in palette.values())


def test_hazard_grades_are_not_risk_grades():
    assert all(grade.css and not grade.css.startswith("grade-") for grade in HazardGrade)


def test_no_template_borrows_a_grade_class():
    """A grade's class comes from the grade (grade-{{ point.grade }}), never written out
    to colour something else."""
    borrowed = [str(path.relative_to(ROOT)) for path in (ROOT / "templates").rglob("*.html")
                if re.search(r"grade-(band-)?(red|orange|yellow|blue)\b", path.read_text(encoding="utf-8"))]
    assert borrowed == []


def test_the_browser_chrome_is_not_a_risk_colour():
    manifest = json.loads((ROOT / "static" / "manifest.webmanifest").read_text(encoding="utf-8"))
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    theme = re.search(r'name="theme-color" content="([^"]+)"', base).group(1)
    assert not any(is_risk_colour(colours(value)[0]) for value in (manifest["theme_color"], theme))
