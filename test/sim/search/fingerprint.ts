// A fingerprint of a scenario's whole trace: every event (step, op, time,
// function, task, CPU, text, log, switches, violations) folded into one
// FNV-1a hash, to the end of the run (settled, overtime or a cap).
import { Engine } from '../../../src/sim/engine.ts';
import { describeEvent } from '../../../src/sim/events.ts';

export function traceFingerprint(scenario: unknown, maxEvents = 20_000): { hash: string; events: number } {
  const engine = Engine.load(scenario, { keepTrace: false });
  let h = 0x811c9dc5;
  const add = (s: string): void => {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  };
  let n = 0;
  while (n < maxEvents && !engine.settled && !engine.overtime) {
    const e = engine.stepForward();
    if (e === undefined) break;
    n++;
    // The log as the kernel printed it (without the simulator's mark on command echoes).
    const log = e.log.map(({ command: _command, ...l }) => l);
    add(JSON.stringify([e.step, e.op, e.time, e.fn, e.livepatch, e.task, e.pid, e.cpu, describeEvent(e, engine.world), log, e.switches, e.violations]));
  }
  return { hash: h.toString(16).padStart(8, '0'), events: n };
}
