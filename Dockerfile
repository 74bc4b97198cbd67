# The emulator's own image. Runs ssm-local on port 4583 with its data in a volume, managing the
# fleet's containers through the host engine's socket:
#   docker run -d -p 4583:4583 -v /var/run/docker.sock:/var/run/docker.sock -v ssm-local-data:/data ssm-local
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
# Builds dist/ (tsc) and the web console's assets, dist/ui/public (esbuild bundles Preact and the
# console's code there), so the runtime stage, which installs no devDependencies, ships them built.
RUN npm run build && test -f dist/ui/public/index.html

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    SSM_LOCAL_HOST=0.0.0.0 \
    SSM_LOCAL_PORT=4583 \
    SSM_LOCAL_DATA=/data/ssm-local.json
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY fixtures ./fixtures
COPY docker ./docker
# A non-root user; the entrypoint gives it the group of the mounted Docker socket.
RUN useradd --system --uid 4583 --home-dir /data --shell /usr/sbin/nologin ssm \
    && mkdir -p /data && chown ssm /data
VOLUME /data
EXPOSE 4583
ENTRYPOINT ["/bin/sh", "/app/docker/emulator-entrypoint.sh"]
CMD ["node", "dist/cli.js"]
