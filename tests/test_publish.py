"""The book published: the deploy workflow, BOOK_BASE_URL, link previews and the 404 page.

The default build (``built_book``, as ``make book`` makes it) must name no site address; a
second strict build with ``BOOK_BASE_URL`` set (module fixture ``site_book``; it reuses the
execution cache, so no page runs again) must have a sitemap, canonical links, robots.txt and
absolute Open Graph addresses under the base.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from immunocourse.book.ext.publish import CARD, CARD_SIZE, MAX_DESCRIPTION
from tests.axe import run_axe
from tests.helpers.paths import ROOT, toc_pages

BASE = "https://example.org/immunotherapy-course/"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = Path(sys.executable).parent / "actionlint"


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ACTIONLINT), "-no-color", *map(str, files)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


# ---- the workflow ----------------------------------------------------------------------

def test_workflows_lint_clean() -> None:
    assert WORKFLOWS, "no workflow in .github/workflows"
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def as_major_tags(text: str) -> str:
    """``owner/repo@<sha> # vX.Y.Z`` as ``owner/repo@vX``: actionlint knows the inputs of
    popular actions by major tag only, so a pinned workflow's inputs go unchecked."""
    return re.sub(r"@[0-9a-f]{40} # v(\d+)[.\d]*", r"@v\1", text)


def test_workflow_inputs_lint_clean(tmp_path: Path) -> None:
    for workflow in WORKFLOWS:
        (tmp_path / workflow.name).write_text(as_major_tags(workflow.read_text()))
        result = actionlint(tmp_path / workflow.name)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_actionlint_finds_a_broken_workflow(tmp_path: Path) -> None:
    """The linter is real: a bad expression and an unknown action input are findings."""
    workflow = (ROOT / ".github" / "workflows" / "book.yml").read_text()
    (tmp_path / "expression.yml").write_text(
        workflow.replace("${{ vars.BOOK_BASE_URL ||", "${{ vars.BOOK_BASE_URL |||", 1))
    result = actionlint(tmp_path / "expression.yml")
    assert result.returncode == 1 and "[expression]" in result.stdout, result.stdout
    (tmp_path / "input.yml").write_text(as_major_tags(workflow.replace(
        'python-version: "3.11"', 'python-version: "3.11"\n          pyton-cache: pip', 1)))
    result = actionlint(tmp_path / "input.yml")
    assert result.returncode == 1 and '"pyton-cache" is not defined' in result.stdout, result.stdout


def test_workflow_pins_every_action_and_deploys_only_main() -> None:
    text = (ROOT / ".github" / "workflows" / "book.yml").read_text()
    uses = re.findall(r"uses:\s*(\S+)(.*)", text)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.search(r"# v\d+\.\d+\.\d+", comment), f"{action}: no version comment"
    for step in ("make setup", "make lint", "make publish", "upload-pages-artifact",
                 "deploy-pages", "pages: write", "id-token: write", "github-pages"):
        assert step in text, step
    assert "if: github.event_name != 'pull_request' && github.ref == 'refs/heads/main'" in text


# ---- reading built pages ---------------------------------------------------------------

