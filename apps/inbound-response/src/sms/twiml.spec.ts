import { escapeXml, twimlReply } from './twiml';

describe('twimlReply', () => {
  it('answers no reply with an empty Response', () => {
    expect(twimlReply(null)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(twimlReply('')).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  it('answers a text with one Message, XML-escaped', () => {
    expect(twimlReply(`Tom & Jerry's <b>"help"</b>`)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Tom &amp; Jerry&apos;s &lt;b&gt;&quot;help&quot;&lt;/b&gt;</Message></Response>',
    );
  });

  it('keeps newlines, accents and emoji, and cannot be broken out of', () => {
    const reply = twimlReply('Merci 🎉\nRéponse ]]></Message><Message>injected');
    expect(reply).toContain('Merci 🎉\nRéponse ]]&gt;&lt;/Message&gt;&lt;Message&gt;injected');
    expect(reply.match(/<Message>/g)).toHaveLength(1);
  });
});

describe('escapeXml', () => {
  it('drops characters XML 1.0 cannot carry', () => {
    expect(escapeXml('a\u0000b\u0007c\uFFFEd\uD800e\tf')).toBe('abcde\tf');
  });
});
