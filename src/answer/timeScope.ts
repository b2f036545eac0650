/**
 * Time in questions: "2023", "im September 2023", "am 13. September", "letzte Woche", "gestern",
 * "heute", "seit Juli", "in den letzten 3 Tagen" and their English equivalents become a window of
 * article dates relative to `now`; "zuletzt", "aktuell", "neueste", "latest" a wish for the
 * newest articles. Pure functions over the question text and a clock (tests and `ask --now` set
 * it). A date without a year is the latest such day or month up to now.
 */

export interface TimeScope {
  /** First day of the window, ISO (inclusive); null: open. */
  readonly from: string | null;
  /** Last day of the window, ISO (inclusive); null: open. */
  readonly to: string | null;
  /**
   * "restrict": a window relative to now ("gestern", "letzte Woche", "seit gestern", "in den
   * letzten 3 Tagen"): only articles dated in it answer. "prefer": a calendar date ("2023", "im
   * Juli", "am 13. September", "seit 2014"), which questions use for when something happened as
   * often as for when it was reported: articles dated in it rank first, the others still answer.
   */
  readonly kind: 'restrict' | 'prefer' | null;
  /** The question asks for the newest ("zuletzt", "aktuell", "latest"). */
  readonly recent: boolean;
  /**
   * Where the relative time expressions and the words for "newest" stand in the question: left
   * out of its words (an article says "am Dienstag", not "gestern"). Calendar dates stay words:
   * the sentences that name them are evidence.
   */
  readonly spans: ReadonlyArray<readonly [number, number]>;
  /** Where the calendar dates stand ("am 13. September", "2023"). */
  readonly dates: ReadonlyArray<readonly [number, number]>;
}

