# Vertskap in a container: `docker compose up` (compose.yaml), or
#   docker build -t vertskap . && docker run --secret … vertskap
# Builds from this repository with only the package registry reached (pip).

FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
# the wheel (with the shipped knowledge and catalogs, see setup.py) and its dependencies
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    XDG_DATA_HOME=/var/lib \
    XDG_CACHE_HOME=/var/cache
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels vertskap \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/vertskap --shell /usr/sbin/nologin vertskap \
    && vertskap init /srv/vertskap \
    && mkdir -p /var/lib/vertskap /var/cache/vertskap \
    && chown -R vertskap:vertskap /srv/vertskap /var/lib/vertskap /var/cache/vertskap
COPY deploy/docker/vertskap.toml /etc/vertskap/vertskap.toml

USER vertskap
WORKDIR /srv/vertskap
# the database (back it up: vertskap backup) and the knowledge the coordinators edit
VOLUME ["/var/lib/vertskap", "/srv/vertskap/knowledge"]
EXPOSE 8443 9100

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9100/healthz', timeout=4)"]

ENTRYPOINT ["vertskap"]
CMD ["run", "--config", "/etc/vertskap/vertskap.toml", "--metrics-port", "9100", "--metrics-listen", "0.0.0.0"]
