# Seed-claim monitor worker. State (SQLite, reports) lives in the /app/state volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    MONITOR_CONFIG=/app/monitor.toml

WORKDIR /app
COPY pyproject.toml README.md ./
COPY monitor ./monitor
RUN pip install . && useradd --system --uid 10001 --home-dir /app monitor
COPY templates ./templates
COPY seeds ./seeds
COPY monitor.toml ./
RUN mkdir -p /app/state && chown monitor /app/state

USER monitor
VOLUME ["/app/state"]
HEALTHCHECK --interval=5m --timeout=30s --start-period=2m \
    CMD ["monitor", "health"]
CMD ["monitor", "run"]
