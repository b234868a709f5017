# One image for the API, the worker and the one-shot migrate/seed job (see docker-compose.yml).
FROM node:20-bookworm-slim AS web
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml requirements.lock ./
# torch is pinned to the CPU wheel index; the default index would pull the CUDA build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && grep -v '^torch==' requirements.lock > /tmp/constraints.txt
COPY . .
RUN pip install -c /tmp/constraints.txt -e .
COPY --from=web /src/frontend/dist /app/frontend/dist
RUN useradd --create-home talentsync && mkdir -p /data && chown talentsync /data
USER talentsync
ENV DATA_DIR=/data
EXPOSE 8000
CMD ["uvicorn", "api.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000"]
