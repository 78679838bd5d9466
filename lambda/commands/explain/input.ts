/**
 * Picks the error text out of what people paste or pipe into `explain`: the JSON of `aws ecs describe-tasks`
 * or of an EventBridge event (stopped reasons and container reasons), a CloudTrail record (`errorCode`,
 * `errorMessage`, `eventName`), the probe's own `--json` result (`errorCode`, `message`), the output of
 * `kubectl describe pod` (the pull-failure events), or plain text. Pure: the caller reads the input.
 */
import type { TextHints } from '../../engine/explain/classify-text.ts';

export type InputFormat = 'text' | 'json' | 'kubectl-describe';

export interface ErrorInput {
  /** The error text to classify: the relevant messages, one per line, or the input as given. */
  text: string;
  hints: Pick<TextHints, 'errorCode' | 'operation'>;
  format: InputFormat;
  /** How many messages were picked out of a structured input (1 for plain text). */
  messages: number;
}

/** Keys whose string values are error text in ECS task descriptions and events, CloudTrail and probe results. */
const MESSAGE_KEYS = new Set(['stoppedReason', 'reason', 'errorMessage', 'message']);
/** A JSON document is walked this far, so a pathological input cannot keep the CLI busy. */
const MAX_JSON_NODES = 100_000;
const MAX_JSON_DEPTH = 12;
/** kubectl describe: the event lines that carry a pull failure's cause. */
const KUBECTL_EVENT_LINE =
  /Failed to pull image|Failed to create pod sandbox|FailedCreatePodSandBox|\bError: /;
const KUBECTL_EVENTS_HEADER = /^Events:/m;

export function extractErrorInput(raw: string): ErrorInput {
  const trimmed = raw.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const fromJson = fromJsonDocument(trimmed);
    if (fromJson) return fromJson;
  }
  if (KUBECTL_EVENTS_HEADER.test(raw)) {
    const lines = raw
      .split('\n')
      .filter((line) => KUBECTL_EVENT_LINE.test(line))
      .map((line) => line.trim());
    if (lines.length > 0) {
      const unique = [...new Set(lines)];
      return { text: unique.join('\n'), hints: {}, format: 'kubectl-describe', messages: unique.length };
    }
  }
  return { text: raw, hints: {}, format: 'text', messages: 1 };
}

function fromJsonDocument(text: string): ErrorInput | null {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return null;
  }
  const messages: string[] = [];
  const hints: ErrorInput['hints'] = {};
  const stack: Array<{ value: unknown; depth: number }> = [{ value: document, depth: 0 }];
  for (let visited = 0; stack.length > 0 && visited < MAX_JSON_NODES; visited += 1) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value !== 'object' || value === null || depth > MAX_JSON_DEPTH) continue;
    const entries = Array.isArray(value) ? value.map((item) => ['', item] as const) : Object.entries(value);
    // Reverse, so the stack hands entries back in document order.
    for (const [key, child] of [...entries].reverse()) {
      if (typeof child === 'string') {
        if (MESSAGE_KEYS.has(key) && child.trim()) messages.push(child.trim());
        else if (key === 'errorCode' && child.trim()) hints.errorCode ??= child.trim();
        else if (key === 'eventName' && child.trim()) hints.operation ??= child.trim();
      } else {
        stack.push({ value: child, depth: depth + 1 });
      }
    }
  }
  if (messages.length === 0 && !hints.errorCode) return null;
  const unique = [...new Set(messages)];
  return { text: unique.join('\n'), hints, format: 'json', messages: unique.length };
}
