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
import { type Account, addSeconds, audit, isLogin, type Login, type PasswordHolder, type PendingRenewal, type Transition, touch } from './account.js';
import type { RequestContext } from './effects.js';
import type { DomainError } from './errors.js';
import type { Policies } from './policies.js';
import { Err, Ok, type Result } from './result.js';
import { countWrongCode, sendsInLastHour, wrongCodeBlockUntil } from './throttle.js';

/**
 * A one-time code sent by email. Only hashes are kept: the code hash and the hash of
 * the flow token that binds the code to the client that asked for it.
 */
export interface Challenge {
  codeHash: string;
  flowTokenHash: string;
  issuedAt: Date;
  expiresAt: Date;
  /** Wrong codes entered against this code; never decreases. */
  attempts: number;
  /** Emails sent for this challenge (first send included). */
  sends: number;
  lastSentAt: Date;
}

/** A freshly drawn code and flow token, with their hashes (from the Secrets port). */
export interface IssuedCode {
  code: string;
  codeHash: string;
  flowTokenHash: string;
}

/** What a code can be open on: a renewal on a customer account, a recovery on a login. */
export type ChallengeHolder = PendingRenewal | Login;

/** The challenge currently open on an account or a login, if any. */
export function openChallenge(holder: Account | Login): Challenge | null {
  if (stryMutAct_9fa48("0")) {
    {}
  } else {
    stryCov_9fa48("0");
    if (stryMutAct_9fa48("2") ? false : stryMutAct_9fa48("1") ? true : (stryCov_9fa48("1", "2"), isLogin(holder))) return holder.recovery;
    return (stryMutAct_9fa48("5") ? holder.status !== 'pending_renewal' : stryMutAct_9fa48("4") ? false : stryMutAct_9fa48("3") ? true : (stryCov_9fa48("3", "4", "5"), holder.status === (stryMutAct_9fa48("6") ? "" : (stryCov_9fa48("6"), 'pending_renewal')))) ? holder.challenge : null;
  }
}

/** The holder with its challenge replaced. */
export const withChallenge = stryMutAct_9fa48("7") ? () => undefined : (stryCov_9fa48("7"), (() => {
  const withChallenge = <H extends ChallengeHolder,>(holder: H, challenge: Challenge): H => isLogin(holder) ? stryMutAct_9fa48("8") ? {} : (stryCov_9fa48("8"), {
    ...holder,
    recovery: challenge
  }) : stryMutAct_9fa48("9") ? {} : (stryCov_9fa48("9"), {
    ...holder,
    challenge
  });
  return withChallenge;
})());

/** A new challenge; `previous` (the one it replaces) carries its send count over. */
export const newChallenge = stryMutAct_9fa48("10") ? () => undefined : (stryCov_9fa48("10"), (() => {
  const newChallenge = (issued: IssuedCode, previous: Challenge | null, now: Date, p: Policies): Challenge => stryMutAct_9fa48("11") ? {} : (stryCov_9fa48("11"), {
    codeHash: issued.codeHash,
    flowTokenHash: issued.flowTokenHash,
    issuedAt: now,
    expiresAt: addSeconds(now, p.codeLifetimeSeconds),
    attempts: 0,
    sends: stryMutAct_9fa48("12") ? (previous?.sends ?? 0) - 1 : (stryCov_9fa48("12"), (stryMutAct_9fa48("13") ? previous?.sends && 0 : (stryCov_9fa48("13"), (stryMutAct_9fa48("14") ? previous.sends : (stryCov_9fa48("14"), previous?.sends)) ?? 0)) + 1),
    lastSentAt: now
  });
  return newChallenge;
})());

/** Whether a challenge can still be answered (not expired, not used up). */
export const isLive = stryMutAct_9fa48("15") ? () => undefined : (stryCov_9fa48("15"), (() => {
  const isLive = (challenge: Challenge | null, now: Date, p: Policies): boolean => stryMutAct_9fa48("18") ? !!challenge && now < challenge.expiresAt || challenge.attempts < p.maxAttemptsPerCode : stryMutAct_9fa48("17") ? false : stryMutAct_9fa48("16") ? true : (stryCov_9fa48("16", "17", "18"), (stryMutAct_9fa48("20") ? !!challenge || now < challenge.expiresAt : stryMutAct_9fa48("19") ? true : (stryCov_9fa48("19", "20"), (stryMutAct_9fa48("21") ? !challenge : (stryCov_9fa48("21"), !(stryMutAct_9fa48("22") ? challenge : (stryCov_9fa48("22"), !challenge)))) && (stryMutAct_9fa48("25") ? now >= challenge.expiresAt : stryMutAct_9fa48("24") ? now <= challenge.expiresAt : stryMutAct_9fa48("23") ? true : (stryCov_9fa48("23", "24", "25"), now < challenge.expiresAt)))) && (stryMutAct_9fa48("28") ? challenge.attempts >= p.maxAttemptsPerCode : stryMutAct_9fa48("27") ? challenge.attempts <= p.maxAttemptsPerCode : stryMutAct_9fa48("26") ? true : (stryCov_9fa48("26", "27", "28"), challenge.attempts < p.maxAttemptsPerCode)));
  return isLive;
})());

