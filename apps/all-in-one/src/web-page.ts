import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** dist/web, next to dist/apps (WEB_DIR overrides). */
export const webDir = (): string => process.env.WEB_DIR ?? resolve(__dirname, '../../../web');

const NOT_BUILT = `<!doctype html><html><head><meta charset="utf-8"><title>chat</title></head>
<body><h1>The web client is not built</h1><p>Run <code>npm run build</code>, then reload. The API is at <code>/v1</code>, the WebSocket at <code>/v1/ws</code>.</p></body></html>`;

/**
 * Serves the web client at `/`. Only the files present at start are routed (no wildcard),
 * so an unknown path still gets the API's JSON 404.
 */
export async function serveWebPage(app: NestFastifyApplication): Promise<void> {
  const root = webDir();
  if (existsSync(resolve(root, 'index.html'))) {
    await app.register(fastifyStatic as never, {
      root,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
    });
    return;
  }
  app
    .getHttpAdapter()
    .getInstance()
    .get('/', (_request, reply) => {
      reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    });
}
