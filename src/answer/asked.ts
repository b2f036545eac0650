import { isStopword, stem, tokenize } from '../text.js';

/**
 * What a question asks for, finely, and whether a quote holds it: an amount of money wants a
 * currency, an age a "-jährig" or "Jahre alt", a speed "km/h", a rank "Platz 149", a count a number
 * that the question does not already name (and that is not a date or a year), a point in time a
 * date or a time word. Read from the question's words, German and English: properties of the
 * language, not of one archive. The coarse answerTypes.ts ranks sentences; this judges whether a
 * quote can be an answer at all (verify.ts).
 */

export type Asked =
  | 'money'
  | 'percent'
  | 'age'
  | 'speed'
  | 'duration'
  | 'elapsed'
  | 'rank'
  | 'score'
  | 'count'
  | 'quantity'
  | 'time';

const W = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}])';
const rx = (body: string) => new RegExp(`${W}(?:${body})${E}`, 'iu');

const HOW_MUCH = rx(
  'wie\\s*viel(?:e[nmrs]?)?|wiviele?|wie\\s+hoch|wie\\s+hohe?[nmrs]?|wie\\s+gro(?:ß|ss)|wie\\s+teuer|um\\s+wie\\s*viel|what|was|how\\s+much|how\\s+many',
);
const MONEY_WORD = rx(
  'kost\\p{L}*|gekostet|zahl(?:t|en|te|ten)|bezahl\\p{L}*|geld|kohle|preis|preisgeld|wert|teuer|verdien\\p{L}*|gage|honorar|gehalt|ablöse\\p{L}*|miete|gebühr\\p{L}*|schulden|schaden|budget|etat|cost|costs|pay|paid|price|worth|money|earn\\p{L}*',
);
const PERCENT_WORD = rx('prozent|%|quote|anteil|rate|percent|percentage');
const AGE = rx('wie\\s+alt|how\\s+old|welche[mns]?\\s+alter|at\\s+what\\s+age');
const SPEED = rx('wie\\s+schnell|how\\s+fast|mit\\s+welche[mr]\\s+geschwindigkeit|how\\s+quickly');
const DURATION = rx(
  'wie\\s+lange?|wie\\s+weit|how\\s+long|how\\s+far|seit\\s+wie\\s*viel\\p{L}*\\s+(?:jahren|monaten|wochen|tagen)',
);
/** "Wie lange braucht …", "Wie lange dauert …": a span of time, not a length. */
const ELAPSED_VERB = rx(
  'brauch\\p{L}*|gebraucht|dauer\\p{L}*|gedauert|läuft|lief|bleib\\p{L}*|geblieben|hält|hielt|take|takes|took|last|lasts|lasted|stay\\p{L}*',
);
const RANK = rx(
  '(?:auf|an)\\s+welche[mr]\\s+(?:platz|rang|stelle|position)|welche[nrs]?\\s+(?:platz|rang|position)|what\\s+(?:place|rank|position)',
);
const SCORE = rx(
  'ausgegangen|ausgehen|wie\\s+hoch\\s+(?:[\\p{L}-]+\\s+){1,6}(?:verloren|gewonnen)|mit\\s+welche[mr]\\s+ergebnis|welche[sn]?\\s+ergebnis|what\\s+(?:was\\s+)?the\\s+score',
);
const COUNT = rx(
  'wie\\s*viele[nmrs]?|wieviele[nmrs]?|wiviele[nmrs]?|wie\\s+oft|how\\s+many|how\\s+often|anzahl',
);
const TIME = rx(
  '(?:seit|bis|ab|um|since|until)\\s+wann|wann|when|in\\s+welche[mn]\\s+(?:jahr|monat|jahrhundert|jahrzehnt)|an\\s+welche[mn]\\s+(?:tag|datum)|welche[sn]?\\s+(?:jahr|datum)|what\\s+(?:year|date|day)|which\\s+year',
);

/** What the question asks for, finely; null when its words do not say (wer, was, warum, …). */
export function askedFor(question: string): Asked | null {
  const q = question.replace(/\s+/g, ' ');
  if (SCORE.test(q)) return 'score';
  if (AGE.test(q)) return 'age';
  if (SPEED.test(q)) return 'speed';
  if (RANK.test(q)) return 'rank';
  if (TIME.test(q)) return 'time';
  if (DURATION.test(q)) return ELAPSED_VERB.test(q) ? 'elapsed' : 'duration';
  if (HOW_MUCH.test(q) && MONEY_WORD.test(q) && !COUNT.test(q)) return 'money';
  if (HOW_MUCH.test(q) && /%|prozent|percent/iu.test(q)) return 'percent';
  if (COUNT.test(q)) return 'count';
  if (
    /(?<![\p{L}])(?:wie\s*viel|wieviel|wie\s+hoch|wie\s+gro(?:ß|ss)|wie\s+stark|um\s+wie\s*viel|how\s+much|how\s+big|how\s+large|how\s+high)(?![\p{L}])/iu.test(
      q,
    )
  )
    return PERCENT_WORD.test(q) ? 'percent' : 'quantity';
  return null;
}

