import { completeRecovery, completeRenewal, requestRecovery, resendRenewalCode } from './codes.js';
import { deliverPendingEmails } from './deliver-pending-emails.js';
import type { Ports } from './deps.js';
import { importLegacyAccounts } from './import-legacy-accounts.js';
import { logIn } from './log-in.js';
import { logOut, validateSession } from './sessions.js';
import { migrationStats, setRegisteredEmail } from './support.js';

/** Every use case wired to one set of ports: what a transport (HTTP, CLI) is handed. */
export function createUseCases(ports: Ports) {
  return {
    logIn: logIn(ports),
    resendRenewalCode: resendRenewalCode(ports),
    completeRenewal: completeRenewal(ports),
    requestRecovery: requestRecovery(ports),
    completeRecovery: completeRecovery(ports),
    validateSession: validateSession(ports),
    logOut: logOut(ports),
    setRegisteredEmail: setRegisteredEmail(ports),
    migrationStats: migrationStats(ports),
    deliverPendingEmails: deliverPendingEmails(ports),
    importLegacyAccounts: importLegacyAccounts(ports),
  };
}

export type UseCases = ReturnType<typeof createUseCases>;
