/**
 * Values read from Secrets (alert addresses and tokens, metric provider credentials) must never be
 * printed: not in logs, status, events or error messages. A redactor knows those values and replaces
 * each occurrence with the place it came from, `[secret slack-url/address]`, which tells the reader
 * what to fix without showing it. It also finds the forms a value takes once printed: escaped inside a
 * JSON string (a log line), normalized as a URL, percent-encoded.
 *
 * Values shorter than MIN_SECRET_LENGTH are left alone: they cannot be hidden by redaction (they occur
 * in ordinary text) and replacing them would garble every message that happens to contain them.
 */
export const MIN_SECRET_LENGTH = 4;

interface Needle {
  text: string;
  replacement: string;
}

/** Secret name -> key -> value, as read from the Secret's data or stringData. */
export type SecretValues = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** Printable label of where a value came from (names are DNS-1123, keys nearly free-form). */
function label(secret: string, key: string): string {
  return `[secret ${`${secret}/${key}`.replace(/[^\w./-]/g, '_')}]`;
}

function formsOf(value: string): string[] {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
  try {
    const url = new URL(value);
    forms.add(url.href);
    forms.add(JSON.stringify(url.href).slice(1, -1));
  } catch {
    // Not a URL: its raw forms are enough.
  }
  return [...forms];
}

export class SecretRedactor {
  private readonly needles: Needle[];

  constructor(secrets: SecretValues) {
    const needles: Needle[] = [];
    for (const [secret, data] of secrets) {
      for (const [key, value] of Object.entries(data)) {
        if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
        const replacement = label(secret, key);
        for (const text of formsOf(value)) needles.push({ text, replacement });
      }
    }
    // Longest first, so a value that contains another is replaced whole.
    this.needles = needles.sort((a, b) => b.text.length - a.text.length);
  }

  /** A redactor for one Secret's data (e.g. an AlertProvider's secretRef). */
  static of(secretName: string | undefined, data: Readonly<Record<string, unknown>> | undefined) {
    const values = Object.fromEntries(
      Object.entries(data ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    return new SecretRedactor(new Map(secretName && data ? [[secretName, values]] : []));
  }

  get empty(): boolean {
    return this.needles.length === 0;
  }

  redact(text: string): string {
    let out = text;
    for (const { text: needle, replacement } of this.needles) {
      if (out.includes(needle)) out = out.split(needle).join(replacement);
    }
    return out;
  }

  /** A copy of `value` with every string in it (object keys excepted) redacted. */
  redactDeep<T>(value: T): T {
    if (this.empty) return value;
    return this.walk(value) as T;
  }

  /** Redacts an error's message and stack in place (class and code stay); drops its cause, which may quote the value. */
  redactError(err: unknown): unknown {
    if (!(err instanceof Error) || this.empty) return err;
    const message = this.redact(err.message);
    if (message === err.message) return err;
    err.message = message;
    if (err.stack) err.stack = this.redact(err.stack);
    delete (err as { cause?: unknown }).cause;
    return err;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.walk(v)]));
    }
    return value;
  }
}
