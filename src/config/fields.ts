/** Reusable zod field parsers for environment variables (all arrive as strings). */
import * as z from 'zod';

export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const boolean = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const s = v.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (['0', 'false', 'no', 'off'].includes(s)) return false;
      ctx.addIssue({ code: 'custom', message: `expected true or false, got "${v}"` });
      return z.NEVER;
    });

export const integer = (fallback: number | undefined, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const s = v.trim();
      if (!/^-?\d+$/.test(s) || Number(s) < min || Number(s) > max) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return Number(s);
    });

/** Comma-separated list; empty entries dropped. */
export const list = (fallback: string[] = []) =>
  z
    .string()
    .optional()
    .transform((v) => {
      if (v === undefined || v.trim() === '') return fallback;
      return v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    });

export const httpUrl = (fallback?: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const s = v === undefined || v.trim() === '' ? fallback : v.trim();
      if (s === undefined) return undefined;
      try {
        const url = new URL(s);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
        return s.replace(/\/+$/, '');
      } catch {
        ctx.addIssue({ code: 'custom', message: `expected an http(s) URL, got "${v}"` });
        return z.NEVER;
      }
    });
