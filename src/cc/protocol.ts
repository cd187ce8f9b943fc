import type { BitString } from "./bits.js";
import { cost, type Message, type Transcript } from "./transcript.js";

/**
 * A deterministic two-party protocol as a tree, after communication-complexity-lean's `output | alice | bob`:
 * at an inner node one party sends a bit string computed from its own input (and, through the closure, from the
 * transcript so far); the next node may depend on what was sent. Messages carry many bits at once (a p-bit number,
 * a state), which is the same tree with its binary levels grouped.
 *
 * Leaves: `output` is a value both parties know from the transcript; `alice-outputs` / `bob-outputs` are computed by
 * one party from its input and the transcript (as in a one-way protocol, where Bob knows the answer and says nothing).
 */
export type Protocol<X, Y, O> =
  | { readonly kind: "output"; readonly value: O }
  | { readonly kind: "alice-outputs"; output(x: X): O }
  | { readonly kind: "bob-outputs"; output(y: Y): O }
  | { readonly kind: "alice"; readonly label: string; send(x: X): BitString; next(m: BitString): Protocol<X, Y, O> }
  | { readonly kind: "bob"; readonly label: string; send(y: Y): BitString; next(m: BitString): Protocol<X, Y, O> };

export interface Run<O> {
  readonly output: O;
  readonly transcript: Transcript;
  /** Total bits sent. */
  readonly cost: number;
}

export function output<X, Y, O>(value: O): Protocol<X, Y, O> {
  return { kind: "output", value };
}

/** One-way, one round: Alice sends one message, Bob answers from it and his input. */
export function oneWay<X, Y, O>(
  label: string,
  send: (x: X) => BitString,
  decide: (message: BitString, y: Y) => O,
): Protocol<X, Y, O> {
  return {
    kind: "alice",
    label,
    send,
    next: (m) => ({ kind: "bob-outputs", output: (y) => decide(m, y) }),
  };
}

export function run<X, Y, O>(protocol: Protocol<X, Y, O>, x: X, y: Y): Run<O> {
  const transcript: Message[] = [];
  let node = protocol;
  for (;;) {
    switch (node.kind) {
      case "output":
        return { output: node.value, transcript, cost: cost(transcript) };
      case "alice-outputs":
        return { output: node.output(x), transcript, cost: cost(transcript) };
      case "bob-outputs":
        return { output: node.output(y), transcript, cost: cost(transcript) };
      case "alice":
      case "bob": {
        const bits = node.kind === "alice" ? node.send(x) : node.send(y);
        transcript.push({ from: node.kind, label: node.label, bits });
        node = node.next(bits);
        break;
      }
      default:
        return unreachable(node);
    }
  }
}

/** Pull a protocol back along input maps (a reduction); every transcript, and so the cost, is kept. */
export function comap<X, Y, X2, Y2, O>(
  protocol: Protocol<X, Y, O>,
  f: (x: X2) => X,
  g: (y: Y2) => Y,
): Protocol<X2, Y2, O> {
  const node = protocol;
  switch (node.kind) {
    case "output":
      return node;
    case "alice-outputs":
      return { kind: "alice-outputs", output: (x) => node.output(f(x)) };
    case "bob-outputs":
      return { kind: "bob-outputs", output: (y) => node.output(g(y)) };
    case "alice":
      return { kind: "alice", label: node.label, send: (x) => node.send(f(x)), next: (m) => comap(node.next(m), f, g) };
    case "bob":
      return { kind: "bob", label: node.label, send: (y) => node.send(g(y)), next: (m) => comap(node.next(m), f, g) };
    default:
      return unreachable(node);
  }
}

/** Exchange the roles: a protocol for (x, y) becomes one for (y, x) with the same answer and cost. */
export function swap<X, Y, O>(protocol: Protocol<X, Y, O>): Protocol<Y, X, O> {
  const node = protocol;
  switch (node.kind) {
    case "output":
      return node;
    case "alice-outputs":
      return { kind: "bob-outputs", output: node.output };
    case "bob-outputs":
      return { kind: "alice-outputs", output: node.output };
    case "alice":
      return { kind: "bob", label: node.label, send: node.send, next: (m) => swap(node.next(m)) };
    case "bob":
      return { kind: "alice", label: node.label, send: node.send, next: (m) => swap(node.next(m)) };
    default:
      return unreachable(node);
  }
}

/** Map the answer (for example a model's label to the problem's bit); transcripts are unchanged. */
export function mapOutput<X, Y, O, O2>(protocol: Protocol<X, Y, O>, h: (o: O) => O2): Protocol<X, Y, O2> {
  const node = protocol;
  switch (node.kind) {
    case "output":
      return { kind: "output", value: h(node.value) };
    case "alice-outputs":
      return { kind: "alice-outputs", output: (x) => h(node.output(x)) };
    case "bob-outputs":
      return { kind: "bob-outputs", output: (y) => h(node.output(y)) };
    case "alice":
    case "bob":
      return { ...node, next: (m: BitString) => mapOutput(node.next(m), h) } as Protocol<X, Y, O2>;
    default:
      return unreachable(node);
  }
}

function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
