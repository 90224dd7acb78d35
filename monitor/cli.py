"""The `monitor` command: thin click wrappers around the library modules."""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path

import click

from monitor import config as config_mod
from monitor import report as report_mod
from monitor import store

log = logging.getLogger("monitor")


def _setup_logging(verbose: int) -> None:
    level = logging.DEBUG if verbose > 1 else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    for noisy in ("trafilatura", "htmldate", "courlan", "urllib3", "apscheduler.executors"):
        logging.getLogger(noisy).setLevel(logging.WARNING if verbose < 2 else logging.DEBUG)


class Context:
    def __init__(self, config_path: str | None, verbose: int):
        self.config_path = config_path
        self.verbose = verbose
        self._cfg: config_mod.Config | None = None

    @property
    def cfg(self) -> config_mod.Config:
        if self._cfg is None:
            try:
                self._cfg = config_mod.load(self.config_path)
            except config_mod.ConfigError as exc:
                click.echo(f"Error: configuration: {exc}", err=True)
                sys.exit(2)
        return self._cfg

    def db(self):
        return store.open_db(self.cfg.db_path)


pass_ctx = click.make_pass_decorator(Context)


@click.group()
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="TOML config file (default: $MONITOR_CONFIG, else ./monitor.toml if present).")
@click.option("-v", "--verbose", count=True, help="More logging (-vv for debug).")
@click.version_option(package_name="seed-monitor")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: int) -> None:
    """Watch news feeds for facts that update or contradict your seed articles."""
    _setup_logging(verbose)
    ctx.obj = Context(config_path, verbose)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of claims.")
@click.option("--dropped", is_flag=True, help="Also show the page furniture each seed lost.")
@pass_ctx
def seeds(ctx: Context, as_json: bool, dropped: bool) -> None:
    """List the claims extracted from each seed document."""
    from monitor import entities
    from monitor import seeds as seeds_mod

    cfg = ctx.cfg
    try:
        loaded = seeds_mod.load(cfg.seeds_dir, entities.load(str(cfg.aliases_file) if cfg.aliases_file else None))
    except seeds_mod.SeedError as exc:
        raise click.ClickException(f"{exc} (set seeds_dir in the config)") from exc
    if as_json:
        out = []
        for s in loaded:
            for c in s.claims:
                d = c.to_dict()
                out.append({"seed": s.id, "position": c.position, "text": c.text,
                            "entities": c.entities, "figures": [f.describe() for f in c.figures],
                            "stance": d["stance"], "hedges": c.hedges, "speaker": c.speaker,
                            "speech_verb": c.speech_verb})
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    for s in loaded:
        click.secho(f"{s.id}  {s.title}", bold=True)
        for c in s.claims:
            extra = []
            if c.figures:
                extra.append("figures: " + ", ".join(f.describe() for f in c.figures))
            if c.stance != "asserted":
                extra.append(c.stance)
            if c.speaker:
                extra.append(f"{c.speech_verb}: {c.speaker}")
            click.echo(f"  {c.position:3d}. {c.text}")
            if extra:
                click.echo(f"       [{'; '.join(extra)}]")
        if dropped:
            for block in s.dropped:
                click.echo(f"   dropped: {block[:100]}")


def _cycle(ctx: Context, check_addresses: bool = True, host_delay: float | None = None):
    from monitor import fetch, lock, poll

    cfg = ctx.cfg
    if not cfg.feeds:
        raise click.ClickException("no feeds configured: add [[feeds]] tables with url = ... to the config")
    db = ctx.db()
    settings = cfg.fetch
    if host_delay is not None:
        settings = type(settings)(**{**settings.__dict__, "host_delay": host_delay})
    fetcher = fetch.Fetcher(settings, check_addresses=check_addresses)
    try:
        with lock.held(cfg.state_dir):
            return poll.run_cycle(cfg, db, fetcher)
    except lock.Busy as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        fetcher.close()


def _summary(result) -> None:
    for f in result.feeds:
        line = f"{f.status:12s} {f.url}  entries={f.entries} new={f.new} matched={f.relevant} alerts={f.alerts}"
        if f.error:
            line += f"  error: {f.error}"
        click.echo(line)
    click.echo(f"{len(result.feeds)} feeds, {result.failed} failed, {result.alerts} new alerts")


@cli.command()
@pass_ctx
def poll(ctx: Context) -> None:
    """Run one poll cycle over the network and exit (status 1 if any feed failed)."""
    result = _cycle(ctx)
    _summary(result)
    sys.exit(1 if result.failed else 0)


