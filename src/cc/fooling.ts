import type { FoolingSet, OneWayFoolingSet, Problem } from "./problems.js";
import { run, type Protocol, type Run } from "./protocol.js";
import { sameTranscript } from "./transcript.js";

/** An input on which a protocol's answer differs from the problem's, with the run that shows it. */
export interface ProtocolError<X, Y> {
  readonly x: X;
  readonly y: Y;
  readonly expected: 0 | 1;
  readonly run: Run<0 | 1>;
}

/**
 * The fooling-set lemma (Fact 4) as code. Two distinct elements of a two-way fooling set with one transcript t: the
 * crossed inputs also have transcript t (inputs with one transcript form a rectangle), and the party that outputs
 * sees its own input and t, so the protocol answers `value` on both crossings. One crossing has f != value: that is
 * the error returned. If the protocol is already wrong on a or b, that element is the error. Throws if the premise
 * (one transcript) does not hold, or if the rectangle property fails, which would mean the protocol is not
 * deterministic.
 */
export function crossedError<X, Y>(
  problem: Problem<X, Y>,
  fooling: FoolingSet<X, Y>,
  protocol: Protocol<X, Y, 0 | 1>,
  a: readonly [X, Y],
  b: readonly [X, Y],
): ProtocolError<X, Y> {
  const ra = run(protocol, a[0], a[1]);
  const rb = run(protocol, b[0], b[1]);
  if (!sameTranscript(ra.transcript, rb.transcript))
    throw new RangeError("the two elements have different transcripts");
  // The lemma's premise is a protocol that is right on S; one that is wrong on an element is refuted there already.
  for (const [e, r] of [
    [a, ra],
    [b, rb],
  ] as const) {
    if (r.output !== fooling.value) return { x: e[0], y: e[1], expected: fooling.value, run: r };
  }
  const [x, y] = fooling.cross(a, b);
  const crossed = run(protocol, x, y);
  if (!sameTranscript(crossed.transcript, ra.transcript))
    throw new Error("rectangle property failed: protocol is not deterministic");
  const expected = problem.evaluate(x, y);
  if (expected === fooling.value || crossed.output !== fooling.value) {
    throw new Error(
      `fooling-set lemma failed on ${problem.name}: expected ${expected}, protocol said ${crossed.output}`,
    );
  }
  return { x, y, expected, run: crossed };
}

/**
 * The one-way version (Fact 3's argument): two Alice inputs with one message get one answer for every y, so on a y
 * that tells them apart one of the two answers is wrong.
 */
export function oneWayError<X, Y>(
  problem: Problem<X, Y>,
  fooling: OneWayFoolingSet<X, Y>,
  protocol: Protocol<X, Y, 0 | 1>,
  a: X,
  b: X,
): ProtocolError<X, Y> {
  const y = fooling.distinguish(a, b);
  const ra = run(protocol, a, y);
  const rb = run(protocol, b, y);
  if (!sameTranscript(ra.transcript, rb.transcript)) throw new RangeError("the two inputs have different transcripts");
  if (ra.output !== rb.output) throw new Error("one-way protocol answered differently on one transcript");
  const ea = problem.evaluate(a, y);
  return ra.output !== ea ? { x: a, y, expected: ea, run: ra } : { x: b, y, expected: problem.evaluate(b, y), run: rb };
}
