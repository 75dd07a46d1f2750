import {
  classifySmsReply,
  DEFAULT_REPLY_CODES,
  isSmsKeyword,
  normaliseReplyWord,
  replyCodeTable,
  SMS_HELP_KEYWORDS,
  SMS_KEYWORDS,
  SMS_OPT_IN_KEYWORDS,
  SMS_OPT_OUT_KEYWORDS,
  smsKeywordKind,
  smsReplyKind,
  type SmsReplyClassification,
  type SmsReplyCode,
} from './sms-reply';

const code = (entry: SmsReplyCode): SmsReplyClassification => ({ kind: 'code', ...entry });
const message = (text: string): SmsReplyClassification => ({ kind: 'message', text });
const ACCEPT = code({ code: '1', action: 'accept' });
const RESCHEDULE = code({ code: '2', action: 'reschedule' });
const DECLINE = code({ code: '3', action: 'decline' });

describe('normaliseReplyWord: the one word of a reply, or null', () => {
  // prettier-ignore
  const WORDS: [string, string | null][] = [
    // body                  word
    ['1',                    '1'],
    [' 1 ',                  '1'],
    ['\t1\n',                '1'],
    ['\r\n1\r\n',            '1'],
    ['\u00a01\u00a0',        '1'],            // non-breaking spaces
    ['1.',                   '1'],
    ['1!!!',                 '1'],
    ['1?!',                  '1'],
    ['1 .',                  '1'],            // punctuation after a space is still trailing
    ['1:)',                  '1'],            // ":" and ")" are punctuation
    ['yes!',                 'YES'],
    ['Stop.',                'STOP'],
    ['y',                    'Y'],
    ['１',                   '1'],            // full-width digit (NFKC)
    ['ＳＴＯＰ',             'STOP'],         // full-width letters (NFKC)
    ['\u200b1\u200b',        '1'],            // zero-width spaces
    ['\ufeff1',              '1'],            // byte-order mark
    ['.1',                   '.1'],           // leading punctuation is kept
    ['#1',                   '#1'],
    ['(1)',                  '(1'],
    ['1.2',                  '1.2'],          // inner punctuation is kept
    ['1👍',                  '1👍'],          // emoji are symbols, not punctuation
    ['👍',                   '👍'],
    ['café',                 'CAFÉ'],
    ['',                     null],
    ['   ',                  null],
    ['\n\t',                 null],
    ['?',                    null],           // nothing left once trailing punctuation goes
    ['...',                  null],
    ['1 please',             null],
    ['1\n2',                 null],
    ['1\u00a0please',        null],
    ['Ok thanks',            null],
  ];

  it.each(WORDS)('%j → %j', (body, expected) => {
    expect(normaliseReplyWord(body)).toBe(expected);
  });
});

describe('classifySmsReply with the default table (1 accept, 2 reschedule, 3 decline)', () => {
  // prettier-ignore
  const REPLIES: [string, SmsReplyClassification][] = [
    // body                  classification
    ['1',                    ACCEPT],
    ['2',                    RESCHEDULE],
    ['3',                    DECLINE],
    [' 1 ',                  ACCEPT],
    ['1\n',                  ACCEPT],
    ['\t3\t',                DECLINE],
    ['\r\n2\r\n',            RESCHEDULE],
    ['1.',                   ACCEPT],
    ['1,',                   ACCEPT],
    ['1!',                   ACCEPT],
    ['1?',                   ACCEPT],
    ['3!!',                  DECLINE],
    ['2 ?',                  RESCHEDULE],
    ['１',                   ACCEPT],
    ['\u200b1',              ACCEPT],
    ['4',                    message('4')],           // a number not in the table
    ['0',                    message('0')],
    ['12',                   message('12')],
    ['01',                   message('01')],
    ['.1',                   message('.1')],          // leading punctuation is not stripped
    ['#1',                   message('#1')],
    ['(1)',                  message('(1)')],
    ['1.0',                  message('1.0')],
    ['1👍',                  message('1👍')],
    ['👍',                   message('👍')],
    ['1 please',             message('1 please')],
    ['1 2',                  message('1 2')],
    ['1\n2',                 message('1\n2')],
    ['  Ok thanks \n',       message('Ok thanks')],   // text is the trimmed original
    ['Hello',                message('Hello')],
    ['Y',                    message('Y')],
    ['Stop please',          message('Stop please')], // a keyword counts only alone
    ['Please STOP',          message('Please STOP')],
    ['',                     message('')],
    ['   ',                  message('')],
    ['\n\t\r\n',             message('')],
    ['?',                    message('?')],
  ];

  it.each(REPLIES)('%j → %j', (body, expected) => {
    expect(classifySmsReply(body, DEFAULT_REPLY_CODES)).toEqual(expected);
  });
});