/**
 * When a new code may be emailed to this account or login, or null if now is fine.
 * Combines the cooldown since the last send and the hourly cap.
 */
export function nextSendAllowedAt(holder: PasswordHolder, now: Date, p: Policies): Date | null {
  if (stryMutAct_9fa48("29")) {
    {}
  } else {
    stryCov_9fa48("29");
    const recent = sendsInLastHour(holder, now);
    const candidates: Date[] = stryMutAct_9fa48("30") ? ["Stryker was here"] : (stryCov_9fa48("30"), []);
    const challenge = openChallenge(holder);
    if (stryMutAct_9fa48("32") ? false : stryMutAct_9fa48("31") ? true : (stryCov_9fa48("31", "32"), challenge)) {
      if (stryMutAct_9fa48("33")) {
        {}
      } else {
        stryCov_9fa48("33");
        const cooldownEnd = addSeconds(challenge.lastSentAt, p.resendCooldownSeconds);
        if (stryMutAct_9fa48("37") ? cooldownEnd <= now : stryMutAct_9fa48("36") ? cooldownEnd >= now : stryMutAct_9fa48("35") ? false : stryMutAct_9fa48("34") ? true : (stryCov_9fa48("34", "35", "36", "37"), cooldownEnd > now)) candidates.push(cooldownEnd);
      }
    }
    if (stryMutAct_9fa48("41") ? recent.length < p.maxSendsPerHour : stryMutAct_9fa48("40") ? recent.length > p.maxSendsPerHour : stryMutAct_9fa48("39") ? false : stryMutAct_9fa48("38") ? true : (stryCov_9fa48("38", "39", "40", "41"), recent.length >= p.maxSendsPerHour)) {
      if (stryMutAct_9fa48("42")) {
        {}
      } else {
        stryCov_9fa48("42");
        const oldest = new Date(stryMutAct_9fa48("43") ? Math.max(...recent.map(t => t.getTime())) : (stryCov_9fa48("43"), Math.min(...recent.map(stryMutAct_9fa48("44") ? () => undefined : (stryCov_9fa48("44"), t => t.getTime())))));
        candidates.push(addSeconds(oldest, 3600));
      }
    }
    if (stryMutAct_9fa48("47") ? candidates.length !== 0 : stryMutAct_9fa48("46") ? false : stryMutAct_9fa48("45") ? true : (stryCov_9fa48("45", "46", "47"), candidates.length === 0)) return null;
    return new Date(stryMutAct_9fa48("48") ? Math.min(...candidates.map(t => t.getTime())) : (stryCov_9fa48("48"), Math.max(...candidates.map(stryMutAct_9fa48("49") ? () => undefined : (stryCov_9fa48("49"), t => t.getTime())))));
  }
}

/**
 * A second request (a new browser, or a double submission) while the last code is
 * still fresh: the new client takes over the flow and no new email is sent.
 */
export function rebindChallenge<H extends ChallengeHolder>(holder: H, challenge: Challenge, flowTokenHash: string, now: Date): Transition<H> {
  if (stryMutAct_9fa48("50")) {
    {}
  } else {
    stryCov_9fa48("50");
    return stryMutAct_9fa48("51") ? {} : (stryCov_9fa48("51"), {
      account: touch(withChallenge(holder, stryMutAct_9fa48("52") ? {} : (stryCov_9fa48("52"), {
        ...challenge,
        flowTokenHash
      })), now),
      effects: stryMutAct_9fa48("53") ? ["Stryker was here"] : (stryCov_9fa48("53"), [])
    });
  }
}

/**
 * Checks a code against a holder's open challenge. A wrong code is a state change
 * (attempt counters go up) that must be persisted; the error comes with it.
 */
