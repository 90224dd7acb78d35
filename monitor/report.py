"""Rendering: the digest email (text + HTML) and the daily Markdown reports.

Article text comes from strangers on the internet, so every value is escaped for
the output format before it is shown: HTML through Jinja2's autoescaping, Markdown
through `md_escape`, and links only when they are plain http(s) URLs.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import sqlite_utils

if TYPE_CHECKING:
    from monitor.digest import Digest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#|!])")


def md_escape(value: object) -> str:
    """Plain text that Markdown renders as itself, never as links, markup or HTML."""
    text = " ".join(str(value or "").split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def oneline(value: object) -> str:
    """Text on one line: feed text may carry newlines that would break the layout."""
    return " ".join(str(value or "").split())


def safe_url(url: str | None) -> str:
    url = (url or "").strip()
    if not re.match(r"https?://", url, re.I):
        return ""
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    return url


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def environment(templates: Path | None = None, autoescape: bool = False) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates or TEMPLATES)),
        autoescape=autoescape, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["md"] = md_escape
    env.filters["oneline"] = oneline
    env.filters["safe_url"] = safe_url
    env.filters["plural"] = plural
    return env


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


def subject(digest: Digest) -> str:
    counts = digest.counts
    what = ", ".join(plural(n, k) for k, n in counts.items() if n) or "no new alerts"
    return f"Seed monitor: {what} ({digest.generated[:10]})"


def summary(digest: Digest) -> str:
    counts = digest.counts
    return (f"{plural(counts['update'], 'update')}, {plural(counts['conflict'], 'conflict')}, "
            f"{plural(digest.supports, 'supporting report')}, {len(digest.review)} for review")


def render_digest(digest: Digest) -> tuple[str, str, str]:
    """(subject, text part, HTML part) of the digest email."""
    values = {"d": digest, "summary": summary(digest), "subject": subject(digest)}
    text = environment().get_template("digest.txt.j2").render(**values)
    html = environment(autoescape=True).get_template("digest.html.j2").render(**values)
    return values["subject"], text, html


def render_markdown(digest: Digest, day: str) -> str:
    return environment().get_template("report.md.j2").render(
        d=digest, day=day, summary=summary(digest))


def write_report(reports_dir: Path, day: str, digest: Digest) -> Path:
    """Write one day's report atomically and refresh the index linking every day."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / f"{day}.md"
    _write_atomic(path, render_markdown(digest, day))
    days = sorted((p.stem for p in reports_dir.glob("????-??-??.md")), reverse=True)
    index = "# Seed monitor reports\n\n" + "".join(f"- [{d}]({d}.md)\n" for d in days)
    _write_atomic(reports_dir / "index.md", index)
    return path


def _write_atomic(path: Path, text: str) -> None:
    """Readers never see half a file; the poll and digest jobs may write at the same time,
    so each writer has its own temporary file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
