// Lint: typescript-eslint's recommended rules everywhere, plus the determinism contract for code
// under test (src/, the buggy variants in impls/, the starter kit and a learner's mylab/): no real
// time, timers or unseeded randomness, no console output (runtime.log instead), and nothing from
// the harness at run time (types only).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const timeAdvice =
  'use the injected runtime (runtime.now, runtime.sleep, runtime.setTimer, runtime.random)';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'out/**',
      '.grade-out/**',
      'test/data/module-state/**',
      // npm run mutation: Stryker's sandboxes (left behind by an interrupted run) and reports
      '.stryker-tmp/**',
      'reports/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.mocha } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/**/*.ts', 'impls/**/*.ts', 'starter/**/*.ts', 'mylab/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...[
          'setTimeout',
          'setInterval',
          'setImmediate',
          'clearTimeout',
          'clearInterval',
          'clearImmediate',
          'Date',
          'performance',
          'queueMicrotask',
        ].map((name) => ({
          name,
          message: `Code under test must not use ${name}: ${timeAdvice}.`,
        })),
        {
          name: 'console',
          message:
            'console output is not part of the run: use runtime.log(topic, message), which goes into the trace with virtual time and node (grade replay --trace / --columns). The grader captures console lines into the trace, but they are easy to miss.',
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: `Math.random is unseeded: ${timeAdvice}.` },
        { object: 'Date', property: 'now', message: `Date.now is real time: ${timeAdvice}.` },
        {
          object: 'performance',
          property: 'now',
          message: `performance.now is real time: ${timeAdvice}.`,
        },
        {
          object: 'process',
          property: 'hrtime',
          message: `process.hrtime is real time: ${timeAdvice}.`,
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/harness/**', '**/harness', '**/engine/**', '**/checker/**'],
              allowTypeImports: true,
              message:
                'Code under test may import only types from the harness (import type ...); everything else is injected.',
            },
            {
              group: [
                'node:*',
                'fs',
                'timers',
                'timers/*',
                'worker_threads',
                'child_process',
                'net',
                'http',
              ],
              message: 'Code under test does no real I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    // The starter kit's stubs name every parameter the learner will need before using it.
    files: ['starter/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', varsIgnorePattern: '^_' }],
    },
  },
);
