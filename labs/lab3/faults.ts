// The faults a key/value fixture injects or observes, in virtual time: partitions (who is cut off),
// heals, crashes and restarts, leader changes the fixture sees, the network turning unreliable.
// The linearizability report draws them on its timeline.
import type { ReportFault } from '../../checker/report-data';

export class FaultLog {
  readonly faults: ReportFault[] = [];
  private lastLeader: number | undefined;
  private partitioned = false;

  constructor(private readonly now: () => number) {}

  private add(kind: ReportFault['kind'], text: string): void {
    this.faults.push({ time: this.now(), kind, text });
  }

  partition(p1: readonly number[], p2: readonly number[]): void {
    if (p1.length === 0 || p2.length === 0) {
      this.heal();
      return;
    }
    // The smaller side is the one cut off.
    const [big, small] = p1.length >= p2.length ? [p1, p2] : [p2, p1];
    this.partitioned = true;
    this.add('partition', `partition: ${servers(small)} cut off from ${servers(big)}`);
  }

  /** Links cut that do not make two cliques (partial and one-way cuts, an isolated server). */
  cut(text: string): void {
    this.partitioned = true;
    this.add('partition', text);
  }

  heal(): void {
    if (!this.partitioned) return;
    this.partitioned = false;
    this.add('heal', 'partition healed: all servers connected');
  }

  /** Server i (a number: "S<i>"; or a server's name, e.g. "server-101-2"). */
  crash(i: number | string): void {
    this.add('crash', `${serverName(i)} crashed`);
  }

  restart(i: number | string): void {
    this.add('restart', `${serverName(i)} restarted`);
  }

  /** A leader as the fixture saw it (it looks only when a test asks); recorded when it changes. */
  leader(i: number | undefined): void {
    if (i === undefined || i === this.lastLeader) return;
    this.lastLeader = i;
    this.add('leader', `S${i} leads (as the tester saw)`);
  }

  reliable(on: boolean): void {
    this.add(
      on ? 'reliable' : 'unreliable',
      on ? 'network reliable' : 'network unreliable: messages lost, delayed, reordered',
    );
  }
}

function servers(list: readonly number[]): string {
  return list.map((i) => `S${i}`).join(' ');
}

function serverName(i: number | string): string {
  return typeof i === 'number' ? `S${i}` : i;
}
