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
import type { DomainError } from '../errors.js';
import type { Session } from '../ports.js';
import { Err, Ok, type Result } from '../result.js';
import type { Ports } from './deps.js';
type SessionPorts = Pick<Ports, 'sessions' | 'secrets' | 'clock' | 'policies'>;

/** Creates a session on one of a login's customer numbers; only the token's hash is stored. */
export async function startSession(ports: SessionPorts, loginId: string, customerNumber: string): Promise<{
  token: string;
  expiresAt: Date;
}> {
  if (stryMutAct_9fa48("190")) {
    {}
  } else {
    stryCov_9fa48("190");
    const now = ports.clock.now();
    const token = ports.secrets.token();
    const expiresAt = new Date(stryMutAct_9fa48("191") ? now.getTime() - ports.policies.sessionAbsoluteSeconds * 1000 : (stryCov_9fa48("191"), now.getTime() + (stryMutAct_9fa48("192") ? ports.policies.sessionAbsoluteSeconds / 1000 : (stryCov_9fa48("192"), ports.policies.sessionAbsoluteSeconds * 1000))));
    await ports.sessions.create(stryMutAct_9fa48("193") ? {} : (stryCov_9fa48("193"), {
      idHash: ports.secrets.mac(token),
      loginId,
      customerNumber,
      createdAt: now,
      lastSeenAt: now,
      expiresAt
    }));
    return stryMutAct_9fa48("194") ? {} : (stryCov_9fa48("194"), {
      token,
      expiresAt
    });
  }
}

/** A live session: what other billing services need to serve the signed-in customer. */
export interface ValidSession {
  /** The login signed in (never its password hash or codes). */
  login: {
    id: string;
    email: string;
  };
  /** Every customer number the login opens, sorted. */
  customerNumbers: string[];
  /** The one the customer is working on: always one of `customerNumbers`. */
  customerNumber: string;
  session: Session;
}

/**
 * Resolves a session token to its login and customer numbers, sliding the idle timeout.
 * Expired (idle or absolute) sessions, and sessions older than the login's last password
 * change, are deleted and answer `session_invalid`.
 */
export const validateSession = stryMutAct_9fa48("195") ? () => undefined : (stryCov_9fa48("195"), (() => {
  const validateSession = (ports: SessionPorts & Pick<Ports, 'accounts'>) => async (input: {
    token: string;
  }): Promise<Result<ValidSession, DomainError>> => {
    if (stryMutAct_9fa48("196")) {
      {}
    } else {
      stryCov_9fa48("196");
      const {
        sessions,
        secrets,
        clock,
        policies: p
      } = ports;
      if (stryMutAct_9fa48("199") ? !input.token && input.token.length > 200 : stryMutAct_9fa48("198") ? false : stryMutAct_9fa48("197") ? true : (stryCov_9fa48("197", "198", "199"), (stryMutAct_9fa48("200") ? input.token : (stryCov_9fa48("200"), !input.token)) || (stryMutAct_9fa48("203") ? input.token.length <= 200 : stryMutAct_9fa48("202") ? input.token.length >= 200 : stryMutAct_9fa48("201") ? false : (stryCov_9fa48("201", "202", "203"), input.token.length > 200)))) return Err(stryMutAct_9fa48("204") ? {} : (stryCov_9fa48("204"), {
        code: stryMutAct_9fa48("205") ? "" : (stryCov_9fa48("205"), 'session_invalid')
      }));
      const idHash = secrets.mac(input.token);
      const session = await sessions.get(idHash);
      if (stryMutAct_9fa48("208") ? false : stryMutAct_9fa48("207") ? true : stryMutAct_9fa48("206") ? session : (stryCov_9fa48("206", "207", "208"), !session)) return Err(stryMutAct_9fa48("209") ? {} : (stryCov_9fa48("209"), {
        code: stryMutAct_9fa48("210") ? "" : (stryCov_9fa48("210"), 'session_invalid')
      }));
      const now = clock.now();
      const idle = stryMutAct_9fa48("214") ? now.getTime() - session.lastSeenAt.getTime() < p.sessionIdleSeconds * 1000 : stryMutAct_9fa48("213") ? now.getTime() - session.lastSeenAt.getTime() > p.sessionIdleSeconds * 1000 : stryMutAct_9fa48("212") ? false : stryMutAct_9fa48("211") ? true : (stryCov_9fa48("211", "212", "213", "214"), (stryMutAct_9fa48("215") ? now.getTime() + session.lastSeenAt.getTime() : (stryCov_9fa48("215"), now.getTime() - session.lastSeenAt.getTime())) >= (stryMutAct_9fa48("216") ? p.sessionIdleSeconds / 1000 : (stryCov_9fa48("216"), p.sessionIdleSeconds * 1000)));
      const login = (stryMutAct_9fa48("219") ? now >= session.expiresAt && idle : stryMutAct_9fa48("218") ? false : stryMutAct_9fa48("217") ? true : (stryCov_9fa48("217", "218", "219"), (stryMutAct_9fa48("222") ? now < session.expiresAt : stryMutAct_9fa48("221") ? now > session.expiresAt : stryMutAct_9fa48("220") ? false : (stryCov_9fa48("220", "221", "222"), now >= session.expiresAt)) || idle)) ? null : await ports.accounts.findLogin(session.loginId);
      if (stryMutAct_9fa48("225") ? (!login || login.passwordChangedAt > session.createdAt) && login.customerNumbers.length === 0 : stryMutAct_9fa48("224") ? false : stryMutAct_9fa48("223") ? true : (stryCov_9fa48("223", "224", "225"), (stryMutAct_9fa48("227") ? !login && login.passwordChangedAt > session.createdAt : stryMutAct_9fa48("226") ? false : (stryCov_9fa48("226", "227"), (stryMutAct_9fa48("228") ? login : (stryCov_9fa48("228"), !login)) || (stryMutAct_9fa48("231") ? login.passwordChangedAt <= session.createdAt : stryMutAct_9fa48("230") ? login.passwordChangedAt >= session.createdAt : stryMutAct_9fa48("229") ? false : (stryCov_9fa48("229", "230", "231"), login.passwordChangedAt > session.createdAt)))) || (stryMutAct_9fa48("233") ? login.customerNumbers.length !== 0 : stryMutAct_9fa48("232") ? false : (stryCov_9fa48("232", "233"), login.customerNumbers.length === 0)))) {
        if (stryMutAct_9fa48("234")) {
          {}
        } else {
          stryCov_9fa48("234");
          await sessions.delete(idHash);
          return Err(stryMutAct_9fa48("235") ? {} : (stryCov_9fa48("235"), {
            code: stryMutAct_9fa48("236") ? "" : (stryCov_9fa48("236"), 'session_invalid')
          }));
        }
      }
      await sessions.touch(idHash, now);
      const customerNumbers = stryMutAct_9fa48("237") ? [] : (stryCov_9fa48("237"), [...login.customerNumbers]);
      const customerNumber = customerNumbers.includes(session.customerNumber) ? session.customerNumber : customerNumbers[0] as string;
      return Ok(stryMutAct_9fa48("238") ? {} : (stryCov_9fa48("238"), {
        login: stryMutAct_9fa48("239") ? {} : (stryCov_9fa48("239"), {
          id: login.id,
          email: login.email
        }),
        customerNumbers,
        customerNumber,
        session: stryMutAct_9fa48("240") ? {} : (stryCov_9fa48("240"), {
          ...session,
          customerNumber,
          lastSeenAt: now
        })
      }));
    }
  };
  return validateSession;
})());

