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
import { audit, type Login, type Transition, touch } from './account.js';
import { type IssuedCode, newChallenge } from './challenge.js';
import type { EmailMessage, RequestContext } from './effects.js';
import type { Policies } from './policies.js';
import { codeEmail } from './renewal.js';
import { clearFailedLogins, sendsInLastHour } from './throttle.js';

/** Starts (or restarts with a new code) a password recovery on a login. */
export function startRecovery(login: Login, issued: IssuedCode, now: Date, ctx: RequestContext, p: Policies): Transition<Login> {
  if (stryMutAct_9fa48("92")) {
    {}
  } else {
    stryCov_9fa48("92");
    const recovery = newChallenge(issued, login.recovery, now, p);
    const next: Login = touch(stryMutAct_9fa48("93") ? {} : (stryCov_9fa48("93"), {
      ...login,
      recovery,
      recentSends: stryMutAct_9fa48("94") ? [] : (stryCov_9fa48("94"), [...sendsInLastHour(login, now), now])
    }), now);
    const email = codeEmail(stryMutAct_9fa48("95") ? "" : (stryCov_9fa48("95"), 'recovery_code'), login.email, login.customerNumbers, issued, recovery.expiresAt, now, ctx);
    return stryMutAct_9fa48("96") ? {} : (stryCov_9fa48("96"), {
      account: next,
      effects: stryMutAct_9fa48("97") ? [] : (stryCov_9fa48("97"), [stryMutAct_9fa48("98") ? {} : (stryCov_9fa48("98"), {
        type: stryMutAct_9fa48("99") ? "" : (stryCov_9fa48("99"), 'email'),
        email
      }), audit(stryMutAct_9fa48("100") ? "" : (stryCov_9fa48("100"), 'recovery_requested'), login, now, ctx)])
    });
  }
}

/**
 * The right recovery code and an acceptable new password: the login's password changes
 * (for every customer number it opens) and its back-off ends. The caller ends its sessions.
 */
export function completePasswordChange(login: Login, passwordHash: string, now: Date, ctx: RequestContext): Transition<Login> {
  if (stryMutAct_9fa48("101")) {
    {}
  } else {
    stryCov_9fa48("101");
    const next: Login = touch(clearFailedLogins(stryMutAct_9fa48("102") ? {} : (stryCov_9fa48("102"), {
      ...login,
      passwordHash,
      passwordChangedAt: now,
      recovery: null
    })), now);
    const email: EmailMessage = stryMutAct_9fa48("103") ? {} : (stryCov_9fa48("103"), {
      template: stryMutAct_9fa48("104") ? "" : (stryCov_9fa48("104"), 'password_changed'),
      to: login.email,
      locale: stryMutAct_9fa48("105") ? "" : (stryCov_9fa48("105"), 'es-MX'),
      data: stryMutAct_9fa48("106") ? {} : (stryCov_9fa48("106"), {
        customerNumbers: stryMutAct_9fa48("107") ? [] : (stryCov_9fa48("107"), [...login.customerNumbers]),
        requestedAt: now,
        requestIp: ctx.ip
      })
    });
    return stryMutAct_9fa48("108") ? {} : (stryCov_9fa48("108"), {
      account: next,
      effects: stryMutAct_9fa48("109") ? [] : (stryCov_9fa48("109"), [stryMutAct_9fa48("110") ? {} : (stryCov_9fa48("110"), {
        type: stryMutAct_9fa48("111") ? "" : (stryCov_9fa48("111"), 'email'),
        email
      }), audit(stryMutAct_9fa48("112") ? "" : (stryCov_9fa48("112"), 'recovery_completed'), login, now, ctx)])
    });
  }
}