/**
 * A fake Telegram Bot API server on 127.0.0.1 for tests, speaking the real wire format: POST
 * /bot<token>/<method> with JSON or multipart/form-data bodies (attach:// file references or direct
 * file fields), `{ok, result}` / `{ok:false, error_code, description, parameters}` answers, and
 * long-polling getUpdates with offset/timeout semantics. It records every call, keeps the state of
 * every message the bot sent (so edits and deletions are visible), and can be told to fail.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseTelegramHtml } from './telegram-html.js';

export interface FakeUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface FakeChat {
  id: number;
  type: 'private' | 'group' | 'supergroup';
  title?: string;
  first_name?: string;
  username?: string;
}

export interface UploadedFile {
  filename: string;
  data: Buffer;
}

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  files: Record<string, UploadedFile>;
  /** performance.now() when the request body had arrived. */
  at: number;
  /** The HTTP status answered. */
  status: number;
}

export interface SentMessage {
  chatId: number;
  messageId: number;
  kind: 'text' | 'photo' | 'document';
  /** Visible text (parsed from HTML) or caption. */
  text: string;
  /** The raw text as sent (HTML for parse_mode HTML). */
  raw: string;
  file?: UploadedFile;
  protectContent: boolean;
  replyMarkup?: { inline_keyboard: { text: string; callback_data?: string }[][] };
  deleted: boolean;
  edits: number;
}

interface Failure {
  method: string;
  code: number;
  retryAfter?: number;
  description?: string;
  remaining: number;
}

interface Waiter {
  offset: number;
  limit: number;
  respond: (updates: unknown[]) => void;
}

type Update = { update_id: number } & Record<string, unknown>;

export const BOT_USER = { id: 7000001, is_bot: true, first_name: 'WG Test Bot', username: 'wg_test_bot' };

