// In-memory stand-ins for the narrow output interfaces (lambda/engine/outputs/ports.ts), for in-process tests of the
// run logic. Each records what it was given and can be told to fail or hang; the SDK-backed implementations
// are tested against the wire doubles instead (test/state-store.test.ts, test/handler.test.ts).
import type { Datapoint } from '../../lambda/engine/outputs/datapoints.ts';
import type { TargetState } from '../../lambda/engine/outputs/dedup.ts';
import type { Notification } from '../../lambda/engine/outputs/notification.ts';
import type { MetricsSink, Notifier, StateStore } from '../../lambda/engine/outputs/ports.ts';

/** How a fake answers: normally, with this error, or never (until the caller's signal aborts). */
export type FakeBehaviour = 'ok' | 'hang' | Error;

function act(behaviour: FakeBehaviour, signal: AbortSignal | undefined): Promise<void> {
  if (behaviour === 'ok') return Promise.resolve();
  if (behaviour === 'hang') {
    return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
  }
  return Promise.reject(behaviour);
}

export interface RecordingSink extends MetricsSink {
  calls: Array<{ namespace: string; points: Datapoint[]; timestamp: Date }>;
  behaviour: FakeBehaviour;
}

export function recordingSink(): RecordingSink {
  const sink: RecordingSink = {
    calls: [],
    behaviour: 'ok',
    async put(namespace, points, timestamp, abortSignal) {
      await act(sink.behaviour, abortSignal);
      sink.calls.push({ namespace, points, timestamp });
    },
  };
  return sink;
}

export interface RecordingNotifier extends Notifier {
  published: Notification[];
  behaviour: FakeBehaviour;
}

export function recordingNotifier(): RecordingNotifier {
  const notifier: RecordingNotifier = {
    published: [],
    behaviour: 'ok',
    async publish(notification, abortSignal) {
      await act(notifier.behaviour, abortSignal);
      notifier.published.push(notification);
    },
  };
  return notifier;
}

export interface MemoryStore extends StateStore {
  items: Map<string, TargetState>;
  /** The store has its own deadline inside (state-store.ts), so a fake store fails but never hangs. */
  readBehaviour: 'ok' | Error;
  writeBehaviour: 'ok' | Error;
}

/** Compare-and-set with the semantics of the DynamoDB store's condition: absent, or still the previous version. */
export function memoryStore(): MemoryStore {
  const store: MemoryStore = {
    items: new Map(),
    readBehaviour: 'ok',
    writeBehaviour: 'ok',
    async get(key) {
      await act(store.readBehaviour, undefined);
      const item = store.items.get(key);
      return item ? { ...item } : null;
    },
    async put(key, next) {
      await act(store.writeBehaviour, undefined);
      const current = store.items.get(key);
      if (current && current.version !== next.version - 1) return false;
      store.items.set(key, { ...next });
      return true;
    },
  };
  return store;
}
