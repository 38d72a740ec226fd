// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { audit, type Login, type PasswordHolder, type Transition, touch } from './account.js';
import type { RequestContext } from './effects.js';
import { clearFailedLogins } from './throttle.js';

// The sign-in transitions: on the legacy password of an account not yet renewed, or on
// a login's password. The back-off rules they feed are in throttle.ts.

/** A wrong password: counted on the account (legacy) or the login, persisted. */
export function recordFailedLogin<H extends PasswordHolder>(holder: H, now: Date, ctx: RequestContext): Transition<H> {
  if (stryMutAct_9fa48("113")) {
    {}
  } else {
    stryCov_9fa48("113");
    const next = touch(stryMutAct_9fa48("114") ? {} : (stryCov_9fa48("114"), {
      ...holder,
      failedLogins: stryMutAct_9fa48("115") ? holder.failedLogins - 1 : (stryCov_9fa48("115"), holder.failedLogins + 1),
      lastFailedLoginAt: now
    }), now);
    return stryMutAct_9fa48("116") ? {} : (stryCov_9fa48("116"), {
      account: next,
      effects: stryMutAct_9fa48("117") ? [] : (stryCov_9fa48("117"), [audit(stryMutAct_9fa48("118") ? "" : (stryCov_9fa48("118"), 'login_failed'), holder, now, ctx, stryMutAct_9fa48("119") ? {} : (stryCov_9fa48("119"), {
        consecutive: next.failedLogins
      }))])
    });
  }
}

/** Support clears the sign-in back-off (and a lock) of an account or a login. */
export function unlock<H extends PasswordHolder>(holder: H, now: Date, actor: string): Transition<H> {
  if (stryMutAct_9fa48("120")) {
    {}
  } else {
    stryCov_9fa48("120");
    return stryMutAct_9fa48("121") ? {} : (stryCov_9fa48("121"), {
      account: touch(clearFailedLogins(holder), now),
      effects: stryMutAct_9fa48("122") ? [] : (stryCov_9fa48("122"), [audit(stryMutAct_9fa48("123") ? "" : (stryCov_9fa48("123"), 'unlocked'), holder, now, stryMutAct_9fa48("124") ? {} : (stryCov_9fa48("124"), {
        ip: null,
        userAgent: null
      }), stryMutAct_9fa48("125") ? {} : (stryCov_9fa48("125"), {
        actor,
        previousFailures: holder.failedLogins
      }))])
    });
  }
}

/** A successful password sign-in: failure counter reset, hash upgraded if asked. */
export function recordSignIn(login: Login, rehashed: string | null, now: Date, ctx: RequestContext): Transition<Login> {
  if (stryMutAct_9fa48("126")) {
    {}
  } else {
    stryCov_9fa48("126");
    return stryMutAct_9fa48("127") ? {} : (stryCov_9fa48("127"), {
      account: touch(stryMutAct_9fa48("128") ? {} : (stryCov_9fa48("128"), {
        ...clearFailedLogins(login),
        passwordHash: stryMutAct_9fa48("129") ? rehashed && login.passwordHash : (stryCov_9fa48("129"), rehashed ?? login.passwordHash)
      }), now),
      effects: stryMutAct_9fa48("130") ? [] : (stryCov_9fa48("130"), [audit(stryMutAct_9fa48("131") ? "" : (stryCov_9fa48("131"), 'login_succeeded'), login, now, ctx)])
    });
  }
}