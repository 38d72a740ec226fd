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
import { addSeconds } from './account.js';
import type { Policies } from './policies.js';

/**
 * The counters of whatever holds a password or receives codes: a customer account
 * before its renewal, a login after. Failures are state changes and are persisted.
 */
export interface Throttle {
  /** Consecutive password failures and when the last one happened. */
  failedLogins: number;
  lastFailedLoginAt: Date | null;
  /** Wrong codes in the current window, across every code sent; resends never reset it. */
  wrongCodes: number;
  wrongCodesSince: Date | null;
  /** Times of code emails in the last hour, for the hourly send limit. */
  recentSends: readonly Date[];
}

/** A fresh set of counters (a new account or login). */
export const noThrottle = stryMutAct_9fa48("132") ? () => undefined : (stryCov_9fa48("132"), (() => {
  const noThrottle = (): Throttle => stryMutAct_9fa48("133") ? {} : (stryCov_9fa48("133"), {
    failedLogins: 0,
    lastFailedLoginAt: null,
    wrongCodes: 0,
    wrongCodesSince: null,
    recentSends: stryMutAct_9fa48("134") ? ["Stryker was here"] : (stryCov_9fa48("134"), [])
  });
  return noThrottle;
})());

/** Sends in the last hour, pruned. */
export const sendsInLastHour = stryMutAct_9fa48("135") ? () => undefined : (stryCov_9fa48("135"), (() => {
  const sendsInLastHour = (t: Throttle, now: Date): Date[] => stryMutAct_9fa48("136") ? t.recentSends : (stryCov_9fa48("136"), t.recentSends.filter(stryMutAct_9fa48("137") ? () => undefined : (stryCov_9fa48("137"), s => stryMutAct_9fa48("141") ? now.getTime() - s.getTime() >= 3_600_000 : stryMutAct_9fa48("140") ? now.getTime() - s.getTime() <= 3_600_000 : stryMutAct_9fa48("139") ? false : stryMutAct_9fa48("138") ? true : (stryCov_9fa48("138", "139", "140", "141"), (stryMutAct_9fa48("142") ? now.getTime() + s.getTime() : (stryCov_9fa48("142"), now.getTime() - s.getTime())) < 3_600_000))));
  return sendsInLastHour;
})());

/**
 * When the next password attempt is allowed: null if now is fine, `locked` past the cap
 * (only a recovery or support unlocks it). Exponential after `loginFailuresBeforeBackoff`.
 */
export function loginBlockedUntil(t: Throttle, now: Date, p: Policies): Date | null | 'locked' {
  if (stryMutAct_9fa48("143")) {
    {}
  } else {
    stryCov_9fa48("143");
    if (stryMutAct_9fa48("147") ? t.failedLogins < p.loginFailureCap : stryMutAct_9fa48("146") ? t.failedLogins > p.loginFailureCap : stryMutAct_9fa48("145") ? false : stryMutAct_9fa48("144") ? true : (stryCov_9fa48("144", "145", "146", "147"), t.failedLogins >= p.loginFailureCap)) return stryMutAct_9fa48("148") ? "" : (stryCov_9fa48("148"), 'locked');
    const over = stryMutAct_9fa48("149") ? t.failedLogins + p.loginFailuresBeforeBackoff : (stryCov_9fa48("149"), t.failedLogins - p.loginFailuresBeforeBackoff);
    if (stryMutAct_9fa48("152") ? over < 0 && !t.lastFailedLoginAt : stryMutAct_9fa48("151") ? false : stryMutAct_9fa48("150") ? true : (stryCov_9fa48("150", "151", "152"), (stryMutAct_9fa48("155") ? over >= 0 : stryMutAct_9fa48("154") ? over <= 0 : stryMutAct_9fa48("153") ? false : (stryCov_9fa48("153", "154", "155"), over < 0)) || (stryMutAct_9fa48("156") ? t.lastFailedLoginAt : (stryCov_9fa48("156"), !t.lastFailedLoginAt)))) return null;
    const delay = stryMutAct_9fa48("157") ? Math.max(p.loginBackoffBaseSeconds * 2 ** over, p.loginBackoffMaxSeconds) : (stryCov_9fa48("157"), Math.min(stryMutAct_9fa48("158") ? p.loginBackoffBaseSeconds / 2 ** over : (stryCov_9fa48("158"), p.loginBackoffBaseSeconds * 2 ** over), p.loginBackoffMaxSeconds));
    const until = addSeconds(t.lastFailedLoginAt, delay);
    return (stryMutAct_9fa48("162") ? until <= now : stryMutAct_9fa48("161") ? until >= now : stryMutAct_9fa48("160") ? false : stryMutAct_9fa48("159") ? true : (stryCov_9fa48("159", "160", "161", "162"), until > now)) ? until : null;
  }
}

