import type { EmailTemplate } from '@renueva/domain';

export interface DevMail {
  id: number;
  template: EmailTemplate;
  to: string;
  subject: string;
  text: string;
  html: string;
  sentAt: Date;
}

const CAPACITY = 50;

/** The last emails of the console mailer, for `/_dev/mailbox` (development only). */
export class DevMailbox {
  readonly #mails: DevMail[] = [];
  #sequence = 0;

  add(mail: Omit<DevMail, 'id'>): void {
    this.#mails.unshift({ ...mail, id: ++this.#sequence });
    this.#mails.length = Math.min(this.#mails.length, CAPACITY);
  }

  /** Newest first. */
  list(): DevMail[] {
    return [...this.#mails];
  }

  /** The newest email, optionally to one address (case-insensitive). */
  latest(to?: string): DevMail | null {
    return this.#mails.find((m) => !to || m.to.toLowerCase() === to.toLowerCase()) ?? null;
  }
}