export class FakeBotApi {
  readonly calls: RecordedCall[] = [];
  readonly messages: SentMessage[] = [];
  /** Users who opened a private chat with the bot (others get 403, as on Telegram). */
  readonly startedUsers = new Set<number>();
  /** The bot's command menus by scope and language. */
  readonly menus = new Map<string, { command: string; description: string }[]>();
  private readonly updates: Update[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly failures: Failure[] = [];
  private readonly callListeners = new Set<() => void>();
  private readonly callbackQueries = new Set<string>();
  private readonly groups = new Map<number, FakeChat>();
  private nextUpdateId = 1;
  private nextMessageId = 100;
  private nextQueryId = 1;
  private confirmedOffset = 0;
  private suspendedPort = 0;
  private suspendedHost = '127.0.0.1';

  private constructor(
    private readonly server: Server,
    readonly token: string,
  ) {}

  /** host: loopback, or the host side of a test's own veth (a booted container reaches it there). */
  static async start(token = '123456:TEST-fake-token-abcdefghijklmnop', host = '127.0.0.1'): Promise<FakeBotApi> {
    let fake!: FakeBotApi;
    const server = createServer((req, res) => void fake.handle(req, res));
    fake = new FakeBotApi(server, token);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => (server.off('error', reject), resolve()));
    });
    return fake;
  }

  /** What TELEGRAM_API_ROOT should be. */
  get apiRoot(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address}:${port}`;
  }

  async close(): Promise<void> {
    for (const w of this.waiters) w.respond([]);
    this.waiters.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The network goes away: open connections drop and new ones are refused until resume(). */
  async suspend(): Promise<void> {
    this.suspendedPort = (this.server.address() as AddressInfo).port;
    this.suspendedHost = (this.server.address() as AddressInfo).address;
    for (const w of this.waiters) w.respond([]);
    this.waiters.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  async resume(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.suspendedPort, this.suspendedHost, resolve));
  }

  // --- injecting what users do ---

  privateChat(user: FakeUser): FakeChat {
    return { id: user.id, type: 'private', first_name: user.first_name, ...(user.username ? { username: user.username } : {}) };
  }

  group(id: number, title = 'Family'): FakeChat {
    const chat: FakeChat = { id, type: id < -1_000_000_000_000 ? 'supergroup' : 'group', title };
    this.groups.set(id, chat);
    return chat;
  }

  pushUpdate(update: Record<string, unknown>): number {
    const update_id = this.nextUpdateId++;
    this.updates.push({ update_id, ...update });
    this.wake();
    return update_id;
  }

  /** A user types `text` in a chat (their private chat with the bot by default). */
  sendText(from: FakeUser, text: string, chat: FakeChat = this.privateChat(from)): { updateId: number; messageId: number } {
    if (chat.type === 'private') this.startedUsers.add(from.id);
    const messageId = this.nextMessageId++;
    const command = /^\/\S+/.exec(text);
    const updateId = this.pushUpdate({
      message: {
        message_id: messageId,
        from: { is_bot: false, ...from },
        chat,
        date: now(),
        text,
        ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
      },
    });
    return { updateId, messageId };
  }

  /** A user presses an inline button on a message the bot sent; `data` overrides the button's (a forged press). */
  pressButton(from: FakeUser, message: SentMessage, buttonText: string | undefined, data?: string): string {
    const button = message.replyMarkup?.inline_keyboard.flat().find((b) => buttonText === undefined || b.text === buttonText);
    const callbackData = data ?? button?.callback_data;
    if (callbackData === undefined) throw new Error(`no button "${buttonText}" on message ${message.messageId}`);
    const id = String(this.nextQueryId++);
    this.callbackQueries.add(id);
    const chat =
      message.chatId > 0
        ? { id: message.chatId, type: 'private', first_name: 'x' }
        : (this.groups.get(message.chatId) ?? { id: message.chatId, type: 'group', title: 'g' });
    this.pushUpdate({
      callback_query: {
        id,
        from: { is_bot: false, ...from },
        chat_instance: `ci${message.chatId}`,
        data: callbackData,
        message: {
          message_id: message.messageId,
          from: BOT_USER,
          chat,
          date: now(),
          text: message.text,
          ...(message.replyMarkup ? { reply_markup: message.replyMarkup } : {}),
        },
      },
    });
    return id;
  }

  /** The next `times` calls of `method` ('*' for any except getUpdates) answer with this error. */
  failNext(method: string, error: { code: number; retryAfter?: number; description?: string }, times = 1): void {
    this.failures.push({ method, ...error, remaining: times });
  }

  /** Forget the failures still queued by failNext (the platform is back). */
  clearFailures(): void {
    this.failures.length = 0;
  }

  // --- looking at what the bot did ---

  chatMessages(chatId: number): SentMessage[] {
    return this.messages.filter((m) => m.chatId === chatId);
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first value `probe` returns (other than undefined/false), re-checked after every call. */
  async until<T>(probe: () => T | undefined | false, what = 'condition', timeoutMs = 15_000): Promise<T> {
    const first = probe();
    if (first !== undefined && first !== false) return first;
    return new Promise<T>((resolve, reject) => {
      const listener = () => {
        const v = probe();
        if (v !== undefined && v !== false) {
          cleanup();
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        const recent = this.calls.slice(-8).map((c) => `${c.method}→${c.status}`);
        reject(new Error(`fake Bot API: gave up waiting for ${what}; last calls: ${recent.join(', ')}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.callListeners.delete(listener);
      };
      this.callListeners.add(listener);
    });
  }

  /** Waits until the bot has confirmed (fetched and moved past) every update pushed so far. */
  async drained(): Promise<void> {
    const last = this.nextUpdateId - 1;
    await this.until(() => this.confirmedOffset > last, 'updates to be fetched');
  }

  // --- the HTTP side ---

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const at = performance.now();
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url?.split('?')[0] ?? '');
    const reply = (status: number, payload: unknown, call?: RecordedCall) => {
      if (call) call.status = status;
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      }
      if (call) this.notify();
    };
    if (!match) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== this.token) return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2]!;
    let params: Record<string, unknown>;
    let files: Record<string, UploadedFile>;
    try {
      ({ params, files } = parseBody(req.headers['content-type'] ?? '', body));
    } catch (error) {
      return reply(400, { ok: false, error_code: 400, description: `Bad Request: ${(error as Error).message}` });
    }
    const call: RecordedCall = { method, params, files, at, status: 0 };
    this.calls.push(call);

    const failure = this.failures.find((f) => f.remaining > 0 && (f.method === method || (f.method === '*' && method !== 'getUpdates')));
    if (failure) {
      failure.remaining--;
      const description = failure.description ?? (failure.code === 429 ? `Too Many Requests: retry after ${failure.retryAfter ?? 1}` : 'Internal Server Error');
      return reply(
        failure.code,
        {
          ok: false,
          error_code: failure.code,
          description,
          ...(failure.retryAfter !== undefined ? { parameters: { retry_after: failure.retryAfter } } : {}),
        },
        call,
      );
    }
    if (method === 'getUpdates') return this.getUpdates(params, req, (updates) => reply(200, { ok: true, result: updates }, call));
    const result = this.apply(method, params, files);
    if ('error' in result) return reply(result.error, { ok: false, error_code: result.error, description: result.description }, call);
    reply(200, { ok: true, result: result.ok }, call);
  }

  private getUpdates(params: Record<string, unknown>, req: IncomingMessage, respond: (updates: unknown[]) => void): void {
    const offset = Number(params.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(params.limit ?? 100)));
    const timeout = Math.max(0, Number(params.timeout ?? 0));
    // An offset confirms every update before it: they are never sent again.
    if (offset > this.confirmedOffset) this.confirmedOffset = offset;
    const ready = this.pendingFrom(offset).slice(0, limit);
    if (ready.length > 0 || timeout === 0) return respond(ready);
    // The client gave up (grammY aborts the long poll when it stops).
    const onClose = () => {
      clearTimeout(timer);
      this.waiters.delete(waiter);
    };
    const waiter: Waiter = {
      offset,
      limit,
      respond: (updates) => {
        onClose();
        req.socket.off('close', onClose);
        respond(updates);
      },
    };
    const timer = setTimeout(() => waiter.respond([]), timeout * 1000);
    this.waiters.add(waiter);
    req.socket.once('close', onClose);
    this.notify();
  }

  private pendingFrom(offset: number): Update[] {
    return this.updates.filter((u) => u.update_id >= Math.max(offset, this.confirmedOffset));
  }

  private wake(): void {
    for (const w of [...this.waiters]) {
      const ready = this.pendingFrom(w.offset).slice(0, w.limit);
      if (ready.length > 0) w.respond(ready);
    }
  }

  private notify(): void {
    for (const l of [...this.callListeners]) l();
  }

  // --- the methods ---

  private apply(method: string, p: Record<string, unknown>, files: Record<string, UploadedFile>): { ok: unknown } | { error: number; description: string } {
    switch (method) {
      case 'getMe':
        return { ok: { ...BOT_USER, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } };
      case 'deleteWebhook':
      case 'close':
        return { ok: true };
      case 'setMyCommands': {
        const commands = p.commands as { command: string; description: string }[];
        if (!Array.isArray(commands) || commands.length > 100) return bad('commands must be an array of at most 100');
        for (const c of commands) {
          if (!/^[a-z0-9_]{1,32}$/.test(c.command)) return bad(`invalid command "${c.command}"`);
          if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) return bad('invalid command description');
        }
        const scope = (p.scope as { type: string; chat_id?: number } | undefined) ?? { type: 'default' };
        if (scope.type === 'chat' && !this.startedUsers.has(Number(scope.chat_id)) && !this.groups.has(Number(scope.chat_id))) return bad('chat not found');
        this.menus.set(`${scope.type}${scope.chat_id !== undefined ? `:${scope.chat_id}` : ''}/${(p.language_code as string | undefined) ?? ''}`, commands);
        return { ok: true };
      }
      case 'answerCallbackQuery':
        if (!this.callbackQueries.delete(String(p.callback_query_id))) return bad('query is too old and response timeout expired or query ID is invalid');
        return { ok: true };
      case 'sendMessage':
      case 'sendPhoto':
      case 'sendDocument':
        return this.send(method, p, files);
      case 'editMessageText':
      case 'editMessageReplyMarkup':
        return this.editMessage(method, p);
      case 'deleteMessage': {
        const m = this.find(p);
        if (!m || m.deleted) return bad('message to delete not found');
        m.deleted = true;
        return { ok: true };
      }
      default:
        return { error: 404, description: 'Not Found: method not found' };
    }
  }

  private chatFor(chatId: number): FakeChat | { error: number; description: string } {
    if (chatId > 0) {
      if (!this.startedUsers.has(chatId)) return { error: 403, description: "Forbidden: bot can't initiate conversation with a user" };
      return { id: chatId, type: 'private', first_name: 'user' };
    }
    return this.groups.get(chatId) ?? { error: 400, description: 'Bad Request: chat not found' };
  }

  private send(method: string, p: Record<string, unknown>, _files: Record<string, UploadedFile>): { ok: unknown } | { error: number; description: string } {
    const chat = this.chatFor(Number(p.chat_id));
    if ('error' in chat) return chat;
    const markup = p.reply_markup as SentMessage['replyMarkup'] | undefined;
    if (markup) {
      for (const b of markup.inline_keyboard.flat()) {
        if (b.callback_data !== undefined && Buffer.byteLength(b.callback_data) > 64) return bad('BUTTON_DATA_INVALID');
      }
    }
    let kind: SentMessage['kind'];
    let raw: string;
    let file: UploadedFile | undefined;
    if (method === 'sendMessage') {
      kind = 'text';
      raw = String(p.text ?? '');
    } else {
      kind = method === 'sendPhoto' ? 'photo' : 'document';
      const ref = p[kind];
      file = typeof ref === 'object' && ref !== null && 'data' in ref ? (ref as UploadedFile) : undefined;
      if (!file) return bad(`there is no ${kind} in the request`);
      raw = String(p.caption ?? '');
    }
    const text = p.parse_mode === 'HTML' ? parseTelegramHtml(raw) : { ok: true as const, text: raw };
    if (!text.ok) return bad(text.error);
    if (kind === 'text') {
      if (text.text.trim() === '') return bad('message text is empty');
      if (text.text.length > 4096) return bad('message is too long');
    } else if (text.text.length > 1024) return bad('message caption is too long');

    const message: SentMessage = {
      chatId: chat.id,
      messageId: this.nextMessageId++,
      kind,
      text: text.text,
      raw,
      ...(file ? { file } : {}),
      protectContent: p.protect_content === true,
      ...(markup ? { replyMarkup: markup } : {}),
      deleted: false,
      edits: 0,
    };
    this.messages.push(message);
    return { ok: this.wire(message, chat) };
  }

  private wire(m: SentMessage, chat: FakeChat): Record<string, unknown> {
    const base: Record<string, unknown> = { message_id: m.messageId, from: BOT_USER, chat, date: now() };
    if (m.protectContent) base.has_protected_content = true;
    if (m.replyMarkup) base.reply_markup = m.replyMarkup;
    if (m.kind === 'text') return { ...base, text: m.text };
    const fileId = `file${m.messageId}`;
    const caption = m.text ? { caption: m.text } : {};
    if (m.kind === 'photo')
      return {
        ...base,
        ...caption,
        photo: [{ file_id: fileId, file_unique_id: `u${fileId}`, width: 320, height: 320, file_size: m.file!.data.length }],
      };
    return {
      ...base,
      ...caption,
      document: {
        file_id: fileId,
        file_unique_id: `u${fileId}`,
        file_name: m.file!.filename,
        mime_type: 'text/plain',
        file_size: m.file!.data.length,
      },
    };
  }

  private find(p: Record<string, unknown>): SentMessage | undefined {
    return this.messages.find((m) => m.chatId === Number(p.chat_id) && m.messageId === Number(p.message_id));
  }

  private editMessage(method: string, p: Record<string, unknown>): { ok: unknown } | { error: number; description: string } {
    const m = this.find(p);
    if (!m || m.deleted) return bad('message to edit not found');
    const markup = p.reply_markup as SentMessage['replyMarkup'] | undefined;
    let raw = m.raw;
    let text = m.text;
    if (method === 'editMessageText') {
      if (m.kind !== 'text') return bad('there is no text in the message to edit');
      raw = String(p.text ?? '');
      const parsed = p.parse_mode === 'HTML' ? parseTelegramHtml(raw) : { ok: true as const, text: raw };
      if (!parsed.ok) return bad(parsed.error);
      if (parsed.text.length > 4096) return bad('MESSAGE_TOO_LONG');
      text = parsed.text;
    }
    const sameMarkup =
      JSON.stringify(markup?.inline_keyboard.length ? markup : undefined) === JSON.stringify(m.replyMarkup?.inline_keyboard.length ? m.replyMarkup : undefined);
    if (text === m.text && sameMarkup)
      return bad(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    m.raw = raw;
    m.text = text;
    if (markup && markup.inline_keyboard.length > 0) m.replyMarkup = markup;
    else delete m.replyMarkup;
    m.edits++;
    return { ok: this.wire(m, this.chatFor(m.chatId) as FakeChat) };
  }
}

