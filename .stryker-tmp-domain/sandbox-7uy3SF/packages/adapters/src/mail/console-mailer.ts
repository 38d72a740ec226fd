import type { DeliveryResult, EmailMessage, Mailer } from '@renueva/domain';
import type { DevMailbox } from './dev-mailbox.js';
import { type RenderOptions, renderEmail } from './templates.js';

/**
 * Development mailer: prints each email (code included — acceptable only because this
 * mailer exists for local development; production uses Postmark) and keeps it in the
 * dev mailbox.
 */
export class ConsoleMailer implements Mailer {
  constructor(
    private readonly options: RenderOptions & {
      mailbox: DevMailbox | null;
      write?: (text: string) => void;
      now?: () => Date;
    },
  ) {}

  async send(email: EmailMessage): Promise<DeliveryResult> {
    const rendered = renderEmail(email, this.options);
    const write = this.options.write ?? ((text: string) => process.stdout.write(text));
    const rule = '─'.repeat(60);
    write(
      `\n${rule}\nPara: ${email.to}\nAsunto: ${rendered.subject}\n${rule}\n${rendered.text}\n${rule}\n`,
    );
    this.options.mailbox?.add({
      template: email.template,
      to: email.to,
      ...rendered,
      sentAt: this.options.now?.() ?? new Date(),
    });
    return { status: 'sent', providerId: null };
  }
}
