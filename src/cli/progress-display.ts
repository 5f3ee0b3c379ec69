import { formatSeconds, type ProgressEvent } from '../host-bridge/files/index.js';

/**
 * Progress on stderr: a redrawn bar with frame count and ETA on a terminal; plain lines (one per stage
 * change or 10% step) when stderr is a file or pipe, so logs stay readable.
 */
export function progressDisplay(stream: NodeJS.WriteStream): { update: (e: ProgressEvent) => void; done: () => void } {
  const tty = Boolean(stream.isTTY);
  let lastStage = '';
  let lastDecile = -1;
  let lastDraw = 0;
  let drawn = false;
  return {
    update(e) {
      const percent = Math.round(e.fraction * 100);
      const eta = e.etaSeconds === undefined ? '' : ` ETA ${formatSeconds(e.etaSeconds)}`;
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && e.fraction < 1) return;
        lastDraw = now;
        const width = 24;
        const filled = Math.round(e.fraction * width);
        const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
        const line = `${bar} ${String(percent).padStart(3)}% ${e.stage} frame ${e.frame + 1}/${e.frames}${eta}`;
        stream.write(`\r${line.slice(0, (stream.columns ?? 100) - 1)}\x1b[K`);
        drawn = true;
      } else {
        const decile = Math.floor(percent / 10);
        if (e.stage !== lastStage || decile !== lastDecile) {
          stream.write(`planewise: ${percent}% ${e.stage}: ${e.message} (frame ${e.frame + 1}/${e.frames})${eta}\n`);
          lastStage = e.stage;
          lastDecile = decile;
        }
      }
    },
    done() {
      if (tty && drawn) stream.write('\r\x1b[K');
    },
  };
}
