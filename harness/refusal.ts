// What the grader's sandbox (grader/sandbox.ts: Node's permission model) refused, said plainly:
// Node's own message is only "Access to this API has been restricted".

/** What Node's permission model refused (a grader's sandboxed worker), by its `permission`. */
const REFUSED: Record<string, (resource: string) => string> = {
  FileSystemRead: (r) => `reading ${r}`,
  FileSystemWrite: (r) => `writing ${r}`,
  ChildProcess: () => 'starting a process',
  WorkerThreads: () => 'starting a thread',
  Inspector: () => 'using the inspector',
  WASI: () => 'using WASI',
};

/** The sentence that says what the grader's sandbox refused, for an error that is its refusal. */
export function sandboxRefusal(e: unknown): string | undefined {
  const err = e as { code?: unknown; permission?: unknown; resource?: unknown; message?: unknown };
  let what: string | undefined;
  if (err?.code === 'ERR_ACCESS_DENIED') {
    const describe = REFUSED[String(err.permission)];
    what = describe
      ? describe(String(err.resource ?? ''))
      : /process\.binding/.test(String(err.message))
        ? 'process.binding'
        : 'an operation';
  } else if (err?.code === 'ERR_DLOPEN_DISABLED') what = 'loading a native addon';
  if (what === undefined) return undefined;
  return `the grader's sandbox refused ${what}: graded code may read only its own folder and the harness, write only its output folder, and start no process or thread (README, "Grading untrusted code")`;
}
