/**
 * Admin features: add articles (document upload, /add <url>, forwarded messages), /remove,
 * /reindex with a live progress message, /status. Non-admins are refused the same way everywhere
 * and change nothing. Every corpus change is followed by a background build; questions keep being
 * answered from the old index until the new one is complete.
 */
import { type Context, Composer, InlineKeyboard } from 'grammy';
import type { BuildManager, BuildResult, RunningBuild } from '../index/buildManager.js';
import { chunkArticle } from '../index/chunk.js';
import {
  FileExistsError,
  findCorpusFile,
  markdownArticle,
  removeCorpusFile,
  safeArticleName,
  saveArticle,
} from '../ingest/corpusFiles.js';
import type { Engine } from '../answer/engine.js';
import { BelegError, errorMessage } from '../errors.js';
import { fetchPage } from '../ingest/fetchArticle.js';
import { escapeHtml } from './format.js';
import type { BuildProgress } from '../index/indexer.js';
import { normalizeDate, parseArticle } from '../ingest/ingest.js';
import type { Logger } from '../logger.js';
import type { Inbox } from './inbox.js';
import { sampleQuestion } from '../answer/sampleQuestion.js';
import type { BotStats } from './bot.js';
import type { FeedbackStore, GapsReport } from './feedbackStore.js';
import { checkableText, replyWithClaimCheck } from './claimCheck.js';
import { type Lang, apologyText, pendingLine, userLanguage } from './replies.js';
import { isFromOneOf, topicOptions } from './triggers.js';

export interface AdminSettings {
  adminIds: readonly number[];
  corpusDir: string;
  maxArticleBytes: number;
  token: string;
  apiRoot: string;
  modelId: string | null;
  fetchTimeoutMs?: number;
  /** Longest statement the claim check looks at (MAX_QUESTION_LENGTH). */
  maxQuestionLength?: number;
}

const PHASES: Record<BuildProgress['phase'], { de: string; en: string }> = {
  read: { de: 'Artikel lesen', en: 'reading articles' },
  embed: { de: 'Einbetten', en: 'embedding' },
  store: { de: 'Speichern', en: 'storing' },
  sentences: { de: 'Sätze einbetten', en: 'embedding sentences' },
  hnsw: { de: 'Vektorindex', en: 'vector index' },
};

export function progressText(lang: Lang, p: BuildProgress | null): string {
  if (!p) return lang === 'de' ? 'startet …' : 'starting …';
  const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
  return `${PHASES[p.phase][lang]} ${p.done}/${p.total} (${pct} %)`;
}

export function adminOnlyText(lang: Lang): string {
  return lang === 'de' ? 'Dieser Befehl ist nur für Admins.' : 'This command is for admins only.';
}

export function buildResultText(lang: Lang, r: BuildResult): string {
  if (!r.ok) {
    return lang === 'de'
      ? `❌ Neuaufbau fehlgeschlagen nach ${r.seconds.toFixed(1)} s: ${escapeHtml(r.error ?? '')}\nDer bisherige Index beantwortet weiter alle Fragen.`
      : `❌ Rebuild failed after ${r.seconds.toFixed(1)} s: ${escapeHtml(r.error ?? '')}\nThe previous index keeps answering.`;
  }
  const s = r.summary;
  const counts = s
    ? `${s.articles} ${lang === 'de' ? 'Artikel' : 'articles'}, ${s.chunks} ${lang === 'de' ? 'Abschnitte' : 'chunks'}; +${s.added} ~${s.changed} −${s.removed}`
    : '';
  const skipped = r.warnings.length
    ? `\n${lang === 'de' ? 'Übersprungen' : 'Skipped'}: ${r.warnings.map((w) => `${escapeHtml(w.file)} (${escapeHtml(w.message)})`).join('; ')}`
    : '';
  return `✅ ${lang === 'de' ? 'Index fertig' : 'Index ready'} (${r.seconds.toFixed(1)} s): ${counts}${skipped}`;
}

