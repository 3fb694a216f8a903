# tsagbot as a container: `tsagbot serve` on port 3000 as a non-root user.
# compose.yaml runs it against PostgreSQL, twice, behind Caddy (see README.md, "Deploy").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install . \
    && rm -rf /src \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin tsagbot

WORKDIR /
USER tsagbot
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=3)"]
CMD ["tsagbot", "serve", "--host", "0.0.0.0", "--port", "3000"]