@cli.command()
@click.argument("cassettes", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def replay(ctx: Context, cassettes: tuple[Path, ...]) -> None:
    """Run one poll cycle with the network served from `responses` recordings."""
    from monitor import replay as replay_mod

    try:
        with replay_mod.cassettes(list(cassettes)):
            result = _cycle(ctx, check_addresses=False, host_delay=0.0)
    except replay_mod.CassetteError as exc:
        raise click.ClickException(str(exc)) from exc
    _summary(result)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--kind", type=click.Choice(["update", "conflict", "support", "review", "alerts"]),
              help="Only this kind ('alerts' = updates and conflicts).")
@pass_ctx
def findings(ctx: Context, as_json: bool, kind: str | None) -> None:
    """List the findings recorded so far."""
    rows = report_mod.findings(ctx.db())
    if kind == "alerts":
        rows = [r for r in rows if r["kind"] in ("update", "conflict")]
    elif kind:
        rows = [r for r in rows if r["kind"] == kind]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for r in rows:
        value = f"  [{r['old_value']} → {r['new_value']}]" if r["old_value"] or r["new_value"] else ""
        click.echo(f"{r['id']}  {r['kind']:8s} seed {r['seed'][:12]}{value}\n    {r['claim'][:160]}\n    {r['url']}")
    click.echo(f"{len(rows)} findings")


@cli.command()
@click.argument("finding_id")
@pass_ctx
def explain(ctx: Context, finding_id: str) -> None:
    """Show why a finding was made: the rule, its confidence and what was compared."""
    db = ctx.db()
    rows = list(db.query("select * from findings where id like ?", [finding_id + "%"]))
    if not rows:
        raise click.ClickException(f"no finding with id {finding_id!r} (see `monitor findings`)")
    if len(rows) > 1:
        raise click.ClickException(f"{finding_id!r} matches {len(rows)} findings; give more of the id")
    r = rows[0]
    click.echo(f"finding    {r['id']}\nkind       {r['kind']}\nrule       {r['rule']}\n"
               f"confidence {r['confidence']:.2f}\nwhy        {r['why']}\n")
    click.echo(f"seed {r['seed']} claim:\n  {r['seed_claim']}\n")
    click.echo(f"new claim ({r['published'] or 'undated'}, {r['url']}):\n  {r['claim']}\n")
    if r["old_value"] or r["new_value"]:
        click.echo(f"compared   {r['old_value']}  →  {r['new_value']}")
    stored = list(db.query("select data from claims where id = ?", [r["claim_id"]]))
    if stored:
        click.echo("\nas the new claim was read:")
        for line in _analysis_lines(json.loads(stored[0]["data"])):
            click.echo(f"  {line}")


def _analysis_lines(c: dict) -> list[str]:
    """The parts of a claim's analysis a maintainer checks when a finding looks wrong."""
    from monitor.figures import fmt_number

    lines = [f"stance     {c.get('stance', '?')}"
             + (f" (hedges: {', '.join(c['hedges'])})" if c.get("hedges") else "")
             + (f" (negation covers: {' '.join(c['negation_scope'][:8])})" if c.get("negated") else "")]
    if c.get("entities"):
        lines.append(f"parties    {', '.join(c['entities'])}")
    if c.get("speaker"):
        lines.append(f"said by    {c['speaker']}")
    for f in c.get("figures", []):
        about = [x for x in (f.get("unit"), "/".join(f.get("roles") or []), f.get("owner") and f"of {f['owner']}",
                             "record" if f.get("superlative") else "", "increment" if f.get("delta") else "") if x]
        span = f"{fmt_number(f['low'])}–{fmt_number(f['high'])}"
        lines.append(f"figure     {f.get('raw')}  →  {span} ({', '.join(about) or 'no unit'})")
    return lines


@cli.command()
@click.option("--day", metavar="YYYY-MM-DD", help="Rewrite this day's report (default: today).")
@pass_ctx
def report(ctx: Context, day: str | None) -> None:
    """Write a day's Markdown report to state_dir/reports/ and update index.md."""
    from monitor import digest as digest_mod

    if day and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise click.ClickException(f"--day {day!r}: expected YYYY-MM-DD, e.g. --day 2025-06-09")
    click.echo(str(digest_mod.write_day_report(ctx.db(), ctx.cfg, day)))


