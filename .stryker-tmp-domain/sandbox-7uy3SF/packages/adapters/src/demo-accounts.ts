import { createHash } from 'node:crypto';
import { hashSync as bcryptHash } from '@node-rs/bcrypt';
import type { RawImportRow } from '@renueva/domain';

/** A demo legacy account and the password that opens it (printed at start-up). */
export interface DemoAccount {
  username: string;
  password: string;
  customerNumber: string;
  email: string;
  note: string;
  scheme: 'bcrypt' | 'md5' | 'sha256' | 'plain';
}

/**
 * Development-only legacy accounts, one per interesting case of real legacy data.
 * Their legacy hashes use different schemes, as an imported portal would.
 */
export const demoAccounts: DemoAccount[] = [
  {
    username: 'dbarronrmz1',
    password: 'Gasolina2019',
    customerNumber: '2242455',
    email: 'diego.barron.rmz@oxxogas.com',
    note: 'the customer guide’s user',
    scheme: 'bcrypt',
  },
  {
    username: 'MLopezFact',
    password: 'facturas-lopez',
    customerNumber: '1000201',
    email: 'Maria.Lopez@Example.com.mx',
    note: 'mixed-case username and email',
    scheme: 'md5',
  },
  {
    username: 'transportes_norte',
    password: 'norte2015',
    customerNumber: '1000302',
    email: '',
    note: 'no email on record: contact support',
    scheme: 'plain',
  },
  {
    username: 'gasolinera.sur',
    password: 'sur-sur-sur',
    customerNumber: '1000403',
    email: 'facturacion@@sur',
    note: 'invalid email on record: contact support',
    scheme: 'plain',
  },
  {
    username: 'flotilla01',
    password: 'flotilla-uno',
    customerNumber: '1000504',
    email: 'admin@flotillas.example',
    note: 'shares its email with flotilla02: one login opens both',
    scheme: 'sha256',
  },
  {
    username: 'flotilla02',
    password: 'flotilla-dos',
    customerNumber: '1000605',
    email: 'admin@flotillas.example',
    note: 'shares its email with flotilla01: renewing it joins that login',
    scheme: 'plain',
  },
];

function legacyHash({ scheme, password }: DemoAccount): string {
  switch (scheme) {
    case 'bcrypt':
      return bcryptHash(password, { cost: 10 });
    case 'md5':
    case 'sha256':
      return `${scheme}:${createHash(scheme).update(password).digest('hex')}`;
    case 'plain':
      return `plain:${password}`;
  }
}

/** The demo accounts as import rows (for `importLegacyAccounts`). */
export async function* demoImportRows(): AsyncIterable<RawImportRow> {
  for (const [i, account] of demoAccounts.entries()) {
    yield {
      line: i + 2,
      customer_number: account.customerNumber,
      username: account.username,
      email: account.email,
      password_hash: legacyHash(account),
    };
  }
}
