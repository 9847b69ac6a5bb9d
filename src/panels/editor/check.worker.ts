// The editor's check worker: validates a large document off the page's
// thread, so that typing in it stays responsive.
import { checkText } from './check.ts';

self.addEventListener('message', (ev: MessageEvent<{ id: number; text: string }>) => {
  self.postMessage({ id: ev.data.id, result: checkText(ev.data.text) });
});
