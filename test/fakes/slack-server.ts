/**
 * A local fake Slack on 127.0.0.1 for tests: the Web API methods the bot uses (form-encoded or JSON
 * bodies), the external file upload endpoint, response_url endpoints, and a Socket Mode WebSocket
 * server that sends envelopes and records acks. It records everything, can answer 429 with
 * Retry-After, and can drop the socket to test reconnection.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** Tokens for the fake Slack only (tests and benchmarks): the shapes Slack's are, no real secret. */
export const FAKE_SLACK_BOT_TOKEN = 'xoxb-1111-2222-testbottoken';
export const FAKE_SLACK_APP_TOKEN = 'xapp-1-A0APP-3333-testapptoken';

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  locale?: string;
}

export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  /** The bearer token the call carried. */
  token: string | undefined;
  /** The HTTP status the fake answered with (429 when rate-limited). */
  status: number;
  /** When it arrived (Date.now()). */
  at: number;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: SlackBlockJson[];
  /** Set when chat.update replaced it; the message keeps its ts. */
  updated: number;
  deleted: boolean;
}

export interface SlackBlockJson {
  type: string;
  text?: { type: string; text: string };
  elements?: { type: string; action_id: string; value: string; text: { text: string }; style?: string }[];
}

export interface UploadedFile {
  id: string;
  filename: string;
  length: number;
  bytes?: Buffer;
  title?: string;
  /** The channel it was shared to by files.completeUploadExternal (undefined: uploaded, never shared). */
  channel?: string;
  initialComment?: string;
  deleted: boolean;
}

export interface ResponseUrlPost {
  id: string;
  body: { response_type?: string; replace_original?: boolean; text?: string; blocks?: SlackBlockJson[] };
}

export interface Ack {
  envelopeId: string;
  payload: unknown;
}

export interface FakeSlackOptions {
  botToken: string;
  appToken: string;
  users: FakeUser[];
}

