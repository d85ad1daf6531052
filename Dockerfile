# syntax=docker/dockerfile:1
#
# One image per sample service, chosen by the APP build argument:
#   docker build --build-arg APP=orders   -t courier-orders .
#   docker build --build-arg APP=shipping -t courier-shipping .
# docker-compose.yml builds both. The build stage compiles every project of the
# monorepo (`nest build --all`), so both images share its cached layers.

FROM node:22.19.0-slim AS build
WORKDIR /app
# Dependencies first: editing the sources does not invalidate this layer.
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY nest-cli.json tsconfig.json ./
COPY libs ./libs
COPY apps ./apps
# The compiled apps require the libs through relative paths (dist/libs/<lib>/src),
# so dist/ is copied whole. Dev dependencies (the Nest CLI, TypeScript, Jest) go.
RUN npm run build && npm prune --omit=dev

FROM node:22.19.0-slim AS runtime
ARG APP=orders
# A larger young generation (64 MiB semi-spaces, the default is 16): a service moving
# thousands of messages a second allocates fast, and with the default V8 collects it
# so often that it cost the inbox about a tenth of its throughput (docs/operations.md).
ENV NODE_ENV=production \
    APP=${APP} \
    NODE_OPTIONS=--max-semi-space-size=64
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The image's unprivileged user (uid 1000). Nothing under /app needs to be writable.
USER node
# `exec` makes node the process that receives SIGTERM, so the app's shutdown hooks run.
# `docker run … node dist/apps/shipping/src/main.js` runs another app from the same image.
CMD ["/bin/sh", "-c", "exec node \"dist/apps/${APP}/src/main.js\""]
