// The grade worker's probe thread (worker.ts starts it once, when the pool gives the worker a probe
// channel): it waits on that channel for the pool's question, asked when the worker's main thread
// has been silent for the watchdog's limit, and answers with where the main thread is stuck
// (hang-probe.ts), one JSON line. While runs go well it only waits: it costs them nothing.
import * as net from 'node:net';
import { workerData } from 'node:worker_threads';
import { probeMainThread } from './hang-probe';

/** How long the pause may take to land before the probe gives up. */
const PAUSE_WAIT_MS = 1500;

const { fd } = workerData as { fd: number };
const channel = new net.Socket({ fd, readable: true, writable: true });
channel.setEncoding('utf8');
channel.on('error', () => {});
let buffered = '';
channel.on('data', (chunk: string) => {
  buffered += chunk;
  let nl: number;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl).trim();
    buffered = buffered.slice(nl + 1);
    if (line === 'probe')
      void probeMainThread(PAUSE_WAIT_MS).then((report) =>
        channel.write(`${JSON.stringify(report)}\n`),
      );
  }
});