@cli.command()
@click.option("--send", is_flag=True, help="Email it (once) to the [email] recipients.")
@click.option("--html", "as_html", is_flag=True, help="Print the HTML part instead of the text.")
@pass_ctx
def digest(ctx: Context, send: bool, as_html: bool) -> None:
    """Show the digest of findings not yet emailed; --send emails it and marks them sent."""
    from monitor import digest as digest_mod
    from monitor import lock, mailer

    db, cfg = ctx.db(), ctx.cfg
    if not send:
        subject, text, html = report_mod.render_digest(digest_mod.build(db, cfg))
        click.echo(html if as_html else text, nl=False)
        return
    try:
        outcome = digest_mod.send(db, cfg)
    except mailer.NotConfigured as exc:
        raise click.ClickException(f"{exc}: set host, sender and recipients in the [email] "
                                   "table (or MONITOR_EMAIL__HOST, ...)") from exc
    except lock.Busy as exc:
        raise click.ClickException(f"{exc}; try again when it is done") from exc
    digest_mod.write_day_report(db, cfg)
    if outcome.status == "failed":
        raise click.ClickException(f"{outcome.error} (nothing lost: the next run retries)")
    click.echo("sent: " + report_mod.subject(outcome.digest) if outcome.status == "sent"
               else "nothing new since the last digest: nothing sent")


@cli.command()
@pass_ctx
def health(ctx: Context) -> None:
    """Exit 0 if the last poll finished within health_max_age_minutes, else 1."""
    from monitor import scheduler

    result = scheduler.health(ctx.cfg)
    click.echo(("ok: " if result.ok else "unhealthy: ") + result.message)
    sys.exit(0 if result.ok else 1)


@cli.command()
@pass_ctx
def run(ctx: Context) -> None:
    """Start the worker: poll on the configured interval until stopped."""
    from monitor import scheduler

    cfg = ctx.cfg
    if not cfg.feeds:
        raise click.ClickException("no feeds configured: add [[feeds]] tables with url = ... to the config")
    scheduler.run_forever(cfg)


@cli.command()
@pass_ctx
def status(ctx: Context) -> None:
    """Each feed's last success, last error and consecutive failures."""
    db = ctx.db()
    for row in db.query("select * from feeds order by url"):
        state = "retired" if row["retired"] else ("failing" if row["failures"] else "ok")
        click.echo(f"{state:8s} {row['url']}")
        retry = f", next try {row['next_attempt']}" if row["next_attempt"] else ""
        click.echo(f"         last success {row['last_success'] or 'never'}, "
                   f"checked {row['last_checked'] or 'never'}, failures {row['failures'] or 0}{retry}")
        if row["last_error"]:
            click.echo(f"         last error: {row['last_error']}")
    last = list(db.query("select * from runs where kind = 'poll' order by started_at desc limit 1"))
    if last:
        run = last[0]
        click.echo(f"last poll {run['started_at']} → {run['finished_at'] or 'unfinished'} ({run['status']})")
    sent = list(db.query("select created_at, status, alerts, error from digests "
                         "order by created_at desc limit 1"))
    if sent:
        d = sent[0]
        click.echo(f"last digest {d['created_at']} ({d['status']}, {d['alerts']} alerts)"
                   + (f": {d['error']}" if d["error"] else ""))


@cli.command("eval")
@click.argument("specs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def eval_(ctx: Context, specs: tuple[Path, ...]) -> None:
    """Replay labelled specs and print precision, recall and the wrong or missed alerts."""
    from monitor import evaluate

    if not ctx.verbose:
        logging.getLogger("monitor").setLevel(logging.WARNING)  # the scores, not every feed's log line
    cfg = ctx.cfg
    worst_p, worst_r = 1.0, 1.0
    for spec in specs:
        result, _ = evaluate.run(spec, cfg.seeds_dir, cfg.aliases_file)
        for f, why in result.false_alerts:
            click.echo(f"false alert ({why}): {f['kind']} on seed {f['seed'][:12]}\n"
                       f"    seed: {f['seed_claim'][:150]}\n    new:  {f['claim'][:150]}")
        for article, exp in result.missed:
            click.echo(f"missed: {article} should alert on seed {'/'.join(map(str, exp['seeds']))} /{exp['claim']}/")
        click.echo(f"{spec.name}: precision={result.precision:.2f} recall={result.recall:.2f} "
                   f"alerts_ok={len(result.true_alerts)} false_alerts={len(result.false_alerts)} "
                   f"missed={len(result.missed)}/{result.expected}")
        worst_p, worst_r = min(worst_p, result.precision), min(worst_r, result.recall)
    sys.exit(0 if worst_p >= 0.9 and worst_r >= 0.85 else 1)


def main() -> None:
    cli(prog_name="monitor")
