// Where a stuck thread is stuck. A synchronous loop (or promise jobs that never yield) blocks the
// main thread's event loop, so nothing on that thread can say where it is; a helper thread of the
// same process can: it attaches to the main thread through the inspector (connectToMainThread),
// pauses it (the pause lands at the loop's next interrupt check, inside the loop or the promise
// job), reads its top call frames and maps them through the compiled code's source maps to the
// TypeScript lines. Used by the grade worker's probe thread (probe-thread.ts), which the pool asks
// before it kills a silent worker, and by the replay watchdog (watchdog.ts) before it kills its
// process. Only Node's built-ins here: this runs in helper threads, which should start small.
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import { SourceMap, type SourceMapPayload } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One call frame of the stuck thread: the TypeScript source when mapped (1-based line, column). */
export interface ProbeFrame {
  file: string;
  line: number;
  column: number;
  fn: string;
}

/** What the main thread's hook says about its run (see PROBE_HOOK). */
export interface ProbeState {
  /** Virtual time of the run's last trace record. */
  virtualMs?: number;
  /** That record, as a trace line. */
  lastEvent?: string;
  /** What every node was waiting for, listed at the moment of the pause. */
  blocked?: string[];
}

export interface ProbeReport {
  /** The top frames, innermost first, without Node's internals. */
  frames: ProbeFrame[];
  state?: ProbeState;
  /** Why there are no frames: the pause never landed (blocked outside JavaScript), or an error. */
  error?: string;
  /** Real milliseconds the probe took. */
  ms: number;
}

/**
 * The main thread may set `process[PROBE_HOOK]` to a function returning a JSON ProbeState: the
 * probe calls it while the thread is paused (it must only read).
 */
export const PROBE_HOOK = Symbol.for('dslab.hangProbe');

/** Steps tried, after a pause outside the implementation's own code, to land in it. */
const MAX_PAUSES = 20;
/** How long one step may take to pause again. */
const STEP_WAIT_MS = 250;

/** Frames kept from the top of the stuck stack. */
const MAX_FRAMES = 12;

/** The project root (this file runs from dist/grader). */
const PROJECT_DIR = path.resolve(__dirname, '..', '..');

interface CallFrame {
  functionName: string;
  url?: string;
  location: { scriptId: string; lineNumber: number; columnNumber?: number };
}

/**
 * From a helper thread: pauses the main thread and says where it was. Resolves within `timeoutMs`
 * (with `error` if the pause did not land: the thread is blocked outside JavaScript). The main
 * thread stays paused: the caller kills the process next.
 */
