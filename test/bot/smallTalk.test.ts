import { describe, expect, it } from 'vitest';
import { smallTalk, smallTalkText } from '../../src/bot/smallTalk.js';

describe('smallTalk', () => {
  it('greetings, thanks and "what can you do?", alone or with filler, German and English', () => {
    const cases: Array<[string, ReturnType<typeof smallTalk>]> = [
      ['Hallo', 'greeting'],
      ['Guten Morgen zusammen!', 'greeting'],
      ['@belegbot hi', 'greeting'],
      ['Danke!', 'thanks'],
      ['Vielen Dank dir 🙏', 'thanks'],
      ['thank you so much', 'thanks'],
      ['Hallo, was kannst du?', 'capabilities'],
      ['Na, wer bist du denn?', 'capabilities'],
      ['What can you do?', 'capabilities'],
      ['Hilfe', 'capabilities'],
    ];
    for (const [text, kind] of cases) expect(smallTalk(text), text).toBe(kind);
  });

  it('anything else in the message makes it a question', () => {
    for (const text of [
      'Hallo, wie viele Panzer hat Russland verloren?',
      'Danke, und wann war das?',
      'Was kannst du über Kim sagen?',
      'Wer ist der Präsident?',
      '',
    ])
      expect(smallTalk(text), text).toBeNull();
  });

  it('the reply escapes its example and says how to ask without one', () => {
    expect(smallTalkText('thanks', 'de', 'Was ist über <A> & B bekannt?', 3)).toBe(
      'Gern geschehen! Noch eine Frage? Fragen Sie zum Beispiel: <i>Was ist über &lt;A&gt; &amp; B bekannt?</i>',
    );
    expect(smallTalkText('greeting', 'en', null, 3)).toBe(
      'Hello! I answer questions about 3 articles with verbatim quotes and sources. Ask about names, places or numbers from the articles.',
    );
  });
});
