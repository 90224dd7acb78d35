"""End to end: recorded feeds through replay into findings, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from tests import recording

FEED = "https://wire.example.com/rss"
DRONES = "https://wire.example.com/2025/06/09/drones"
DEAD = "https://wire.example.com/2025/06/10/gone"
PDF = "https://wire.example.com/2025/06/11/report.pdf"
CHROME = "https://wire.example.com/2025/09/02/chrome"


def _cassette(tmp_path: Path, feed_body: str | None = None) -> Path:
    items = [
        {"title": "Russia fires record 479 drones at Ukraine", "link": DRONES,
         "summary": "The air force says it was the largest aerial attack of the war."},
        {"title": "North Korean troops pulled back from the front, Ukraine says", "link": DEAD,
         "summary": "This page has been removed."},
        {"title": "North Korea troops Russia Ukraine weapons report", "link": PDF,
         "summary": "A PDF about North Korean troops in Russia and weapons for Ukraine."},
        {"title": "Judge rejects bid to force Google to sell Chrome", "link": CHROME,
         "summary": "The ruling orders data-sharing remedies instead."},
    ]
    return recording.write(tmp_path / "cassette.yaml", [
        recording.response(FEED, feed_body or recording.rss("Wire", items), content_type="application/rss+xml"),
        recording.response(DRONES, recording.page("Russia fires record 479 drones", [
            "Russia launched 479 drones and 20 missiles at Ukraine overnight, the largest aerial "
            "attack since the full-scale invasion began, Ukraine's air force said on Monday.",
            "Most of the drones were shot down or jammed, the air force said."])),
        recording.response(DEAD, "<html><body>Not found</body></html>", status=404),
        recording.response(PDF, "%PDF-1.4 binary", content_type="application/pdf"),
        recording.response(CHROME, recording.page("Chrome ruling", [
            "A US judge on Tuesday declined to order Google to sell its Chrome browser, handing "
            "the company a partial win in the antitrust case."])),
    ])


def _run(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def test_replay_records_an_update_with_old_and_new_value(tmp_path, make_config):
    cfg = make_config(FEED)
    result = _run(cfg.source, "replay", str(_cassette(tmp_path)))
    assert result.exit_code == 0, result.output
    found = json.loads(_run(cfg.source, "findings", "--json").output)
    alerts = [f for f in found if f["kind"] in ("update", "conflict")]
    assert [(f["url"], f["kind"]) for f in alerts] == [(DRONES, "update")]
    assert "188" in alerts[0]["seed_claim"] and "188" in alerts[0]["old_value"]
    assert "479" in alerts[0]["new_value"]
    assert alerts[0]["seed"] == "001_141f0110176205f7"


def test_replaying_twice_adds_nothing(tmp_path, make_config):
    cfg = make_config(FEED)
    cassette = _cassette(tmp_path)
    _run(cfg.source, "replay", str(cassette))
    first = _run(cfg.source, "findings", "--json").output
    _run(cfg.source, "replay", str(cassette))
    assert _run(cfg.source, "findings", "--json").output == first


def test_dead_link_and_non_html_page_are_recorded_and_the_poll_goes_on(tmp_path, make_config, fresh_db):
    cfg = make_config(FEED)
    _run(cfg.source, "replay", str(_cassette(tmp_path)))
    errors = {r["link"]: r["error"] for r in fresh_db.query("select link, error from items")}
    assert errors[DEAD] == "HTTP 404"
    assert errors[PDF].startswith("not HTML")
    assert fresh_db.execute("select count(*) from articles where url = ?", [DRONES]).fetchone()[0] == 1


def test_unrelated_items_are_not_fetched(tmp_path, make_config, fresh_db):
    cfg = make_config(FEED)
    _run(cfg.source, "replay", str(_cassette(tmp_path)))
    state = fresh_db.execute("select state from items where link = ?", [CHROME]).fetchone()[0]
    assert state == "skipped"


def test_malformed_feed_is_recorded_and_other_feeds_still_polled(tmp_path, make_config, fresh_db):
    broken = "https://broken.example.org/feed"
    cfg = make_config(broken, FEED)
    cassette = _cassette(tmp_path)
    data = cassette.read_text()
    cassette.write_text(data.replace("responses:\n", "responses:\n" + "\n".join([
        "- response:", "    method: GET", f"    url: {broken}", "    body: '<html><p>not a feed'",
        "    status: 200", "    content_type: text/html", "    auto_calculate_content_length: false", ""]), 1))
    result = _run(cfg.source, "replay", str(cassette))
    assert result.exit_code == 0
    row = fresh_db["feeds"].get(broken)
    assert row["failures"] == 1 and "not a feed" in row["last_error"]
    assert fresh_db["feeds"].get(FEED)["last_error"] is None


def test_empty_feed_is_a_clean_result(tmp_path, make_config, fresh_db):
    cfg = make_config(FEED)
    cassette = _cassette(tmp_path, feed_body=recording.rss("Empty", []))
    result = _run(cfg.source, "replay", str(cassette))
    assert result.exit_code == 0
    row = fresh_db["feeds"].get(FEED)
    assert row["failures"] == 0 and row["last_status"] == 200
    assert fresh_db.execute("select count(*) from items").fetchone()[0] == 0


def test_unrecorded_feed_url_is_a_connection_error(tmp_path, make_config, fresh_db):
    cfg = make_config("https://nowhere.example.net/rss", FEED)
    result = _run(cfg.source, "replay", str(_cassette(tmp_path)))
    assert result.exit_code == 0
    assert "ConnectionError" in fresh_db["feeds"].get("https://nowhere.example.net/rss")["last_error"]


def test_explain_shows_the_rule_the_values_and_how_the_new_claim_was_read(tmp_path, make_config):
    cfg = make_config(FEED)
    _run(cfg.source, "replay", str(_cassette(tmp_path)))
    alert = next(f for f in json.loads(_run(cfg.source, "findings", "--json").output) if f["kind"] == "update")
    out = _run(cfg.source, "explain", alert["id"][:10]).output
    assert "rule       figure-update" in out and "188" in out and "479" in out
    assert "as the new claim was read:" in out
    assert "figure     479  →  479–479 (drone, of Russia, record)" in out