export async function probeMainThread(timeoutMs: number): Promise<ProbeReport> {
  const started = Date.now();
  const session = new inspector.Session();
  const scripts = new Map<string, string>();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      (session.post as (m: string, p: object, cb: (e: Error | null, r: any) => void) => void)(
        method,
        params ?? {},
        (error, result) => (error ? reject(error) : resolve(result)),
      ),
    );
  let timer: NodeJS.Timeout | undefined;
  try {
    session.connectToMainThread();
    session.on('Debugger.scriptParsed', (m) => scripts.set(m.params.scriptId, m.params.url));
    /** Posts a command that pauses the thread; the frames it paused in (null: not within waitMs). */
    const pauseBy = async (command: string, waitMs = Infinity) => {
      let stepTimer: NodeJS.Timeout | undefined;
      const paused = new Promise<CallFrame[] | null>((resolve) => {
        session.once('Debugger.paused', (m) => resolve(m.params.callFrames as CallFrame[]));
        if (Number.isFinite(waitMs)) stepTimer = setTimeout(() => resolve(null), waitMs);
      });
      await post(command);
      const callFrames = await paused;
      clearTimeout(stepTimer);
      return callFrames && mapFrames(callFrames, scripts);
    };
    const work = (async () => {
      await post('Debugger.enable');
      // Promise jobs run from Node's own tick loop: a pause may land there, between two jobs,
      // with no frame of the code that loops (6 of 8 pauses in a test). A step from there enters
      // the next job.
      let frames = (await pauseBy('Debugger.pause')) ?? [];
      for (let i = 1; i < MAX_PAUSES && !frames.some((f) => ownCode(f)); i++) {
        // A step that does not pause soon: the thread went on outside JavaScript; keep what we have.
        const next = await pauseBy('Debugger.stepInto', STEP_WAIT_MS);
        if (next === null) break;
        if (next.length > 0 || frames.length === 0) frames = next;
      }
      let state: ProbeState | undefined;
      try {
        const r = await post('Runtime.evaluate', {
          expression: `(() => { const f = process[Symbol.for('dslab.hangProbe')]; return typeof f === 'function' ? f() : undefined; })()`,
          returnByValue: true,
        });
        if (typeof r?.result?.value === 'string') state = JSON.parse(r.result.value) as ProbeState;
      } catch {
        // the frames are what matters
      }
      return { frames, ...(state ? { state } : {}) };
    })();
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    const result = await Promise.race([work, timeout]);
    if (!result)
      return {
        frames: [],
        error: `the pause did not land within ${timeoutMs} ms (blocked outside JavaScript?)`,
        ms: Date.now() - started,
      };
    return { ...result, ms: Date.now() - started };
  } catch (error) {
    return {
      frames: [],
      error: error instanceof Error ? error.message : String(error),
      ms: Date.now() - started,
    };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function mapFrames(callFrames: CallFrame[], scripts: Map<string, string>): ProbeFrame[] {
  const frames: ProbeFrame[] = [];
  for (const f of callFrames) {
    const url = scripts.get(f.location.scriptId) || f.url || '';
    if (url === '' || url.startsWith('node:')) continue;
    const file = url.startsWith('file:') ? fileURLToPath(url) : url;
    const line0 = f.location.lineNumber;
    const col0 = f.location.columnNumber ?? 0;
    const mapped = mapPosition(file, line0, col0);
    frames.push({
      ...(mapped ?? { file, line: line0 + 1, column: col0 + 1 }),
      fn: f.functionName || '(anonymous)',
    });
    if (frames.length >= MAX_FRAMES) break;
  }
  return frames;
}

const maps = new Map<string, { map: SourceMap; dir: string; root: string } | null>();

/** The original position of a 0-based position in a compiled file, through its source map. */
export function mapPosition(
  file: string,
  line0: number,
  col0: number,
): { file: string; line: number; column: number } | undefined {
  let entry = maps.get(file);
  if (entry === undefined) {
    entry = loadMap(file);
    maps.set(file, entry);
  }
  if (!entry) return undefined;
  const found = entry.map.findEntry(line0, col0) as {
    originalSource?: string;
    originalLine?: number;
    originalColumn?: number;
  };
  if (found.originalSource === undefined || found.originalLine === undefined) return undefined;
  const source = found.originalSource.startsWith('file:')
    ? fileURLToPath(found.originalSource)
    : path.resolve(entry.dir, entry.root, found.originalSource);
  return { file: source, line: found.originalLine + 1, column: (found.originalColumn ?? 0) + 1 };
}

function loadMap(file: string): { map: SourceMap; dir: string; root: string } | null {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const m = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text.slice(-2000));
    if (!m) return null;
    let payload: SourceMapPayload;
    let dir = path.dirname(file);
    const inline = /^data:application\/json[^,]*;base64,(.*)$/.exec(m[1]);
    if (inline) {
      payload = JSON.parse(Buffer.from(inline[1], 'base64').toString('utf8')) as SourceMapPayload;
    } else {
      const mapFile = path.resolve(dir, decodeURIComponent(m[1]));
      payload = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as SourceMapPayload;
      dir = path.dirname(mapFile);
    }
    return { map: new SourceMap(payload), dir, root: payload.sourceRoot ?? '' };
  } catch {
    return null;
  }
}

/** Whether a frame is the implementation's own code rather than the harness's, the tests' or Node's. */
export function ownCode(frame: ProbeFrame, projectDir = PROJECT_DIR): boolean {
  const rel = path.relative(projectDir, frame.file).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) return true;
  if (rel.startsWith('node_modules/.cache/dslab/')) return true;
  return !/^(dist\/)?(harness|engine|checker|labs|grader|node_modules|bench|tools|test\/grader\/fixtures)\//.test(
    rel,
  );
}

/** Relative to the working directory when inside it. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export interface HangPlace {
  /** `mylab/raft/raft.ts:212 (ticker)`: the innermost frame of the implementation's own code. */
  place: string;
  /** Two or three frames from the top, as stack lines (`    at ticker (/abs/raft.ts:212:9)`). */
  stack: string[];
}

/** Where a probe found the thread, for reports; undefined if it found no frame. */
export function hangPlace(report: ProbeReport | undefined): HangPlace | undefined {
  const frames = report?.frames ?? [];
  if (frames.length === 0) return undefined;
  const own = frames.findIndex((f) => ownCode(f));
  const at = own >= 0 ? own : 0;
  const top = frames[at];
  // The frames above the implementation's (a runtime call it loops on), it, and its callers: three
  // at least.
  const shownFrames = frames.slice(0, Math.max(3, at + 2));
  return {
    place: `${shown(top.file)}:${top.line} (${top.fn})`,
    stack: shownFrames.map((f) => `    at ${f.fn} (${f.file}:${f.line}:${f.column})`),
  };
}
