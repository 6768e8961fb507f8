/** The proxy tests' bounded wait for a proxy or a controller to catch up.
 *
 * Polls `probe` every 250 ms until it returns a value, for at most `timeoutMs`; a probe that throws
 * counts as "not yet". On timeout the error names what was awaited, the last error and the proxy's log.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  log: () => string = () => '',
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${last})` : ''}\n${log().slice(-8000)}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}
