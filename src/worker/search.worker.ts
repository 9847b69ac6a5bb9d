// The search worker: runs a bounded search for a counterexample, posting its
// progress about five times a second, then its result. The app ends the
// worker to cancel.
import { search } from '../sim/search/search.ts';
import { summaryText } from '../sim/search/summary.ts';
import type { SearchReply, SearchRequest } from './searchProtocol.ts';

const post = (r: SearchReply): void => self.postMessage(r);

self.addEventListener('message', (ev: MessageEvent<SearchRequest>) => {
  const req = ev.data;
  let last = 0;
  try {
    const result = search(req.scenario, {
      maxStates: req.maxStates,
      maxDepth: req.maxDepth,
      timeLimitMs: req.timeLimitMs,
      clock: () => performance.now(),
      progressEvery: 1,
      onProgress: (progress) => {
        const now = performance.now();
        if (now - last < 200) return;
        last = now;
        post({ type: 'progress', progress });
      },
    });
    post({ type: 'progress', progress: result });
    const f = result.found;
    post({
      type: 'done',
      summary: summaryText(result),
      found: f === undefined ? null : { choices: f.choices, step: f.step, invariant: f.violation.invariant, text: f.violation.text },
    });
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});
