// The reference: a bare Hono route on the same server stack (@hono/node-server), answering a fixed
// JSON body shaped like a GetParameter response.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';

const app = new Hono();
const body = JSON.stringify({
  Parameter: { Name: '/bench/p1', Type: 'String', Value: 'value', Version: 1, DataType: 'text' },
});
app.post('/', (c) => c.body(body, 200, { 'content-type': 'application/x-amz-json-1.1' }));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
  console.log(`bare hono listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
