import { it } from 'vitest';
import { Engine } from '/work/main/src/sim/engine.ts';
it('x', () => {
  const e = Engine.load({ format: 'klpscope/1', kernel: 'v4.12', machine: { cpus: 2 }, functions: { foo: {} },
    tasks: [{ comm: 'kt', kind: 'kthread', loop: ['kthread', 'foo'], sleepMs: 'forever' }, { comm: 'u', blockedIn: 'pipe_read', syscalls: ['read_pipe'] }],
    modules: [{ name: 'p1', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'foo' }] }] } }] });
  const k = e.kernel;
  console.log(k.tasks.count, k.tasks.comm, Array.from(k.tasks.sched.slice(0, k.tasks.count)), Array.from(k.cpus.curr), k.world.modules.map(m => m.name));
});
