// @ts-nocheck
import { completeRecovery, completeRenewal, requestRecovery, resendRenewalCode } from './codes.js';
import { deliverPendingEmails } from './deliver-pending-emails.js';
import { recordDeliveryEvent } from './delivery-events.js';
import type { Ports } from './deps.js';
import { exportAudit } from './export-audit.js';
import { importLegacyAccounts } from './import-legacy-accounts.js';
import { logIn } from './log-in.js';
import { logOut, selectCustomerNumber, validateSession } from './sessions.js';
import {
  findAccount,
  listOutbox,
  migrationStats,
  retryOutbox,
  setRegisteredEmail,
  unlockSignIn,
} from './support.js';
import { wrapWeakLegacyHashes } from './wrap-weak-legacy-hashes.js';

/** Every use case wired to one set of ports: what a transport (HTTP, CLI) is handed. */
export function createUseCases(ports: Ports) {
  return {
    logIn: logIn(ports),
    resendRenewalCode: resendRenewalCode(ports),
    completeRenewal: completeRenewal(ports),
    requestRecovery: requestRecovery(ports),
    completeRecovery: completeRecovery(ports),
    validateSession: validateSession(ports),
    selectCustomerNumber: selectCustomerNumber(ports),
    logOut: logOut(ports),
    setRegisteredEmail: setRegisteredEmail(ports),
    findAccount: findAccount(ports),
    unlockSignIn: unlockSignIn(ports),
    migrationStats: migrationStats(ports),
    exportAudit: exportAudit(ports),
    listOutbox: listOutbox(ports),
    retryOutbox: retryOutbox(ports),
    deliverPendingEmails: deliverPendingEmails(ports),
    recordDeliveryEvent: recordDeliveryEvent(ports),
    importLegacyAccounts: importLegacyAccounts(ports),
    wrapWeakLegacyHashes: wrapWeakLegacyHashes(ports),
  };
}

/** The use cases as a transport sees them. */
export type UseCases = ReturnType<typeof createUseCases>;
