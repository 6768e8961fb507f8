/** An event as Aviary shows it (dashboard, `aviary status`), from a Kubernetes Event or the local runtime's event log. */
export interface EventView {
  type: string;
  reason: string;
  message: string;
  /** ISO time of the last occurrence, when known. */
  time?: string;
  count?: number;
}
