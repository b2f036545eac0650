/**
 * Fetch a web page for `/add <url>`: http(s) only, a timeout, a size limit enforced while
 * streaming, HTML only. Returns the page's text; extraction happens in ingest.
 */
import { BelegError } from '../errors.js';

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 15_000, maxBytes: 5_000_000 };

export async function fetchPage(
  url: string,
  limits: FetchLimits = DEFAULT_FETCH_LIMITS,
): Promise<{ html: string; finalUrl: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BelegError(
      'FETCH_FAILED',
      `„${url.slice(0, 100)}“ ist keine gültige URL. / Not a valid URL.`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new BelegError(
      'FETCH_FAILED',
      'Nur http- und https-Adressen. / Only http and https URLs.',
    );
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let response: Response;
  try {
    response = await fetch(parsed, {
      signal,
      redirect: 'follow',
      headers: {
        'user-agent': 'belegbot/0.1 (+article import)',
        accept: 'text/html,application/xhtml+xml',
      },
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError' || signal.aborted;
    throw new BelegError(
      'FETCH_FAILED',
      timedOut
        ? `Zeitüberschreitung nach ${limits.timeoutMs / 1000} s. / Timed out.`
        : `Abruf fehlgeschlagen: ${(error as Error).message}. / Fetch failed.`,
      { cause: error },
    );
  }
  if (!response.ok)
    throw new BelegError(
      'FETCH_FAILED',
      `Die Seite antwortete mit HTTP ${response.status}. / The page answered HTTP ${response.status}.`,
    );
  const type = response.headers.get('content-type') ?? '';
  if (type && !/html|xml|text\/plain/i.test(type))
    throw new BelegError('FETCH_FAILED', `Kein HTML, sondern „${type}“. / Not an HTML page.`);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > limits.maxBytes)
    throw new BelegError(
      'FETCH_FAILED',
      `Die Seite ist zu groß (${declared} Bytes, höchstens ${limits.maxBytes}). / The page is too large.`,
    );
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limits.maxBytes) {
        await reader.cancel();
        throw new BelegError(
          'FETCH_FAILED',
          `Die Seite ist zu groß (mehr als ${limits.maxBytes} Bytes). / The page is too large.`,
        );
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof BelegError) throw error;
    throw new BelegError(
      'FETCH_FAILED',
      `Abruf abgebrochen: ${(error as Error).message}. / Fetch aborted.`,
      { cause: error },
    );
  }
  return { html: Buffer.concat(chunks).toString('utf8'), finalUrl: response.url || parsed.href };
}
