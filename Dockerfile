# syntax=docker/dockerfile:1
# One image for both processes of the platform, running the compiled JavaScript (`npm run build` → dist/):
#   docker run <image>                             -> the REST gateway (`npm run start:gateway`, the default CMD)
#   docker run <image> npm run start:worker        -> the flow worker
# docker-compose.temporal.yml builds it once and runs it as both services.

# Build stage: all dependencies (TypeScript is a dev dependency), then the compiled output.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Runtime stage: production dependencies and dist/ only. The worker still bundles the (compiled) workflow code when
# it starts, with the SDK's own bundler, which is a production dependency of @temporalio/worker.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist

# Run as the unprivileged `node` user of the base image. The code stays owned by root (read-only to the process);
# only MFO_DATA_DIR (.data, relative to /app) is writable, although with DATABASE_URL set nothing is written there.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node

# The gateway's PORT default, and the worker's Prometheus exporter as docker-compose.temporal.yml sets
# MFO_WORKER_METRICS_ADDRESS (its health check reads it).
EXPOSE 8080 9464

CMD ["npm", "run", "start:gateway"]
