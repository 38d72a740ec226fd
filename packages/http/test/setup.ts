import { DevMailbox } from '@renueva/adapters';
import { createUseCases, type Policies } from '@renueva/domain';
import { createMemoryPorts, lastCodeFor, seedLegacyAccounts } from '@renueva/domain/testing';
import { type AppDeps, type AppOptions, createApp } from '../src/index.js';

export const DIEGO = {
  username: 'dbarronrmz1',
  password: 'Gasolina2019',
  customerNumber: '2242455',
  email: 'diego.barron.rmz@oxxogas.com',
};
export const NEW_PASSWORD = 'tortuga violeta bajo el puente';
export const ORIGIN = 'http://localhost';

/** What the app is built from (`deps`): memory ports with a few legacy accounts. */
export async function testDeps(
  options: Partial<AppOptions> = {},
  policies?: Partial<Policies>,
  deps: Pick<AppDeps, 'passwordWork' | 'rateLimiters'> = {},
) {
  const base = createMemoryPorts();
  // the rate limits and the answer floor get in the way of most tests: set where tested
  const ports = {
    ...base,
    policies: {
      ...base.policies,
      rateLimitPerIpPerMinute: 1000,
      rateLimitPerIdentifierPerMinute: 1000,
      signInFloorMs: 0,
      ...policies,
    },
  };
  await seedLegacyAccounts(ports, [
    DIEGO,
    { username: 'SinCorreo', password: 'legacy-pass', customerNumber: '100', email: null },
    {
      username: 'flotilla01',
      password: 'legacy-pass',
      customerNumber: '102',
      email: 'admin@flotillas.mx',
    },
    {
      username: 'flotilla02',
      password: 'legacy-pass',
      customerNumber: '103',
      email: 'admin@flotillas.mx',
    },
  ]);
  const errors: unknown[] = [];
  const mailbox = new DevMailbox();
  const appDeps: AppDeps = {
    useCases: createUseCases(ports),
    policies: ports.policies,
    mailbox,
    isReady: async () => true,
    logger: { error: (e) => errors.push(e) },
    clock: ports.clock,
    options,
    ...deps,
  };
  return { deps: appDeps, ports, errors, mailbox };
}

/** The app on memory ports with a few legacy accounts; helpers speak HTTP like a browser would. */
export async function testApp(
  options: Partial<AppOptions> = {},
  policies?: Partial<Policies>,
  deps: Pick<AppDeps, 'passwordWork' | 'rateLimiters'> = {},
) {
  const built = await testDeps(options, policies, deps);
  const { ports, errors, mailbox } = built;
  const app = createApp(built.deps);

  let cookies = new Map<string, string>();
  const remember = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (/max-age=0/i.test(line) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  };
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const get = async (path: string) =>
    remember(await app.request(path, { headers: { cookie: cookieHeader() } }));
  const post = async (
    path: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ) =>
    remember(
      await app.request(path, {
        method: 'POST',
        body: new URLSearchParams(form),
        headers: {
          origin: ORIGIN,
          cookie: cookieHeader(),
          'content-type': 'application/x-www-form-urlencoded',
          ...headers,
        },
      }),
    );
  const api = async (
    path: string,
    body: unknown,
    init: { method?: string; headers?: Record<string, string> } = {},
  ) =>
    app.request(`/api/v1${path}`, {
      method: init.method ?? 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...init.headers },
    });
  const codeFor = (email = DIEGO.email) => lastCodeFor(ports.outbox, email) as string;
  return {
    app,
    ports,
    mailbox,
    errors,
    get,
    post,
    api,
    codeFor,
    cookies: () => cookies,
    resetCookies: () => {
      cookies = new Map();
    },
  };
}

/** A gate of `capacity` slots; `saturated` stands for the hasher being full anyway. */
export const work = (capacity: number) => {
  const w = {
    capacity,
    full: false,
    refusals: 0,
    saturated: () => w.full,
    refused: () => {
      w.refusals++;
    },
  };
  return w;
};
