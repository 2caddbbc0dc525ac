import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../../engine/clock.ts';
import { InvalidClockUse } from '../../../engine/errors.ts';

const START = '2025-03-01T00:00:00.000Z';
const at = (seconds: number): string => new Date(Date.parse(START) + seconds * 1000).toISOString();

describe('Clock', () => {
  it('moves a simulated clock only when everything running waits on it, or when advanced', async () => {
    const clock = Clock.simulated(START);
    const sleeper = clock.activity();
    const woke = sleeper.sleep(10).then(() => clock.now().toISOString());
    const busy = clock.activity();
    await sleep(20);
    expect(clock.now().toISOString()).toBe(at(0));

    busy.end();
    expect(await woke).toBe(at(10));
    sleeper.end();
    await clock.advance(50);
    expect(clock.now().toISOString()).toBe(at(60));
  });

  it('holds at a gated timer, and at every later one, until the gate is lifted or the clock is advanced past it', async () => {
    const clock = Clock.simulated(START);
    const fired: string[] = [];
    const record = (name: string) => () => fired.push(`${name} at ${clock.now().toISOString()}`);
    const gated = clock.after(30, record('gated'), { gated: true });
    clock.after(40, record('after'));
    await clock.advance(0);
    await sleep(20);
    expect(fired).toEqual([]);

    gated.ungate();
    await sleep(20);
    expect(fired).toEqual([`gated at ${at(30)}`, `after at ${at(40)}`]);

    clock.after(5, record('second gated'), { gated: true });
    await clock.advance(5);
    expect(fired.at(-1)).toBe(`second gated at ${at(45)}`);
  });


  it('cannot advance real time, nor start a simulated clock at no time', () => {
    expect(() => Clock.realTime().advance(1)).toThrow(InvalidClockUse);
    expect(() => Clock.simulated('yesterday')).toThrow(InvalidClockUse);
    expect(() => Clock.simulated(START).advance(-1)).toThrow(InvalidClockUse);
  });
});
