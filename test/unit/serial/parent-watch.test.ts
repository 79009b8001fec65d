/** The simulated board's parent watch: stdin's end under Node, the heartbeat under a utilityProcess. */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BOARD_HEARTBEAT, BOARD_PARENT_TIMEOUT_MS, watchParent } from '../../../src/core/targets/serial/simulator/parent-watch';

afterEach(() => {
  vi.useRealTimers();
});

describe('watchParent', () => {
  it('without a parentPort: the parent is gone when stdin ends, once', async () => {
    const stdin = new PassThrough();
    const onGone = vi.fn();
    watchParent({ parentPort: undefined, stdin: () => stdin, onGone });
    stdin.write('ignored');
    await new Promise((resolve) => setImmediate(resolve));
    expect(onGone).not.toHaveBeenCalled();
    stdin.end();
    await new Promise((resolve) => setImmediate(resolve));
    stdin.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(onGone).toHaveBeenCalledTimes(1);
  });

  it('with a parentPort: heartbeats keep the board; silence past the timeout ends it; stdin is never opened', () => {
    vi.useFakeTimers();
    const port = new EventEmitter();
    const onGone = vi.fn();
    const stdin = vi.fn();
    watchParent({ parentPort: port, stdin, onGone });
    for (let i = 0; i < 30; i++) {
      vi.advanceTimersByTime(1_000);
      port.emit('message', { data: BOARD_HEARTBEAT });
    }
    expect(onGone).not.toHaveBeenCalled();
    // Other messages are not heartbeats.
    vi.advanceTimersByTime(BOARD_PARENT_TIMEOUT_MS - 1);
    port.emit('message', { data: 'something else' });
    expect(onGone).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onGone).toHaveBeenCalledTimes(1);
    expect(stdin).not.toHaveBeenCalled();
  });

  it('with a parentPort and no heartbeat at all: gone after the timeout', () => {
    vi.useFakeTimers();
    const onGone = vi.fn();
    watchParent({ parentPort: new EventEmitter(), stdin: () => new PassThrough(), onGone, timeoutMs: 500 });
    vi.advanceTimersByTime(499);
    expect(onGone).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onGone).toHaveBeenCalledTimes(1);
  });

  it('stopping the watch clears its timer', () => {
    vi.useFakeTimers();
    const onGone = vi.fn();
    const stop = watchParent({ parentPort: new EventEmitter(), stdin: () => new PassThrough(), onGone, timeoutMs: 500 });
    stop();
    vi.advanceTimersByTime(10_000);
    expect(onGone).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
