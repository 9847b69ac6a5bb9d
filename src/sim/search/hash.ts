// A fingerprint of the kernel state between operations, for the search to
// visit equal states once. Two states with the same fingerprint have the
// same future under the same choices: everything that decides what happens
// next goes in (time, tasks and their stacks, CPUs and run queues, the live
// timers, the livepatch globals, modules, the shell), while counters that
// only number things (events, operations, timer generations) stay out.
import type { SimState } from '../kernel.ts';
import { timerLive } from '../machine/queue.ts';

/** Two independent 32-bit FNV-1a style hashes, as one string key. */
class Hasher {
  private a = 0x811c9dc5;
  private b = 0x9747b28c;
  num(n: number): void {
    // Integers and µs times; a fraction is folded in through its thousandths.
    const lo = n | 0;
    const hi = Math.floor(n / 4294967296) | 0;
    const fr = Math.round((n - Math.floor(n)) * 1000);
    this.word(lo);
    this.word(hi ^ fr);
  }
  private word(w: number): void {
    this.a = Math.imul(this.a ^ w, 0x01000193) >>> 0;
    this.b = Math.imul(this.b ^ ((w << 7) | (w >>> 25)), 0x5bd1e995) >>> 0;
    this.b ^= this.b >>> 15;
  }
  str(s: string): void {
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
    this.word(-1);
  }
  get key(): string {
    return `${this.a.toString(36)}.${this.b.toString(36)}`;
  }
}

/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every state the search visits, all tasks): i < count of each table, d < depth <= depthMax */
export function stateKey(s: SimState): string {
  const h = new Hasher();
  h.num(s.now);
  h.num(s.scriptDoneAt);
  h.num(s.nextPid);
  h.num(s.violations);
  h.num(s.givenUp);
  h.num(s.mixReported.size);
  h.num(s.forcedTasks.size);
  const t = s.tasks;
  h.num(t.count);
  for (let i = 0; i < t.count; i++) {
    h.num(t.kind[i]! | (t.patchState[i]! << 4) | (t.tif[i]! << 8) | (t.sched[i]! << 9) | (t.resume[i]! << 12) | (t.depth[i]! << 16));
    h.num(t.group[i]!);
    h.num(t.cpu[i]!);
    h.num(t.remaining[i]!);
    h.num(t.syscall[i]!);
    for (let d = 0; d < t.depth[i]!; d++) {
      h.num(t.stackFn[i * t.depthMax + d]!);
      h.num(t.stackVer[i * t.depthMax + d]!);
    }
  }
  const c = s.cpus;
  for (let i = 0; i < c.count; i++) {
    h.num(c.online[i]!);
    h.num(c.curr[i]!);
    h.num(c.since[i]!);
    h.num(c.sliceEnd[i]!);
    h.num(s.klp.initTimerGen[i] === c.timerGen[i] ? 1 : 0);
    h.num(c.runqueue[i]!.length);
    for (const q of c.runqueue[i]!) h.num(q);
  }
  const timers = s.timers.heap.filter((e) => timerLive(s, e, true)).sort((x, y) => x.time - y.time || x.type - y.type || x.id - y.id);
  h.num(timers.length);
  for (const e of timers) {
    h.num(e.time);
    h.num(e.type * 65536 + e.id);
  }
  const g = s.klp;
  h.num(g.targetState);
  h.num(g.transitionPatch);
  h.num(g.signalsCnt);
  h.num(g.requested);
  h.num(g.cancelling ? 1 : 0);
  h.num(g.workAt);
  h.num(g.warned.length);
  for (const p of g.patches) h.num(p);
  for (const p of g.all) h.num((p.enabled ? 1 : 0) | (p.forced ? 2 : 0) | (p.holdsModuleRef ? 4 : 0) | (p.registered ? 8 : 0) | (p.objects.some((o) => o.patched) ? 16 : 0));
  for (const f of g.funcs) h.num((f.patched ? 1 : 0) | (f.transition ? 2 : 0));
  g.funcStack.forEach((st, fn) => {
    if (st === undefined) return;
    h.num(fn);
    for (const id of st) h.num(id);
  });
  for (const m of s.modules) {
    h.num(m.loaded ? m.patch + 2 : 0);
    h.str(JSON.stringify(m.params));
  }
  const sh = s.shell;
  h.num(sh.line);
  h.num(sh.wait);
  h.str(sh.waitPatch);
  h.num(sh.waitUntil);
  h.num(sh.actions.length);
  return h.key;
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */
