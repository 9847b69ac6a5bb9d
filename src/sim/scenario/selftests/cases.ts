// The kernel's livepatch selftests (tools/testing/selftests/livepatch:
// test-livepatch.sh, test-callbacks.sh, test-sysfs.sh) as klpscope/1
// scenarios. Each case carries the log the selftest expects (its
// check_result text, a fact of the kernel tree), the values its sysfs checks
// expect, and where it comes from. The scripts follow the selftests' helpers
// (functions.sh): load_lp is insmod then a wait for the transition to end,
// disable_lp writes 0 to `enabled` and waits, unload_* is rmmod; the waits
// are directives and leave no line in the log; check_sysfs_value is the
// `check` directive, which logs only a mismatch.
import { SELFTEST_MODULES } from './modules.ts';

export type SelftestFile = 'test-livepatch.sh' | 'test-callbacks.sh' | 'test-sysfs.sh';

export interface SelftestCase {
  /** File name in examples/selftests/ (without .json). */
  readonly id: string;
  readonly file: SelftestFile;
  /** The name the selftest gives the case (start_test "..."). */
  readonly test: string;
  readonly script: readonly string[];
  /** The kernel log check_result expects, line by line. */
  readonly expected: readonly string[];
  /** What of the selftest the model does not express, if anything. */
  readonly notModelled?: string;
}

const KLP = '/sys/kernel/livepatch';

// functions.sh, as script lines.
const insmod = (mod: string, args = ''): string => `insmod test_modules/${mod}.ko${args === '' ? '' : ` ${args}`}`;
const loadLp = (mod: string, args = ''): string[] => [insmod(mod, args), `wait ${mod}`];
const loadMod = (mod: string, args = ''): string[] => [insmod(mod, args)];
const disableLp = (mod: string): string[] => [`echo 0 > ${KLP}/${mod}/enabled`, `wait ${mod}`];
const unload = (mod: string): string[] => [`rmmod ${mod}`];
const sysfsValue = (mod: string, attr: string, value: string): string => `check ${KLP}/${mod}/${attr} ${value}`;
const grepLivePatched = (): string[] => ["grep 'live patched' /proc/cmdline > /dev/kmsg", "grep 'live patched' /proc/meminfo > /dev/kmsg"];

const LP = 'test_klp_livepatch';
const REPLACE = 'test_klp_atomic_replace';
const SYSCALL = 'test_klp_syscall';
const DEMO = 'test_klp_callbacks_demo';
const DEMO2 = 'test_klp_callbacks_demo2';
const TARGET = 'test_klp_callbacks_mod';
const BUSY = 'test_klp_callbacks_busy';

/** The four lines of a transition the selftests expect, per direction. */
const patching = (m: string) => [`livepatch: enabling patch '${m}'`, `livepatch: '${m}': initializing patching transition`];
const startPatching = (m: string) => [`livepatch: '${m}': starting patching transition`, `livepatch: '${m}': completing patching transition`];
const unpatching = (m: string) => [`livepatch: '${m}': initializing unpatching transition`];
const startUnpatching = (m: string) => [`livepatch: '${m}': starting unpatching transition`, `livepatch: '${m}': completing unpatching transition`];
const plainEnable = (m: string, args = '') => [`% ${insmod(m, args)}`, ...patching(m), ...startPatching(m), `livepatch: '${m}': patching complete`];
const plainDisable = (m: string) => [`% echo 0 > ${KLP}/${m}/enabled`, ...unpatching(m), ...startUnpatching(m), `livepatch: '${m}': unpatching complete`];
const cb = (m: string, which: string, obj: string, state?: string) => `${m}: ${which}_callback: ${state === undefined ? obj : `${obj} -> ${state}`}`;
const LIVE = '[MODULE_STATE_LIVE] Normal state';
const COMING = '[MODULE_STATE_COMING] Full formed, running module_init';
const GOING = '[MODULE_STATE_GOING] Going away';
/** Enabling a callbacks demo whose only loaded objects are vmlinux and `mods`. */
const demoEnable = (m: string, mods: readonly string[] = [], args = '') => [
  `% ${insmod(m, args)}`,
  ...patching(m),
  cb(m, 'pre_patch', 'vmlinux'),
  ...mods.map((o) => cb(m, 'pre_patch', o, LIVE)),
  ...startPatching(m),
  cb(m, 'post_patch', 'vmlinux'),
  ...mods.map((o) => cb(m, 'post_patch', o, LIVE)),
  `livepatch: '${m}': patching complete`,
];
const demoDisable = (m: string, mods: readonly string[] = []) => [
  `% echo 0 > ${KLP}/${m}/enabled`,
  ...unpatching(m),
  cb(m, 'pre_unpatch', 'vmlinux'),
  ...mods.map((o) => cb(m, 'pre_unpatch', o, LIVE)),
  ...startUnpatching(m),
  cb(m, 'post_unpatch', 'vmlinux'),
  ...mods.map((o) => cb(m, 'post_unpatch', o, LIVE)),
  `livepatch: '${m}': unpatching complete`,
];
const targetComing = (m: string, t: string) => [
  `% ${insmod(t)}`,
  `livepatch: applying patch '${m}' to loading module '${t}'`,
  cb(m, 'pre_patch', t, COMING),
  cb(m, 'post_patch', t, COMING),
  `${t}: ${t}_init`,
];
const targetGoing = (m: string, t: string) => [`% rmmod ${t}`, `${t}: ${t}_exit`, cb(m, 'pre_unpatch', t, GOING), `livepatch: reverting patch '${m}' on unloading module '${t}'`, cb(m, 'post_unpatch', t, GOING)];

