/** STATUS= for the service: the load line, sent only when it changes. */
import type { Notifier } from '../systemd/notify/notify.js';

/** STATUS= text for the current load. */
export function describeLoad(running: number, queued: number): string {
  return running === 0 && queued === 0 ? 'idle' : `${running} running, ${queued} queued`;
}

/** A STATUS= sender that drops repeats; `stopping` sends STOPPING=1 and remembers its text. */
export interface StatusLine {
  /** Send STATUS=text unless it is the last one sent. */
  status(text: string): void;
  /** STOPPING=1 with STATUS=text. */
  stopping(text: string): void;
}

/** Build the STATUS= sender over a notifier. */
export function createStatusLine(notifier: Notifier): StatusLine {
  let last = '';
  return {
    status(text) {
      if (text === last) return;
      last = text;
      notifier.status(text);
    },
    stopping(text) {
      last = text;
      notifier.stopping(text);
    },
  };
}
