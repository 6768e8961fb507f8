import type { Canary, CanaryStatus } from '../../api/types.js';
import type { EventRecorder, EventType, Notification, Notifier, StatusStore } from '../ports.js';

export interface RecordedEvent {
  type: EventType;
  reason: string;
  message: string;
}

export class RecordingEvents implements EventRecorder {
  readonly events: RecordedEvent[] = [];
  record(_canary: Canary, type: EventType, reason: string, message: string): Promise<void> {
    this.events.push({ type, reason, message });
    return Promise.resolve();
  }
  messages(): string[] {
    return this.events.map((e) => e.message);
  }
  warnings(): string[] {
    return this.events.filter((e) => e.type === 'Warning').map((e) => e.message);
  }
}

export class RecordingNotifier implements Notifier {
  readonly notifications: Notification[] = [];
  notify(notification: Notification): Promise<void> {
    this.notifications.push(notification);
    return Promise.resolve();
  }
  messages(): string[] {
    return this.notifications.map((n) => n.message);
  }
}

/** The status subresource in memory: the last write, and every write in order. */
export class MemoryStatusStore implements StatusStore {
  status: CanaryStatus | undefined;
  readonly history: CanaryStatus[] = [];
  write(_canary: Canary, status: CanaryStatus): Promise<void> {
    this.status = structuredClone(status);
    this.history.push(this.status);
    return Promise.resolve();
  }
  /** Phases in the order they were written, without repeats. */
  phases(): string[] {
    const out: string[] = [];
    for (const s of this.history) if (s.phase && out[out.length - 1] !== s.phase) out.push(s.phase);
    return out;
  }
}
