/**
 * The console chat: the local admin on the Pi types commands (or pipes them in), replies go to
 * standard output. Also the admin's fallback when chat platforms are down.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Reply } from '../../core/reply.js';
import type { ChatAdapter, SentRef } from '../adapter.js';
import type { Dispatcher } from '../dispatcher.js';
import { renderForConsole } from './render.js';

export const CONSOLE_USER = 'local';

export interface ConsoleAdapter extends ChatAdapter {
  /** Resolves when input ended and every command read before that has been answered. */
  readonly finished: Promise<void>;
}

export function createConsoleAdapter(deps: {
  dispatcher: Dispatcher;
  input: Readable;
  output: Writable;
  drawQr: (text: string) => Promise<string>;
  userName: string;
  languageTag?: string;
  banner?: string;
}): ConsoleAdapter {
  let counter = 0;
  let printing: Promise<void> = Promise.resolve();
  let resolveFinished!: () => void;
  const finished = new Promise<void>((r) => (resolveFinished = r));
  let reader: ReturnType<typeof createInterface> | undefined;

  // Output is serialised so replies never interleave, in the order the commands were typed.
  const print = (reply: Reply): Promise<void> => {
    printing = printing.then(async () => {
      deps.output.write(`${await renderForConsole(reply, deps.drawQr)}\n`);
    });
    return printing;
  };

  const handleLine = async (line: string): Promise<void> => {
    const text = line.trim();
    if (text === '') return;
    await deps.dispatcher.handle({
      platform: 'console',
      userId: CONSOLE_USER,
      displayName: deps.userName,
      ...(deps.languageTag ? { languageTag: deps.languageTag } : {}),
      // At the console the slash is optional.
      text: text.startsWith('/') ? text : `/${text}`,
      // The terminal is the admin's private chat: answers and deliveries alike are printed.
      isPrivateChat: true,
      origin: 'terminal',
    });
  };

  return {
    platform: 'console',
    deletesMessages: false,
    finished,
    adminIds: () => [CONSOLE_USER],
    async start() {
      if (deps.banner) deps.output.write(`${deps.banner}\n`);
      reader = createInterface({ input: deps.input, terminal: false });
      let queue: Promise<void> = Promise.resolve();
      reader.on('line', (line) => {
        queue = queue
          .then(() => handleLine(line))
          .catch((error) => {
            deps.output.write(`error: ${(error as Error).message}\n`);
          });
      });
      reader.on('close', () => {
        void queue.then(() => printing).then(resolveFinished);
      });
    },
    async stop() {
      reader?.close();
      await printing;
    },
    async send(_to, reply): Promise<SentRef[]> {
      await print(reply);
      return [{ platform: 'console', chatId: CONSOLE_USER, messageId: String(++counter), recipient: `console:${CONSOLE_USER}` }];
    },
    async edit(_ref, reply) {
      await print(reply);
    },
    // Nothing to delete from a terminal's scrollback.
    async deleteMessage() {},
  };
}
