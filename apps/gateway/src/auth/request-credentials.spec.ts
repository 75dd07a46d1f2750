import {
  bearerToken,
  clearedStaffSessionCookie,
  readCookie,
  STAFF_SESSION_COOKIE,
  staffCredentials,
  StaffCredentials,
  StaffRequest,
  staffSessionCookie,
} from './request-credentials';

const COOKIE = `${STAFF_SESSION_COOKIE}=cookie.jwt`;
const APP = { 'x-requested-with': 'staff-web' };

describe('staffCredentials: bearer token or the staff_session cookie, with the forgery check', () => {
  const bearer = (token: string): StaffCredentials => ({ kind: 'bearer', token });
  const cookie: StaffCredentials = { kind: 'cookie', token: 'cookie.jwt' };
  const none: StaffCredentials = { kind: 'none' };
  const forged = expect.objectContaining({ kind: 'forged', message: expect.stringMatching(/X-Requested-With: staff-web/) });
  const crossSite = expect.objectContaining({ kind: 'forged', message: expect.stringMatching(/Sec-Fetch-Site/) });

  it.each<[string, StaffRequest, unknown]>([
    ['nothing', { method: 'GET', headers: {} }, none],
    ['a bearer token', { method: 'GET', headers: { authorization: 'Bearer abc' } }, bearer('abc')],
    ['a bearer token on a POST (no header needed)', { method: 'POST', headers: { authorization: 'Bearer abc' } }, bearer('abc')],
    ['a bearer token wins over the cookie', { method: 'POST', headers: { authorization: 'Bearer abc', cookie: COOKIE } }, bearer('abc')],
    ['a malformed Authorization and no cookie', { method: 'GET', headers: { authorization: 'Basic abc' } }, none],
    [
      'a malformed Authorization falls back to the cookie',
      { method: 'GET', headers: { authorization: 'Basic abc', cookie: COOKIE } },
      cookie,
    ],
    ['the cookie on a GET', { method: 'GET', headers: { cookie: COOKIE } }, cookie],
    ['the cookie on a HEAD', { method: 'HEAD', headers: { cookie: COOKIE } }, cookie],
    ['the cookie on an OPTIONS', { method: 'OPTIONS', headers: { cookie: COOKIE } }, cookie],
    [
      'the cookie on a GET from another site (a navigation changes nothing)',
      { method: 'GET', headers: { cookie: COOKIE, 'sec-fetch-site': 'cross-site' } },
      cookie,
    ],
    ['the cookie among others', { method: 'GET', headers: { cookie: `a=1; ${COOKIE}; ops_session=x` } }, cookie],
    ['an empty cookie', { method: 'GET', headers: { cookie: `${STAFF_SESSION_COOKIE}=` } }, none],
    ['only the ops cookie', { method: 'GET', headers: { cookie: 'ops_session=x' } }, none],
    ['the cookie on a POST without the header', { method: 'POST', headers: { cookie: COOKIE } }, forged],
    ['the cookie on a PATCH without the header', { method: 'PATCH', headers: { cookie: COOKIE } }, forged],
    ['the cookie on a DELETE without the header', { method: 'DELETE', headers: { cookie: COOKIE } }, forged],
    [
      'the cookie on a PUT with another header value',
      { method: 'PUT', headers: { cookie: COOKIE, 'x-requested-with': 'XMLHttpRequest' } },
      forged,
    ],
    [
      'the cookie on a POST with the header twice',
      { method: 'POST', headers: { cookie: COOKIE, 'x-requested-with': ['staff-web', 'staff-web'] } },
      forged,
    ],
    ['the cookie on a POST with the header', { method: 'POST', headers: { cookie: COOKIE, ...APP } }, cookie],
    ['the cookie on a lower-case post with the header', { method: 'post', headers: { cookie: COOKIE, ...APP } }, cookie],
    ['the cookie on a POST, same-origin', { method: 'POST', headers: { cookie: COOKIE, ...APP, 'sec-fetch-site': 'same-origin' } }, cookie],
    ['the cookie on a POST, same-site', { method: 'POST', headers: { cookie: COOKIE, ...APP, 'sec-fetch-site': 'same-site' } }, crossSite],
    [
      'the cookie on a POST, cross-site',
      { method: 'POST', headers: { cookie: COOKIE, ...APP, 'sec-fetch-site': 'cross-site' } },
      crossSite,
    ],
    [
      'the cookie on a POST, typed by the user (none)',
      { method: 'POST', headers: { cookie: COOKIE, ...APP, 'sec-fetch-site': 'none' } },
      crossSite,
    ],
  ])('%s', (_name, request, expected) => {
    expect(staffCredentials(request)).toEqual(expected);
  });
});

describe('the staff_session cookie', () => {
  it('is HttpOnly, SameSite=Strict, for the whole gateway, Secure over https', () => {
    expect(staffSessionCookie('tok.en', { maxAgeSeconds: 900, secure: true })).toBe(
      'staff_session=tok.en; Path=/; Max-Age=900; HttpOnly; SameSite=Strict; Secure',
    );
    expect(staffSessionCookie('tok.en', { maxAgeSeconds: 900, secure: false })).toBe(
      'staff_session=tok.en; Path=/; Max-Age=900; HttpOnly; SameSite=Strict',
    );
  });

  it('is cleared with an empty value and Max-Age=0', () => {
    expect(clearedStaffSessionCookie({ secure: false })).toBe('staff_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict');
  });

  it('reads back from a Cookie header, and bearer tokens from Authorization', () => {
    expect(readCookie('x=1; staff_session=a.b.c', STAFF_SESSION_COOKIE)).toBe('a.b.c');
    expect(bearerToken('Bearer a.b.c')).toBe('a.b.c');
    expect(bearerToken(['Bearer a', 'Bearer b'])).toBeNull();
  });
});
