# syntax=docker/dockerfile:1
# Trellis in a container: one image for the web app, the task worker and the scheduler
# (docs/deployment.md). Build: docker build -t trellis .   Nothing secret is baked in: every
# setting comes from the environment when a container starts.

ARG PYTHON_VERSION=3.11

# --- build: the locked dependencies and the project in /opt/venv, static files collected ------
FROM python:${PYTHON_VERSION}-slim-bookworm AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG UV_VERSION=0.13.9
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH
RUN pip install "uv==${UV_VERSION}" && uv venv /opt/venv
WORKDIR /app
# The lock alone first, so a code change does not reinstall every dependency.
COPY requirements.lock ./
RUN uv pip sync --python /opt/venv/bin/python requirements.lock
COPY pyproject.toml manage.py ./
COPY src ./src
# Editable: the package stays at /app/src, where settings find templates and static files.
RUN uv pip install --python /opt/venv/bin/python --no-deps -e . \
    && python -m compileall -q src
# Static files with WhiteNoise's manifest. The key is a throwaway for this one command.
RUN SECRET_KEY=collectstatic-only-not-a-secret DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput -v0

# --- supercronic: cron for containers (runs as any user, logs to stdout, no overlapping runs) -
FROM debian:bookworm-slim AS supercronic
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG TARGETARCH=amd64
ARG SUPERCRONIC_VERSION=v0.2.33
ARG SUPERCRONIC_SHA1_AMD64=71b0d58cc53f6bd72cf2f293e09e294b79c666d8
ARG SUPERCRONIC_SHA1_ARM64=e0f0c06ebc5627e43b25475711e694450489ab00
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && case "${TARGETARCH}" in \
         amd64) sha1="${SUPERCRONIC_SHA1_AMD64}" ;; \
         arm64) sha1="${SUPERCRONIC_SHA1_ARM64}" ;; \
         *) echo "No supercronic checksum for ${TARGETARCH}" >&2; exit 1 ;; \
       esac \
    && curl -fsSL -o /usr/local/bin/supercronic \
         "https://github.com/aptible/supercronic/releases/download/${SUPERCRONIC_VERSION}/supercronic-linux-${TARGETARCH}" \
    && echo "${sha1}  /usr/local/bin/supercronic" | sha1sum -c - \
    && chmod 0755 /usr/local/bin/supercronic

# --- runtime: no compilers, no uv, a user without a login or write access to the code ---------
FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
# A Unicode font for PDF experience records.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 trellis \
    && useradd --system --uid 10001 --gid trellis --no-create-home --home-dir /nonexistent \
         --shell /usr/sbin/nologin trellis
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
COPY --from=supercronic /usr/local/bin/supercronic /usr/local/bin/supercronic
COPY deploy /app/deploy
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=trellis.settings \
    LOG_FORMAT=json \
    GUNICORN_BIND=0.0.0.0:8000 \
    NUMBA_CACHE_DIR=/tmp/numba \
    TRELLIS_PDF_FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
WORKDIR /app
USER 10001:10001
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
