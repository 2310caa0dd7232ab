/**
 * The interactive questions: only what is still missing, each checked by the same schema as .env.
 * Tokens and passwords are asked masked; the others show their default, ready to accept with Enter.
 */
import type { Env } from '../config/load-env.js';
import { ConfigError } from '../core/errors.js';
import type { Translate } from '../core/translate.js';
import { isSecretKey, validateAnswers, type Answers } from './answers.js';
import type { Prompter } from './prompt.js';

const QUESTIONS: { key: string; fallback: (v: Env) => string; skip?: (v: Env) => boolean }[] = [
  { key: 'TELEGRAM_BOT_TOKEN', fallback: () => '', skip: (v) => Boolean(v.SLACK_BOT_TOKEN) },
  { key: 'TELEGRAM_ADMIN_IDS', fallback: () => '', skip: (v) => !v.TELEGRAM_BOT_TOKEN },
  { key: 'SLACK_BOT_TOKEN', fallback: () => '', skip: (v) => Boolean(v.TELEGRAM_BOT_TOKEN) },
  { key: 'SLACK_APP_TOKEN', fallback: () => '', skip: (v) => !v.SLACK_BOT_TOKEN },
  { key: 'SLACK_ADMIN_IDS', fallback: () => '', skip: (v) => !v.SLACK_BOT_TOKEN },
  { key: 'WG_ENDPOINT', fallback: (v) => v.DDNS_HOSTNAME ?? '' },
  { key: 'WG_PORT', fallback: () => '51820' },
];

export async function runWizard(values: Env, prompt: Prompter, t: Translate): Promise<Answers> {
  const out: Env = { ...values };
  for (const q of QUESTIONS) {
    if ((out[q.key] ?? '').trim() !== '' || q.skip?.(out)) continue;
    const validate = (answer: string): string | undefined => {
      try {
        validateAnswers({ ...out, [q.key]: answer.trim() }, q.key);
        return undefined;
      } catch (error) {
        return error instanceof ConfigError ? error.message.replace(/^[^:]*: [^:]*: /, '') : (error as Error).message;
      }
    };
    const question = t(`install.ask.${q.key}`);
    out[q.key] = isSecretKey(q.key) ? await prompt.secret(question, validate) : await prompt.text(question, q.fallback(out), validate);
  }
  return validateAnswers(out, 'wizard');
}
