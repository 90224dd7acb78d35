"""Configuration: one TOML file, overridden by MONITOR_* environment variables.

Everything is validated once at start so that a bad value stops the worker with a
message naming the key, instead of failing hours later inside a scheduled job.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

DEFAULT_FILE = "monitor.toml"
DEFAULT_USER_AGENT = "seed-monitor/0.1 (+https://example.invalid/seed-monitor; news claim watcher)"


class ConfigError(Exception):
    """A configuration value is missing or invalid."""


@dataclass
class Feed:
    url: str
    name: str = ""


@dataclass
class FetchSettings:
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    allow_private_addresses: bool = False
    host_delay: float = 1.0
    backoff_base: float = 300.0
    backoff_max: float = 86_400.0


@dataclass
class EmailSettings:
    host: str = ""
    port: int = 25
    sender: str = ""
    recipients: list[str] = field(default_factory=list)
    starttls: bool = False
    username: str = ""
    send_empty: bool = False

    @property
    def password(self) -> str:
        """Only ever from the environment, never from a file that may be committed."""
        return os.environ.get("MONITOR_SMTP_PASSWORD", "")


@dataclass
class Config:
    state_dir: Path = Path("state")
    seeds_dir: Path = Path("seeds")
    aliases_file: Path | None = None
    feeds: list[Feed] = field(default_factory=list)
    poll_interval_minutes: float = 30.0
    digest_time: str = "07:00"
    timezone: str = "UTC"
    retention_days: int = 90
    stale_feed_hours: float = 48.0
    health_max_age_minutes: float = 0.0  # 0: three poll intervals
    workers: int = 0                     # analysis processes; 0 analyses in the main one
    analysis_timeout: float = 120.0      # seconds one page's analysis may take (workers > 0)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    source: Path | None = None

    @property
    def health_max_age(self) -> float:
        """Minutes after which `monitor health` calls the worker stuck."""
        return self.health_max_age_minutes or 3 * self.poll_interval_minutes

    @property
    def db_path(self) -> Path:
        return self.state_dir / "monitor.db"

    @property
    def reports_dir(self) -> Path:
        return self.state_dir / "reports"


def _coerce(key: str, value: Any, target: Any) -> Any:
    """Convert a TOML or environment value to the type of the default it replaces."""
    kind = type(target)
    if isinstance(target, bool):
        if isinstance(value, bool):
            return value
        truthy, falsy = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
        if isinstance(value, str) and value.lower() in truthy + falsy:
            return value.lower() in truthy
        raise ConfigError(f"{key}: expected true or false, got {value!r}")
    if isinstance(target, (int, float)):
        try:
            number = float(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None or not math.isfinite(number):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        if kind is int:
            if not number.is_integer():
                raise ConfigError(f"{key}: expected a whole number, got {value!r}")
            number = int(number)
        if number < 0:
            raise ConfigError(f"{key}: must not be negative, got {value!r}")
        return number
    if isinstance(target, list):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{key}: expected a list of strings, got {value!r}")
        return value
    if isinstance(target, Path) or target is None:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{key}: expected a path, got {value!r}")
        return Path(value)
    if not isinstance(value, str):
        raise ConfigError(f"{key}: expected a string, got {value!r}")
    return value


def _apply(obj: Any, data: dict[str, Any], prefix: str) -> None:
    known = {f.name: f for f in fields(obj)}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in known or key in ("feeds", "fetch", "email", "source"):
            raise ConfigError(f"{name}: unknown setting")
        setattr(obj, key, _coerce(name, value, getattr(obj, key)))


def _feeds(raw: Any) -> list[Feed]:
    if not isinstance(raw, list):
        raise ConfigError("feeds: expected [[feeds]] tables")
    feeds = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise ConfigError(f"feeds[{i}]: expected a table with url")
        unknown = set(entry) - {"url", "name"}
        if unknown:
            raise ConfigError(f"feeds[{i}].{sorted(unknown)[0]}: unknown setting")
        url = entry.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ConfigError(f"feeds[{i}].url: expected an http(s) URL, got {url!r}")
        name = entry.get("name", "")
        if not isinstance(name, str):
            raise ConfigError(f"feeds[{i}].name: expected a string, got {name!r}")
        feeds.append(Feed(url=url, name=name or url))
    return feeds


def _env_overrides(cfg: Config, environ: dict[str, str]) -> None:
    """MONITOR_STATE_DIR, MONITOR_FETCH__TIMEOUT, MONITOR_EMAIL__RECIPIENTS=a,b …"""
    for var, value in environ.items():
        if not var.startswith("MONITOR_") or var in ("MONITOR_CONFIG", "MONITOR_SMTP_PASSWORD"):
            continue
        path = var[len("MONITOR_"):].lower().split("__")
        target: Any = cfg
        if len(path) > 2 or (len(path) == 2 and path[0] not in ("fetch", "email")):
            raise ConfigError(f"{var}: unknown setting (tables are fetch and email: "
                              "MONITOR_FETCH__TIMEOUT)")
        if len(path) == 2:
            target = getattr(cfg, path[0])
        try:
            _apply(target, {path[-1]: value}, prefix=f"{path[0]}." if len(path) == 2 else "")
        except ConfigError as exc:
            raise ConfigError(f"{var}: {exc}") from exc


def _validate(cfg: Config) -> None:
    if cfg.poll_interval_minutes <= 0:
        raise ConfigError("poll_interval_minutes: must be greater than 0")
    hh, _, mm = cfg.digest_time.partition(":")
    if not (hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60):
        raise ConfigError(f"digest_time: expected HH:MM, got {cfg.digest_time!r}")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(cfg.timezone)
    except Exception as exc:
        raise ConfigError(f"timezone: unknown time zone {cfg.timezone!r}") from exc
    if cfg.analysis_timeout <= 0:
        raise ConfigError("analysis_timeout: must be greater than 0")
    if cfg.workers > 64:
        raise ConfigError(f"workers: at most 64 analysis processes, got {cfg.workers}")
    if cfg.fetch.timeout <= 0:
        raise ConfigError("fetch.timeout: must be greater than 0")
    if cfg.fetch.max_bytes < 1024:
        raise ConfigError("fetch.max_bytes: must be at least 1024")
    if cfg.email.recipients and not cfg.email.sender:
        raise ConfigError("email.sender: required when email.recipients is set")
    if cfg.email.recipients and not cfg.email.host:
        raise ConfigError("email.host: required when email.recipients is set")
    for i, address in enumerate(cfg.email.recipients):
        if "@" not in address:
            raise ConfigError(f"email.recipients[{i}]: expected an email address, got {address!r}")
    if cfg.email.sender and "@" not in cfg.email.sender:
        raise ConfigError(f"email.sender: expected an email address, got {cfg.email.sender!r}")
    if not (0 < cfg.email.port < 65536):
        raise ConfigError(f"email.port: expected 1-65535, got {cfg.email.port}")


def load(path: str | Path | None = None, environ: dict[str, str] | None = None) -> Config:
    """Read the config file (explicit, $MONITOR_CONFIG, ./monitor.toml, or none)."""
    environ = dict(os.environ if environ is None else environ)
    explicit = path or environ.get("MONITOR_CONFIG")
    file = Path(explicit) if explicit else Path(DEFAULT_FILE)
    cfg = Config()
    base = Path.cwd()
    if file.exists():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from exc
        except OSError as exc:
            raise ConfigError(f"{file}: cannot read: {exc}") from exc
        cfg.source = file.resolve()
        base = cfg.source.parent
        data = dict(data)
        cfg.feeds = _feeds(data.pop("feeds", []))
        for table in ("fetch", "email"):
            sub = data.pop(table, {})
            if not isinstance(sub, dict):
                raise ConfigError(f"{table}: expected a table")
            _apply(getattr(cfg, table), sub, prefix=f"{table}.")
        _apply(cfg, data, prefix="")
    elif explicit:
        raise ConfigError(f"config file not found: {file}")
    _env_overrides(cfg, environ)
    for name in ("state_dir", "seeds_dir", "aliases_file"):
        value = getattr(cfg, name)
        if value is not None and not value.is_absolute():
            setattr(cfg, name, (base / value).resolve())
    if cfg.aliases_file is None and (cfg.seeds_dir / "aliases.toml").exists():
        cfg.aliases_file = cfg.seeds_dir / "aliases.toml"
    _validate(cfg)
    return cfg
