"""Reports: findings grouped for people, rendered with Jinja2 templates.

Article text comes from strangers on the internet, so every value is escaped for
the output format (Markdown here, HTML in the digest) before it is shown.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import sqlite_utils

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#|!])")


def md_escape(value: object) -> str:
    """Plain text that Markdown renders as itself, never as links, markup or HTML."""
    text = " ".join(str(value or "").split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def safe_url(url: str | None) -> str:
    url = (url or "").strip()
    if not re.match(r"https?://", url, re.I):
        return ""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def environment(templates: Path | None = None, autoescape: bool = False) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates or TEMPLATES)),
        autoescape=autoescape, undefined=jinja2.StrictUndefined,
        trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)
    env.filters["md"] = md_escape
    env.filters["safe_url"] = safe_url
    return env


@dataclass
class Group:
    kind: str
    seed: str
    seed_claim: str
    findings: list[dict]


def findings(db: sqlite_utils.Database, since: str | None = None) -> list[dict]:
    sql = "select * from findings"
    params: list = []
    if since:
        sql += " where created_at > ?"
        params.append(since)
    sql += " order by published desc, id"
    rows = list(db.query(sql, params))
    for row in rows:
        row["url"] = safe_url(row["url"]) or row["url"]
    return rows


def group_alerts(rows: list[dict]) -> list[Group]:
    """Alerts grouped by seed claim, updates and conflicts first, newest evidence first."""
    groups: dict[tuple[str, str], Group] = {}
    for row in rows:
        if row["kind"] not in ("update", "conflict"):
            continue
        key = (row["kind"], row["seed_claim_id"])
        groups.setdefault(key, Group(row["kind"], row["seed"], row["seed_claim"], [])).findings.append(row)
    return sorted(groups.values(), key=lambda g: (g.kind != "conflict", g.seed, g.seed_claim))


def context(rows: list[dict], generated: str | None = None) -> dict:
    counts = Counter(r["kind"] for r in rows)
    return {
        "generated": generated or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "groups": group_alerts(rows),
        "alerts": [r for r in rows if r["kind"] in ("update", "conflict")],
        "review": [r for r in rows if r["kind"] == "review"],
        "supports": [r for r in rows if r["kind"] == "support"],
        "counts": {k: counts.get(k, 0) for k in ("update", "conflict", "support", "review")},
    }


def render_markdown(rows: list[dict], generated: str | None = None) -> str:
    return environment().get_template("report.md.j2").render(**context(rows, generated))


def write_report(db: sqlite_utils.Database, reports_dir: Path, day: str | None = None) -> Path:
    """The report for one day (all findings so far), and an index linking every day."""
    day = day or datetime.now(UTC).strftime("%Y-%m-%d")
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / f"{day}.md"
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(render_markdown(findings(db)), encoding="utf-8")
    tmp.replace(path)
    days = sorted((p.stem for p in reports_dir.glob("????-??-??.md")), reverse=True)
    index = "# Reports\n\n" + "".join(f"- [{d}]({d}.md)\n" for d in days)
    (reports_dir / "index.md").write_text(index, encoding="utf-8")
    return path
