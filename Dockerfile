# One image for web and worker (and the one-shot migration). Everything comes from npm and Debian.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git openssh-client ca-certificates \
    && rm -rf /var/lib/apt/lists/* && npm i -g pnpm@12
WORKDIR /app
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN pnpm install --frozen-lockfile && pnpm db:generate && pnpm --filter @gantry/web build
ENV NODE_ENV=production
EXPOSE 3000
CMD ["pnpm", "--filter", "@gantry/web", "start"]
