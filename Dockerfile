# syntax=docker/dockerfile:1
# One image for both processes of the platform:
#   docker run <image>                 -> the REST gateway (`npm run gateway`, the default CMD)
#   docker run <image> npm run worker  -> the flow worker
# docker-compose.temporal.yml builds it once and runs it as both services.
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first, so that a source change does not reinstall them. Dev dependencies are kept on purpose: both
# processes run the TypeScript sources through `tsx` (package.json scripts `gateway` and `worker`), and the worker
# bundles the workflow code from source when it starts.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY . .

# Run as the unprivileged `node` user of the base image. The sources stay owned by root (read-only to the process);
# only MFO_DATA_DIR (.data, relative to /app) is writable, although with DATABASE_URL set nothing is written there.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node

# The gateway's PORT default, and the worker's Prometheus exporter as docker-compose.temporal.yml sets
# MFO_WORKER_METRICS_ADDRESS (its health check reads it).
EXPOSE 8080 9464

CMD ["npm", "run", "gateway"]
