// A labelled region of the page: every panel is one, named for screen readers
// and for tests by the same words its heading shows. A panel that fails to
// render says so in its own box; the rest of the page keeps working.
import { Component } from 'react';
import type { ErrorInfo, ReactNode } from 'react';

export function Panel(props: { readonly name: string; readonly className?: string; readonly actions?: ReactNode; readonly children: ReactNode }) {
  const id = `panel-${props.name.toLowerCase().replace(/\s+/g, '-')}`;
  return (
    <section className={`panel ${props.className ?? ''}`} role="region" aria-labelledby={id}>
      <header className="panel-head">
        <h2 id={id}>{props.name}</h2>
        {props.actions}
      </header>
      <div className="panel-body">
        <PanelBoundary name={props.name}>{props.children}</PanelBoundary>
      </div>
    </section>
  );
}

interface BoundaryState {
  readonly error: Error | null;
}

export class PanelBoundary extends Component<{ readonly name: string; readonly children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { error: null };

  static getDerivedStateFromError(error: Error): BoundaryState {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`klpscope: the ${this.props.name} panel failed`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (error === null) return this.props.children;
    return (
      <div role="alert" className="panel-failed">
        <p>
          This panel failed to draw: <span className="mono">{error.message}</span>
        </p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
