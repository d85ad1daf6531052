# syntax=docker/dockerfile:1
#
# One image per sample service, chosen by the APP build argument:
#   docker build --build-arg APP=orders   -t courier-orders .
#   docker build --build-arg APP=shipping -t courier-shipping .
# docker-compose.yml builds both. The build stage builds the @courier-nest/* packages and both
# sample services, so both images share its cached layers.
#
# Node 22: the sample services need Node.js 22.13+ or 24.11+ (nestjs-pino 5 declares >= 22.12,
# TypeORM 1 ^22.13 on the 22 line); the libraries alone run on 20.19+ too (see the README).

FROM node:22.19.0-slim AS build
WORKDIR /app
# Dependencies first: editing the sources does not invalidate this layer. npm ci needs every
# workspace's package.json to link node_modules/@courier-nest/<name> to its folder.
COPY package.json package-lock.json .npmrc ./
COPY libs/core/package.json libs/core/
COPY libs/consumer/package.json libs/consumer/
COPY libs/outbox/package.json libs/outbox/
COPY libs/inbox/package.json libs/inbox/
COPY libs/rabbitmq/package.json libs/rabbitmq/
COPY libs/microservices/package.json libs/microservices/
COPY libs/console/package.json libs/console/
COPY libs/golevelup/package.json libs/golevelup/
COPY libs/postgres/package.json libs/postgres/
COPY apps/amqp-exec/package.json apps/amqp-exec/
RUN npm ci
COPY tsconfig.json ./
COPY libs ./libs
COPY apps ./apps
# `npm run build`: each lib to libs/<lib>/dist, in dependency order. `npm run build:samples`:
# the sample services to dist/apps/<app>/src, importing the libs by package name (their
# tsconfig.app.json has no `paths`), so at run time node finds them through node_modules.
# Dev dependencies (TypeScript, the Nest CLI, Jest) go.
RUN npm run build && npm run build:samples && npm prune --omit=dev
# What the runtime stage takes of the libs: each package's package.json and dist/, not its
# sources, and the console's page/ (the HTML, script and stylesheet it serves, read at startup).
RUN for lib in libs/*/; do mkdir -p "/runtime/$lib" && cp -r "$lib/package.json" "$lib/dist" "/runtime/$lib" \
      && if [ -d "$lib/page" ]; then cp -r "$lib/page" "/runtime/$lib"; fi; done

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
# node_modules/@courier-nest/<lib> are symlinks to ../../libs/<lib>, which the next line fills.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /runtime/libs ./libs
COPY --from=build /app/dist ./dist
# The image's unprivileged user (uid 1000). Nothing under /app needs to be writable.
USER node
# `exec` makes node the process that receives SIGTERM, so the app's shutdown hooks run.
# `docker run … node dist/apps/shipping/src/main.js` runs another app from the same image.
CMD ["/bin/sh", "-c", "exec node \"dist/apps/${APP}/src/main.js\""]
