export { ConsoleMailer } from './console-mailer.js';
export { type DevMail, DevMailbox } from './dev-mailbox.js';
export { type Dispatcher, type DispatcherLogger, startDispatcher } from './dispatcher.js';
export { PostmarkMailer, type PostmarkOptions } from './postmark-mailer.js';
export { escapeHtml, type RenderedEmail, type RenderOptions, renderEmail } from './templates.js';
