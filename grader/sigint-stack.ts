// Where a sandboxed worker hung, from the stack Node prints on SIGINT (--trace-sigint): the
// permission model denies the inspector that the probe thread uses (hang-probe.ts), but Node's own
// SIGINT watchdog interrupts a synchronous loop and prints the JavaScript stack to stderr. The pool
// reads it there and maps the compiled positions to TypeScript, as the probe does.
import { mapPosition, type ProbeFrame, type ProbeReport } from './hang-probe';

const MARK = 'KEYBOARD_INTERRUPT:';
const MAX_FRAMES = 12;

/** The frames of the last SIGINT stack in a worker's output; undefined if it printed none. */
export function stackProbeReport(output: string): ProbeReport | undefined {
  const at = output.lastIndexOf(MARK);
  if (at < 0) return undefined;
  const frames: ProbeFrame[] = [];
  for (const line of output.slice(at).split('\n').slice(1)) {
    const m = /^\s+at (?:(.*?) \()?(\/[^()]*?):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!m) {
      if (/^\s+at /.test(line)) continue; // node:internal frames
      break;
    }
    const [, fn, file, line1, col1] = m;
    const mapped = mapPosition(file!, Number(line1) - 1, Number(col1) - 1);
    frames.push({
      ...(mapped ?? { file: file!, line: Number(line1), column: Number(col1) }),
      fn: fn || '(anonymous)',
    });
    if (frames.length >= MAX_FRAMES) break;
  }
  return frames.length > 0
    ? { frames, ms: 0 }
    : { frames, error: 'the interrupted stack held no JavaScript frame (a promise loop?)', ms: 0 };
}
