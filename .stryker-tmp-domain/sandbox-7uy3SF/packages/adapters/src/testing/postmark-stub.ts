import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubbedEmail {
  token: string | undefined;
  body: Record<string, unknown>;
}

/**
 * A local stand-in for Postmark's `POST /email`, for tests: records what it receives
 * and answers scripted failures first (`failNext`).
 */
export async function startPostmarkStub(options: { token?: string } = {}) {
  const received: StubbedEmail[] = [];
  const failures: { status: number; body: object; delayMs?: number }[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (chunk) => {
        data += chunk;
      });
      req.on('end', () => resolve(data));
    });

  const server = createServer(async (req, res) => {
    const body = await read(req);
    const reply = (status: number, payload: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== 'POST' || req.url !== '/email')
      return reply(404, { ErrorCode: 404, Message: 'Not found' });
    const token = req.headers['x-postmark-server-token'] as string | undefined;
    if (options.token && token !== options.token)
      return reply(401, {
        ErrorCode: 10,
        Message: 'Request does not contain a valid Server token.',
      });
    const failure = failures.shift();
    if (failure) {
      if (failure.delayMs) await new Promise((r) => setTimeout(r, failure.delayMs));
      return reply(failure.status, failure.body);
    }
    const parsed = JSON.parse(body) as Record<string, unknown>;
    received.push({ token, body: parsed });
    reply(200, {
      To: parsed.To,
      SubmittedAt: new Date().toISOString(),
      MessageID: `stub-${received.length}`,
      ErrorCode: 0,
      Message: 'OK',
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    /** The next `times` requests get this answer (optionally after a delay). */
    failNext(
      times: number,
      status: number,
      body: object = { ErrorCode: 0, Message: 'failure' },
      delayMs?: number,
    ) {
      for (let i = 0; i < times; i++) failures.push({ status, body, delayMs });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