/** When a blocked holder's wrong-code window ends, or null if codes may be tried. */
export function wrongCodeBlockUntil(t: Throttle, now: Date, p: Policies): Date | null {
  if (stryMutAct_9fa48("163")) {
    {}
  } else {
    stryCov_9fa48("163");
    if (stryMutAct_9fa48("166") ? false : stryMutAct_9fa48("165") ? true : stryMutAct_9fa48("164") ? t.wrongCodesSince : (stryCov_9fa48("164", "165", "166"), !t.wrongCodesSince)) return null;
    const end = addSeconds(t.wrongCodesSince, p.wrongCodeWindowSeconds);
    if (stryMutAct_9fa48("170") ? end > now : stryMutAct_9fa48("169") ? end < now : stryMutAct_9fa48("168") ? false : stryMutAct_9fa48("167") ? true : (stryCov_9fa48("167", "168", "169", "170"), end <= now)) return null;
    return (stryMutAct_9fa48("174") ? t.wrongCodes < p.maxWrongCodesPerAccount : stryMutAct_9fa48("173") ? t.wrongCodes > p.maxWrongCodesPerAccount : stryMutAct_9fa48("172") ? false : stryMutAct_9fa48("171") ? true : (stryCov_9fa48("171", "172", "173", "174"), t.wrongCodes >= p.maxWrongCodesPerAccount)) ? end : null;
  }
}

/** One more wrong code in the window (or the first of a new window). */
export function countWrongCode<T extends Throttle>(t: T, now: Date, p: Policies): T {
  if (stryMutAct_9fa48("175")) {
    {}
  } else {
    stryCov_9fa48("175");
    const windowOpen = stryMutAct_9fa48("178") ? t.wrongCodesSince !== null || now.getTime() - t.wrongCodesSince.getTime() < p.wrongCodeWindowSeconds * 1000 : stryMutAct_9fa48("177") ? false : stryMutAct_9fa48("176") ? true : (stryCov_9fa48("176", "177", "178"), (stryMutAct_9fa48("180") ? t.wrongCodesSince === null : stryMutAct_9fa48("179") ? true : (stryCov_9fa48("179", "180"), t.wrongCodesSince !== null)) && (stryMutAct_9fa48("183") ? now.getTime() - t.wrongCodesSince.getTime() >= p.wrongCodeWindowSeconds * 1000 : stryMutAct_9fa48("182") ? now.getTime() - t.wrongCodesSince.getTime() <= p.wrongCodeWindowSeconds * 1000 : stryMutAct_9fa48("181") ? true : (stryCov_9fa48("181", "182", "183"), (stryMutAct_9fa48("184") ? now.getTime() + t.wrongCodesSince.getTime() : (stryCov_9fa48("184"), now.getTime() - t.wrongCodesSince.getTime())) < (stryMutAct_9fa48("185") ? p.wrongCodeWindowSeconds / 1000 : (stryCov_9fa48("185"), p.wrongCodeWindowSeconds * 1000)))));
    return stryMutAct_9fa48("186") ? {} : (stryCov_9fa48("186"), {
      ...t,
      wrongCodes: windowOpen ? stryMutAct_9fa48("187") ? t.wrongCodes - 1 : (stryCov_9fa48("187"), t.wrongCodes + 1) : 1,
      wrongCodesSince: windowOpen ? t.wrongCodesSince : now
    });
  }
}

/** A proven password: the consecutive-failure count starts again. */
export const clearFailedLogins = stryMutAct_9fa48("188") ? () => undefined : (stryCov_9fa48("188"), (() => {
  const clearFailedLogins = <T extends Throttle,>(t: T): T => stryMutAct_9fa48("189") ? {} : (stryCov_9fa48("189"), {
    ...t,
    failedLogins: 0,
    lastFailedLoginAt: null
  });
  return clearFailedLogins;
})());