describe('classifySmsReply: carrier keywords, alone, in any case, before any code table', () => {
  const KINDS = [
    ...SMS_OPT_OUT_KEYWORDS.map((keyword) => [keyword, 'opt_out'] as const),
    ...SMS_OPT_IN_KEYWORDS.map((keyword) => [keyword, 'opt_in'] as const),
    ...SMS_HELP_KEYWORDS.map((keyword) => [keyword, 'help'] as const),
  ];
  const spellings = (keyword: string): string[] => [
    keyword,
    keyword.toLowerCase(),
    keyword[0] + keyword.slice(1).toLowerCase(),
    ` ${keyword.toLowerCase()} `,
    `${keyword}.`,
    `${keyword.toLowerCase()}!`,
    `\n${keyword}?\n`,
  ];
  const cases = KINDS.flatMap(([keyword, kind]) => spellings(keyword).map((body) => ({ body, keyword, kind })));

  it('knows the keywords of protocols.md, and nothing else', () => {
    expect([...SMS_OPT_OUT_KEYWORDS]).toEqual(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
    expect([...SMS_OPT_IN_KEYWORDS]).toEqual(['START', 'YES', 'UNSTOP']);
    expect([...SMS_HELP_KEYWORDS]).toEqual(['HELP', 'INFO']);
    expect(SMS_KEYWORDS).toHaveLength(13);
  });

  it.each(cases)('$body → $kind $keyword', ({ body, keyword, kind }) => {
    expect(classifySmsReply(body, DEFAULT_REPLY_CODES)).toEqual({ kind, keyword });
    expect(classifySmsReply(body, [])).toEqual({ kind, keyword });
    expect(smsKeywordKind(body)).toBe(kind);
    expect(isSmsKeyword(body)).toBe(true);
  });

  it.each(['STOP', 'yes', 'Help', 'cancel'])('a code table holding %j does not shadow the keyword', (keyword) => {
    const table: SmsReplyCode[] = [{ code: keyword, action: 'accept', autoReply: 'Thanks' }];
    expect(classifySmsReply(keyword, table)).toEqual({ kind: smsKeywordKind(keyword), keyword: keyword.toUpperCase() });
  });

  it.each(['STOPS', 'STOP STOP', 'ST0P', 'S T O P', 'stop-all', 'opt out', 'unsub', 'Y', 'no', '.STOP'])('%j is not a keyword', (body) => {
    expect(smsKeywordKind(body)).toBeNull();
    expect(isSmsKeyword(body)).toBe(false);
    expect(classifySmsReply(body, DEFAULT_REPLY_CODES)).toEqual(message(body));
  });
});

describe('classifySmsReply with a custom code table', () => {
  const TABLE: SmsReplyCode[] = [
    { code: 'Y', action: 'accept', autoReply: 'Confirmed! See you at {{location}}.' },
    { code: 'n', action: 'decline' },
    { code: 'C', action: 'reschedule', autoReply: 'We will call you to find a new time.' },
    { code: 'OK', action: 'accept' },
  ];
  const Y = code(TABLE[0]);
  const N = code(TABLE[1]);
  const C = code(TABLE[2]);
  const OK = code(TABLE[3]);

  // prettier-ignore
  const REPLIES: [string, SmsReplyClassification][] = [
    // body             classification
    ['Y',               Y],
    ['y',               Y],
    [' y! ',            Y],
    ['Ｙ',              Y],
    ['N',               N],                 // the table's "n" matches either case
    ['n.',              N],
    ['c',               C],
    ['C?',              C],
    ['ok',              OK],
    ['Ok.',             OK],
    ['oK!!',            OK],
    ['Ok thanks',       message('Ok thanks')],
    ['1',               message('1')],      // the default table does not apply
    ['2',               message('2')],
    ['3',               message('3')],
    ['yes',             { kind: 'opt_in', keyword: 'YES' }],
    ['no',              message('no')],
    ['YY',              message('YY')],
    ['Y N',             message('Y N')],
  ];

  it.each(REPLIES)('%j → %j', (body, expected) => {
    expect(classifySmsReply(body, TABLE)).toEqual(expected);
  });

  it('returns the code as the table writes it, and the auto-reply only when there is one', () => {
    expect(classifySmsReply('N', TABLE)).toStrictEqual({ kind: 'code', code: 'n', action: 'decline' });
    expect(classifySmsReply('y', TABLE)).toStrictEqual({
      kind: 'code',
      code: 'Y',
      action: 'accept',
      autoReply: 'Confirmed! See you at {{location}}.',
    });
  });

  it('takes the first entry when two match alike', () => {
    const table: SmsReplyCode[] = [
      { code: 'a', action: 'accept' },
      { code: 'A', action: 'decline' },
    ];
    expect(classifySmsReply('A', table)).toEqual(code({ code: 'a', action: 'accept' }));
  });

  it('reads an entry whose code has outer whitespace as the code', () => {
    expect(classifySmsReply('7', [{ code: ' 7 ', action: 'reschedule' }])).toEqual(code({ code: ' 7 ', action: 'reschedule' }));
  });

  it.each(['1', 'Y', 'anything'])('with an empty table, %j is a message', (body) => {
    expect(classifySmsReply(body, [])).toEqual(message(body));
  });
});

describe('replyCodeTable: the code table a notification config gives', () => {
  const own: SmsReplyCode[] = [{ code: 'Y', action: 'accept' }];

  it.each([
    ['no reply-code settings', undefined, []],
    ['null settings', null, []],
    ['reply codes off', { enabled: false, codes: own }, []],
    ['reply codes on, no table', { enabled: true }, DEFAULT_REPLY_CODES],
    ['reply codes on, null table', { enabled: true, codes: null }, DEFAULT_REPLY_CODES],
    ['reply codes on, empty table', { enabled: true, codes: [] }, DEFAULT_REPLY_CODES],
    ['reply codes on, own table', { enabled: true, codes: own }, own],
  ])('%s', (_name, settings, expected) => {
    expect(replyCodeTable(settings)).toEqual(expected);
  });

  it('keeps DEFAULT_REPLY_CODES as 1 accept, 2 reschedule, 3 decline, frozen', () => {
    expect(DEFAULT_REPLY_CODES).toEqual([
      { code: '1', action: 'accept' },
      { code: '2', action: 'reschedule' },
      { code: '3', action: 'decline' },
    ]);
    expect(Object.isFrozen(DEFAULT_REPLY_CODES)).toBe(true);
    expect(DEFAULT_REPLY_CODES.every((entry) => Object.isFrozen(entry))).toBe(true);
  });
});

describe('smsReplyKind: what an inbound SMS is stored and answered as', () => {
  // prettier-ignore
  const KINDS: [SmsReplyClassification, boolean, string][] = [
    // classification                                   answers an open notification?  kind
    [ACCEPT,                                            true,                          'code'],
    [{ kind: 'opt_out', keyword: 'STOP' },              true,                          'opt_out'],
    [{ kind: 'opt_out', keyword: 'STOP' },              false,                         'opt_out'],
    [{ kind: 'opt_in', keyword: 'START' },              false,                         'opt_in'],
    [{ kind: 'help', keyword: 'HELP' },                 false,                         'help'],
    [message('Running late'),                           true,                          'message'],
    [message('Running late'),                           false,                         'no_open_notification'],
    [message(''),                                       false,                         'no_open_notification'],
  ];

  it.each(KINDS)('%j, answering a notification: %s → %s', (classification, answersNotification, kind) => {
    expect(smsReplyKind(classification, answersNotification)).toBe(kind);
  });
});
