"""Configuration: every bad value is one line naming its key; every setting has an env override."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor import config
from monitor.cli import cli

ROOT = Path(__file__).resolve().parent.parent

BAD = [
    ('poll_interval_minutes = "often"', "poll_interval_minutes"),
    ("poll_interval_minutes = 0", "poll_interval_minutes"),
    ("retention_days = 1.5", "retention_days"),
    ("retention_days = -1", "retention_days"),
    ("stale_feed_hours = nan", "stale_feed_hours"),
    ("health_max_age_minutes = true", "health_max_age_minutes"),
    ('digest_time = "7am"', "digest_time"),
    ('digest_time = "24:00"', "digest_time"),
    ("digest_time = 7", "digest_time"),
    ('timezone = "Mars/Olympus_Mons"', "timezone"),
    ("state_dir = 3", "state_dir"),
    ("polling = 5", "polling"),
    ("email = 3", "email"),
    ('feeds = "https://example.org/rss"', "feeds"),
    ('[[feeds]]\nurl = "ftp://example.org/rss"', "feeds[0].url"),
    ('[[feeds]]\nurl = "https://example.org/rss"\ncolour = "red"', "feeds[0].colour"),
    ("[fetch]\ntimeout = 0", "fetch.timeout"),
    ("[fetch]\nmax_bytes = 10", "fetch.max_bytes"),
    ('[fetch]\nallow_private_addresses = "maybe"', "fetch.allow_private_addresses"),
    ("[fetch]\nretries = 3", "fetch.retries"),
    ("[email]\nport = 70000", "email.port"),
    ("[email]\nrecipients = [1, 2]", "email.recipients"),
    ('[email]\nhost = "smtp.example.org"\nsender = "m@example.org"\nrecipients = ["desk"]',
     "email.recipients[0]"),
    ('[email]\nhost = "smtp.example.org"\nrecipients = ["desk@example.org"]', "email.sender"),
    ('[email]\nsender = "m@example.org"\nrecipients = ["desk@example.org"]', "email.host"),
    ('[email]\nsender = "monitor"', "email.sender"),
    ('[email]\npassword = "hunter2"', "email.password"),
    ('[email]\nstarttls = "sometimes"', "email.starttls"),
    ("this is not toml", "bad.toml"),
]


@pytest.mark.parametrize(("text", "key"), BAD, ids=[k for _, k in BAD])
def test_bad_value_is_a_one_line_error_naming_the_key(tmp_path, text, key):
    path = tmp_path / "bad.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(config.ConfigError) as err:
        config.load(path, environ={})
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(key) or message.startswith(str(path))
    assert key in message


def test_bad_config_makes_any_command_exit_2(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('digest_time = "7am"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "seeds"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: configuration: digest_time: expected HH:MM, got '7am'"]


def test_missing_config_file_exits_2(tmp_path):
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "nope.toml"), "seeds"])
    assert result.exit_code == 2 and "config file not found" in result.output


def test_environment_overrides_the_file(tmp_path):
    path = tmp_path / "monitor.toml"
    path.write_text("poll_interval_minutes = 30\n[fetch]\ntimeout = 20\n", encoding="utf-8")
    cfg = config.load(path, environ={"MONITOR_POLL_INTERVAL_MINUTES": "5",
                                     "MONITOR_FETCH__TIMEOUT": "3.5",
                                     "MONITOR_FETCH__ALLOW_PRIVATE_ADDRESSES": "yes",
                                     "MONITOR_STATE_DIR": "/data/state"})
    assert cfg.poll_interval_minutes == 5.0 and cfg.fetch.timeout == 3.5
    assert cfg.fetch.allow_private_addresses is True
    assert cfg.state_dir == Path("/data/state")


def test_recipients_from_the_environment_are_a_comma_separated_list(tmp_path):
    cfg = config.load(None, environ={"MONITOR_EMAIL__HOST": "smtp.example.org",
                                     "MONITOR_EMAIL__PORT": "587",
                                     "MONITOR_EMAIL__SENDER": "monitor@example.org",
                                     "MONITOR_EMAIL__RECIPIENTS": "a@example.org, b@example.org"})
    assert cfg.email.recipients == ["a@example.org", "b@example.org"]
    assert cfg.email.port == 587


def test_bad_environment_value_names_the_variable():
    with pytest.raises(config.ConfigError, match=r"^MONITOR_FETCH__TIMEOUT: fetch\.timeout: "):
        config.load(None, environ={"MONITOR_FETCH__TIMEOUT": "soon"})


def test_unknown_environment_setting_is_refused():
    with pytest.raises(config.ConfigError, match="^MONITOR_POLL_EVERY: "):
        config.load(None, environ={"MONITOR_POLL_EVERY": "5"})
    with pytest.raises(config.ConfigError, match="^MONITOR_SMTP__HOST: "):
        config.load(None, environ={"MONITOR_SMTP__HOST": "x"})


def test_smtp_password_comes_only_from_the_environment(monkeypatch):
    monkeypatch.setenv("MONITOR_SMTP_PASSWORD", "s3cret")
    assert config.load(None, environ={}).email.password == "s3cret"


VALID = {"digest_time": "08:30", "timezone": "Europe/Paris", "user_agent": "test-agent",
         "host": "smtp.example.org", "sender": "m@example.org", "username": "monitor",
         "recipients": "desk@example.org", "max_bytes": "2048"}
SKIP = {"feeds", "fetch", "email", "source"}


def _settings():
    for f in fields(config.Config):
        if f.name not in SKIP:
            yield f.name, ""
    for table in ("fetch", "email"):
        for f in fields(getattr(config.Config(), table)):
            yield f.name, table


@pytest.mark.parametrize(("name", "table"), list(_settings()),
                         ids=[f"{t}.{n}" if t else n for n, t in _settings()])
def test_every_setting_has_an_environment_override(tmp_path, name, table):
    default = getattr(getattr(config.Config(), table) if table else config.Config(), name)
    if name in VALID:
        value = VALID[name]
    elif isinstance(default, bool):
        value = str(not default).lower()
    elif isinstance(default, (int, float)):
        value = str(type(default)(default + 7))
    else:
        value = str(tmp_path / name)
    var = "MONITOR_" + (f"{table}__{name}" if table else name).upper()
    env = {var: value}
    if table == "email":  # recipients are only valid with a host and a sender
        env = {"MONITOR_EMAIL__HOST": "smtp.example.org", "MONITOR_EMAIL__SENDER": "m@example.org",
               **env}
    cfg = config.load(None, environ=env)
    got = getattr(getattr(cfg, table) if table else cfg, name)
    assert str(got if not isinstance(got, list) else ",".join(got)).lower() == value.lower()


def test_every_setting_and_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, _ in _settings():
        assert f"`{name}`" in readme, f"setting {name} missing from README.md"
    for command in cli.commands:
        assert f"monitor {command}" in readme, f"command {command} missing from README.md"


def test_the_settings_in_compose_yaml_are_valid():
    import yaml

    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    env = compose["services"]["worker"]["environment"]
    cfg = config.load(ROOT / "monitor.toml", environ=env)
    assert cfg.poll_interval_minutes == float(env["MONITOR_POLL_INTERVAL_MINUTES"])
    assert cfg.email.recipients == []