const LIVEPATCH_CASES: SelftestCase[] = [
  {
    id: 'livepatch-basic-function-patching',
    file: 'test-livepatch.sh',
    test: 'basic function patching',
    // The selftest compares $(cat /proc/cmdline) with the patched text, before and after.
    script: [...loadLp(LP), `check /proc/cmdline '${LP}: this has been live patched'`, ...disableLp(LP), ...unload(LP), "check /proc/cmdline 'BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 ro'"],
    expected: [...plainEnable(LP), ...plainDisable(LP), `% rmmod ${LP}`],
  },
  {
    id: 'livepatch-multiple-livepatches',
    file: 'test-livepatch.sh',
    test: 'multiple livepatches',
    script: [
      ...loadLp(LP),
      ...grepLivePatched(),
      ...loadLp(REPLACE, 'replace=0'),
      ...grepLivePatched(),
      ...disableLp(REPLACE),
      ...unload(REPLACE),
      ...grepLivePatched(),
      ...disableLp(LP),
      ...unload(LP),
      ...grepLivePatched(),
    ],
    expected: [
      ...plainEnable(LP),
      `${LP}: this has been live patched`,
      ...plainEnable(REPLACE, 'replace=0'),
      `${LP}: this has been live patched`,
      `${REPLACE}: this has been live patched`,
      ...plainDisable(REPLACE),
      `% rmmod ${REPLACE}`,
      `${LP}: this has been live patched`,
      ...plainDisable(LP),
      `% rmmod ${LP}`,
    ],
  },
  {
    id: 'livepatch-atomic-replace-livepatch',
    file: 'test-livepatch.sh',
    test: 'atomic replace livepatch',
    script: [
      ...loadLp(LP),
      ...grepLivePatched(),
      ...loadLp(SYSCALL),
      ...loadLp(DEMO),
      ...loadLp(REPLACE, 'replace=1'),
      ...grepLivePatched(),
      ...unload(DEMO),
      ...unload(SYSCALL),
      ...unload(LP),
      ...grepLivePatched(),
      ...disableLp(REPLACE),
      ...unload(REPLACE),
      ...grepLivePatched(),
    ],
    expected: [
      ...plainEnable(LP),
      `${LP}: this has been live patched`,
      ...plainEnable(SYSCALL),
      ...demoEnable(DEMO),
      ...plainEnable(REPLACE, 'replace=1'),
      `${REPLACE}: this has been live patched`,
      `% rmmod ${DEMO}`,
      `% rmmod ${SYSCALL}`,
      `% rmmod ${LP}`,
      `${REPLACE}: this has been live patched`,
      ...plainDisable(REPLACE),
      `% rmmod ${REPLACE}`,
    ],
    notModelled: 'The selftest also counts the directories under /sys/kernel/livepatch (3, then 1) with a shell glob; the scenario cannot list a directory, so that check is left out.',
  },
];

