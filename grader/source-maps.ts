// Imported first by the grader's entry points (the CLI, the worker): source maps apply only to
// modules loaded after they are enabled, and with them every stack frame (harness, engine, suites,
// the reference, the learner's code, a --reference mix) names its TypeScript line.
process.setSourceMapsEnabled(true);