export const DEFAULT_GAP_DAYS = 7;
const MAX_GAP_DAYS = 366;
const GAP_LINES = 20;

/**
 * The editors' gaps report: what readers asked in the last `days` days that the articles did not
 * answer (turned away, or voted 👎 more than 👍), the same question in other words counted as one
 * (same content stems), most frequent first, then newest first.
 */
export function gapsText(
  lang: Lang,
  days: number,
  report: GapsReport,
  retentionDays: number,
  limit = 4096,
): string {
  const de = lang === 'de';
  const head = de
    ? `<b>Lücken der letzten ${days} ${days === 1 ? 'Tag' : 'Tage'}</b>\n${report.turnedAway} ${report.turnedAway === 1 ? 'Frage' : 'Fragen'} ohne Antwort, ${report.downVoted} ${report.downVoted === 1 ? 'Antwort' : 'Antworten'} mit 👎.`
    : `<b>Gaps of the last ${days} ${days === 1 ? 'day' : 'days'}</b>\n${report.turnedAway} ${report.turnedAway === 1 ? 'question' : 'questions'} turned away, ${report.downVoted} ${report.downVoted === 1 ? 'answer' : 'answers'} voted 👎.`;
  if (!report.groups) {
    return `${head}\n${de ? 'Fragetexte werden nicht gespeichert. Mit <code>STORE_QUESTIONS=true</code> in der Konfiguration zeigt /gaps, welche Fragen es waren' : 'Question texts are not stored. With <code>STORE_QUESTIONS=true</code> in the configuration, /gaps shows which questions they were'} (${de ? `gelöscht nach ${retentionDays} Tagen, QUESTION_RETENTION_DAYS` : `deleted after ${retentionDays} days, QUESTION_RETENTION_DAYS`}).`;
  }
  if (report.groups.length === 0)
    return `${head}\n${report.turnedAway + report.downVoted > 0 ? (de ? 'Die Fragetexte sind nicht mehr gespeichert.' : 'Their texts are no longer stored.') : de ? 'Nichts offen.' : 'Nothing open.'}`;
  const lines = [head, de ? 'Die Artikel, die als Nächstes fehlen:' : 'The articles to add next:'];
  let length = lines.join('\n').length;
  for (const [i, g] of report.groups.slice(0, GAP_LINES).entries()) {
    const line = `${i + 1}. ${escapeHtml(g.question)} — ${g.count}× (${new Date(g.lastAt).toISOString().slice(0, 10)})`;
    if (length + line.length + 40 > limit) break;
    lines.push(line);
    length += line.length + 1;
  }
  const rest = report.groups.length - (lines.length - 2);
  if (rest > 0) lines.push(de ? `… und ${rest} weitere` : `… and ${rest} more`);
  return lines.join('\n');
}