const NUMBER_WORDS =
  'ein|eine|einen|einem|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|\\p{L}*zehn|\\p{L}+zig|\\p{L}*hundert\\p{L}*|\\p{L}*tausend\\p{L}*|dutzend\\p{L}*|halbe|eineinhalb|zweieinhalb|anderthalb|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\\p{L}+teen|\\p{L}+ty|hundred|thousand|dozens?|millionen|milliarden|tausende|hunderte|dutzende|millions|billions|thousands|hundreds|(?:\\d+|ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|hundert|tausend)(?:mal|fach\\p{L}*)|doppelt\\p{L}*|verdoppelt|verdreifacht|hälfte|drittel|viertel|twice|double[sd]?|half';
/** A number as written: digits with German or English separators, or a number word. */
const NUMBER = `(?:\\d[\\d.,]*\\d|\\d|(?:${NUMBER_WORDS}))`;
const SCALE = '(?:\\s*(?:mio\\.?|mrd\\.?|millionen?|milliarden?|million|billion|tsd\\.?|tausend))?';
const CURRENCY =
  '(?:euro|eur|€|dollar|us-dollar|\\$|pfund|franken|chf|yen|yuan|rubel|rupien|cent|kronen|lira|won)';
const UNIT_TIME =
  '(?:sekunden?|minuten?|stunden?|std\\.?|tagen?|tage|nächte|nächten|wochen?|monaten?|monate|jahren?|jahre|jahrzehnten?|jahrhunderten?|seconds?|minutes?|hours?|days?|weeks?|months?|years?)';
const UNIT_LENGTH =
  '(?:kilometern?|km|metern?|m|zentimetern?|cm|meilen|miles?|quadratkilometern?|hektar|kilometres?|kilometers?|meters?|metres?)';
const MONTHS =
  'januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|january|february|march|june|july|october|december';

const MONEY_EVIDENCE = new RegExp(
  `${W}(?:${NUMBER}${SCALE}\\s*${CURRENCY}|${CURRENCY}\\s*${NUMBER}|kostenlos|gratis|umsonst|free\\s+of\\s+charge)${E}`,
  'iu',
);
const PERCENT_EVIDENCE = new RegExp(
  `${W}${NUMBER}\\s*(?:%|prozent|prozentpunkte?n?|percent)|${W}\\d+(?:[.,]\\d+)?-?prozentig`,
  'iu',
);
const AGE_EVIDENCE = new RegExp(
  `${W}(?:${NUMBER}[-\\s]?jährig\\p{L}*|${NUMBER}\\s+jahre?n?\\s+alt|im\\s+alter\\s+von|${NUMBER}\\s+jahren|${NUMBER}\\s+jahre|${NUMBER}\\s+years?\\s+old|aged\\s+\\d+)${E}|\\(\\d{1,3}\\)`,
  'iu',
);
const SPEED_EVIDENCE = new RegExp(
  `${W}(?:${NUMBER}\\s*(?:km/h|kmh|stundenkilometer\\p{L}*|kilometer\\s+pro\\s+stunde|meilen\\s+pro\\s+stunde|mph|knoten|m/s))|km/h|stundenkilometer`,
  'iu',
);
const DURATION_EVIDENCE = new RegExp(
  `${W}(?:${NUMBER}${SCALE}\\s*(?:${UNIT_TIME}|${UNIT_LENGTH})|\\p{L}+(?:jährig|tägig|wöchig|monatig|stündig|minütig)\\p{L}*|bis\\s+(?:(?:zum|zur|ende|anfang|mitte|sommer|herbst|winter|frühjahr)\\s+)?(?:\\d|${MONTHS}|sommer|herbst|winter|frühjahr|ende|anfang|mitte))${E}`,
  'iu',
);
const ELAPSED_EVIDENCE = new RegExp(
  `${W}(?:${NUMBER}${SCALE}\\s*${UNIT_TIME}|\\p{L}+(?:jährig|tägig|wöchig|monatig|stündig|minütig)\\p{L}*|bis\\s+(?:(?:zum|zur|ende|anfang|mitte|sommer|herbst|winter|frühjahr)\\s+)?(?:\\d|${MONTHS}|sommer|herbst|winter|frühjahr|ende|anfang|mitte))${E}`,
  'iu',
);
const RANK_EVIDENCE = new RegExp(
  `${W}(?:(?:platz|rang|position|stelle)\\s+(?:\\d+|${NUMBER_WORDS})|\\d+\\.\\s*(?:platz|rang|stelle|position)|(?:erste[rnms]?|zweite[rnms]?|dritte[rnms]?|vierte[rnms]?|fünfte[rnms]?|letzte[rnms]?)\\s+(?:platz|rang|stelle))${E}`,
  'iu',
);
const SCORE_EVIDENCE = /(?<![\p{N}:])\d{1,3}\s?:\s?\d{1,3}(?![\p{N}:])/u;
const TIME_EVIDENCE = new RegExp(
  `${W}(?:\\d{3,4}|\\d{1,2}\\.\\s*\\d{1,2}\\.|\\d{1,2}\\.\\s*(?:${MONTHS})|${MONTHS}|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|\\p{L}*(?:morgen|abend|nacht|mittag)|heute|gestern|morgen|heuer|vorjahr|uhr|\\d+er(?:\\s+jahre)?|jahrhundert\\p{L}*|jahrzehnt\\p{L}*|antike|mittelalter|\\p{L}*(?:zeit|ende|anfang|beginn|mitte)|epoche|ära|prähistorisch\\p{L}*|frühjahr|sommer|herbst|winter|ostern|weihnachten|ende|anfang|mitte|beginn|seit|zuvor|damals|später|früher|bald|demnächst|künftig|ab\\s+sofort|im\\s+laufe|wenn|sobald|nachdem|bevor|solange|sooft|jahr|jahre|jahren|monat|monaten|woche|wochen|today|yesterday|tomorrow|year|years|century|month|week)${E}`,
  'iu',
);

