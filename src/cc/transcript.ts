import { BitString } from "./bits.js";

export type Party = "alice" | "bob";

/** One message: who sent it, what it carries (for people), and its exact bits. */
export interface Message {
  readonly from: Party;
  readonly label: string;
  readonly bits: BitString;
}

export type Transcript = readonly Message[];

/** Cost of a transcript: the total number of bits sent, counted from the messages. */
export function cost(transcript: Transcript): number {
  let total = 0;
  for (const m of transcript) total += m.bits.length;
  return total;
}

/** The whole transcript as one bit string (what a fooling-set search hashes). */
export function transcriptBits(transcript: Transcript): BitString {
  let out = BitString.empty;
  for (const m of transcript) out = out.concat(m.bits);
  return out;
}

/** Equal transcripts: same senders, same bits in the same order. Labels are commentary and do not count. */
export function sameTranscript(a: Transcript, b: Transcript): boolean {
  if (a.length !== b.length) return false;
  return a.every((m, i) => m.from === b[i]!.from && m.bits.equals(b[i]!.bits));
}
