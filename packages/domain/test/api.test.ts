import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as domain from '../src/index.js';
import * as testing from '../src/testing/index.js';
import * as memory from '../src/testing/memory/index.js';

// Other services build on these entries: what they export is the API. A change to a list
// below is a change of the API, to be reviewed (and versioned) as one.

describe('the public API', () => {
  it('exports these names at runtime', () => {
    expect(Object.keys(domain).sort()).toMatchInlineSnapshot(`
      [
        "Err",
        "Ok",
        "checkNewPassword",
        "completeRecovery",
        "completeRenewal",
        "createUseCases",
        "defaultPolicies",
        "deliverPendingEmails",
        "findAccount",
        "importLegacyAccounts",
        "isLogin",
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
        "wrongCodeBlockUntil",
      ]
    `);
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
        "MemoryOutbox",
        "MemorySessionStore",
        "createMemoryStore",
      ]
    `);
  });

  it('documents every export, types included, with JSDoc', () => {
    const root = join(import.meta.dirname, '..');
    const entries = ['src/index.ts', 'src/testing/index.ts', 'src/testing/memory/index.ts'].map(
      (entry) => join(root, entry),
    );
    const program = ts.createProgram(entries, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: ['node'],
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const undocumented = entries.flatMap((entry) => {
      const file = program.getSourceFile(entry);
      const module = file && checker.getSymbolAtLocation(file);
      if (!module) throw new Error(`cannot read ${entry}`);
      return checker.getExportsOfModule(module).flatMap((exported) => {
        const symbol =
          exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        // Ok, Err and Result are ts-results-es' own, documented there
        const theirs = symbol.declarations?.every((d) =>
          d.getSourceFile().fileName.includes('/node_modules/'),
        );
        const doc = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
        return doc || theirs ? [] : [`${entry.slice(root.length + 1)}: ${exported.name}`];
      });
    });
    expect(undocumented).toEqual([]);
  });
});
