import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { loggedPath } from './request-log';

const TOKEN = 'Zk3vJ9qLw2Xc8RtYpA1bNm';

describe('loggedPath', () => {
  it.each<[string, Parameters<typeof loggedPath>[0], string]>([
    // case                                   request                                                                               logged
    ['a landing page', { url: `/m/${TOKEN}`, routePattern: '/m/:token', params: { token: TOKEN } }, '/m/<redacted>'],
    ['a landing answer', { url: `/m/${TOKEN}/accept`, routePattern: '/m/:token/accept', params: { token: TOKEN } }, '/m/<redacted>/accept'],
    [
      'a landing page spelt otherwise',
      { url: `/%6D/${TOKEN}?utm=x`, routePattern: '/m/:token', params: { token: TOKEN } },
      '/m/<redacted>',
    ],
    [
      'a staff route keeps its ids',
      { url: '/api/events/6f1c?x=1', routePattern: '/api/events/:id', params: { id: '6f1c' } },
      '/api/events/6f1c',
    ],
    [
      'a phone parameter is encoded',
      { url: '/api/x/%2B1415', routePattern: '/api/x/:phone', params: { phone: '+1415' } },
      '/api/x/%2B1415',
    ],
    ['no route, a landing path', { url: `/m/${TOKEN}/nowhere` }, '/m/<redacted>/nowhere'],
    ['no route, percent-encoded', { url: `/%6d/${TOKEN}` }, '/m/<redacted>'],
    ['no route, upper case and doubled slash', { url: `/M//${TOKEN}` }, '/m//<redacted>'],
    ['no route, absolute form', { url: `http://gateway.example/m/${TOKEN}?a=b` }, '/m/<redacted>'],
    ['no route, the query is dropped', { url: '/nowhere?token=abc' }, '/nowhere'],
    ['no route, undecodable', { url: '/m/%E0%A4%A' }, '<undecodable path>'],
  ])('%s', (_case, request, expected) => {
    expect(loggedPath(request)).toBe(expected);
    expect(loggedPath(request)).not.toContain(TOKEN);
  });
});

describe('createLogger', () => {
  function logged(fields: Record<string, unknown>): string {
    let output = '';
    const destination = new Writable({
      write(chunk, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    const logger = createLogger('test', 'info', destination);
    logger.info(fields, 'a line');
    return output;
  }

  it.each<[string, Record<string, unknown>]>([
    ['an Authorization header', { headers: { authorization: `Bearer ${TOKEN}` } }],
    ['an Authorization header, capitalised', { headers: { Authorization: `Bearer ${TOKEN}` } }],
    ['a cookie', { headers: { cookie: `ops_session=${TOKEN}` } }],
    ['a Twilio signature', { headers: { 'x-twilio-signature': TOKEN } }],
    ['a SendGrid signature', { headers: { 'x-twilio-email-event-webhook-signature': TOKEN } }],
    ['a password in a body', { body: { email: 'a@example.com', password: TOKEN } }],
    ['a password at the top', { password: TOKEN }],
    ['an access token', { accessToken: TOKEN }],
    ['a landing token', { token: TOKEN }],
    ['a form token', { form: { csrf: TOKEN } }],
    [
      'an HTTP client error with the API key',
      { err: { message: 'Unauthorized', config: { headers: { Authorization: `Bearer ${TOKEN}` } } } },
    ],
  ])('never writes %s', (_case, fields) => {
    const line = logged(fields);
    expect(line).toContain('a line');
    expect(line).not.toContain(TOKEN);
    expect(line).toContain('[redacted]');
  });

  it('keeps what is not a credential', () => {
    const line = JSON.parse(logged({ email: 'a@example.com', eventId: 'e1' }));
    expect(line).toMatchObject({ email: 'a@example.com', eventId: 'e1', service: 'test', msg: 'a line' });
  });
});
