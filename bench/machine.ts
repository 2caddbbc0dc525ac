import os from 'node:os';
import { table } from './markdown.ts';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  /** Other work on the machine skews timings; the reader should know how busy it was. */
  readonly loadAverage: readonly number[];
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.platform()}/${os.arch()})`,
    loadAverage: os.loadavg(),
  };
}

export function machineTable(machine: Machine): string {
  return table(
    ['', ''],
    [
      ['CPU', machine.cpu],
      ['Cores', machine.cores],
      ['Memory', `${machine.memoryGiB.toFixed(1)} GiB`],
      ['Node', machine.node],
      ['OS', machine.os],
      ['Load average (1, 5, 15 min) at start', machine.loadAverage.map((load) => load.toFixed(2)).join(', ')],
    ],
  );
}
