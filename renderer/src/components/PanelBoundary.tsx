import { Button } from '@fluentui/react-components';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import i18next from 'i18next';

interface Props {
  /** What the panel is, for the message ("call record", "dialer"). */
  name: string;
  children: ReactNode;
}

interface State {
  error: Error | null;
}

/**
 * Keeps a failing panel to itself: without it one bad render (a damaged record entry, say)
 * unmounts the whole app, dialer and call screen included. Hooks cannot catch render errors, so
 * this one component is a class.
 */
export class PanelBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`panel "${this.props.name}" failed`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div role="alert" className="panel-failed" data-testid="panel-failed" data-panel={this.props.name}>
        <p>{i18next.t('panel.failed', { name: this.props.name, message: error.message })}</p>
        <Button onClick={() => this.setState({ error: null })}>
          {i18next.t('panel.retry')}
        </Button>
      </div>
    );
  }
}
