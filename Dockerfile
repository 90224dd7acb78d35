# Seed-claim monitor worker. State (SQLite, lock, reports) lives in the /app/state volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 MONITOR_CONFIG=/app/monitor.toml

WORKDIR /app
RUN useradd --system --uid 10001 --no-log-init --home-dir /app --shell /usr/sbin/nologin monitor

# Editable install: the code imports templates/ from beside the package, so it must run
# from /app, not from a copy in site-packages. tzdata: the slim image has no zoneinfo files.
COPY pyproject.toml README.md ./
COPY monitor ./monitor
RUN pip install tzdata -e .

COPY templates ./templates
COPY seeds ./seeds
COPY monitor.toml ./
RUN mkdir -p /app/state && chown monitor:monitor /app/state

USER monitor
VOLUME ["/app/state"]
# The first poll of every feed can take a while: failures only count after start-period.
HEALTHCHECK --interval=5m --timeout=30s --start-period=20m --retries=3 \
    CMD ["monitor", "health"]
# SIGTERM stops the worker after the feed in progress (give it stop_grace_period).
STOPSIGNAL SIGTERM
CMD ["monitor", "run"]
