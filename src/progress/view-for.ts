/**
 * The one choice between the live view (redrawn in place, coloured) and plain lines: plain when asked
 * (--ci), when stdout is not a terminal, or when NO_COLOR is set (https://no-color.org).
 */
import { liveView } from './live-view.js';
import { plainView } from './plain-view.js';
import type { ProgressView } from './snapshot.js';

export function viewFor(options: { ci: boolean }, stream: NodeJS.WriteStream = process.stdout): ProgressView {
  const plain = options.ci || !stream.isTTY || Boolean(process.env.NO_COLOR);
  return plain ? plainView((text) => stream.write(text)) : liveView(stream);
}
