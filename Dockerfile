# cabinet-hub: build the TypeScript once; two run targets from the same build.
#   docker build -t cabinet-hub .                         the hub (the last stage, "production")
#   docker build --target mocks -t cabinet-hub-mocks .    the external-system mocks, for development
# The production image holds only the hub (dist/src, dist/contracts, dist/adapters), the bundled
# example configurations and production node_modules: no mocks, no tests, no TypeScript.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY contracts ./contracts
COPY src ./src
COPY adapters ./adapters
COPY mocks ./mocks
COPY test ./test
RUN npm run build

# Production dependencies only, installed from the lock file (no dev tools, no build leftovers).
FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# The mocks (mocks/main.ts starts all six); they depend on contracts/ at most.
FROM node:20-bookworm-slim AS mocks
ENV NODE_ENV=production MOCK_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/contracts ./dist/contracts
COPY --from=build /app/dist/mocks ./dist/mocks
USER node
# 1С DMService, Twilio, TurboSMS, Telegram, Viber, SMTP and the SMTP mock's admin API.
EXPOSE 8081 8082 8083 8084 8085 2525 8025
ENTRYPOINT ["node", "dist/mocks/main.js"]

# The hub. Last, so a plain `docker build` makes it.
FROM node:20-bookworm-slim AS production
ENV NODE_ENV=production HTTP_PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/contracts ./dist/contracts
COPY --from=build /app/dist/adapters ./dist/adapters
# The bundled demo configuration is read from the source tree path at run time (DEMO_CONFIG_PATH).
COPY --from=build /app/src/config/examples ./src/config/examples
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM drains in-flight work before exiting (see README, Operations).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["start"]