/**
 * A number of the text that can answer a count: not one the question names, not a year, not the
 * day of a date ("29. Februar", "13.9."), not an ordinal ("107. Auflage", "Weltranglisten-19.").
 */
function hasCount(text: string, questionNumbers: ReadonlySet<string>): boolean {
  const re = new RegExp(`${W}(${NUMBER})${E}`, 'giu');
  for (const m of text.matchAll(re)) {
    const value = m[1] ?? '';
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 16);
    if (/^\d/u.test(value)) {
      if (questionNumbers.has(normalizeNumber(value))) continue;
      if (/^(?:1[5-9]|20)\d\d$/u.test(value)) continue; // a year
      if (/^\.\s*(?:\d|\p{L})/u.test(after) && !/^\.\d{3}/u.test(after)) continue; // ordinal or date
      if (/^\s*uhr/iu.test(after)) continue; // a time of day
    } else {
      const word = value.toLowerCase();
      if (questionNumbers.has(word)) continue;
      // "ein"/"eine" are articles far more often than counts.
      if (/^(?:ein|eine|einen|einem|one)$/u.test(word)) continue;
    }
    return true;
  }
  return false;
}

function normalizeNumber(s: string): string {
  return s.replace(/[.,](?=\d{3}(?!\d))/gu, '').toLowerCase();
}

function questionNumbers(question: string): Set<string> {
  const re = new RegExp(`${W}(${NUMBER})${E}`, 'giu');
  return new Set([...question.matchAll(re)].map((m) => normalizeNumber(m[1] ?? '')));
}

/**
 * Whether a quote holds the kind of thing the question asks for (a quote without it cannot be
 * the answer, however many of the question's words it has).
 */
export function holdsAsked(asked: Asked, text: string, question: string): boolean {
  switch (asked) {
    case 'money':
      return MONEY_EVIDENCE.test(text);
    case 'percent':
      return PERCENT_EVIDENCE.test(text);
    case 'age':
      return AGE_EVIDENCE.test(text);
    case 'speed':
      return SPEED_EVIDENCE.test(text);
    case 'duration':
      return DURATION_EVIDENCE.test(text);
    case 'elapsed':
      return ELAPSED_EVIDENCE.test(text);
    case 'rank':
      return RANK_EVIDENCE.test(text);
    case 'score':
      return SCORE_EVIDENCE.test(text);
    case 'time':
      return TIME_EVIDENCE.test(text);
    case 'count':
    case 'quantity':
      return hasCount(text, questionNumbers(question));
  }
}