const BOT_USER = { id: 'UBOTUSER1', name: 'wgbot' };

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly messages: PostedMessage[] = [];
  readonly files = new Map<string, UploadedFile>();
  readonly responses: ResponseUrlPost[] = [];
  readonly acks: Ack[] = [];
  /** Socket Mode connections opened so far. */
  connections = 0;

  private readonly events = new EventEmitter();
  private readonly sockets = new Set<WebSocket>();
  private readonly rateLimits = new Map<string, { times: number; retryAfter: number }>();
  private readonly failures = new Map<string, { times: number; error: string }>();
  private seq = 0;
  private tsCounter = 0;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    private readonly options: FakeSlackOptions,
  ) {
    this.events.setMaxListeners(100);
  }

  static async start(options: FakeSlackOptions): Promise<FakeSlack> {
    const server = createServer();
    const wss = new WebSocketServer({ noServer: true });
    const fake = new FakeSlack(server, wss, options);
    server.on('request', (req, res) => {
      fake.onRequest(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket')) return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => fake.onSocket(ws));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** SLACK_API_URL for the bot: an http URL with a port and a path. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** The bot's DM channel with a user (what conversations.open answers). */
  dmOf(userId: string): string {
    return `D${userId.slice(1)}`;
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Answer the next `times` calls to `method` with HTTP 429 and Retry-After. */
  rateLimit(method: string, retryAfterSeconds: number, times = 1): void {
    this.rateLimits.set(method, { times, retryAfter: retryAfterSeconds });
  }

  /** Answer the next `times` calls to `method` with { ok: false, error }. */
  failWith(method: string, error: string, times = 1): void {
    this.failures.set(method, { times, error });
  }

  /** Close every Socket Mode connection abruptly (as a dropped network would). */
  dropSockets(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /**
   * Resolves once `check` holds, re-checked after everything the fake records. The deadline only
   * turns a hang into a readable failure; nothing is asserted about timing.
   */
  waitFor<T>(check: () => T | undefined | false, what = 'condition', deadlineMs = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.events.off('change', test);
      };
      const test = (): boolean => {
        try {
          const value = check();
          if (value === undefined || value === false) return false;
          finish();
          resolve(value);
        } catch (error) {
          finish();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
        return true;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`fake Slack: gave up waiting for ${what}`));
      }, deadlineMs);
      if (!test()) this.events.on('change', test);
    });
  }

  /** Send a slash command envelope; resolves with its envelope id once the bot acked it. */
  async slashCommand(input: {
    user: string;
    channel: string;
    channelName?: string;
    command: string;
    text?: string;
  }): Promise<{ envelopeId: string; responseId: string }> {
    const envelopeId = this.nextId('env');
    const responseId = this.nextId('resp');
    const user = this.user(input.user);
    await this.send({
      envelope_id: envelopeId,
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        token: 'verification-token-unused',
        team_id: 'T0TEAM',
        team_domain: 'office',
        channel_id: input.channel,
        channel_name: input.channelName ?? (input.channel.startsWith('D') ? 'directmessage' : 'general'),
        user_id: input.user,
        user_name: user?.name ?? input.user.toLowerCase(),
        command: input.command,
        text: input.text ?? '',
        api_app_id: 'A0APP',
        is_enterprise_install: 'false',
        response_url: `http://127.0.0.1:${this.port}/respond/${responseId}`,
        trigger_id: this.nextId('trigger'),
      },
    });
    await this.waitFor(() => this.acks.some((a) => a.envelopeId === envelopeId), `ack of ${envelopeId}`);
    return { envelopeId, responseId };
  }

  /** Press a Block Kit button on a message; `value` defaults to the button's own value (a forged one may be given). */
  async pressButton(input: { user: string; message: PostedMessage; actionId: string; value?: string }): Promise<{ envelopeId: string; responseId: string }> {
    const button = input.message.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === input.actionId);
    const value = input.value ?? button?.value;
    if (value === undefined) throw new Error(`no button ${input.actionId} on message ${input.message.ts}`);
    const envelopeId = this.nextId('env');
    const responseId = this.nextId('resp');
    const user = this.user(input.user);
    await this.send({
      envelope_id: envelopeId,
      type: 'interactive',
      accepts_response_payload: false,
      payload: {
        type: 'block_actions',
        user: { id: input.user, username: user?.name ?? input.user, name: user?.name ?? input.user, team_id: 'T0TEAM' },
        api_app_id: 'A0APP',
        token: 'verification-token-unused',
        container: { type: 'message', message_ts: input.message.ts, channel_id: input.message.channel, is_ephemeral: false },
        trigger_id: this.nextId('trigger'),
        team: { id: 'T0TEAM', domain: 'office' },
        channel: { id: input.message.channel, name: 'directmessage' },
        message: { type: 'message', ts: input.message.ts, text: input.message.text, blocks: input.message.blocks },
        response_url: `http://127.0.0.1:${this.port}/respond/${responseId}`,
        actions: [
          {
            type: 'button',
            action_id: input.actionId,
            block_id: 'wg_actions',
            text: { type: 'plain_text', text: button?.text.text ?? 'button' },
            value,
            action_ts: `${Date.now() / 1000}`,
          },
        ],
      },
    });
    await this.waitFor(() => this.acks.some((a) => a.envelopeId === envelopeId), `ack of ${envelopeId}`);
    return { envelopeId, responseId };
  }

  /** Messages (not deleted) in a channel, oldest first. */
  messagesIn(channel: string): PostedMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.deleted);
  }

  filesIn(channel: string): UploadedFile[] {
    return [...this.files.values()].filter((f) => f.channel === channel && !f.deleted);
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- internals ---

  private user(id: string): FakeUser | undefined {
    return this.options.users.find((u) => u.id === id);
  }

  private nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}-${this.seq}`;
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `1700000000.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private changed(): void {
    this.events.emit('change');
  }

  private async send(envelope: unknown): Promise<void> {
    const ws = await this.waitFor(() => [...this.sockets].find((s) => s.readyState === s.OPEN), 'an open Socket Mode connection');
    ws.send(JSON.stringify(envelope));
  }

  private onSocket(ws: WebSocket): void {
    this.connections += 1;
    this.sockets.add(ws);
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
      if (msg.envelope_id) this.acks.push({ envelopeId: msg.envelope_id, payload: msg.payload });
      this.changed();
    });
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.changed();
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0APP' }, debug_info: { host: 'fake-slack' } }));
    this.changed();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    const body = await readBody(req);
    if (url.pathname.startsWith('/upload/')) return this.onUpload(url.pathname.slice('/upload/'.length), req, body, res);
    if (url.pathname.startsWith('/respond/')) {
      this.responses.push({ id: url.pathname.slice('/respond/'.length), body: JSON.parse(body.toString('utf8')) });
      this.changed();
      return json(res, 200, { ok: true });
    }
    if (!url.pathname.startsWith('/api/')) return json(res, 404, { ok: false, error: 'not_found' });

    const method = url.pathname.slice('/api/'.length);
    const params = parseParams(req.headers['content-type'], body);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? (typeof params.token === 'string' ? params.token : undefined);
    const limit = this.rateLimits.get(method);
    if (limit && limit.times > 0) {
      limit.times -= 1;
      this.calls.push({ method, params, token, status: 429, at: Date.now() });
      this.changed();
      res.setHeader('Retry-After', String(limit.retryAfter));
      return json(res, 429, { ok: false, error: 'ratelimited' });
    }
    this.calls.push({ method, params, token, status: 200, at: Date.now() });
    const expected = method === 'apps.connections.open' ? this.options.appToken : this.options.botToken;
    const failure = this.failures.get(method);
    let answer: Record<string, unknown>;
    if (token !== expected) answer = { ok: false, error: 'invalid_auth' };
    else if (failure && failure.times > 0) {
      failure.times -= 1;
      answer = { ok: false, error: failure.error };
    } else answer = this.api(method, params);
    this.changed();
    return json(res, 200, answer);
  }

  private api(method: string, p: Record<string, unknown>): Record<string, unknown> {
    const str = (k: string): string => (typeof p[k] === 'string' ? p[k] : '');
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://office.slack.com/',
          team: 'Office',
          user: BOT_USER.name,
          team_id: 'T0TEAM',
          user_id: BOT_USER.id,
          bot_id: 'B0BOT',
        };
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${this.port}/socket?ticket=${this.nextId('ticket')}` };
      case 'users.info': {
        const u = this.user(str('user'));
        if (!u) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: u.id,
            name: u.name,
            real_name: u.realName ?? u.name,
            locale: u.locale,
            profile: { display_name: u.realName ?? '', real_name: u.realName ?? u.name },
          },
        };
      }
      case 'conversations.open': {
        const users = str('users');
        if (!this.user(users)) return { ok: false, error: 'user_not_found' };
        return { ok: true, channel: { id: this.dmOf(users) } };
      }
      case 'chat.postMessage': {
        const ts = this.nextTs();
        this.messages.push({
          channel: str('channel'),
          ts,
          text: str('text'),
          blocks: parseJson(p.blocks) ?? [],
          updated: 0,
          deleted: false,
        });
        return { ok: true, channel: str('channel'), ts };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.update': {
        const m = this.messages.find((x) => x.channel === str('channel') && x.ts === str('ts') && !x.deleted);
        if (!m) return { ok: false, error: 'message_not_found' };
        m.text = str('text');
        m.blocks = parseJson(p.blocks) ?? [];
        m.updated += 1;
        return { ok: true, channel: m.channel, ts: m.ts };
      }
      case 'chat.delete': {
        const m = this.messages.find((x) => x.channel === str('channel') && x.ts === str('ts') && !x.deleted);
        if (!m) return { ok: false, error: 'message_not_found' };
        m.deleted = true;
        return { ok: true, channel: m.channel, ts: m.ts };
      }
      case 'files.getUploadURLExternal': {
        const id = `F${String(++this.seq).padStart(8, '0')}`;
        this.files.set(id, { id, filename: str('filename'), length: Number(p.length), deleted: false });
        return { ok: true, upload_url: `http://127.0.0.1:${this.port}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const list = parseJson<{ id: string; title?: string }[]>(p.files) ?? [];
        const done = [];
        for (const item of list) {
          const f = this.files.get(item.id);
          if (!f || !f.bytes) return { ok: false, error: 'file_not_found' };
          f.title = item.title;
          f.channel = str('channel_id') || undefined;
          f.initialComment = str('initial_comment') || undefined;
          done.push({ id: f.id, name: f.filename, title: f.title });
        }
        return { ok: true, files: done };
      }
      case 'files.delete': {
        const f = this.files.get(str('file'));
        if (!f || f.deleted) return { ok: false, error: 'file_not_found' };
        f.deleted = true;
        return { ok: true };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private async onUpload(id: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const f = this.files.get(id);
    if (!f) return json(res, 404, { ok: false });
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      // The Web API client posts the bytes as one multipart file field; let the platform parse it.
      const form = await new Request('http://upload.invalid/', { method: 'POST', headers: { 'content-type': type }, body }).formData();
      const part = [...form.values()].find((v) => typeof v !== 'string') as Blob | undefined;
      f.bytes = part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    } else {
      f.bytes = body;
    }
    this.changed();
    res.statusCode = 200;
    res.end(`OK - ${f.bytes.length}`);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseParams(contentType: string | undefined, body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  if (contentType?.includes('application/json')) return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  return Object.fromEntries(new URLSearchParams(text));
}

function parseJson<T = SlackBlockJson[]>(value: unknown): T | undefined {
  if (value === undefined) return undefined;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
