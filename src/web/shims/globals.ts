/**
 * Node globals the shared code uses that a browser lacks: setImmediate (the editor and the incremental segmenter
 * yield to the event loop with it). A MessageChannel turn, like Node's, is not clamped as nested setTimeouts are.
 */
const scope = globalThis as { setImmediate?: (callback: (...args: unknown[]) => void, ...args: unknown[]) => unknown };
if (!scope.setImmediate) {
  const channel = new MessageChannel();
  const queue: (() => void)[] = [];
  channel.port1.onmessage = () => queue.shift()?.();
  scope.setImmediate = (callback, ...args) => {
    queue.push(() => callback(...args));
    channel.port2.postMessage(undefined);
  };
}
export {};