const MONTHS: Record<string, number> = {
  januar: 1,
  jänner: 1,
  jan: 1,
  january: 1,
  februar: 2,
  feb: 2,
  february: 2,
  märz: 3,
  maerz: 3,
  mär: 3,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  mai: 5,
  may: 5,
  juni: 6,
  jun: 6,
  june: 6,
  juli: 7,
  jul: 7,
  july: 7,
  august: 8,
  aug: 8,
  september: 9,
  sept: 9,
  sep: 9,
  oktober: 10,
  okt: 10,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  dezember: 12,
  dez: 12,
  december: 12,
  dec: 12,
};
const MONTH = `(${Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|')})\\.?`;
const NUMBER_WORDS: Record<string, number> = {
  ein: 1,
  einen: 1,
  einem: 1,
  one: 1,
  a: 1,
  zwei: 2,
  two: 2,
  drei: 3,
  three: 3,
  vier: 4,
  four: 4,
  fünf: 5,
  five: 5,
  sechs: 6,
  six: 6,
  sieben: 7,
  seven: 7,
  acht: 8,
  eight: 8,
  zehn: 10,
  ten: 10,
  zwölf: 12,
  twelve: 12,
};
const COUNT = `(\\d{1,3}|${Object.keys(NUMBER_WORDS).join('|')})`;
const LAST = '(?:letzte[nmrs]?|vergangene[nmrs]?|vorige[nmrs]?|last|past|previous)';
const THIS = '(?:diese[nmrs]?|this)';
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);
const valid = (y: number, m: number, d: number) => {
  const t = utc(y, m, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};
const monthEnd = (y: number, m: number) => utc(y, m + 1, 0);
/** Monday of the week of d. */
const weekStart = (d: Date) => addDays(d, -((d.getUTCDay() + 6) % 7));

type Window = { from: Date; to: Date };

interface Rule {
  readonly re: RegExp;
  /** The window, or null when this match is not a time after all. */
  readonly window: (m: RegExpExecArray, today: Date) => Window | null;
  /**
   * A relative span of years ("in den letzten zehn Jahren") is about what happened as often as
   * about when it was reported: it prefers.
   */
  readonly prefers?: (m: RegExpExecArray) => boolean;
}

function day(y: number, m: number, d: number): Window | null {
  return valid(y, m, d) ? { from: utc(y, m, d), to: utc(y, m, d) } : null;
}

/** The latest day d.m up to today (last year's when this year's is still to come). */
function latestDay(m: number, d: number, today: Date): Window | null {
  const y = today.getUTCFullYear();
  const w = day(y, m, d);
  return w && w.from <= today ? w : day(y - 1, m, d);
}

function monthWindow(y: number, m: number): Window {
  return { from: utc(y, m, 1), to: monthEnd(y, m) };
}

/** The latest month m up to today. */
function latestMonth(m: number, today: Date): Window {
  const y = today.getUTCFullYear();
  return m <= today.getUTCMonth() + 1 ? monthWindow(y, m) : monthWindow(y - 1, m);
}

const count = (word: string | undefined) =>
  word === undefined
    ? 1
    : /^\d+$/.test(word)
      ? Number(word)
      : (NUMBER_WORDS[word.toLowerCase()] ?? 1);
const month = (word: string | undefined) => MONTHS[(word ?? '').toLowerCase()] ?? 0;
const re = (source: string) => new RegExp(source, 'giu');

/** Calendar expressions, most specific first. */
const DATE_RULES: Rule[] = [
  {
    re: re(`${B}(\\d{4})-(\\d{2})-(\\d{2})${E}`),
    window: (m) => day(Number(m[1]), Number(m[2]), Number(m[3])),
  },
  {
    re: re(`${B}(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4})?${E}`),
    window: (m, t) =>
      m[3]
        ? day(Number(m[3]), Number(m[2]), Number(m[1]))
        : latestDay(Number(m[2]), Number(m[1]), t),
  },
  {
    re: re(`${B}(\\d{1,2})(?:\\.|st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}(?:\\s+(\\d{4}))?${E}`),
    window: (m, t) =>
      m[3] ? day(Number(m[3]), month(m[2]), Number(m[1])) : latestDay(month(m[2]), Number(m[1]), t),
  },
  {
    re: re(`${B}${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?${E}`),
    window: (m, t) =>
      m[3] ? day(Number(m[3]), month(m[1]), Number(m[2])) : latestDay(month(m[1]), Number(m[2]), t),
  },
  { re: re(`${B}${MONTH}\\s+(\\d{4})${E}`), window: (m) => monthWindow(Number(m[2]), month(m[1])) },
  // A month alone only after "im"/"in"/"seit"/"since"/"vom": "Mai" and "may" are words too.
  {
    re: re(`${B}(?:im|in|seit|since|vom|ab)\\s+${MONTH}${E}`),
    window: (m, t) => latestMonth(month(m[1]), t),
  },
  // A year: after "im Jahr"/"in the year" any four digits; otherwise 1900-2099, and not before a
  // capitalized word ("2023 Panzer" is a count).
  {
    re: re(`${B}(?:im\\s+jahre?|in\\s+the\\s+year|year)\\s+(\\d{4})${E}`),
    window: (m) => ({ from: utc(Number(m[1]), 1, 1), to: utc(Number(m[1]), 12, 31) }),
  },
  {
    re: re(`${B}((?:19|20)\\d{2})${E}(?!\\s+\\p{Lu})`),
    window: (m) => ({ from: utc(Number(m[1]), 1, 1), to: utc(Number(m[1]), 12, 31) }),
  },
];

/** Days, weeks, months and years relative to today. */
const RELATIVE_RULES: Rule[] = [
  {
    re: re(
      `${B}(?:in\\s+den\\s+|in\\s+the\\s+|während\\s+der\\s+)?(?:letzten|vergangenen|last|past)\\s+${COUNT}\\s+(tagen?|days?|wochen?|weeks?|monaten?|months?|jahren?|years?)${E}`,
    ),
    window: (m, t) => {
      const n = count(m[1]);
      const unit = (m[2] ?? '').toLowerCase();
      const days = /^(tag|day)/.test(unit)
        ? n
        : /^(woche|week)/.test(unit)
          ? 7 * n
          : /^(monat|month)/.test(unit)
            ? 30 * n
            : 365 * n;
      return { from: addDays(t, -days), to: t };
    },
    prefers: (m) => /^(jahr|year)/i.test(m[2] ?? ''),
  },
  {
    re: re(`${B}vorgestern${E}`),
    window: (_m, t) => ({ from: addDays(t, -2), to: addDays(t, -2) }),
  },
  {
    re: re(`${B}(?:gestern|yesterday)${E}`),
    window: (_m, t) => ({ from: addDays(t, -1), to: addDays(t, -1) }),
  },
  {
    re: re(`${B}${LAST}\\s+(?:woche|week)${E}`),
    window: (_m, t) => ({ from: addDays(weekStart(t), -7), to: addDays(weekStart(t), -1) }),
  },
  {
    re: re(`${B}${THIS}\\s+(?:woche|week)${E}`),
    window: (_m, t) => ({ from: weekStart(t), to: t }),
  },
  {
    re: re(`${B}${LAST}\\s+(?:monat|month)${E}`),
    window: (_m, t) =>
      monthWindow(
        t.getUTCMonth() === 0 ? t.getUTCFullYear() - 1 : t.getUTCFullYear(),
        t.getUTCMonth() === 0 ? 12 : t.getUTCMonth(),
      ),
  },
  {
    re: re(`${B}${THIS}\\s+(?:monat|month)${E}`),
    window: (_m, t) => ({ from: utc(t.getUTCFullYear(), t.getUTCMonth() + 1, 1), to: t }),
  },
  {
    re: re(`${B}(?:${LAST}\\s+(?:jahr|year)|vorjahr)${E}`),
    window: (_m, t) => ({
      from: utc(t.getUTCFullYear() - 1, 1, 1),
      to: utc(t.getUTCFullYear() - 1, 12, 31),
    }),
  },
  {
    re: re(`${B}${THIS}\\s+(?:jahr|year)${E}`),
    window: (_m, t) => ({ from: utc(t.getUTCFullYear(), 1, 1), to: t }),
  },
];

const SINCE = new RegExp(`${B}(?:seit|since|ab)\\s+(?:dem\\s+|the\\s+)?$`, 'iu');
const RECENT = re(
  `${B}(?:zuletzt|kürzlich|jüngst|neulich|aktuell(?:e[nmrs]?)?|neueste[nmrs]?|jüngste[nmrs]?|derzeit(?:ig(?:e[nmrs]?)?)?|momentan|gegenwärtig|latest|most\\s+recent(?:ly)?|recent(?:ly)?|current(?:ly)?|newest|right\\s+now)${E}`,
);

/** The time a question speaks of, or null when it names none. */
export function timeScope(question: string, now: Date): TimeScope | null {
  const today = utc(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate());
  const spans: Array<[number, number]> = [];
  const dates: Array<[number, number]> = [];
  const seen: Array<[number, number]> = [];
  const taken = (a: number, b: number) => seen.some(([x, y]) => a < y && x < b);
  let window: Window | null = null;
  let kind: TimeScope['kind'] = null;
  for (const rule of [...RELATIVE_RULES, ...DATE_RULES]) {
    for (const m of question.matchAll(rule.re)) {
      const [a, b] = [m.index, m.index + m[0].length];
      if (taken(a, b)) continue;
      const w = rule.window(m, today);
      if (!w) {
        // Not a calendar day ("31.02.2023"): no window, and its year is no window either.
        if (DATE_RULES.includes(rule)) seen.push([a, b]);
        continue;
      }
      // "seit Juli", "since 2023", "seit dem 13. September": from then until today.
      const before = SINCE.exec(question.slice(Math.max(0, a - 12), a));
      const since = before !== null || /^(?:seit|since|ab)\s/iu.test(m[0]);
      const range: [number, number] = [before ? a - before[0].length : a, b];
      seen.push(range);
      const found = since ? { from: w.from, to: today } : w;
      const relative = RELATIVE_RULES.includes(rule) && !rule.prefers?.(m);
      if (relative) spans.push(range);
      else dates.push(range);
      kind = kind === 'restrict' || relative ? 'restrict' : 'prefer';
      window ??= found; // the first expression sets the window; a second one only narrows it
      if (window !== found)
        window = {
          from: window.from > found.from ? window.from : found.from,
          to: window.to < found.to ? window.to : found.to,
        };
    }
  }
  let recent = false;
  for (const m of question.matchAll(RECENT)) {
    if (taken(m.index, m.index + m[0].length)) continue;
    recent = true;
    spans.push([m.index, m.index + m[0].length]);
    seen.push([m.index, m.index + m[0].length]);
  }
  if (!window && !recent) return null;
  spans.sort((x, y) => x[0] - y[0]);
  return {
    from: window ? iso(window.from) : null,
    to: window ? iso(window.to) : null,
    kind,
    recent,
    spans,
    dates,
  };
}

/** The question without the spans given (blanked, so offsets stay). */
export function blank(question: string, spans: ReadonlyArray<readonly [number, number]>): string {
  let out = question;
  for (const [a, b] of spans) out = out.slice(0, a) + ' '.repeat(b - a) + out.slice(b);
  return out;
}

const TODAY = new RegExp(`${B}(?:heute|today)${E}`, 'iu');

/**
 * "Was ist heute passiert?": "heute" is today only in a question about what happened; elsewhere
 * it means nowadays ("Wie heißt die Stadt heute?") and stays a word of the question.
 */
export function todayScope(question: string, now: Date): TimeScope | null {
  const m = TODAY.exec(question);
  if (!m) return null;
  const today = iso(utc(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()));
  return {
    from: today,
    to: today,
    kind: 'restrict',
    recent: false,
    spans: [[m.index, m.index + m[0].length]],
    dates: [],
  };
}