export function createAdminFeature(options: {
  engine: Engine;
  builds: BuildManager;
  settings: AdminSettings;
  stats: BotStats;
  logger: Logger;
  feedback?: FeedbackStore | null;
  /** The update inbox, for /status (waiting, in flight, given up). */
  inbox?: Pick<Inbox, 'stats'> | null;
}): Composer<Context> {
  const { engine, builds, settings, stats, logger } = options;
  const feedback = options.feedback ?? null;
  const isAdmin = (ctx: Context) => isFromOneOf(settings.adminIds, ctx.from);
  const langOf = (ctx: Context): Lang => userLanguage(ctx.from?.language_code);
  const html = (ctx: Context, text: string, extra: Record<string, unknown> = {}) =>
    ctx.reply(text, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...topicOptions(ctx.msg),
      ...extra,
    });
  /**
   * Builds take seconds to minutes; they run detached so the admin's chat (whose updates are
   * handled in order) stays responsive. The build itself starts synchronously inside `task`, so
   * a /reindex right after still sees it. Failures are logged and reported to the admin.
   */
  const inBackground = (ctx: Context, task: () => Promise<unknown>) => {
    void task().catch(async (error: unknown) => {
      logger.error(
        { update_id: ctx.update.update_id, err: errorMessage(error) },
        'admin task failed',
      );
      await html(
        ctx,
        `⚠️ ${escapeHtml(error instanceof BelegError ? error.message : apologyText(langOf(ctx)))}`,
      ).catch(() => undefined);
    });
  };
  /**
   * Questions put to an admin with buttons ("replace?", "check or add?"): what waits for the
   * answer, by a short token, in memory (at most `limit`, the oldest forgotten first). `take`
   * answers the press and returns the pressing admin's own item, removed; anyone else's press,
   * or one on an item no longer kept, gets a toast saying why, and null.
   */
  let tokens = 0;
  const choices = <T>(limit = Number.POSITIVE_INFINITY) => {
    const items = new Map<string, T & { adminId: number }>();
    return {
      put(item: T & { adminId: number }): string {
        const token = String(++tokens);
        items.set(token, item);
        if (items.size > limit) items.delete(items.keys().next().value ?? '');
        return token;
      },
      async take(
        ctx: Context & { from: NonNullable<Context['from']> },
        token: string,
      ): Promise<T | null> {
        const item = items.get(token);
        if (!isAdmin(ctx) || !item || item.adminId !== ctx.from.id) {
          const lang = langOf(ctx);
          await ctx.answerCallbackQuery({
            text: isAdmin(ctx)
              ? lang === 'de'
                ? 'Nicht mehr aktuell.'
                : 'No longer pending.'
              : adminOnlyText(lang),
          });
          return null;
        }
        items.delete(token);
        await ctx.answerCallbackQuery();
        return item;
      },
    };
  };
  // Uploads waiting for "replace?" confirmation.
  const pending = choices<{ name: string; content: Buffer | string }>();

  /**
   * Run a build, editing one progress message. The build is started before anything is awaited,
   * so a concurrent /reindex sees it; if another build is under way, wait for it and start ours
   * after (it picks up both changes).
   */
  const rebuild = async (ctx: Context, reason: string): Promise<BuildResult> => {
    const lang = langOf(ctx);
    const head =
      lang === 'de'
        ? `🔄 Neuaufbau (${escapeHtml(reason)}): `
        : `🔄 Rebuilding (${escapeHtml(reason)}): `;
    let message: { chat: { id: number }; message_id: number } | null = null;
    let wanted = head + progressText(lang, null);
    let shown = '';
    let lastEdit = 0;
    const edit = (text: string, force = false) => {
      wanted = text;
      const now = Date.now();
      if (!message || text === shown || (!force && now - lastEdit < 1500)) return;
      shown = text;
      lastEdit = now;
      void ctx.api
        .editMessageText(message.chat.id, message.message_id, text, { parse_mode: 'HTML' })
        .catch((error) => logger.debug({ err: errorMessage(error) }, 'progress edit failed'));
    };
    const tryStart = (): RunningBuild | null => {
      try {
        return builds.start(reason, (p) => edit(head + progressText(lang, p)));
      } catch (error) {
        if (error instanceof BelegError && error.code === 'INDEX_BUSY' && builds.current())
          return null;
        throw error;
      }
    };
    let build = tryStart();
    while (!build) {
      await builds.current()?.done;
      build = tryStart();
    }
    message = await html(ctx, wanted);
    shown = wanted;
    const result = await build.done;
    edit(buildResultText(lang, result), true);
    logger.info(
      { reason, ok: result.ok, seconds: result.seconds, error: result.error },
      'index build finished',
    );
    return result;
  };

  /** After a successful build: title, chunk count and a verified sample question. */
  const confirmAdded = async (ctx: Context, file: string, result: BuildResult) => {
    if (!result.ok) return;
    const lang = langOf(ctx);
    const id = file.replace(/\.[^./]+$/, '');
    const article = engine.current().store.articleById(id);
    if (!article) {
      await html(
        ctx,
        lang === 'de'
          ? `⚠️ ${escapeHtml(file)} wurde gespeichert, aber nicht indexiert (siehe „Übersprungen“).`
          : `⚠️ ${escapeHtml(file)} was saved but not indexed (see "Skipped").`,
      );
      return;
    }
    const chunks = chunkArticle(article.text, engine.current().manifest.chunker).chunks.length;
    const sample = await sampleQuestion(engine, article);
    const lines =
      lang === 'de'
        ? [
            `📄 Aufgenommen: <b>${escapeHtml(article.meta.title)}</b>`,
            `Datei: <code>${escapeHtml(file)}</code>, ${chunks} ${chunks === 1 ? 'Abschnitt' : 'Abschnitte'}.`,
            sample ? `Beispielfrage: <i>${escapeHtml(sample)}</i>` : '',
          ]
        : [
            `📄 Added: <b>${escapeHtml(article.meta.title)}</b>`,
            `File: <code>${escapeHtml(file)}</code>, ${chunks} ${chunks === 1 ? 'chunk' : 'chunks'}.`,
            sample ? `Sample question: <i>${escapeHtml(sample)}</i>` : '',
          ];
    await html(ctx, lines.filter(Boolean).join('\n'));
  };

  /** Validate, save (asking before a replace) and index one article. */
  const addArticle = async (ctx: Context, name: string, content: Buffer | string) => {
    const lang = langOf(ctx);
    // Refuse what ingest would skip, before anything is written.
    parseArticle(name, Buffer.isBuffer(content) ? content : Buffer.from(content));
    try {
      await saveArticle(settings.corpusDir, name, content);
    } catch (error) {
      if (!(error instanceof FileExistsError)) throw error;
      const token = pending.put({ name, content, adminId: ctx.from?.id ?? 0 });
      const keyboard = new InlineKeyboard()
        .text(lang === 'de' ? 'Ersetzen' : 'Replace', `replace:${token}`)
        .text(lang === 'de' ? 'Abbrechen' : 'Cancel', `cancel:${token}`);
      await html(
        ctx,
        lang === 'de'
          ? `Eine Datei <code>${escapeHtml(name)}</code> gibt es schon. Ersetzen?`
          : `A file <code>${escapeHtml(name)}</code> already exists. Replace it?`,
        { reply_markup: keyboard },
      );
      return;
    }
    inBackground(ctx, async () => confirmAdded(ctx, name, await rebuild(ctx, name)));
  };

  const refuse = (ctx: Context) => html(ctx, adminOnlyText(langOf(ctx)));
  // Input problems (bad names, bad files, unreachable URLs) are the admin's to fix: say why.
  const guarded =
    <C extends Context, A extends unknown[]>(fn: (ctx: C, ...args: A) => Promise<unknown>) =>
    async (ctx: C, ...args: A) => {
      try {
        await fn(ctx, ...args);
      } catch (error) {
        if (!(error instanceof BelegError)) throw error;
        await html(ctx, `⚠️ ${escapeHtml(error.message)}`);
      }
    };

  const admin = new Composer<Context>();
  for (const command of ['add', 'remove', 'reindex', 'status', 'gaps'])
    admin.command(command, (ctx, next) => (isAdmin(ctx) ? next() : refuse(ctx)));

  admin.command('status', async (ctx) => {
    const lang = langOf(ctx);
    const { manifest } = engine.current();
    const ageMin = Math.round((Date.now() - Date.parse(manifest.builtAt)) / 60_000);
    const last = builds.last();
    const running = builds.current();
    const lastText = last
      ? `${last.ok ? 'ok' : `${lang === 'de' ? 'Fehler' : 'failed'}: ${escapeHtml(last.error ?? '')}`}, ${last.seconds.toFixed(1)} s (${escapeHtml(last.reason)})`
      : lang === 'de'
        ? 'seit dem Start keiner'
        : 'none since start';
    const model = escapeHtml(
      settings.modelId ?? (lang === 'de' ? 'keins (lexikalisch)' : 'none (lexical)'),
    );
    const lines =
      lang === 'de'
        ? [
            `<b>Status</b>`,
            `Artikel: ${manifest.articles}, Abschnitte: ${manifest.chunks}${pendingLine(lang, manifest.pendingVectors).replace('\n', ' – ')}`,
            `Modell: ${model}`,
            `Index-Alter: ${ageMin} min (${escapeHtml(manifest.builtAt)})`,
            `Letzter Neuaufbau: ${lastText}`,
            running ? `Läuft gerade: ${escapeHtml(progressText(lang, running.progress))}` : '',
            `Seit Start: ${stats.answered} beantwortet, ${stats.abstained} ohne Antwort`,
          ]
        : [
            `<b>Status</b>`,
            `Articles: ${manifest.articles}, chunks: ${manifest.chunks}${pendingLine(lang, manifest.pendingVectors).replace('\n', ' – ')}`,
            `Model: ${model}`,
            `Index age: ${ageMin} min (${escapeHtml(manifest.builtAt)})`,
            `Last build: ${lastText}`,
            running ? `Running now: ${escapeHtml(progressText(lang, running.progress))}` : '',
            `Since start: ${stats.answered} answered, ${stats.abstained} abstained`,
          ];
    const inbox = options.inbox?.stats();
    if (inbox)
      lines.push(
        lang === 'de'
          ? `Eingang: ${inbox.waiting} wartend, ${inbox.inFlight} in Arbeit, ${inbox.givenUp24h} aufgegeben (24 h)`
          : `Inbox: ${inbox.waiting} waiting, ${inbox.inFlight} in flight, ${inbox.givenUp24h} given up (24 h)`,
      );
    await html(ctx, lines.filter(Boolean).join('\n'));
  });

  admin.command('gaps', async (ctx) => {
    const lang = langOf(ctx);
    const arg = String(ctx.match ?? '').trim();
    const days = arg === '' ? DEFAULT_GAP_DAYS : /^\d{1,4}$/.test(arg) ? Number(arg) : NaN;
    if (!(days >= 1 && days <= MAX_GAP_DAYS)) {
      await html(
        ctx,
        lang === 'de'
          ? `Bitte <code>/gaps</code> oder <code>/gaps Tage</code> (1–${MAX_GAP_DAYS}), z. B. <code>/gaps 30</code>.`
          : `Please use <code>/gaps</code> or <code>/gaps days</code> (1–${MAX_GAP_DAYS}), e.g. <code>/gaps 30</code>.`,
      );
      return;
    }
    if (!feedback) {
      await html(
        ctx,
        lang === 'de' ? 'Dieser Bot führt keine Statistik.' : 'This bot keeps no statistics.',
      );
      return;
    }
    await html(
      ctx,
      gapsText(lang, days, feedback.gaps(Date.now() - days * 86_400_000), feedback.retentionDays),
    );
  });

  admin.command(
    'reindex',
    guarded(async (ctx) => {
      const running = builds.current();
      if (running) {
        const lang = langOf(ctx);
        await html(
          ctx,
          lang === 'de'
            ? `Ein Neuaufbau läuft bereits: ${escapeHtml(progressText(lang, running.progress))}`
            : `A rebuild is already running: ${escapeHtml(progressText(lang, running.progress))}`,
        );
        return;
      }
      inBackground(ctx, () => rebuild(ctx, '/reindex'));
    }),
  );

  admin.command(
    'remove',
    guarded(async (ctx) => {
      const lang = langOf(ctx);
      const wanted = String(ctx.match ?? '').trim();
      const file = wanted ? await findCorpusFile(settings.corpusDir, wanted) : null;
      if (!file) {
        await html(
          ctx,
          lang === 'de'
            ? `Kein Artikel „${escapeHtml(wanted)}“. /sources zeigt die ids.`
            : `No article "${escapeHtml(wanted)}". /sources shows the ids.`,
        );
        return;
      }
      const title =
        engine.current().store.articleById(file.replace(/\.[^./]+$/, ''))?.meta.title ?? file;
      await removeCorpusFile(settings.corpusDir, file);
      inBackground(ctx, async () => {
        const result = await rebuild(ctx, `− ${file}`);
        if (result.ok)
          await html(
            ctx,
            lang === 'de'
              ? `🗑 Entfernt: <b>${escapeHtml(title)}</b>`
              : `🗑 Removed: <b>${escapeHtml(title)}</b>`,
          );
      });
    }),
  );

  admin.command(
    'add',
    guarded(async (ctx) => {
      const lang = langOf(ctx);
      const url = String(ctx.match ?? '').trim();
      if (!url) {
        await html(
          ctx,
          lang === 'de'
            ? 'Bitte eine Adresse angeben: <code>/add https://…</code>, oder eine .txt-, .md- oder .html-Datei schicken.'
            : 'Please give an address: <code>/add https://…</code>, or send a .txt, .md or .html file.',
        );
        return;
      }
      const page = await fetchPage(url, {
        timeoutMs: settings.fetchTimeoutMs ?? 15_000,
        maxBytes: settings.maxArticleBytes,
      });
      const article = parseArticle('page.html', Buffer.from(page.html));
      const meta = { ...article.meta, url: article.meta.url ?? page.finalUrl };
      const base = new URL(page.finalUrl).pathname.split('/').filter(Boolean).pop() ?? meta.title;
      const name = safeArticleName(
        `${(base.replace(/\.[a-z]+$/i, '') || meta.title).slice(0, 60)}.md`,
      );
      await addArticle(ctx, name, markdownArticle(meta, article.text));
    }),
  );

  admin.on('callback_query:data', async (ctx, next) => {
    const m = /^(replace|cancel):(\d+)$/.exec(ctx.callbackQuery.data);
    if (!m) return next();
    const lang = langOf(ctx);
    const item = await pending.take(ctx, m[2] ?? '');
    if (!item) return;
    if (m[1] === 'cancel') {
      await html(
        ctx,
        lang === 'de' ? 'Abgebrochen, nichts geändert.' : 'Cancelled, nothing changed.',
      );
      return;
    }
    await saveArticle(settings.corpusDir, item.name, item.content, true);
    inBackground(ctx, async () => confirmAdded(ctx, item.name, await rebuild(ctx, item.name)));
  });

  const privateChat = admin.chatType('private');
  privateChat.on(
    'message:document',
    guarded(async (ctx) => {
      const lang = langOf(ctx);
      if (!isAdmin(ctx)) {
        await html(
          ctx,
          lang === 'de'
            ? 'Nur Admins können Artikel hinzufügen. Fragen stellen Sie einfach als Text.'
            : 'Only admins can add articles. Just type your question as text.',
        );
        return;
      }
      const doc = ctx.msg.document;
      const name = safeArticleName(doc.file_name ?? '');
      if ((doc.file_size ?? 0) > settings.maxArticleBytes) {
        await html(
          ctx,
          lang === 'de'
            ? `Die Datei ist zu groß (${doc.file_size} Bytes, höchstens ${settings.maxArticleBytes}).`
            : `The file is too large (${doc.file_size} bytes, at most ${settings.maxArticleBytes}).`,
        );
        return;
      }
      const file = await ctx.getFile();
      if (!file.file_path)
        throw new BelegError(
          'FETCH_FAILED',
          'Telegram gab keinen Dateipfad zurück. / Telegram returned no file path.',
        );
      const response = await fetch(
        `${settings.apiRoot}/file/bot${settings.token}/${file.file_path}`,
        { signal: AbortSignal.timeout(30_000) },
      );
      if (!response.ok)
        throw new BelegError(
          'FETCH_FAILED',
          `Download fehlgeschlagen (HTTP ${response.status}). / Download failed.`,
        );
      const content = Buffer.from(await response.arrayBuffer());
      if (content.length > settings.maxArticleBytes) {
        await html(
          ctx,
          lang === 'de'
            ? `Die Datei ist zu groß (${content.length} Bytes, höchstens ${settings.maxArticleBytes}).`
            : `The file is too large (${content.length} bytes, at most ${settings.maxArticleBytes}).`,
        );
        return;
      }
      await addArticle(ctx, name, content);
    }),
  );

  // A post an admin forwards: check it, or add it as an article? Two buttons decide.
  const forwarded = choices<{
    text: string;
    origin: NonNullable<NonNullable<Context['msg']>['forward_origin']>;
  }>(100);
  privateChat.on('message', async (ctx, next) => {
    if (!ctx.msg.forward_origin || !isAdmin(ctx)) return next();
    const lang = langOf(ctx);
    const text = checkableText(ctx.msg);
    if (!text) {
      await html(
        ctx,
        lang === 'de'
          ? 'Der Beitrag enthält keinen Text, den ich prüfen oder aufnehmen kann.'
          : 'The post holds no text I could check or add.',
      );
      return;
    }
    const token = forwarded.put({ text, origin: ctx.msg.forward_origin, adminId: ctx.from.id });
    const keyboard = new InlineKeyboard()
      .text(lang === 'de' ? '🔎 Prüfen' : '🔎 Check', `fwd:check:${token}`)
      .text(lang === 'de' ? '📄 Als Artikel aufnehmen' : '📄 Add as article', `fwd:add:${token}`);
    await html(
      ctx,
      lang === 'de'
        ? 'Weitergeleiteter Beitrag: prüfen, was die Artikel dazu sagen, oder als Artikel aufnehmen?'
        : 'Forwarded post: check what the articles say about it, or add it as an article?',
      {
        reply_markup: keyboard,
        reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true },
      },
    );
  });
  admin.on('callback_query:data', async (ctx, next) => {
    const m = /^fwd:(check|add):(\d+)$/.exec(ctx.callbackQuery.data);
    if (!m) return next();
    const item = await forwarded.take(ctx, m[2] ?? '');
    if (!item) return;
    if (m[1] === 'check')
      await replyWithClaimCheck(
        ctx,
        engine,
        item.text,
        { maxQuestionLength: settings.maxQuestionLength ?? 1000 },
        logger,
      );
    else await addForwarded(ctx, item.text, item.origin);
  });
  const addForwarded = guarded(
    async (
      ctx: Context,
      text: string,
      origin: NonNullable<NonNullable<Context['msg']>['forward_origin']>,
    ) => {
      const firstLine = (text.split('\n').find((l) => l.trim()) ?? '').trim();
      const title = firstLine.length <= 90 ? firstLine : `${firstLine.slice(0, 87)}…`;
      const date = normalizeDate(new Date(origin.date * 1000).toISOString());
      let source: string | undefined;
      let url: string | undefined;
      if (origin.type === 'channel') {
        source = origin.chat.title;
        if (origin.chat.username) url = `https://t.me/${origin.chat.username}/${origin.message_id}`;
      } else if (origin.type === 'user')
        source = [origin.sender_user.first_name, origin.sender_user.last_name]
          .filter(Boolean)
          .join(' ');
      else if (origin.type === 'hidden_user') source = origin.sender_user_name;
      else if (origin.type === 'chat') source = origin.sender_chat.title;
      const name = safeArticleName(`telegram-${date ?? 'undatiert'}-${title.slice(0, 40)}.md`);
      await addArticle(ctx, name, markdownArticle({ title, source, date, url }, text));
    },
  );

  return admin;
}