const bad = (description: string) => ({ error: 400, description: `Bad Request: ${description}` });
const now = () => Math.floor(Date.now() / 1000);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Fields whose multipart values are JSON (as the Bot API documents them). */
const jsonFields = new Set([
  'reply_markup',
  'reply_parameters',
  'link_preview_options',
  'commands',
  'scope',
  'allowed_updates',
  'caption_entities',
  'entities',
]);

export function parseBody(contentType: string, body: Buffer): { params: Record<string, unknown>; files: Record<string, UploadedFile> } {
  if (body.length === 0) return { params: {}, files: {} };
  if (contentType.startsWith('application/json')) return { params: JSON.parse(body.toString('utf8')) as Record<string, unknown>, files: {} };
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!contentType.startsWith('multipart/form-data') || !boundary) throw new Error(`unsupported content type "${contentType}"`);
  const fields: Record<string, string> = {};
  const rawFiles: Record<string, UploadedFile> = {};
  for (const part of multipartParts(body, boundary)) {
    const name = /name="?([^";\r\n]+)"?/i.exec(part.headers)?.[1];
    if (!name) throw new Error('multipart part without a name');
    const filename = /filename="?([^";\r\n]+)"?/i.exec(part.headers)?.[1];
    if (filename !== undefined) rawFiles[name] = { filename, data: part.data };
    else fields[name] = part.data.toString('utf8');
  }
  const params: Record<string, unknown> = {};
  const files: Record<string, UploadedFile> = {};
  for (const [k, v] of Object.entries(fields)) {
    const attach = /^attach:\/\/(.+)$/.exec(v);
    if (attach) {
      const file = rawFiles[attach[1]!];
      if (!file) throw new Error(`file "${attach[1]}" referenced by ${k} is missing`);
      params[k] = file;
      files[k] = file;
    } else if (jsonFields.has(k)) params[k] = JSON.parse(v);
    else if (v === 'true' || v === 'false') params[k] = v === 'true';
    else params[k] = /^-?\d+$/.test(v) ? Number(v) : v;
  }
  // A file may also come directly under the parameter's own name.
  for (const [k, f] of Object.entries(rawFiles)) {
    if (!(k in params) && !Object.values(files).includes(f)) {
      params[k] = f;
      files[k] = f;
    }
  }
  return { params, files };
}

function* multipartParts(body: Buffer, boundary: string): Generator<{ headers: string; data: Buffer }> {
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    let start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') return;
    start += 2; // CRLF after the delimiter
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start);
    if (next < 0) throw new Error('multipart body is not terminated');
    const part = body.subarray(start, next);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw new Error('multipart part without headers');
    yield { headers: part.subarray(0, split).toString('utf8'), data: Buffer.from(part.subarray(split + 4)) };
    pos = next + 2;
  }
}
