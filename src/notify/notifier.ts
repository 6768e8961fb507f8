/**
 * The Notifier port: sends a notification to every alert provider of the canary whose severity filter
 * matches, all at once, and never throws. A canary with no alert entries goes to the fallback provider
 * (Flagger's global `-slack-url`/`-msteams-url` notifier), if one is configured, whatever the severity.
 */
import { pino, type Logger } from 'pino';
import type { CanaryAlert } from '../api/types.js';
import type { Notification, Notifier } from '../engine/ports.js';
import { alertOf, type Alert } from './alert.js';
import { alertTarget, type AlertProviderResolver, type ResolvedAlertProvider } from './resolve.js';
import { SecretRedactor } from './redact.js';
import { sendAlert, type SendOptions } from './send.js';
import { severityMatches } from './severity.js';

export interface NotifierOptions {
  /** Finds an AlertProvider and its secret by reference. */
  resolveProvider: AlertProviderResolver;
  /** Alert entries to use instead of each notification's `canary.spec.analysis.alerts`. */
  alerts?: CanaryAlert[];
  /** Used for canaries without alert entries. */
  fallback?: ResolvedAlertProvider;
  logger?: Logger;
  send?: SendOptions;
  /** Clock for the alert timestamp. */
  now?: () => number;
  /** Shown first in every alert as the Cluster field (Flagger's -cluster-name). */
  clusterName?: string;
}

/** What happened to one alert entry (or the fallback) for one notification. */
export interface Delivery {
  /** The alert entry's name, or `fallback`. */
  alert: string;
  /** `<namespace>/<name>` of the AlertProvider, or `fallback`. */
  provider: string;
  /** `sent`, `failed` (with a reason) or `skipped` (severity filter). */
  outcome: 'sent' | 'failed' | 'skipped';
  reason?: string;
}

export interface AlertNotifier extends Notifier {
  /** Like notify, and says what happened to each alert entry. Never rejects. */
  deliver(notification: Notification): Promise<Delivery[]>;
}

export function createNotifier(options: NotifierOptions): AlertNotifier {
  const logger =
    options.logger ?? pino({ name: 'aviary-notify', level: process.env.AVIARY_LOG_LEVEL ?? 'info' });
  const now = options.now ?? Date.now;

  async function toProvider(
    alert: Alert,
    entry: string,
    provider: string,
    resolve: () => Promise<ResolvedAlertProvider | undefined>,
  ): Promise<Delivery> {
    const base = { alert: entry, provider };
    let resolved: ResolvedAlertProvider | undefined;
    try {
      resolved = await resolve();
    } catch (err) {
      return {
        ...base,
        outcome: 'failed',
        reason: `cannot read alert provider ${provider}: ${errorText(err)}`,
      };
    }
    if (!resolved) return { ...base, outcome: 'failed', reason: `alert provider ${provider} not found` };
    // A failure may quote the address or proxy (an invalid URL is shown as written): never a secret's.
    const redactor = secretsOf(resolved, provider);
    const target = alertTarget(resolved);
    if (!target.ok) {
      const reason = redactor.redact(`alert provider ${provider}: ${target.reason}`);
      return { ...base, outcome: 'failed', reason };
    }
    const sent = await sendAlert(target.target, alert, options.send);
    if (sent.ok) return { ...base, outcome: 'sent' };
    return {
      ...base,
      outcome: 'failed',
      reason: redactor.redact(`${target.target.type} alert provider ${provider}: ${sent.reason}`),
    };
  }

  async function deliver(notification: Notification): Promise<Delivery[]> {
    const alert = alertOf(notification, now());
    if (options.clusterName) alert.fields.unshift(['Cluster', options.clusterName]);
    const entries = options.alerts ?? notification.canary.spec.analysis.alerts ?? [];
    let deliveries: Delivery[];
    if (entries.length === 0) {
      const fallback = options.fallback;
      deliveries = fallback
        ? [await toProvider(alert, 'fallback', 'fallback', () => Promise.resolve(fallback))]
        : [];
    } else {
      deliveries = await Promise.all(
        entries.map((entry) => {
          const namespace = entry.providerRef.namespace || alert.namespace;
          const provider = `${namespace}/${entry.providerRef.name}`;
          if (!severityMatches(entry.severity, alert.severity)) {
            return Promise.resolve<Delivery>({ alert: entry.name, provider, outcome: 'skipped' });
          }
          return toProvider(alert, entry.name, provider, () =>
            options.resolveProvider({ name: entry.providerRef.name, namespace }),
          );
        }),
      );
    }
    for (const d of deliveries) {
      const context = {
        canary: `${alert.name}.${alert.namespace}`,
        alert: d.alert,
        provider: d.provider,
        severity: alert.severity,
      };
      if (d.outcome === 'failed')
        logger.warn({ ...context, reason: d.reason }, `alert not sent: ${d.reason}`);
      else if (d.outcome === 'sent') logger.debug(context, 'alert sent');
    }
    return deliveries;
  }

  const safeDeliver = (notification: Notification): Promise<Delivery[]> =>
    deliver(notification).catch((err: unknown) => {
      logger.error({ err }, `alert dispatch failed: ${errorText(err)}`);
      return [];
    });
  return {
    deliver: safeDeliver,
    notify: async (notification) => {
      await safeDeliver(notification);
    },
  };
}

/**
 * The values of the provider's secret, and for the fallback (configured from flags or environment
 * variables, which a Deployment usually fills from a Secret) its address and proxy too.
 */
function secretsOf(resolved: ResolvedAlertProvider, provider: string): SecretRedactor {
  const name = resolved.spec.secretRef?.name ?? provider;
  const data: Record<string, string | undefined> = { ...resolved.secret };
  if (provider === 'fallback') {
    data.address ??= resolved.spec.address;
    data.proxy ??= resolved.spec.proxy;
  }
  return SecretRedactor.of(name, data);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
