import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

function Placeholder() {
  return (
    <main>
      <h1>klpscope</h1>
      <p>The visualiser of the livepatch per-task consistency model is coming. Meanwhile, run scenarios with <code>npx klpscope run</code>.</p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Placeholder />
  </StrictMode>,
);
