# One image for the API, every worker role and the one-shot migrate/seed job (docker-compose.yml,
# deploy/k8s/). Base images are pinned to a patch release so a rebuild gets the same system.
FROM node:20.19.0-bookworm-slim AS web
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml requirements.lock ./
# torch is pinned to the CPU wheel index; the default index would pull the CUDA build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && grep -v '^torch==' requirements.lock > /tmp/constraints.txt
COPY . .
RUN pip install -c /tmp/constraints.txt -e .
COPY --from=web /src/frontend/dist /app/frontend/dist
# A numeric user, so Kubernetes' runAsNonRoot can verify it (it cannot resolve a user name).
RUN groupadd --gid 10001 talentsync && useradd --uid 10001 --gid 10001 --create-home talentsync \
 && mkdir -p /data && chown 10001:10001 /data
USER 10001
ENV DATA_DIR=/data
EXPOSE 8000 9464
CMD ["uvicorn", "api.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000"]