/**
 * Switches a live session to another customer number of its login. `not_found` when
 * the login does not open that number (nothing changes).
 */
export const selectCustomerNumber = stryMutAct_9fa48("241") ? () => undefined : (stryCov_9fa48("241"), (() => {
  const selectCustomerNumber = (ports: SessionPorts & Pick<Ports, 'accounts'>) => async (input: {
    token: string;
    customerNumber: string;
  }): Promise<Result<ValidSession, DomainError>> => {
    if (stryMutAct_9fa48("242")) {
      {}
    } else {
      stryCov_9fa48("242");
      const valid = await validateSession(ports)(stryMutAct_9fa48("243") ? {} : (stryCov_9fa48("243"), {
        token: input.token
      }));
      if (stryMutAct_9fa48("245") ? false : stryMutAct_9fa48("244") ? true : (stryCov_9fa48("244", "245"), valid.isErr())) return valid;
      const wanted = stryMutAct_9fa48("246") ? input.customerNumber : (stryCov_9fa48("246"), input.customerNumber.trim());
      if (stryMutAct_9fa48("249") ? false : stryMutAct_9fa48("248") ? true : stryMutAct_9fa48("247") ? valid.value.customerNumbers.includes(wanted) : (stryCov_9fa48("247", "248", "249"), !valid.value.customerNumbers.includes(wanted))) return Err(stryMutAct_9fa48("250") ? {} : (stryCov_9fa48("250"), {
        code: stryMutAct_9fa48("251") ? "" : (stryCov_9fa48("251"), 'not_found')
      }));
      await ports.sessions.selectCustomerNumber(valid.value.session.idHash, wanted);
      return Ok(stryMutAct_9fa48("252") ? {} : (stryCov_9fa48("252"), {
        ...valid.value,
        customerNumber: wanted,
        session: stryMutAct_9fa48("253") ? {} : (stryCov_9fa48("253"), {
          ...valid.value.session,
          customerNumber: wanted
        })
      }));
    }
  };
  return selectCustomerNumber;
})());

/** Ends a session. Idempotent: an unknown token is fine. */
export const logOut = stryMutAct_9fa48("254") ? () => undefined : (stryCov_9fa48("254"), (() => {
  const logOut = (ports: Pick<Ports, 'sessions' | 'secrets'>) => async (input: {
    token: string;
  }): Promise<Result<void, DomainError>> => {
    if (stryMutAct_9fa48("255")) {
      {}
    } else {
      stryCov_9fa48("255");
      if (stryMutAct_9fa48("257") ? false : stryMutAct_9fa48("256") ? true : (stryCov_9fa48("256", "257"), input.token)) await ports.sessions.delete(ports.secrets.mac(input.token));
      return Ok(undefined);
    }
  };
  return logOut;
})());