/**
 * Credentials never reach logs, status or Events: every message a reader produces passes through here,
 * which replaces each credential value (and its URL-encoded form) with "***".
 */
export function redactor(credentials: Readonly<Record<string, string>>): (text: string) => string {
  const secrets = Object.values(credentials)
    .filter((v) => v.length >= 4)
    .flatMap((v) => [v, encodeURIComponent(v)])
    .sort((a, b) => b.length - a.length);
  return (text) => secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}
