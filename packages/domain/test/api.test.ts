import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as testing from '../testing/index.js';
import * as memory from '../testing/memory/index.js';

// Other services build on these entries: what they export is the API. A change to a list
// below is a change of the API, to be reviewed (and versioned) as one.

describe('the public API', () => {
  // the main entry's names, types included, are pinned below; these are the test kit's
  it('the test kit exports these names at runtime', () => {
    expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
      [
        "ARBITRARY_NOW",
        "DeterministicSecrets",
        "FakeLegacyVerifier",
        "FakePasswordHasher",
        "FakePasswordStrength",
        "FixedClock",
        "MemoryAccountRepository",
        "MemoryAuditLog",
        "MemoryDeliveryEvents",
        "MemoryOutbox",
        "MemorySessionStore",
        "RecordingMailer",
        "accountRepositoryContract",
        "arbAccount",
        "arbChallenge",
        "arbCustomerNumber",
        "arbEmail",
        "arbLegacyAccount",
        "arbLegacyUsername",
        "arbLogin",
        "arbMigratedAccount",
        "arbPendingRenewal",
        "arbPolicies",
        "arbRegisteredEmail",
        "arbRequestContext",
        "arbThrottle",
        "arbTime",
        "auditLogContract",
        "createMemoryPorts",
        "createMemoryStore",
        "deliveryEventsContract",
        "lastCodeFor",
        "numRuns",
        "outboxContract",
        "seedLegacyAccounts",
        "sessionStoreContract",
        "storeContracts",
      ]
    `);
    expect(Object.keys(memory).sort()).toMatchInlineSnapshot(`
      [
        "MemoryAccountRepository",
        "MemoryAuditLog",
        "MemoryDeliveryEvents",
        "MemoryOutbox",
        "MemorySessionStore",
        "createMemoryStore",
      ]
    `);
  });

  const root = join(import.meta.dirname, '..');
  const ENTRIES = ['src/index.ts', 'testing/index.ts', 'testing/memory/index.ts'];
  /** Every export of an entry, types included, with the symbol it stands for. */
  const exportsOf = (() => {
    let program: ts.Program | null = null;
    return (entry: string) => {
      program ??= ts.createProgram(
        ENTRIES.map((e) => join(root, e)),
        {
          module: ts.ModuleKind.NodeNext,
          moduleResolution: ts.ModuleResolutionKind.NodeNext,
          target: ts.ScriptTarget.ES2022,
          types: ['node'],
          noEmit: true,
        },
      );
      const checker = program.getTypeChecker();
      const file = program.getSourceFile(join(root, entry));
      const module = file && checker.getSymbolAtLocation(file);
      if (!module) throw new Error(`cannot read ${entry}`);
      return checker.getExportsOfModule(module).map((exported) => ({
        name: exported.name,
        symbol:
          exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported,
        checker,
      }));
    };
  })();

  it('exports these names, types included (a breaking change shows here in review)', () => {
    expect(
      exportsOf('src/index.ts')
        .map((e) => e.name)
        .sort(),
    ).toMatchInlineSnapshot(`
      [
        "Account",
        "AccountRepository",
        "AccountStatus",
        "ActivityCounts",
        "AuditAction",
        "AuditEntry",
        "AuditFilter",
        "AuditLog",
        "AuditRow",
        "AuditSubject",
        "Challenge",
        "ChallengeHolder",
        "Changes",
        "Clock",
        "CodeFlow",
        "CodeInput",
        "Completed",
        "DeliveryEvent",
        "DeliveryEventOutcome",
        "DeliveryEvents",
        "DeliveryReport",
        "DeliveryResult",
        "DomainError",
        "Effect",
        "Email",
        "EmailClass",
        "EmailMessage",
        "EmailTemplate",
        "Err",
        "ErrorCode",
        "Flow",
        "HasherBusy",
        "Identifier",
        "ImportOutcome",
        "ImportedLines",
        "LegacyAccount",
        "LegacyHash",
        "LegacyImportRow",
        "LegacyPasswordVerifier",
        "LineDigest",
        "LogInInput",
        "LogInOutcome",
        "Login",
        "Lookup",
        "Mailer",
        "MigratedAccount",
        "MigrationStats",
        "Ok",
        "Outbox",
        "OutboxEntry",
        "OutboxMessage",
        "PasswordContext",
        "PasswordHasher",
        "PasswordHolder",
        "PasswordProblem",
        "PasswordStrength",
        "PendingRenewal",
        "Policies",
        "PolicyOverrides",
        "Ports",
        "RawImportRow",
        "RecoveryRequested",
        "RejectedRow",
        "RequestContext",
        "ResendOutcome",
        "Result",
        "SaveError",
        "SaveResult",
        "Secrets",
        "Session",
        "SessionStore",
        "StoredAuditEntry",
        "Throttle",
        "Transition",
        "UndeliverableEmail",
        "UnknownIdentifier",
        "UseCases",
        "ValidSession",
        "Versioned",
        "VersionedWrite",
        "WEAK_LEGACY_HASH_PATTERN",
        "WEAK_LEGACY_SCHEMES",
        "WeakLegacyHash",
        "WrapOutcome",
        "checkNewPassword",
        "completeRecovery",
        "completeRenewal",
        "createUseCases",
        "defaultPolicies",
        "deliverPendingEmails",
        "exportAudit",
        "findAccount",
        "importLegacyAccounts",
        "isLogin",
        "isWeakLegacyHash",
        "listOutbox",
        "logIn",
        "logOut",
        "loginBlockedUntil",
        "maskEmail",
        "migrationStats",
        "nextSendAllowedAt",
        "normalizePassword",
        "openChallenge",
        "parseCustomerNumber",
        "parseEmail",
        "parseIdentifier",
        "parseLegacyUsername",
        "policiesSchema",
        "recordDeliveryEvent",
        "requestRecovery",
        "resendRenewalCode",
        "resolvePolicies",
        "retryOutbox",
        "selectCustomerNumber",
        "setRegisteredEmail",
        "unlockSignIn",
        "usernameKey",
        "validateImportRow",
        "validateSession",
        "wrapWeakLegacyHashes",
        "wrongCodeBlockUntil",
      ]
    `);
  });

  it('documents every export, types included, with JSDoc', () => {
    const undocumented = ENTRIES.flatMap((entry) =>
      exportsOf(entry).flatMap(({ name, symbol, checker }) => {
        // Ok, Err and Result are ts-results-es' own, documented there
        const theirs = symbol.declarations?.every((d) =>
          d.getSourceFile().fileName.includes('/node_modules/'),
        );
        const doc = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
        return doc || theirs ? [] : [`${entry}: ${name}`];
      }),
    );
    expect(undocumented).toEqual([]);
  });
});
