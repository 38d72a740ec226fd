import type { DeliveryResult, EmailMessage, Mailer } from '@renueva/domain';
import { ServerClient } from 'postmark';
import { type RenderOptions, renderEmail } from './templates.js';

export interface PostmarkOptions extends RenderOptions {
  serverToken: string;
  from: string;
  messageStream: string;
  /** e.g. `http://127.0.0.1:4000` for a local stub; null for Postmark's API. */
  apiUrl: string | null;
  timeoutSeconds?: number;
}

/** Postmark's API error codes that will never succeed on retry. */
const PERMANENT_CODES: Record<number, string> = {
  300: 'invalid email request',
  406: 'inactive recipient',
};

/**
 * Sends through Postmark's official client. Transient failures (5xx, 429, timeouts,
 * network errors, a rejected token that ops can fix) are retried by the dispatcher;
 * permanent ones (422: inactive recipient, invalid address…) are not.
 */
export class PostmarkMailer implements Mailer {
  readonly #client: ServerClient;

  constructor(private readonly options: PostmarkOptions) {
    const url = options.apiUrl ? new URL(options.apiUrl) : null;
    this.#client = new ServerClient(options.serverToken, {
      useHttps: url ? url.protocol === 'https:' : true,
      requestHost: url ? url.host : 'api.postmarkapp.com',
      timeout: options.timeoutSeconds ?? 10,
    });
  }

  async send(email: EmailMessage): Promise<DeliveryResult> {
    const rendered = renderEmail(email, this.options);
    try {
      const response = await this.#client.sendEmail({
        From: this.options.from,
        To: email.to,
        Subject: rendered.subject,
        TextBody: rendered.text,
        HtmlBody: rendered.html,
        MessageStream: this.options.messageStream,
        Tag: email.template,
        TrackOpens: false,
      });
      return { status: 'sent', providerId: response.MessageID ?? null };
    } catch (error) {
      return classify(error);
    }
  }
}

function classify(error: unknown): DeliveryResult {
  const {
    statusCode = 0,
    code = 0,
    message = String(error),
  } = error as { statusCode?: number; code?: number; message?: string };
  const reason = `Postmark ${statusCode || 'network'}${code ? `/${code}` : ''}: ${message}`.slice(
    0,
    300,
  );
  if (
    statusCode === 422 ||
    (statusCode >= 400 && statusCode < 500 && statusCode !== 401 && statusCode !== 429)
  )
    return {
      status: 'permanent',
      reason: PERMANENT_CODES[code] ? `${PERMANENT_CODES[code]} (${reason})` : reason,
    };
  return { status: 'transient', reason };
}
