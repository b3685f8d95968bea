// @vitest-environment jsdom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PanelBoundary } from '../../renderer/src/components/PanelBoundary';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** What a record entry with `gateways: "oops"` did to the call record view. */
function Broken(): React.JSX.Element {
  const gateways = 'oops' as unknown as Array<{ gateway: string }>;
  return <p>{gateways.map((g) => g.gateway).join()}</p>;
}

describe('PanelBoundary', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a panel that throws shows its own message; the dialer and the call beside it stay', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const container = document.createElement('div');
    const root = createRoot(container);
    act(() =>
      root.render(
        <main>
          <PanelBoundary name="call">
            <p data-testid="call">On a call with 112</p>
          </PanelBoundary>
          <PanelBoundary name="call record">
            <Broken />
          </PanelBoundary>
          <PanelBoundary name="dialer">
            <input aria-label="Number or SIP address" />
          </PanelBoundary>
        </main>,
      ),
    );
    expect(container.querySelector('[data-testid="call"]')?.textContent).toBe('On a call with 112');
    expect(container.querySelector('input[aria-label="Number or SIP address"]')).not.toBeNull();
    const failed = container.querySelector('[data-testid="panel-failed"]');
    expect(failed?.getAttribute('role')).toBe('alert');
    expect(failed?.getAttribute('data-panel')).toBe('call record');
    act(() => root.unmount());
  });
});
