// Component-test harness: a real store over the real Session, in-process.
import { act, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { inProcessClient } from '../../src/app/inProcessClient.ts';
import { StoreProvider } from '../../src/app/store.ts';
import type { AppStore } from '../../src/app/store.ts';
import type { Request } from '../../src/worker/protocol.ts';
import { DEFAULT_SCENARIO } from '../../src/sim/scenario/presets.ts';

/** Lets queued replies (microtasks) reach the store. */
export async function flush(): Promise<void> {
  await act(async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  });
}

/**
 * Renders `ui` inside a provider whose store runs `scenario` (the default
 * scenario if none) and returns the store, once the first frame arrived.
 */
export async function renderWithSim(ui: ReactNode, scenario: unknown = DEFAULT_SCENARIO) {
  let store: AppStore | undefined;
  const result = render(
    <StoreProvider client={inProcessClient} onStore={(s) => (store = s)}>
      {ui}
    </StoreProvider>,
  );
  await flush();
  if (store === undefined) throw new Error('no store');
  const s = store;
  await act(async () => s.getState().load({ scenario }));
  await flush();
  /** Sends a request as the UI would and waits for the replies. */
  const send = async (req: Request) => {
    await act(async () => s.getState().send(req));
    await flush();
  };
  return { ...result, store: s, send };
}
