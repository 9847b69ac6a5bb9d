// A labelled region of the page: every panel is one, named for screen readers
// and for tests by the same words its heading shows.
import type { ReactNode } from 'react';

export function Panel(props: { readonly name: string; readonly className?: string; readonly actions?: ReactNode; readonly children: ReactNode }) {
  const id = `panel-${props.name.toLowerCase().replace(/\s+/g, '-')}`;
  return (
    <section className={`panel ${props.className ?? ''}`} role="region" aria-labelledby={id}>
      <header className="panel-head">
        <h2 id={id}>{props.name}</h2>
        {props.actions}
      </header>
      <div className="panel-body">{props.children}</div>
    </section>
  );
}
