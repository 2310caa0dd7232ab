/** A translator for one locale: key + parameters → text from the message catalogue. */
export type Translate = (key: string, params?: Record<string, unknown>) => string;