class _Head(HTMLParser):
    """The tags of a page that a link preview or a browser would read."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.canonical: list[str] = []
        self.loads: list[str] = []  # what a browser fetches: stylesheets, scripts, images

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("name" in a or "property" in a):
            self.meta.setdefault(a.get("name") or a["property"], []).append(a.get("content", ""))
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical.append(a.get("href", ""))
        elif tag == "link" and a.get("rel") in ("stylesheet", "preload", "icon", "modulepreload"):
            self.loads.append(a.get("href", ""))
        elif tag in ("script", "img", "iframe") and a.get("src"):
            self.loads.append(a["src"])


def read_head(page: Path) -> _Head:
    parser = _Head()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def check_previews(site: Path, page: str) -> _Head:
    head = read_head(site / page)
    (description,) = head.meta.get("description", [""])  # exactly one
    assert 0 < len(description) <= MAX_DESCRIPTION, f"{page}: {description!r}"
    assert not re.search(r"[<>]|&\w+;|\s{2}", description), f"{page}: markup in {description!r}"
    assert not description.startswith("Last reviewed"), page
    assert head.meta.get("og:description") == [description], page
    (title,) = head.meta["og:title"]
    assert title.strip(), page
    assert not [u for u in head.loads if re.match(r"(https?:)?//", u)], f"{page} loads {head.loads}"
    return head


# ---- the default build: nothing names the site ----------------------------------------

def test_default_book_has_previews_and_no_site_address(built_book: Path) -> None:
    for page in [*toc_pages(), "404.html", "search.html"]:
        head = check_previews(built_book, page)
        assert not head.canonical, f"{page}: a canonical link in the offline book"
        assert "og:url" not in head.meta and "og:image" not in head.meta, page
    assert not (built_book / "sitemap.xml").exists()
    assert not (built_book / "robots.txt").exists()


def test_lesson_description_is_its_front_matter_field(built_book: Path) -> None:
    head = read_head(built_book / "book" / "07-measuring-response.html")
    assert head.meta["description"] == [
        "How scans show whether a treatment works (RECIST and iRECIST), and why a tumour can "
        "look worse while it works."]
    lessons = sorted((ROOT / "book").glob("[0-9][0-9]-*.md"))
    assert lessons
    for source in lessons:  # every lesson says what it is about in its own words
        field = re.search(r"^description: (.+)$", source.read_text(), re.MULTILINE)
        assert field, f"{source.name}: no description in its front matter"
        text = field.group(1).strip().strip('"')
        page = read_head(built_book / "book" / f"{source.stem}.html")
        assert page.meta["description"] == [text], source.name


def test_course_card_is_a_png_of_the_preview_size(built_book: Path) -> None:
    data = (built_book / CARD).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == CARD_SIZE
    assert len(data) > 5000, "an empty image"


# ---- a build for the site, BOOK_BASE_URL set ------------------------------------------

@pytest.fixture(scope="module")
def site_book(built_book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A strict build with BOOK_BASE_URL set, reusing the default build's execution cache."""
    out = tmp_path_factory.mktemp("site")
    (out / "_build").mkdir()
    shutil.copytree(ROOT / "_build" / ".jupyter_cache", out / "_build" / ".jupyter_cache")
    shutil.copy(ROOT / "_build" / ".immunocourse-fingerprint", out / "_build")
    env = {**os.environ, "BOOK_BASE_URL": BASE.rstrip("/")}  # the slash is added
    result = subprocess.run(
        [sys.executable, "-m", "immunocourse.book.build", "--path-output", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Executing notebook" not in result.stdout + result.stderr, "the cache was not reused"
    return out / "_build" / "html"


def test_sitemap_lists_every_page_under_the_base(site_book: Path) -> None:
    root = ET.parse(site_book / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert sorted(locs) == sorted(BASE + page for page in toc_pages())
    robots = (site_book / "robots.txt").read_text()
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


def test_site_pages_have_canonical_and_absolute_previews(site_book: Path) -> None:
    for page in toc_pages():
        head = check_previews(site_book, page)
        assert head.canonical == [BASE + page], page
        assert head.meta["og:url"] == [BASE + page], page
        assert head.meta["og:image"] == [BASE + CARD], page
    assert (site_book / CARD).is_file()


def test_site_404_page_links_under_the_base_path(site_book: Path) -> None:
    text = (site_book / "404.html").read_text()
    assert 'href="/immunotherapy-course/book/index.html"' in text
    assert 'href="/immunotherapy-course/search.html"' in text
    assert re.search(r'href="/immunotherapy-course/_static/[^"]+\.css', text)
    assert not re.search(r'(href|src)="/_static/', text), "a link outside the site's path"


# ---- the 404 page in Chromium --------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("address", ["/book/no-such-page.html", "/a/b/c"])
def test_404_page_in_the_book_frame_at_any_depth(
    built_book: Path, serve_dir, guarded_page, address: str,
) -> None:
    base = serve_dir(built_book, not_found="404.html")
    guard = guarded_page()
    page = guard.page
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.url != base + address else None)
    response = page.goto(base + address)
    assert response is not None and response.status == 404
    page.wait_for_load_state("load")
    assert page.locator("h1", has_text="Page not found").is_visible()
    # styled: the theme's stylesheet applied (its navbar and sidebar laid out, not raw HTML)
    assert page.evaluate("[...document.styleSheets].some(s => (s.href || '')"
                         ".includes('/_static/styles/pydata-sphinx-theme.css')"
                         " && s.cssRules.length > 100)")
    assert page.locator(".bd-header, .bd-sidebar-primary").first.is_visible()
    assert page.locator("footer .ic-disclaimer, .ic-disclaimer").first.count() == 1
    assert not failed, failed
    assert run_axe(page) == [], "axe-core: serious or critical WCAG 2.1 A/AA violations"
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth <= "
                         "document.documentElement.clientWidth")
    page.get_by_role("link", name="Go to the course contents").click()
    page.wait_for_url(base + "/book/index.html")
    assert page.get_by_role("heading", name="Welcome", level=1).is_visible()
    page.goto(base + address)
    page.get_by_role("link", name="Search the course").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/search\.html"))
    assert not failed, failed
    # Chromium logs the page's own 404 status; any other failed load is in `failed` above
    errors = [e for e in guard.console_errors if "status of 404 (Not Found)" not in e]
    assert len(guard.console_errors) - len(errors) == 2 and not errors, guard.console_errors
    assert not guard.external, guard.external


@pytest.mark.parametrize("bad", ["ftp://example.org/course/", "example.org/course", "https://"])
def test_a_bad_book_base_url_stops_the_build_in_one_line(tmp_path: Path, bad: str) -> None:
    env = {**os.environ, "BOOK_BASE_URL": bad,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "immunocourse.book.build", "--path-output",
                           str(out)], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "BOOK_BASE_URL" in lines[0] and repr(bad) in lines[0], lines
    assert not out.exists()  # nothing built, nothing half-written