/** The years a text names (1500–2099), as strings. */
export function yearsIn(text: string): Set<string> {
  return new Set(
    [...text.matchAll(/(?<![\p{N}.,])(1[5-9]\d\d|20\d\d)(?![\p{N}])/gu)].map((m) => m[1] ?? ''),
  );
}

/**
 * Stems of the words that name the asked thing itself rather than the subject ("Wie viel *Geld*",
 * "Wie viele *Leute*", "In welchem *Jahr*"): the answer in the quote stands for them, so a quote
 * need not repeat them.
 */
const ATTRIBUTE_STEMS: Record<Asked, ReadonlySet<string>> = {
  money: new Set(['geld', 'kohl', 'kost', 'betrag', 'summ', 'money', 'cost']),
  percent: new Set(['prozent', 'anteil', 'percent', 'percentag']),
  age: new Set(['alt', 'jahr', 'age']),
  speed: new Set(['geschwind', 'tempo', 'speed']),
  duration: new Set(['zeit', 'dau', 'jahr', 'tag', 'tim']),
  elapsed: new Set(['zeit', 'dau', 'jahr', 'tag', 'tim']),
  rank: new Set(['platz', 'rang', 'stell', 'position', 'plac', 'rank']),
  score: new Set(['ergebnis', 'result', 'scor']),
  count: new Set(['leut', 'mensch', 'person', 'anzahl', 'zahl', 'mal', 'peopl']),
  quantity: new Set(['leut', 'mensch', 'person', 'anzahl', 'zahl', 'mal', 'peopl']),
  time: new Set(['jahr', 'datum', 'tag', 'monat', 'zeit', 'zeitpunkt', 'year', 'dat', 'day']),
};

/** A question stem that names the asked thing itself (see ATTRIBUTE_STEMS). */
export function namesAsked(asked: Asked | null, stem: string): boolean {
  return asked !== null && ATTRIBUTE_STEMS[asked].has(stem);
}

const SMALL_NUMBERS = [
  'null',
  'ein',
  'zwei',
  'drei',
  'vier',
  'fünf',
  'sechs',
  'sieben',
  'acht',
  'neun',
  'zehn',
  'elf',
  'zwölf',
  'dreizehn',
  'vierzehn',
  'fünfzehn',
  'sechzehn',
  'siebzehn',
  'achtzehn',
  'neunzehn',
  'zwanzig',
];

/** The German word for a small number given in digits ("10" → "zehn"), for matching either way. */
export function numberWord(digits: string): string | null {
  return /^\d{1,2}$/u.test(digits) ? (SMALL_NUMBERS[Number(digits)] ?? null) : null;
}

const MONTH_WORD = new RegExp(`^(?:${MONTHS})$`, 'iu');
/** Question openers whose noun names the kind of thing asked for ("Welche *Band* …"). */
const CATEGORY_OPENER = /^(?:welche[mnrs]?)$/iu;
/** "Wer ist Host der Tonight Show?", "Wie ist das Klima in Galicien?", "Wie heißt die Hauptstadt …?" */
const ROLE_OPENER =
  /(?<![\p{L}])(?:wer|wie)\s+(?:ist|war|sind|waren|wird|wurde|heißt|heisst|heißen|hieß)(?![\p{L}])/iu;

/**
 * The stem of the noun that names the kind of answer asked for: the answer in the quote stands
 * for it, so the quote need not use the same word ("Welche *Architekten* bauten …" → "vom
 * Architektenteam Warren & Wetmore", "Wer ist *Host* der Tonight Show?" → "Moderator Jimmy
 * Fallon"). Null when the question has none.
 */
export function askedNoun(question: string): string | null {
  const tokens = tokenize(question);
  const surface = (i: number) => {
    const t = tokens[i];
    return t ? question.slice(t.start, t.end) : '';
  };
  let from = -1;
  const role = ROLE_OPENER.exec(question);
  if (role) from = tokens.findIndex((t) => t.start >= role.index + role[0].length);
  else {
    const i = tokens.findIndex((t, k) => CATEGORY_OPENER.test(t.text) && k <= 2);
    if (i >= 0) from = i + 1;
  }
  if (from < 0) return null;
  for (let i = from; i < tokens.length && i < from + 6; i++) {
    const word = surface(i);
    const t = tokens[i];
    if (!t) break;
    if (/^\p{N}/u.test(word) || MONTH_WORD.test(word) || isStopword(t.text)) continue;
    if (/^\p{Lu}/u.test(word)) return stem(t.text);
    // an adjective before the noun ("künftige Ehefrau"); anything else ends the search
    if (!/(?:e|en|er|es|em|ische[nmrs]?|ische)$/u.test(t.text)) return null;
  }
  return null;
}
