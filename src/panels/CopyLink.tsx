// "Copy link": the URL of exactly this moment (scenario, actions, step, tour stop).
import { useState } from 'react';
import { useAppStore } from '../app/store.ts';
import { currentHash } from '../app/useUrlSync.ts';

export function CopyLink() {
  const store = useAppStore();
  const [status, setStatus] = useState<{ text: string; url?: string } | null>(null);
  const copy = async () => {
    const hash = currentHash(store);
    if (hash === null) return;
    const url = `${location.origin}${location.pathname}${location.search}#${hash}`;
    try {
      await navigator.clipboard.writeText(url);
      setStatus({ text: 'Link copied' });
    } catch {
      // No clipboard (an insecure page, a denied permission): show it to copy by hand.
      setStatus({ text: 'Copy this link:', url });
    }
  };
  return (
    <span className="copy-link">
      <button type="button" onClick={() => void copy()} title="Copy a link to exactly this moment">
        Copy link
      </button>
      {status && (
        <span role="status" className="copy-status">
          {status.text}
          {status.url !== undefined && <input type="text" readOnly value={status.url} aria-label="Link to this moment" onFocus={(e) => e.currentTarget.select()} />}
        </span>
      )}
    </span>
  );
}
