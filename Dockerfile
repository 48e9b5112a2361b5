# evradar: build a wheel in one stage, run it as an unprivileged user in another. The wheel carries
# config/ (defaults, company knowledge, samples) as package data, so the image needs no copy of it;
# mount a folder on /app/config to use your own evradar.toml (compose.yaml does).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY config ./config
RUN pip install --no-cache-dir build && python -m build --wheel --outdir /dist

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    EVRADAR_STORAGE__URL=sqlite:////data/evradar.db \
    EVRADAR_SERVER__HOST=0.0.0.0
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin evradar \
    && mkdir -p /data /app && chown evradar /data
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl
WORKDIR /app
USER evradar
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os,sys,urllib.request; port = os.environ.get('EVRADAR_SERVER__PORT') or '8080'; sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status == 200 else 1)"
# exec form: evradar is PID 1 and receives SIGTERM itself, finishing in-flight work within 10 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["evradar"]
CMD ["run"]
