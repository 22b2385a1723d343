# casebot: a slim image that runs `python -m bot` (webhook or polling, by settings).
# tests/test_docker_install.py replays this file's COPY and install steps into a
# fresh venv and runs `python -m bot check`, so CI proves the image would start
# without needing a Docker engine.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/app/var/casebot.sqlite3 \
    CASES_DIR=/app/data/cases \
    LOCALES_DIR=/app/locales \
    LOG_FORMAT=json \
    WEB_HOST=0.0.0.0 \
    WEB_PORT=8080

WORKDIR /app

# Dependencies alone, read from pyproject.toml: this layer is rebuilt only when they change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > requirements.txt \
    && python -m pip install -r requirements.txt \
    && rm requirements.txt

# The bot itself, then the texts it serves.
COPY README.md ./
COPY bot ./bot
RUN python -m pip install --no-deps .
COPY data ./data
COPY locales ./locales

# A user of its own, owning only the database folder.
RUN useradd --system --uid 10001 --no-create-home --home-dir /app casebot \
    && mkdir -p /app/var && chown casebot /app/var
USER casebot
VOLUME ["/app/var"]
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["python", "-m", "bot", "healthcheck"]
CMD ["python", "-m", "bot"]
