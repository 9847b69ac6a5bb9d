// Opening a scenario file: a button over a hidden file input, and dropping a
// JSON file anywhere on the page. The text goes to the worker as is; a bad
// file comes back as `invalid`, which the app's notice shows while the
// previous scenario stays open.
import { useEffect, useRef, useState } from 'react';
import { useAppStore } from '../app/store.ts';
import './model.css';

const hasFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer?.types ?? []).includes('Files');

export function ScenarioPicker() {
  const store = useAppStore();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    const open = (file: File) => {
      void file.text().then((text) => store.getState().load({ scenario: text }));
    };
    // dragenter and dragleave fire for every element crossed: count them.
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const file = e.dataTransfer?.files[0];
      if (file !== undefined) open(file);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [store]);

  return (
    <div className="pick">
      <button type="button" onClick={() => input.current?.click()} title="Open a klpscope/1 scenario (.json); you can also drop one on the page">
        Open scenario…
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        aria-label="Open a scenario file"
        className="sr-only"
        tabIndex={-1}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file !== undefined) void file.text().then((text) => store.getState().load({ scenario: text }));
        }}
      />
      {dragging && (
        <div className="pick-drop" role="status">
          <p>Drop a scenario .json file to open it</p>
        </div>
      )}
    </div>
  );
}
