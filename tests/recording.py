"""Write small recordings in the `responses` recorder's YAML format for tests."""

from __future__ import annotations

from pathlib import Path

import yaml


def response(url: str, body: str, status: int = 200, content_type: str = "text/html") -> dict:
    return {"response": {"method": "GET", "url": url, "body": body, "status": status,
                         "content_type": content_type, "auto_calculate_content_length": False}}


def rss(title: str, items: list[dict]) -> str:
    """A minimal RSS 2.0 document; each item has title, link, guid, date and description."""
    parts = [f"<item><title>{i['title']}</title><link>{i['link']}</link>"
             f"<guid isPermaLink=\"false\">{i.get('guid', i['link'])}</guid>"
             f"<pubDate>{i.get('date', 'Mon, 09 Jun 2025 07:10:00 GMT')}</pubDate>"
             f"<description>{i.get('summary', '')}</description></item>" for i in items]
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://example.com/</link><description>t</description>{''.join(parts)}</channel></rss>")


def page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><main><article>"
            f"<h1>{title}</h1>{body}</article></main>"
            f"<footer><p>Copyright. All rights reserved.</p></footer></body></html>")


def write(path: Path, responses: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"responses": responses}, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    return path
