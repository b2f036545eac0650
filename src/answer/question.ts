/**
 * The question itself: checked and trimmed, and the language replies to it are written in.
 */
import { InputError } from '../errors.js';
import { tokenize } from '../text.js';

/** Trimmed question, or an InputError a user can act on. */
export function validateQuestion(raw: string, maxChars: number): string {
  const question = raw.replace(/\s+/g, ' ').trim();
  if (!question) throw new InputError('Die Frage ist leer. / The question is empty.');
  if (question.length > maxChars) {
    throw new InputError(
      `Die Frage ist zu lang (${question.length} Zeichen, höchstens ${maxChars}). / The question is too long (${question.length} characters, at most ${maxChars}).`,
    );
  }
  if (!/[\p{L}\p{N}]/u.test(question))
    throw new InputError('Die Frage enthält keine Wörter. / The question has no words.');
  return question;
}

export const ENGLISH = new Set([
  'the',
  'what',
  'who',
  'which',
  'where',
  'when',
  'why',
  'how',
  'does',
  'did',
  'is',
  'are',
  'of',
  'and',
  'at',
  'to',
  'in',
  'many',
  'much',
]);

export const GERMAN = new Set([
  'der',
  'die',
  'das',
  'wer',
  'was',
  'wie',
  'wo',
  'wann',
  'warum',
  'welche',
  'welcher',
  'hat',
  'ist',
  'und',
  'von',
  'nach',
  'viele',
  'gegen',
  'mit',
]);

export function questionLanguage(question: string): 'de' | 'en' {
  let en = 0;
  let de = 0;
  for (const t of tokenize(question)) {
    if (ENGLISH.has(t.text)) en++;
    if (GERMAN.has(t.text)) de++;
  }
  return en > de ? 'en' : 'de';
}
