/**
 * A sample question for a newly added article, verified: it is only offered when the engine
 * really answers it with a quote from that article.
 */
import { chunkArticle } from '../index/chunk.js';
import type { StoredArticle } from '../index/db.js';
import type { Engine } from './engine.js';
import { isStopword, tokenize } from '../text.js';

export async function sampleQuestion(
  engine: Engine,
  article: StoredArticle,
  tries = 8,
): Promise<string | null> {
  const { sentences } = chunkArticle(article.text);
  let tried = 0;
  for (const s of sentences) {
    if (tried >= tries) break;
    if (s.heading) continue;
    const text = article.text.slice(s.start, s.end);
    if (text.length < 40) continue;
    // Names and nouns (capitalized, not at the sentence start) are what a reader would ask about.
    const words = tokenize(text)
      .filter(
        (t, i) =>
          i > 0 &&
          t.text.length >= 4 &&
          !isStopword(t.text) &&
          /^\p{Lu}/u.test(text.slice(t.start, t.end)),
      )
      .map((t) => text.slice(t.start, t.end));
    const distinct = [...new Set(words)];
    if (distinct.length < 2) continue;
    tried++;
    const question = `Was ist über ${distinct[0]} und ${distinct[1]} bekannt?`;
    const answer = await engine.answer(question);
    if (answer.found && answer.quotes[0]?.article.id === article.id) return question;
  }
  return null;
}