const CALLBACKS_CASES: SelftestCase[] = [
  {
    id: 'callbacks-target-module-before-livepatch',
    file: 'test-callbacks.sh',
    test: 'target module before livepatch',
    script: [...loadMod(TARGET), ...loadLp(DEMO), ...disableLp(DEMO), ...unload(DEMO), ...unload(TARGET)],
    expected: [`% ${insmod(TARGET)}`, `${TARGET}: ${TARGET}_init`, ...demoEnable(DEMO, [TARGET]), ...demoDisable(DEMO, [TARGET]), `% rmmod ${DEMO}`, `% rmmod ${TARGET}`, `${TARGET}: ${TARGET}_exit`],
  },
  {
    id: 'callbacks-module-coming-notifier',
    file: 'test-callbacks.sh',
    test: 'module_coming notifier',
    script: [...loadLp(DEMO), ...loadMod(TARGET), ...disableLp(DEMO), ...unload(DEMO), ...unload(TARGET)],
    expected: [...demoEnable(DEMO), ...targetComing(DEMO, TARGET), ...demoDisable(DEMO, [TARGET]), `% rmmod ${DEMO}`, `% rmmod ${TARGET}`, `${TARGET}: ${TARGET}_exit`],
  },
  {
    id: 'callbacks-module-going-notifier',
    file: 'test-callbacks.sh',
    test: 'module_going notifier',
    script: [...loadMod(TARGET), ...loadLp(DEMO), ...unload(TARGET), ...disableLp(DEMO), ...unload(DEMO)],
    expected: [`% ${insmod(TARGET)}`, `${TARGET}: ${TARGET}_init`, ...demoEnable(DEMO, [TARGET]), ...targetGoing(DEMO, TARGET), ...demoDisable(DEMO), `% rmmod ${DEMO}`],
  },
  {
    id: 'callbacks-module-coming-and-going-notifiers',
    file: 'test-callbacks.sh',
    test: 'module_coming and module_going notifiers',
    script: [...loadLp(DEMO), ...loadMod(TARGET), ...unload(TARGET), ...disableLp(DEMO), ...unload(DEMO)],
    expected: [...demoEnable(DEMO), ...targetComing(DEMO, TARGET), ...targetGoing(DEMO, TARGET), ...demoDisable(DEMO), `% rmmod ${DEMO}`],
  },
  {
    id: 'callbacks-target-module-not-present',
    file: 'test-callbacks.sh',
    test: 'target module not present',
    script: [...loadLp(DEMO), ...disableLp(DEMO), ...unload(DEMO)],
    expected: [...demoEnable(DEMO), ...demoDisable(DEMO), `% rmmod ${DEMO}`],
  },
  {
    id: 'callbacks-pre-patch-callback-enodev',
    file: 'test-callbacks.sh',
    test: 'pre-patch callback -ENODEV',
    script: [...loadMod(TARGET), ...loadMod(DEMO, 'pre_patch_ret=-19'), ...unload(TARGET)],
    expected: [
      `% ${insmod(TARGET)}`,
      `${TARGET}: ${TARGET}_init`,
      `% ${insmod(DEMO, 'pre_patch_ret=-19')}`,
      ...patching(DEMO),
      cb(DEMO, 'pre_patch', 'vmlinux'),
      "livepatch: pre-patch callback failed for object 'vmlinux'",
      `livepatch: failed to enable patch '${DEMO}'`,
      `livepatch: '${DEMO}': canceling patching transition, going to unpatch`,
      `livepatch: '${DEMO}': completing unpatching transition`,
      `livepatch: '${DEMO}': unpatching complete`,
      `insmod: ERROR: could not insert module test_modules/${DEMO}.ko: No such device`,
      `% rmmod ${TARGET}`,
      `${TARGET}: ${TARGET}_exit`,
    ],
  },
  {
    id: 'callbacks-module-coming-pre-patch-callback-enodev',
    file: 'test-callbacks.sh',
    test: 'module_coming + pre-patch callback -ENODEV',
    script: [...loadLp(DEMO), `echo -19 > /sys/module/${DEMO}/parameters/pre_patch_ret`, ...loadMod(TARGET), ...disableLp(DEMO), ...unload(DEMO)],
    expected: [
      ...demoEnable(DEMO),
      `% echo -19 > /sys/module/${DEMO}/parameters/pre_patch_ret`,
      `% ${insmod(TARGET)}`,
      `livepatch: applying patch '${DEMO}' to loading module '${TARGET}'`,
      cb(DEMO, 'pre_patch', TARGET, COMING),
      `livepatch: pre-patch callback failed for object '${TARGET}'`,
      `livepatch: patch '${DEMO}' failed for module '${TARGET}', refusing to load module '${TARGET}'`,
      `insmod: ERROR: could not insert module test_modules/${TARGET}.ko: No such device`,
      ...demoDisable(DEMO),
      `% rmmod ${DEMO}`,
    ],
  },
  {
    id: 'callbacks-multiple-target-modules',
    file: 'test-callbacks.sh',
    test: 'multiple target modules',
    script: [...loadMod(BUSY, 'block_transition=N'), ...loadLp(DEMO), ...loadMod(TARGET), ...unload(TARGET), ...disableLp(DEMO), ...unload(DEMO), ...unload(BUSY)],
    expected: [
      `% ${insmod(BUSY, 'block_transition=N')}`,
      `${BUSY}: ${BUSY}_init`,
      `${BUSY}: busymod_work_func enter`,
      `${BUSY}: busymod_work_func exit`,
      ...demoEnable(DEMO, [BUSY]),
      ...targetComing(DEMO, TARGET),
      ...targetGoing(DEMO, TARGET),
      ...demoDisable(DEMO, [BUSY]),
      `% rmmod ${DEMO}`,
      `% rmmod ${BUSY}`,
      `${BUSY}: ${BUSY}_exit`,
    ],
  },
  {
    id: 'callbacks-busy-target-module',
    file: 'test-callbacks.sh',
    test: 'busy target module',
    script: [
      ...loadMod(BUSY, 'block_transition=Y'),
      insmod(DEMO),
      `wait ${DEMO} transition`,
      ...loadMod(TARGET),
      ...unload(TARGET),
      ...disableLp(DEMO),
      ...unload(DEMO),
      ...unload(BUSY),
    ],
    expected: [
      `% ${insmod(BUSY, 'block_transition=Y')}`,
      `${BUSY}: ${BUSY}_init`,
      `${BUSY}: busymod_work_func enter`,
      `% ${insmod(DEMO)}`,
      ...patching(DEMO),
      cb(DEMO, 'pre_patch', 'vmlinux'),
      cb(DEMO, 'pre_patch', BUSY, LIVE),
      `livepatch: '${DEMO}': starting patching transition`,
      `% ${insmod(TARGET)}`,
      `livepatch: applying patch '${DEMO}' to loading module '${TARGET}'`,
      cb(DEMO, 'pre_patch', TARGET, COMING),
      `${TARGET}: ${TARGET}_init`,
      `% rmmod ${TARGET}`,
      `${TARGET}: ${TARGET}_exit`,
      `livepatch: reverting patch '${DEMO}' on unloading module '${TARGET}'`,
      cb(DEMO, 'post_unpatch', TARGET, GOING),
      `% echo 0 > ${KLP}/${DEMO}/enabled`,
      `livepatch: '${DEMO}': reversing transition from patching to unpatching`,
      ...startUnpatching(DEMO),
      cb(DEMO, 'post_unpatch', 'vmlinux'),
      cb(DEMO, 'post_unpatch', BUSY, LIVE),
      `livepatch: '${DEMO}': unpatching complete`,
      `% rmmod ${DEMO}`,
      `% rmmod ${BUSY}`,
      `${BUSY}: busymod_work_func exit`,
      `${BUSY}: ${BUSY}_exit`,
    ],
  },
  {
    id: 'callbacks-multiple-livepatches',
    file: 'test-callbacks.sh',
    test: 'multiple livepatches',
    script: [...loadLp(DEMO), ...loadLp(DEMO2), ...disableLp(DEMO2), ...disableLp(DEMO), ...unload(DEMO2), ...unload(DEMO)],
    expected: [...demoEnable(DEMO), ...demoEnable(DEMO2), ...demoDisable(DEMO2), ...demoDisable(DEMO), `% rmmod ${DEMO2}`, `% rmmod ${DEMO}`],
  },
  {
    id: 'callbacks-atomic-replace',
    file: 'test-callbacks.sh',
    test: 'atomic replace',
    script: [...loadLp(DEMO), ...loadLp(DEMO2, 'replace=1'), ...disableLp(DEMO2), ...unload(DEMO2), ...unload(DEMO)],
    expected: [...demoEnable(DEMO), ...demoEnable(DEMO2, [], 'replace=1'), ...demoDisable(DEMO2), `% rmmod ${DEMO2}`, `% rmmod ${DEMO}`],
  },
];

