import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';
import { ORIGIN, testDeps } from './setup.js';

// On Node, a body is read straight from the socket (no web Request is built for it), and
// its size is capped by the declared Content-Length or, when chunked, as it arrives:
// both must answer as `app.request()` does in the other tests.
describe('request bodies over the wire', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const { deps } = await testDeps({ publicUrl: ORIGIN });
    server = await startServer(deps, { port: 0, hostname: '127.0.0.1' });
  });
  afterAll(() => server.close());

  const json = { 'content-type': 'application/json' };
  const form = { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN };
  /** A body sent in chunks, without Content-Length. */
  const chunked = (text: string) =>
    new ReadableStream({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000));
        controller.close();
      },
    });
  const post = (path: string, headers: Record<string, string>, body: string, inChunks = false) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers,
      body: inChunks ? chunked(body) : body,
      ...(inChunks ? { duplex: 'half' } : {}),
    } as RequestInit);
  const code = async (res: Response) =>
    ((await res.json()) as { error: { code: string } }).error.code;

  it('refuses an oversized body with 413, declared or chunked, API and form', async () => {
    const bigJson = JSON.stringify({ identifier: 'x', password: 'y'.repeat(20_000) });
    const bigForm = new URLSearchParams({ identificador: 'x'.repeat(20_000), contrasena: 'y' });
    for (const inChunks of [false, true]) {
      const api = await post('/api/v1/sessions', json, bigJson, inChunks);
      expect(api.status).toBe(413);
      expect(await code(api)).toBe('payload_too_large');
      const page = await post('/iniciar-sesion', form, bigForm.toString(), inChunks);
      expect(page.status).toBe(413);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    }
  });

  it('reads a body within the limit, declared or chunked: a sign-in, an empty or broken body', async () => {
    for (const inChunks of [false, true]) {
      const body = JSON.stringify({ identifier: 'nadie@example.com', password: 'x' });
      const api = await post('/api/v1/sessions', json, body, inChunks);
      expect(api.status).toBe(401);
      expect(await code(api)).toBe('invalid_credentials');
      expect(api.headers.get('cache-control')).toBe('no-store');
      expect(api.headers.get('x-content-type-options')).toBe('nosniff');
      const fields = new URLSearchParams({ identificador: 'nadie@example.com', contrasena: 'x' });
      const page = await post('/iniciar-sesion', form, fields.toString(), inChunks);
      expect(page.status).toBe(401);
      expect(await page.text()).toContain('nadie@example.com'); // the identifier shown again
      const broken = await post('/api/v1/sessions', json, '{"identifier":', inChunks);
      expect(broken.status).toBe(400);
      expect(await code(broken)).toBe('invalid_input');
    }
    const empty = await post('/api/v1/sessions', json, '');
    expect(empty.status).toBe(400);
    expect(await code(empty)).toBe('invalid_input');
  });
});