export function checkCode<H extends ChallengeHolder>(holder: H, challenge: Challenge, codeMatches: boolean, now: Date, ctx: RequestContext, p: Policies): Result<void, {
  error: DomainError;
  transition: Transition<H> | null;
}> {
  if (stryMutAct_9fa48("54")) {
    {}
  } else {
    stryCov_9fa48("54");
    const blockedUntil = wrongCodeBlockUntil(holder, now, p);
    if (stryMutAct_9fa48("56") ? false : stryMutAct_9fa48("55") ? true : (stryCov_9fa48("55", "56"), blockedUntil)) return Err(stryMutAct_9fa48("57") ? {} : (stryCov_9fa48("57"), {
      error: stryMutAct_9fa48("58") ? {} : (stryCov_9fa48("58"), {
        code: stryMutAct_9fa48("59") ? "" : (stryCov_9fa48("59"), 'throttled'),
        retryAt: blockedUntil
      }),
      transition: null
    }));
    if (stryMutAct_9fa48("63") ? challenge.attempts < p.maxAttemptsPerCode : stryMutAct_9fa48("62") ? challenge.attempts > p.maxAttemptsPerCode : stryMutAct_9fa48("61") ? false : stryMutAct_9fa48("60") ? true : (stryCov_9fa48("60", "61", "62", "63"), challenge.attempts >= p.maxAttemptsPerCode)) return Err(stryMutAct_9fa48("64") ? {} : (stryCov_9fa48("64"), {
      error: stryMutAct_9fa48("65") ? {} : (stryCov_9fa48("65"), {
        code: stryMutAct_9fa48("66") ? "" : (stryCov_9fa48("66"), 'code_exhausted')
      }),
      transition: null
    }));
    if (stryMutAct_9fa48("70") ? now < challenge.expiresAt : stryMutAct_9fa48("69") ? now > challenge.expiresAt : stryMutAct_9fa48("68") ? false : stryMutAct_9fa48("67") ? true : (stryCov_9fa48("67", "68", "69", "70"), now >= challenge.expiresAt)) return Err(stryMutAct_9fa48("71") ? {} : (stryCov_9fa48("71"), {
      error: stryMutAct_9fa48("72") ? {} : (stryCov_9fa48("72"), {
        code: stryMutAct_9fa48("73") ? "" : (stryCov_9fa48("73"), 'code_expired')
      }),
      transition: null
    }));
    if (stryMutAct_9fa48("75") ? false : stryMutAct_9fa48("74") ? true : (stryCov_9fa48("74", "75"), codeMatches)) return Ok(undefined);
    const attempts = stryMutAct_9fa48("76") ? challenge.attempts - 1 : (stryCov_9fa48("76"), challenge.attempts + 1);
    const next = touch(withChallenge(countWrongCode(holder, now, p), stryMutAct_9fa48("77") ? {} : (stryCov_9fa48("77"), {
      ...challenge,
      attempts
    })), now);
    const attemptsLeft = stryMutAct_9fa48("78") ? Math.min(0, p.maxAttemptsPerCode - attempts) : (stryCov_9fa48("78"), Math.max(0, stryMutAct_9fa48("79") ? p.maxAttemptsPerCode + attempts : (stryCov_9fa48("79"), p.maxAttemptsPerCode - attempts)));
    return Err(stryMutAct_9fa48("80") ? {} : (stryCov_9fa48("80"), {
      error: (stryMutAct_9fa48("83") ? attemptsLeft !== 0 : stryMutAct_9fa48("82") ? false : stryMutAct_9fa48("81") ? true : (stryCov_9fa48("81", "82", "83"), attemptsLeft === 0)) ? stryMutAct_9fa48("84") ? {} : (stryCov_9fa48("84"), {
        code: stryMutAct_9fa48("85") ? "" : (stryCov_9fa48("85"), 'code_exhausted')
      }) : stryMutAct_9fa48("86") ? {} : (stryCov_9fa48("86"), {
        code: stryMutAct_9fa48("87") ? "" : (stryCov_9fa48("87"), 'code_invalid'),
        attemptsLeft
      }),
      transition: stryMutAct_9fa48("88") ? {} : (stryCov_9fa48("88"), {
        account: next,
        effects: stryMutAct_9fa48("89") ? [] : (stryCov_9fa48("89"), [audit(stryMutAct_9fa48("90") ? "" : (stryCov_9fa48("90"), 'code_failed'), holder, now, ctx, stryMutAct_9fa48("91") ? {} : (stryCov_9fa48("91"), {
          attempts
        }))])
      })
    }));
  }
}