const SYSFS_NOT_MODELLED = "The file modes that check_sysfs_rights compares (drwxr-xr-x, -rw-r--r--, --w-------, -r--r--r--) are not modelled: the scenario reads values, not permissions.";

const SYSFS_CASES: SelftestCase[] = [
  {
    id: 'sysfs-sysfs-test',
    file: 'test-sysfs.sh',
    test: 'sysfs test',
    script: [...loadLp(LP), sysfsValue(LP, 'enabled', '1'), sysfsValue(LP, 'stack_order', '1'), sysfsValue(LP, 'transition', '0'), sysfsValue(LP, 'vmlinux/patched', '1'), ...disableLp(LP), ...unload(LP)],
    expected: [...plainEnable(LP), ...plainDisable(LP), `% rmmod ${LP}`],
    notModelled: SYSFS_NOT_MODELLED,
  },
  {
    id: 'sysfs-sysfs-test-object-patched',
    file: 'test-sysfs.sh',
    test: 'sysfs test object/patched',
    script: [...loadLp(DEMO), sysfsValue(DEMO, `${TARGET}/patched`, '0'), ...loadMod(TARGET), sysfsValue(DEMO, `${TARGET}/patched`, '1'), ...unload(TARGET), sysfsValue(DEMO, `${TARGET}/patched`, '0'), ...disableLp(DEMO), ...unload(DEMO)],
    expected: [...demoEnable(DEMO), ...targetComing(DEMO, TARGET), ...targetGoing(DEMO, TARGET), ...demoDisable(DEMO), `% rmmod ${DEMO}`],
  },
  {
    id: 'sysfs-sysfs-test-replace-enabled',
    file: 'test-sysfs.sh',
    test: 'sysfs test replace enabled',
    script: [...loadLp(REPLACE, 'replace=1'), sysfsValue(REPLACE, 'replace', '1'), ...disableLp(REPLACE), ...unload(REPLACE)],
    expected: [...plainEnable(REPLACE, 'replace=1'), ...plainDisable(REPLACE), `% rmmod ${REPLACE}`],
    notModelled: SYSFS_NOT_MODELLED,
  },
  {
    id: 'sysfs-sysfs-test-replace-disabled',
    file: 'test-sysfs.sh',
    test: 'sysfs test replace disabled',
    script: [...loadLp(REPLACE, 'replace=0'), sysfsValue(REPLACE, 'replace', '0'), ...disableLp(REPLACE), ...unload(REPLACE)],
    expected: [...plainEnable(REPLACE, 'replace=0'), ...plainDisable(REPLACE), `% rmmod ${REPLACE}`],
    notModelled: SYSFS_NOT_MODELLED,
  },
  {
    id: 'sysfs-sysfs-test-stack-order-value',
    file: 'test-sysfs.sh',
    test: 'sysfs test stack_order value',
    script: [
      ...loadLp(REPLACE),
      sysfsValue(REPLACE, 'stack_order', '1'),
      ...loadLp(DEMO),
      sysfsValue(DEMO, 'stack_order', '2'),
      ...loadLp(SYSCALL),
      sysfsValue(SYSCALL, 'stack_order', '3'),
      ...disableLp(DEMO),
      ...unload(DEMO),
      sysfsValue(REPLACE, 'stack_order', '1'),
      sysfsValue(SYSCALL, 'stack_order', '2'),
      ...disableLp(SYSCALL),
      ...unload(SYSCALL),
      ...disableLp(REPLACE),
      ...unload(REPLACE),
    ],
    expected: [
      ...plainEnable(REPLACE),
      ...demoEnable(DEMO),
      ...plainEnable(SYSCALL),
      ...demoDisable(DEMO),
      `% rmmod ${DEMO}`,
      ...plainDisable(SYSCALL),
      `% rmmod ${SYSCALL}`,
      ...plainDisable(REPLACE),
      `% rmmod ${REPLACE}`,
    ],
  },
];

export const SELFTEST_CASES: readonly SelftestCase[] = [...LIVEPATCH_CASES, ...CALLBACKS_CASES, ...SYSFS_CASES];

/** The case as a klpscope/1 document: mainline, four CPUs, the selftests' modules. */
export function selftestScenario(c: SelftestCase) {
  return {
    format: 'klpscope/1' as const,
    name: `${c.file}: ${c.test}`,
    description: `The kernel selftest "${c.test}" of tools/testing/selftests/livepatch/${c.file}, as a scenario: the same modules, the same commands, and the log the selftest expects.`,
    kernel: 'mainline' as const,
    seed: 1,
    machine: { cpus: 4 },
    modules: SELFTEST_MODULES,
    script: c.script,
  };
}

export const selftestById = (id: string): SelftestCase | undefined => SELFTEST_CASES.find((c) => c.id === id);
